"""Feedback on every long run (issue 18): each long command, started with stderr a terminal, draws
progress on stderr within 2 s of its start (the first byte is timed from the process's start, so a
loaded machine shows as it is), then its own stages; stdout holds no progress at all; with
``--quiet``, or with stderr not a terminal, nothing is drawn.

Each command runs at settings that keep it short (sanmen, few draws, short time limits); the
first byte does not depend on them: it is drawn before the command loads anything."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ptyrun import run

ROOT = Path(__file__).resolve().parents[1]
KAOPING = [sys.executable, "-m", "kaoping"]
FIRST = 2.0  # [s] from the process's start to its first progress byte
DRAWN = (b"\r", b"\x1b[", "█".encode())  # what drawing progress writes (a status line, a tqdm bar)
QUICK_PLAN = ["--opt-draws", "20", "--replications", "2", "--time-limit", "3"]

#: command line -> a word of its own progress (beyond the first status line)
LONG = {
    "simulate": (["simulate", "sanmen", "--draws", "300"], "模拟"),
    "warn": (["warn", "sanmen", "--draws", "300"], "预警"),
    "optimize": (["optimize", "sanmen", "--draws", "20", "--replications", "2", "--time-limit", "3",
                  "--select-draws", "300", "--report-draws", "300"], "求解样本"),
    "frontier": (["frontier", "sanmen", "--budgets", "6,12", "--draws", "20", "--time-limit", "3"], "前沿"),
    "compare": (["compare", "sanmen", "--draws", "300"], "模拟各方案"),
    "optimize-all": (["optimize-all", "scenarios/sanmen", "--counties", "三门,天台", "--draws", "20", "--fresh", "200",
                      "--time-limit", "3"], "规划"),
    "rivals": (["rivals", "sanmen", "--draws", "300", *QUICK_PLAN], "所分析的方案"),
    "adjust": (["adjust", "sanmen", "--plan", "none", "--draws", "300", "--resolve", "0"], "调整"),
    "goal-seek": (["goal-seek", "sanmen", "--plan", "none", "--draws", "300"], "盈亏平衡"),
    "attribute": (["attribute", "sanmen", "--plan", "none", "--draws", "300"], "部门组合"),
    "robust": (["robust", "sanmen", "--plan", "none", "--draws", "300"], "寻找方案失利的规则"),
    "demo": (["demo", "--no-aids"], "求解样本"),  # commands inside a command
}


def _clean(out: bytes) -> None:
    out = out.replace(b"\r\n", b"\n")  # a terminal writes a new line as CR LF
    for mark in DRAWN:
        assert mark not in out, f"progress drawing {mark!r} in {out[:200]!r}"


def _drawn(ran) -> str:
    assert ran.code == 0, ran.stderr.decode(errors="replace")[-2000:]
    return ran.stderr.decode(errors="replace")


@pytest.mark.parametrize("name", list(LONG))
def test_long_command_draws_progress_on_a_terminal_within_2_s_and_never_on_stdout(name):
    argv, own = LONG[name]
    ran = run([*KAOPING, *argv], cwd=ROOT, timeout=300)
    err = _drawn(ran)
    assert ran.first is not None and ran.first < FIRST, f"first progress byte after {ran.first} s"
    assert err.startswith("\r\x1b[K"), err[:80]  # the first byte is progress, not a message
    assert own in err, err[-1500:]
    _clean(ran.stdout)


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    """A run folder of ``kaoping simulate … -q`` on a terminal: nothing drawn, the command's message
    (the run folder written) as it is."""
    out = tmp_path_factory.mktemp("runs") / "simulate"
    ran = run([*KAOPING, "simulate", "sanmen", "--draws", "300", "--out", str(out), "-q"], cwd=ROOT)
    assert ran.code == 0, ran.stderr.decode(errors="replace")
    _clean(ran.stderr)
    assert str(out) in ran.stderr.decode()  # "run folder: OUT", in the language in use
    return out


def test_reproduce_says_it_re_runs_and_shows_the_re_run_s_progress(run_folder):
    """The re-run's output is captured, its progress still reaches the terminal (its draws, the
    run folder it writes in a temporary folder)."""
    ran = run([*KAOPING, "reproduce", str(run_folder)], cwd=ROOT, timeout=300)
    err = _drawn(ran)
    assert ran.first is not None and ran.first < FIRST
    assert "重新运行 kaoping simulate" in err and "模拟" in err and "写入运行文件夹" in err
    assert ran.stdout.decode().strip().endswith("一致")  # reproduce's verdict MATCH, in Chinese
    _clean(ran.stdout)


def test_nothing_is_drawn_when_stderr_is_not_a_terminal():
    """(Quiet on a terminal: the run folder above.)"""
    argv, _ = LONG["optimize"]
    ran = run([*KAOPING, *argv], cwd=ROOT, tty=False, timeout=300)
    assert ran.code == 0, ran.stderr.decode(errors="replace")[-2000:]
    _clean(ran.stderr)
    _clean(ran.stdout)
    assert ran.stdout  # the command's output itself is there


@pytest.mark.parametrize("argv, quiet", [(["--quiet", "score", "sanmen"], True), (["score", "sanmen", "-q"], True),
                                         (["-q", "reproduce", "RUN"], True), (["score", "sanmen"], False)])
def test_quiet_is_read_before_or_after_the_command(argv, quiet):
    from kaoping.cli import build_parser

    assert build_parser().parse_args(argv).quiet is quiet


HEAVY = ("pandas", "scipy", "numba", "pulp", "highspy", "matplotlib", "openpyxl", "models.scoring", "models.scenario")


def test_parsing_any_command_line_loads_no_science():
    """What runs before the first progress line (the parser with every command's options) imports
    none of the heavy modules: they load inside the command, after 读取情景… is drawn. A fresh
    process, so that nothing another test imported counts."""
    code = ("import sys; from kaoping.cli import build_parser; p = build_parser(); "
            "sub = next(a for a in p._actions if hasattr(a, 'pending')); "
            "[mod.add_arguments(sp) for mod, sp in list(sub.pending.values())]; "
            f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    import subprocess

    got = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert got.stdout.strip() == "", f"imported while parsing: {got.stdout.strip()}"


# --------------------------------------------------------------------------- in process


class _Terminal:
    """A stream that says it is a terminal and keeps what is written."""

    def __init__(self):
        self.text = ""

    def write(self, s):
        self.text += s
        return len(s)

    def flush(self):
        pass

    def isatty(self):
        return True


@pytest.fixture
def terminal(monkeypatch):
    """kaoping.progress and a function putting stdout and stderr on a fake terminal (inside the test:
    pytest puts its own capture back between a fixture and the test)."""
    from kaoping import progress

    term, out = _Terminal(), _Terminal()

    def attach():
        monkeypatch.setattr(sys, "stderr", term)
        monkeypatch.setattr(sys, "stdout", out)
        return term, out

    yield progress, attach
    progress.clear()
    progress.configure()


def test_a_status_line_is_cleared_before_output_or_a_message_on_the_same_terminal(terminal):
    progress, attach = terminal
    term, out = attach()
    progress.configure(stream=term)
    progress.status("读取情景…")
    assert term.text == "\r\x1b[K读取情景…"
    print("总分")  # the command's output: the status line is erased first
    assert term.text == "\r\x1b[K读取情景…\r\x1b[K" and out.text == "总分\n"
    print("error: x", file=sys.stderr)  # no status line left: a message goes as it is
    assert term.text.endswith("\r\x1b[Kerror: x\n")
    progress.clear()  # the end of the command
    assert sys.stdout is out and sys.stderr is term  # the streams are given back
    assert term.text.endswith("\r\x1b[Kerror: x\n")  # nothing more to erase


@pytest.mark.parametrize("quiet", [False, True])
def test_quiet_draws_no_status_no_bar_and_no_stage(terminal, quiet):
    progress, attach = terminal
    term, out = attach()
    progress.configure(quiet=quiet, stream=term)
    progress.status("读取情景…")
    with progress.bar(10, "模拟") as step:
        step(10)
    with progress.stages() as say:
        say("求解样本", 1, 2, "当前最优 0.5")
    assert (term.text == "") is quiet
    if not quiet:
        assert "读取情景…" in term.text and "模拟" in term.text and "当前最优 0.5" in term.text
    assert out.text == ""

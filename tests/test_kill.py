"""Killing a run: SIGINT, SIGTERM and SIGKILL during ``simulate`` and during ``optimize --solver cbc``.

Each run is a real ``kaoping`` process with a private TMPDIR, so that its temporary files and its
child processes can be found: a child inherits the TMPDIR, so every process whose environment holds
it belongs to the run. The three signals are sent to three runs started together (the machine has
two cores; one at a time would triple the wait).

- SIGINT and SIGTERM: exit 1 with "interrupted", no traceback, no child process left, no temporary
  file, no run folder (neither the final nor the hidden partial one).
- SIGKILL: the process cannot clean up. CBC dies with it (the child asks the kernel to be killed
  with its parent); only the hidden partial folder and CBC's private folder remain, and the next
  run removes them.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from kaoping.cli import main
from optimizer.solver import Problem, solve

ROOT = Path(__file__).resolve().parent.parent
SANMEN = ROOT / "scenarios" / "sanmen"
TINY = ROOT / "tests" / "data" / "tiny"
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGKILL)
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def processes_of(tmpdir: Path) -> list[tuple[int, str]]:
    """(pid, command line) of every live process whose environment holds TMPDIR=tmpdir."""
    key = f"TMPDIR={tmpdir}".encode()
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            env = (d / "environ").read_bytes().split(b"\0")
            if key in env:
                state = next((ln for ln in (d / "status").read_text().splitlines() if ln.startswith("State:")), "")
                if "zombie" not in state:
                    out.append((int(d.name), (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")))
        except OSError:
            continue
    return out


def main_solve(cmd: str) -> bool:
    """The command line of CBC's warm-started main solve (the warm start itself is a short solve before it)."""
    return "cbc" in cmd.split(" ")[0] and " -mips " in cmd


def start(argv: list[str], tmpdir: Path) -> subprocess.Popen:
    tmpdir.mkdir()
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    return subprocess.Popen([sys.executable, "-m", "kaoping", *argv], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def wait_for(cond, what: str, procs, timeout: float = 120.0) -> None:
    t0 = time.monotonic()
    while not cond():
        if time.monotonic() - t0 > timeout or any(p.poll() is not None for p in procs):
            for p in procs:
                p.kill()
            pytest.fail(f"{what} did not happen: {[p.communicate()[1][-500:] for p in procs]}")
        time.sleep(0.1)


def gone(tmpdir: Path, timeout: float = 10.0) -> list:
    """Processes of the run still alive after up to ``timeout`` seconds."""
    t0 = time.monotonic()
    while (left := processes_of(tmpdir)) and time.monotonic() - t0 < timeout:
        time.sleep(0.1)
    return left


def check(proc, sig, tmpdir: Path, out: Path) -> None:
    _, err = proc.communicate(timeout=60)
    assert gone(tmpdir) == []
    partial = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.partial-")]
    assert not out.exists()
    if sig == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
        assert len(partial) == 1 and partial[0].startswith(f".{out.name}.partial-{proc.pid}-")
    else:
        assert proc.returncode == 1, err
        assert "已中断" in err and "Traceback" not in err  # interrupted
        assert partial == [] and list(tmpdir.iterdir()) == []


def start_one_per_signal(tmp_path: Path, argv: list[str]) -> dict:
    """signal -> (process, its TMPDIR, its --out): the same command started once per signal, side by side."""
    runs = {}
    for sig in SIGNALS:
        out = tmp_path / f"out-{sig.name}" / "run"
        out.parent.mkdir()
        tmpdir = tmp_path / f"tmp-{sig.name}"
        runs[sig] = (start([*argv, "--out", str(out)], tmpdir), tmpdir, out)
    return runs


def test_killing_simulate_leaves_nothing_behind(tmp_path):
    runs = start_one_per_signal(tmp_path, ["simulate", str(TINY), "--draws", "3000000"])
    procs = [p for p, _, _ in runs.values()]
    for sig, (proc, tmpdir, out) in runs.items():  # the partial folder is made before the computing starts
        wait_for(lambda out=out: any(".partial-" in p.name for p in out.parent.iterdir()), "the run folder opening", procs)
    time.sleep(1.0)
    for sig, (proc, _, _) in runs.items():
        assert proc.poll() is None, "simulate ended before it was interrupted: give it more draws"
        proc.send_signal(sig)
    for sig, (proc, tmpdir, out) in runs.items():
        check(proc, sig, tmpdir, out)
    # the next run in the same folder removes the partial folder a SIGKILL left
    _, tmpdir, out = runs[signal.SIGKILL]
    assert main(["score", str(TINY), "--out", str(out.parent / "next")]) == 0
    assert sorted(p.name for p in out.parent.iterdir()) == ["next"]


def test_killing_optimize_with_cbc_leaves_no_solver_and_no_file(tmp_path, monkeypatch):
    runs = start_one_per_signal(tmp_path, ["optimize", str(SANMEN), "--solver", "cbc", "--draws", "150", "--time-limit", "120"])
    procs = [p for p, _, _ in runs.values()]
    for sig, (proc, tmpdir, out) in runs.items():  # the main solve, warm-started (-mips), not the short warm-start solve
        wait_for(lambda t=tmpdir: any(main_solve(cmd) for _, cmd in processes_of(t)), "CBC's main solve starting", procs)
    for sig, (proc, tmpdir, _) in runs.items():
        [(_, cmd)] = [x for x in processes_of(tmpdir) if main_solve(x[1])]
        assert f"{tmpdir}/kaoping-cbc-{proc.pid}-" in cmd  # CBC's files are in its private folder
        proc.send_signal(sig)
    for sig, (proc, tmpdir, out) in runs.items():
        check(proc, sig, tmpdir, out)
    # SIGKILL: CBC died with its parent; its folder remains until the next CBC solve removes it
    _, tmpdir, _ = runs[signal.SIGKILL]
    [left] = list(tmpdir.iterdir())
    assert left.name.startswith(f"kaoping-cbc-{runs[signal.SIGKILL][0].pid}-")
    monkeypatch.setattr(tempfile, "tempdir", str(tmpdir))  # this process's next CBC solve, in that TMPDIR
    p = Problem()
    p.add_var("x", 0, 1, True, 1.0)
    assert solve(p, "cbc").objective == 1.0
    assert list(tmpdir.iterdir()) == []

"""Issue 18's test: every command, in the default language (Chinese), prints no stray English.

Each command runs on a shipped scenario at fast settings (tests/cli_runs.py), with its tables and
messages; so do every command's ``--help`` and a few bad inputs (argparse's errors, a missing
scenario, a value out of range). Any ASCII word of three or more letters in stdout or stderr fails
the test unless it is allowed: a unit or a name from the scenario (counties, indicators, units,
departments, assessments, grades, overrides, the scenario's title), a command-line word (a command,
an option, a metavar, a choice), a file name, path or field path being quoted, or a technical term
(HiGHS, SAA, MILP, JSON, Excel, …). ``--json`` output and ``kaoping schema`` (documents for
programs) are not messages."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_runs import ROOT, computing, run, setup

from kaoping.cli import build_parser
from kaoping.shipped import shipped_names
from models.scenario import load_scenario

TECHNICAL = {
    "HiGHS", "CBC", "SAA", "MILP", "JSON", "Excel", "CSV", "YAML", "PuLP", "Dask", "Shapley", "PNG", "HTML", "SHA",
    "MRP", "PRIM", "GiB", "MiB", "KiB", "UTC", "kaoping", "pp", "Schema", "KAOPING", "LANG", "LocalCluster",
}
WORD = re.compile(r"[A-Za-z][A-Za-z]{2,}")
QUOTED = re.compile(r"'[^'\n]*'|「[^」\n]*」|`[^`\n]*`|\"[^\"\n]*\"")
PATHLIKE = re.compile(r"(?:\w+://\S+)|(?:[\w.\-~]*[/\\][^\s，。；：（）()]*)|(?:\.[a-z]{2,4}\b)|(?:[\w\-]+\.(?:yaml|yml|csv|xlsx|json|html|png|lp|mps|md|py))"
                      r"|(?:--?[a-z][a-z\-]*)|(?:\w+(?:\[[^\]]*\])?(?:\.\w+(?:\[[^\]]*\])?)+)")
SCENARIOS = ("sanmen", "monthly")
BAD = [
    ["optimize", "sanmen", "--draws", "x"],  # argparse: a type's message
    ["frobnicate"],  # argparse: invalid choice
    ["optimize"],  # argparse: a required argument
    ["score", "sanmen", "--no-such-option"],  # argparse: unrecognised arguments
    ["warn", "sanmen", "--red", "2"],  # out of range
    ["frontier", "sanmen", "--budgets", "1,,2"],
    ["score", "nowhere"],  # no such scenario
    ["optimize", "sanmen", "--grade", "九等"],  # unknown grade
    ["optimize", "sanmen", "--objective", "min-effort"],  # needs --prob
    ["validate", ROOT / "tests" / "broken" / "duplicate_indicator"],  # located problems
    ["reproduce", "nowhere"],
]


def allowed_words() -> set[str]:
    """Names from the scenarios, the command line's own words and the technical terms."""
    words = set(TECHNICAL) | {w for name in shipped_names() for w in WORD.findall(name)}
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")  # commands to type: make and its targets
    words |= {"make"} | set(re.findall(r"^([a-z][a-z-]*):", makefile, re.M))
    words |= {w for argv in BAD for a in argv for w in WORD.findall(str(a))}  # what the user typed, quoted back
    for name in SCENARIOS:
        scn = load_scenario(ROOT / "scenarios" / name)
        spec = scn.spec
        texts = [spec.scenario.title or "", scn.name, scn.home, *scn.counties, spec.effort.unit or "",
                 *(o for o in spec.overrides), *(getattr(o, "description", "") or "" for o in spec.overrides.values())]
        for i in scn.indicators():
            texts += [i.name, i.unit or "", i.department or "", i.leader or ""]
        for a in spec.assessments:
            texts += [a.name, *a.grades.names]
        words |= {w for t in texts for w in WORD.findall(str(t))}
    parser = build_parser()
    for action in parser._actions:  # every command's options (the parser adds them when a command is chosen)
        for mod, sp in list(getattr(action, "pending", {}).values()):
            mod.add_arguments(sp)
    stack = [parser]
    while stack:
        p = stack.pop()
        for action in p._actions:
            words |= {w for s in action.option_strings for w in WORD.findall(s)}
            dest = action.dest or ""
            words |= {w for w in WORD.findall(str(action.metavar or "")) + WORD.findall(dest) + WORD.findall(dest.upper())}
            if action.choices:
                words |= {w for c in action.choices for w in WORD.findall(str(c))}
                stack += [c for c in action.choices.values()] if isinstance(action.choices, dict) else []
    return words


def stray(text: str, allowed: set[str]) -> list[str]:
    """Lines of ``text`` holding an English word that is not allowed, with the words."""
    out = []
    for line in text.splitlines():
        bare = PATHLIKE.sub(" ", QUOTED.sub(" ", line))
        bad = [w for w in WORD.findall(bare) if w not in allowed]
        if bad:
            out.append(f"{bad}: {line.strip()[:160]}")
    return out


@pytest.fixture(scope="module")
def said(tmp_path_factory):
    """Command line -> what it printed (stdout and stderr), in the default language."""
    tmp = tmp_path_factory.mktemp("zh")
    setup(tmp)
    got = {}
    for name, argv in computing(tmp, json=False).items():
        r = run(argv)
        assert r.code == (2 if name == "validate-broken" else 0), f"{name}: {r.err}"
        got[" ".join(r.argv)] = r.out + r.err
    r = run(["demo", "--no-aids"])  # the story up to the plan (the aids are the commands scanned above)
    assert r.code == 0, r.err
    got[" ".join(r.argv)] = r.out + r.err
    parser = build_parser()
    commands = [a for a in parser._actions if a.choices and isinstance(a.choices, dict)][0].choices
    for argv in [["--help"], *([c, "--help"] for c in commands)]:
        r = run(argv)
        assert r.code == 0
        got[" ".join(r.argv)] = r.out + r.err
    for argv in BAD:
        r = run(argv)
        assert r.code == 2, f"{argv}: {r.err}"
        assert "Traceback" not in r.err
        got[" ".join(r.argv)] = r.out + r.err
    return got


def test_chinese_everywhere(said):
    allowed = allowed_words()
    found = {argv: s for argv, text in said.items() if (s := stray(text, allowed))}
    report = "\n".join(f"kaoping {argv}:\n    " + "\n    ".join(lines[:12]) for argv, lines in found.items())
    assert not found, f"English words in Chinese output ({len(found)} commands):\n{report}"


def test_stray_finds_english_and_spares_what_is_allowed():
    allowed = {"sanmen", "HiGHS"}
    assert stray("状态：proven best", allowed) == ["['proven', 'best']: 状态：proven best"]
    assert stray("用 HiGHS 求解 sanmen；见 runs/x/report.html 与 --time-limit，字段 assessments[0].name", allowed) == []
    assert stray("未知的规则种类 'thresold'：是否要写 'threshold'？", allowed) == []
    assert stray("P(名次≤1) 0.5", allowed) == []


def test_the_scan_sees_every_command(said):
    """Every command of the CLI ran (or showed its help) in the scan."""
    ran = {argv.split()[0] for argv in said}
    parser = build_parser()
    commands = [a for a in parser._actions if a.choices and isinstance(a.choices, dict)][0].choices
    assert set(commands) <= ran
    assert Path(ROOT / "scenarios" / "sanmen").is_dir()

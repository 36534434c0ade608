"""Every command of the CLI run once on a shipped scenario at fast settings, in one language: what
tests/test_json.py (the JSON Schema of results, keys the same in Chinese and English) and
tests/test_chinese_everywhere.py (no stray English in Chinese output) read.

Runs are in-process (``kaoping.cli.main``), each with its stdout and stderr captured."""
from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

from kaoping.cli import main

ROOT = Path(__file__).resolve().parents[1]
FAST_OPT = ["--draws", "10", "--time-limit", "3"]
FAST_AID = ["--draws", "200"]


@dataclass
class Ran:
    argv: list[str]
    code: int
    out: str
    err: str


def run(argv: list[str]) -> Ran:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return Ran([str(a) for a in argv], code, out.getvalue(), err.getvalue())


def computing(tmp: Path, json: bool) -> dict[str, list]:
    """name -> argv of each command that computes (``--json`` added when ``json``); ``{tmp}`` holds the
    run folders the aids and reproduce read (made by :func:`setup`)."""
    j = ["--json"] if json else []
    plan = ["--plan", str(tmp / "opt")]
    return {
        "score": ["score", "sanmen", *j],
        "simulate": ["simulate", "sanmen", "--draws", "200", *j],
        "warn": ["warn", "monthly", "--draws", "200", *j],
        "optimize": ["optimize", "sanmen", "--replications", "2", "--select-draws", "100", "--report-draws", "100",
                     *FAST_OPT, *j],
        "optimize-single": ["optimize", "sanmen", "--single", *FAST_OPT, *j],
        "frontier": ["frontier", "sanmen", "--budgets", "5,10", "--draws", "10", "--time-limit", "2", *j],
        "compare": ["compare", "sanmen", "--overrides", "budget-cut", "--draws", "200", "--objective", "rank-prob",
                    "--opt-draws", "10", "--time-limit", "2", *j],
        "optimize-all": ["optimize-all", "sanmen", "--counties", "三门,仙居", "--draws", "10", "--fresh", "100",
                         "--time-limit", "2", *j],
        "adjust": ["adjust", "sanmen", *FAST_AID, *plan, "--resolve", "0", *j],
        "rivals": ["rivals", "sanmen", *FAST_AID, *plan, *j],
        "attribute": ["attribute", "sanmen", *FAST_AID, *plan, "--permutations", "20", "--max-exact", "4", *j],
        "goal-seek": ["goal-seek", "sanmen", *FAST_AID, *plan, "--indicator", "为民办实事,满意指数", *j],
        "robust": ["robust", "sanmen", *FAST_AID, *plan, *j],
        "validate": ["validate", "sanmen", *j],
        "validate-broken": ["validate", ROOT / "tests" / "broken" / "duplicate_indicator", *j],
        "reproduce": ["reproduce", tmp / "score", *j],
        "synth": ["synth", "--counties", "6", "--classes", "2", "--indicators", "5", "-o", tmp / f"synth{len(j)}", *j],
        "export-excel": ["export-excel", "sanmen", "-o", tmp / f"sanmen{len(j)}.xlsx", *j],
        "import-excel": ["import-excel", tmp / "sanmen.xlsx", "-o", tmp / f"imported{len(j)}", *j],
    }


def setup(tmp: Path) -> None:
    """The run folders and the workbook the commands above read."""
    for argv in (["optimize", "sanmen", "--single", *FAST_OPT, "--out", tmp / "opt"], ["score", "sanmen", "--out", tmp / "score"],
                 ["export-excel", "sanmen", "-o", tmp / "sanmen.xlsx"]):
        r = run(argv)
        assert r.code == 0, r.err

"""The corpus of broken inputs (tests/corpus/cases.py): every case is refused cleanly, and every input
that once gave a silent wrong number now gives the right one.

For each case: the exit code (2, or 3 for an infeasible request); stderr names the file (or the
argument), the place (line, row, cell, field) and what to do (the case's fragments, and a word of
advice); no traceback; the case's folder (its input, and where a run would go) and every existing
run folder byte-identical afterwards: nothing written, nothing lost. Cases run in-process (a few
hundred in seconds); a handful run again as real processes. The messages are pinned in English
(the ``english`` fixture): the corpus is about where and what, whatever the language.
"""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from corpus.cases import CASES, NUMBERS, TEMPLATE, TINY, copy_run

from kaoping.cli import main

ADVICE = re.compile(r"\b(add|use|write|remove|choose|set|correct|restore|give|close|clear|save|copy|rename|keep|open|"
                    r"check|put|fix|make|swap|order|list|define|unmerge|type|delete|change|create|declare|must|needs?|did you mean|"
                    r"at most|expected|is out of reach)\b", re.I)


def tree(path: Path) -> dict[str, str]:
    """Every file (SHA-256), folder and link under ``path``."""
    out = {}
    for p in sorted(path.rglob("*")):
        rel = p.relative_to(path).as_posix()
        if p.is_symlink():
            out[rel] = "link " + os.readlink(p)
        elif p.is_dir():
            out[rel] = "folder"
        else:
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """What exists before the cases: the template imported as a scenario (for the optimising commands)
    and a finished run folder (score on tiny), whose copies the run-folder cases break."""
    base = tmp_path_factory.mktemp("world")
    assert main(["import-excel", str(TEMPLATE), "-o", str(base / "template")]) == 0
    assert main(["score", str(TINY), "--out", str(base / "runs" / "reference")]) == 0
    return {"base": base, "template": base / "template", "run_copy": copy_run(base / "runs" / "reference")}


def test_the_corpus_is_large_and_covers_every_family():
    families = {c.family for c in CASES}
    assert len(CASES) >= 200 and families == {"csv", "yaml", "excel", "cli", "run"}
    assert len({c.id for c in CASES}) == len(CASES)
    assert all(sum(c.family == f for c in CASES) >= 20 for f in families)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_broken_input_is_refused_cleanly(case, world, tmp_path, capsys, monkeypatch, english):
    argv = case.make(tmp_path, world)
    monkeypatch.chdir(tmp_path)  # --save and relative paths land in the case's folder
    before = tree(tmp_path), tree(world["base"])
    capsys.readouterr()
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == case.code, err
    assert "Traceback" not in out + err
    for fragment in case.says:
        assert fragment in err, f"{fragment!r} not in:\n{err}"
    assert ADVICE.search(err), err
    assert (tree(tmp_path), tree(world["base"])) == before


@pytest.mark.parametrize("number", NUMBERS, ids=lambda n: n.name)
def test_an_input_once_misread_gives_the_right_number(number, world, tmp_path):
    got = number.measure(tmp_path, world)
    assert got == (pytest.approx(number.expected, abs=1e-9) if isinstance(number.expected, float) else number.expected)


def test_a_handful_of_cases_as_real_processes(world, tmp_path, english):
    """The same answers from ``python -m kaoping``: exit code, message, no traceback (run side by side)."""
    chosen = [c for c in CASES if c.id in ("yaml-alias-bomb", "cli-optimize--time-limit=-5", "run-seed-edited")]
    assert len(chosen) == 3
    procs = []
    for c in chosen:
        d = tmp_path / c.id
        d.mkdir()
        argv = c.make(d, world)
        procs.append((c, subprocess.Popen([sys.executable, "-m", "kaoping", *argv], cwd=d, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True)))
    for c, p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == c.code, err
        assert "Traceback" not in out + err and all(s in err for s in c.says), err

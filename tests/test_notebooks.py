"""The notebooks run from top to bottom, fast (KAOPING_FAST=1: few draws), and stay clean in git.

Each notebook checks its own narrative claims with ``assert`` cells (a plan beats the speech's
rule on the same draws, a re-run matches its run folder, ...): executing it runs those checks.
Here we add what holds for every notebook: no cell fails, every Chinese label has its glyphs
(matplotlib's "Glyph ... missing from font" warning would show on stderr), at least one figure is
drawn, and the stored file carries no outputs or execution counts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TIMEOUT = 600  # [s] per cell; a fast run takes seconds, this only stops a hung kernel


def _stderr_and_images(nb) -> tuple[str, int]:
    err, images = [], 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                err.append(out.get("text", ""))
            if "image/png" in out.get("data", {}):
                images += 1
    return "".join(err), images


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path):
    """Outputs and execution counts are stripped before committing (git diffs stay readable)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    dirty = [i for i, c in enumerate(raw["cells"])
             if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count") is not None)]
    assert dirty == [], f"{path.name}: cells {dirty} hold outputs; run: jupyter nbconvert --clear-output --inplace {path}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_sets_what_ifs_by_name_not_by_override_path(path):
    """What-ifs go through kaoping.notebook (what_if, sliders) or a scenario's named overrides: no code
    cell writes an override path (``forecasts[县/指标].mean``, ``….rule.basic``, ``"set": [...]``)."""
    code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    written = re.findall(r"forecasts\[[^\]]*/[^\]]*\]|\.rule\.\w+|[\"']set[\"']\s*:", code)
    assert written == [], f"{path.name} writes override paths {written}: use kaoping.notebook.what_if"


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes_fast_with_rendered_chinese_figures(path, monkeypatch, tmp_path):
    """Runs the notebook in a fresh kernel from the notebooks folder with KAOPING_FAST=1."""
    from nbclient import NotebookClient

    monkeypatch.setenv("KAOPING_FAST", "1")
    monkeypatch.setenv("KAOPING_RUNS_DIR", str(tmp_path / "runs"))  # run folders written by a notebook go here
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiets a debugger notice on stderr
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=TIMEOUT, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    stderr, images = _stderr_and_images(nb)
    assert "missing from font" not in stderr, stderr[:2000]
    assert "Warning" not in stderr, stderr[:2000]
    assert images >= 1, f"{path.name} drew no figure"

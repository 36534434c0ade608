"""Wall time of each notebook, from starting a fresh kernel to its last cell, at its default settings
and in the tests' fast mode (``KAOPING_FAST=1``): what a strategist waits for in Jupyter (goals:
< 90 s default, < 30 s fast). Each notebook runs as tests/test_notebooks.py runs it (nbclient,
a fresh ``python3`` kernel in the notebooks folder); the slowest cell is named.

The figures are absolute seconds on a shared machine, so the load average is printed beside them
(``python -m benchmarks notebooks``; ``python benchmarks/bench_notebooks.py 01 03`` for some)."""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOALS = {"default": 90.0, "fast": 30.0}  # [s]


def run_once(path: Path, fast: bool, runs: Path) -> tuple[float, int, float]:
    """(seconds from kernel start to the last cell, index of the slowest cell, its seconds)."""
    import nbformat
    from nbclient import NotebookClient

    saved = dict(os.environ)
    os.environ.pop("KAOPING_FAST", None)
    os.environ.update({"KAOPING_RUNS_DIR": str(runs), "PYDEVD_DISABLE_FILE_VALIDATION": "1",
                       "MPLBACKEND": "module://matplotlib_inline.backend_inline", **({"KAOPING_FAST": "1"} if fast else {})})
    cells: list[tuple[int, float]] = []

    class Timed(NotebookClient):
        async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
            t = time.perf_counter()
            out = await super().async_execute_cell(cell, cell_index, *args, **kwargs)
            cells.append((cell_index, time.perf_counter() - t))
            return out

    try:
        nb = nbformat.read(path, as_version=4)
        t0 = time.perf_counter()
        Timed(nb, timeout=1200, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
        total = time.perf_counter() - t0
    finally:
        os.environ.clear()
        os.environ.update(saved)
    k, slow = max(cells, key=lambda c: c[1])
    return total, k, slow


def main() -> None:
    words = [a for a in sys.argv[1:] if not a.startswith("-")]
    paths = [p for p in sorted((ROOT / "notebooks").glob("*.ipynb")) if not words or any(w in p.stem for w in words)]
    print("| notebook | default [s] (slowest cell) | fast [s] (slowest cell) | load average (1 min) before → after |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for p in paths:
            before = os.getloadavg()[0]
            marks = {}
            for mode in ("default", "fast"):
                total, k, slow = run_once(p, mode == "fast", Path(tmp) / mode)
                marks[mode] = f"{total:.0f} (cell {k}: {slow:.0f})" + ("" if total < GOALS[mode] else " goal missed")
            print(f"| {p.stem} | {marks['default']} | {marks['fast']} | {before:.1f} → {os.getloadavg()[0]:.1f} |",
                  flush=True)


if __name__ == "__main__":
    main()

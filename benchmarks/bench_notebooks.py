"""Wall time of each notebook, from a fresh kernel to its last cell, at its default settings and in
the tests' fast mode (``KAOPING_FAST=1``): what a strategist waits for (goals: < 90 s default,
< 30 s fast). Each run is the command a user types::

    jupyter nbconvert --to notebook --execute --output-dir DIR notebooks/NN-….ipynb

The figures are absolute seconds on a shared machine, so the load average is printed beside them
(``python -m benchmarks notebooks``; ``python benchmarks/bench_notebooks.py 01 03`` for some)."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOALS = {"default": 90.0, "fast": 30.0}  # [s]


def run_once(path: Path, fast: bool, out: Path) -> float:
    """Seconds to execute ``path`` with nbconvert in a fresh kernel (raises if a cell fails)."""
    env = {**os.environ, "KAOPING_RUNS_DIR": str(out / "runs"), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    env.pop("KAOPING_FAST", None)
    if fast:
        env["KAOPING_FAST"] = "1"
    jupyter = Path(sys.executable).with_name("jupyter")
    cmd = [str(jupyter), "nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=1200",
           "--output-dir", str(out), str(path)]
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    words = [a for a in sys.argv[1:] if not a.startswith("-")]
    paths = [p for p in sorted((ROOT / "notebooks").glob("*.ipynb")) if not words or any(w in p.stem for w in words)]
    print("| notebook | default [s] | fast [s] | load average (1 min) before → after |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for p in paths:
            before = os.getloadavg()[0]
            secs = {mode: run_once(p, mode == "fast", Path(tmp)) for mode in ("default", "fast")}
            marks = {m: f"{s:.0f}" + ("" if s < GOALS[m] else " (goal missed)") for m, s in secs.items()}
            print(f"| {p.stem} | {marks['default']} | {marks['fast']} | {before:.1f} → {os.getloadavg()[0]:.1f} |",
                  flush=True)


if __name__ == "__main__":
    main()

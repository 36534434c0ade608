"""Start-up of the command line: ``kaoping --help`` and the time from a long command's start to its
first progress byte on a terminal (stderr a pseudo-terminal, as tests/test_progress_pty.py).

Issue 18 asks for progress within 2 s of a long command's start. ``python -m benchmarks startup``
measures this tree; ``python benchmarks/bench_startup.py --vs DIR`` also a baseline tree (e.g.
``git archive main | tar -x -C DIR``), run in turn with this one so that a loaded machine slows
both alike. Figures: medians of ``--runs`` runs [s]."""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from ptyrun import run  # noqa: E402

COMMANDS = {  # long commands at small settings: the first byte, not the whole run, is measured
    "--help": ["--help"],
    "simulate": ["simulate", "sanmen", "--draws", "500"],
    "optimize": ["optimize", "sanmen", "--single", "--draws", "50", "--time-limit", "5"],
}


def first_byte(tree: Path, argv: list[str]) -> float:
    """Seconds from the start of ``python -m kaoping ARGV`` (run in ``tree``) to its first byte on
    stderr (``--help``: to its exit)."""
    cmd = [sys.executable, "-m", "kaoping", *argv]
    if argv == ["--help"]:
        t0 = time.monotonic()
        subprocess.run(cmd, cwd=tree, stdout=subprocess.DEVNULL, check=True)
        return time.monotonic() - t0
    r = run(cmd, cwd=tree, timeout=300)
    return float("nan") if r.first is None else r.first


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--vs", type=Path, default=None, help="a baseline tree measured in turn with this one")
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args(argv if argv is not None else sys.argv[1:])
    trees = {"this tree": ROOT} | ({"baseline": args.vs} if args.vs else {})
    for name, cmd in COMMANDS.items():
        times = {t: [] for t in trees}
        for _ in range(args.runs):
            for t, tree in trees.items():
                times[t].append(first_byte(tree, cmd))
        what = "kaoping --help, whole run" if name == "--help" else f"kaoping {name}: first progress byte"
        print(f"{what:45s} " + "   ".join(f"{t} {statistics.median(v):.2f} s" for t, v in times.items()))


if __name__ == "__main__":
    main()

"""Province scale (issue 17): the synthetic 183 × 100 province (``kaoping synth``, seed 1).

Each figure is measured in a fresh process (its peak resident memory is its own), beside a
baseline measured in the same run:
(a) ``kaoping simulate`` at 10 000 and 100 000 draws (default 2 GiB budget, 2 worker threads):
    wall time and peak RSS; goal ≤ 60 s and ≤ 2 GiB at 100 000 draws, memory flat as draws grow
    tenfold. Baseline: one numpy pass (``np.multiply``) over the same 100 000 × 183 × 100 cells,
    run in chunks of the same size;
(b) ``kaoping optimize`` for the home county (rank-prob, rank 3, 200 draws, solver time limit
    60 s) end to end: goal ≤ 2 minutes;
(c) ``kaoping optimize-all`` over the first 8 counties of one class (each county 50 draws, 10 s
    solver time limit, 500 fresh draws; the whole class of 46 would take hours three times over on
    this machine): wall time in 1 process, 2 processes and a 2-worker Dask LocalCluster, as ratios
    to the first.

Run: ``.venv/bin/python -m benchmarks province`` (``--quick``: 40 × 30, fewer draws, for a look).
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

CHILD = """
import resource, sys, time, json
t0 = time.perf_counter()
from kaoping.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "seconds": time.perf_counter() - t0,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), file=sys.stderr)
"""

ROOF = """
import numpy as np, sys, time, json
S, C, I, chunk = (int(x) for x in sys.argv[1:5])
a = np.random.default_rng(1).random((chunk, C, I)); b = np.random.default_rng(2).random((chunk, C, I)); out = np.empty_like(a)
np.multiply(a, b, out=out)
t0 = time.perf_counter()
for s in range(0, S, chunk):
    np.multiply(a, b, out=out)
print(json.dumps({"seconds": time.perf_counter() - t0}))
"""


def kaoping(*argv: str) -> dict:
    """Run ``kaoping ARGV`` in a fresh process: exit code, wall seconds (from its start), peak RSS [MB]."""
    t0 = time.perf_counter()
    p = subprocess.run([PY, "-c", CHILD, *argv], cwd=ROOT, capture_output=True, text=True)
    last = [ln for ln in p.stderr.splitlines() if ln.startswith("{")]
    out = json.loads(last[-1]) if last else {"code": p.returncode, "seconds": float("nan"), "peak_mb": float("nan")}
    out["wall"] = time.perf_counter() - t0
    if out["code"] != 0:
        print(p.stderr[-2000:], file=sys.stderr)
    return out


def main(quick: bool = False) -> dict:
    C, K, I = (40, 2, 30) if quick else (183, 4, 100)
    big = 20_000 if quick else 100_000
    fig = {}
    with tempfile.TemporaryDirectory() as tmp:
        scn = str(Path(tmp) / "province")
        assert kaoping("synth", "--counties", str(C), "--classes", str(K), "--indicators", str(I), "--seed", "1",
                       "-o", scn)["code"] == 0
        # (a) simulate, and the numpy pass over the same cells
        roof = json.loads(subprocess.run([PY, "-c", ROOF, str(big), str(C), str(I), "2000"], capture_output=True,
                                         text=True, check=True).stdout)["seconds"]
        for S in (big // 10, big):
            r = kaoping("simulate", scn, "--draws", str(S), "--workers", "2", "--json")
            fig[f"simulate_{S}"] = r
            print(f"(a) simulate {C} × {I}, {S:,} draws, 2 threads: {r['seconds']:.1f} s, peak RSS {r['peak_mb']:.0f} MB",
                  flush=True)
        r = fig[f"simulate_{big}"]
        print(f"    numpy pass over the same {big:,} × {C} × {I} cells: {roof:.2f} s (ratio {roof / r['seconds']:.3f}); "
              f"goal ≤ 60 s and ≤ 2048 MB: {'met' if r['seconds'] <= 60 and r['peak_mb'] <= 2048 else 'not met'}; "
              f"memory ×{r['peak_mb'] / fig[f'simulate_{big // 10}']['peak_mb']:.2f} for ×10 draws", flush=True)
        fig["roofline_s"] = roof
        # (b) optimize one county
        r = kaoping("optimize", scn, "--objective", "rank-prob", "--rank", "3", "--draws", "200", "--time-limit", "60",
                    "--json")
        fig["optimize"] = r
        print(f"(b) optimize the home county: {r['seconds']:.0f} s end to end, peak RSS {r['peak_mb']:.0f} MB "
              f"(goal ≤ 120 s: {'met' if r['seconds'] <= 120 else 'not met'})", flush=True)
        # (c) optimize-all over one class
        some = ",".join(f"县{c + 1:03d}" for c in range(4 if quick else 8))  # the first counties of class 一类
        base = ["optimize-all", scn, "--counties", some, "--draws", "20" if quick else "50", "--time-limit", "10",
                "--fresh", "500", "--rank", "3", "--json"]
        runs = {"1 process": base, "2 processes": base + ["--workers", "2"],
                "Dask LocalCluster, 2 workers": base + ["--dask", "--workers", "2"]}
        first = None
        for label, argv in runs.items():
            r = kaoping(*argv)
            fig[f"optimize_all {label}"] = r
            first = first or r["seconds"]
            print(f"(c) optimize-all, {some.count(',') + 1} counties of class 一类: {label}: {r['seconds']:.0f} s "
                  f"(speed-up ×{first / r['seconds']:.2f})", flush=True)
    return fig


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)

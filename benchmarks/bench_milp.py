"""Benchmark: rank-prob with S = 1 000 draws on the default scenario (scenarios/sanmen), HiGHS and
CBC on the same model in the same run: time to proven optimality (or to the time limit), MIP
gap, bound, variables and constraints. Goal: HiGHS ≤ 10 s and ≥ 3× faster than CBC.

Run: ``.venv/bin/python -m benchmarks.bench_milp [--draws 150,1000] [--time-limit 120] [--budget B]``.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from models.scenario import load_scenario
from optimizer import baselines
from optimizer.milp import build
from optimizer.plan import prepare, rescore
from optimizer.request import Request
from optimizer.solver import solve

ROOT = Path(__file__).resolve().parents[1]


def run(draws: int = 1000, time_limit: float = 120.0, budget: float | None = None, rank: int = 1,
        scenario: str = "scenarios/sanmen", seed: int | None = None) -> dict:
    scn = load_scenario(ROOT / scenario)
    seed = scn.spec.simulation.seed if seed is None else seed
    eff = scn.spec.effort
    req = Request(objective="rank-prob", rank=rank, budget=eff.budget if budget is None else budget,
                  departments=dict(eff.departments))
    t0 = time.perf_counter()
    cs, levels, d, tables = prepare(scn, draws, seed)
    t_tables = time.perf_counter() - t0
    t0 = time.perf_counter()
    model = build(tables, req)
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    warm = baselines.warm_start(tables, req, seconds=20.0)
    t_warm = time.perf_counter() - t0
    warm_val = baselines.metric(tables, req, warm)
    out = {"draws": draws, "options": int(levels.sizes.sum()), "indicators": levels.n,
           "variables": model.problem.n_cols, "integers": model.problem.n_integer,
           "constraints": model.problem.n_rows, "model": model.counts, "tables_s": t_tables, "build_s": t_build,
           "warm_s": t_warm, "warm_objective": warm_val}
    for name in ("highs", "cbc"):
        for start in (False, True):
            if start:
                model.start_from(warm)
            else:
                model.problem.start = {}
            r = solve(model.problem, name, time_limit=time_limit, gap=0.0, threads=1)
            plan = model.plan_of(r.values) if r.values is not None else None
            check = rescore(cs, d.values, d.totals, tables, req, plan)[0] if plan is not None else None
            out[f"{name}{'+warm' if start else ''}"] = {
                "status": r.status, "seconds": r.seconds, "objective": r.objective, "bound": r.bound, "gap": r.gap,
                "rescored": check, "version": r.version}
    return out


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--draws", default="1000", help="in-sample draws; a comma-separated list runs each (e.g. 150,1000)")
    p.add_argument("--time-limit", type=float, default=120.0)
    p.add_argument("--budget", type=float, default=None)
    p.add_argument("--rank", type=int, default=1)
    a = p.parse_args(argv)
    for n in [int(x) for x in a.draws.split(",")]:
        report(run(n, a.time_limit, a.budget, a.rank))


def report(res: dict) -> None:
    print(f"rank-prob, S = {res['draws']}: {res['indicators']} pushable indicators, {res['options']} options; "
          f"{res['variables']} variables ({res['integers']} integer), {res['constraints']} constraints")
    print(f"  tables {res['tables_s']:.2f} s, build {res['build_s']:.2f} s, warm start {res['warm_s']:.2f} s "
          f"(P = {res['warm_objective']:.4f}); model {res['model']}")
    for k in ("highs", "highs+warm", "cbc", "cbc+warm"):
        r = res[k]
        gap = "n/a" if r["gap"] is None else f"{r['gap']:.2%}"
        obj = "n/a" if r["objective"] is None else f"{r['objective']:.4f}"
        bound = "n/a" if r["bound"] is None else f"{r['bound']:.4f}"
        print(f"  {k:11s} {r['status']:20s} {r['seconds']:8.2f} s  P = {obj}  bound {bound}  gap {gap}  "
              f"re-scored {r['rescored'] if r['rescored'] is None else round(r['rescored'], 6)}  ({r['version']})")
    h, c = res["highs+warm"], res["cbc+warm"]
    if h["status"] == "optimal" and c["status"] == "optimal":
        print(f"  CBC / HiGHS time ratio (warm): {c['seconds'] / h['seconds']:.2f}×")
    _ = np


if __name__ == "__main__":
    main()

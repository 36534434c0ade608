"""Benchmark: the rank-probability MILP on the default scenario (scenarios/sanmen, P(rank 1)).

Three studies, each in one run so that the figures are comparable:

1. **levers** (optimizer/milp/levers.py), each on its own and together, at S draws (default
   300) and a budget (default 24 人月), HiGHS warm-started from greedy + local search: status,
   time to proven optimality or the MIP gap at the time limit, binaries left;
2. **large S**: S = 1 000 with the default levers, HiGHS, the time limit: the gap;
3. **HiGHS against CBC** on the same models (default levers) at S = 150 (both prove it) and
   at S = 300: times and their ratio.

Goals (issue 16): S = 300 proven optimal in ≤ 60 s; S = 1 000 gap ≤ 2 % in 60 s; HiGHS ≥ 3×
faster than CBC on the same models.

Run: ``.venv/bin/python -m benchmarks.bench_milp [--study levers,large,solvers] [--draws 300]
[--budget 24] [--time-limit 60]``.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from models.scenario import load_scenario
from optimizer import baselines
from optimizer.milp import build
from optimizer.milp.levers import DEFAULT_LEVERS, LEVERS
from optimizer.plan import prepare, rescore
from optimizer.request import Request
from optimizer.solver import solve

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = {"none": (), **{k: (k,) for k in LEVERS}, "default": tuple(sorted(DEFAULT_LEVERS)), "all": LEVERS}


def setup(draws: int, budget: float, scenario: str = "scenarios/sanmen"):
    scn = load_scenario(ROOT / scenario)
    eff = scn.spec.effort
    req = Request(objective="rank-prob", rank=1, budget=budget, departments=dict(eff.departments))
    cs, levels, d, tables = prepare(scn, draws, scn.spec.simulation.seed)
    warm = baselines.warm_start(tables, req, seconds=20.0)
    return scn, req, cs, d, tables, warm


def solve_one(req, cs, d, tables, warm, levers, solver: str, time_limit: float) -> dict:
    t0 = time.perf_counter()
    model = build(tables, req, levers)
    t_build = time.perf_counter() - t0
    model.start_from(warm, solver)
    r = solve(model.problem, solver, time_limit=time_limit, gap=0.0, threads=1)
    check = None
    if r.values is not None:
        check = rescore(cs, d.values, d.totals, tables, req, model.plan_of(r.values))[0]
        assert abs(check - r.objective) <= 1e-6, (check, r.objective)
    return {"status": r.status, "seconds": r.seconds, "build": t_build, "objective": r.objective, "bound": r.bound,
            "gap": r.gap, "binaries": model.problem.n_integer, "counts": model.counts, "version": r.version}


def line(label: str, r: dict) -> str:
    gap = "n/a" if r["gap"] is None else f"{r['gap']:.2%}"
    bound = "n/a" if r["bound"] is None else f"{r['bound']:.4f}"
    extra = {k: r["counts"][k] for k in ("out_of_reach", "merged", "covers") if r["counts"].get(k)}
    return (f"  {label:10s} {r['status']:20s} {r['seconds']:7.1f} s  P = {r['objective']:.4f}  bound {bound}  gap {gap}  "
            f"{r['binaries']} binaries, build {r['build']:.1f} s  {extra}")


def study_levers(draws: int, budget: float, time_limit: float) -> None:
    scn, req, cs, d, tables, warm = setup(draws, budget)
    print(f"levers: rank-prob, S = {draws}, budget {budget:g}, HiGHS warm-started "
          f"(P = {baselines.metric(tables, req, warm):.4f}), time limit {time_limit:g} s")
    for label, lv in CONFIGS.items():
        print(line(label, solve_one(req, cs, d, tables, warm, lv, "highs", time_limit)), flush=True)


def study_large(budget: float, time_limit: float, draws: int = 1000) -> None:
    scn, req, cs, d, tables, warm = setup(draws, budget)
    print(f"large S: rank-prob, S = {draws}, budget {budget:g}, default levers, time limit {time_limit:g} s")
    r = solve_one(req, cs, d, tables, warm, DEFAULT_LEVERS, "highs", time_limit)
    print(line("highs", r) + f"  goal gap ≤ 2 %: {'met' if r['gap'] is not None and r['gap'] <= 0.02 else 'NOT met'}")


def study_solvers(budget: float, time_limit: float, sizes=(150, 300)) -> None:
    for draws in sizes:
        scn, req, cs, d, tables, warm = setup(draws, budget)
        print(f"solvers: rank-prob, S = {draws}, budget {budget:g}, default levers, time limit {time_limit:g} s")
        h = solve_one(req, cs, d, tables, warm, DEFAULT_LEVERS, "highs", time_limit)
        c = solve_one(req, cs, d, tables, warm, DEFAULT_LEVERS, "cbc", time_limit)
        print(line("highs", h) + f"  ({h['version']})")
        print(line("cbc", c) + f"  ({c['version']})")
        if h["status"] == c["status"] == "optimal":
            ratio = c["seconds"] / h["seconds"]
            print(f"  CBC / HiGHS time: {ratio:.2f}×  goal ≥ 3×: {'met' if ratio >= 3 else 'NOT met'}")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--study", default="levers,large,solvers")
    p.add_argument("--draws", type=int, default=300, help="S of the levers study")
    p.add_argument("--budget", type=float, default=24.0)
    p.add_argument("--time-limit", type=float, default=60.0)
    a = p.parse_args(argv)
    studies = a.study.split(",")
    if "levers" in studies:
        study_levers(a.draws, a.budget, a.time_limit)
    if "large" in studies:
        study_large(a.budget, a.time_limit)
    if "solvers" in studies:
        study_solvers(a.budget, a.time_limit)


if __name__ == "__main__":
    main()

"""Benchmark: is the default plan the best there is, and is its gap believable?

For each case (sanmen, P(rank 1) at budgets 8, 16 and 24 人月; the district, P(一等 in all five
special assessments) at two budgets), in one run:

* the default: ``kaoping optimize`` without options (optimizer.recommend.recommend, ``--time-limit``
  30 s), its statistical upper bound on the gap and the improvement its search found;
* a reference search: simulated annealing then local search for ``--seconds`` (60) on 20 000
  draws of a stream nobody else uses (7), once from the best baseline and once from the default
  plan itself (can a search improve on it?); the better of the two on those draws;
* both plans and the baselines scored by the scoring model on 100 000 fresh draws (stream 9),
  paired: the measured gap is (reference − default) with its standard error.

Goals (issue 16): default within 0.1 pp of the reference everywhere; the reported upper bound on
the gap at most 3× the measured gap (or the README says why not).

Run: ``.venv/bin/python -m benchmarks.bench_plan [--cases sanmen-16,district-20] [--seconds 60]``.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from models.projection import draw
from models.scenario import load_scenario
from models.scoring import compile_scenario
from optimizer.clock import Cap
from optimizer.constraints import plan_levels
from optimizer.plan import baseline_plans, prepare_draws, score_plan
from optimizer.request import Request, per_draw
from optimizer.recommend import recommend
from optimizer.sample import Sample
from optimizer.select import Budgets, _anneal, _State, paired, polish

ROOT = Path(__file__).resolve().parents[1]
SPECIALS = ("党的建设", "精神文明建设", "平安建设", "民族团结进步", "改革创新")
CASES = {"sanmen-8": ("sanmen", 8.0), "sanmen-16": ("sanmen", 16.0), "sanmen-24": ("sanmen", 24.0),
         "district-20": ("district", 20.0), "district-40": ("district", 40.0)}
REF_STREAM, EVAL_STREAM = 7, 9


def request(scn, name: str, budget: float) -> Request:
    deps = dict(scn.spec.effort.departments)
    if name == "district":
        return Request(objective="joint-grade", grade=0, assessments=SPECIALS, budget=budget, departments=deps)
    return Request(objective="rank-prob", rank=1, budget=budget, departments=deps)


def reference(smp: Sample, req, start, seconds: float, seed: int = 0):
    """Simulated annealing (rounds of 1 000 moves on all the sample's draws) then local search,
    for ``seconds``, from ``start``: the best plan found, and the rounds of annealing."""
    n = smp.n_draws
    rng = np.random.default_rng(seed)
    budgets = Budgets(smp.levels, req)
    best = np.asarray(start, dtype=int)
    best_v = smp.value(best)
    end = time.perf_counter() + seconds
    state = _State(smp, best, None)
    rounds = 0
    while time.perf_counter() < end - 0.2 * seconds:
        hot = _anneal(smp, state, budgets, rng, 1000, Cap(None), draws=n)
        rounds += 1
        v = smp.value(hot)
        if v > best_v:
            best, best_v = hot, v
            state = _State(smp, best, None)
    pol = polish(smp, best, req, cap=Cap.until(end), z=0.0, screen=0, rounds=0,  # plain local search: any gain
                 evaluations=10**9)  # the reference search: the clock is its budget
    return pol.plan, rounds


def evaluate(scn, cs, levels, req, tables, plans: dict, n: int = 100_000, chunk: int = 10_000) -> dict:
    """Per-draw values of each plan on ``n`` fresh draws (stream ``EVAL_STREAM``), by the scoring model."""
    out = {k: [] for k in plans}
    for a in range(0, n, chunk):
        d = draw(scn, chunk, scn.spec.simulation.seed, stream=EVAL_STREAM, start=a, cs=cs)
        for k, p in plans.items():
            s = score_plan(cs, levels, p, d)
            out[k].append(per_draw(tables, req, {x.name: x for x in s}))
    return {k: np.concatenate(v) for k, v in out.items()}


def run(case: str, seconds: float = 60.0, time_limit: float = 30.0) -> dict:
    name, budget = CASES[case]
    scn = load_scenario(ROOT / "scenarios" / name)
    cs = compile_scenario(scn)
    req = request(scn, name, budget)
    levels = plan_levels(scn, cs, req)
    t0 = time.perf_counter()
    res, sa = recommend(scn, req, time_limit=time_limit)
    t_default = time.perf_counter() - t0
    tables = prepare_draws(scn, cs, levels, 100, scn.spec.simulation.seed)[3]
    basics = dict(baseline_plans(scn, tables, req))
    probe = Sample(scn, cs, levels, req, 2000, scn.spec.simulation.seed, REF_STREAM)  # the reference's first draws
    start_label = max(basics, key=lambda k: probe.value(basics[k]))
    t0 = time.perf_counter()
    smp = Sample(scn, cs, levels, req, 20_000, scn.spec.simulation.seed, REF_STREAM)
    found = [reference(smp, req, start, seconds) for start in (basics[start_label], res.plan)]
    k = int(np.argmax([smp.value(p) for p, _ in found]))
    ref, rounds = found[k][0], sum(r for _, r in found)
    t_ref = time.perf_counter() - t0
    vals = evaluate(scn, cs, levels, req, tables, {"default": res.plan, "reference": ref, **basics})
    gap, gap_se = paired(vals["reference"], vals["default"])
    return {"case": case, "default": float(vals["default"].mean()), "reference": float(vals["reference"].mean()),
            "gap": gap, "gap_se": gap_se, "upper": sa.gap_upper, "upper_mean": sa.gap_mean, "found": sa.found,
            "found_se": sa.found_se, "clock": sa.stopped_by_clock, "t_default": t_default, "t_reference": t_ref,
            "rounds": rounds, "replications": [r["status"] for r in sa.replications],
            "select_draws": sa.samples["selection"]["draws"], "moves": len(sa.moves),
            "baselines": {k: float(vals[k].mean()) for k in basics}}


def report(r: dict) -> None:
    ratio = "n/a (measured gap ≤ 0)" if r["gap"] <= 0 else f"{r['upper'] / r['gap']:.1f}×" if r["upper"] else "n/a"
    print(f"{r['case']}: default {r['default']:.4f} ({r['t_default']:.1f} s; MILP {r['replications']}; "
          f"{r['select_draws']} selection draws; {r['moves']} polish moves{'; stopped by the clock' if r['clock'] else ''})")
    print(f"  reference (annealing {r['rounds']} × 1 000 moves + local search on 20 000 draws, two starts, "
          f"{r['t_reference']:.0f} s): "
          f"{r['reference']:.4f}")
    print(f"  measured gap (reference − default, 100 000 fresh draws, paired): {100 * r['gap']:+.3f} ± {100 * r['gap_se']:.3f} pp"
          f"  goal ≤ 0.1 pp: {'met' if r['gap'] <= 0.001 else 'NOT met'}")
    up = "n/a" if r["upper"] is None else f"{100 * r['upper']:.2f} pp"
    print(f"  reported: upper bound {up} (MRP mean {100 * r['upper_mean']:.2f} pp), found {100 * r['found']:+.3f} ± "
          f"{100 * r['found_se']:.3f} pp; upper / measured: {ratio}")
    print("  baselines: " + ", ".join(f"{k} {v:.4f}" for k, v in r["baselines"].items()))


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", default=",".join(CASES), help=f"comma-separated, of {', '.join(CASES)}")
    p.add_argument("--seconds", type=float, default=60.0, help="reference search time [s]")
    p.add_argument("--time-limit", type=float, default=30.0, help="the default run's time limit [s]")
    a = p.parse_args(argv)
    for case in a.cases.split(","):
        report(run(case, a.seconds, a.time_limit))


if __name__ == "__main__":
    main()

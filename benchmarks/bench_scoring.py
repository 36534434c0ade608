"""Scoring throughput: draws × 3 counties × 36 indicators, as a ratio to numpy.

The baseline is a same-size single-pass numpy operation (``np.multiply`` into a preallocated
array of draws × counties × indicators float64) measured in the same run, so the ratio
survives a noisy shared machine. Ratio = baseline time / scoring time (1.0 would mean the
whole scoring pipeline costs one elementwise pass). Two paths: the Monte Carlo's (totals,
ranks and grades; threshold points fused into block sums) and the scorecard's (also every
indicator's points). At 10 000 draws the baseline's array (8.6 MB) sits in cache, which makes
every ratio smaller than at 100 000 draws, where both are bound by memory.

Run: ``python -m benchmarks.bench_scoring`` (or ``make bench`` for all benchmarks).
"""
from __future__ import annotations

import time

import numpy as np

from models.scenario import build_scenario
from models.scoring import compile_scenario, score_all

DRAWS, COUNTIES, INDICATORS = 10_000, 3, 36


def synthetic_scenario(n_ind: int = INDICATORS):
    """Three counties, 36 indicators: threshold rules (a third lower-is-better, a third with a
    deduction, a third with an over-full bonus), blocks with a capped bonus pool, graded by rank."""
    inds, rows = [], []
    for k in range(n_ind):
        lower = k % 3 == 1
        rule = {"kind": "threshold", "basic": 100.0 if lower else 60.0, "full": 80.0 if lower else 90.0}
        if k % 3 == 0:
            rule["over"] = {"steps": {"per": 1.0, "points": 0.1}, "cap": 0.5, "pool": "加分"}
        if k % 3 == 2:
            rule["below"] = {"mode": "deduct", "steps": {"per": 1.0, "points": 0.2, "rounding": "ceil"}, "floor": -1.0}
        inds.append({"name": f"指标{k}", "block": "综合" if k < 24 else "重点", "points": 2.5,
                     "direction": "lower" if lower else "higher", "rule": rule})
        for c, m in (("甲", 75.0), ("乙", 78.0), ("丙", 72.0)):
            rows.append(f"{c},指标{k},normal,{(180 - m) if lower else m},8")
    data = {
        "scenario": {"name": "bench", "year": 2024, "elapsed": 0.7, "home": "甲"},
        "counties": [{"name": c, "peer_class": "k"} for c in ("甲", "乙", "丙")],
        "assessments": [{"name": "考核", "blocks": [{"name": "综合"}, {"name": "重点", "weight": 1.2}, {"name": "加分", "cap": 3}],
                         "indicators": inds,
                         "grades": {"by": "rank", "levels": [{"grade": "一等", "max_rank": 1}, {"grade": "二等", "max_rank": 2},
                                                             {"grade": "三等"}]}}],
    }
    return build_scenario(data, "county,indicator,dist,mean,sd\n" + "\n".join(rows) + "\n", None)


def best_of(fn, repeat: int = 5) -> float:
    best = np.inf
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def measure(draws: int = DRAWS) -> dict:
    scn = synthetic_scenario()
    cs = compile_scenario(scn)
    rng = np.random.default_rng(1)
    values = rng.normal(75, 10, size=(draws, COUNTIES, INDICATORS))
    values[:, :, 1::3] = 180 - values[:, :, 1::3]
    score_all(values[:10], cs)  # compile / warm up
    a, out = np.ones_like(values), np.empty_like(values)
    t_base = best_of(lambda: np.multiply(values, a, out=out))
    t_mc = best_of(lambda: score_all(values, cs, keep_points=False))
    t_card = best_of(lambda: score_all(values, cs, keep_points=True), repeat=3)
    n = values.size
    return {"draws": draws, "indicator_scores": n, "numpy_pass_s": t_base, "monte_carlo_s": t_mc, "scorecard_s": t_card,
            "mc_scores_per_s": n / t_mc, "mc_ratio": t_base / t_mc, "scorecard_ratio": t_base / t_card}


def main() -> list[dict]:
    out = []
    for draws in (DRAWS, 10 * DRAWS):
        r = measure(draws)
        out.append(r)
        print(f"scoring {r['draws']:,} draws × {COUNTIES} counties × {INDICATORS} indicators = {r['indicator_scores']:,} scores")
        print(f"  numpy single pass          : {r['numpy_pass_s'] * 1e3:8.2f} ms")
        print(f"  Monte Carlo path (totals)  : {r['monte_carlo_s'] * 1e3:8.2f} ms  ratio {r['mc_ratio']:.3f}"
              f"  ({r['mc_scores_per_s'] / 1e6:.0f} M indicator-scores/s)")
        print(f"  scorecard path (+ points)  : {r['scorecard_s'] * 1e3:8.2f} ms  ratio {r['scorecard_ratio']:.3f}")
    return out


if __name__ == "__main__":
    main()

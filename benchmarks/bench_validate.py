"""Validation time against the number of indicators: it must grow linearly.

A scenario folder of n threshold indicators (the home county forecast on each, a rival known by its
total, so every cross-check runs) is written once per n and validated with
:func:`models.scenario.load_scenario` (read, schema, cross-checks), best of three. The figure is the
time per indicator at each n as a ratio to that at the smallest n: linear validation keeps it near
1; the quadratic list-membership test (fixed in issue 12) made it grow with n.

Run: ``python -m benchmarks.bench_validate`` (or ``make bench``).
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

import yaml

from models.scenario import load_scenario

SIZES = (2_000, 8_000, 10_000)


def write_scenario(folder: Path, n: int) -> Path:
    inds = [{"name": f"指标{k}", "block": "综合", "points": 1, "rule": {"kind": "threshold", "basic": 4.0, "full": 5.0}}
            for k in range(n)]
    data = {"scenario": {"name": "big", "year": 2024, "elapsed": 0.5, "home": "甲"},
            "counties": [{"name": "甲", "peer_class": "一类"}, {"name": "乙", "peer_class": "一类", "totals": {"考核": {"mean": 50}}}],
            "assessments": [{"name": "考核", "total_points": n, "blocks": [{"name": "综合"}], "indicators": inds,
                             "grades": {"by": "rank", "levels": [{"grade": "一等", "max_rank": 1}, {"grade": "二等"}]}}]}
    d = folder / f"n{n}"
    d.mkdir()
    (d / "scenario.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (d / "forecasts.csv").write_text("county,indicator,dist,mean,sd\n" + "".join(f"甲,指标{k},normal,4.5,0.2\n" for k in range(n)),
                                     encoding="utf-8")
    return d


def best_of(f, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folders = {n: write_scenario(Path(tmp), n) for n in SIZES}
        load_scenario(folders[SIZES[0]])  # warm up imports and compiled validators
        times = {n: best_of(lambda d=d: load_scenario(d)) for n, d in folders.items()}
    base = times[SIZES[0]] / SIZES[0]
    print("| indicators | validate [s] | time per indicator, as a ratio to 2 000 |")
    print("|---|---|---|")
    for n, t in times.items():
        print(f"| {n:,} | {t:.2f} | {t / n / base:.2f} |")


if __name__ == "__main__":
    main()

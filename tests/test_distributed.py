"""Dask beyond one machine (kaoping/distributed.py): on a 2-worker LocalCluster the Monte Carlo and
the per-county plans are identical to the local run for the same seed."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kaoping.distributed import dask_map, process_map
from models.projection import forecast_table, simulate
from models.synth import synthetic_province
from optimizer.province import Settings, optimize_all
from optimizer.request import Request


@pytest.fixture(scope="module")
def province():
    return synthetic_province(16, 2, 18, seed=11).scenario()


@pytest.fixture(scope="module")
def cluster():
    with dask_map(workers=2) as mapper:
        yield mapper


def test_same_seed_same_totals_ranks_grades_on_a_local_cluster(province, cluster):
    """Kept draws and summaries alike: any chunk size locally, two threads, and a 2-worker
    LocalCluster with chunks of one block give the same numbers, to the last bit."""
    S = 1500
    ref = simulate(province, draws=S, seed=21, chunk=10**9)
    B = forecast_table(province).block
    runs = [simulate(province, draws=S, seed=21, chunk=B, mapper=cluster),
            simulate(province, draws=S, seed=21, chunk=2 * B, workers=2)]
    lean = [simulate(province, draws=S, seed=21, keep=False, chunk=B, mapper=cluster),
            simulate(province, draws=S, seed=21, keep=False, chunk=3 * B)]
    for p in runs:
        for a, b in zip(p.assessments, ref.assessments):
            for key in ("totals", "ranks", "grades"):
                np.testing.assert_array_equal(getattr(a, key), getattr(b, key))
            for key in ("summary", "rank_probs", "beat_probs", "grade_probs"):
                pd.testing.assert_frame_equal(getattr(a, key), getattr(b, key), check_exact=True)
    for a, b in zip(lean[0].assessments, lean[1].assessments):  # summaries only: merged exactly
        for key in ("summary", "rank_probs", "beat_probs", "grade_probs"):
            pd.testing.assert_frame_equal(getattr(a, key), getattr(b, key), check_exact=True)


def test_plans_of_every_county_are_the_same_wherever_they_run(province, cluster):
    """Two counties planned here, on the LocalCluster and in two local processes: the same table."""
    req = Request(objective="rank-prob", rank=2, budget=province.spec.effort.budget,
                  departments=dict(province.spec.effort.departments))
    st = Settings(n_draws=20, time_limit=20, n_fresh=150)
    counties = province.counties[:2]
    here, summary = optimize_all(province, req, counties, settings=st)
    on_dask, _ = optimize_all(province, req, counties, settings=st, mapper=cluster)
    with process_map(2) as pm:
        in_procs, _ = optimize_all(province, req, counties, settings=st, mapper=pm)
    for other in (on_dask, in_procs):
        pd.testing.assert_frame_equal(here, other, check_exact=True)
    assert list(here["县市区"]) == counties and (here["状态"] == "最优").all()
    # the summary adds the counties' grade probabilities per class
    one = summary[summary["同类"] == here["同类"].iloc[0]]
    assert one["县数"].iloc[0] == 2
    assert one["方案预期县数"].sum() == pytest.approx(2.0) and one["现状预期县数"].sum() == pytest.approx(2.0)
    assert (here["方案 P(排名≤2)"] >= here["现状 P(排名≤2)"] - 0.05).all()

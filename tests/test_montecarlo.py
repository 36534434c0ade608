"""The Monte Carlo engine (models/montecarlo.py, models/summaries.py, models/memory.py): the same
numbers whatever the chunking, the workers or what is kept; the merged summaries equal the
summaries of every draw computed directly; the memory budget."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import memory as mem
from models import montecarlo, summaries
from models.projection import draw, forecast_table, plan_run, simulate
from models.scenario import load_scenario
from models.scoring import compile_scenario, score_all

DISTRICT = "scenarios/district"
SANMEN = "scenarios/sanmen"


@pytest.fixture(scope="module")
def district():
    return load_scenario(DISTRICT)


def same_projection(p, q, arrays=True):
    for a, b in zip(p.assessments, q.assessments):
        for key in ("summary", "rank_probs", "beat_probs", "grade_probs"):
            pd.testing.assert_frame_equal(getattr(a, key), getattr(b, key), check_exact=True)
        if arrays:
            for key in ("totals", "ranks", "grades"):
                np.testing.assert_array_equal(getattr(a, key), getattr(b, key))


def test_any_chunk_and_any_number_of_threads_give_identical_results(district):
    """The district (8 counties, 6 assessments): chunks of one block, of three, all at once, and two
    threads: identical totals, ranks, grades and tables, to the last bit."""
    S = 5000
    ref = simulate(district, draws=S, seed=3, chunk=10**9)
    B = forecast_table(district).block
    for kw in ({"chunk": B}, {"chunk": 3 * B + 1}, {"workers": 2, "chunk": B}):
        same_projection(simulate(district, draws=S, seed=3, **kw), ref)


def test_summaries_without_the_draws_equal_those_with_them(district):
    """Keeping only the summaries gives the same rank, beat and grade tables and mean scores as
    keeping every draw (counts are exact); score quantiles come from the sketch, within one bin
    width (five times block 0's range / 4096) of the exact ones."""
    S = 6000
    kept = simulate(district, draws=S, seed=4, keep=True)
    lean = simulate(district, draws=S, seed=4, keep=False, chunk=forecast_table(district).block)
    for a, b in zip(kept.assessments, lean.assessments):
        assert b.totals is None and b.ranks is None
        for key in ("rank_probs", "beat_probs", "grade_probs"):
            pd.testing.assert_frame_equal(getattr(a, key), getattr(b, key), check_exact=True)
        exact_cols = ["县市区", "本县", "平均分 [分]", "平均排名", "中位排名", "5%分位排名", "95%分位排名"]
        pd.testing.assert_frame_equal(a.summary[exact_cols], b.summary[exact_cols], check_exact=True)
        width = b.bins.width
        for col in ("中位分 [分]", "5%分位分 [分]", "95%分位分 [分]"):
            assert (np.abs(a.summary[col] - b.summary[col]) <= width + 1e-9).all(), col
        edges = np.linspace(a.totals.min(), a.totals.max(), 31)
        for c in range(len(a.counties)):  # the figure's histogram: each sketch bin moved at most one bin
            h_exact, h_sketch = a.score_histogram(c, edges), b.score_histogram(c, edges)
            assert h_exact.sum() == h_sketch.sum() == S


def test_tables_equal_the_direct_computation_on_every_draw(district):
    """Brute force: the merged tallies give the probabilities, means and rank quantiles that direct
    numpy on the (S, C) ranks and grades gives."""
    S = 4000
    proj = simulate(district, draws=S, seed=5)
    d = draw(district, S, 5)
    cs = compile_scenario(district)
    for a, sc, ca in zip(proj.assessments, score_all(d.values, cs, drawn_totals=d.totals, keep_points=False),
                         cs.assessments):
        np.testing.assert_array_equal(a.totals, sc.total)
        np.testing.assert_array_equal(a.ranks, sc.rank)
        summ = a.summary.set_index("县市区")
        np.testing.assert_allclose(summ["平均分 [分]"], sc.total.mean(axis=0), rtol=1e-13)
        np.testing.assert_allclose(summ["平均排名"], sc.rank.mean(axis=0), rtol=1e-14)
        for q, col in ((0.05, "5%分位排名"), (0.5, "中位排名"), (0.95, "95%分位排名")):
            np.testing.assert_array_equal(summ[col].to_numpy(), np.quantile(sc.rank, q, axis=0))
        for c, name in enumerate(cs.counties):
            rows = a.rank_probs[a.rank_probs["县市区"] == name]
            for r, p in zip(rows["排名"], rows["概率"]):
                assert p == (sc.rank[:, c] == r).mean()
            for d_, rival in enumerate(cs.counties):
                row = a.beat_probs[(a.beat_probs["县市区"] == name) & (a.beat_probs["对手"] == rival)]
                if ca.class_of[c] == ca.class_of[d_] and c != d_:
                    assert float(row["胜出概率"].iloc[0]) == (sc.rank[:, c] < sc.rank[:, d_]).mean()
                else:
                    assert row.empty
            g = a.grade_probs[a.grade_probs["县市区"] == name]
            np.testing.assert_array_equal(g["概率"], [(sc.grade[:, c] == k).mean() for k in range(len(ca.grade_names))])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 9), min_size=1, max_size=60), st.sampled_from([0.0, 0.05, 0.3, 0.5, 0.77, 1.0]))
def test_quantiles_from_counts_equal_numpy(data, q):
    x = np.array(data)
    counts = np.bincount(x, minlength=10)[1:][None, :]
    got = summaries.quantiles_from_counts(counts, np.arange(1, 10), [q])[0, 0]
    assert got == np.quantile(x, q)


def test_push_is_common_random_numbers(district):
    """A push moves the home county only; rivals' totals are the same draws."""
    cs = compile_scenario(district)
    push = np.zeros(len(cs.indicators))
    push[0] = 1.0
    a = simulate(district, draws=2000, seed=6).assessments[0]
    b = simulate(district, draws=2000, seed=6, push=push, workers=2).assessments[0]
    rivals = [c for c in range(len(cs.counties)) if c != cs.home]
    np.testing.assert_array_equal(a.totals[:, rivals], b.totals[:, rivals])


def test_a_map_must_keep_the_order(district, english):
    cs = compile_scenario(district)
    ft = forecast_table(district, cs)
    job = montecarlo.Job(ft, cs, 3 * ft.block, 1, 0)

    def backwards(fn, items):
        return map(fn, list(items)[::-1])

    with pytest.raises(RuntimeError, match="order"):
        montecarlo.run(job, 1, backwards)


# --------------------------------------------------------------------------- memory


@pytest.mark.parametrize("text, n", [("2GiB", 2 * 2**30), ("500MB", 500 * 10**6), ("1.5 GB", 1.5e9), ("1024", 1024),
                                     ("64kib", 65536), (4096, 4096)])
def test_parse_size(text, n):
    assert mem.parse_size(text) == n


@pytest.mark.parametrize("text", ["", "2 parsecs", "-1GB", "0", "nan", "GB"])
def test_parse_size_refuses_with_what_to_write(text):
    with pytest.raises(ValueError, match="2GiB"):
        mem.parse_size(text)


@settings(max_examples=60, deadline=None)
@given(draws=st.integers(1, 10**7), block=st.sampled_from([1, 7, 56, 2048]), per=st.integers(100, 10**6),
       budget=st.integers(2**28, 2**34), workers=st.integers(1, 4), cells=st.integers(1, 20_000))
def test_chunk_is_whole_blocks_within_the_budget(draws, block, per, budget, workers, cells):
    chunk = mem.chunk_draws(draws, block, per, budget, workers, cells)
    assert chunk % block == 0 and chunk >= block
    assert chunk <= math.ceil(draws / block) * block
    if chunk > block:  # more than the minimum only when it fits, in memory and in cache
        assert mem.BASE_BYTES + workers * chunk * per <= budget
        assert chunk * cells * 8 <= mem.CACHE_BYTES


def test_a_run_that_cannot_fit_the_budget_is_refused_with_the_figure(english):
    scn = load_scenario(SANMEN)
    with pytest.raises(ValueError, match=r"10000000 draws .* need about .* more than the memory budget of 400.0 MiB"):
        plan_run(scn, 10**7, memory="400MiB", keep=True)
    chunk, keep = plan_run(scn, 10**7, memory="400MiB")  # not kept: fits
    assert not keep and chunk % forecast_table(scn).block == 0
    assert mem.estimate_memory(10**7, 9, 47, 2, keep=True) > 10**7 * 9 * 2 * 12


def test_simulate_cli_takes_a_memory_budget(capsys):
    import json

    from kaoping.cli import main

    assert main(["simulate", SANMEN, "--draws", "3000", "--memory", "1GiB", "--workers", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["draws"] == 3000 and out["score_quantiles"] == "exact" and out["chunk"] % 2048 == 0
    assert main(["simulate", SANMEN, "--memory", "lots"]) == 2
    assert "2GiB" in capsys.readouterr().err

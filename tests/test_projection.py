"""Draws of the Monte Carlo projection: distributions, truncation, shocks, reproducibility."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from models.projection import BLOCK, apply_push, draw
from models.scenario import ScenarioError, build_scenario
from models.scoring import compile_scenario

S = 40_000


def scenario(forecasts: str, *, common=0.0, county=0.0, totals=None, indicators=None):
    """Home H and rivals B, R in one class; one assessment 'main' of survey indicators
    (points × value/100, so a county's total is its values' sum when points = 100)."""
    indicators = indicators or [{"name": "x", "direction": "higher"}, {"name": "y", "direction": "lower"}]
    totals = totals or {}
    counties = [{"name": c, "peer_class": "k", **({"totals": {"main": totals[c]}} if c in totals else {})}
                for c in ("H", "B", "R")]
    data = {
        "scenario": {"name": "t", "year": 2024, "elapsed": 0.5, "home": "H"},
        "counties": counties,
        "assessments": [{
            "name": "main",
            "blocks": [{"name": "core"}],
            "indicators": [{"name": i["name"], "block": "core", "direction": i["direction"], "points": 100,
                            "rule": {"kind": "survey"}} for i in indicators],
            "grades": {"by": "rank", "levels": [{"grade": "一等", "max_rank": 1}, {"grade": "二等"}]},
        }],
        "simulation": {"draws": 1000, "seed": 7, "chunk": 500, "shocks": {"common": common, "county": county}},
    }
    return build_scenario(data, forecasts, None)


ALL = ("county,indicator,dist,mean,sd,low,likely,high,min,max\n"
       "H,x,normal,50,5,,,,,\n"
       "H,y,normal,30,2,,,,,\n"
       "B,x,triangular,,,10,20,40,,\n"
       "B,y,pert,,,10,20,40,,\n"
       "R,x,normal,50,10,,,,45,60\n"
       "R,y,bernoulli,0.3,,,,,,\n")


def within(sample_mean, expected, sd, n, k=4.0):
    return abs(sample_mean - expected) <= k * sd / math.sqrt(n)


# --------------------------------------------------------------------------- distributions


def test_normal_mean_and_sd():
    d = draw(scenario(ALL), S, 1).values
    x = d[:, 0, 0]
    assert within(x.mean(), 50.0, 5.0, S)
    # sd of the sample sd ≈ σ/√(2S)
    assert abs(x.std() - 5.0) <= 4 * 5.0 / math.sqrt(2 * S)


def test_triangular_mean_matches_formula():
    """Triangular(10, 20, 40): mean (10+20+40)/3 = 23.333; var (a²+b²+m²−ab−am−bm)/18 = 700/18."""
    x = draw(scenario(ALL), S, 2).values[:, 1, 0]
    assert x.min() >= 10 and x.max() <= 40
    assert within(x.mean(), 70 / 3, math.sqrt(700 / 18), S)
    # P(x ≤ likely) = (m − a)/(b − a) = 1/3
    p = (x <= 20).mean()
    assert abs(p - 1 / 3) <= 4 * math.sqrt(2 / 9 / S)


def test_pert_mean_matches_formula():
    """PERT(10, 20, 40): mean (10 + 4·20 + 40)/6 = 21.667; var (μ−a)(b−μ)/7 = 11.667·18.333/7."""
    x = draw(scenario(ALL), S, 3).values[:, 1, 1]
    mu = 130 / 6
    assert x.min() >= 10 and x.max() <= 40
    assert within(x.mean(), mu, math.sqrt((mu - 10) * (40 - mu) / 7), S)


def test_bernoulli_frequency():
    x = draw(scenario(ALL), S, 4).values[:, 2, 1]
    assert set(np.unique(x)) == {0.0, 1.0}
    assert within(x.mean(), 0.3, math.sqrt(0.21), S)


def test_truncated_normal_is_inside_and_has_the_truncated_mean():
    """N(50, 10) on [45, 60]: a = −0.5, b = 1; mean = 50 + 10·(φ(a) − φ(b))/(Φ(b) − Φ(a)) = 52.06."""
    x = draw(scenario(ALL), S, 5).values[:, 2, 0]
    assert x.min() >= 45 and x.max() <= 60
    a, b = -0.5, 1.0
    z = stats.norm.cdf(b) - stats.norm.cdf(a)
    mu = 50 + 10 * (stats.norm.pdf(a) - stats.norm.pdf(b)) / z
    sd = 10 * math.sqrt(1 + (a * stats.norm.pdf(a) - b * stats.norm.pdf(b)) / z - ((stats.norm.pdf(a) - stats.norm.pdf(b)) / z) ** 2)
    assert abs(mu - 52.06) < 0.01
    assert within(x.mean(), mu, sd, S)
    # not a clip: no mass piles up on the bounds
    assert (x == 45).sum() == 0 and (x == 60).sum() == 0


def test_far_tail_truncation_keeps_precision():
    """N(0, 1) truncated to [6, ∞): mean φ(6)/(1 − Φ(6)) = 6.158 (a clip would give 6 exactly).

    A forecast whose mean lies outside its own [min, max] is refused by validation (issue 12: every
    draw lands near the bound), so the routines are checked directly on copula scores."""
    from test_sampling import values  # the compiled samplers at given scores (issue 17)

    z = np.random.default_rng(6).standard_normal(20_000)
    x = values("normal", mean=0.0, sd=1.0, lo=6.0, z=z)
    mu = stats.norm.pdf(6) / stats.norm.sf(6)
    assert abs(mu - 6.158) < 1e-3
    assert x.min() >= 6 and np.isfinite(x).all()
    assert abs(x.mean() - mu) < 0.01
    # triangular(0, 1, 4) truncated to [2, 3]: F(x) = 1 − (4 − x)²/12; P(x ≤ 2.5) = (F(2.5) − F(2))/(F(3) − F(2)) = 1.75/3
    y = values("triangular", low=0.0, likely=1.0, high=4.0, lo=2.0, hi=3.0, z=z)
    assert y.min() >= 2 and y.max() <= 3
    assert abs((y <= 2.5).mean() - 1.75 / 3) <= 4 * math.sqrt(0.25 / 20_000)


def test_fixed_and_missing_cells():
    f = ("county,indicator,dist,mean,sd\nH,x,fixed,3,\nH,y,normal,1,0\nB,x,normal,2,1\nB,y,normal,2,1\n")
    scn = scenario(f, totals={"R": {"mean": 50, "sd": 5}})
    d = draw(scn, 100, 1)
    assert (d.values[:, 0, 0] == 3).all() and (d.values[:, 0, 1] == 1).all()
    assert np.isnan(d.values[:, 2]).all()  # R is known only by its total
    assert np.isnan(d.totals["main"][:, :2]).all() and np.isfinite(d.totals["main"][:, 2]).all()


# --------------------------------------------------------------------------- shocks


def test_total_only_counties_correlate_by_the_common_share():
    """Two rivals known only by their totals: corr(total_B, total_R) = common (the county
    shocks are independent between counties); tolerance 3/√S."""
    f = "county,indicator,dist,mean,sd\nH,x,normal,50,5\nH,y,normal,30,2\n"
    scn = scenario(f, common=0.5, county=0.3, totals={"B": {"mean": 70, "sd": 3}, "R": {"mean": 60, "sd": 8}})
    t = draw(scn, S, 11).totals["main"]
    r = np.corrcoef(t[:, 1], t[:, 2])[0, 1]
    assert abs(r - 0.5) <= 3 / math.sqrt(S)
    assert within(t[:, 2].mean(), 60, 8, S)
    # the home county's higher-is-better indicator shares the common shock with both totals
    x = draw(scn, S, 11).values[:, 0, 0]
    assert abs(np.corrcoef(x, t[:, 1])[0, 1] - 0.5) <= 3 / math.sqrt(S)


def test_shocks_act_in_the_good_direction():
    """Within a county: corr = common + county for two higher-is-better indicators; a
    lower-is-better one moves the opposite way (−(common + county)); across counties ±common."""
    f = ("county,indicator,dist,mean,sd\nH,x,normal,0,1\nH,y,normal,0,1\nB,x,normal,0,1\nB,y,normal,0,1\n"
         "R,x,normal,0,1\nR,y,normal,0,1\n")
    v = draw(scenario(f, common=0.4, county=0.35), S, 12).values
    tol = 3 / math.sqrt(S)
    assert abs(np.corrcoef(v[:, 0, 0], v[:, 0, 1])[0, 1] + 0.75) <= tol  # x higher, y lower
    assert abs(np.corrcoef(v[:, 0, 0], v[:, 1, 0])[0, 1] - 0.40) <= tol
    assert abs(np.corrcoef(v[:, 0, 1], v[:, 2, 1])[0, 1] - 0.40) <= tol  # both lower: same sign
    assert abs(np.corrcoef(v[:, 1, 0], v[:, 2, 1])[0, 1] + 0.40) <= tol


def test_fully_common_shock_is_comonotone_through_the_copula():
    """common = 1: every cell is driven by the one shock Z. Lower-is-better y = −Z exactly; the
    triangular and PERT values are monotone in Z; a Bernoulli event with p happens exactly when
    Z > Φ⁻¹(1 − p)."""
    v = draw(scenario(ALL, common=1.0), 5000, 13).values
    Z = (v[:, 0, 0] - 50) / 5
    np.testing.assert_allclose((v[:, 0, 1] - 30) / 2, -Z, atol=1e-12)
    order = np.argsort(Z)
    assert (np.diff(v[order, 1, 0]) >= -1e-12).all()
    assert (np.diff(v[order, 1, 1]) <= 1e-12).all()  # y of B is lower-is-better: goes down with Z
    ev = v[:, 2, 1]  # R's y is lower-is-better: the "good" tail is Z low
    np.testing.assert_array_equal(ev == 1, -Z > stats.norm.ppf(0.7))


# --------------------------------------------------------------------------- reproducibility


def test_same_seed_same_draws_other_stream_or_seed_different():
    scn = scenario(ALL, common=0.2, county=0.2)
    a, b = draw(scn, 3000, 99), draw(scn, 3000, 99)
    np.testing.assert_array_equal(a.values, b.values)
    c, d = draw(scn, 3000, 99, stream=1), draw(scn, 3000, 100)
    for other in (c, d):  # independent: no equal number, correlation within 4/√n of 0
        assert not (a.values[:, 0, 0] == other.values[:, 0, 0]).any()
        assert abs(np.corrcoef(a.values[:, 0, 0], other.values[:, 0, 0])[0, 1]) <= 4 / math.sqrt(3000)


@settings(max_examples=25, deadline=None)
@given(start=st.integers(0, 3 * BLOCK), cuts=st.lists(st.integers(1, BLOCK + 7), min_size=1, max_size=4))
def test_any_chunking_gives_the_same_draws(start, cuts):
    scn = _SCN
    n = sum(cuts)
    whole = draw(scn, n, 5, start=start)
    parts, pos = [], start
    for m in cuts:
        parts.append(draw(scn, m, 5, start=pos))
        pos += m
    np.testing.assert_array_equal(np.concatenate([p.values for p in parts]), whole.values)
    np.testing.assert_array_equal(np.concatenate([p.totals["main"] for p in parts]), whole.totals["main"])


_SCN = scenario("county,indicator,dist,mean,sd,low,likely,high\nH,x,normal,50,5,,,\nH,y,pert,,,1,2,5\n"
                "B,x,triangular,,,1,2,5\nB,y,normal,3,1,,,\n", common=0.3, county=0.1,
                totals={"R": {"mean": 60, "sd": 4}})


def test_override_of_one_forecast_leaves_other_numbers_unchanged():
    """Noise is drawn for every cell, so changing one county's mean moves only that cell."""
    base = draw(scenario(ALL), 2000, 8).values
    moved = draw(scenario(ALL.replace("H,x,normal,50,5", "H,x,normal,60,5")), 2000, 8).values
    np.testing.assert_allclose(moved[:, 0, 0] - base[:, 0, 0], 10.0, atol=1e-9)
    np.testing.assert_array_equal(np.delete(moved.reshape(2000, -1), 0, axis=1), np.delete(base.reshape(2000, -1), 0, axis=1))


# --------------------------------------------------------------------------- push


def test_apply_push_moves_home_in_the_good_direction_only(english):
    scn = scenario(ALL)
    cs = compile_scenario(scn)
    v = draw(scn, 10, 1).values
    p = apply_push(v, cs, np.array([2.0, 0.5]))
    np.testing.assert_allclose(p[:, 0, 0], v[:, 0, 0] + 2.0)
    np.testing.assert_allclose(p[:, 0, 1], v[:, 0, 1] - 0.5)  # y is lower-is-better
    np.testing.assert_array_equal(p[:, 1:], v[:, 1:])
    assert not np.shares_memory(p, v)
    with pytest.raises(ValueError, match="≥ 0"):
        apply_push(v, cs, np.array([-1.0, 0.0]))
    with pytest.raises(ValueError, match="shape"):
        apply_push(v, cs, np.array([1.0]))


def test_far_bound_takes_the_fast_path_with_the_same_numbers():
    """min 0 under N(77, 2) (38 sd away) cuts off no representable mass: the draws equal the
    untruncated ones exactly; a bound 1 sd away is a real truncation (mean 77 + 2·φ(1)/Φ(1))."""
    base = "county,indicator,dist,mean,sd,min,max\nH,y,normal,30,2,,\n" + "".join(
        f"{c},{i},normal,1,1,,\n" for c in "BR" for i in "xy")
    free = draw(scenario(base + "H,x,normal,77,2,,\n"), 20_000, 3).values[:, 0, 0]
    far = draw(scenario(base + "H,x,normal,77,2,0,100\n"), 20_000, 3).values[:, 0, 0]
    np.testing.assert_array_equal(far, free)
    near = draw(scenario(base + "H,x,normal,77,2,,79\n"), 20_000, 3).values[:, 0, 0]
    assert near.max() <= 79
    mu = 77 - 2 * stats.norm.pdf(1) / stats.norm.cdf(1)
    assert abs(near.mean() - mu) <= 4 * 2 / math.sqrt(20_000)


def test_impossible_truncation_is_a_clear_error(english):
    """Triangular (1, 2, 3) truncated to [4, ∞) leaves nothing: refused when the scenario is read
    (its likely value 2 lies outside [min, max]), the row named."""
    f = ("county,indicator,dist,mean,sd,low,likely,high,min,max\nH,x,triangular,,,1,2,3,4,\nH,y,normal,1,1,,,,,\n"
         + "".join(f"{c},{i},normal,1,1,,,,,\n" for c in "BR" for i in "xy"))
    with pytest.raises(ScenarioError) as err:
        scenario(f)
    [p] = err.value.problems
    assert (p.file, p.where, p.field) == ("forecasts.csv", "row 2", "likely")
    assert p.message.startswith("likely 2 lies outside [min, max] = [4.0, None]")

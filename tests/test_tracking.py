"""Monthly actuals → the year-end forecast (models/tracking.py): hand-worked projections, the
spread from past misses, the fallbacks said in the output, the loader's checks of actuals.csv, and
a backtest on a synthetic history with a known seasonal pattern and noise."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.projection import draw
from models.scenario import ScenarioError, load_scenario
from models.schema import ActualRow
from models.tracking import (
    DEFAULT_CV,
    NO_HISTORY,
    cumulative,
    interval,
    progress_table,
    project,
    tracking_table,
)

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny"


# --------------------------------------------------------------------------- hand-worked projections


def test_flow_with_a_known_seasonal_share_projects_to_the_hand_value():
    """Past years reached 50, 54 and 52 of 100 by July: seasonal shares 0.50, 0.54, 0.52, mean
    ŝ = 0.52. This year's July cumulative 62.4 projects to 62.4 / 0.52 = 120 (not 62.4·12/7 =
    106.97 by the share of time). Never below the 62.4 already done."""
    p = project("flow", 7, 62.4, [50, 54, 52], [100, 100, 100])
    assert p.share == pytest.approx(0.52, abs=1e-12)
    assert p.centre == pytest.approx(120.0, abs=1e-9)
    assert p.floor == 62.4 and p.history and p.spread_history


def test_spread_from_past_misses_matches_a_hand_computation():
    """Flow (shares 0.50, 0.54, 0.52): each year projected from the other two, leave-one-out
    shares ŝ₋ᵧ = 0.53, 0.51, 0.52; relative misses 0.53/0.50 − 1 = 0.06, 0.51/0.54 − 1 =
    −0.0555556, 0.52/0.52 − 1 = 0; sd = 120·√((0.06² + 0.0555556²)/3) = 120·0.0472103 =
    5.665229. Rate with changes from July to December d = 2, 4, 3: d̄ = 3, leave-one-out means
    3.5, 2.5, 3, misses −1.5, 1.5, 0, sd = √(4.5/3) = √1.5 = 1.2247449; July 80 → 83."""
    p = project("flow", 7, 62.4, [50, 54, 52], [100, 100, 100])
    assert p.sd == pytest.approx(120 * np.sqrt((0.06 ** 2 + (0.51 / 0.54 - 1) ** 2) / 3), abs=1e-9)
    assert p.sd == pytest.approx(5.665229, abs=1e-6)
    r = project("rate", 7, 80.0, [70, 71, 72], [72, 75, 75])
    assert r.change == pytest.approx(3.0, abs=1e-12) and r.centre == pytest.approx(83.0, abs=1e-12)
    assert r.sd == pytest.approx(np.sqrt(1.5), abs=1e-12)


def test_a_rate_is_not_scaled_by_the_share_of_time():
    """A pass rate of 80 % in July stays 80 % without history (a flow of 80 would project to
    80·12/7 = 137.14); the default sd is 0.1·(5/12)·80 = 3.3333 and the rate has no floor."""
    r = project("rate", 7, 80.0, [], [])
    assert r.centre == 80.0 and r.floor is None and not r.history
    assert r.sd == pytest.approx(DEFAULT_CV * 5 / 12 * 80, abs=1e-12) == pytest.approx(10 / 3, abs=1e-12)
    f = project("flow", 7, 80.0, [], [])
    assert f.centre == pytest.approx(80 * 12 / 7, abs=1e-12)


def test_no_history_falls_back_on_the_share_of_time_and_says_so():
    """Flow 70 by July, no past years: ŝ = 7/12, year end 70·12/7 = 120, sd 0.1·(5/12)·120 = 5,
    both assumptions, and the method says '无往年数据'. A count of 2 events by June: λ = 2·6/6 = 2
    more, year end 4, sd √2 (Poisson), never below 2. December: the year is over (sd 0)."""
    from models.tracking import method_words

    p = project("flow", 7, 70.0, [], [])
    assert p.share == pytest.approx(7 / 12) and p.centre == pytest.approx(120.0, abs=1e-12)
    assert p.sd == pytest.approx(5.0, abs=1e-12) and not p.history and not p.spread_history
    words = method_words("flow", 7, p)
    assert NO_HISTORY in words and "时间进度 7/12" in words and "假设" in words
    c = project("count", 6, 2.0, [], [])
    assert (c.centre, c.change, c.floor) == (4.0, 2.0, 2.0) and c.sd == pytest.approx(np.sqrt(2), abs=1e-12)
    assert "泊松" in method_words("count", 6, c)
    d = project("flow", 12, 95.0, [40, 50], [90, 100])
    assert (d.centre, d.sd) == (95.0, 0.0)


def test_one_past_year_gives_the_share_but_a_default_spread():
    """One past year (52 of 100 by July): ŝ = 0.52, 52 → 100; its miss cannot be measured
    leaving it out, so the sd is the default 0.1·(5/12)·100 = 4.1667."""
    p = project("flow", 7, 52.0, [52], [100])
    assert p.centre == pytest.approx(100.0) and p.history and not p.spread_history
    assert p.sd == pytest.approx(DEFAULT_CV * 5 / 12 * 100, abs=1e-12)


def test_monthly_amounts_are_summed_from_january():
    rows = [ActualRow(county="A", indicator="x", year=2024, month=m, value=v, basis="monthly")
            for m, v in ((1, 2.0), (2, 3.0), (3, 1.5))]
    rows.append(ActualRow(county="A", indicator="y", year=2024, month=3, value=80.0))
    assert cumulative(rows) == {("A", "x", 2024): {1: 2.0, 2: 5.0, 3: 6.5}, ("A", "y", 2024): {3: 80.0}}


def test_interval_is_the_truncated_normal_the_monte_carlo_draws():
    """80 % interval: centre ± 1.2815516·sd; with a floor, the truncated normal's quantiles."""
    lo, hi = interval(100.0, 10.0, None)
    assert lo == pytest.approx(100 - 12.815516, abs=1e-6) and hi == pytest.approx(100 + 12.815516, abs=1e-6)
    lo, hi = interval(100.0, 10.0, 95.0)
    z = np.random.default_rng(0).normal(100, 10, 400_000)
    z = z[z >= 95]
    assert lo == pytest.approx(np.quantile(z, 0.1), abs=0.05) and hi == pytest.approx(np.quantile(z, 0.9), abs=0.05)


@given(centre=st.floats(-1e4, 1e4), sd=st.floats(1e-3, 1e3), a=st.floats(-12, 12), cover=st.floats(0.01, 0.99))
@settings(max_examples=300, deadline=None)
def test_interval_equals_scipy_stats_truncated_normal(centre, sd, a, cover):
    """The interval from scipy.special's ndtr/ndtri (light to import) equals scipy.stats' truncnorm
    and norm quantiles to 1e-9·sd, a floor from 12 sd below the centre to 12 sd above it."""
    from scipy import stats

    q = [(1 - cover) / 2, (1 + cover) / 2]
    floor = centre + a * sd
    want = stats.truncnorm.ppf(q, a, np.inf, loc=centre, scale=sd)
    assert np.allclose(interval(centre, sd, floor, cover), want, rtol=0, atol=1e-9 * sd + 1e-12 * abs(centre))
    assert np.allclose(interval(centre, sd, None, cover), stats.norm.ppf(q, centre, sd), rtol=0, atol=1e-9 * sd)


# --------------------------------------------------------------------------- backtest


def _synthetic(rng, n_series: int, years: int, measure: str):
    """Cumulative monthly series (n_series, years, 12) with a known seasonal pattern (weights
    4, 5, 7, 8, 8, 9, 9, 9, 9, 10, 10, 12 of 100), yearly level noise 10 % and monthly noise 8 %
    (lognormal); a rate: a level drifting up 0.4 a month with N(0, 0.6) monthly steps."""
    if measure == "flow":
        w = np.array([4, 5, 7, 8, 8, 9, 9, 9, 9, 10, 10, 12], float) / 100
        level = rng.uniform(50, 500, (n_series, 1, 1)) * np.exp(rng.normal(0, 0.1, (n_series, years, 1)))
        return (level * w * np.exp(rng.normal(0, 0.08, (n_series, years, 12)))).cumsum(axis=2)
    start = rng.uniform(60, 90, (n_series, years, 1))
    return start + (0.4 + rng.normal(0, 0.6, (n_series, years, 12))).cumsum(axis=2)


@pytest.mark.parametrize("measure", ["flow", "rate"])
def test_backtest_80_percent_interval_covers_75_to_85_percent_of_held_out_years(measure):
    """1 000 synthetic series of 11 years each: the last year is held out, the 10 before are the
    history; projected from July. The 80 % interval must cover the held-out December value in
    75–85 % of the series (measured: 76.8 % for flows, 78.2 % for rates; with 5 past years 75.4 %
    and 73.9 %, with 3 only 69 % and 68 %: the spread of a few years is itself uncertain, and
    the interval too narrow)."""
    rng = np.random.default_rng(20100901)
    cum = _synthetic(rng, 1000, 11, measure)
    m = 7
    hits = 0
    for s in cum:
        p = project(measure, m, s[-1, m - 1], s[:-1, m - 1], s[:-1, 11])
        lo, hi = interval(p.centre, p.sd, p.floor)
        hits += lo <= s[-1, 11] <= hi
    cover = hits / len(cum)
    assert 0.75 <= cover <= 0.85, cover


# --------------------------------------------------------------------------- in a scenario


TINY_ACTUALS = """county,indicator,year,month,value,basis,source,assumption,note
A,exports,2022,7,2.1,cumulative,,true,invented
A,exports,2022,12,4.0,cumulative,,true,invented
A,exports,2023,7,2.3,cumulative,,true,invented
A,exports,2023,12,4.5,cumulative,,true,invented
A,exports,2024,6,2.0,cumulative,,true,invented
A,exports,2024,7,2.4,cumulative,,true,invented
A,energy,2024,7,0.83,cumulative,,true,invented
"""


def _tiny_with_actuals(tmp_path, actuals: str = TINY_ACTUALS, drop=("A,exports",), measures=None) -> Path:
    d = tmp_path / "scn"
    shutil.copytree(TINY, d)
    y = (d / "scenario.yaml").read_text(encoding="utf-8")
    for name, m in (measures or {"exports": "flow", "energy": "rate"}).items():
        y = y.replace(f"      - name: {name}\n", f"      - name: {name}\n        measure: {m}\n")
    (d / "scenario.yaml").write_text(y, encoding="utf-8")
    f = (d / "forecasts.csv").read_text(encoding="utf-8").splitlines()
    (d / "forecasts.csv").write_text("\n".join(r for r in f if not r.startswith(drop)) + "\n", encoding="utf-8")
    (d / "actuals.csv").write_text(actuals, encoding="utf-8")
    return d


def test_projection_replaces_a_missing_forecast_and_the_monte_carlo_draws_it(tmp_path):
    """A's exports have no forecast row: shares 2.1/4.0 = 0.525 and 2.3/4.5 = 0.511111, ŝ = 0.518056;
    July 2.4 → 4.632708; misses 0.511111/0.525 − 1 = −0.026455 and 0.525/0.511111 − 1 = 0.027174,
    sd = 4.632708·√((0.026455² + 0.027174²)/2) = 0.124998. A's energy keeps its hand forecast
    (0.82) though July says 0.83: forecasts.csv overrides, and the table says so."""
    scn = load_scenario(_tiny_with_actuals(tmp_path))
    f = scn.forecast("A", "exports")
    share = (2.1 / 4.0 + 2.3 / 4.5) / 2
    r1, r2 = (2.3 / 4.5) / (2.1 / 4.0) - 1, (2.1 / 4.0) / (2.3 / 4.5) - 1
    assert f.mean == pytest.approx(2.4 / share, abs=1e-12) == pytest.approx(4.632708, abs=1e-6)
    assert f.sd == pytest.approx(2.4 / share * np.sqrt((r1 ** 2 + r2 ** 2) / 2), abs=1e-12)
    assert f.min == 2.4 and f.actual == 2.4 and f.assumption and "往年2年" in f.note
    assert scn.forecast("A", "energy").mean == 0.82
    table = tracking_table(scn, "A").set_index("指标")
    assert table.loc["exports", "采用"] == "推算" and table.loc["energy", "采用"] == "手工预测"
    assert table.loc["energy", "推算年终值"] == 0.83 and NO_HISTORY in table.loc["energy", "方法"]
    d = draw(scn, 20_000, 1)
    x = d.values[:, scn.counties.index("A"), 0]
    assert x.mean() == pytest.approx(f.mean, abs=0.005) and x.std() == pytest.approx(f.sd, rel=0.03)
    assert x.min() >= 2.4


def test_progress_time_half_gone_task_half_done(tmp_path):
    """时间过半任务过半: exports 2.4 of the basic 4.0 = 60 % by July, ahead of both the share of
    time 7/12 = 58.3 % and the seasonal expectation ŝ = 51.8 %: 正常; at 2.2 (55 %) behind the
    time but not the season; at 2.0 (50 %) behind both. Energy (a rate, lower is better, no past
    years) 0.83 by July, above the basic 0.8: 落后. A rate with past years' change +0.5 from July
    (2.4 → 2.9 and 2.6 → 3.1) is expected at (3.0 − 0.5)/3.0 = 83.3 % of the target 3.0 by July:
    at 2.6 it projects to 3.1, 正常."""
    scn = load_scenario(_tiny_with_actuals(tmp_path))
    p = progress_table(scn).set_index("指标")
    assert p.loc["exports", "完成进度"] == pytest.approx(0.6) and p.loc["exports", "时间进度"] == pytest.approx(7 / 12)
    assert p.loc["exports", "季节进度"] == pytest.approx((2.1 / 4.0 + 2.3 / 4.5) / 2)
    assert p.loc["exports", "进度"] == "正常" and p.loc["energy", "进度"] == "落后"
    for v, verdict in (("2.2", "落后于时间进度"), ("2.0", "落后")):
        slow = load_scenario(_tiny_with_actuals(tmp_path / v, TINY_ACTUALS.replace("2024,7,2.4", f"2024,7,{v}")))
        assert progress_table(slow).set_index("指标").loc["exports", "进度"] == verdict
    rate = TINY_ACTUALS.replace("A,exports,", "A,exprt,").replace("A,exprt,2022,7,2.1", "A,exports,2022,7,2.4").replace(
        "A,exprt,2022,12,4.0", "A,exports,2022,12,2.9").replace("A,exprt,2023,7,2.3", "A,exports,2023,7,2.6").replace(
        "A,exprt,2023,12,4.5", "A,exports,2023,12,3.1").replace("A,exprt,2024,7,2.4", "A,exports,2024,7,2.6")
    rate = "\n".join(r for r in rate.splitlines() if "exprt" not in r) + "\n"
    y = _tiny_with_actuals(tmp_path / "rate", rate, measures={"exports": "rate", "energy": "rate"})
    y.joinpath("scenario.yaml").write_text(y.joinpath("scenario.yaml").read_text(encoding="utf-8").replace(
        "basic: 4.0, full: 5.0", "basic: 3.0, full: 5.0"), encoding="utf-8")
    r = progress_table(load_scenario(y)).set_index("指标")
    assert r.loc["exports", "季节进度"] == pytest.approx(2.5 / 3.0) and r.loc["exports", "进度"] == "正常"


BAD = [
    ("no measure", TINY_ACTUALS, {"energy": "rate"}, "actuals.csv", "row 2", "indicator", "has actuals but no 'measure'"),
    ("monthly rate", TINY_ACTUALS.replace("2024,7,0.83,cumulative", "2024,7,0.83,monthly"), None, "actuals.csv", "row 8",
     "basis", "monthly amounts do not add up for a rate"),
    ("duplicate", TINY_ACTUALS + "A,exports,2024,7,2.5,cumulative,,false,\n", None, "actuals.csv", "row 9", "month",
     "duplicate actual for A/exports 2024-07 (first on row 7)"),
    ("gap", TINY_ACTUALS + "B,exports,2024,1,0.3,monthly,,false,\nB,exports,2024,3,0.4,monthly,,false,\n", None,
     "actuals.csv", "row 9", "month", "miss month(s) 2"),
    ("future", TINY_ACTUALS + "A,exports,2025,1,0.1,cumulative,,false,\n", None, "actuals.csv", "row 9", "year",
     "year 2025 is after the scenario's year 2024"),
    ("unknown", TINY_ACTUALS + "A,exprots,2024,7,2.4,cumulative,,false,\n", None, "actuals.csv", "row 9", "indicator",
     "did you mean 'exports'?"),
    ("no note", TINY_ACTUALS + "B,exports,2024,7,2.4,cumulative,,true,\n", None, "actuals.csv", "row 9", "note",
     "an assumed actual needs a note"),
]


@pytest.mark.parametrize("case,actuals,measures,file,where,field,message", BAD, ids=[b[0] for b in BAD])
def test_bad_actuals_are_located(tmp_path, case, actuals, measures, file, where, field, message, english):
    with pytest.raises(ScenarioError) as err:
        load_scenario(_tiny_with_actuals(tmp_path, actuals, measures=measures))
    hits = [p for p in err.value.problems if p.file == file and p.where == where and message in p.message]
    assert hits and hits[0].field == field, [str(p) for p in err.value.problems]


def test_a_forecast_actual_that_disagrees_with_the_actuals_is_located(tmp_path, english):
    d = _tiny_with_actuals(tmp_path)
    (d / "forecasts.csv").write_text("county,indicator,dist,mean,sd,actual\nA,energy,normal,0.82,0.02,0.84\n"
                                     "B,exports,normal,5.2,0.2,\nB,energy,normal,0.75,0.02,\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(d)
    [p] = err.value.problems
    assert (p.file, p.where, p.field) == ("forecasts.csv", "row 2", "actual") and "disagrees with actuals.csv (0.83" in p.message


def test_without_actuals_or_forecast_the_home_county_is_told_both_ways(tmp_path, english):
    d = _tiny_with_actuals(tmp_path, "county,indicator,year,month,value\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(d)
    assert any("has no forecast for exports" in p.message and "actuals.csv" in p.message for p in err.value.problems)

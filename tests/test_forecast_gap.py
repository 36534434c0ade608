"""Why the simulated mean total is below the total at the forecasts (models.forecast_gap): a
hand-worked threshold item and the sanmen figures the demo tells."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from models.forecast_gap import forecast_gap
from models.projection import simulate
from models.scenario import build_scenario, load_scenario
from models.scorecard import scorecard

TINY = Path(__file__).parent / "data" / "tiny"


def test_an_item_forecast_at_full_loses_sigma_phi_on_average():
    """Tiny scenario, home A. exports: threshold basic 4 (6 points), full 5 (10 points), linear
    between (6 + 4·(x − 4)), nothing above full (the over-full bonus removed); A's forecast
    normal(5.0, 0.2): at the forecast 10 points. energy fixed at 0.75 (lower is better, basic
    0.8, full 0.7): 6 + 4·(0.80 − 0.75)/0.10 = 8 points, in every draw. Total at the forecast 18.
    Over the draws exports scores min(10, 10 − 4·(5 − X)) (X < 4 has probability 3e-7), so
    E[points] = 10 − 4·E[(5 − X)⁺] = 10 − 4·0.2·φ(0) = 10 − 0.8/√(2π) = 9.680854: the gap 0.319
    is the cost of uncertainty (the forecast centre is the mean: no skew); energy's gap is 0."""
    data = yaml.safe_load((TINY / "scenario.yaml").read_text())
    data["assessments"][0]["indicators"][0]["rule"].pop("over")
    f = "county,indicator,dist,mean,sd\nA,exports,normal,5.0,0.2\nA,energy,fixed,0.75,\nB,exports,normal,4.6,0.1\nB,energy,normal,0.72,0.01\n"
    scn = build_scenario(data, f, None)
    g = forecast_gap(scn, draws=20_000, seed=4)
    assert g.indicators == ("exports", "energy")
    np.testing.assert_allclose(g.at_forecast, [10.0, 8.0], atol=1e-9)
    assert g.total_at_forecast == pytest.approx(18.0, abs=1e-9)
    home = scorecard(scn)["main/counties"].set_index("县市区").loc["A", "总分 [分]"]
    assert g.total_at_forecast == pytest.approx(home, abs=1e-9)
    # brute force on the same draws: the rule by hand
    from models.draws import draw

    x = draw(scn, 20_000, 4).values[:, 0, 0]
    by_hand = np.where(x < 4, 0.0, np.minimum(10.0, 6 + 4 * (x - 4)))
    assert g.mean[0] == pytest.approx(by_hand.mean(), abs=1e-9)
    assert g.at_mean[0] == pytest.approx(min(10.0, 6 + 4 * (x.mean() - 4)), abs=1e-9)
    se = by_hand.std() / np.sqrt(len(x))
    assert g.mean[0] == pytest.approx(10 - 0.8 / np.sqrt(2 * np.pi), abs=4 * se)
    assert g.mean[1] == pytest.approx(8.0, abs=1e-9) and g.gap[1] == pytest.approx(0.0, abs=1e-9)
    assert g.mean_total == pytest.approx(g.mean.sum(), abs=1e-9) and g.rest == pytest.approx(0.0, abs=1e-9)
    assert list(g.largest(3)) == [0]


def test_sanmen_mean_is_the_projection_mean_and_the_items_explain_it():
    """The demo's figures: sanmen's first assessment at the forecasts 48.08; on simulate's draws
    (stream 0, the scenario's seed) the mean total is simulate's 平均分; the items' gaps add up
    to the difference (no block cap binds: rest 0), nearly all of it the cost of uncertainty."""
    scn = load_scenario("scenarios/sanmen")
    g = forecast_gap(scn, draws=1_000)
    a = simulate(scn, draws=1_000, chunk=1_000).assessment()
    assert g.mean_total == pytest.approx(a.summary.set_index("县市区").loc["三门", "平均分 [分]"], abs=1e-9)
    assert g.total_at_forecast == pytest.approx(48.0802909, abs=1e-6)
    assert g.total_at_forecast - g.mean_total == pytest.approx(np.nansum(g.gap) + g.rest, abs=1e-9)
    assert abs(g.rest) < 1e-9
    np.testing.assert_allclose(g.rank_probs, a.home_rank_probs(), atol=1e-12)
    assert np.nansum(g.uncertainty) > 0.9 * (g.total_at_forecast - g.mean_total) > 0
    assert g.indicators[g.largest(1)[0]] == "满意指数"

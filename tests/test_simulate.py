"""simulate(): scored draws, probabilities with Monte Carlo errors, CLI and figures."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy import stats

from kaoping.cli import main
from models.projection import apply_push, draw, simulate
from models.scenario import build_scenario, load_scenario
from models.scorecard import scorecard
from models.scoring import compile_scenario, score_all

TINY = Path(__file__).parent / "data" / "tiny"


def duel(common=0.0):
    """Home H scored from one survey indicator (total = x ~ N(69, 2)); rivals B ~ N(70, 3) and
    R ~ N(68, 4) known only by their totals."""
    data = {
        "scenario": {"name": "duel", "year": 2024, "elapsed": 0.5, "home": "H"},
        "counties": [{"name": "H", "peer_class": "k"},
                     {"name": "B", "peer_class": "k", "totals": {"main": {"mean": 70, "sd": 3}}},
                     {"name": "R", "peer_class": "k", "totals": {"main": {"mean": 68, "sd": 4}}}],
        "assessments": [{
            "name": "main", "blocks": [{"name": "core"}],
            "indicators": [{"name": "x", "block": "core", "points": 100, "rule": {"kind": "survey"}}],
            "grades": {"by": "score", "levels": [{"grade": "一等", "min_score": 70}, {"grade": "二等", "min_score": 66},
                                                 {"grade": "三等"}]},
        }],
        "simulation": {"shocks": {"common": common, "county": 0.0}},
    }
    return build_scenario(data, "county,indicator,dist,mean,sd\nH,x,normal,69,2\n", None)


def beat(proj, a, b):
    t = proj.assessment().beat_probs
    row = t[(t["县市区"] == a) & (t["对手"] == b)]
    return float(row["胜出概率"].iloc[0]), float(row["标准误"].iloc[0])


@pytest.mark.parametrize("common", [0.0, 0.5])
def test_beat_probability_matches_the_normal_difference(common):
    """P(B beats R) = Φ((70 − 68)/√(3² + 4² − 2·c·3·4)): 0.6554 with c = 0, Φ(2/√13) = 0.7107
    with c = 0.5; P(H beats B) = Φ((69 − 70)/√(2² + 3² − 2·c·2·3)): 0.3897 / Φ(−1/√7) = 0.3527.
    Each within 4 Monte Carlo standard errors."""
    S = 40_000
    proj = simulate(duel(common), draws=S, seed=42, chunk=7_000)
    for a, b, ma, mb, sa, sb in (("B", "R", 70, 68, 3, 4), ("H", "B", 69, 70, 2, 3)):
        expect = stats.norm.cdf((ma - mb) / math.sqrt(sa ** 2 + sb ** 2 - 2 * common * sa * sb))
        p, se = beat(proj, a, b)
        assert se == pytest.approx(math.sqrt(p * (1 - p) / S))
        assert abs(p - expect) <= 4 * se
    assert beat(proj, "B", "R")[0] + beat(proj, "R", "B")[0] == pytest.approx(1.0)  # no ties with continuous totals


def test_grade_probabilities_match_the_normal_cdf():
    """Grades by score: H's total ~ N(69, 2): P(一等) = P(x ≥ 70) = 0.3085, P(≥ 二等) = P(x ≥ 66) = 0.9332."""
    S = 40_000
    g = simulate(duel(), draws=S, seed=3).assessment().grade_probs
    h = g[g["县市区"] == "H"].set_index("等次")
    for grade, expect in (("一等", stats.norm.sf(0.5)), ("二等", stats.norm.sf(-1.5))):
        p, se = h.loc[grade, "不低于该等次概率"], h.loc[grade, "不低于标准误"]
        assert abs(p - expect) <= 4 * se
    assert h.loc["三等", "不低于该等次概率"] == 1.0
    np.testing.assert_allclose(h["概率"].cumsum().to_numpy(), h["不低于该等次概率"].to_numpy())


def tiny_dict():
    return yaml.safe_load((TINY / "scenario.yaml").read_text())


def test_all_sd_zero_gives_the_scorecard_with_probability_one():
    data = tiny_dict()
    data["counties"][2]["totals"]["main"]["sd"] = 0
    f = ("county,indicator,dist,mean,sd\nA,exports,normal,5.05,0\nA,energy,fixed,0.79,\n"
         "B,exports,normal,4.6,0\nB,energy,normal,0.72,0\n")
    data["counties"][2]["totals"]["main"]["mean"] = 12.5
    scn = build_scenario(data, f, None)
    card = scorecard(scn)["main/counties"].set_index("县市区")
    a = simulate(scn, draws=500, seed=1, chunk=128).assessment()
    # by hand: A: exports 5.05 ≥ full → 10, over-full (0.05/0.1)·0.5 = 0.25; energy 0.79:
    # 6 + 4·(0.80 − 0.79)/0.10 = 6.4 → 16.65. B: exports 6 + 4·0.6 = 8.4; energy 6 + 4·0.8 = 9.2
    # → 17.6. C: its total 12.5. Ranks B 1, A 2, C 3.
    assert card.loc["A", "总分 [分]"] == pytest.approx(10 + 6.4 + 0.25)
    assert card.loc["B", "总分 [分]"] == pytest.approx(17.6)
    assert list(card.loc[["A", "B", "C"], "排名"]) == [2, 1, 3]
    for c in ("A", "B", "C"):
        rp = a.rank_probs[a.rank_probs["县市区"] == c].set_index("排名")["概率"]
        assert rp.loc[card.loc[c, "排名"]] == 1.0
        assert (rp.drop(card.loc[c, "排名"]) == 0.0).all()
        gp = a.grade_probs[a.grade_probs["县市区"] == c].set_index("等次")
        assert gp.loc[card.loc[c, "等次"], "概率"] == 1.0
        assert (a.rank_probs[a.rank_probs["县市区"] == c]["标准误"] == 0).all()
    assert (a.totals[:, 0] == card.loc["A", "总分 [分]"]).all()
    assert (a.summary["5%分位分 [分]"] == a.summary["95%分位分 [分]"]).all()


def test_chunks_of_1000_and_100000_give_identical_results():
    scn = load_scenario(TINY)
    p1 = simulate(scn, draws=100_000, seed=5, chunk=1_000).assessment()
    p2 = simulate(scn, draws=100_000, seed=5, chunk=100_000).assessment()
    for name in ("totals", "ranks", "grades"):
        np.testing.assert_array_equal(getattr(p1, name), getattr(p2, name))
    for name in ("summary", "rank_probs", "beat_probs", "grade_probs"):
        assert getattr(p1, name).equals(getattr(p2, name))
    p3 = simulate(scn, draws=100_000, seed=5, chunk=100_000, stream=1).assessment()
    assert not np.array_equal(p1.totals, p3.totals)


def test_simulate_equals_scoring_the_draws_and_summaries_are_their_statistics():
    scn = load_scenario(TINY)
    cs = compile_scenario(scn)
    S = 5_000
    a = simulate(scn, draws=S, seed=9, chunk=1_234).assessment()
    d = draw(scn, S, 9)
    res = score_all(d.values, cs, drawn_totals=d.totals)[0]
    np.testing.assert_array_equal(a.totals, res.total)
    np.testing.assert_array_equal(a.ranks, res.rank)
    np.testing.assert_array_equal(a.grades, res.grade)
    s = a.summary.set_index("县市区")
    np.testing.assert_allclose(s["中位分 [分]"].to_numpy(), np.median(res.total, axis=0))
    np.testing.assert_allclose(s["5%分位分 [分]"].to_numpy(), np.quantile(res.total, 0.05, axis=0))
    np.testing.assert_allclose(s["平均排名"].to_numpy(), res.rank.mean(axis=0))
    m = a.rank_matrix()
    np.testing.assert_allclose(m.sum(axis=1).to_numpy(), 1.0)
    np.testing.assert_allclose(m.loc["A"].to_numpy(), [(res.rank[:, 0] == r).mean() for r in (1, 2, 3)])
    np.testing.assert_allclose(a.home_rank_probs(), m.loc["A"].to_numpy())


def test_push_uses_common_random_numbers():
    """The same draws with and without a push: the home county's total never falls (both rules
    are monotone in the good direction), the rivals' totals are unchanged, and P(rank ≤ 2) rises
    (C, at 70 ± 2, is out of reach)."""
    scn = load_scenario(TINY)
    cs = compile_scenario(scn)
    push = np.array([0.6, 0.1])  # exports +0.6 亿美元, energy −0.1
    base = simulate(scn, draws=4_000, seed=2).assessment()
    pushed = simulate(scn, draws=4_000, seed=2, push=push).assessment()
    assert (pushed.totals[:, 0] >= base.totals[:, 0]).all()
    np.testing.assert_array_equal(pushed.totals[:, 1:], base.totals[:, 1:])
    d = draw(scn, 4_000, 2)
    np.testing.assert_array_equal(pushed.totals, score_all(apply_push(d.values, cs, push), cs, drawn_totals=d.totals)[0].total)
    assert pushed.home_rank_probs()[0] == base.home_rank_probs()[0] == 0.0
    assert pushed.home_rank_probs()[1] > 0.5 > base.home_rank_probs()[1]


# --------------------------------------------------------------------------- CLI and figures


def test_cli_json_matches_the_api(capsys):
    rc = main(["simulate", str(TINY), "--draws", "3000", "--seed", "11", "--chunk", "700", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0
    a = simulate(load_scenario(TINY), draws=3000, seed=11).assessment()
    assert out["draws"] == 3000 and out["seed"] == 11
    np.testing.assert_allclose(out["assessments"]["main"]["home_rank_probs"], a.home_rank_probs())
    b = out["assessments"]["main"]["beat_probs"]
    assert {(r["county"], r["rival"]) for r in b} == {(x, y) for x in "ABC" for y in "ABC" if x != y}


def test_cli_bad_input_exits_2(capsys, english):
    assert main(["simulate", str(TINY), "--draws", "0"]) == 2
    assert main(["simulate", "/no/such/scenario"]) == 2
    assert "no such scenario folder" in capsys.readouterr().err


def test_figures_show_the_probabilities(tmp_path):
    from kaoping import plots

    proj = simulate(load_scenario(TINY), draws=2000, seed=4)
    fig = plots.home_rank_probabilities(proj)
    heights = [p.get_height() for p in fig.axes[0].patches]
    np.testing.assert_allclose(heights, proj.assessment().home_rank_probs())
    hist = plots.score_distributions(proj)
    assert [t.get_text() for t in hist.axes[0].get_legend().get_texts()] == ["A（本县）", "B", "C"]
    paths = plots.save_projection_figures(proj, tmp_path)
    assert [p.name for p in paths] == ["score_distributions_1.png", "home_rank_probabilities_1.png"]
    assert all(p.stat().st_size > 5_000 for p in paths)

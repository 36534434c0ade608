"""The scoring pipeline past the indicators: blocks, pools, weights, total-only rivals,
ranks and ties, grades by score / rank / quota, 提档进位, and the four veto effects.
Each expected number is worked out by hand in the docstring."""
from __future__ import annotations

import copy

import numpy as np
import pytest

from models.scenario import build_scenario
from models.scoring import compile_scenario, score_all

BASE = {
    "scenario": {"name": "t", "year": 2024, "elapsed": 0.7, "home": "甲"},
    "counties": [{"name": "甲", "peer_class": "k"}, {"name": "乙", "peer_class": "k"}, {"name": "丙", "peer_class": "k"}],
    "assessments": [{
        "name": "考核",
        "blocks": [{"name": "综合", "weight": 1.0}, {"name": "加分", "cap": 2.0, "pool": "创优"},
                   {"name": "扣分", "floor": -1.5}],
        "pools": [{"name": "创优", "cap": 1.5}],
        "indicators": [
            {"name": "出口", "block": "综合", "points": 10,
             "rule": {"kind": "threshold", "basic": 4, "full": 5,
                      "over": {"steps": {"per": 0.1, "points": 0.5}, "cap": 3, "pool": "加分"}}},
            {"name": "能耗", "block": "综合", "points": 10, "direction": "lower",
             "rule": {"kind": "threshold", "basic": 0.8, "full": 0.7}},
            {"name": "事故", "block": "扣分", "points": 2, "kind": "deduction",
             "rule": {"kind": "per_event", "points": -1, "cap": 2}},
        ],
        "grades": {"by": "score", "levels": [{"grade": "一等", "min_score": 18}, {"grade": "二等", "min_score": 12},
                                             {"grade": "三等"}]},
    }],
}
ROWS = """county,indicator,dist,mean,sd
{rows}"""


def scen(mod=None, extra_rows=""):
    d = copy.deepcopy(BASE)
    if mod:
        mod(d)
    a = d["assessments"][0]
    names = [i["name"] for i in a["indicators"]]
    rows = "\n".join(f"{c['name']},{n},fixed,0," for c in d["counties"] if a["name"] not in c.get("totals", {}) for n in names)
    s = build_scenario(d, "county,indicator,dist,mean,sd\n" + rows + "\n" + extra_rows, None)
    return s, compile_scenario(s)


def run(s_cs, values, drawn=None):
    s, cs = s_cs
    return score_all(np.asarray(values, dtype=float), cs, drawn)[0]


def test_blocks_pool_caps_and_floor():
    """甲: 出口 6.0 → 10 core + over min(0.5·10, 3) = 3 into 加分 (block cap 2, pool cap 1.5 → 1.5);
    能耗 0.75 → 6 + 4·0.5 = 8; 事故 3 → −3 capped to −2 by the item, block floor −1.5 → −1.5.
    Total = 18 + 1.5 − 1.5 = 18.0 → 一等 (≥ 18)."""
    r = run(scen(), [[6.0, 0.75, 3], [4, 0.8, 0], [0, 1, 0]])
    assert r.total[0] == pytest.approx(18.0, abs=1e-9)
    np.testing.assert_allclose(r.blocks[0], [18.0, 2.0, -1.5])  # per-block (weighted, block-capped) scores
    assert r.grade[0] == 0
    # 乙: 6 + 6 = 12 → 二等; 丙: 出口 0 → 0, 能耗 1 → 0 → 三等
    assert r.total[1] == pytest.approx(12.0) and r.grade[1] == 1 and r.grade[2] == 2
    np.testing.assert_array_equal(r.rank, [1, 2, 3])


def test_block_weight():
    """综合 weighted 0.5: 甲 = 0.5·(10 + 8) = 9 (+0 bonus, no events)."""
    def mod(d):
        d["assessments"][0]["blocks"][0]["weight"] = 0.5
    r = run(scen(mod), [[5.0, 0.75, 0], [4, 0.8, 0], [0, 1, 0]])
    assert r.total[0] == pytest.approx(9.0)


def test_total_only_rival_and_draw_axis():
    """丙 known only by its total (mean 15): scored 15 at the mean, or its drawn total.
    Two draws: 甲 14 (10·… = 6 + 8) in both; 丙 drawn 13 then 16 → 甲 ranks 1 then 2."""
    def mod(d):
        d["counties"][2]["totals"] = {"考核": {"mean": 15, "sd": 1}}
    s = scen(mod)
    v = np.array([[[4.0, 0.75, 0], [4, 0.8, 0], [np.nan] * 3]] * 2)
    r = run(s, v, {"考核": np.array([[np.nan, np.nan, 13.0], [np.nan, np.nan, 16.0]])})
    np.testing.assert_allclose(r.total[:, 0], [14, 14])
    np.testing.assert_allclose(r.total[:, 2], [13, 16])
    np.testing.assert_array_equal(r.rank[:, 0], [1, 2])
    assert run(s, v[0]).total[2] == 15.0


def test_ties_shared_and_home_loses():
    """甲 and 乙 both 12 (6 + 6): shared → both rank 1, 丙 3; home_loses → 甲 2, 乙 1."""
    v = [[4, 0.8, 0], [4, 0.8, 0], [0, 1, 0]]
    np.testing.assert_array_equal(run(scen(), v).rank, [1, 1, 3])

    def mod(d):
        d["assessments"][0]["tie_break"] = "home_loses"
    np.testing.assert_array_equal(run(scen(mod), v).rank, [2, 1, 3])


def test_grades_by_rank_and_quota():
    """Totals 18, 12, 0. By rank (一等 rank 1, 二等 rank ≤ 2): 0, 1, 2.
    By quota (一等 top 34 % of 3 → ceil(1.02) = 2 counties, 二等 top 67 % → 3): 0, 0, 1."""
    v = [[6.0, 0.75, 3], [4, 0.8, 0], [0, 1, 0]]

    def by_rank(d):
        d["assessments"][0]["grades"] = {"by": "rank", "levels": [{"grade": "一等", "max_rank": 1},
                                                                  {"grade": "二等", "max_rank": 2}, {"grade": "三等"}]}
    np.testing.assert_array_equal(run(scen(by_rank), v).grade, [0, 1, 2])

    def by_quota(d):
        d["assessments"][0]["grades"] = {"by": "quota", "levels": [{"grade": "一等", "share": 0.34},
                                                                   {"grade": "二等", "share": 0.67}, {"grade": "三等"}]}
    np.testing.assert_array_equal(run(scen(by_quota), v).grade, [0, 0, 1])


def test_promotion_lifts_one_grade():
    """提档进位: 乙 (12, 二等) with one recognised contribution → 一等; 甲 already 一等 stays 一等."""
    def mod(d):
        a = d["assessments"][0]
        a["blocks"].append({"name": "提档"})
        a["indicators"].append({"name": "重大贡献", "block": "提档", "points": 1,
                                "rule": {"kind": "per_event", "points": 0.0001, "cap": 0.0001}})
        a["promotion"] = {"indicator": "重大贡献"}
    r = run(scen(mod), [[6.0, 0.75, 3, 1], [4, 0.8, 0, 1], [0, 1, 0, 0]])
    np.testing.assert_array_equal(r.grade, [0, 0, 2])


@pytest.mark.parametrize("effect, extra", [
    ("zero_indicator", {}), ("cap_grade", {"grade": "二等"}), ("drop_grade", {"drop": 2}), ("disqualify", {}),
])
def test_veto_effects(effect, extra):
    """A veto on 出口 ≥ 5.5 triggers for 甲 only (6.0; 乙 4, 丙 0). Unvetoed totals 18, 12, 0.
    zero_indicator: 甲 loses 出口's core 10 and over 3 → 8 + 0 − 1.5 = 6.5 → 三等, rank 2.
    cap_grade 二等: 18 stays, grade 一等 → 二等. drop_grade 2: 一等 → 三等.
    disqualify: grade 三等, and 甲 ranks below everyone (3), so 乙 1 and 丙 2."""
    def mod(d):
        d["assessments"][0]["vetoes"] = [{"name": "否决", "indicator": "出口", "when": "at_least", "value": 5.5,
                                          "effect": effect, **extra}]
    r = run(scen(mod), [[6.0, 0.75, 3], [4, 0.8, 0], [0, 1, 0]])
    expected = {"zero_indicator": (6.5, 2, [2, 1, 3]), "cap_grade": (18.0, 1, [1, 2, 3]),
                "drop_grade": (18.0, 2, [1, 2, 3]), "disqualify": (18.0, 2, [3, 1, 2])}[effect]
    assert r.total[0] == pytest.approx(expected[0])
    assert list(r.grade) == [expected[1], 1, 2]
    np.testing.assert_array_equal(r.rank, expected[2])


def test_misses_basic_veto_on_binding_indicator():
    """约束性 能耗 missing basic (0.81 > 0.8) caps the grade at 二等 even with a total of 18+."""
    def mod(d):
        d["assessments"][0]["vetoes"] = [{"name": "能耗否决", "indicator": "能耗", "effect": "cap_grade", "grade": "二等"}]
        d["assessments"][0]["grades"]["levels"][0]["min_score"] = 10
        d["assessments"][0]["grades"]["levels"][1]["min_score"] = 5
    r = run(scen(mod), [[6.0, 0.81, 0], [6.0, 0.8, 0], [0, 1, 0]])
    # 甲: 10 + 0 + 1.5 = 11.5 ≥ 10 but vetoed → 二等; 乙 at basic exactly: 10 + 6 + 1.5 = 17.5 → 一等
    assert r.total[0] == pytest.approx(11.5) and r.total[1] == pytest.approx(17.5)
    np.testing.assert_array_equal(r.grade[:2], [1, 0])


def test_fused_path_equals_points_path():
    """The Monte Carlo's fused block sums (no per-indicator points) give the same blocks,
    totals, ranks and grades as summing the per-indicator points, on a scheme mixing
    threshold rules (deduction, over-full bonus into a capped pool) with other kinds and a
    county known only by its total (NaN values)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    def mod(d):
        a = d["assessments"][0]
        a["indicators"].append({"name": "排名", "block": "综合", "points": 4, "rule": {"kind": "rank_points"}})
        a["indicators"].append({"name": "档", "block": "综合", "points": 3,
                                "rule": {"kind": "bands", "bands": [{"upper": 1, "points": 0}, {"lower": 1, "points": 3}]}})
        a["indicators"][1]["rule"]["below"] = {"mode": "deduct", "steps": {"per": 0.01, "points": 1, "rounding": "ceil"},
                                               "floor": -3}
        d["counties"].append({"name": "丁", "peer_class": "j", "totals": {"考核": {"mean": 10, "sd": 1}}})
    s, cs = scen(mod, "丁,排名,fixed,0,\n")
    ca = cs.assessments[0]

    @settings(max_examples=40, deadline=None)
    @given(st.integers(0, 2**32 - 1))
    def check(seed):
        rng = np.random.default_rng(seed)
        v = np.stack([rng.normal(5, 1, (50, 4)), rng.normal(0.8, 0.05, (50, 4)), rng.poisson(1, (50, 4)),
                      rng.normal(5, 2, (50, 4)), rng.normal(1, 1, (50, 4))], axis=-1)
        v[:, 3, [0, 1, 2, 4]] = np.nan  # 丁: known by its total, but for the class-relative 排名 (column 3)
        drawn = {"考核": np.where(np.arange(4) == 3, rng.normal(10, 1, (50, 1)), np.nan)}
        fast = score_all(v, cs, drawn, keep_points=False)[0]
        slow = score_all(v, cs, drawn, keep_points=True)[0]
        np.testing.assert_allclose(fast.blocks, slow.blocks, atol=1e-12)
        np.testing.assert_allclose(fast.total, slow.total, atol=1e-12)
        np.testing.assert_array_equal(fast.rank, slow.rank)
        np.testing.assert_array_equal(fast.grade, slow.grade)
        assert fast.points is None and slow.points.shape == (50, 4, 5)

    assert ca.threshold is not None and len(ca.groups) == 3
    check()


@pytest.mark.parametrize("rule", [
    {"kind": "threshold", "basic": 1, "full": 2},
    {"kind": "threshold", "basic": 1, "full": 2, "below": {"mode": "deduct", "steps": {"per": 1, "points": 1}, "floor": -2}},
    {"kind": "binary", "target": 1}, {"kind": "ratio", "target": 1},
    {"kind": "base_step", "target": 1, "down": {"per": 1, "points": 1}, "floor": -3},
    {"kind": "bands", "bands": [{"upper": 1, "points": 0}, {"lower": 1, "points": 2}]},
    {"kind": "survey"}, {"kind": "per_event", "points": -1, "cap": 2},
    {"kind": "growth_bonus", "national": 1, "regional": 1, "both": 2, "one": 1, "unverified": True},
])
@pytest.mark.parametrize("keep_points", [True, False])
def test_no_value_no_points(rule, keep_points):
    """A county known only by its total (its values NaN) gets exactly its drawn total (12.5):
    no rule may add points for a missing value (the bands rule once gave NaN the top band)."""
    def mod(d):
        a = d["assessments"][0]
        a["indicators"].append({"name": "新", "block": "综合", "points": 2, "rule": rule})
        d["counties"][2]["totals"] = {"考核": {"mean": 12.5, "sd": 1}}
    s, cs = scen(mod)
    v = np.array([[[5.0, 0.75, 0, 3], [4, 0.8, 0, 3], [np.nan] * 4]])
    r = score_all(v, cs, keep_points=keep_points)[0]
    assert r.total[0, 2] == 12.5

"""What real published schemes say (issue 13), each with a worked example computed by hand in its
docstring and asserted to 1e-9: every county's own targets and base, scored quantities (completion rate,
growth, change; rounded), the piecewise rule, uncapped bonuses, base points in points, 未达到目标
不计分, conditions across items, grades by rank quota with a minimum score, one figure scored
twice, surveys from answer counts, exact option levels, and 失分 said right."""
from __future__ import annotations

import copy

import numpy as np
import pytest

from models.options import option_levels, option_tables
from models.projection import draw, simulate
from models.scenario import ScenarioError, build_scenario
from models.scorecard import central_values, scorecard
from models.scoring import compile_scenario, score_all

GRADES = {"by": "rank", "levels": [{"grade": "一等", "max_rank": 1}, {"grade": "二等"}]}


def scheme(indicators, counties=("甲", "乙", "丙"), blocks=({"name": "b"},), vetoes=(), grades=None):
    return {"scenario": {"name": "t", "year": 2024, "elapsed": 0.5, "home": counties[0]},
            "counties": [{"name": c, "peer_class": "k"} for c in counties],
            "assessments": [{"name": "a", "blocks": list(blocks), "indicators": list(indicators),
                             "vetoes": list(vetoes), "grades": grades or GRADES}]}


def fixed(values: dict) -> str:
    """forecasts.csv with fixed values {(county, indicator): value}."""
    return "county,indicator,dist,mean\n" + "".join(f"{c},{i},fixed,{v}\n" for (c, i), v in values.items())


def build(data, values, targets=None, surveys=None, effort=None):
    return build_scenario(data, fixed(values), effort, targets_text=targets, surveys_text=surveys)


def points(scn) -> np.ndarray:
    """(C, n) core + over points at the forecasts."""
    cs = compile_scenario(scn)
    res = score_all(central_values(scn, cs), cs)[0]
    return res.points + res.over


def ind(name, rule, points=10.0, **kw):
    return {"name": name, "block": kw.pop("block", "b"), "points": points, "rule": rule, **kw}


# --------------------------------------------------------------------------- 1. every county's own targets


TARGETS = "county,indicator,basic,full,target,base\n甲,亩均税收,7.0,8.0,,\n乙,亩均税收,9.0,10.0,,\n"


def _own_target_scheme():
    """亩均税收 (10 points, basic share 0.6): the rule says basic 7.56, full 9.08; targets.csv gives
    甲 basic 7, full 8 and 乙 basic 9, full 10; 丙 keeps the rule's."""
    data = scheme([ind("亩均税收", {"kind": "threshold", "basic": 7.56, "full": 9.08})])
    return build(data, {("甲", "亩均税收"): 7.5, ("乙", "亩均税收"): 8.9, ("丙", "亩均税收"): 8.0}, TARGETS)


def test_rival_with_higher_values_but_harder_targets_scores_below_home():
    """甲 7.5 against its own basic 7 / full 8: 6 + 4·0.5 = 8. 乙 8.9 (higher) against basic 9:
    short of its basic, 0 points. 丙 8.0 on the rule's own 7.56 / 9.08: 6 + 4·0.44/1.52 =
    7.157894736…  So 甲 ranks first although 乙's value is the highest."""
    scn = _own_target_scheme()
    p = points(scn)[:, 0]
    np.testing.assert_allclose(p, [8.0, 0.0, 6 + 4 * 0.44 / 1.52], atol=1e-9)
    cs = compile_scenario(scn)
    res = score_all(central_values(scn, cs), cs)[0]
    assert res.rank.tolist() == [1, 3, 2]


def test_own_targets_reach_the_scorecard_the_monte_carlo_and_the_options():
    """The scorecard shows 甲's own basic 7 and full 8 (not the rule's); the Monte Carlo with
    fixed values gives 甲 rank 1 in every draw; 甲's option levels hold its own breakpoint 8.0
    (push 0.5) and not the rule's 9.08 (push 1.58, within the reach 2)."""
    scn = _own_target_scheme()
    home = scorecard(scn)["a/home"].iloc[0]
    assert (home["基本任务"], home["满分"]) == (7.0, 8.0)
    proj = simulate(scn, draws=50, seed=1)
    assert (proj.assessment().ranks[:, 0] == 1).all()
    e = build_scenario(scn.raw, fixed({("甲", "亩均税收"): 7.5, ("乙", "亩均税收"): 8.9, ("丙", "亩均税收"): 8.0}),
                       "indicator,upto,cost\n亩均税收,2,1\n", targets_text=TARGETS)
    cs = compile_scenario(e)
    L = option_levels(e, cs, central_values(e, cs))
    assert 0.5 in np.round(L.push[0], 12).tolist()
    assert 1.58 not in np.round(L.push[0], 12).tolist()


def test_growth_over_own_base():
    """比上年增长 scored by a threshold on the growth rate [%] (basic 8, full 12, 10 points): 甲 120
    over its base 100 → 20 % → 10; 乙 110 over 105 → 4.7619… % → 0; 丙 130 over 120 → 8.333… %
    → 6 + 4·0.3333…/4 = 6.3333…"""
    data = scheme([ind("投资", {"kind": "threshold", "basic": 8, "full": 12}, scored={"of": "growth"})])
    t = "county,indicator,basic,full,target,base\n甲,投资,,,,100\n乙,投资,,,,105\n丙,投资,,,,120\n"
    scn = build(data, {("甲", "投资"): 120, ("乙", "投资"): 110, ("丙", "投资"): 130}, t)
    np.testing.assert_allclose(points(scn)[:, 0], [10.0, 0.0, 6 + 4 * (100 * 10 / 120 - 8) / 4], atol=1e-9)


def test_completion_rate_rounded_to_a_whole_percent():
    """完成率 rounded half up to a whole percent, then 10 points × rate (ratio cap 1): 甲 49.75 of its
    target 50 → 99.5 % → 100 % → 10; 乙 49.7 of 50 → 99.4 % → 99 % → 9.9; 丙 90.1 of its target 100 →
    90.1 % → 90 % → 9.0. Unrounded 甲 would earn 9.95."""
    data = scheme([ind("项目", {"kind": "ratio", "target": 100}, scored={"of": "completion", "round": 0})])
    t = "county,indicator,basic,full,target,base\n甲,项目,,,50,\n乙,项目,,,50,\n丙,项目,,,100,\n"
    scn = build(data, {("甲", "项目"): 49.75, ("乙", "项目"): 49.7, ("丙", "项目"): 90.1}, t)
    np.testing.assert_allclose(points(scn)[:, 0], [10.0, 9.9, 9.0], atol=1e-9)


def test_below_base_zeroes_the_item():
    """减产的不计分: 粮食产量 binary at 100 (5 points) and a condition when: below_base zeroing it.
    甲 105 over its base 100 → 5; 乙 102 under its base 104 → 0 although it meets 100; 丙 99 → 0."""
    data = scheme([ind("粮食", {"kind": "binary", "target": 100}, points=5)],
                  vetoes=[{"name": "减产", "indicator": "粮食", "when": "below_base", "effect": "zero_indicator"}])
    t = "county,indicator,basic,full,target,base\n甲,粮食,,,,100\n乙,粮食,,,,104\n丙,粮食,,,,98\n"
    scn = build(data, {("甲", "粮食"): 105, ("乙", "粮食"): 102, ("丙", "粮食"): 99}, t)
    np.testing.assert_allclose(points(scn)[:, 0], [5.0, 0.0, 0.0], atol=1e-9)


# --------------------------------------------------------------------------- 3. the piecewise rule


@pytest.mark.parametrize("closed, at_edge", [("left", 4.0), ("right", 0.0)])
def test_piecewise_jump_flat_and_slope(closed, at_edge):
    """GDP 增幅 [%]: 0 below 8; a jump to 4 at 8 (完成8%的目标得4分); linear to 6 at 10; flat beyond.
    7.9 → 0; 9 → 5; 12 → 6; at 8 exactly: 4 when left-closed (达到即得), 0 when right-closed."""
    rule = {"kind": "piecewise", "table": [[8, 0], [8, 4], [10, 6]], "closed": closed}
    data = scheme([ind("GDP", rule, points=6)])
    for x, want in ((7.9, 0.0), (9.0, 5.0), (12.0, 6.0), (8.0, at_edge)):
        scn = build(data, {("甲", "GDP"): x, ("乙", "GDP"): 9, ("丙", "GDP"): 9})
        assert points(scn)[0, 0] == pytest.approx(want, abs=1e-9)


def test_piecewise_tiers_around_the_class_average():
    """Tiered: base 20 at the class average; + 20/20 = 1 per pp for the first 10 pp above, + 20/40 =
    0.5 per pp for the next 10; mirrored below (− 1 per pp, then − 0.5), as shares of 20 points.
    Growth 甲 17, 乙 5, 丙 5 → average 9: 甲 is 8 pp above → 20 + 8 = 28; 乙 and 丙 4 pp below → 16.
    With 甲 at 32 (average 14): 甲 18 pp above → 20 + 10 + 0.5·8 = 34; 乙, 丙 9 below → 11."""
    rule = {"kind": "piecewise", "reference": "class", "share": True,
            "table": [[-20, 0.25], [-10, 0.5], [0, 1.0], [10, 1.5], [20, 1.75]]}
    data = scheme([ind("增速", rule, points=20)])
    scn = build(data, {("甲", "增速"): 17, ("乙", "增速"): 5, ("丙", "增速"): 5})
    np.testing.assert_allclose(points(scn)[:, 0], [28.0, 16.0, 16.0], atol=1e-9)
    scn = build(data, {("甲", "增速"): 32, ("乙", "增速"): 5, ("丙", "增速"): 5})
    np.testing.assert_allclose(points(scn)[:, 0], [34.0, 11.0, 11.0], atol=1e-9)


def test_piecewise_of_change_over_own_base():
    """Points of the change over the county's own base: 2 points per unit up to +3 (6), −1 per unit
    below to −4 (floor −4): 甲 52 over 50 → +2 → 4; 乙 47 over 50 → −3 → −3; 丙 60 over 55 → 6."""
    rule = {"kind": "piecewise", "table": [[-4, -4], [0, 0], [3, 6]]}
    data = scheme([ind("变化", rule, points=6, scored={"of": "change"})])
    t = "county,indicator,basic,full,target,base\n甲,变化,,,,50\n乙,变化,,,,50\n丙,变化,,,,55\n"
    scn = build(data, {("甲", "变化"): 52, ("乙", "变化"): 47, ("丙", "变化"): 60}, t)
    np.testing.assert_allclose(points(scn)[:, 0], [4.0, -3.0, 6.0], atol=1e-9)


# --------------------------------------------------------------------------- 4. rule details


def test_uncapped_bonuses_said_explicitly():
    """cap: none. Over-full 0.5 per 0.1 beyond 5 with no cap: x = 7 → 10 + 10 = 20. 招商引资按完成率
    计分,得分不封顶: ratio of target 80 uncapped, 50 points, actual 120 → 75. base_step up_cap none:
    base 5 at 98, +1 per pp: 110 → 17."""
    cases = [({"kind": "threshold", "basic": 4, "full": 5,
               "over": {"steps": {"per": 0.1, "points": 0.5}, "cap": "none"}}, 10, 7.0, 20.0),
             ({"kind": "ratio", "target": 80, "cap": "none"}, 50, 120.0, 75.0),
             ({"kind": "base_step", "target": 98, "up": {"per": 1, "points": 1}, "up_cap": "none"}, 5, 110.0, 17.0)]
    for rule, pts, x, want in cases:
        scn = build(scheme([ind("x", rule, points=pts)]), {(c, "x"): x for c in ("甲", "乙", "丙")})
        assert points(scn)[0, 0] == pytest.approx(want, abs=1e-9)


def test_base_points_in_points_and_nothing_below_the_target():
    """基准分25分 (points 30): base_points 25 at target 100, +1 per pp to +5: 103 → 28. 未达到目标不计分:
    short: 0 → 99 earns 0. A fixed deduction 扣3分: short: −3 → 99 earns −3. Threshold with
    basic_points 4 of 10: at basic 4; halfway to full 7."""
    rule = {"kind": "base_step", "target": 100, "base_points": 25, "up": {"per": 1, "points": 1}, "up_cap": 5}
    for extra, x, want in (({}, 103, 28.0), ({"short": 0}, 99, 0.0), ({"short": -3}, 99, -3.0)):
        scn = build(scheme([ind("x", rule | extra, points=30)]), {(c, "x"): x for c in ("甲", "乙", "丙")})
        assert points(scn)[0, 0] == pytest.approx(want, abs=1e-9)
    thr = {"kind": "threshold", "basic": 10, "full": 20, "basic_points": 4}
    for x, want in ((10, 4.0), (15, 7.0)):
        scn = build(scheme([ind("y", thr)]), {(c, "y"): x for c in ("甲", "乙", "丙")})
        assert points(scn)[0, 0] == pytest.approx(want, abs=1e-9)


SURVEY = {"kind": "survey", "answers": {"满意": 1.0, "基本满意": 0.75, "不满意": 0.55}, "excluded": ["不了解"],
          "channels": {"电话": 0.6, "问卷": 0.4}}


def _survey_scn():
    """甲: 电话 60 满意, 30 基本满意, 10 不满意, 20 不了解; 问卷 30, 10, 10, 0. Others all 满意."""
    rows = ["county,indicator,channel,answer,count",
            "甲,满意度,电话,满意,60", "甲,满意度,电话,基本满意,30", "甲,满意度,电话,不满意,10", "甲,满意度,电话,不了解,20",
            "甲,满意度,问卷,满意,30", "甲,满意度,问卷,基本满意,10", "甲,满意度,问卷,不满意,10"]
    for c in ("乙", "丙"):
        rows += [f"{c},满意度,电话,满意,50", f"{c},满意度,问卷,满意,50"]
    data = scheme([ind("满意度", SURVEY, points=10)])
    return build_scenario(data, None, None, targets_text=None, surveys_text="\n".join(rows) + "\n")


def test_survey_index_from_answer_counts():
    """电话: (60 + 0.75·30 + 0.55·10)/100 = 0.88 (不了解 left out of the denominator); 问卷:
    (30 + 7.5 + 5.5)/50 = 0.86; index 100·(0.6·0.88 + 0.4·0.86) = 87.2 → 10 × 0.872 = 8.72."""
    scn = _survey_scn()
    assert points(scn)[0, 0] == pytest.approx(8.72, abs=1e-9)
    assert central_values(scn)[0, 0] == pytest.approx(87.2, abs=1e-9)


def test_survey_counts_drawn_multinomially():
    """The Monte Carlo draws the counts: the index varies around 87.2 (mean within 4 standard
    errors), the all-满意 rivals stay at 100, and the draws do not depend on the chunking."""
    scn = _survey_scn()
    d = draw(scn, 4000, 7)
    idx = d.values[:, 0, 0]
    assert idx.std() > 0.5
    assert abs(idx.mean() - 87.2) < 4 * idx.std() / np.sqrt(len(idx)) + 0.05  # a ratio estimator: tiny bias
    assert (d.values[:, 1:, 0] == 100.0).all()
    parts = np.concatenate([draw(scn, 1500, 7).values, draw(scn, 2500, 7, start=1500).values])
    np.testing.assert_array_equal(parts, d.values)


def test_grades_by_rank_quota_with_a_minimum_score():
    """一等奖1名须达90分, 二等奖2名须达80分: 甲 88 is first but short of 90 → 二等 (rank ≤ 3, ≥ 80);
    乙 85 → 二等; 丙 79 ranks third but is short of 80 → 三等. Quota by share: 0.33 and 0.67 of 3
    counties (⌈0.99⌉ = 1 and ⌈2.01⌉ = 3 places), both needing 80: 甲 一等, 乙 二等, 丙 within the
    quota by rank but 79 < 80 → 三等."""
    grades = {"by": "rank", "levels": [{"grade": "一等", "max_rank": 1, "min_score": 90},
                                       {"grade": "二等", "max_rank": 3, "min_score": 80}, {"grade": "三等"}]}
    data = scheme([ind("x", {"kind": "survey"}, points=100)], grades=grades)
    scn = build(data, {("甲", "x"): 88, ("乙", "x"): 85, ("丙", "x"): 79})
    cs = compile_scenario(scn)
    res = score_all(central_values(scn, cs), cs)[0]
    assert [cs.assessments[0].grade_names[g] for g in res.grade] == ["二等", "二等", "三等"]
    quota = {"by": "quota", "levels": [{"grade": "一等", "share": 0.33, "min_score": 80},
                                       {"grade": "二等", "share": 0.67, "min_score": 80}, {"grade": "三等"}]}
    scn = build(scheme([ind("x", {"kind": "survey"}, points=100)], grades=quota),
                {("甲", "x"): 88, ("乙", "x"): 85, ("丙", "x"): 79})
    res = score_all(central_values(scn, cs), compile_scenario(scn))[0]
    assert res.grade.tolist() == [0, 1, 2]


def test_one_figure_counted_twice():
    """投资总量 (ratio to best, 16 points) and 增长率 (vs the class mean of growth over own base, 24
    points) from one forecast: 甲 120 (base 100, +20 %), 乙 150 (base 140, +7.142857…%), 丙 90
    (base 90, 0 %). 总量: 甲 16·120/150 = 12.8. 增长率: mean 9.047619… %; 甲 24·20/9.047619 =
    53.05… capped at 36. The option levels of 投资总量 (the only pushable one) include the growth
    item's… none (peer-relative), and a push moves both items: +30 gives 甲 150 → 总量 16."""
    rate = {"kind": "vs_average", "base_share": 1.0, "steps": {"per": 1, "points": 0.24, "basis": "relative"},
            "cap": 36}
    data = scheme([ind("投资总量", {"kind": "best_ratio"}, points=16),
                   ind("增长率", rate, points=24, value_of="投资总量", scored={"of": "growth"})])
    t = "county,indicator,basic,full,target,base\n甲,增长率,,,,100\n乙,增长率,,,,140\n丙,增长率,,,,90\n"
    vals = {("甲", "投资总量"): 120, ("乙", "投资总量"): 150, ("丙", "投资总量"): 90}
    scn = build(data, vals, t)
    p = points(scn)
    assert p[0, 0] == pytest.approx(12.8, abs=1e-9)
    assert p[0, 1] == pytest.approx(36.0, abs=1e-9)
    g = [20.0, 100 * 10 / 140, 0.0]
    assert p[1, 1] == pytest.approx(24 * g[1] / np.mean(g), abs=1e-9)
    assert p[2, 1] == pytest.approx(0.0, abs=1e-9)
    scn = build_scenario(data, fixed(vals), "indicator,upto,cost\n投资总量,30,1\n", targets_text=t)
    cs = compile_scenario(scn)
    L = option_levels(scn, cs, central_values(scn, cs))
    T = option_tables(np.broadcast_to(central_values(scn, cs), (2, 3, 2)).copy(), {}, cs, L)
    t0 = T.assessments[0]
    assert len(t0.parts) == 4  # core and over of 投资总量, then of 增长率
    assert t0.parts[0].points[0, 0, -1] == pytest.approx(16.0, abs=1e-9)  # 150 is now the best
    assert t0.parts[2].points[0, 0, -1] == pytest.approx(36.0, abs=1e-9)


# --------------------------------------------------------------------------- 2. conditions across items


def _conditions(vetoes, values):
    """粮食 (threshold 100/110, 10 points, block 粮食生产), 抛荒 [亩] (lower, per_event −1 per 亩, cap 3,
    block 粮食生产), 安全 [起] (per_event −2, cap 4, block 安全)."""
    blocks = [{"name": "粮食生产"}, {"name": "安全"}]
    inds = [ind("粮食", {"kind": "threshold", "basic": 100, "full": 110}, block="粮食生产"),
            ind("抛荒", {"kind": "per_event", "points": -1, "cap": 3}, points=3, direction="lower", block="粮食生产"),
            ind("事故", {"kind": "per_event", "points": -2, "cap": 4}, points=4, direction="lower", block="安全"),
            ind("考评", {"kind": "survey"}, points=20, block="安全")]
    grades = {"by": "score", "levels": [{"grade": "优秀", "min_score": 25}, {"grade": "良好", "min_score": 10},
                                        {"grade": "一般"}]}
    scn = build(scheme(inds, blocks=blocks, vetoes=vetoes, grades=grades),
                {(c, i): v for c in ("甲", "乙", "丙") for i, v in values.items()})
    cs = compile_scenario(scn)
    res = score_all(central_values(scn, cs), cs)[0]
    return res, cs.assessments[0]


BASE = {"粮食": 110, "抛荒": 0, "事故": 0, "考评": 90}


def test_condition_zeroes_another_indicator():
    """连片抛荒2亩以上的, 本项(粮食)不计分: 抛荒 3 亩 → 粮食 10 → 0; 抛荒 −3; 安全 18 → total 15.
    Without the condition: 10 − 3 + 18 = 25."""
    v = [{"name": "抛荒否决", "indicator": "抛荒", "when": "at_least", "value": 2, "effect": "zero_indicator",
          "target": "粮食"}]
    res, _ = _conditions(v, BASE | {"抛荒": 3})
    assert res.total[0] == pytest.approx(15.0, abs=1e-9)
    res, _ = _conditions([], BASE | {"抛荒": 3})
    assert res.total[0] == pytest.approx(25.0, abs=1e-9)


def test_condition_zeroes_or_caps_a_block_and_the_grade():
    """发生重大安全事故的, 该板块不得分: 事故 1 → 安全 block (−2 + 18 = 16) → 0; total 10. cap_block 5
    instead: 10 + 5 = 15. 未完成节能目标的, 取消评优资格 (cap_grade 良好) with 粮食 short of basic
    (95 → 0 points): total 0 + 18 = 18 → 良好 by score, capped anyway; with 粮食 110 but the
    condition on 考评 below 95 holding: 28 → 优秀 by score, capped to 良好."""
    zero = [{"name": "重大事故", "indicator": "事故", "when": "at_least", "value": 1, "effect": "zero_block",
             "target": "安全"}]
    res, _ = _conditions(zero, BASE | {"事故": 1})
    assert res.total[0] == pytest.approx(10.0, abs=1e-9)
    cap = [dict(zero[0], effect="cap_block", cap=5)]
    res, _ = _conditions(cap, BASE | {"事故": 1})
    assert res.total[0] == pytest.approx(15.0, abs=1e-9)
    grade = [{"name": "取消评优", "indicator": "考评", "when": "below", "value": 95, "effect": "cap_grade", "grade": "良好"}]
    res, ca = _conditions(grade, BASE)
    assert res.total[0] == pytest.approx(28.0, abs=1e-9) and ca.grade_names[res.grade[0]] == "良好"


# --------------------------------------------------------------------------- 5. exact options


def test_every_step_within_reach_however_many():
    """An over-full bonus of 0.01 per 0.01 in whole steps beyond full 5 (cap 1, so 100 steps): the
    old summary kept only the staircase's ends; now every step edge within the reach 0.6 of the
    forecast 4.8 is a level: full 5.0 and 5.01 … 5.4 (41 edges) plus the status quo: 42 levels."""
    rule = {"kind": "threshold", "basic": 4, "full": 5,
            "over": {"steps": {"per": 0.01, "points": 0.01, "rounding": "floor"}, "cap": 1}}
    data = scheme([ind("x", rule)]) | {"effort": {"grid": 0}}
    scn = build_scenario(data, fixed({(c, "x"): 4.8 for c in ("甲", "乙", "丙")}), "indicator,upto,cost\nx,0.6,1\n")
    cs = compile_scenario(scn)
    L = option_levels(scn, cs, central_values(scn, cs))
    np.testing.assert_allclose(L.value[0], np.r_[4.8, 5.0 + 0.01 * np.arange(41)], atol=1e-9)


def test_event_counts_take_whole_levels():
    """安全事故 forecast 2.825 events (lower is better), reach 3: levels are the status quo and 2, 1,
    0 events (pushes 0.825, 1.825, 2.825), never a fraction of an event or a grid between."""
    data = scheme([ind("事故", {"kind": "per_event", "points": -1, "cap": 5}, points=5, direction="lower")])
    scn = build_scenario(data, fixed({(c, "事故"): 2.825 for c in ("甲", "乙", "丙")}), "indicator,upto,cost\n事故,3,1\n")
    cs = compile_scenario(scn)
    L = option_levels(scn, cs, central_values(scn, cs))
    np.testing.assert_allclose(L.push[0], [0.0, 0.825, 1.825, 2.825], atol=1e-12)
    np.testing.assert_allclose(L.value[0], [2.825, 2.0, 1.0, 0.0], atol=1e-12)


# --------------------------------------------------------------------------- 6. points lost, said right


def test_points_lost_is_what_the_item_could_still_give():
    """安全生产 (per_event −1 per accident, cap 2, shown with points 2) at 0.1 expected accidents
    earns −0.1: it can still gain 0.1 (its best is 0), not 2.1. A threshold with an over-full cap 1
    at full earns 10: it can still gain the bonus, 1. A base_step with up_cap none above its
    base: nothing unbounded is called lost (0)."""
    data = scheme([ind("安全生产", {"kind": "per_event", "points": -1, "cap": 2}, points=2, direction="lower"),
                   ind("税收", {"kind": "threshold", "basic": 4, "full": 5,
                                "over": {"steps": {"per": 1, "points": 1}, "cap": 1}}),
                   ind("完成", {"kind": "base_step", "target": 100, "up": {"per": 1, "points": 1}, "up_cap": "none"},
                       points=5)])
    vals = {(c, i): v for c in ("甲", "乙", "丙") for i, v in (("安全生产", 0.1), ("税收", 5), ("完成", 103))}
    home = scorecard(build(data, vals))["a/home"].set_index("指标")
    np.testing.assert_allclose(home["失分 [分]"].to_numpy(), [0.1, 1.0, 0.0], atol=1e-9)


# --------------------------------------------------------------------------- bad input, located


@pytest.mark.parametrize("targets, surveys, data_change, expect", [
    ("county,indicator,basic,full\n丁,亩均税收,7,8\n", None, None, ("targets.csv", "row 2", "county", "unknown county")),
    ("county,indicator,basic,full\n甲,亩均税收,9,8\n", None, None, ("targets.csv", "row 2", "basic", "must be below")),
    ("county,indicator,target\n甲,亩均税收,9\n", None, None, ("targets.csv", "row 2", "target", "no target")),
    (None, "county,indicator,answer,count\n甲,亩均税收,满意,3\n", None, ("surveys.csv", "row 2", "indicator", "no survey")),
    (None, None, {"value_of": "不存在"}, ("scenario.yaml", "", "value_of", "unknown indicator")),
    (None, None, {"scored": {"of": "growth"}}, ("scenario.yaml", "", "name", "needs each county's own base")),
])
def test_bad_own_tables_are_located(targets, surveys, data_change, expect, english):
    data = scheme([ind("亩均税收", {"kind": "threshold", "basic": 7.56, "full": 9.08})])
    if data_change:
        data = copy.deepcopy(data)
        data["assessments"][0]["indicators"][0].update(data_change)
    with pytest.raises(ScenarioError) as err:
        build_scenario(data, fixed({(c, "亩均税收"): 8 for c in ("甲", "乙", "丙")}), None, targets_text=targets,
                       surveys_text=surveys)
    file, where, field, words = expect
    assert any(p.file == file and p.where.startswith(where) and field in p.field and words in p.message
               for p in err.value.problems), [str(p) for p in err.value.problems]


def test_totals_equal_up_to_float_noise_are_ties():
    """The same points summed in another order: 0.1 + 0.2 + 0.3 = 0.6000000000000001 and
    0.3 + 0.2 + 0.1 = 0.6 differ by float noise yet are the same score: with shared ties both rank
    first, and a grade by score at 0.6000000000000001 is met by both."""
    a = 0.1 + 0.2 + 0.3
    b = 0.3 + 0.2 + 0.1
    assert a != b
    grades = {"by": "score", "levels": [{"grade": "优秀", "min_score": a}, {"grade": "其他"}]}
    data = scheme([ind("x", {"kind": "survey"}, points=100)], grades=grades)
    scn = build(data, {("甲", "x"): 50, ("乙", "x"): 50, ("丙", "x"): 40})
    cs = compile_scenario(scn)
    ca = cs.assessments[0]
    from models.scoring import grades as grade_of
    from models.scoring import ranks

    total = np.array([min(a, b), max(a, b), 0.1])
    assert ranks(total, ca).tolist() == [1, 1, 3]
    assert grade_of(total, ranks(total, ca), ca).tolist() == [0, 0, 1]


def test_one_figure_in_two_assessments():
    """抛荒 [亩] (lower is better) counts in the 粮食生产 assessment (base_step: 5 points at 0 亩, −1
    per 亩, floor 0) and is ranked again for a second award (rank points, 2 points, 0.5 less per
    place) without being copied: 甲 3, 乙 1, 丙 2 亩 → 甲 2 and rank 3 → 2·0 = 0; a push of 2.5 亩
    (to 0.5) → 甲 4.5 and rank 1 → 2, one push, two effects in the option tables."""
    data = scheme([ind("抛荒", {"kind": "base_step", "target": 0, "down": {"per": 1, "points": 1}}, points=5,
                       direction="lower")])
    data["assessments"].append({"name": "评比", "blocks": [{"name": "b"}], "indicators": [
        ind("抛荒排名", {"kind": "rank_points", "step": 0.5}, points=2, direction="lower", value_of="抛荒")],
        "grades": GRADES})
    vals = {("甲", "抛荒"): 3, ("乙", "抛荒"): 1, ("丙", "抛荒"): 2}
    scn = build_scenario(data, fixed(vals), "indicator,upto,cost\n抛荒,2.5,1\n")
    cs = compile_scenario(scn)
    res = score_all(central_values(scn, cs), cs)
    assert (res[0].points[0, 0], res[1].points[0, 0]) == (2.0, 0.0)
    L = option_levels(scn, cs, central_values(scn, cs))
    T = option_tables(np.broadcast_to(central_values(scn, cs), (1, 3, 2)).copy(), {}, cs, L)
    last = len(L.push[0]) - 1
    assert L.push[0][last] == pytest.approx(2.5, abs=1e-12)
    assert T.assessments[0].core[0, 0, last] == pytest.approx(4.5, abs=1e-9)
    assert T.assessments[1].core[0, 0, last] == pytest.approx(2.0, abs=1e-9)


def test_targets_in_values_for_warnings():
    """A threshold on the completion rate (basic 90 %, full 100 %) of a county whose own target is
    50, rounded to a whole percent: the rounded rate reaches 90 % from 89.5 %, i.e. a value of
    44.75, and 100 % from 99.5 %, 49.75. Growth (basic 8 %) over a base of 120: 129.6."""
    from models.breakpoints import Own, value_targets
    from models.schema import Indicator

    ind = Indicator(name="x", block="b", points=10, scored={"of": "completion", "round": 0},
                    rule={"kind": "threshold", "basic": 90, "full": 100})
    got = value_targets(ind, Own(basic=90, full=100, kind=1, m_target=50, decimals=0))
    assert got == pytest.approx((44.75, 49.75), abs=1e-9)
    ind = Indicator(name="y", block="b", points=10, scored={"of": "growth"}, rule={"kind": "threshold", "basic": 8, "full": 12})
    assert value_targets(ind, Own(basic=8, full=12, kind=2, m_base=120))[0] == pytest.approx(129.6, abs=1e-9)

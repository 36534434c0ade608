"""The district of Speech B (scenarios/district): it validates, it encodes the seed's facts
faithfully (figure, unit, direction, checked against seed-facts.md and the source text), every
invented value is marked as such, and its scorecard matches hand-summed block points."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from seedref import facts as seed_facts
from seedref import speech as seed_speech
from seedref import squash

from models.scenario import load_scenario
from models.schema import GrowthBonus, PerEvent, Survey, Threshold
from models.scorecard import central_values
from models.scoring import compile_scenario, score_all

ROOT = Path(__file__).resolve().parents[1]
DISTRICT = ROOT / "scenarios" / "district"
SPECIALS = ["党的建设", "精神文明建设", "平安建设", "民族团结进步", "改革创新"]
COMP = "综合绩效考评"


_squash = squash


@pytest.fixture(scope="module")
def scn():
    return load_scenario(DISTRICT)


@pytest.fixture(scope="module")
def facts() -> str:
    return seed_facts()


@pytest.fixture(scope="module")
def speech() -> str:
    return seed_speech()


@pytest.fixture(scope="module")
def scored(scn):
    cs = compile_scenario(scn)
    return cs, score_all(central_values(scn, cs), cs)


def test_district_validates_with_the_1_plus_5_shape(scn):
    assert scn.home == "本区"
    assert len(scn.counties) == 8  # the district + 7 rivals (an assumption)
    assert [a.name for a in scn.spec.assessments] == [COMP, *SPECIALS]
    comp = scn.assessment(COMP)
    dev = [i for i in comp.indicators if i.block in ("重大工作", "特色工作", "高质量发展水平", "保障工作")]
    assert len(dev) == 35
    assert sum(i.points for i in dev) == 750 and comp.total_points == 1000
    assert set(scn.rivals()) == set(scn.counties) - {"本区"}


def _pool(a, name):
    return next(p for p in a.pools if p.name == name)


def _block(a, name):
    return next(b for b in a.blocks if b.name == name)


# (what, value read from the scenario, expected, unit, direction, the fact as seed-facts.md words it)
def _fact_table(scn):
    comp = scn.assessment(COMP)
    home = scn.county("本区")
    hist = {(h.year, h.assessment): h.grade for h in home.history}
    growth = [i for i in comp.indicators if isinstance(i.rule, GrowthBonus)]
    over_pools = {i.rule.over.pool for i in comp.indicators if isinstance(i.rule, Threshold) and i.rule.over}
    dev_blocks = [b.name for b in comp.blocks[:4]]
    circular = scn.indicator("上级通报批评")
    return [
        ("创优争先 pool cap", _pool(comp, "创优争先").cap, 300, "分", None, "Bonuspool创优争先:300pointsinall"),
        ("超额加分 block cap", _block(comp, "超额加分").cap, 100, "分", None, "over-achievementbonus(超额加分)100points(33%)"),
        ("超额加分 counts against 创优争先", _block(comp, "超额加分").pool, "创优争先", "", None, "ofit,over-achievementbonus"),
        ("over-full bonuses go to 超额加分", over_pools, {"超额加分"}, "", None, "over-achievementbonus(超额加分)"),
        ("development-target indicators", sum(i.block in dev_blocks for i in comp.indicators), 35, "项", None,
         "35indicatorsassignedfor2023"),
        ("development-target parts", dev_blocks, ["重大工作", "特色工作", "高质量发展水平", "保障工作"], "", None,
         "in4parts:重大工作,特色工作,高质量发展水平,保障工作"),
        ("两个高于 indicators", [i.name for i in growth],
         ["地区生产总值增速", "第一产业增加值增速", "第三产业增加值增速", "固定资产投资增速", "社会消费品零售总额增速"], "%", "higher",
         "growthofGDP,primary-industryvalueadded,tertiary-industryvalueadded,fixed-assetinvestmentorretailsales"),
        ("两个高于 units", {i.unit for i in growth}, {"%"}, "%", None, "thegrowthof"),
        ("两个高于 directions", {i.direction for i in growth}, {"higher"}, "", "higher", "isaboveboththenationalandthewestern-regionaverage"),
        ("两个高于 unverified", {i.rule.unverified for i in growth}, {True}, "", None, "Bonusrule\"两个高于\""),
        ("评议评价 = leaders + public survey", sorted(i.name for i in comp.indicators if isinstance(i.rule, Survey)),
         ["民意调查", "领导评价"], "指数", "higher", "Evaluation(评议评价):leaders'evaluation+public-opinionsurvey"),
        ("提档进位 lifts one class", comp.promotion.lift, 1, "等次", "higher", "liftsthegradebyoneclass"),
        ("five specials, each graded", [a.name for a in scn.spec.assessments[1:]], SPECIALS, "", None,
         "5specialassessments(党的建设,精神文明建设,平安建设,民族团结进步,改革创新),eachgradedseparately"),
        ("2022 overall grade", hist[(2022, COMP)], "一等", "等次", None, "grade一等(firstclass)"),
        ("2022 党的建设", hist[(2022, "党的建设")], "一等", "等次", None, "党的建设,精神文明建设,民族团结进步→一等"),
        ("2022 精神文明建设", hist[(2022, "精神文明建设")], "一等", "等次", None, "精神文明建设,民族团结进步→一等"),
        ("2022 民族团结进步", hist[(2022, "民族团结进步")], "一等", "等次", None, "民族团结进步→一等"),
        ("2022 平安建设", hist[(2022, "平安建设")], "三等", "等次", None, "平安建设→三等"),
        ("2022 改革创新 (new in 2023)", (2022, "改革创新") in hist, False, "", None, "1+5"),
        ("12 of 100 indicators lost points", "扣分指标12项,占指标总数100项的12%" in home.source, True, "项", "lower",
         "12of100indicatorslostpoints(12%)"),
        ("deduction two years running", "连续两年被扣分" in circular.source, True, "次", "lower",
         "anegativededuction(负向减分)twoyearsrunning"),
        ("负向减分 takes points", circular.rule.points < 0 and isinstance(circular.rule, PerEvent), True, "分", "lower",
         "负向减分"),
        ("near the bottom of the city", "排在全市靠后" in home.source, True, "", None, "ranksnearthebottomofthecity"),
    ]


def test_every_speech_b_figure_matches_seed_facts(scn, facts):
    rows = _fact_table(scn)
    assert len(rows) == 23
    for what, got, expected, _unit, _direction, fact in rows:
        assert got == expected, what
        assert _squash(fact) in facts, f"{what}: '{fact}' not in seed-facts.md"


def test_every_quoted_source_is_verbatim_in_the_speech(scn, speech):
    """Each `source` (pieces joined by ……) occurs in seed-speeches.txt, whitespace aside."""
    quotes = [scn.spec.scenario.source, scn.county("本区").source]
    quotes += [a.source for a in scn.spec.assessments] + [i.source for i in scn.indicators()]
    quotes = [q for q in quotes if q]
    assert len(quotes) >= 12
    for q in quotes:
        for piece in q.split("……"):
            assert _squash(piece) in speech, piece


def test_every_invented_value_is_marked_assumed(scn):
    for a in scn.spec.assessments:
        assert "grades" in a.assumed  # grade thresholds are assumptions
        for i in a.indicators:
            assert i.source or i.assumed, i.name
            assert all(note.strip() for note in i.assumed.values())
    for c in scn.spec.counties:
        assert c.assumed, c.name
    for f in scn.forecasts:
        assert f.assumption and f.note, (f.county, f.indicator)
    for e in scn.effort_rows:
        assert e.assumption and e.note
    assert {"budget", "departments"} <= set(scn.spec.effort.assumed)
    # the specials' lead departments are the source's (组织部, 宣传部, 政法委, 统战部, 改革办)
    leads = [{i.department for i in scn.assessment(s).indicators} for s in SPECIALS]
    assert leads == [{"区委组织部"}, {"区委宣传部"}, {"区委政法委"}, {"区委统战部"}, {"区委改革办"}]


def test_growth_bonus_is_both_or_nothing(scn, scored):
    """两个高于 at the forecasts: GDP 5.8 > 5.5 (west) and > 5.2 (nation) → 20; primary 4.6 > 4.3, 4.1
    → 20; tertiary 5.6 < 5.8 → 0; fixed assets 4.5 > 4.0, 3.0 → 20; retail 6.5 < 6.8 → 0; 60 in all."""
    cs, res = scored
    ca = cs.assessment(COMP)
    k = ca.block_names.index("两个高于加分")
    assert res[0].blocks[cs.home, k] == pytest.approx(60.0)


def test_home_scorecard_by_hand(scn, scored):
    """Home blocks at the forecasts (each summed by hand from the indicator table):
    重大工作 23.75+21.6667+22+25+(−5)+25+25+25+25+23 = 210.4167 (工业增加值增速 5.4 is 10 % of its
    target short of 6: 2 points per 1 % → −20, floored at −5);
    评议评价 125·0.88 + 125·0.84 = 215; 表彰 0.3·30 + 2·15 + 2·10 = 59;
    负向减分 −10·0.3 − 20·0.05 − 2·1 = −6; 超额加分 21.3084 (< cap 100); 两个高于 60;
    with 特色工作 100, 高质量 262, 保障 91.8667: total 1013.5917 → rank 7 of 8 (near the bottom,
    as in 2022) yet 一等 (≥ 1000)."""
    cs, res = scored
    ca, r, h = cs.assessment(COMP), res[0], cs.home
    blocks = dict(zip(ca.block_names, r.blocks[h]))
    expect = {"重大工作": 210.41667, "特色工作": 100.0, "高质量发展水平": 262.0, "保障工作": 91.86667, "评议评价": 215.0,
              "超额加分": 21.30838, "两个高于加分": 60.0, "表彰奖励及工作成效": 59.0, "负向减分": -6.0, "提档进位": 0.0}
    for b, v in expect.items():
        assert blocks[b] == pytest.approx(v, abs=1e-4), b
    assert r.total[h] == pytest.approx(sum(expect.values()), abs=1e-4)
    assert r.total[h] == pytest.approx(1013.5917, abs=1e-4)
    assert int(r.rank[h]) == 7 and ca.grade_names[r.grade[h]] == "一等"
    # specials at the forecasts: 平安建设 is the weak one (三等 in 2022)
    got = {a.name: (round(float(x.total[h]), 4), a.grade_names[x.grade[h]]) for a, x in zip(cs.assessments[1:], res[1:])}
    assert got == {"党的建设": (89.0, "二等"), "精神文明建设": (93.4, "一等"), "平安建设": (80.6333, "二等"),
                   "民族团结进步": (94.55, "一等"), "改革创新": (85.7, "二等")}


def test_promotion_lifts_a_second_class_overall_to_first(scn):
    """A recognised major contribution (提档进位) lifts 二等 to 一等: at total 983.59 (< 1000) the
    grade is 二等 without it and 一等 with it."""
    cs = compile_scenario(scn)
    v = central_values(scn, cs)
    ca = cs.assessment(COMP)
    gdp = cs.indicators.index("地区生产总值增速")
    v[cs.home, gdp] = 5.0  # below both averages: −20 points → 993.59
    col = cs.indicators.index("重大工作贡献认定")
    v[cs.home, col] = 0.0
    r0 = score_all(v, cs)[0]
    v[cs.home, col] = 1.0
    r1 = score_all(v, cs)[0]
    assert r0.total[cs.home] == pytest.approx(993.5917, abs=1e-4) == r1.total[cs.home]
    assert ca.grade_names[r0.grade[cs.home]] == "二等" and ca.grade_names[r1.grade[cs.home]] == "一等"


def test_major_incident_caps_safety_grade(scn):
    """平安建设 一票否优: a major mass incident caps the grade at 二等 even at a 一等 score.
    Every indicator at full: 30 + 25 + 20 + 25 = 100; one incident: −10 → 90 ≥ 90 (一等 by
    score), capped to 二等."""
    cs = compile_scenario(scn)
    v = central_values(scn, cs)
    ca = cs.assessment("平安建设")
    for name, full in (("刑事案件发案率", 25.0), ("群众安全感满意度", 100.0), ("矛盾纠纷调解成功率", 98.0),
                       ("综治中心规范化建设达标率", 100.0)):
        v[cs.home, cs.indicators.index(name)] = full
    inc = cs.indicators.index("重大群体性事件")
    v[cs.home, inc] = 0.0
    r0 = score_all(v, cs)[3]
    v[cs.home, inc] = 1.0
    r1 = score_all(v, cs)[3]
    assert r0.total[cs.home] == pytest.approx(100.0) and ca.grade_names[r0.grade[cs.home]] == "一等"
    assert r1.total[cs.home] == pytest.approx(90.0) and ca.grade_names[r1.grade[cs.home]] == "二等"
    _ = np

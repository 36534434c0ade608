"""The county of Speech A (scenarios/sanmen): it validates, it encodes every figure of the seed
faithfully (value, unit, direction, lead department; quotes found verbatim in the source text),
every invented number is marked as an assumption, the 36 development-target indicators of the
scorecard at the forecasts reproduce the speech's own count (10 short of basic points, 16 with the
basic points only) and the hand-summed totals, a plan within the effort budget moves the rank
probability a lot, and the party-building assessment (党建考核) ranks 三门 city-wide, 4th at the
forecasts as last year."""
from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from seedref import speech as seed_speech
from seedref import squash

from models.scenario import load_scenario
from models.schema import Bands, Binary, PerEvent, Ratio, Threshold
from models.scorecard import (
    STATUS_BASIC_ONLY,
    STATUS_SHORT,
    central_values,
    scorecard,
    status_counts,
)
from models.scoring import compile_scenario, score_all

ROOT = Path(__file__).resolve().parents[1]
SANMEN = ROOT / "scenarios" / "sanmen"
A = "发展目标考核"
P = "党建考核"
TAIZHOU = {"椒江", "黄岩", "路桥", "临海", "温岭", "玉环", "天台", "仙居", "三门"}
LAND = [f"农转用土地供地率(批次{k})" for k in "一二三四"]


_squash = squash  # the scrape breaks lines inside words: '4. 2亿美元'


_NUM = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.x])")  # '20xx' is a redacted year, not the number 20


def _numbers(text: str | None) -> set[float]:
    """Numbers written in a quote (whitespace removed first)."""
    return {float(t) for t in _NUM.findall(_squash(text or ""))}


@pytest.fixture(scope="module")
def scn():
    return load_scenario(SANMEN)


@pytest.fixture(scope="module")
def speech() -> str:
    return seed_speech()


@pytest.fixture(scope="module")
def card(scn):
    return scorecard(scn)


def _ind(scn, name):
    return scn.indicator(name)


def _fc(scn, name, county="三门"):
    return scn.forecast(county, name)


# --------------------------------------------------------------------------- shape


def test_validates_with_three_counties_in_one_class(scn):
    """三门's development-target class is 仙居, 天台, 三门; the other six 县市区 of Taizhou are there only
    for the city-wide 党建考核, in a class of their own."""
    assert scn.home == "三门"
    assert set(scn.rivals()) == {"仙居", "天台"}
    assert set(scn.counties) == TAIZHOU
    assert {scn.county(c).peer_class for c in ("三门", "仙居", "天台")} == {"仙居天台三门"}
    others = TAIZHOU - {"三门", "仙居", "天台"}
    assert all(scn.county(c).peer_class != "仙居天台三门" and "peer_class" in scn.county(c).assumed for c in others)
    assert 0.6 < scn.spec.scenario.elapsed < 0.7  # September, "only 4 months left"
    h = {(x.assessment, x.year): x.rank for x in scn.county("三门").history}
    assert h[("两个社会考核", 2009)] == 5 and h[("两个社会考核", 2008)] == 4  # 5th last year, one place down
    assert [a.name for a in scn.spec.assessments] == [A, P]  # the optimizer and the demo default to the first


PARTS = {"发展性指标": 17, "约束性指标": 7, "重点工作": 8, "满意指数": 1, "扣分": 3}


def test_36_development_indicators_in_the_parts_the_speech_names(scn):
    """"发展目标考核36项指标" over the parts the speech names: 综合指标 24 (发展性 17 + 约束性 7),
    重点工作 8 single items, 满意指数 1, 加扣分 3 (the controlled items that only cost points).
    Non-bonus blocks: 40 + 15 + 35 + 10 = 100."""
    a = scn.assessment(A)
    assert len(a.indicators) == 36 == sum(PARTS.values())
    assert {b: sum(i.block == b for i in a.indicators) for b in PARTS} == PARTS
    assert sum(i.block == "加分" for i in a.indicators) == 0  # 加分 only receives over-full bonuses
    comp = [i for i in a.indicators if i.kind in ("developmental", "binding")]
    assert len(comp) == 24 and {i.block for i in comp} == {"发展性指标", "约束性指标"}
    pts = {b.name: sum(i.points for i in a.indicators if i.block == b.name) for b in a.blocks}
    assert pts["发展性指标"] == pytest.approx(40) and pts["约束性指标"] == pytest.approx(15)
    assert pts["重点工作"] == pytest.approx(35) and pts["满意指数"] == pytest.approx(10)
    assert a.total_points == 100 == pytest.approx(40 + 15 + 35 + 10)
    key = [i for i in a.indicators if i.kind == "key_work"]
    assert {i.name for i in key} == {"沿海产业带", "经济转型升级", "生态宜居城市建设(城市建设和管理)", "中心镇建设",
                                     "康居工程建设(含清洁家园)", "为民办实事", "特色创新(三门湾次经济圈开发)", "特色创新(三优化三提升)"}
    assert all(isinstance(i.rule, Threshold) for i in key) and isinstance(scn.indicator("满意指数").rule, Threshold)
    ded = [i for i in a.indicators if i.block == "扣分"]
    assert {i.name for i in ded} == {"群众性事件", "安全生产", "越级上访"}
    assert all(isinstance(i.rule, PerEvent) and i.rule.points < 0 for i in ded)
    kinds = {type(i.rule) for x in scn.spec.assessments for i in x.indicators}
    assert {Threshold, Binary, Ratio, Bands, PerEvent} <= kinds
    assert a.grades.by == "rank" and a.grades.names == ["一等", "二等", "三等"]


# --------------------------------------------------------------------------- seed figures

# (indicator, unit, direction, actual Jan–Jul, forecast, basic, full, lead department) as seed-facts.md
# gives them; None = not given there. Units "" = seed gives none.
SEED = [
    ("外贸自营出口", "亿美元", "higher", None, 4.2, None, 5.03, "外经贸局"),
    (LAND[0], "%", "higher", 70.4, None, None, 95, "国土资源局"),
    (LAND[1], "%", "higher", 67.83, None, None, 85, "国土资源局"),
    (LAND[2], "%", "higher", 44.08, None, None, 60, "国土资源局"),
    (LAND[3], "%", "higher", 1.41, None, None, 40, "国土资源局"),
    ("万元工业增加值能耗", "吨标准煤", "lower", 1.06, 0.78, None, 0.7322, "经贸局"),
    ("规模以上企业亩均工业总产值", "万元", "higher", 85, 155, 168.7, 202.44, "经贸局"),
    ("规模上亩均税收", "万元", "higher", 3.8, 7, 7.56, 9.08, "地税局、国税局"),
    ("高新技术产业总产值占工业总产值比重", "%", "higher", 26, 25, None, 37.25, "科技局"),
    ("水环境出境断面指标率", "%", "higher", 50, 50, 70, 80, "环保局"),
    ("化学需氧量排放削减率", "%", "higher", None, None, None, None, "环保局"),
    ("二氧化硫排放削减率", "%", "higher", None, None, None, None, "环保局"),
    ("计划生育率", "%", "higher", 89.22, 89.05, None, None, "计生局"),
    ("信访积案化解息访率", "%", "higher", None, None, None, 85, "信访局"),
    ("刑事案件破案率", "%", "higher", 54.63, 64.63, None, 98, "公安局"),
    ("食品安全抽检合格率", "%", "higher", 83.8, None, None, None, "食品药品监督局"),
    ("民生支出占财政支出比重", "%", "higher", 85, 86, None, 98, "财政局"),
    ("城镇居民人均可支配收入", "", "higher", None, None, None, None, "发改局"),
    ("农民人均纯收入", "", "higher", None, None, None, None, "农办"),
    ("社会保障覆盖率", "%", "higher", None, None, None, None, "人劳社保局"),
    ("新农合参保率", "%", "higher", None, None, None, None, "卫生局"),
]


@pytest.mark.parametrize("name,unit,direction,actual,forecast,basic,full,dept", SEED, ids=[r[0] for r in SEED])
def test_seed_figure_is_encoded_faithfully(scn, speech, name, unit, direction, actual, forecast, basic, full, dept):
    ind = _ind(scn, name)
    f = _fc(scn, name)
    assert ind.direction == direction
    if unit:
        assert ind.unit == unit
    assert ind.department == dept
    if actual is not None:
        assert f.actual == pytest.approx(actual)
    if forecast is not None:
        assert f.mean == pytest.approx(forecast)
    if basic is not None:
        assert ind.rule.basic == pytest.approx(basic)
    if full is not None:
        assert ind.rule.full == pytest.approx(full)
    # every seed figure of the row is in the indicator's (or forecast row's) quote, and the quote is
    # in the source text
    assert ind.source and _squash(ind.source) in speech
    quoted = _numbers(ind.source) | _numbers(f.source)
    for v in (actual, forecast, basic, full):
        if v is not None:
            assert float(v) in quoted, f"{name}: {v} is not in the quoted source"


def test_speech_statements_on_rules(scn, card):
    """The qualitative facts: high-tech 'a little above basic'; food safety Jan–Jul a little above
    basic but the forecast below it, with a deduction (倒扣分); family planning's 1.6 bonus points;
    COD and SO2 with over-full bonus room; controlled items that only cost points; energy lower-is-better."""
    home = card[f"{A}/home"].set_index("指标")
    hi = _ind(scn, "高新技术产业总产值占工业总产值比重").rule
    assert hi.basic < 25 and (25 - hi.basic) / (hi.full - hi.basic) < 0.05
    food = _ind(scn, "食品安全抽检合格率")
    assert food.rule.below.mode == "deduct"
    assert _fc(scn, food.name).mean < food.rule.basic < _fc(scn, food.name).actual == 83.8
    assert home.loc[food.name, "得分 [分]"] < 0  # 倒扣分 at the forecast
    fp = _ind(scn, "计划生育率").rule
    assert fp.over.cap == 1.6 and fp.over.pool == "加分"
    for n in ("化学需氧量排放削减率", "二氧化硫排放削减率"):
        r = _ind(scn, n).rule
        assert r.over is not None and r.over.pool == "加分"
        assert home.loc[n, "状态"] == "满分" and home.loc[n, "超额加分 [分]"] > 0  # "must reach full"
    for n in ("群众性事件", "安全生产", "越级上访"):
        i = _ind(scn, n)
        assert isinstance(i.rule, PerEvent) and i.rule.points < 0 and i.block == "扣分" and i.direction == "lower"
    assert _ind(scn, "万元工业增加值能耗").direction == "lower"
    assert _ind(scn, "信访积案化解息访率").rule.full == 85


def test_every_quote_is_verbatim(scn, speech):
    """Every 'source' (YAML and CSV) is in the source text up to whitespace; '……' joins excerpts."""
    quotes = [scn.spec.scenario.source, scn.spec.effort.source]
    quotes += [c.source for c in scn.spec.counties]
    for a in scn.spec.assessments:
        quotes += [a.source] + [i.source for i in a.indicators] + [v.source for v in a.vetoes]
    quotes += [f.source for f in scn.forecasts]
    quotes = [q for q in quotes if q]
    assert len(quotes) > 40
    for q in quotes:
        for part in q.split("……"):
            assert _squash(part) in speech, part


# --------------------------------------------------------------------------- assumptions


def _leaves(obj, prefix=""):
    """(dotted path, value) of every number in a dumped model."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _leaves(v, f"{prefix}.{k}" if prefix else k)
    elif isinstance(obj, list):
        for k, v in enumerate(obj):
            yield from _leaves(v, f"{prefix}.{k}")
    elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
        yield prefix, float(obj)


def _covered(path: str, assumed: dict) -> bool:
    """A path is named in 'assumed' by itself or by an ancestor (rule covers rule.over.cap)."""
    return any(path == k or path.startswith(k + ".") for k in assumed)


def test_every_invented_indicator_number_is_marked_assumed(scn):
    """Walk each indicator's numeric fields (defaults included: basic_share 0.6 is a choice too): a
    number is either written in the indicator's quoted source or named in 'assumed'. The speech gives
    no points anywhere, so 'points' is always assumed."""
    for a in scn.spec.assessments:
        for ind in a.indicators:
            dump = ind.model_dump(exclude={"source", "assumed"}, exclude_none=True)
            quoted = _numbers(ind.source)
            assert "points" in ind.assumed, ind.name
            for path, v in _leaves(dump):
                assert v in quoted or _covered(path, ind.assumed), f"{ind.name}: {path} = {v} is neither quoted nor assumed"
            fields = {p for p, _ in _leaves(dump)} | set(type(ind).model_fields)
            for k in ind.assumed:  # no note names a field that does not exist (a typo would hide a gap)
                assert k in fields or any(p.startswith(k + ".") for p in fields), f"{ind.name}: assumed names unknown field {k}"
            if ind.source is None:  # not in the speech at all: the indicator itself is invented
                assert "name" in ind.assumed and "rule" in ind.assumed


def test_other_invented_values_are_marked(scn):
    """Counties' totals, scheme choices, vetoes, effort and simulation settings carry notes; every
    forecast row with an invented number (any sd, any unquoted mean) and every cost segment is flagged."""
    sc = scn.spec
    assert "year" in sc.scenario.assumed and "elapsed" in sc.scenario.assumed
    for k in ("simulation.draws", "simulation.seed", "simulation.shocks"):
        assert k in sc.scenario.assumed
    for c in sc.counties:
        if c.totals:  # the note states the numbers it explains (a stale note would not)
            assert "totals" in c.assumed
            assert set(c.totals) == {A, P}, c.name  # every rival is known by its totals in both
            for t in c.totals.values():
                assert {t.mean, t.sd} <= _numbers(c.assumed["totals"]), c.name
    a = scn.assessment(A)
    for k in ("total_points", "blocks", "grades", "vetoes", "tie_break"):
        assert k in a.assumed
    for k in ("ranking", "total_points", "blocks", "grades", "tie_break"):
        assert k in scn.assessment(P).assumed
    for v in a.vetoes:  # vetoes are invented: their numbers (drop, value) are named or quoted
        assert v.assumed
        for path, x in _leaves(v.model_dump(exclude={"source", "assumed"}, exclude_none=True)):
            assert x in _numbers(v.source) or _covered(path, v.assumed) or path == "drop", (v.name, path)
    assert {"budget", "departments", "unit"} <= set(sc.effort.assumed)
    projected = {(e.county, e.indicator) for e in scn.year_ends if not e.hand}
    for f in scn.forecasts:
        quoted = _numbers(f.source)
        invented = f.sd is not None or (f.mean is not None and f.mean not in quoted) or (
            f.actual is not None and f.actual not in quoted)
        if invented:
            assert f.assumption and f.note, (f.county, f.indicator)
        if f.actual is not None and (f.county, f.indicator) not in projected:  # projected: actuals.csv, tested below
            assert f.actual in quoted, (f.indicator, "Jan–Jul actuals come from the speech")
    assert scn.effort_rows and all(e.assumption and e.note for e in scn.effort_rows)


# --------------------------------------------------------------------------- the speech's count


SHORT_NAMED = set(LAND) | {"规模以上企业亩均工业总产值", "规模上亩均税收", "水环境出境断面指标率", "食品安全抽检合格率"}
BASIC_NAMED = {"高新技术产业总产值占工业总产值比重", "计划生育率", "城镇居民人均可支配收入", "农民人均纯收入",
               "社会保障覆盖率", "新农合参保率"}
BASIC_INVENTED = {"地区生产总值增长率", "财政总收入增长率", "城镇污水处理率"}
KEY_SHORT = {"经济转型升级", "康居工程建设(含清洁家园)"}
KEY_BASIC = {"沿海产业带", "生态宜居城市建设(城市建设和管理)", "中心镇建设", "为民办实事",
             "特色创新(三门湾次经济圈开发)", "特色创新(三优化三提升)"}


def test_status_counts_at_forecasts_are_the_speechs_10_and_16(scn, card):
    """"发展目标考核36项指标,其中10项连基本分也得不到,16项只能拿基本分", over the 36:
    short = the 8 named 综合指标 (land ×4, output and tax per mu, water sections, food safety) + 2 slow
    key-work items; basic only = the 6 named + 3 invented 综合指标 + 6 key-work items + the index."""
    home = card[f"{A}/home"]
    assert len(home) == 36
    counts = status_counts(home)
    assert counts[STATUS_SHORT] == 10
    assert counts[STATUS_BASIC_ONLY] == 16
    st = dict(zip(home["指标"], home["状态"]))
    short = {n for n, s in st.items() if s == STATUS_SHORT}
    basic = {n for n, s in st.items() if s == STATUS_BASIC_ONLY}
    assert short == SHORT_NAMED | KEY_SHORT
    assert basic == BASIC_NAMED | BASIC_INVENTED | KEY_BASIC | {"满意指数"}
    for n in BASIC_INVENTED:
        assert "name" in _ind(scn, n).assumed, n  # not in the speech: invented, and marked so
    for n in KEY_SHORT | KEY_BASIC | {"满意指数"}:
        assert "rule" in _ind(scn, n).assumed and _fc(scn, n).assumption, n  # where they stand is assumed


# --------------------------------------------------------------------------- totals and rank


def test_home_total_and_rank_at_forecasts_hand_checked(scn):
    """Hand-summed at the forecasts (R4: 60 % at basic, linear to full):

    发展性 (40): 外贸 1.8 + 1.2·0.4/1.23 = 2.190244; 供地率 ×4, 亩均产值, 亩均税收 0;
      高新 1.5 + 1.0·0.2/12.45 = 1.516064; 民生 1.5 + 1.0·2/14 = 1.642857; 城镇, 农民 1.8 + 1.2·0.05/2
      = 1.83 each; 社保 1.5 + 0.1/5 = 1.52; 新农合 1.5 + 0.1/4 = 1.525; 刑事 1.2 + 0.8·4.63/38 = 1.297474;
      信访 1.2 + 0.8·5/10 = 1.6; GDP 1.8 + 1.2·0.05/2 = 1.83; 财政 1.8 + 1.2·0.1/4 = 1.83  → 18.611639
    约束性 (15): 能耗 1.5 + 1.0·0.02/0.0678 = 1.794985; 水 1.5·10/30 = 0.5; COD, SO2 2 each;
      计生 1.5 + 1.0·0.05/3 = 1.516667; 食品 −0.5·0.5 = −0.25; 污水 0.9 + 0.6·0.3/10 = 0.918  → 8.479652
    重点工作 (35): 沿海 3.6 + 2.4·0.6/15 = 3.696; 转型 78 < 80 → 0; 生态宜居, 中心镇 3 + 2·0.4/10 = 3.08
      each; 康居 38 < 40 → 0; 实事 2.4 + 1.6·0.4/10 = 2.464; 三门湾, 三优化 1.2 + 0.8·0.8/20 = 1.232 each
      → 14.784
    满意指数 6 + 4·0.3/10 = 6.12; 加分 0.25 (COD (3.2−3)/0.2·0.25) + 0.125 (SO2) = 0.375;
    扣分 −0.5·0.2 − 1·0.1 − 0.3·0.3 = −0.29 (event probabilities as central values); pool 0.085.
    Total 18.611639 + 8.479652 + 14.784 + 6.12 + 0.085 = 48.080291.
    Rivals: 仙居 39.96 + 沿海 90 → 3.6 + 2.4·5/15 = 4.4 + 转型 86 → 3.6 + 2.4·6/20 = 4.32 = 48.68;
    天台 40.62 + 87 → 3.92 + 82 → 3.84 = 48.38. 三门 third, a few tenths behind: grade 三等. The six
    other 县市区 (70 each) are in another class and do not enter 三门's rank."""
    cs = compile_scenario(scn)
    r = score_all(central_values(scn, cs), cs)[0]
    i = {c: k for k, c in enumerate(cs.counties)}
    blocks = dict(zip(cs.assessments[0].block_names, r.blocks[i["三门"]]))
    assert blocks["发展性指标"] == pytest.approx(18.611639, abs=1e-6)
    assert blocks["约束性指标"] == pytest.approx(8.479652, abs=1e-6)
    assert blocks["重点工作"] == pytest.approx(14.784, abs=1e-9)
    assert blocks["满意指数"] == pytest.approx(6.12)
    assert blocks["加分"] + blocks["扣分"] == pytest.approx(0.085)
    assert r.total[i["三门"]] == pytest.approx(48.080291, abs=1e-6)
    assert r.total[i["仙居"]] == pytest.approx(48.68, abs=1e-9)
    assert r.total[i["天台"]] == pytest.approx(48.38, abs=1e-9)
    assert [int(r.rank[i[c]]) for c in ("三门", "仙居", "天台")] == [3, 1, 2]
    assert cs.assessments[0].grade_names[r.grade[i["三门"]]] == "三等"
    gap = min(r.total[i["仙居"]], r.total[i["天台"]]) - r.total[i["三门"]]
    assert 0 < gap < 1  # "一分甚至零点几分之差"


# --------------------------------------------------------------------------- effort


def _cost(scn, name: str, push: float) -> float:
    """Effort of a push on the convex piecewise-linear curve [人月]."""
    c, lo = 0.0, 0.0
    for e in (e for e in scn.effort_rows if e.indicator == name):
        take = min(push, e.upto) - lo
        if take <= 0:
            break
        c, lo = c + take * e.cost, e.upto
    return c


def test_effort_curves_and_reach(scn):
    """A cost curve for every pushable home item of both assessments (events and the aggregate of the
    other party-building items are not pushable); the largest pushes cannot take land supply to its
    full targets, nor batch four, output per mu or the water sections to their basic targets; the
    party-building departments draw on the same total budget."""
    curves = {e.indicator for e in scn.effort_rows}
    events = {"群众性事件", "安全生产", "越级上访"}
    every = {i.name for a in scn.spec.assessments for i in a.indicators}
    assert curves == every - events - {"其他党建考核项目"}
    reach = {n: max(e.upto for e in scn.effort_rows if e.indicator == n) for n in curves}
    for n in LAND:
        assert _fc(scn, n).mean + reach[n] < _ind(scn, n).rule.full
    for n in (LAND[3], "规模以上企业亩均工业总产值", "水环境出境断面指标率"):
        assert _fc(scn, n).mean + reach[n] < _ind(scn, n).rule.basic
    for n in KEY_SHORT:  # the slow key-work items can be brought over basic ("落实补救措施")
        assert _fc(scn, n).mean + reach[n] > _ind(scn, n).rule.basic
    eff = scn.spec.effort
    depts = {i.department for a in scn.spec.assessments for i in a.indicators if i.name in curves}
    assert depts == set(eff.departments)
    assert {"组织部", "宣传部", "总工会", "党校", "老干部局", "政研室"} <= depts
    assert sum(eff.departments.values()) == 79 > eff.budget == 24


# A plan in the speech's spirit ("薄弱的项目不扣分、优势的项目得满分、创新的项目多加分"): lift food safety
# over basic, take the emission bonus, bring the slow key item 经济转型升级 over basic, secure the thin
# basic-only margins.
PLAN = {
    "食品安全抽检合格率": 0.75, "化学需氧量排放削减率": 0.28, "二氧化硫排放削减率": 0.28, "经济转型升级": 2.5,
    "地区生产总值增长率": 0.05, "财政总收入增长率": 0.15, "计划生育率": 0.15, "城镇污水处理率": 0.5,
    "农民人均纯收入": 0.05, "社会保障覆盖率": 0.3, "新农合参保率": 0.25, "满意指数": 0.3, "沿海产业带": 0.5,
}


def test_plan_cost_is_hand_checked_and_within_budgets(scn):
    """食品 0.5·3 + 0.25·6 = 3; COD, SO2 0.28·6 = 1.68 each; 转型 2.5·2 = 5; GDP 0.05·18 = 0.9;
    财政 0.15·6 = 0.9; 计生 0.15·4.5 = 0.675; 污水 0.5·1.5 = 0.75; 农民 0.05·15 = 0.75; 社保 0.3·3 = 0.9;
    新农合 0.25·3 = 0.75; 满意 0.3·6 = 1.8; 沿海 0.5·2 = 1 → 19.785 人月 ≤ 24; 发改局 0.9 + 1 = 1.9 ≤ 5;
    经贸局 5 ≤ 6; 环保局 3.36 ≤ 5; 食品药品监督局 3 ≤ 3."""
    costs = {n: _cost(scn, n, p) for n, p in PLAN.items()}
    assert sum(costs.values()) == pytest.approx(19.785)
    by = {}
    for n, c in costs.items():
        d = _ind(scn, n).department
        by[d] = by.get(d, 0.0) + c
    assert by["发改局"] == pytest.approx(1.9) and by["经贸局"] == pytest.approx(5.0) and by["环保局"] == pytest.approx(3.36)
    assert by["食品药品监督局"] == pytest.approx(3.0)
    for d, c in by.items():
        assert c <= scn.spec.effort.departments[d] + 1e-9, d
    assert sum(costs.values()) <= scn.spec.effort.budget


def test_plan_gains_at_the_forecasts_hand_checked(scn):
    """At the forecasts the plan gains: 食品 83.75 → 1.2 + 0.8·0.25/6.5 = 1.230769 (from −0.25);
    COD 3.48, SO2 2.88 → bonus 0.25·(0.48/0.2) = 0.6 and 0.25·(0.38/0.2) = 0.475 (from 0.375 in all);
    转型 80.5 → 3.6 + 2.4·0.5/20 = 3.66; GDP 1.8 + 1.2·0.1/2 = 1.86; 财政 1.8 + 1.2·0.25/4 = 1.875;
    计生 1.5 + 0.2/3 = 1.566667; 污水 0.9 + 0.6·0.8/10 = 0.948; 农民 1.86; 社保 1.5 + 0.4/5 = 1.58;
    新农合 1.5 + 0.35/4 = 1.5875; 满意 6 + 4·0.6/10 = 6.24; 沿海 3.6 + 2.4·1.1/15 = 3.776.
    Gain 1.480769 + 0.7 + 3.66 + 0.03 + 0.045 + 0.05 + 0.03 + 0.03 + 0.06 + 0.0625 + 0.12 + 0.08
    = 6.348269: 48.080291 → 54.428560, ahead of both rivals."""
    cs = compile_scenario(scn)
    v = central_values(scn, cs)
    push = np.zeros(len(cs.indicators))
    for n, p in PLAN.items():
        push[cs.indicators.index(n)] = p
    from models.projection import apply_push

    r = score_all(apply_push(v[None], cs, push)[0], cs)[0]
    assert r.total[cs.home] == pytest.approx(54.428560, abs=1e-6)
    assert int(r.rank[cs.home]) == 1


def test_a_plan_within_budget_moves_the_rank_probability(scn):
    """On the same 2 000 draws (common random numbers), the plan above lifts P(rank 1) from about
    0.22 to about 0.7 and the expected total by more than 5 points (its forecast-value gain is 6.35)."""
    from models.projection import apply_push, draw

    cs = compile_scenario(scn)
    d = draw(scn, 2000, scn.spec.simulation.seed, cs=cs)
    push = np.zeros(len(cs.indicators))
    for n, p in PLAN.items():
        push[cs.indicators.index(n)] = p
    base = score_all(d.values, cs, drawn_totals=d.totals)[0]
    moved = score_all(apply_push(d.values, cs, push), cs, drawn_totals=d.totals)[0]
    h = cs.home
    p0, p1 = (base.rank[:, h] == 1).mean(), (moved.rank[:, h] == 1).mean()
    assert 0.1 < p0 < 0.4  # behind, but the rank is open
    assert p1 - p0 > 0.3
    assert moved.total[:, h].mean() - base.total[:, h].mean() > 5
    assert math.isfinite(p1)


def test_named_overrides_change_what_they_say():
    """天台冲刺 adds 0.8 to 天台's total-only part (40.62 → 41.42, forecast total 48.38 → 49.18);
    rival-surge the same for 仙居 (39.96 → 40.76: 48.68 → 49.48); 预算减半 halves the budget (24 → 12);
    供地率指标调整 lowers batch four's basic target 20 → 10, which its largest push (8 + 6 = 14 %) then
    reaches; target-adjusted lowers the output-per-mu basic to 150, which the forecast 155 clears:
    1.5 + 1.0·5/52.44 = 1.595347 points, 三门 48.080291 → 49.675638, first at the forecasts."""
    base = load_scenario(SANMEN)
    for name, county, mean, total in (("天台冲刺", "天台", 41.42, 49.18), ("rival-surge", "仙居", 40.76, 49.48)):
        surge = load_scenario(SANMEN, overrides=[name])
        assert surge.county(county).totals[A].mean == pytest.approx(mean)
        cs = compile_scenario(surge)
        r = score_all(central_values(surge, cs), cs)[0]
        assert r.total[cs.counties.index(county)] == pytest.approx(total)
    assert load_scenario(SANMEN, overrides=["预算减半"]).spec.effort.budget == 12 == base.spec.effort.budget / 2
    assert load_scenario(SANMEN, overrides=["budget-cut"]).spec.effort.budget == 16
    adj = load_scenario(SANMEN, overrides=["供地率指标调整"])
    rule = adj.indicator(LAND[3]).rule
    reach = max(e.upto for e in adj.effort_rows if e.indicator == LAND[3])
    assert rule.basic == 10 and adj.forecast("三门", LAND[3]).mean + reach >= rule.basic
    assert base.indicator(LAND[3]).rule.basic == 20
    ta = load_scenario(SANMEN, overrides=["target-adjusted"])
    cs = compile_scenario(ta)
    r = score_all(central_values(ta, cs), cs)[0]
    assert r.total[cs.home] == pytest.approx(49.675638, abs=1e-6) and int(r.rank[cs.home]) == 1
    rc = load_scenario(SANMEN, overrides=["rule-change"])  # 满意指数 × 0.8: 6.12 → 4.896
    cs = compile_scenario(rc)
    assert score_all(central_values(rc, cs), cs)[0].total[cs.home] == pytest.approx(48.080291 - 1.224, abs=1e-6)


# --------------------------------------------------------------------------- 党建考核


PARTY_QUOTE = "另外,从市对县党建考核的排名来看,去年我县从第六名进步到了第四名"


def test_party_building_history_is_quoted(scn, speech):
    """"去年我县从第六名进步到了第四名": 4th last year, 6th the year before, with the sentence quoted."""
    c = scn.county("三门")
    h = {x.year: x.rank for x in c.history if x.assessment == P}
    assert h == {2009: 4, 2008: 6}
    assert PARTY_QUOTE in _squash(c.source) and _squash(PARTY_QUOTE) in speech
    assert "路桥" in c.source and "椒江" in c.source  # close behind


def test_party_building_scheme(scn, speech):
    """Ranked city-wide (unified) over the nine 县市区; the items the speech names with their lead
    departments; the two 特色创优自选目标 each scored on verification (核验) plus expert assessment
    (专家评估), as bonus items outside the 100."""
    a = scn.assessment(P)
    assert a.ranking == "unified" and a.grades.by == "rank"
    named = {"组织员制度": "组织部", "电影公司改制": "宣传部", "先进典型发文推广": "宣传部",
             "工会经费支出绩效评价试点": "总工会", "党校新校区工程建设": "党校", "老干部居家养老": "老干部局"}
    for n, d in named.items():
        i = _ind(scn, n)
        assert i.department == d and i.block == "党建工作"
        assert _squash(i.source) in speech
    feat = [i for i in a.indicators if i.block == "特色创优自选目标"]
    assert sorted(i.name for i in feat) == sorted(f"{g}({k})" for g in ("远教先锋团队建设", "红榜颂道德活动")
                                                  for k in ("核验", "专家评估"))
    assert all("核验标准" in i.source and "专家评估标准" in i.source for i in feat)
    assert {type(i.rule) for i in feat if i.name.endswith("(专家评估)")} == {Bands}
    assert {type(i.rule) for i in feat if i.name.endswith("(核验)")} == {Threshold, Binary}
    pts = {b.name: sum(i.points for i in a.indicators if i.block == b.name) for b in a.blocks}
    assert pts["党建工作"] == pytest.approx(100) == a.total_points
    assert [b.cap for b in a.blocks if b.name == "特色创优自选目标"] == [4]


def test_party_building_rank_at_forecasts_hand_checked(scn, card):
    """组织员 95 < 100 → 0; 电影公司 75 < 80 → 0; 先进典型 0 documents → 0; 工会 82 → 1.2 + 0.8·2/20 = 1.28;
    党校 65 < 70 → 0; 老干部 62 → 1.28; 其他 88·0.92 = 80.96 → 党建工作 83.52; 远教 核验 95 →
    0.6 + 0.4·15/20 = 0.9, 专家 78 → 0.6; 红榜 核验 96 < 100 → 0, 专家 82 → 0.6 → 特色创优 2.1.
    三门 85.62: behind 温岭 87.4, 玉环 86.6, 临海 85.95; ahead of 路桥 85.4 and 椒江 85.2 (close behind, as
    the speech says), 黄岩 84.3, 天台 83.8, 仙居 83.1: 4th, as last year; grade 二等 (ranks 4–6)."""
    cs = compile_scenario(scn)
    r = score_all(central_values(scn, cs), cs)[1]
    i = {c: k for k, c in enumerate(cs.counties)}
    blocks = dict(zip(cs.assessments[1].block_names, r.blocks[i["三门"]]))
    assert blocks["党建工作"] == pytest.approx(83.52) and blocks["特色创优自选目标"] == pytest.approx(2.1)
    assert r.total[i["三门"]] == pytest.approx(85.62)
    order = sorted(cs.counties, key=lambda c: int(r.rank[i[c]]))
    assert order == ["温岭", "玉环", "临海", "三门", "路桥", "椒江", "黄岩", "天台", "仙居"]
    assert int(r.rank[i["三门"]]) == 4 and cs.assessments[1].grade_names[r.grade[i["三门"]]] == "二等"
    assert r.total[i["临海"]] - r.total[i["三门"]] == pytest.approx(0.33)  # a few tenths from 一等
    assert 0 < r.total[i["三门"]] - r.total[i["路桥"]] < 0.5
    counties = card[f"{P}/counties"]
    assert dict(zip(counties["县市区"], counties["排名"]))["三门"] == 4


def test_party_building_pushes_within_budget(scn):
    """Setting up the 组织员 system (95 → 100 %: 3·0.5 + 2·1.0 = 3.5 人月) is beyond 组织部's budget
    (3); one document for the model (3 人月, 宣传部 4) gains 2 points: 85.62 → 87.62, ahead of 温岭 87.4,
    1st at the forecasts (grade 一等), out of the same total budget the development pushes draw on."""
    assert _cost(scn, "组织员制度", 5) == pytest.approx(3.5)
    assert scn.spec.effort.departments["组织部"] == 3
    assert _cost(scn, "先进典型发文推广", 1) == pytest.approx(3.0)
    assert scn.spec.effort.departments["宣传部"] == 4
    from models.projection import apply_push

    cs = compile_scenario(scn)
    push = np.zeros(len(cs.indicators))
    push[cs.indicators.index("先进典型发文推广")] = 1
    r = score_all(apply_push(central_values(scn, cs)[None], cs, push)[0], cs)[1]
    assert r.total[cs.home] == pytest.approx(87.62) and int(r.rank[cs.home]) == 1
    assert cs.assessments[1].grade_names[r.grade[cs.home]] == "一等"

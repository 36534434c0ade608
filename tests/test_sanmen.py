"""The county of Speech A (scenarios/sanmen): it validates, it encodes every figure of the seed
faithfully (value, unit, direction, lead department; quotes found verbatim in the source text),
every invented number is marked as an assumption, the scorecard at the forecasts reproduces the
speech's own count (10 indicators short of basic points, 16 with the basic points only) and the
hand-summed totals, and a plan within the effort budget moves the rank probability a lot."""
from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

from models.scenario import load_scenario
from models.schema import BaseStep, Bands, Binary, Efficacy, PerEvent, RankPoints, Ratio, Survey, Threshold
from models.scorecard import STATUS_BASIC_ONLY, STATUS_SHORT, central_values, scorecard, status_counts
from models.scoring import compile_scenario, score_all

ROOT = Path(__file__).resolve().parents[1]
SANMEN = ROOT / "scenarios" / "sanmen"
REF = Path("/work/shared/reference")
A = "发展目标考核"
LAND = [f"农转用土地供地率(批次{k})" for k in "一二三四"]


def _squash(s: str) -> str:
    """Text without whitespace (the scrape breaks lines inside words: '4. 2亿美元')."""
    return re.sub(r"\s+", "", s)


_NUM = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.x])")  # '20xx' is a redacted year, not the number 20


def _numbers(text: str | None) -> set[float]:
    """Numbers written in a quote (whitespace removed first)."""
    return {float(t) for t in _NUM.findall(_squash(text or ""))}


@pytest.fixture(scope="module")
def scn():
    return load_scenario(SANMEN)


@pytest.fixture(scope="module")
def speech() -> str:
    p = REF / "seed-speeches.txt"
    if not p.exists():
        pytest.skip("seed-speeches.txt not available")
    return _squash(p.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def card(scn):
    return scorecard(scn)


def _ind(scn, name):
    return scn.indicator(name)


def _fc(scn, name, county="三门"):
    return scn.forecast(county, name)


# --------------------------------------------------------------------------- shape


def test_validates_with_three_counties_in_one_class(scn):
    assert scn.home == "三门"
    assert set(scn.rivals()) == {"仙居", "天台"}
    assert {scn.county(c).peer_class for c in scn.counties} == {"仙居天台三门"}
    assert 0.6 < scn.spec.scenario.elapsed < 0.7  # September, "only 4 months left"
    h = {x.year: x.rank for x in scn.county("三门").history}
    assert h[2009] == 5 and h[2008] == 4  # 5th last year, one place down


def test_36_development_indicators_and_the_scheme_parts(scn):
    """36 综合指标 (发展性 + 约束性), plus 8 key-work items, the satisfaction index and 5 bonus or
    deduction items: 50 items, "half of last year's 100+". Non-bonus blocks: 40 + 15 + 35 + 10 = 100."""
    a = scn.assessment(A)
    comp = [i for i in a.indicators if i.kind in ("developmental", "binding")]
    assert len(comp) == 36
    assert {i.block for i in comp} == {"发展性指标", "约束性指标"}
    assert len(a.indicators) == 50
    pts = {b.name: sum(i.points for i in a.indicators if i.block == b.name) for b in a.blocks}
    assert pts["发展性指标"] == pytest.approx(40) and pts["约束性指标"] == pytest.approx(15)
    assert pts["重点工作"] == pytest.approx(35) and pts["满意指数"] == pytest.approx(10)
    assert a.total_points == 100 == pytest.approx(40 + 15 + 35 + 10)
    key = {i.name for i in a.indicators if i.kind == "key_work"}
    for named in ("沿海产业带", "经济转型升级", "生态宜居城市建设(城市建设和管理)", "中心镇建设",
                  "康居工程建设(含清洁家园)", "为民办实事", "特色创新(三门湾次经济圈开发)", "特色创新(三优化三提升)"):
        assert named in key
    kinds = {type(i.rule) for i in a.indicators}
    assert {Threshold, Binary, Ratio, BaseStep, Bands, Efficacy, RankPoints, Survey, PerEvent} <= kinds
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
            assert {c.totals[A].mean, c.totals[A].sd} <= _numbers(c.assumed["totals"]), c.name
    a = scn.assessment(A)
    for k in ("total_points", "blocks", "grades", "vetoes", "tie_break"):
        assert k in a.assumed
    for v in a.vetoes:  # vetoes are invented: their numbers (drop, value) are named or quoted
        assert v.assumed
        for path, x in _leaves(v.model_dump(exclude={"source", "assumed"}, exclude_none=True)):
            assert x in _numbers(v.source) or _covered(path, v.assumed) or path == "drop", (v.name, path)
    assert {"budget", "departments", "unit"} <= set(sc.effort.assumed)
    for f in scn.forecasts:
        quoted = _numbers(f.source)
        invented = f.sd is not None or (f.mean is not None and f.mean not in quoted) or (
            f.actual is not None and f.actual not in quoted)
        if invented:
            assert f.assumption and f.note, (f.county, f.indicator)
        if f.actual is not None:
            assert f.actual in quoted, (f.indicator, "Jan–Jul actuals come from the speech")
    assert scn.effort_rows and all(e.assumption and e.note for e in scn.effort_rows)


# --------------------------------------------------------------------------- the speech's count


SHORT_NAMED = set(LAND) | {"规模以上企业亩均工业总产值", "规模上亩均税收", "水环境出境断面指标率", "食品安全抽检合格率"}
BASIC_NAMED = {"高新技术产业总产值占工业总产值比重", "计划生育率", "城镇居民人均可支配收入", "农民人均纯收入",
               "社会保障覆盖率", "新农合参保率"}


def test_status_counts_at_forecasts_are_the_speechs_10_and_16(scn, card):
    """"发展目标考核36项指标,其中10项连基本分也得不到,16项只能拿基本分": the named ones are where the
    speech puts them; the rest of each count are invented indicators (marked so)."""
    home = card[f"{A}/home"]
    counts = status_counts(home)
    assert counts[STATUS_SHORT] == 10
    assert counts[STATUS_BASIC_ONLY] == 16
    st = dict(zip(home["指标"], home["状态"]))
    short = {n for n, s in st.items() if s == STATUS_SHORT}
    basic = {n for n, s in st.items() if s == STATUS_BASIC_ONLY}
    assert SHORT_NAMED <= short and BASIC_NAMED <= basic
    for n in (short - SHORT_NAMED) | (basic - BASIC_NAMED):
        assert "name" in _ind(scn, n).assumed, n  # 2 + 10 invented indicators fill the counts
    comp = {i.name for i in scn.assessment(A).indicators if i.kind in ("developmental", "binding")}
    assert short | basic <= comp  # the counts are among the 36


# --------------------------------------------------------------------------- totals and rank


def test_home_total_and_rank_at_forecasts_hand_checked(scn):
    """Hand-summed at the forecasts (R4: 60 % at basic, linear to full):

    发展性 (40): 外贸 1.2 + 0.8·0.4/1.23 = 1.460163; 供地率 ×4, 亩均产值, 亩均税收, 内资 0;
      高新 0.9 + 0.6·0.2/12.45 = 0.909639; 民生 0.9 + 0.6·2/14 = 0.985714; 城镇, 农民, 服务业
      0.9 + 0.6·0.025 = 0.915 each; 社保 0.912; 新农合 0.915; 刑事 0.9 + 0.6·4.63/38 = 0.973105;
      信访 1.2; GDP, 财政 1.525 each; 固投 1.232; 工业 1.2 + 0.8/30 = 1.226667;
      外资 0.9·600/1000 = 0.54 (linear below basic); R&D 0.92; 失业率 1 (binary); 就业 0.924;
      高中 0.6 + 0.4/30 = 0.613333  → 19.606621
    约束性 (15): 能耗 1.2 + 0.8·0.02/0.0678 = 1.435988; 水 1.2·10/30 = 0.4; COD, SO2 1.5 each;
      计生 1.2 + 0.8·0.05/3 = 1.213333; 食品 −0.5·0.5 = −0.25; 氨氮 0.608; 污水 0.918;
      死亡率 0.6 + 0.4·0.4 = 0.76; 建设用地 3.6/4 = 0.9  → 8.985321
    重点工作 (35): 沿海 rank 2 of (88, 86, 84) → 0.85·6 = 5.1; 转型 功效系数 60 + 40·2/5 = 76 → 4.56;
      生态宜居 3 + 2·10/15 = 4.333333; 中心镇 5; 康居 5·38/40 = 4.75; 实事 95 % → one step short
      (ceil) → 3.5; 三门湾 80 → 1.4; 三优化 86 → 2  → 30.643333
    满意指数 8.4; 加分 0.5 (one commendation) + 0.25 (COD (3.2−3)/0.2·0.25) + 0.125 (SO2) = 0.875;
    扣分 −0.5·0.2 − 1·0.1 − 0.3·0.3 = −0.29 (event probabilities as central values); pool 0.585.
    Total 19.606621 + 8.985321 + 30.643333 + 8.4 + 0.585 = 68.220275.
    Rivals: 仙居 56.82 + 6 (rank 1) + 6 (best) = 68.82; 天台 60.72 + 4.2 (rank 3) + 3.6 (worst) = 68.52.
    三门 third, a few tenths behind: grade 三等."""
    cs = compile_scenario(scn)
    r = score_all(central_values(scn, cs), cs)[0]
    i = {c: k for k, c in enumerate(cs.counties)}
    blocks = dict(zip(cs.assessments[0].block_names, r.blocks[i["三门"]]))
    assert blocks["发展性指标"] == pytest.approx(19.606621, abs=1e-6)
    assert blocks["约束性指标"] == pytest.approx(8.985321, abs=1e-6)
    assert blocks["重点工作"] == pytest.approx(30.643333, abs=1e-6)
    assert blocks["满意指数"] == pytest.approx(8.4)
    assert blocks["加分"] + blocks["扣分"] == pytest.approx(0.585)
    assert r.total[i["三门"]] == pytest.approx(68.220275, abs=1e-6)
    assert r.total[i["仙居"]] == pytest.approx(68.82, abs=1e-9)
    assert r.total[i["天台"]] == pytest.approx(68.52, abs=1e-9)
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
    """A cost curve for every pushable home item (events and reporting errors are not pushable);
    the largest pushes cannot take land supply to its full targets, nor batch four, output per mu
    or the water sections to their basic targets."""
    a = scn.assessment(A)
    curves = {e.indicator for e in scn.effort_rows}
    events = {"群众性事件", "安全生产", "越级上访", "数据上报差错"}
    assert curves == {i.name for i in a.indicators} - events
    reach = {n: max(e.upto for e in scn.effort_rows if e.indicator == n) for n in curves}
    for n in LAND:
        assert _fc(scn, n).mean + reach[n] < _ind(scn, n).rule.full
    for n in (LAND[3], "规模以上企业亩均工业总产值", "水环境出境断面指标率"):
        assert _fc(scn, n).mean + reach[n] < _ind(scn, n).rule.basic
    eff = scn.spec.effort
    depts = {i.department for i in a.indicators if i.name in curves}
    assert depts == set(eff.departments)
    assert sum(eff.departments.values()) > eff.budget == 24


# A plan in the speech's spirit ("薄弱的项目不扣分、优势的项目得满分、创新的项目多加分"): lift food safety
# over basic, secure the thin basic-only margins, take the emission bonus, compete on the two key items.
PLAN = {
    "食品安全抽检合格率": 0.75, "化学需氧量排放削减率": 0.28, "二氧化硫排放削减率": 0.28, "经济转型升级": 3.0,
    "沿海产业带": 2.0, "地区生产总值增长率": 0.05, "财政总收入增长率": 0.15, "计划生育率": 0.15,
    "城镇污水处理率": 0.5, "农民人均纯收入": 0.05, "社会保障覆盖率": 0.3, "新农合参保率": 0.25,
}


def test_plan_cost_is_hand_checked_and_within_budgets(scn):
    """食品 0.5·3 + 0.25·6 = 3; COD, SO2 0.28·6 = 1.68 each; 转型 3·2 = 6; 沿海 2·2 = 4; GDP 0.05·18 = 0.9;
    财政 0.15·6 = 0.9; 计生 0.15·4.5 = 0.675; 污水 0.5·1.5 = 0.75; 农民 0.05·15 = 0.75; 社保 0.3·3 = 0.9;
    新农合 0.25·3 = 0.75 → 21.985 人月 ≤ 24; 发改局 4 + 0.9 = 4.9 ≤ 5; 经贸局 6 ≤ 6; 环保局 3.36 ≤ 5."""
    costs = {n: _cost(scn, n, p) for n, p in PLAN.items()}
    assert sum(costs.values()) == pytest.approx(21.985)
    by = {}
    for n, c in costs.items():
        d = _ind(scn, n).department
        by[d] = by.get(d, 0.0) + c
    assert by["发改局"] == pytest.approx(4.9) and by["经贸局"] == pytest.approx(6.0) and by["环保局"] == pytest.approx(3.36)
    for d, c in by.items():
        assert c <= scn.spec.effort.departments[d] + 1e-9, d
    assert sum(costs.values()) <= scn.spec.effort.budget


def test_a_plan_within_budget_moves_the_rank_probability(scn):
    """On the same 2 000 draws (common random numbers), the plan above lifts P(rank 1) by well over
    0.2 and the expected total by more than 3 points (its forecast-value gain is about 4.6 points)."""
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
    assert p1 - p0 > 0.2
    assert moved.total[:, h].mean() - base.total[:, h].mean() > 3
    assert math.isfinite(p1)



def test_named_overrides_change_what_they_say():
    """天台冲刺 adds 0.8 to 天台's total-only part (60.72 → 61.52, forecast total 68.52 → 69.32);
    预算减半 halves the budget (24 → 12); 供地率指标调整 lowers batch four's basic target 20 → 10, which
    its largest push (8 + 6 = 14 %) then reaches."""
    base = load_scenario(SANMEN)
    surge = load_scenario(SANMEN, overrides=["天台冲刺"])
    assert surge.county("天台").totals[A].mean == pytest.approx(61.52)
    cs = compile_scenario(surge)
    r = score_all(central_values(surge, cs), cs)[0]
    assert r.total[cs.counties.index("天台")] == pytest.approx(69.32)
    assert load_scenario(SANMEN, overrides=["预算减半"]).spec.effort.budget == 12 == base.spec.effort.budget / 2
    adj = load_scenario(SANMEN, overrides=["供地率指标调整"])
    rule = adj.indicator(LAND[3]).rule
    reach = max(e.upto for e in adj.effort_rows if e.indicator == LAND[3])
    assert rule.basic == 10 and adj.forecast("三门", LAND[3]).mean + reach >= rule.basic
    assert base.indicator(LAND[3]).rule.basic == 20

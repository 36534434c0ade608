"""The scorecard: every county scored at its forecast (central) values, as DataFrames.

Column names and words are in the language in use (Chinese by default: the msgids below), with
units in brackets, because planners read them. 预测值 is the
value, 计分值 the quantity the rule scores (the same unless the indicator is scored of a
completion rate or a growth or change over its own base), 基本任务 and 满分 the home county's own targets
in the rule's units; 失分 is what the county could still gain on the item under the rules.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .breakpoints import Own, next_breakpoint, rule_own
from .history import past_indicators, rank_history
from .i18n import MISSING, N_, _, translate
from .scenario import Scenario
from .schema import (
    NONE,
    Bands,
    BaseStep,
    Efficacy,
    GrowthBonus,
    PerEvent,
    Piecewise,
    RankPoints,
    Ratio,
    Threshold,
    VsAverage,
    cap_value,
)
from .scoring import AssessmentScores, CompiledScenario, compile_scenario, score_all
from .survey import central_indices, survey_table


def central_values(scn: Scenario, cs: CompiledScenario | None = None) -> np.ndarray:
    """(C, I) forecast central values (mean, or the mode of a three-point forecast; a counted
    survey's index at its counts); NaN where none."""
    cs = cs or compile_scenario(scn)
    v = np.full((len(cs.counties), len(cs.indicators)), np.nan)
    for f in scn.forecasts:
        v[cs.counties.index(f.county), cs.indicators.index(f.indicator)] = f.centre
    st = survey_table(scn, cs)
    if st is not None:  # surveys from answer counts: the index at the table's counts
        v.reshape(-1)[st.cells] = central_indices(st)
    return v


def ceiling(ind) -> float:
    """The most the indicator's rule can give (core points and over-full bonus) [points]. A bonus
    without a cap (cap: none) has no ceiling: it counts only up to where its cap would start (the
    indicator's points), so nothing unbounded is called lost; a deduction's ceiling is 0."""
    r, P = ind.rule, ind.points
    if isinstance(r, Threshold):
        return P + (cap_value(r.over.cap) if r.over and r.over.cap != NONE else 0.0)
    if isinstance(r, Ratio):
        return P * (cap_value(r.cap) if r.cap != NONE else 1.0)
    if isinstance(r, BaseStep):
        base = r.base_share * P if r.base_points is None else r.base_points
        return base + (cap_value(r.up_cap) if r.up is not None and r.up_cap != NONE else 0.0)
    if isinstance(r, Bands):
        return max(b.points for b in r.bands)
    if isinstance(r, Piecewise):
        return max(t[1] for t in r.table) * (P if r.share else 1.0)
    if isinstance(r, Efficacy):
        return P * (r.base + r.span) / 100.0
    if isinstance(r, RankPoints):
        return P * (r.table[0] if r.table else 1.0)
    if isinstance(r, VsAverage):
        return P if r.cap is None or r.cap == NONE else float(r.cap)
    if isinstance(r, GrowthBonus):
        return r.both
    if isinstance(r, PerEvent):
        return 0.0 if r.points < 0 or r.cap == NONE else float(r.cap)
    return P  # binary, best_ratio, survey


STATUS_SHORT, STATUS_BASIC_ONLY, STATUS_BETWEEN, STATUS_FULL = N_("未达基本"), N_("仅基本分"), N_("基本至满分之间"), N_("满分")
STATUS_LOST = N_("失分")  # a rule without basic and full targets that gives less than its points
BASIC_ONLY_MARGIN = 0.05  # [share of the span basic → full] points within this of the basic points: 仅基本分


def status_of(ind, value: float, points: float, own: Own | None = None) -> str:
    """Where a threshold indicator stands: short of basic, basic points only, between, full
    (``value`` in the units the rule scores; ``own``: the county's own targets). The word is the
    msgid (Chinese): translate it with ``_`` where it is shown."""
    r = ind.rule
    if not isinstance(r, Threshold):
        return STATUS_FULL if points >= ind.points - 1e-9 else STATUS_LOST
    own = own or rule_own(ind)
    basic_share = r.basic_share if r.basic_points is None else r.basic_points / ind.points
    s = 1.0 if ind.direction == "higher" else -1.0
    if s * value < s * own.basic:
        return STATUS_SHORT
    if s * value >= s * own.full:
        return STATUS_FULL
    # "only the basic points": not measurably above the basic share (under 5 % of the span)
    if points - basic_share * ind.points < BASIC_ONLY_MARGIN * (1 - basic_share) * ind.points:
        return STATUS_BASIC_ONLY
    return STATUS_BETWEEN


def scorecard(scn: Scenario, values: np.ndarray | None = None) -> dict[str, pd.DataFrame]:
    """Score the scenario at ``values`` (default: forecasts). Returns, per assessment,
    ``counties`` (总分, 排名, 等次 for every county) and ``home`` (per indicator detail, with last
    year's points earned and lost and the years in a row it lost points: models.history), and ``history``
    (every county's recorded ranks, this year's at ``values`` beside them, 名次变化)."""
    cs = compile_scenario(scn)
    v = central_values(scn, cs) if values is None else values
    results = score_all(v, cs)
    past = past_indicators(scn).set_index(_("指标"))[[_("去年得分 [分]"), _("去年失分 [分]"), _("连续失分年数")]]
    out: dict[str, pd.DataFrame] = {}
    now = {}
    for ca, res in zip(cs.assessments, results):
        out[f"{ca.name}/counties"] = county_table(cs, ca, res)
        out[f"{ca.name}/home"] = home_table(scn, cs, ca, res, v).join(past, on=_("指标"))
        now.update({(c, ca.name): (int(r), ca.grade_names[g]) for c, r, g in zip(cs.counties, res.rank, res.grade)})
    out["history"] = rank_history(scn, now)
    return out


def county_table(cs: CompiledScenario, ca, res: AssessmentScores) -> pd.DataFrame:
    """总分, 排名, 等次 of every county; first those ranked against the home county (同组: its
    peer class, or every county when the assessment ranks city-wide), best first. The counties
    outside its class have no rank and no grade ("—"): they are ranked and graded in another
    class, not against the home county (each would show first or last of its own class)."""
    same = ca.class_of == ca.class_of[cs.home]
    county, rank, same_group = _("县市区"), _("排名"), _("与本县同组")
    df = pd.DataFrame({
        county: list(cs.counties),
        _("总分 [分]"): res.total,
        rank: [int(r) if s else MISSING for r, s in zip(res.rank, same)],
        _("等次"): [ca.grade_names[g] if s else MISSING for g, s in zip(res.grade, same)],
    })
    df[_("本县")] = [c == cs.counties[cs.home] for c in cs.counties]
    df[same_group] = same
    order = np.lexsort((df[county], np.where(same, res.rank, 0), ~same))
    return df.iloc[order].reset_index(drop=True)


def home_table(scn: Scenario, cs: CompiledScenario, ca, res: AssessmentScores, v: np.ndarray) -> pd.DataFrame:
    """The home county per indicator: its value and the quantity its rule scores, its own targets,
    points, over-full bonus, points lost (失分: what it could still gain on the item under the
    rules, :func:`ceiling` minus what it earns), the next breakpoint and a status."""
    h = cs.home
    a = scn.assessment(ca.name)
    measured = ca.quantity(v)
    rows = []
    for k, ind in enumerate(a.indicators):
        val = v[h, ca.cols[k]]
        pts = res.points[h, k]
        over = res.over[h, k]
        own = ca.own(k, h)
        basic, full = (own.basic, own.full) if isinstance(ind.rule, Threshold) else (own.target, own.target)
        nb = next_breakpoint(ind, val, own)
        rows.append((ind.name, ind.unit, _("正向") if ind.direction == "higher" else _("逆向"), ind.block,
                     ind.department or MISSING, val, basic, full, ind.points, pts, over, max(ceiling(ind) - pts - over, 0.0),
                     np.nan if nb is None else nb, np.nan if nb is None else abs(nb - val),
                     translate(status_of(ind, measured[h, k], pts, own)), measured[h, k]))
    return pd.DataFrame(rows, columns=[_("指标"), _("单位"), _("方向"), _("板块"), _("牵头单位"), _("预测值"), _("基本任务"),
                                       _("满分"), _("分值 [分]"), _("得分 [分]"), _("超额加分 [分]"), _("失分 [分]"),
                                       _("下一断点"), _("距下一断点"), _("状态"), _("计分值")])


def status_counts(home: pd.DataFrame) -> dict[str, int]:
    """How many indicators are short of basic, at basic points only, between, at full (keyed by the
    words of the language in use)."""
    return home[_("状态")].value_counts().to_dict()

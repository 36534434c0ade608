"""The scorecard: every county scored at its forecast (central) values, as DataFrames.

Column names are Chinese, with units in brackets, because planners read them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .breakpoints import next_breakpoint
from .breakpoints import targets as _targets
from .history import past_indicators, rank_history
from .scenario import Scenario
from .schema import Threshold
from .scoring import AssessmentScores, CompiledScenario, compile_scenario, score_all


def central_values(scn: Scenario, cs: CompiledScenario | None = None) -> np.ndarray:
    """(C, I) forecast central values (mean, or the mode of a three-point forecast); NaN where none."""
    cs = cs or compile_scenario(scn)
    v = np.full((len(cs.counties), len(cs.indicators)), np.nan)
    for f in scn.forecasts:
        v[cs.counties.index(f.county), cs.indicators.index(f.indicator)] = f.centre
    return v


STATUS_SHORT, STATUS_BASIC_ONLY, STATUS_BETWEEN, STATUS_FULL = "未达基本", "仅基本分", "基本至满分之间", "满分"
BASIC_ONLY_MARGIN = 0.05  # [share of the span basic → full] points within this of the basic points: 仅基本分


def status_of(ind, value: float, points: float) -> str:
    """Where a threshold indicator stands: short of basic, basic points only, between, full."""
    r = ind.rule
    if not isinstance(r, Threshold):
        return "满分" if points >= ind.points - 1e-9 else "失分"
    s = 1.0 if ind.direction == "higher" else -1.0
    if s * value < s * r.basic:
        return STATUS_SHORT
    if s * value >= s * r.full:
        return STATUS_FULL
    # "only the basic points": not measurably above the basic share (under 5 % of the span)
    if points - r.basic_share * ind.points < BASIC_ONLY_MARGIN * (1 - r.basic_share) * ind.points:
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
    past = past_indicators(scn).set_index("指标")[["去年得分 [分]", "去年失分 [分]", "连续失分年数"]]
    out: dict[str, pd.DataFrame] = {}
    now = {}
    for ca, res in zip(cs.assessments, results):
        out[f"{ca.name}/counties"] = county_table(cs, ca, res)
        out[f"{ca.name}/home"] = home_table(scn, cs, ca, res, v).join(past, on="指标")
        now.update({(c, ca.name): (int(r), ca.grade_names[g]) for c, r, g in zip(cs.counties, res.rank, res.grade)})
    out["history"] = rank_history(scn, now)
    return out


def county_table(cs: CompiledScenario, ca, res: AssessmentScores) -> pd.DataFrame:
    """总分, 排名, 等次 of every county; first those ranked against the home county (同组: its
    peer class, or every county when the assessment ranks city-wide), best first; ranks count
    within each county's own ranking class."""
    same = ca.class_of == ca.class_of[cs.home]
    df = pd.DataFrame({
        "县市区": list(cs.counties),
        "总分 [分]": res.total,
        "排名": res.rank.astype(int),
        "等次": [ca.grade_names[g] for g in res.grade],
    })
    df["本县"] = [c == cs.counties[cs.home] for c in cs.counties]
    df["与本县同组"] = same
    return df.sort_values(["与本县同组", "排名", "县市区"], ascending=[False, True, True]).reset_index(drop=True)


def home_table(scn: Scenario, cs: CompiledScenario, ca, res: AssessmentScores, v: np.ndarray) -> pd.DataFrame:
    h = cs.home
    a = scn.assessment(ca.name)
    rows = []
    for k, ind in enumerate(a.indicators):
        val = v[h, ca.cols[k]]
        pts = res.points[h, k]
        over = res.over[h, k]
        basic, full = _targets(ind)
        nb = next_breakpoint(ind, val)
        rows.append({
            "指标": ind.name,
            "单位": ind.unit,
            "方向": "正向" if ind.direction == "higher" else "逆向",
            "板块": ind.block,
            "牵头单位": ind.department or "",
            "预测值": val,
            "基本任务": basic,
            "满分": full,
            "分值 [分]": ind.points,
            "得分 [分]": pts,
            "超额加分 [分]": over,
            "失分 [分]": max(ind.points - pts, 0.0),
            "下一断点": np.nan if nb is None else nb,
            "距下一断点": np.nan if nb is None else abs(nb - val),
            "状态": status_of(ind, val, pts),
        })
    return pd.DataFrame(rows)


def status_counts(home: pd.DataFrame) -> dict[str, int]:
    """How many indicators are short of basic, at basic points only, between, at full."""
    return home["状态"].value_counts().to_dict()

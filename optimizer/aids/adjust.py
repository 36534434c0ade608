"""The target-adjustment advisor (申报调整指标: each October–November a county may apply to adjust an
indicator's target for objective reasons): which applications would pay most if granted.

For every indicator of the goal's assessment with a basic target (threshold ``basic``, or
``full`` / both; binary, ratio and base_step ``target``), the adjustment the planner states is
applied as a scenario patch (a share of the target, eased in the indicator's good direction, or a
value), and the home county is re-scored by models.scoring on the same draws (common random
numbers: the forecasts are unchanged). The gain in P(rank ≤ r), in P(grade ≥ g) and in the
expected total is the mean of the per-draw differences, each with its paired Monte Carlo standard
error; first holding the plan, then, for the ``resolve`` most promising, with the plan re-optimised
for the adjusted scenario (``plan_fn``). Ranked by the gain in P(rank ≤ r), then P(grade ≥ g).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.scenario import ScenarioError, with_patches
from models.schema import BaseStep, Binary, Ratio, Threshold
from models.scoring import compile_scenario

from ..errors import BadInput
from ..i18n import N_, _, listing, translate
from .common import Study, mean_se

WHICH = ("basic", "full", "both")
FIELD_WORDS = {"basic": N_("基本任务"), "full": N_("满分"), "target": N_("目标")}
HOLD, RESOLVE = N_("保持方案"), N_("重新优化")  # the plan held, or re-optimised for the adjusted scenario


@dataclass(frozen=True)
class Adjustment:
    """An adjustment asked for: ``share`` of the target [0–1] eased, or the new ``value`` [unit]."""

    share: float | None = None
    value: float | None = None

    def __post_init__(self):
        if (self.share is None) == (self.value is None):
            raise BadInput(_("an adjustment is a share of the target or a value, not both"))
        if self.share is not None and not 0 < self.share < 1:
            raise BadInput(_("an adjustment's share must be in (0, 1), got {share}").format(share=self.share))


def target_fields(ind, which: str) -> list[str]:
    """The rule fields an adjustment moves: threshold basic/full (``which``), else ``target``; [] if none."""
    r = ind.rule
    if isinstance(r, Threshold):
        return {"basic": ["basic"], "full": ["full"], "both": ["basic", "full"]}[which]
    if isinstance(r, (Binary, Ratio, BaseStep)):
        return ["target"]
    return []


def target_patch(assessment: str, indicator: str, field: str, value: float) -> tuple[str, float]:
    """The scenario patch that sets one target (the one place that knows where targets live)."""
    return f"assessments[{assessment}].indicators[{indicator}].rule.{field}", float(value)


def adjusted(ind, field: str, adj: Adjustment) -> float:
    """The target after the adjustment [unit]: eased by ``share`` of its size in the good direction."""
    old = getattr(ind.rule, field)
    sign = 1.0 if ind.direction == "higher" else -1.0
    if adj.value is not None:
        if sign * (adj.value - old) >= 0:
            raise BadInput((_("{indicator}: {value:g} does not ease the target {old:g} (lower is easier for this "
                              "indicator)") if sign > 0 else
                            _("{indicator}: {value:g} does not ease the target {old:g} (higher is easier for this "
                              "indicator)")).format(indicator=ind.name, value=adj.value, old=old))
        return float(adj.value)
    return float(old - sign * adj.share * abs(old))


@dataclass
class Advice:
    """``table``: one row per indicator, ranked; ``words``: the top few in words."""

    table: pd.DataFrame
    words: list


def advise(st: Study, adjustments: dict[str, Adjustment], *, which: str = "basic", resolve: int = 3, plan_fn=None,
           top: int = 3, progress=None) -> Advice:
    """Gains from each adjustment in ``adjustments`` (indicator → Adjustment), see the module
    docstring. ``plan_fn(scenario, request) -> push (I,)`` re-optimises for the ``resolve`` best."""
    if which not in WHICH:
        raise BadInput(_("which target: one of {choices}").format(choices=listing(WHICH)))
    scn, ca, req = st.scn, st.ca, st.req
    r0, g0 = st.success(st.plan_scores)
    t0 = st.plan_scores.total[:, st.home]
    names = set(ca.names)
    rows, scenarios = [], {}
    for name, adj in adjustments.items():
        if name not in names:
            raise BadInput(_("'{name}' is not an indicator of {assessment}").format(name=name, assessment=ca.name))
        ind = scn.indicator(name)
        fields = target_fields(ind, which)
        row = {_("指标"): name, _("单位"): ind.unit, _("牵头单位"): ind.department or ""}
        change = _("调整")
        if not fields:
            rows.append({**row, change: _("无目标值可调 (规则 {kind})").format(kind=ind.rule.kind)})
            continue
        new = {f: adjusted(ind, f, adj) for f in fields}
        what = listing(f"{translate(FIELD_WORDS[f])} {getattr(ind.rule, f):g}→{v:.4g}" for f, v in new.items())
        try:
            scn2 = with_patches(scn, [target_patch(ca.name, name, f, v) for f, v in new.items()], _("申报调整"))
        except ScenarioError as err:
            rows.append({**row, change: _("{change}: 不可行 ({reason})").format(change=what,
                                                                           reason=err.problems[0].message)})
            continue
        cs2 = compile_scenario(scn2)
        row.update({change: what, **_gains(st, st.scores(cs=cs2), r0, g0, t0, HOLD)})
        rows.append(row)
        scenarios[name] = scn2
        if progress is not None:
            progress(1)
    table = pd.DataFrame(rows)
    key = [gain_column(st, m, HOLD) for m in ("rank", "grade", "total")]
    for k in key:
        if k not in table:
            table[k] = np.nan
    table = table.sort_values(key, ascending=False, na_position="last").reset_index(drop=True)
    if plan_fn is not None and resolve > 0:
        for i in table.index[:resolve]:
            name = table.at[i, _("指标")]
            if name not in scenarios:
                continue
            scn2 = scenarios[name]
            cs2 = compile_scenario(scn2)
            push2 = np.asarray(plan_fn(scn2, req), dtype=float)
            for k, v in _gains(st, st.scores(push2, cs=cs2), r0, g0, t0, RESOLVE).items():
                table.loc[i, k] = v
    words = _words(st, table, top)
    return Advice(table, words)


def gain_column(st: Study, measure: str, how: str, se: bool = False) -> str:
    """The header of a gain (``measure``: 'rank', 'grade' or 'total') with the plan held or re-optimised
    (``how``: :data:`HOLD`, :data:`RESOLVE`), or of its standard error, in the language in use."""
    how = translate(how)
    if measure == "total":
        return (_("期望总分增加({how})标准误") if se else _("期望总分增加({how}) [分]")).format(how=how)
    goal = st.rank_words if measure == "rank" else st.grade_words
    return (_("P({goal})增加({how})标准误") if se else _("P({goal})增加({how})")).format(goal=goal, how=how)


def _gains(st: Study, s2, r0, g0, t0, how: str) -> dict:
    """Paired gains over the study's plan in its scenario, each with its standard error."""
    r2, g2 = st.success(s2)
    out = {}
    for measure, a, b in (("rank", r2, r0), ("grade", g2, g0), ("total", s2.total[:, st.home], t0)):
        m, se = mean_se(np.asarray(a, float) - np.asarray(b, float))
        out[gain_column(st, measure, how)] = m
        out[gain_column(st, measure, how, se=True)] = se
    return out


def _words(st: Study, table: pd.DataFrame, top: int) -> list:
    held, held_se = gain_column(st, "rank", HOLD), gain_column(st, "rank", HOLD, se=True)
    again, again_se = gain_column(st, "rank", RESOLVE), gain_column(st, "rank", RESOLVE, se=True)
    out = []
    for _i, row in table.head(top).iterrows():
        if pd.isna(row.get(held)):
            continue
        words = dict(indicator=row[_("指标")], change=row[_("调整")], goal=st.rank_words, held=row[held],
                     held_se=row[held_se])
        if pd.isna(row.get(again, np.nan)):
            line = _("{indicator} ({change}): P({goal})增加 {held:+.3f} ± {held_se:.3f} (保持方案)").format(**words)
        else:
            line = _("{indicator} ({change}): P({goal})增加 {held:+.3f} ± {held_se:.3f} (保持方案), {again:+.3f} ± "
                     "{again_se:.3f} (重新优化)").format(again=row[again], again_se=row[again_se], **words)
        out.append(line)
    return out


def every_target(st: Study, adj: Adjustment, which: str = "basic") -> dict[str, Adjustment]:
    """The same adjustment for every indicator of the goal's assessment that has a target to adjust."""
    return {n: adj for n in st.ca.names if target_fields(st.scn.indicator(n), which)}

"""One-line what-ifs for the notebooks: a scenario changed by the names a planner writes (counties,
indicators, assessments), not by override paths, and variants compared on the same draws::

    出口 = what_if(scn, 三门={"外贸自营出口": 4.6})            # 三门's forecast of an indicator
    冲刺 = what_if(scn, 天台={"发展目标考核": 41.42})          # a county known only by its total
    调整 = what_if(scn, 基本任务={"规模上亩均税收": 7})         # a target (满分= for the full target)
    compare({"基准": scn, "出口": 出口, "冲刺": 冲刺}, draws=2000)
    sliders(scn, 三门=["外贸自营出口", "规模上亩均税收"])       # ipywidgets: move a forecast, see the table

A what-if is :func:`models.scenario.with_patches` of the paths these names stand for, so it is
validated like ``scenario.yaml`` and scored by the one scoring model; every draw is the base
scenario's except where a forecast moved (common random numbers).
"""
from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from models.i18n import listing, translate
from models.projection import simulate
from models.scenario import Scenario, with_patches

from .i18n import _

__all__ = ["compare", "patches", "sliders", "what_if"]


def what_if(scn: Scenario, name: str | None = None, *, 基本任务: Mapping[str, float] | None = None,
            满分: Mapping[str, float] | None = None, 预算: float | None = None,
            **counties: Mapping[str, float]) -> Scenario:
    """``scn`` with new central forecasts, targets or budget (see :func:`patches`), as an override
    named ``name`` (default: the changes in short, e.g. ``三门·外贸自营出口=4.6``)."""
    changes = patches(scn, 基本任务=基本任务, 满分=满分, 预算=预算, **counties)
    label = name or "；".join(f"{_short(p)}={v:g}" for p, v in changes)
    return with_patches(scn, changes, label)


def patches(scn: Scenario, *, 基本任务: Mapping[str, float] | None = None, 满分: Mapping[str, float] | None = None,
            预算: float | None = None, **counties: Mapping[str, float]) -> list[tuple[str, float]]:
    """The override paths and values (``[(path, value), …]``) of a what-if:

    * ``县={指标: 值}``: the county's central forecast of the indicator [indicator unit] (a normal or
      fixed forecast's mean, a bernoulli's probability; a three-point forecast moves whole, its
      spread kept); ``县={考核: 总分}``: the total of a county known only by its total [points];
    * ``基本任务={指标: 值}`` / ``满分={指标: 值}``: the rule's basic (or single) / full target [unit];
    * ``预算``: the effort budget [the scenario's effort unit].

    Raises ``ValueError`` naming an unknown county, indicator or target."""
    out: list[tuple[str, float]] = []
    for county, values in counties.items():
        if county not in {c.name for c in scn.spec.counties}:
            raise ValueError(_("unknown county '{county}': the counties are {counties}").format(
                county=county, counties=listing(c.name for c in scn.spec.counties)))
        for what, value in values.items():
            out.extend(_forecast_patches(scn, county, what, float(value)))
    for which, targets in (("basic", 基本任务), ("full", 满分)):
        for indicator, value in (targets or {}).items():
            out.extend((f"{p}.{_target_key(scn, indicator, which)}", float(value)) for p in _rule_paths(scn, indicator))
    if 预算 is not None:
        out.append(("effort.budget", float(预算)))
    return out


def _forecast_patches(scn: Scenario, county: str, what: str, value: float) -> list[tuple[str, float]]:
    assessments = [a.name for a in scn.spec.assessments]
    if what in assessments:
        if what not in (scn.county(county).totals or {}):
            raise ValueError(_("{county} is scored indicator by indicator in '{assessment}', not known by its "
                               "total: change its indicators' forecasts").format(county=county, assessment=what))
        return [(f"counties[{county}].totals[{what}].mean", value)]
    row = scn.forecast(county, what)
    if row is None:
        raise ValueError(_("no forecast of '{indicator}' for {county}: give an indicator of forecasts.csv, or an "
                           "assessment ({assessments}) for a county known by its total").format(
            indicator=what, county=county, assessments=listing(assessments)))
    path = f"forecasts[{county}/{what}]"
    if row.dist in ("triangular", "pert"):
        shift = value - row.likely
        return [(f"{path}.{k}", getattr(row, k) + shift) for k in ("low", "likely", "high")]
    return [(f"{path}.mean", value)]


def _rule_paths(scn: Scenario, indicator: str) -> list[str]:
    paths = [f"assessments[{a.name}].indicators[{indicator}].rule"
             for a in scn.spec.assessments if any(i.name == indicator for i in a.indicators)]
    if not paths:
        raise ValueError(_("unknown indicator '{indicator}'").format(indicator=indicator))
    return paths


def _target_key(scn: Scenario, indicator: str, which: str) -> str:
    rule = scn.indicator(indicator).rule
    keys = [k for k in ((which, "target") if which == "basic" else (which,)) if hasattr(rule, k)]
    if not keys:
        raise ValueError(_("the rule of '{indicator}' ({kind}) has no target {which}: give it for a rule that has "
                           "one").format(indicator=indicator, kind=rule.kind, which="基本任务" if which == "basic" else "满分"))
    return keys[0]


def _short(path: str) -> str:
    """``forecasts[三门/外贸自营出口].mean`` → ``三门·外贸自营出口``: the names in a path, for a label."""
    names = re.findall(r"\[([^\[\]]*)\]", path)
    return "·".join(n.replace("/", "·") for n in names) if names else _("工作量预算")


def compare(variants: Mapping[str, Scenario], *, draws: int | None = None, seed: int | None = None,
            assessment: str | None = None) -> pd.DataFrame:
    """One row per variant (every variant on the same seeded draws): the home county's mean total
    and rank, P(rank r) for every rank of its class, P(beating each rival) and P(at least each grade)."""
    rows = {}
    for label, scn in variants.items():
        ap = simulate(scn, draws=draws, seed=seed).assessment(assessment)
        home, cls = ap.home, ap.class_of == ap.class_of[ap.home]
        county = ap.summary.columns[0]
        summary = ap.summary.set_index(county).loc[ap.counties[home]]
        row = {translate("平均分 [分]"): summary[translate("平均分 [分]")],  # the models layer's labels
               translate("平均排名"): summary[translate("平均排名")]}
        row.update({_("P(第{rank}名)").format(rank=r + 1): p for r, p in enumerate(ap.home_rank_probs()[:cls.sum()])})
        beat = ap.beat_probs[ap.beat_probs[county] == ap.counties[home]].set_index(translate("对手"))[translate("胜出概率")]
        row.update({_("P(胜{rival})").format(rival=c): beat[c] for c in beat.index})
        grades = ap.grade_probs[ap.grade_probs[county] == ap.counties[home]]
        row.update({_("P({grade}及以上)").format(grade=g): p
                    for g, p in zip(grades[translate("等次")], grades[translate("不低于该等次概率")])})
        rows[label] = row
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis(_("情景"))


def sliders(scn: Scenario, *, draws: int | None = 2000, assessment: str | None = None, **counties: list[str]):
    """Sliders (ipywidgets) for the named forecasts, ``县=[指标, …]``, each from its low to its high
    end (a normal forecast: ±3 sd); moving one re-runs :func:`compare` of the base and the what-if.
    Returns the widget box (a notebook shows it)."""
    import ipywidgets as w
    from IPython.display import display

    controls = {}
    for county, indicators in counties.items():
        for ind in indicators:
            row = scn.forecast(county, ind)
            if row is None:
                _forecast_patches(scn, county, ind, 0.0)  # raises the located error
            if row.dist in ("triangular", "pert"):
                lo, hi = row.low, row.high
            else:
                spread = 3 * row.sd if row.sd else 0.5 * abs(row.centre) or 1.0
                lo, hi = row.centre - spread, row.centre + spread
            if row.min is not None:
                lo = max(lo, row.min)
            if row.max is not None:
                hi = min(hi, row.max)
            controls[(county, ind)] = w.FloatSlider(value=row.centre, min=lo, max=hi, step=(hi - lo) / 100,
                                                    description=f"{county}·{ind}", readout_format=".3g",
                                                    style={"description_width": "initial"},
                                                    layout=w.Layout(width="520px"))
    out = w.Output()

    def show(**_values):
        changed: dict[str, dict[str, float]] = {}
        for (county, ind), s in controls.items():
            changed.setdefault(county, {})[ind] = s.value
        table = compare({_("基准"): scn, _("调整后"): what_if(scn, **changed)}, draws=draws, assessment=assessment)
        out.clear_output(wait=True)
        with out:
            display(table)

    w.interactive_output(show, {f"s{k}": s for k, s in enumerate(controls.values())})
    box = w.VBox([*controls.values(), out])
    return box

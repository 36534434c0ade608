"""Plan every county: each county's best plan against its own class, as if it were the home county.

For a think tank or a provincial office that advises many counties. Each county is planned on its
own (:func:`plan_county`, a pure function of the scenario, the county and the settings, so the
counties can be planned in any order, in processes or on a Dask cluster: the caller passes a
``mapper``); the effort curves and budgets of ``effort.csv`` apply to whichever county is planned.
A county's plan is measured on fresh draws (stream 2, the same for every county: common random
numbers) beside its status quo.

The province-wide summary adds, per peer class and grade, the counties' probabilities of that
grade: the expected number of counties of the class at each grade, at the status quo and when
each county follows its own plan (each plan measured with the others at their status quo: the
plans are not a joint equilibrium).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from models.projection import draw
from models.scoring import compile_scenario, score_all

from .errors import BadInput, Infeasible
from .i18n import _, listing
from .plan import optimize, score_plan
from .request import Request
from .saa import optimize_saa
from .solver import status_word

FRESH_STREAM = 2


def with_home(scn, county: str):
    """The scenario with ``county`` as its home county (its own class, the same effort curves)."""
    if county not in scn.counties:
        raise ValueError(_("no county '{county}': one of {counties}…").format(county=county,
                                                                             counties=listing(scn.counties[:5])))
    meta = scn.spec.scenario.model_copy(update={"home": county})
    return replace(scn, spec=scn.spec.model_copy(update={"scenario": meta}))


@dataclass(frozen=True)
class Settings:
    """How each county is planned: in-sample draws, SAA replications (1: one MILP), solver time
    limit [s], fresh draws for measuring, seed."""

    n_draws: int = 200
    replications: int = 1
    time_limit: float = 60.0
    n_fresh: int = 2000
    seed: int | None = None
    solver: str = "highs"


class CountyPlanner:
    """:func:`plan_county` bound to a scenario, a request and settings: a picklable callable of a county."""

    def __init__(self, scn, req: Request, settings: Settings):
        self.scn, self.req, self.settings = scn, req, settings

    def __call__(self, county: str) -> dict:
        return plan_county(self.scn, county, self.req, self.settings)


def plan_county(scn, county: str, req: Request, settings: Settings) -> dict:
    """One row of the table: the county's best plan and its measures (in the language in use, units
    in brackets); a county whose request cannot be met gets its reason in 状态 and no measures."""
    try:
        return _plan_county(scn, county, req, settings)
    except Infeasible as err:
        why = _("infeasible: {reason}").format(reason=err)
    except BadInput as err:
        why = _("cannot be planned: {reason}").format(reason=err)
    return {_("县市区"): county, _("同类"): scn.county(county).peer_class, _("状态"): why}


def _plan_county(scn, county: str, req: Request, settings: Settings) -> dict:
    s = settings
    seed = scn.spec.simulation.seed if s.seed is None else s.seed
    home = with_home(scn, county)
    if s.replications > 1:
        res = optimize_saa(home, req, replications=s.replications, n_draws=s.n_draws, seed=seed, solver=s.solver,
                           time_limit=s.time_limit, n_fresh=s.n_fresh)[0]
    else:
        res = optimize(home, req, n_draws=s.n_draws, seed=seed, solver=s.solver, time_limit=s.time_limit,
                       n_fresh=s.n_fresh, with_baselines=False, eval_stream=FRESH_STREAM, warm_seconds=5.0)
    cs = compile_scenario(home)
    name = req.assessment or cs.assessments[0].name
    k = [a.name for a in cs.assessments].index(name)
    ca = cs.assessments[k]
    fresh = draw(home, s.n_fresh, seed, stream=FRESH_STREAM, cs=cs)
    planned = score_plan(cs, res.levels, res.plan, fresh)[k]
    now = score_all(fresh.values, cs, drawn_totals=fresh.totals, keep_points=False)[k]
    h = cs.home
    G = len(ca.grade_names)
    row = {_("县市区"): county, _("同类"): scn.county(county).peer_class, _("状态"): status_word(res.status),
           _("样本内目标值"): res.objective, _("工作量"): res.effort, _("推进指标数"): int((res.plan > 0).sum()),
           _("现状预期总分 [分]"): float(now.total[:, h].mean()), _("方案预期总分 [分]"): float(planned.total[:, h].mean()),
           _("现状平均排名"): float(now.rank[:, h].mean()), _("方案平均排名"): float(planned.rank[:, h].mean()),
           _("现状 P(排名≤{rank})").format(rank=req.rank): float((now.rank[:, h] <= req.rank).mean()),
           _("方案 P(排名≤{rank})").format(rank=req.rank): float((planned.rank[:, h] <= req.rank).mean())}
    for grade_column, sc in ((now_grade, now), (plan_grade, planned)):
        p = np.bincount(sc.grade[:, h], minlength=G) / s.n_fresh
        for g, gname in enumerate(ca.grade_names):
            row[grade_column(gname)] = float(p[g])
    row[_("方案")] = listing(f"{res.levels.names[j]}+{res.levels.push[j][o]:.4g}" for j, o in enumerate(res.plan) if o > 0)
    return row


def now_grade(grade: str) -> str:
    """The column of P(grade) at the status quo."""
    return _("现状 P({grade})").format(grade=grade)


def plan_grade(grade: str) -> str:
    """The column of P(grade) under the county's plan."""
    return _("方案 P({grade})").format(grade=grade)


def optimize_all(scn, req: Request, counties: list[str] | None = None, *, settings: Settings = Settings(),
                 mapper=None, progress=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per county, the province-wide summary) for ``counties`` (default: all), each
    planned by :func:`plan_county` through ``mapper`` (default: one after another, here)."""
    counties = list(scn.counties if counties is None else counties)
    for c in counties:
        if c not in scn.counties:
            raise ValueError(_("no county '{county}' in the scenario").format(county=c))
    planner = CountyPlanner(scn, req, settings)
    rows = []
    for row in (mapper or map)(planner, counties):
        rows.append(row)
        if progress is not None:
            progress(1)
    table = pd.DataFrame(rows)
    return table, province_summary(scn, req, table)


def province_summary(scn, req: Request, table: pd.DataFrame) -> pd.DataFrame:
    """Per peer class and grade: the expected number of the planned counties at that grade, at
    the status quo and under their own plans."""
    a = scn.assessment(req.assessment)
    out = []
    for cls, part in table.groupby(_("同类"), sort=False):
        for gname in a.grades.names:
            now, plan = now_grade(gname), plan_grade(gname)
            out.append({_("同类"): cls, _("等次"): gname, _("县数"): len(part),
                        _("现状预期县数"): float(part[now].sum()) if now in part else np.nan,
                        _("方案预期县数"): float(part[plan].sum()) if plan in part else np.nan})
    return pd.DataFrame(out)


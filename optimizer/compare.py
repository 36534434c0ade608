"""The base and each named override side by side (``kaoping compare``).

Like Excel's Scenario Manager summary: one column per variant (当前/base first), the changing
cells (each override's patches) on top, the result cells below: per assessment the home
county's mean and 5–95 % score, mean rank, P(rank ≤ r), P(grade = g), and the joint P(best
grade in every listed assessment). Every variant is simulated on common random numbers (the
base's seed and number of draws), so a difference is the override's effect, not noise: an
override that changes nothing shows exactly zero.

With ``--objective`` each variant is also optimised (optimizer.plan.optimize, its own budget:
a budget cut is felt) and re-simulated with its plan on the same draws; the plan's changes
(pushes per indicator) are listed per variant.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from models.projection import simulate
from models.scenario import Scenario, load_scenario

from .errors import BadInput
from .i18n import _, listing
from .plan import optimize
from .request import Request

BASE = "base"
OBJECTIVES = ("score", "expected-rank", "rank-prob", "grade-prob", "joint-grade")


@dataclass
class Variant:
    """One column of the comparison: an override (or the base), its patches and its results."""

    name: str
    description: str
    changes: list[tuple[str, object]]
    results: dict[str, float]  # metric label -> value
    plan: pd.DataFrame | None = None  # the optimised plan's pushes (indicator rows), if an objective was given
    plan_info: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- measures


def home_measures(proj, ranks: list[int], joint: list[str]) -> dict[str, float]:
    """The result cells of one variant: label -> value (labels '<assessment> | <measure>' in the
    language in use, units in brackets)."""
    out: dict[str, float] = {}
    h = proj.home
    for a in proj.assessments:
        t, r, g = a.totals[:, h], a.ranks[:, h], a.grades[:, h]
        R = int((a.class_of == a.class_of[h]).sum())
        out[cell(a.name, _("平均分 [分]"))] = float(t.mean())
        out[cell(a.name, _("5%分位分 [分]"))] = float(np.quantile(t, 0.05))
        out[cell(a.name, _("95%分位分 [分]"))] = float(np.quantile(t, 0.95))
        out[cell(a.name, _("平均排名"))] = float(r.mean())
        for k in ranks:
            if k < R:
                out[cell(a.name, _("P(排名≤{rank})").format(rank=k))] = float((r <= k).mean())
        for gi, gname in enumerate(a.grade_names):
            out[cell(a.name, f"P({gname})")] = float((g == gi).mean())
    if joint:
        best = np.ones(proj.draws, dtype=bool)
        names = []
        for name in joint:
            a = proj.assessment(name)
            best &= a.grades[:, h] == 0
            names.append(a.name)
        out[cell(_("联合"), _("P({assessments} 均为最高等次)").format(assessments=listing(names)))] = float(best.mean())
    return out


def cell(group: str, measure: str) -> str:
    """A result cell's label: '<assessment> | <measure>' (or 联合, 计划 for the joint and the plan)."""
    return f"{group} | {measure}"


def _changes(scn: Scenario, name: str) -> tuple[str, list[tuple[str, object]]]:
    if name == BASE:
        return _("the scenario as written"), []
    ov = scn.spec.overrides[name]
    return ov.description, [(p.path, p.value) for p in ov.set]


def _request(scn: Scenario, args, joint: list[str]):
    names = [a.name for a in scn.spec.assessments]
    assessment = args.assessment or names[0]
    if assessment not in names:
        raise BadInput(_("unknown assessment '{assessment}': one of {assessments}").format(assessment=assessment,
                                                                                         assessments=listing(names)))
    grades = scn.assessment(assessment).grades.names
    grade = 0
    if args.grade is not None:
        if args.grade not in grades:
            raise BadInput(_("unknown grade '{grade}': one of {grades}").format(grade=args.grade, grades=listing(grades)))
        grade = grades.index(args.grade)
    e = scn.spec.effort
    return Request(objective=args.objective, assessment=assessment, rank=args.rank, grade=grade,
                   assessments=tuple(joint) if args.objective == "joint-grade" else (),
                   budget=e.budget, departments=dict(e.departments))


def _plan_frame(res) -> pd.DataFrame:
    df = res.table
    if df is None or df.empty:
        return pd.DataFrame(columns=[_("指标"), _("推进量"), _("目标值"), _("工作量")])
    pushed = df[_("指标")].isin(res.levels.names) & (pd.to_numeric(df[_("推进量")], errors="coerce") > 0)  # no total row
    cols = [_("指标"), _("考核"), _("牵头单位"), _("预测值"), _("目标值"), _("推进量"), _("工作量")]
    return df[pushed][cols].reset_index(drop=True)


def compare(path, names: list[str], *, draws: int | None = None, seed: int | None = None, ranks=(1, 2, 3),
            joint: list[str] | None = None, optimize_args=None, progress=None, solving=None) -> list[Variant]:
    """Simulate the base and each named override on common random numbers.

    Parameters
    ----------
    path : scenario folder.
    names : override names (``'base'`` is always added first).
    draws, seed : shared by every variant (default: the base scenario's ``simulation``).
    ranks : report P(rank ≤ r) for these r.
    joint : assessments of the joint P(best grade in all); None = all but the first (when ≥ 2).
    optimize_args : an ``argparse.Namespace`` with objective, assessment, rank, grade, opt_draws,
        time_limit, solver; None = simulation only.
    progress : called with the number of draws just simulated (for a progress bar).
    solving : called as ``solving(name, incumbent, bound)`` while a variant's plan is solved.
    """
    base = load_scenario(path)
    sim = base.spec.simulation
    S = int(draws or sim.draws)
    seed = sim.seed if seed is None else int(seed)
    anames = [a.name for a in base.spec.assessments]
    if joint is None:
        joint = anames[1:] if len(anames) >= 3 else []
    for j in joint:
        if j not in anames:
            raise BadInput(_("unknown assessment '{assessment}' in --joint: one of {assessments}").format(
                assessment=j, assessments=listing(anames)))
    for n in names:
        if n != BASE and n not in base.spec.overrides:
            known = sorted(base.spec.overrides)
            raise BadInput((_("--overrides: unknown override '{name}': use one of {known}") if known else
                            _("--overrides: unknown override '{name}': none is declared: declare it under overrides: in "
                              "scenario.yaml")).format(name=n, known=listing(known)))
    out = []
    for n in [BASE] + [n for n in names if n != BASE]:
        scn = base if n == BASE else load_scenario(path, [n])
        desc, changes = _changes(base, n)
        v = Variant(n, desc, changes, {})
        push = None
        if optimize_args is not None and optimize_args.objective:
            req = _request(scn, optimize_args, joint)
            if solving is not None:
                solving(n, None, None)
            res = optimize(scn, req, n_draws=optimize_args.opt_draws, seed=seed, solver=optimize_args.solver,
                           time_limit=optimize_args.time_limit, n_fresh=min(S, 2000), warm_seconds=5.0,
                           with_baselines=False,
                           progress=None if solving is None else lambda inc, bd, n=n: solving(n, inc, bd))
            push = res.levels.push_vector(res.plan, len(scn.indicators()))
            v.plan = _plan_frame(res)
            v.plan_info = {"status": res.status, "objective": res.objective, "bound": res.bound, "gap": res.gap,
                           "effort": res.effort, "budget": req.budget, "solver": res.solver}
            v.results[cell(_("计划"), _("工作量 [{unit}]").format(unit=scn.spec.effort.unit))] = float(res.effort)
            v.results[cell(_("计划"), _("样本内目标值"))] = float(res.rescored)
        proj = simulate(scn, draws=S, seed=seed, push=push, progress=progress, keep=True)  # the measures read every draw
        v.results.update(home_measures(proj, list(ranks), joint))
        out.append(v)
    return out


def summary_frame(variants: list[Variant]) -> pd.DataFrame:
    """Result cells: one row per measure, one column per variant (base first)."""
    labels = list(dict.fromkeys(k for v in variants for k in v.results))
    return pd.DataFrame({v.name: [v.results.get(k, np.nan) for k in labels] for v in variants}, index=labels)


def delta_frame(variants: list[Variant]) -> pd.DataFrame:
    """Each override's difference from the base, measure by measure (same draws)."""
    df = summary_frame(variants)
    return df.drop(columns=[BASE]).sub(df[BASE], axis=0)

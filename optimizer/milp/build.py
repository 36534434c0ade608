"""The MILP for a request: budgets, then the objective's conditions over the draws."""
from __future__ import annotations

import math

import numpy as np

from models.options import AssessmentTables, OptionTables

from ..errors import BadInput, Infeasible
from ..i18n import _, listing
from ..request import OBJECTIVES, Request
from .conditions import ConditionBuilder
from .levers import DEFAULT_LEVERS, conflict_rows
from .model import Model


class Builder(ConditionBuilder):
    """The whole model: forms, conditions, budgets and the objective."""

    # ---- budgets and objectives
    def budgets(self):
        L, req = self.L, self.req
        eff = L.var_effort
        if req.budget is not None:
            self.p.add_row(self.x_cols, eff, hi=float(req.budget))
        for d, b in (req.departments or {}).items():
            mask = np.array([L.department[j] == d for j in L.var_ind], dtype=bool)
            if mask.any():
                self.p.add_row(self.x_cols[mask], eff[mask], hi=float(b))

    def add_objective_conds(self, conds: list, weight: float) -> None:
        for c in conds:
            if c is True:
                self.p.obj_const += weight
            elif c is not False:
                self.p.cost[c] += weight


def build(tables: OptionTables, req: Request, levers=DEFAULT_LEVERS) -> Model:
    """The MILP for ``req`` over the option tables (see the module docstring); ``levers``: the
    optional strengthenings of :mod:`.levers` to use."""
    if req.objective not in OBJECTIVES:
        raise BadInput(_("unknown objective '{objective}': one of {objectives}").format(objective=req.objective,
                                                                                      objectives=listing(OBJECTIVES)))
    b = Builder(tables, req, levers)
    S = tables.n_draws
    try:
        t = tables.assessment(req.assessment)
    except KeyError:
        names = [a.ca.name for a in tables.assessments]
        raise BadInput(_("unknown assessment '{assessment}': one of {assessments}").format(
            assessment=req.assessment, assessments=listing(names))) from None
    G = len(t.ca.grade_names)
    n_riv = len(b._rivals(t))
    if req.objective in ("rank-prob", "min-effort") and req.target == "rank" and not 1 <= req.rank <= n_riv + 1:
        raise BadInput(_("--rank must be between 1 and {counties} (the class has {counties} counties)").format(
            counties=n_riv + 1))
    if not 0 <= req.grade < G:
        raise BadInput(_("--grade must be a grade index between 0 and {last} ({grades})").format(
            last=G - 1, grades=listing(t.ca.grade_names)))
    b.budgets()
    if "covers" in b.levers:
        for xs, rhs in conflict_rows(b.L, req.budget, req.departments):
            b.p.add_row(b.x_cols[xs], np.ones(len(xs)), hi=rhs)
            b.counts["covers"] = b.counts.get("covers", 0) + 1
    o = req.objective
    if o == "score":
        H = b.total_form(t, t.ca.home)
        for s in range(S):
            idx, val = b._row_terms(t, H.coef[s], H.extra.get(s, []))
            for i, v in zip(idx, val):
                b.p.cost[int(i)] += v / S
        b.p.obj_const += float(H.const.sum()) / S
    elif o == "expected-rank":
        for s in range(S):
            b.add_objective_conds(b.expected_not_beaten(t, s), 1.0 / S)
    elif o in ("rank-prob", "grade-prob", "joint-grade"):
        conds = [cond_for(b, tables, req, t, s) for s in range(S)]
        b.counts["decided_draws"] = sum(c is True or c is False for c in conds)
        b.add_objective_conds(conds, 1.0 / S)
    elif o == "min-effort":
        if req.prob is None or not 0 < req.prob <= 1:
            raise BadInput(_("min-effort needs --prob P with 0 < P ≤ 1"))
        conds = [cond_for(b, tables, req, t, s) for s in range(S)]
        b.counts["decided_draws"] = sum(c is True or c is False for c in conds)
        need = math.ceil(req.prob * S - 1e-9) - sum(c is True for c in conds)
        cols = [c for c in conds if c not in (True, False)]
        if need > len(cols):
            what = (_("rank ≤ {rank}") if req.target == "rank" else _("grade {grade} or better")).format(
                rank=req.rank, grade=t.ca.grade_names[req.grade])
            raise Infeasible(_("{target} with probability {prob:g} is out of reach: even pushing every indicator to its "
                               "limit wins at most {share:.3f} of the draws").format(
                target=what, prob=req.prob, share=(len(cols) + sum(c is True for c in conds)) / S))
        if need > 0:
            b.p.add_row(cols, np.ones(len(cols)), lo=float(need))
        for k, e in zip(b.x_cols, b.L.var_effort):
            b.p.cost[int(k)] += float(e)
    b.counts["draw"] = S
    return Model(b.p, b.L, b.x_cols, req, S, n_riv, dict(b.counts))


def cond_for(b: Builder, tables: OptionTables, req: Request, t: AssessmentTables, s: int):
    o = req.objective
    if o == "rank-prob" or (o == "min-effort" and req.target == "rank"):
        return b.rank_cond(t, s, req.rank)
    if o == "joint-grade":
        names = req.assessments or tuple(a.ca.name for a in tables.assessments)
        return b._and([b.grade_cond(tables.assessment(n), s, req.grade) for n in names], f"joint[{s}]")
    return b.grade_cond(t, s, req.grade)

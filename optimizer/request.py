"""What to optimise: the request (objective, rank, grade, budgets), and its value on outcomes.

Shared by the MILP, the baselines and the plan's verification, so that all three measure a
plan the same way.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from models.options import OptionTables

OBJECTIVES = ("score", "expected-rank", "rank-prob", "grade-prob", "joint-grade", "min-effort")


@dataclass(frozen=True)
class Request:
    """What to optimise. ``grade`` is a grade index (0 best): "grade ≥ g" means index ≤ g.
    ``target`` for min-effort: 'rank' or 'grade'. ``budget``/``departments`` None: no limit.
    ``constraints``: the planner's own (optimizer.constraints.Item), set by ``constraints.apply``."""

    objective: str = "rank-prob"
    assessment: str | None = None
    rank: int = 1
    grade: int = 0
    prob: float | None = None
    target: str = "rank"
    assessments: tuple[str, ...] = ()
    budget: float | None = None
    departments: dict = field(default_factory=dict)
    constraints: tuple = ()


def metric_of_outcomes(tables: OptionTables, req: Request, outs: dict) -> float:
    """The objective's value from per-assessment outcomes (arrays (S, C)); for min-effort the
    probability of its target."""
    o = req.objective
    if o == "joint-grade":
        ok = np.ones(tables.n_draws, dtype=bool)
        for name in req.assessments or tuple(a.ca.name for a in tables.assessments):
            h = tables.assessment(name).ca.home
            ok &= outs[name].grade[:, h] <= req.grade
        return float(ok.mean())
    t = tables.assessment(req.assessment)
    out = outs[t.ca.name]
    h = t.ca.home
    n_riv = int((t.ca.class_of == t.ca.class_of[h]).sum()) - 1
    if o == "score":
        return float(out.total[:, h].mean())
    if o == "expected-rank":
        return float((n_riv + 1 - out.rank[:, h]).mean())
    if o == "rank-prob" or (o == "min-effort" and req.target == "rank"):
        return float((out.rank[:, h] <= req.rank).mean())
    return float((out.grade[:, h] <= req.grade).mean())

"""What to optimise: the request (objective, rank, grade, budgets), and its value on outcomes.

Shared by the MILP, the baselines and the plan's verification, so that all three measure a
plan the same way.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .i18n import N_, translate

if TYPE_CHECKING:  # the command line reads OBJECTIVES without loading the scoring rules
    from models.options import OptionTables

OBJECTIVES = ("score", "expected-rank", "rank-prob", "grade-prob", "joint-grade", "min-effort")
OBJECTIVE_WORDS = {"score": N_("期望总分最高"), "expected-rank": N_("期望名次最好"), "rank-prob": N_("名次概率最高"),
                   "grade-prob": N_("等次概率最高"), "joint-grade": N_("各考核同时达到等次的概率最高"),
                   "min-effort": N_("以最少工作量达到目标概率")}


def objective_word(objective: str) -> str:
    """An objective (a code of :data:`OBJECTIVES`, what ``--objective`` takes) in words, in the language in use."""
    return translate(OBJECTIVE_WORDS[objective]) if objective in OBJECTIVE_WORDS else objective


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
    return float(per_draw(tables, req, outs).mean())


def per_draw(tables, req: Request, outs: dict) -> np.ndarray:
    """(S,) the objective's value in each draw, whose mean is :func:`metric_of_outcomes`: 0/1 for
    the probability objectives, the home's total [points] for score, the rivals not ahead of
    the home for expected-rank. ``tables``: anything with ``assessments`` and ``assessment(name)``
    whose items carry the compiled assessment ``ca`` (option tables, an evaluation sample)."""
    o = req.objective
    if o == "joint-grade":
        names = req.assessments or tuple(a.ca.name for a in tables.assessments)
        ok = np.ones(next(iter(outs.values())).grade.shape[0], dtype=bool)
        for name in names:
            h = tables.assessment(name).ca.home
            ok &= outs[name].grade[:, h] <= req.grade
        return ok.astype(float)
    t = tables.assessment(req.assessment)
    out = outs[t.ca.name]
    h = t.ca.home
    n_riv = int((t.ca.class_of == t.ca.class_of[h]).sum()) - 1
    if o == "score":
        return out.total[:, h].astype(float)
    if o == "expected-rank":
        return (n_riv + 1 - out.rank[:, h]).astype(float)
    if o == "rank-prob" or (o == "min-effort" and req.target == "rank"):
        return (out.rank[:, h] <= req.rank).astype(float)
    return (out.grade[:, h] <= req.grade).astype(float)

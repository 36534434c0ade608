"""Heuristic plans on the same draws: the warm start (greedy then local search) and the baselines
to beat at the same budget: (a) the speech's rule, (b) greedy points per unit of effort, (c) an
even split of the budget. Plans are option indices per pushable indicator."""
from __future__ import annotations

import time

import numpy as np

from models.options import (
    Levels,
    OptionTables,
    contributions,
    outcome_from_raw,
    plan_raw,
)

from .request import metric_of_outcomes


def within_budget(levels: Levels, plan: np.ndarray, budget: float | None, departments: dict | None) -> bool:
    eff = np.array([levels.effort[j][o] for j, o in enumerate(plan)])
    if budget is not None and eff.sum() > budget + 1e-9:
        return False
    for d, b in (departments or {}).items():
        if sum(e for j, e in enumerate(eff) if levels.department[j] == d) > b + 1e-9:
            return False
    return True


def metric(tables: OptionTables, req, plan: np.ndarray) -> float:
    """The request's objective for a plan, from the option tables (min-effort: the target probability)."""
    return Scorer(tables, req, dense=False)(plan)[0]


def _names(tables, req):
    if req.objective == "joint-grade":
        return req.assessments or tuple(a.ca.name for a in tables.assessments)
    return (tables.assessment(req.assessment).ca.name,)


class Scorer:
    """Fast plan evaluation on the option tables: ``scorer(plan) -> (objective, expected home
    total)``; :meth:`move` evaluates a one-indicator change from a known state incrementally."""

    def __init__(self, tables: OptionTables, req, dense: bool = True):
        self.tables, self.req, self.L = tables, req, tables.levels
        self.ts = [tables.assessment(n) for n in _names(tables, req)]
        self.contrib = [contributions(t) if dense else None for t in self.ts]
        self.local = []
        for t in self.ts:
            m = np.full(int(self.L.offsets[-1]), -1, dtype=int)
            m[t.xs] = np.arange(len(t.xs))
            self.local.append(m)

    def raws(self, plan) -> list:
        return [plan_raw(t, self.L, plan, c) for t, c in zip(self.ts, self.contrib)]

    def value(self, plan, raws) -> tuple[float, float]:
        outs = {t.ca.name: outcome_from_raw(t, plan, r) for t, r in zip(self.ts, raws)}
        t0 = self.ts[0]
        return metric_of_outcomes(self.tables, self.req, outs), float(outs[t0.ca.name].total[:, t0.ca.home].mean())

    def __call__(self, plan) -> tuple[float, float]:
        return self.value(plan, self.raws(plan))

    def move(self, plan, raws, j: int, o: int):
        """(new plan, new raws) with indicator j moved to option o."""
        off = self.L.offsets
        new = []
        for t, c, m, r in zip(self.ts, self.contrib, self.local, raws):
            k_new, k_old = m[off[j] + o], m[off[j] + plan[j]]
            if k_new < 0:
                new.append(r)
            else:
                new.append(r + c[..., k_new] - c[..., k_old])
        p = plan.copy()
        p[j] = o
        return p, new


def greedy(tables: OptionTables, req, plan=None, deadline: float | None = None, scorer: Scorer | None = None) -> np.ndarray:
    """Raise levels one move at a time, best gain per unit of effort first (ties broken by the
    expected home score), while the budgets allow."""
    L = tables.levels
    sc = scorer or Scorer(tables, req)
    plan = np.zeros(L.n, dtype=int) if plan is None else plan.copy()
    raws = sc.raws(plan)
    cur, cur_h = sc.value(plan, raws)
    target = req.prob if req.objective == "min-effort" else None
    while True:
        if target is not None and cur >= target - 1e-12:
            break
        if deadline is not None and time.perf_counter() > deadline:
            break
        best, best_key = None, 0.0
        for j in range(L.n):
            for o in range(plan[j] + 1, len(L.push[j])):
                cand, cr = sc.move(plan, raws, j, o)
                if not within_budget(L, cand, req.budget, req.departments):
                    break
                v, hv = sc.value(cand, cr)
                de = L.effort[j][o] - L.effort[j][plan[j]]
                key = ((v - cur) + 1e-4 * (hv - cur_h) / max(abs(cur_h), 1.0)) / (de + 1e-9)
                if key > best_key + 1e-15:
                    best, best_key = (cand, cr, v, hv), key
        if best is None:
            break
        plan, raws, cur, cur_h = best
    return plan


def local_search(tables: OptionTables, req, plan: np.ndarray, deadline: float | None = None,
                 scorer: Scorer | None = None) -> np.ndarray:
    """Single-indicator moves and pair moves (one up, one down) while they improve the objective
    (or keep it and save effort), within the budgets."""
    L = tables.levels
    sc = scorer or Scorer(tables, req)
    plan = plan.copy()
    mine = req.objective == "min-effort"

    def better(v, e, cv, ce):
        if mine:
            return v >= req.prob - 1e-12 and e < ce - 1e-9
        return v > cv + 1e-12 or (abs(v - cv) <= 1e-12 and e < ce - 1e-9)

    raws = sc.raws(plan)
    cur, ce = sc.value(plan, raws)[0], L.plan_effort(plan)
    improved = True
    while improved:
        improved = False
        for j in range(L.n):
            for o in range(len(L.push[j])):
                if o == plan[j]:
                    continue
                if deadline is not None and time.perf_counter() > deadline:
                    return plan
                cand, cr = sc.move(plan, raws, j, o)
                if not within_budget(L, cand, req.budget, req.departments):
                    continue
                v, e = sc.value(cand, cr)[0], L.plan_effort(cand)
                if better(v, e, cur, ce):
                    plan, raws, cur, ce, improved = cand, cr, v, e, True
        if improved:
            continue
        for j in range(L.n):  # pairs: j up one level, k down one level
            if plan[j] + 1 >= len(L.push[j]):
                continue
            for k in range(L.n):
                if j == k or plan[k] == 0:
                    continue
                if deadline is not None and time.perf_counter() > deadline:
                    return plan
                c1, r1 = sc.move(plan, raws, j, plan[j] + 1)
                cand, cr = sc.move(c1, r1, k, plan[k] - 1)
                if not within_budget(L, cand, req.budget, req.departments):
                    continue
                v, e = sc.value(cand, cr)[0], L.plan_effort(cand)
                if better(v, e, cur, ce):
                    plan, raws, cur, ce, improved = cand, cr, v, e, True
                    break
    return plan


def warm_start(tables: OptionTables, req, seconds: float = 10.0) -> np.ndarray:
    """Greedy then local search on the same draws, within ``seconds``."""
    deadline = time.perf_counter() + seconds
    sc = Scorer(tables, req)
    p = greedy(tables, req, deadline=deadline, scorer=sc)
    return local_search(tables, req, p, deadline=deadline, scorer=sc)


# --------------------------------------------------------------------------- baselines


def _fill(levels: Levels, order: list[tuple[int, int]], budget, departments) -> np.ndarray:
    plan = np.zeros(levels.n, dtype=int)
    for j, o in order:
        if o <= plan[j]:
            continue
        cand = plan.copy()
        cand[j] = o
        if within_budget(levels, cand, budget, departments):
            plan = cand
    return plan


def speech_rule(scn, tables: OptionTables, req) -> np.ndarray:
    """(a) The speech's rule: first lift weak items (forecast short of basic) to basic, then
    strong items to full, in the scheme's order, as far as the budgets allow."""
    from models.schema import BaseStep, Binary, Ratio, Threshold

    L = tables.levels
    weak, strong = [], []
    for j, name in enumerate(L.names):
        ind = scn.indicator(name)
        r = ind.rule
        s = 1.0 if ind.direction == "higher" else -1.0
        x0 = L.value[j][0]
        if isinstance(r, Threshold):
            basic, full = r.basic, r.full
        elif isinstance(r, (Binary, BaseStep, Ratio)):
            basic = full = r.target
        else:
            continue

        def level_for(target):
            ok = [o for o in range(len(L.push[j])) if s * L.value[j][o] >= s * target - 1e-9]
            return ok[0] if ok else None

        if s * x0 < s * basic:
            o = level_for(basic)
            if o is not None:
                weak.append((j, o))
        else:
            o = level_for(full)
            if o is not None:
                strong.append((j, o))
    return _fill(L, weak + strong, req.budget, req.departments)


def greedy_points(tables: OptionTables, req) -> np.ndarray:
    """(b) Greedy by expected points per unit of effort (the home county's expected total)."""
    from dataclasses import replace

    r = replace(req, objective="score")
    return greedy(tables, r)


def even_split(tables: OptionTables, req) -> np.ndarray:
    """(c) Even split: every pushable indicator gets the same share of the budget (of its
    department's budget too) and takes the highest level that share pays for."""
    L = tables.levels
    if L.n == 0:
        return np.zeros(0, dtype=int)
    shares = np.full(L.n, np.inf if req.budget is None else req.budget / L.n)
    for d, b in (req.departments or {}).items():
        members = [j for j in range(L.n) if L.department[j] == d]
        for j in members:
            shares[j] = min(shares[j], b / len(members))
    plan = np.array([int(np.flatnonzero(L.effort[j] <= shares[j] + 1e-9).max(initial=0)) for j in range(L.n)], dtype=int)
    return plan

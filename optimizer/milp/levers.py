"""Levers that make the MILP smaller or its bound tighter without changing its optimum.

Each is valid for every plan within the budgets, so the optimum value is the same with or
without it (the brute-force tests hold both ways); ``benchmarks/bench_milp.py`` measures each
on its own.

* ``reach``: per-draw knapsack fixing. A draw whose condition "form ≥ threshold" no plan
  within the budgets can meet is decided (0) without a binary. The most a plan can add is
  bounded by the Lagrangian relaxation of the budget rows (the total and each department's),
  min over λ, μ ≥ 0 of ``λ·B + Σ_d μ_d·B_d + Σ_j max_o (d_jo − (λ + μ_d(j))·e_jo)``, on a grid
  of multipliers (any multipliers give a valid bound).
* ``merge``: draws with the same strengthened row share one binary, weighted by their count.
* ``covers``: pairs of options of two indicators that together exceed a budget row, lifted
  over the multiple choice: ``Σ_{o' ≥ o} x_jo' + Σ_{o' ≥ m} x_ko' ≤ 1``.
"""
from __future__ import annotations

import numpy as np

from models.options import AssessmentTables, Levels

LEVERS = ("reach", "merge", "covers")
DEFAULT_LEVERS = frozenset({"reach", "merge"})
TOL = 1e-9


class Reach:
    """Upper bounds on what a plan within the budgets adds to a form ``Σ d·x`` (d ≥ 0, one
    option per indicator), for one assessment's option variables."""

    def __init__(self, levels: Levels, t: AssessmentTables, budget: float | None, departments: dict):
        self.starts = np.array([int(np.searchsorted(t.xs, levels.offsets[j])) for j in t.inds], dtype=int)
        self.eff = levels.var_effort[t.xs]
        self.budget = budget
        depts = [d for d in (departments or {}) if any(levels.department[j] == d for j in t.inds)]
        self.dept_budget = np.array([float(departments[d]) for d in depts])
        self.onehot = np.zeros((len(t.inds), len(depts)))  # indicator -> its budgeted department
        for k, j in enumerate(t.inds):
            if levels.department[j] in depts:
                self.onehot[k, depts.index(levels.department[j])] = 1.0
        self.free = 1.0 - self.onehot.sum(axis=1)  # indicators with no department budget

    def __call__(self, d: np.ndarray) -> float:
        """Upper bound of max Σ_j d[j, o_j] over plans within the budgets."""
        if not len(self.starts):
            return 0.0
        plain = float(np.maximum.reduceat(d, self.starts).sum())
        if self.budget is None and not len(self.dept_budget):
            return plain
        pos = self.eff > 0
        ratios = d[pos] / self.eff[pos]
        grid = np.unique(np.r_[0.0, np.quantile(ratios, np.linspace(0, 1, 17))]) if len(ratios) else np.zeros(1)
        lam = grid if self.budget is not None else np.zeros(1)
        mu = grid if len(self.dept_budget) else np.zeros(1)
        # value[l, m, x] = d − (λ_l + μ_m)·e, best option per indicator
        v = d[None, None, :] - (lam[:, None, None] + mu[None, :, None]) * self.eff[None, None, :]
        best = np.maximum.reduceat(v, self.starts, axis=2)  # (L, M, J)
        per_dept = best @ self.onehot + mu[None, :, None] * self.dept_budget[None, None, :]  # (L, M, D)
        free = (best[:, 0, :] * self.free).sum(axis=1)  # μ does not apply to them: take column μ = 0
        total = per_dept.min(axis=1).sum(axis=1) + free + (lam * self.budget if self.budget is not None else 0.0)
        return float(min(plain, total.min()))


def conflict_rows(levels: Levels, budget: float | None, departments: dict) -> list[tuple[np.ndarray, float]]:
    """Lifted covers of size two from the budget rows: ``(option variables, 1)`` meaning that at
    most one of them is chosen."""
    rows = []
    off = levels.offsets
    budgets = []
    if budget is not None:
        budgets.append((float(budget), list(range(levels.n))))
    for d, b in (departments or {}).items():
        budgets.append((float(b), [j for j in range(levels.n) if levels.department[j] == d]))
    for b, members in budgets:
        for a, j in enumerate(members):
            for k in members[a + 1:]:
                ej, ek = levels.effort[j], levels.effort[k]
                last = None
                for o in range(1, len(ej)):
                    m = int(np.searchsorted(ek, b - ej[o] + TOL, side="left"))  # first level of k too dear with o
                    while m < len(ek) and ej[o] + ek[m] <= b + TOL:
                        m += 1
                    if m >= len(ek) or m == 0:
                        continue
                    if last is not None and m == last:
                        continue  # implied by the row of the previous level of j
                    last = m
                    rows.append((np.r_[np.arange(off[j] + o, off[j + 1]), np.arange(off[k] + m, off[k + 1])], 1.0))
    return rows

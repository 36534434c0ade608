"""The MILP as solved: the matrix problem, where the option variables are, and how to read a plan
from a solution or start the solver from one."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from models.options import Levels

from ..request import Request
from ..solver import Problem, solve


@dataclass
class Model:
    problem: Problem
    levels: Levels
    x_cols: np.ndarray  # (X,) problem column of every option variable
    request: Request
    n_draws: int
    n_rivals: int
    counts: dict = field(default_factory=dict)

    def plan_of(self, values: np.ndarray) -> np.ndarray:
        """Option index per pushable indicator from a solution vector."""
        xv = values[self.x_cols]
        off = self.levels.offsets
        return np.array([int(np.argmax(xv[off[j]:off[j + 1]])) for j in range(self.levels.n)], dtype=int)

    def start_from(self, plan: np.ndarray, solver: str = "highs") -> bool:
        """Warm start from a plan: every column's value, found by solving the model with the
        plan's x fixed (the remaining binaries decouple per draw). False if the plan is infeasible."""
        import copy

        off = self.levels.offsets
        fixed = copy.copy(self.problem)
        fixed.lb = list(self.problem.lb)
        fixed.ub = list(self.problem.ub)
        fixed.start = {}
        for j in range(self.levels.n):
            for o in range(off[j + 1] - off[j]):
                c = int(self.x_cols[off[j] + o])
                fixed.lb[c] = fixed.ub[c] = 1.0 if o == plan[j] else 0.0
        r = solve(fixed, solver, time_limit=30.0)
        if not r.has_plan:
            self.problem.start = {}
            return False
        self.problem.start = {k: float(v) for k, v in enumerate(r.values)}
        return True

"""The even-split baseline (optimizer.baselines.even_split / spread) spends the budget: as evenly
as the levels allow, never over budget, and until no next level fits."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.options import Levels
from optimizer.baselines import spread, within_budget


def levels(efforts, departments=None):
    n = len(efforts)
    return Levels(tuple(f"i{j}" for j in range(n)), np.arange(n), tuple(departments or (None,) * n),
                  tuple(np.arange(len(e), dtype=float) for e in efforts), tuple(np.asarray(e, dtype=float) for e in efforts),
                  tuple(np.zeros(len(e)) for e in efforts), tuple(("status quo",) + ("grid",) * (len(e) - 1) for e in efforts))


def test_hand_worked_even_split_spends_the_budget():
    """A: efforts 0, 1, 2, 3; B: 0, 2.5, 5; C: 0, 0.5, 4; budget 5.
    Raise, each time, the indicator whose effort after the raise is smallest and fits:
    next efforts (A 1, B 2.5, C 0.5) → C to 0.5 (left 4.5); (1, 2.5, 4) → A to 1 (left 3.5);
    (2, 2.5, 4) → A to 2 (left 2.5); (3, 2.5, 4: C's step 3.5 > 2.5) → B to 2.5 (left 0);
    nothing fits: plan (2, 1, 1), effort 2 + 2.5 + 0.5 = 5, the whole budget. (The old rule, a
    share of 5/3 each: A level 1, B none, C level 1: effort 1.5.)
    With B and C in a department of budget 2: C to 0.5; A to 1, 2, 3 (left 1.5); B's step 2.5
    and C's 3.5 exceed both what is left (1.5) and the department's (1.5): plan (3, 0, 1), effort 3.5."""
    L = levels([[0, 1, 2, 3], [0, 2.5, 5], [0, 0.5, 4]])
    plan = spread(L, 5.0, None)
    assert plan.tolist() == [2, 1, 1]
    assert L.plan_effort(plan) == pytest.approx(5.0, abs=1e-9)
    L = levels([[0, 1, 2, 3], [0, 2.5, 5], [0, 0.5, 4]], departments=[None, "x", "x"])
    plan = spread(L, 5.0, {"x": 2.0})
    assert plan.tolist() == [3, 0, 1]
    assert L.plan_effort(plan) == pytest.approx(3.5, abs=1e-9)
    assert spread(L, None, None).tolist() == [3, 2, 2]  # no budget: every top level


steps = st.lists(st.floats(0.05, 5.0), min_size=1, max_size=5)


@settings(max_examples=200, deadline=None)
@given(st.lists(steps, min_size=1, max_size=6), st.floats(0.0, 30.0), st.booleans())
def test_spends_at_least_the_budget_less_the_smallest_step(step_lists, budget, with_dept):
    """Never over any budget; what is left is less than the next step of every indicator below its
    top level (so the effort is at least the budget less the smallest such step), and with one
    department, less than that step within it too."""
    efforts = [np.concatenate([[0.0], np.cumsum(s)]) for s in step_lists]
    n = len(efforts)
    depts = [("x" if j % 2 else None) for j in range(n)] if with_dept else None
    dbudget = {"x": budget / 3} if with_dept else None
    L = levels(efforts, depts)
    plan = spread(L, budget, dbudget)
    assert within_budget(L, plan, budget, dbudget)
    spent = L.plan_effort(plan)
    below = [j for j in range(n) if plan[j] < len(efforts[j]) - 1]
    nxt = {j: efforts[j][plan[j] + 1] - efforts[j][plan[j]] for j in below}
    x_spent = sum(efforts[j][plan[j]] for j in range(n) if depts and depts[j] == "x")
    for j in below:
        assert nxt[j] > budget - spent - 1e-9 or (with_dept and depts[j] == "x" and nxt[j] > budget / 3 - x_spent - 1e-9)
    if not with_dept and below:
        assert spent >= budget - min(nxt.values()) - 1e-9

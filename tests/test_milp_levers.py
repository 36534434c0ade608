"""The MILP's optional levers (optimizer/milp/levers.py) never change its optimum: on random tiny
instances with a total budget and department budgets, every lever on and every lever off give
the optimum found by enumeration (1e-6), with HiGHS and with CBC, for every objective."""
from __future__ import annotations

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_milp import assert_milp_equals_enumeration, random_instance

from models.options import option_levels, option_tables
from models.projection import draw
from models.scenario import build_scenario
from models.scorecard import central_values
from models.scoring import compile_scenario
from optimizer.baselines import within_budget
from optimizer.milp.levers import LEVERS, Reach
from optimizer.request import Request


def _setup_departments(seed: int, n_draws: int):
    """A random tiny instance (tests/test_milp.py) whose indicators belong to two departments."""
    data, f, e = random_instance(seed)
    for k, ind in enumerate(data["assessments"][0]["indicators"]):
        ind["department"] = "甲" if k % 2 == 0 else "乙"
    scn = build_scenario(data, f, e)
    cs = compile_scenario(scn)
    L = option_levels(scn, cs, central_values(scn, cs))
    d = draw(scn, n_draws, seed % 1000)
    return scn, cs, L, d, option_tables(d.values, d.totals, cs, L)


OBJ = st.sampled_from(["score", "expected-rank", "rank-prob", "grade-prob", "min-effort"])


@settings(max_examples=30, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), objective=OBJ, solver=st.sampled_from(["highs", "cbc"]),
       share=st.sampled_from([0.3, 0.6]), dshare=st.sampled_from([0.2, 0.5, None]), rank=st.integers(1, 2),
       grade=st.integers(0, 1), levers=st.sampled_from([(), LEVERS]))
def test_levers_keep_the_optimum(seed, objective, solver, share, dshare, rank, grade, levers):
    scn, cs, L, d, T = _setup_departments(seed, 30)
    if L.n == 0 or np.prod(L.sizes) > 400:
        return
    full = float(sum(e[-1] for e in L.effort))
    deps = {} if dshare is None else {"甲": dshare * full, "乙": dshare * full / 2}
    req = Request(objective=objective, rank=rank, grade=grade, prob=0.4, budget=share * full, departments=deps,
                  target="rank" if seed % 2 else "grade")
    assert_milp_equals_enumeration(cs, L, d, T, req, solver, levers=levers)


@settings(max_examples=25, derandomize=True, deadline=None)
@given(seed=st.integers(0, 10**6), share=st.floats(0.0, 1.0), dshare=st.floats(0.0, 1.0))
def test_reach_bounds_the_best_plan_within_budgets(seed, share, dshare):
    """Reach (the Lagrangian bound of the budget rows) is never below the most any plan within
    the budgets adds to a form Σ d·x, found by enumeration."""
    scn, cs, L, d, T = _setup_departments(seed, 5)
    if L.n == 0 or np.prod(L.sizes) > 400:
        return
    t = T.assessments[0]
    full = float(sum(e[-1] for e in L.effort))
    deps = {"甲": dshare * full}
    rng = np.random.default_rng(seed)
    dvec = rng.uniform(0, 3, len(t.xs)) * (rng.random(len(t.xs)) < 0.7)
    reach = Reach(L, t, share * full, deps)
    best = 0.0
    for plan in itertools.product(*[range(len(p)) for p in L.push]):
        plan = np.array(plan)
        if within_budget(L, plan, share * full, deps):
            pos = np.searchsorted(t.xs, L.offsets[t.inds] + plan[t.inds])
            best = max(best, float(dvec[pos].sum()))
    assert reach(dvec) >= best - 1e-9

"""The MILP against exhaustive enumeration scored by models.scoring, on random tiny instances.

Every instance has ≤ 4 indicators with ≤ 6 options each, ≤ 3 rivals (one may be known only by
its total), ≤ 40 draws, and mixes rule kinds (threshold with over-full bonus into a capped
bonus block, binary, bands, efficacy, ratio to best, rank points, comparison with the class
mean), block caps and floors, a pool cap, vetoes of every effect, promotion, both tie rules and
grades by score, rank or quota. For every objective the MILP's optimum must equal the best
plan found by enumeration (1e-6), its objective must equal the re-score of its own plan, and
budgets must hold.
"""
from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.options import evaluate, option_levels, option_tables
from models.projection import draw
from models.scenario import build_scenario
from models.scorecard import central_values
from models.scoring import compile_scenario
from optimizer.baselines import within_budget
from optimizer.errors import Infeasible
from optimizer.milp import build
from optimizer.plan import rescore
from optimizer.request import Request, metric_of_outcomes
from optimizer.solver import solve


def random_instance(seed: int):
    """A random tiny scenario (dict, forecasts csv, effort csv) from a seed."""
    rng = np.random.default_rng(seed)
    n_riv = int(rng.integers(1, 4))
    total_only = bool(rng.integers(0, 2)) and n_riv >= 2
    counties = [{"name": "H", "peer_class": "k"}] + [{"name": f"R{k}", "peer_class": "k"} for k in range(n_riv)]
    kinds = ["threshold", "binary", "bands", "efficacy", "best_ratio", "rank_points", "vs_average", "threshold"]
    n_ind = int(rng.integers(2, 5))
    chosen = [kinds[int(k)] for k in rng.integers(0, len(kinds), n_ind)]
    blocks = [{"name": "core"}, {"name": "bonus", "cap": float(rng.choice([0.5, 1.0, 2.0]))}]
    if rng.random() < 0.5:
        blocks[0]["cap"] = float(rng.choice([12.0, 18.0, 25.0]))
    if rng.random() < 0.3:
        blocks.append({"name": "deduct", "floor": -1.0})
    pools = []
    if rng.random() < 0.4:
        pools = [{"name": "pool", "cap": 1.5}]
        blocks[1]["pool"] = "pool"
    inds, frows, erows = [], [], []
    peer = {"efficacy", "best_ratio", "rank_points", "vs_average"}
    for k, kind in enumerate(chosen):
        name = f"i{k}"
        direction = "higher" if rng.random() < 0.7 else "lower"
        s = 1.0 if direction == "higher" else -1.0
        centre = 10.0
        pts = float(rng.choice([4.0, 5.0, 8.0]))
        block = "core"
        if kind == "threshold":
            basic = centre + s * float(rng.uniform(-1.0, 0.8))
            full = basic + s * float(rng.uniform(0.5, 1.5))
            rule = {"kind": "threshold", "basic": basic, "full": full, "basic_share": 0.6}
            if rng.random() < 0.6:
                rule["over"] = {"steps": {"per": 0.5, "points": 0.5, "rounding": str(rng.choice(["prorata", "floor"]))},
                                "cap": 1.5, "pool": "bonus"}
            if rng.random() < 0.4:
                rule["below"] = {"mode": "deduct", "steps": {"per": 0.5, "points": 1.0}, "floor": -2.0}
        elif kind == "binary":
            rule = {"kind": "binary", "target": centre + s * float(rng.uniform(-0.5, 1.0))}
        elif kind == "bands":
            e1 = centre + float(rng.uniform(-1, 0.5))
            bands = [{"upper": e1, "points": 0.0 if s > 0 else pts}, {"lower": e1, "upper": e1 + 1.0, "points": pts / 2},
                     {"lower": e1 + 1.0, "points": pts if s > 0 else 0.0}]
            rule = {"kind": "bands", "bands": bands}
        elif kind == "vs_average":
            rule = {"kind": "vs_average", "reference": "class", "base_share": 0.6, "steps": {"per": 0.5, "points": 0.5}}
        elif kind == "rank_points":
            rule = {"kind": "rank_points", "step": 0.2}
        else:
            rule = {"kind": kind}
        if kind == "binary" and rng.random() < 0.3 and len(blocks) > 2:
            block = "deduct"
        inds.append({"name": name, "block": block, "direction": direction, "points": pts, "rule": rule,
                     "department": f"d{int(rng.integers(0, 2))}"})
        for c in counties:
            if total_only and c["name"] == f"R{n_riv - 1}" and kind not in peer:
                continue
            mean = centre + float(rng.normal(0, 0.6))
            frows.append(f"{c['name']},{name},normal,{mean:.4f},{float(rng.uniform(0.1, 0.6)):.4f}")
        if rng.random() < 0.85:
            top = float(rng.uniform(0.8, 2.0))
            erows.append(f"{name},{top / 2:.4f},{float(rng.uniform(0.5, 1.5)):.4f}")
            erows.append(f"{name},{top:.4f},{float(rng.uniform(1.5, 3.0)):.4f}")
    if total_only:
        counties[-1]["totals"] = {"main": {"mean": float(rng.uniform(8, 20)), "sd": 2.0}}
    vetoes = []
    thr = [i for i in inds if i["rule"]["kind"] == "threshold"]
    if thr and rng.random() < 0.6:
        effect = str(rng.choice(["zero_indicator", "cap_grade", "drop_grade", "disqualify"]))
        v = {"name": "v", "indicator": thr[0]["name"], "effect": effect}
        if effect == "cap_grade":
            v["grade"] = "二等"
        vetoes.append(v)
    if len(thr) > 1 and rng.random() < 0.4:
        vetoes.append({"name": "v2", "indicator": thr[1]["name"], "effect": "drop_grade"})
    by = str(rng.choice(["score", "rank", "quota"]))
    if by == "score":
        hi = float(sum(i["points"] for i in inds)) * 0.6
        levels = [{"grade": "一等", "min_score": hi}, {"grade": "二等", "min_score": hi * 0.6}, {"grade": "三等"}]
    elif by == "rank":
        levels = [{"grade": "一等", "max_rank": 1}, {"grade": "二等", "max_rank": 2}, {"grade": "三等"}]
    else:
        levels = [{"grade": "一等", "share": 0.34}, {"grade": "二等", "share": 0.67}, {"grade": "三等"}]
    assessment = {"name": "main", "blocks": blocks, "pools": pools, "indicators": inds, "vetoes": vetoes,
                  "grades": {"by": by, "levels": levels},
                  "tie_break": str(rng.choice(["shared", "home_loses"]))}
    if rng.random() < 0.3:
        inds.append({"name": "award", "block": "bonus", "points": 1.0, "kind": "bonus",
                     "rule": {"kind": "per_event", "points": 1.0, "cap": 1.0}})
        for c in counties[:-1] if total_only else counties:
            frows.append(f"{c['name']},award,bernoulli,{float(rng.uniform(0.1, 0.5)):.3f},")
        assessment["promotion"] = {"indicator": "award"}
        if rng.random() < 0.5:
            erows.append("award,1.0,2.0")
    data = {"scenario": {"name": "rnd", "year": 2024, "elapsed": 0.6, "home": "H"}, "counties": counties,
            "assessments": [assessment], "effort": {"grid": int(rng.integers(0, 2))}}
    f = "county,indicator,dist,mean,sd\n" + "\n".join(frows) + "\n"
    e = "indicator,upto,cost\n" + "\n".join(erows) + "\n" if erows else None
    return data, f, e


def _setup(seed: int, n_draws: int):
    data, f, e = random_instance(seed)
    scn = build_scenario(data, f, e)
    cs = compile_scenario(scn)
    L = option_levels(scn, cs, central_values(scn, cs))
    d = draw(scn, n_draws, seed % 1000)
    return scn, cs, L, d, option_tables(d.values, d.totals, cs, L)


def _plans(L):
    return [np.array(p, dtype=int) for p in itertools.product(*[range(len(p)) for p in L.push])]


def brute(cs, L, d, T, req):
    """Best value over every plan within the budgets, each re-scored by models.scoring."""
    best = None
    for plan in _plans(L):
        if not within_budget(L, plan, req.budget, req.departments):
            continue
        v, scores = rescore(cs, d.values, d.totals, T, req, plan)
        if req.objective == "min-effort":
            if metric_of_outcomes(T, req, {s.name: s for s in scores}) < req.prob - 1e-12:
                continue
            best = v if best is None else min(best, v)
        else:
            best = v if best is None else max(best, v)
    return best


OBJ = st.sampled_from(["score", "expected-rank", "rank-prob", "grade-prob", "min-effort"])


@settings(max_examples=40, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), objective=OBJ, solver=st.sampled_from(["highs", "cbc"]),
       budget_share=st.sampled_from([0.3, 0.6, None]), rank=st.integers(1, 2), grade=st.integers(0, 1))
def test_milp_equals_enumeration(seed, objective, solver, budget_share, rank, grade):
    scn, cs, L, d, T = _setup(seed, 30)
    if L.n == 0 or np.prod(L.sizes) > 400:
        return
    full = float(sum(e[-1] for e in L.effort))
    budget = None if budget_share is None else budget_share * full
    req = Request(objective=objective, rank=rank, grade=grade, prob=0.4, budget=budget,
                  target="rank" if seed % 2 else "grade")
    assert_milp_equals_enumeration(cs, L, d, T, req, solver)


def assert_milp_equals_enumeration(cs, L, d, T, req, solver, **build_options):
    """The MILP's optimum equals the best plan by enumeration (1e-6); its plan keeps the budgets
    and re-scores to its objective; infeasible exactly when no plan qualifies. ``build_options``
    go to :func:`build` (e.g. ``levers``)."""
    best = brute(cs, L, d, T, req)
    try:
        m = build(T, req, **build_options)
    except Infeasible:
        assert best is None
        return
    r = solve(m.problem, solver, time_limit=60)
    if best is None:
        assert r.status == "infeasible"
        return
    assert r.status == "optimal"
    assert abs(r.objective - best) <= 1e-6
    plan = m.plan_of(r.values)
    assert within_budget(L, plan, req.budget, req.departments)
    value, _ = rescore(cs, d.values, d.totals, T, req, plan)
    assert abs(value - r.objective) <= 1e-6


@settings(max_examples=15, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6))
def test_tables_evaluate_equals_scoring(seed):
    """options.evaluate (table lookups) gives the same totals, ranks and grades as scoring the
    pushed draws directly, for every plan."""
    scn, cs, L, d, T = _setup(seed, 20)
    assert_tables_equal_scoring(cs, L, d, T, 60)


def assert_tables_equal_scoring(cs, L, d, T, n_plans: int):
    """For the first ``n_plans`` plans: evaluate() on the tables = scoring the pushed draws."""
    from models.projection import apply_push
    from models.scoring import score_all

    for plan in _plans(L)[:n_plans]:
        out = evaluate(T.assessments[0], L, plan)
        sc = score_all(apply_push(d.values, cs, L.push_vector(plan, len(cs.indicators))), cs, drawn_totals=d.totals)[0]
        np.testing.assert_allclose(out.total, sc.total, atol=1e-9)
        np.testing.assert_array_equal(out.rank, sc.rank)
        np.testing.assert_array_equal(out.grade, sc.grade)


@settings(max_examples=15, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), share=st.floats(0.0, 1.0), dshare=st.floats(0.0, 1.0),
       objective=st.sampled_from(["score", "expected-rank", "rank-prob", "grade-prob"]),
       solver=st.sampled_from(["highs", "cbc"]))
def test_budget_never_exceeded(seed, share, dshare, objective, solver):
    """Total and department budgets hold for every objective; the optimum equals enumeration."""
    scn, cs, L, d, T = _setup(seed, 15)
    if L.n == 0 or np.prod(L.sizes) > 400:
        return
    budget = share * float(sum(e[-1] for e in L.effort))
    d0 = dshare * float(sum(e[-1] for j, e in enumerate(L.effort) if L.department[j] == "d0"))
    req = Request(objective=objective, budget=budget, departments={"d0": d0}, rank=1, grade=1)
    m = build(T, req)
    r = solve(m.problem, solver, time_limit=30)
    assert r.status == "optimal"
    plan = m.plan_of(r.values)
    assert L.plan_effort(plan) <= budget + 1e-9
    assert sum(L.effort[j][plan[j]] for j in range(L.n) if L.department[j] == "d0") <= d0 + 1e-9
    assert abs(r.objective - brute(cs, L, d, T, req)) <= 1e-6


def test_tiny_scenario_worked_example():
    """tests/data/tiny with a cost curve: exports 4.5 → full 5.0 needs push 0.5 (effort 0.5·1 = 0.5);
    energy 0.82 → basic 0.80 needs 0.02 (effort 0.02), to full 0.70 needs 0.12
    (0.05·1 + 0.07·3 = 0.26). With budget 0.6 the best expected score pushes exports to 5.0 and
    energy to basic at the centre: effort 0.52, the rest of the budget buys no whole level."""
    import yaml

    tiny = Path(__file__).parent / "data" / "tiny"
    data = yaml.safe_load((tiny / "scenario.yaml").read_text(encoding="utf-8"))
    f = (tiny / "forecasts.csv").read_text(encoding="utf-8")
    e = "indicator,upto,cost\nexports,0.5,1\nexports,1.0,2\nenergy,0.05,1\nenergy,0.15,3\n"
    scn = build_scenario(data, f, e)
    cs = compile_scenario(scn)
    L = option_levels(scn, cs, central_values(scn, cs))
    assert list(L.names) == ["exports", "energy"]
    np.testing.assert_allclose(L.effort[1][list(L.push[1]).index(0.12)], 0.26)
    np.testing.assert_allclose(L.effort[0][list(L.push[0]).index(0.5)], 0.5)
    assert L.kind[0][list(L.push[0]).index(0.5)] == "breakpoint"
    d = draw(scn, 40, 3)
    T = option_tables(d.values, d.totals, cs, L)
    req = Request(objective="score", budget=0.6)
    m = build(T, req)
    r = solve(m.problem, "highs")
    plan = m.plan_of(r.values)
    assert r.status == "optimal"
    assert abs(rescore(cs, d.values, d.totals, T, req, plan)[0] - r.objective) <= 1e-6
    assert abs(r.objective - brute(cs, L, d, T, req)) <= 1e-6
    assert L.plan_effort(plan) <= 0.6 + 1e-12


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_joint_grade_equals_enumeration(solver):
    """Joint grade objective over one assessment equals the grade-prob objective's enumeration."""
    for seed in (11, 12, 13):
        scn, cs, L, d, T = _setup(seed, 20)
        if L.n == 0 or np.prod(L.sizes) > 400:
            continue
        req = Request(objective="joint-grade", grade=1, assessments=("main",))
        best = brute(cs, L, d, T, req)
        m = build(T, req)
        r = solve(m.problem, solver)
        assert abs(r.objective - best) <= 1e-6


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_solver_seam_statuses(solver):
    """max x + y, x, y binary: with x + y ≤ 1 the optimum is 1 (proven); with x + y ≥ 3 no plan exists."""
    from optimizer.solver import Problem

    p = Problem(sense="max")
    x, y = p.add_var("x", cost=1.0), p.add_var("y", cost=1.0)
    p.add_row([x, y], [1.0, 1.0], hi=1.0)
    r = solve(p, solver)
    assert r.status == "optimal" and r.objective == 1.0 and r.bound == 1.0 and r.gap == 0.0
    p.add_row([x, y], [1.0, 1.0], lo=3.0)
    assert solve(p, solver).status == "infeasible"


def two_assessments(seed: int):
    """The random instance's assessment twice: the copy's indicators renamed (b_…) with their
    forecasts, effort rows and vetoes, its grade thresholds eased; a total-only rival gets a
    total for both."""
    import copy

    data, f, e = random_instance(seed)
    a = copy.deepcopy(data["assessments"][0])
    a["name"] = "second"
    for ind in a["indicators"]:
        ind["name"] = "b_" + ind["name"]
    for v in a["vetoes"]:
        v["indicator"] = "b_" + v["indicator"]
        v["name"] = "b_" + v["name"]
    if a.get("promotion"):
        a["promotion"]["indicator"] = "b_" + a["promotion"]["indicator"]
    for lv in a["grades"]["levels"]:
        if lv.get("min_score") is not None:
            lv["min_score"] *= 0.8
    data["assessments"].append(a)
    for c in data["counties"]:
        if "totals" in c:
            c["totals"]["second"] = dict(c["totals"]["main"])
    lines = f.strip().splitlines()
    f = "\n".join(lines + [",".join([r.split(",")[0], "b_" + r.split(",")[1]] + r.split(",")[2:]) for r in lines[1:]]) + "\n"
    if e:
        el = e.strip().splitlines()
        e = "\n".join(el + ["b_" + r for r in el[1:]]) + "\n"
    return data, f, e


@pytest.mark.parametrize("seed", [3, 7, 21])
def test_joint_grade_two_assessments_equals_enumeration(seed):
    """P(grade ≥ g in both assessments), both sharing one budget, equals enumeration; and over
    the second alone (the first must then not count)."""
    data, f, e = two_assessments(seed)
    scn = build_scenario(data, f, e)
    cs = compile_scenario(scn)
    L = option_levels(scn, cs, central_values(scn, cs))
    if L.n == 0 or np.prod(L.sizes) > 2000:
        pytest.skip("too many plans to enumerate")
    d = draw(scn, 20, seed)
    T = option_tables(d.values, d.totals, cs, L)
    budget = 0.4 * float(sum(x[-1] for x in L.effort))
    for g, names in ((0, ("main", "second")), (1, ("main", "second")), (0, ("second",))):
        req = Request(objective="joint-grade", grade=g, assessments=names, budget=budget)
        best = brute(cs, L, d, T, req)
        for solver in ("highs", "cbc"):
            m = build(T, req)
            r = solve(m.problem, solver)
            assert abs(r.objective - best) <= 1e-6
            assert abs(rescore(cs, d.values, d.totals, T, req, m.plan_of(r.values))[0] - r.objective) <= 1e-6


def _constrained_instance(seed: int, n_draws: int):
    """A random instance and random planner constraints on it: a locked indicator, a forced push
    (anywhere in reach, usually not an option level), 保基本分 on a threshold indicator, and a cap
    on department d0's share of the budget (each with some probability)."""
    from optimizer.constraints import Item, basic_target

    scn, cs, L, d, T = _setup(seed, n_draws)
    rng = np.random.default_rng(seed + 7)
    items = []
    names = list(L.names)
    if names and rng.random() < 0.5:
        items.append(Item("lock", "lock", indicator=str(rng.choice(names))))
    if names and rng.random() < 0.7:
        j = int(rng.integers(0, L.n))
        items.append(Item("push", "force", indicator=names[j], value=float(rng.uniform(0.05, 0.9)) * L.push[j][-1]))
    thr = [n for n in names if basic_target(scn.indicator(n)) is not None]
    if thr and rng.random() < 0.5:
        n = str(rng.choice(thr))
        s = 1.0 if scn.indicator(n).direction == "higher" else -1.0
        centre = central_values(scn, cs)[cs.home, cs.indicators.index(n)]
        items.append(Item("push", "basic", indicator=n, value=max(0.0, s * (basic_target(scn.indicator(n)) - centre))))
    if rng.random() < 0.5:
        items.append(Item("share", "share", department="d0", value=float(rng.choice([0.3, 0.6]))))
    return scn, cs, L, d, T, items


def _brute_constrained(scn, cs, L, d, req, items):
    """Best value over every plan meeting the constraints, enumerated on each indicator's levels
    plus the pushes the constraints require, each plan's effort from the cost curve and its value
    re-scored by models.scoring; the constraints are checked on the plan's pushes directly."""
    from dataclasses import replace

    from models.options import curve_cost

    curves = {}
    for r in scn.effort_rows:
        curves.setdefault(r.indicator, []).append((r.upto, r.cost))
    pushes = []
    for j, n in enumerate(L.names):
        extra = [it.value for it in items if it.kind == "push" and it.indicator == n and it.value <= L.push[j][-1]]
        pushes.append(np.unique(np.r_[L.push[j], extra]))
    eff = [curve_cost(p, np.array([u for u, _ in curves[n]]), np.array([c for _, c in curves[n]]))
           for p, n in zip(pushes, L.names)]
    U = replace(L, push=tuple(pushes), effort=tuple(eff), value=tuple(pushes), kind=tuple(("x",) * len(p) for p in pushes))
    TU = option_tables(d.values, d.totals, cs, U)
    share = {it.department: it.value * req.budget for it in items if it.kind == "share"}
    best = None
    for plan in _plans(U):
        p = {n: U.push[j][o] for j, (n, o) in enumerate(zip(U.names, plan))}
        if any(it.kind == "lock" and p[it.indicator] > 0 for it in items):
            continue
        if any(it.kind == "push" and it.indicator in p and p[it.indicator] < it.value - 1e-12 for it in items):
            continue
        if not within_budget(U, plan, req.budget, share):
            continue
        v, _ = rescore(cs, d.values, d.totals, TU, req, plan)
        best = v if best is None else max(best, v)
    return best


@settings(max_examples=25, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), objective=st.sampled_from(["score", "rank-prob", "grade-prob"]),
       solver=st.sampled_from(["highs", "cbc"]), budget_share=st.sampled_from([0.3, 0.7]))
def test_milp_with_constraints_equals_enumeration(seed, objective, solver, budget_share):
    """A planner's constraints (lock, force, 保基本分, a department's share of the budget) are honoured
    exactly: the MILP's optimum equals the best constrained plan found by enumeration, and its plan
    meets every constraint; a set that no plan meets is refused (Infeasible) exactly when
    enumeration finds no plan. Indicators without a cost curve are never pushed (a required push
    on one of them is simply not met by any plan)."""
    from optimizer.constraints import apply, plan_levels

    scn, cs, L, d, T, items = _constrained_instance(seed, 30)
    if L.n == 0 or np.prod(L.sizes + 1) > 600:
        return
    items = [it for it in items if it.indicator is None or it.indicator in L.names]
    budget = budget_share * float(sum(e[-1] for e in L.effort))
    base = Request(objective=objective, rank=1, grade=1, budget=budget)
    best = _brute_constrained(scn, cs, L, d, base, items)
    try:
        req = apply(scn, base, items)
    except Infeasible:
        assert best is None
        return
    assert best is not None
    LC = plan_levels(scn, cs, req)
    TC = option_tables(d.values, d.totals, cs, LC)
    m = build(TC, req)
    r = solve(m.problem, solver, time_limit=60)
    assert r.status == "optimal"
    assert abs(r.objective - best) <= 1e-6
    plan = m.plan_of(r.values)
    push = {n: LC.push[j][o] for j, (n, o) in enumerate(zip(LC.names, plan))}
    for it in items:
        if it.kind == "lock":
            assert push[it.indicator] == 0.0
        elif it.kind == "push":
            assert push[it.indicator] >= it.value - 1e-12
        elif it.kind == "share":
            used = sum(LC.effort[j][o] for j, o in enumerate(plan) if LC.department[j] == it.department)
            assert used <= it.value * budget + 1e-9
    assert LC.plan_effort(plan) <= budget + 1e-9
    assert abs(rescore(cs, d.values, d.totals, TC, req, plan)[0] - r.objective) <= 1e-6


# --------------------------------------------------------------------------- issue 13: real schemes


def rich_instance(seed: int):
    """A random tiny scheme with what real published schemes use (issue 13): each county's own
    targets (targets.csv: threshold basic/full, a completion target, a base), a piecewise rule of a
    completion rate or of the change over the county's own base, a survey from answer counts
    (drawn multinomially), one figure scored twice (value_of), conditions across items (a pushable
    trigger zeroing another pushable or unpushable indicator, zeroing or capping a block) and grades
    by rank or quota with a minimum score. Returns (dict, forecasts, effort, targets, surveys)."""
    rng = np.random.default_rng(seed + 13_000)
    n_riv = int(rng.integers(1, 3))
    names = ["H"] + [f"R{k}" for k in range(n_riv)]
    counties = [{"name": c, "peer_class": "k"} for c in names]
    blocks = [{"name": "core"}, {"name": "extra", "cap": float(rng.choice([6.0, 9.0]))}, {"name": "bonus", "cap": 1.5}]
    inds, frows, erows, trows, srows = [], [], [], [], []

    def effort(name, top):
        erows.append(f"{name},{top / 2:.4f},{float(rng.uniform(0.5, 1.5)):.4f}")
        erows.append(f"{name},{top:.4f},{float(rng.uniform(1.5, 3.0)):.4f}")

    # t: threshold with each county's own basic and full; over-full bonus into the bonus block
    inds.append({"name": "t", "block": "core", "points": 6.0,
                 "rule": {"kind": "threshold", "basic": 9.5, "full": 10.5,
                          "over": {"steps": {"per": 0.5, "points": 0.5, "rounding": "floor"}, "cap": 1.0, "pool": "bonus"}}})
    for c in names:
        b = 9.5 + float(rng.uniform(-0.8, 0.8))
        trows.append(f"{c},t,{b:.4f},{b + float(rng.uniform(0.6, 1.4)):.4f},,")
        frows.append(f"{c},t,normal,{10 + float(rng.normal(0, 0.5)):.4f},{float(rng.uniform(0.2, 0.5)):.4f}")
    effort("t", float(rng.uniform(0.8, 1.6)))
    # p: piecewise of the completion rate (own target) or of the change over the own base, a jump at 0/100
    if rng.random() < 0.5:
        scored, table = {"of": "completion"}, [[85, 0], [100, 3], [100, 4.5], [115, 6]]
        for c in names:
            trows.append(f"{c},p,,,{10 + float(rng.uniform(-0.7, 0.7)):.4f},")
    else:
        scored, table = {"of": "change"}, [[-1.5, 0], [0, 3], [0, 4.5], [1.5, 6]]
        for c in names:
            trows.append(f"{c},p,,,,{10 + float(rng.uniform(-0.7, 0.7)):.4f}")
    inds.append({"name": "p", "block": "extra", "points": 6.0, "scored": scored,
                 "rule": {"kind": "piecewise", "table": table, "closed": str(rng.choice(["left", "right"]))}})
    for c in names:
        frows.append(f"{c},p,normal,{10 + float(rng.normal(0, 0.5)):.4f},{float(rng.uniform(0.2, 0.5)):.4f}")
    effort("p", float(rng.uniform(0.8, 1.6)))
    # s: a survey from answer counts, two channels, 不了解 left out of the denominator
    inds.append({"name": "s", "block": "core", "points": 4.0,
                 "rule": {"kind": "survey", "answers": {"满意": 1.0, "基本满意": 0.75, "不满意": 0.55},
                          "excluded": ["不了解"], "channels": {"电话": 0.6, "问卷": 0.4}}})
    for c in names:
        for ch in ("电话", "问卷"):
            for a in ("满意", "基本满意", "不满意", "不了解"):
                srows.append(f"{c},s,{ch},{a},{int(rng.integers(1, 12))}")
    if rng.random() < 0.5:
        effort("s", float(rng.uniform(2.0, 6.0)))
    # v: the value of t scored a second time (one push, two effects)
    inds.append({"name": "v", "block": "extra", "points": 3.0, "value_of": "t",
                 "rule": {"kind": str(rng.choice(["rank_points", "best_ratio"]))} | ({"step": 0.3} if rng.random() < 0.5 else {})})
    if inds[-1]["rule"]["kind"] == "best_ratio":
        inds[-1]["rule"].pop("step", None)
    # e: an event count (lower is better), the trigger of a condition; u: an unpushed indicator
    inds.append({"name": "e", "block": "core", "direction": "lower", "points": 2.0,
                 "rule": {"kind": "per_event", "points": -1.0, "cap": 2.0}})
    inds.append({"name": "u", "block": "extra", "points": 4.0, "rule": {"kind": "binary", "target": 10.0}})
    for c in names:
        frows.append(f"{c},e,normal,{float(rng.uniform(0.3, 1.4)):.4f},{float(rng.uniform(0.2, 0.6)):.4f}")
        frows.append(f"{c},u,normal,{10.2 + float(rng.normal(0, 0.3)):.4f},0.3")
    effort("e", float(rng.uniform(1.0, 1.5)))
    vetoes = []
    pick = rng.permutation(5)[: int(rng.integers(2, 4))]
    for k in pick:
        if k == 0:  # a pushable trigger zeroes another pushable indicator (本项不计分)
            vetoes.append({"name": "c0", "indicator": "e", "when": "at_least", "value": 1.0, "effect": "zero_indicator",
                           "target": "p"})
        elif k == 1:  # … an indicator no plan pushes
            when = {"indicator": "e", "when": "at_least", "value": 1.0} if rng.random() < 0.6 else {"indicator": "t"}
            vetoes.append({"name": "c1", "effect": "zero_indicator", "target": "u"} | when)
        elif k == 2:  # 该板块不得分
            vetoes.append({"name": "c2", "indicator": "e", "when": "at_least", "value": 1.0, "effect": "zero_block",
                           "target": "extra"})
        elif k == 3:
            vetoes.append({"name": "c3", "indicator": "e", "when": "at_least", "value": 1.0, "effect": "cap_block",
                           "target": "core", "cap": 5.0})
        else:  # 取消评优资格
            vetoes.append({"name": "c4", "indicator": "p", "when": "below", "value": 95.0 if scored["of"] == "completion"
                           else -0.5, "effect": "cap_grade", "grade": "二等"})
    by = str(rng.choice(["rank", "quota"]))
    best = float(rng.uniform(10, 16))
    first = {"grade": "一等", "min_score": best} | ({"max_rank": 1} if by == "rank" else {"share": 0.34})
    second = {"grade": "二等", "min_score": best - 4} | ({"max_rank": 2} if by == "rank" else {"share": 0.67})
    assessment = {"name": "main", "blocks": blocks, "indicators": inds, "vetoes": vetoes,
                  "grades": {"by": by, "levels": [first, second, {"grade": "三等"}]},
                  "tie_break": str(rng.choice(["shared", "home_loses"]))}
    data = {"scenario": {"name": "rich", "year": 2024, "elapsed": 0.6, "home": "H"}, "counties": counties,
            "assessments": [assessment], "effort": {"grid": int(rng.integers(0, 2))}}
    f = "county,indicator,dist,mean,sd\n" + "\n".join(frows) + "\n"
    e = "indicator,upto,cost\n" + "\n".join(erows) + "\n"
    t = "county,indicator,basic,full,target,base\n" + "\n".join(trows) + "\n"
    s = "county,indicator,channel,answer,count\n" + "\n".join(srows) + "\n"
    return data, f, e, t, s


def _rich_setup(seed: int, n_draws: int):
    data, f, e, t, s = rich_instance(seed)
    scn = build_scenario(data, f, e, targets_text=t, surveys_text=s)
    cs = compile_scenario(scn)
    L = option_levels(scn, cs, central_values(scn, cs))
    d = draw(scn, n_draws, seed % 1000)
    return scn, cs, L, d, option_tables(d.values, d.totals, cs, L)


@settings(max_examples=40, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), objective=OBJ, solver=st.sampled_from(["highs", "cbc"]),
       budget_share=st.sampled_from([0.3, 0.6]), rank=st.integers(1, 2), grade=st.integers(0, 1))
def test_milp_equals_enumeration_real_scheme_rules(seed, objective, solver, budget_share, rank, grade):
    """The MILP's optimum equals enumeration (each plan re-scored by models.scoring) with per-county
    targets, a piecewise rule, counted surveys, value_of, conditions across items and a rank quota
    with a minimum score; and the table path equals scoring for every plan."""
    scn, cs, L, d, T = _rich_setup(seed, 25)
    if np.prod(L.sizes) > 300:
        return
    full = float(sum(x[-1] for x in L.effort))
    req = Request(objective=objective, rank=rank, grade=grade, prob=0.4, budget=budget_share * full,
                  target="rank" if seed % 2 else "grade")
    assert_milp_equals_enumeration(cs, L, d, T, req, solver)


@settings(max_examples=10, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6))
def test_rich_tables_evaluate_equals_scoring(seed):
    """options.evaluate gives the totals, ranks and grades of scoring the pushed draws, for every
    plan, with gates, value_of layers and per-county targets."""
    scn, cs, L, d, T = _rich_setup(seed, 20)
    assert_tables_equal_scoring(cs, L, d, T, 80)


@pytest.mark.parametrize("seed", [1, 10, 18, 33, 38, 60])
def test_every_plan_fixed_equals_its_rescore(seed):
    """Plan by plan, not only at the optimum: with the options of a plan fixed, the MILP's best
    objective (expected score, and P(rank 1)) equals models.scoring's re-score of that plan, on
    instances whose conditions gate points (so every gate row is exercised where it binds)."""
    import copy

    scn, cs, L, d, T = _rich_setup(seed, 15)
    plans = _plans(L)
    rng = np.random.default_rng(seed)
    chosen = [plans[int(k)] for k in rng.choice(len(plans), size=min(25, len(plans)), replace=False)]
    for objective in ("score", "rank-prob"):
        req = Request(objective=objective, rank=1)
        m = build(T, req)
        off = L.offsets
        for plan in chosen:
            p = copy.copy(m.problem)
            p.lb, p.ub, p.start = list(m.problem.lb), list(m.problem.ub), {}
            for j in range(L.n):
                for o in range(off[j + 1] - off[j]):
                    c = int(m.x_cols[off[j] + o])
                    p.lb[c] = p.ub[c] = 1.0 if o == plan[j] else 0.0
            r = solve(p, "highs")
            assert r.status == "optimal"
            assert abs(r.objective - rescore(cs, d.values, d.totals, T, req, plan)[0]) <= 1e-6

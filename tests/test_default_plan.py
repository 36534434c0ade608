"""The optimizer on the default scenario (scenarios/sanmen): every objective verified against
the scoring model, budgets that always hold, and the plan beside the baselines at three budgets.

Plans are compared on an evaluation sample none of them has seen (stream 2, 10 000 draws, the
same draws for every plan: common random numbers)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.scenario import load_scenario
from optimizer import plan as P
from optimizer import recommend as rec
from optimizer.request import Request

SANMEN = "scenarios/sanmen"


@pytest.fixture(scope="module")
def scn():
    return load_scenario(SANMEN)


def request(scn, objective, budget=None, **kw):
    eff = scn.spec.effort
    return Request(objective=objective, budget=eff.budget if budget is None else budget,
                   departments=dict(eff.departments), **kw)


@pytest.mark.parametrize("objective, kw", [
    ("score", {}), ("expected-rank", {}), ("rank-prob", {"rank": 1}), ("grade-prob", {"grade": 0}),
    ("min-effort", {"rank": 1, "prob": 0.5}),
])
def test_every_objective_rescored_equals_milp(scn, objective, kw):
    """The plan's value re-computed by models/ from the chosen levels on the same draws equals
    the MILP's objective to 1e-6 (optimize raises VerificationError otherwise; asserted here too),
    and the solve is proven optimal at this size (40 draws)."""
    res = P.optimize(scn, request(scn, objective, **kw), n_draws=40, time_limit=120, n_fresh=500, with_baselines=False)
    assert res.status == "optimal"
    assert abs(res.rescored - res.objective) <= 1e-6
    assert res.effort <= scn.spec.effort.budget + 1e-9


@settings(max_examples=6, deadline=None)
@given(st.floats(0, 30), st.floats(0.2, 1.5), st.sampled_from(["score", "rank-prob"]))
def test_budgets_always_hold(budget, dept_scale, objective):
    """Random total budgets and department budgets scaled up or down: the chosen plan's total
    effort and every department's effort stay within their budgets."""
    scn = load_scenario(SANMEN)
    deps = {k: v * dept_scale for k, v in scn.spec.effort.departments.items()}
    req = Request(objective=objective, rank=1, budget=budget, departments=deps)
    res = P.optimize(scn, req, n_draws=20, time_limit=60, n_fresh=100, with_baselines=False, warm_seconds=0.5)
    L = res.levels
    assert res.effort <= budget + 1e-9
    spent: dict[str, float] = {}
    for k, o in enumerate(res.plan):
        d = L.department[k]
        spent[d] = spent.get(d, 0.0) + float(L.effort[k][o])
    for d, e in spent.items():
        if d in deps:
            assert e <= deps[d] + 1e-9, (d, e, deps[d])


# measured on stream 2 (10 000 draws, the recommended recipe's report sample; the random stream of
# issue 17): the recommended plan (3 replications × 100 draws, the candidates compared and
# polished on 10 000 stream-1 draws) against the baselines, P(rank 1); the even split spends the
# whole budget since issue 18 (before: 0.2227, 0.2227 and 0.2382, most of the budget unspent). The
# samples' solves stop at 100 branch-and-bound nodes (optimizer.recommend.NODES): at 16 the plan is
# no longer the one the proven solves led to (0.6261 then); on 100 000 draws of stream 9 it is
# 0.57 ± 0.07 pp better (0.6321 against 0.6263, paired)
MEASURED = {
    8: {"opt": 0.5045, "讲话规则": 0.4238, "按分/工作量贪心": 0.5010, "平均分配": 0.2648},
    16: {"opt": 0.6322, "讲话规则": 0.4238, "按分/工作量贪心": 0.6133, "平均分配": 0.3714},
    24: {"opt": 0.7504, "讲话规则": 0.4238, "按分/工作量贪心": 0.7172, "平均分配": 0.4403},
}


@pytest.mark.parametrize("budget", sorted(MEASURED))
def test_plan_beats_every_baseline_out_of_sample(scn, budget):
    """At budgets 8, 16 and 24 人月 the recommended plan wins rank 1 at least as often as each
    baseline at the same budget (the speech's rule, greedy by points per effort, an even split),
    on draws none of them was chosen on (the report sample: stream 2, 10 000 draws, the same draws
    for every plan), and its reported value is that figure. A single 100-draw MILP does worse
    (0.620 and 0.719 at 16 and 24: it overfits its sample), and with the random stream before
    issue 17 it lost to greedy at 16 and 24 (0.611 and 0.689 against 0.613 and 0.737). At 16 the
    plain SAA recipe's plan (the best of five on 5 000 fresh draws) shows 0.632 on these draws,
    but on 100 000 others it is 0.3 ± 0.1 pp behind the plan proven solves lead to (0.6225 against
    0.6263), and that one is 0.57 ± 0.07 pp behind this one (0.6321 on 100 000 draws of stream 9)."""
    req = request(scn, "rank-prob", budget=budget, rank=1)
    res, sa = rec.recommend(scn, req, replications=3, n_draws=100, n_select=10_000, n_report=10_000, time_limit=600)
    a = res.request.assessment or scn.spec.assessments[0].name
    got = {"opt": res.out_of_sample[a]["p_rank"], **{k: v["out_of_sample"][a]["p_rank"] for k, v in res.baselines.items()}}
    for k, v in MEASURED[budget].items():
        assert got[k] == pytest.approx(v, abs=0.005), (k, got)
    for k in ("讲话规则", "按分/工作量贪心", "平均分配"):
        assert got["opt"] >= got[k] - 1e-12, (k, got)
    assert sa.value == got["opt"] and not sa.stopped_by_clock

"""The batch plan scorer of optimizer/baselines.py against the scoring of every county
(models.options.evaluate, the functions of models.scoring), and the option tables restricted to
the counties that matter to the home county against the whole province."""
from __future__ import annotations

import numpy as np
import pytest

from models.options import evaluate, option_levels, option_tables
from models.projection import draw
from models.scenario import load_scenario
from models.scorecard import central_values
from models.scoring import compile_scenario
from models.synth import synthetic_province
from optimizer import baselines as B
from optimizer.plan import rescore
from optimizer.request import Request, metric_of_outcomes

CASES = {
    "sanmen": lambda: load_scenario("scenarios/sanmen"),
    "district": lambda: load_scenario("scenarios/district"),
    "province": lambda: synthetic_province(24, 3, 24, seed=2).scenario(),  # peer-relative pushables, quotas, vetoes
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request):
    scn = CASES[request.param]()
    cs = compile_scenario(scn)
    levels = option_levels(scn, cs, central_values(scn, cs))
    d = draw(scn, 60, 3)
    return scn, cs, levels, d, option_tables(d.values, d.totals, cs, levels)


def requests(scn, tables):
    names = tuple(a.ca.name for a in tables.assessments)
    out = [Request(objective=o, assessment=names[0], rank=2, grade=1) for o in ("score", "expected-rank", "rank-prob",
                                                                                  "grade-prob")]
    out.append(Request(objective="min-effort", assessment=names[0], rank=1, prob=0.3))
    out.append(Request(objective="joint-grade", assessments=names, grade=0))
    return out


def random_plans(levels, n, seed):
    rng = np.random.default_rng(seed)
    return [np.array([rng.integers(len(p)) for p in levels.push]) for _ in range(n)]


def test_batch_scores_equal_scoring_every_county(case):
    """For random plans and every objective: the batch scorer's objective and expected home total
    equal models.options.evaluate's (every county scored), and the moves scored in one batch
    equal each moved plan scored alone."""
    scn, cs, levels, d, tables = case
    for req in requests(scn, tables):
        sc = B.Scorer(tables, req)
        plans = random_plans(levels, 6, 1)
        for plan in plans:
            outs = {t.ca.name: evaluate(t, levels, plan) for t in tables.assessments}
            t0 = tables.assessment(req.assessment if req.objective != "joint-grade" else None)
            v, hv = sc(plan)
            assert v == pytest.approx(metric_of_outcomes(tables, req, outs), abs=1e-12), req.objective
            assert hv == pytest.approx(outs[t0.ca.name].total[:, t0.ca.home].mean(), abs=1e-9)
        plan = plans[0]
        raws = sc.raws(plan)
        singles = [((j, o),) for j in range(levels.n) for o in range(len(levels.push[j])) if o != plan[j]][:40]
        pairs = [((0, 0), (j, 0)) for j in range(1, min(levels.n, 8))]
        for changes in (singles, pairs):
            vs, hvs = sc.moves(plan, raws, changes)
            for ch, v, hv in zip(changes, vs, hvs):
                q = plan.copy()
                for j, o in ch:
                    q[j] = o
                assert v == pytest.approx(sc(q)[0], abs=1e-12) and hv == pytest.approx(sc(q)[1], abs=1e-9)


def test_greedy_and_local_search_keep_the_budget_and_do_not_get_worse(case):
    scn, cs, levels, d, tables = case
    eff = scn.spec.effort
    req = Request(objective="rank-prob", assessment=tables.assessments[0].ca.name, rank=2, budget=eff.budget,
                  departments=dict(eff.departments))
    sc = B.Scorer(tables, req)
    g = B.greedy(tables, req, scorer=sc)
    w = B.local_search(tables, req, g, scorer=sc)
    for p in (g, w):
        assert B.within_budget(levels, p, req.budget, req.departments)
    assert sc(w)[0] >= sc(g)[0] - 1e-12 >= sc(np.zeros(levels.n, dtype=int))[0] - 1e-12


def test_batch_scores_on_a_province_rescore_as_the_whole_province():
    """A province of 30 counties in 3 classes: the batch scorer works on the home county's class
    (10 counties); a plan's objective from it equals the re-score of the whole province."""
    scn = synthetic_province(30, 3, 20, seed=4).scenario()
    cs = compile_scenario(scn)
    levels = option_levels(scn, cs, central_values(scn, cs))
    d = draw(scn, 50, 1)
    tables = option_tables(d.values, d.totals, cs, levels)
    assert len(B.Scorer(tables, Request()).parts[0].rivals) == 9
    for objective in ("score", "rank-prob", "grade-prob", "expected-rank"):
        req = Request(objective=objective, rank=3, grade=0)
        for plan in random_plans(levels, 4, 2):
            full, _ = rescore(cs, d.values, d.totals, tables, req, plan)
            assert B.metric(tables, req, plan) == pytest.approx(full, abs=1e-12)

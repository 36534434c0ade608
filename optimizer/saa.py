"""The SAA recipe (Kleywegt, Shapiro & Homem-de-Mello 2002) for the maximising objectives: M
independent in-sample problems, each plan evaluated on one large fresh sample, the best kept,
with a statistical estimate of the optimality gap."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.options import evaluate, option_tables
from models.projection import draw
from models.scoring import compile_scenario

from . import baselines
from .constraints import plan_levels
from .plan import PlanResult, baseline_results, home_summary, not_for_min_effort, optimize, score_plan
from .request import Request


def optimize_saa(scn, req: Request, *, replications: int = 5, n_draws: int = 100, seed: int | None = None,
                 solver: str | None = "highs", time_limit: float = 60.0, n_select: int = 5000,
                 n_fresh: int = 2000, progress=None) -> tuple[PlanResult, "SAAResult"]:
    """The SAA recipe as a plan: :func:`saa` picks the best of ``replications`` plans on
    ``n_select`` stream-1 draws; its out-of-sample figures and the baselines' are then measured on
    stream 2, which took no part in choosing it. ``progress``: as :func:`saa`'s."""
    seed = scn.spec.simulation.seed if seed is None else seed
    sa = saa(scn, req, replications=replications, n_draws=n_draws, n_eval=n_select, seed=seed, solver=solver,
             time_limit=time_limit, progress=progress)
    best = sa.best
    cs, levels, tables = compile_scenario(scn), best.levels, best.tables
    fresh = draw(scn, n_fresh, seed, stream=2)
    best.out_of_sample = home_summary(score_plan(cs, levels, best.plan, fresh), cs, req, tables)
    best.n_fresh = n_fresh
    if req.objective != "min-effort":
        best.baselines = baseline_results(scn, cs, levels, tables, req, fresh, best.warm_plan)
    return best, sa


@dataclass
class SAAResult:
    """Sample average approximation (Kleywegt, Shapiro & Homem-de-Mello 2002): M independent
    in-sample problems, each plan evaluated on one large fresh sample; the best kept."""

    best: PlanResult
    replications: list  # per replication: objective, bound, status, fresh value, plan
    upper: float  # mean of the replications' bounds (an upper estimate of the true optimum)
    upper_se: float
    lower: float  # fresh value of the best plan (a lower estimate)
    lower_se: float
    gap: float
    gap_se: float


def saa(scn, req: Request, *, replications: int = 5, n_draws: int = 200, n_eval: int = 5000,
        seed: int | None = None, solver: str | None = "highs", time_limit: float = 60.0, progress=None) -> SAAResult:
    """The SAA recipe for the probability objectives (rank-prob, grade-prob, joint-grade, score,
    expected-rank): replication m uses draws [m·S, (m+1)·S) of the in-sample stream.
    ``progress(m, M, incumbent, bound)``: replication m of M begun (incumbent and bound None), then
    the solver's search on it; (M, M, None, None) when every replication is solved."""
    say = progress or (lambda *a: None)
    if req.objective == "min-effort":
        raise not_for_min_effort()
    seed = scn.spec.simulation.seed if seed is None else seed
    cs = compile_scenario(scn)
    levels = plan_levels(scn, cs, req)
    fresh = draw(scn, n_eval, seed, stream=1)
    ftab = option_tables(fresh.values, fresh.totals, cs, levels)
    reps, results = [], []
    for m in range(replications):
        say(m, replications, None, None)
        d = draw(scn, n_draws, seed, stream=0, start=m * n_draws)
        tables = option_tables(d.values, d.totals, cs, levels)
        res = optimize(scn, req, n_draws=n_draws, seed=seed, solver=solver, time_limit=time_limit, n_fresh=200,
                       with_baselines=False, prepared=(cs, levels, d, tables),
                       progress=lambda inc, bd, m=m: say(m, replications, inc, bd))
        fv = baselines.metric(ftab, req, res.plan)
        reps.append({"objective": res.objective, "bound": res.bound if res.bound is not None else res.objective,
                     "status": res.status, "fresh": fv, "plan": res.plan.tolist()})
        results.append(res)
    say(replications, replications, None, None)
    k = int(np.argmax([r["fresh"] for r in reps]))
    ub = np.array([r["bound"] for r in reps], dtype=float)
    upper = float(ub.mean())
    upper_se = float(ub.std(ddof=1) / np.sqrt(len(ub))) if len(ub) > 1 else float("nan")
    lower = reps[k]["fresh"]
    if req.objective in ("score", "expected-rank"):
        t = ftab.assessment(req.assessment)
        out = evaluate(t, levels, results[k].plan)
        h = t.ca.home
        n_riv = int((t.ca.class_of == t.ca.class_of[h]).sum()) - 1
        sample = out.total[:, h] if req.objective == "score" else n_riv + 1 - out.rank[:, h]
        lower_se = float(np.std(sample, ddof=1) / np.sqrt(n_eval))
    else:
        lower_se = float(np.sqrt(max(lower * (1 - lower), 0.0) / n_eval))
    return SAAResult(results[k], reps, upper, upper_se, lower, lower_se, upper - lower,
                     float(np.hypot(upper_se, lower_se)))

"""Optimise, verify and explain a plan.

:func:`optimize` draws S in-sample draws (stream 0), builds the option tables, finds a warm
start (greedy then local search), solves the MILP, and verifies the plan: re-scored by
models/ (apply_push + score_all) on the same draws, where a difference from the MILP's
objective above 1e-6 raises :class:`VerificationError`; probabilities are re-estimated on
fresh draws (stream 1) and reported beside the in-sample ones.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from models.options import OptionTables, option_tables
from models.projection import apply_push, draw
from models.scoring import compile_scenario, score_all

from . import baselines
from .clock import SOLVE, WARM_START, Cap, bitten
from .constraints import plan_levels
from .errors import BadInput, Infeasible
from .explain import explain
from .i18n import N_, _, listing, translate
from .milp import build
from .milp.levers import DEFAULT_LEVERS
from .request import Request, metric_of_outcomes, objective_word
from .solver import choose_solver, solve

VERIFY_TOL = 1e-6


class VerificationError(RuntimeError):
    """The MILP's objective and the scoring model's re-score of its plan disagree."""


# the baselines' names (keys of PlanResult.baselines, in the language in use), and the warm start's
SPEECH_RULE, GREEDY, EVEN_SPLIT, HEURISTIC = N_("讲话规则"), N_("按分/工作量贪心"), N_("平均分配"), N_("启发式(贪心+局部搜索)")


def no_push() -> BadInput:
    """The error of a scenario where no home indicator can be pushed."""
    return BadInput(_("no home indicator can be pushed: add cost-curve rows to effort.csv"))


def not_for_min_effort() -> BadInput:
    """The error of the SAA recipe asked for min-effort."""
    return BadInput(_("the SAA recipe applies to the maximising objectives, not min-effort"))


def rescore(cs, values, drawn_totals, tables: OptionTables, req: Request, plan) -> tuple[float, list]:
    """The objective re-computed by models/ (apply_push + score_all) on ``values``."""
    push = tables.levels.push_vector(plan, len(cs.indicators))
    scores = score_all(apply_push(values, cs, push), cs, drawn_totals=drawn_totals)
    outs = {s.name: s for s in scores}
    if req.objective == "min-effort":
        return tables.levels.plan_effort(plan), scores
    return metric_of_outcomes(tables, req, outs), scores


def home_summary(scores, cs, req: Request, tables: OptionTables) -> dict:
    """Expected score and rank, P(rank ≤ r), P(grade ≥ g) of the home county, per assessment."""
    out = {}
    for s in scores:
        ca = cs.assessment(s.name)
        h = ca.home
        out[s.name] = {
            "expected_score": float(s.total[:, h].mean()),
            "expected_rank": float(s.rank[:, h].mean()),
            "p_rank": float((s.rank[:, h] <= req.rank).mean()),
            "p_grade": float((s.grade[:, h] <= req.grade).mean()),
        }
    return out


@dataclass
class PlanResult:
    request: Request
    plan: np.ndarray
    levels: object
    tables: OptionTables
    status: str
    objective: float
    rescored: float
    bound: float | None
    gap: float | None
    solver: str
    solver_version: str
    seconds: float
    warm_objective: float
    warm_plan: np.ndarray
    in_sample: dict
    out_of_sample: dict
    baselines: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    table: pd.DataFrame | None = None
    reasons: list = field(default_factory=list)
    n_draws: int = 0
    n_fresh: int = 0
    problem: object = None  # the MILP as solved (solver.Problem), for run folders' problem.lp
    cut: list = field(default_factory=list)  # stages the clock stopped (optimizer.clock): numbers depend on the machine

    @property
    def effort(self) -> float:
        return self.levels.plan_effort(self.plan)


def prepare(scn, n_draws: int, seed: int, req: Request | None = None):
    cs = compile_scenario(scn)
    return prepare_draws(scn, cs, plan_levels(scn, cs, req), n_draws, seed)


def prepare_draws(scn, cs, levels, n_draws: int, seed: int, stream: int = 0, start: int = 0):
    """``(cs, levels, draws, option tables)`` for draws [start, start + n_draws) of a stream."""
    d = draw(scn, n_draws, seed, stream=stream, start=start, cs=cs)
    return cs, levels, d, option_tables(d.values, d.totals, cs, levels)


def optimize(scn, req: Request, *, n_draws: int = 200, seed: int | None = None, solver: str | None = "highs",
             time_limit: float = 60.0, gap: float = 0.0, threads: int = 1, n_fresh: int = 2000,
             warm_seconds: float = 10.0, with_baselines: bool = True, prepared=None, eval_stream: int = 1,
             levers=DEFAULT_LEVERS, progress=None, node_limit: int | None = None, sub_mips: bool = True) -> PlanResult:
    """Find, verify and explain the best plan for ``req`` (see the module docstring).
    The warm start is bounded by work (``warm_seconds`` [s] is its safety cap); ``node_limit``
    bounds the solve by work too (``time_limit`` [s] then only as a safety cap); ``sub_mips``: see
    optimizer.solver.solve. A stage the
    clock stopped is named in ``cut``.
    ``progress(incumbent, bound)``: the solver's search as it goes (optimizer.solver.solve)."""
    seed = scn.spec.simulation.seed if seed is None else seed
    cs, levels, d, tables = prepared or prepare(scn, n_draws, seed, req)
    if levels.n == 0:
        raise no_push()
    try:
        model = build(tables, req, levers)
    except Infeasible:
        _constraints_clash(scn, req, n_draws, seed, solver, time_limit)
        raise
    warm_cap = Cap(warm_seconds, WARM_START)
    warm = baselines.warm_start(tables, req, cap=warm_cap)
    warm_val = baselines.metric(tables, req, warm)
    warm_ok = req.objective != "min-effort" or warm_val >= req.prob - 1e-12
    name = choose_solver(solver)
    if warm_ok and baselines.within_budget(levels, warm, req.budget, req.departments):
        model.start_from(warm, name)
    t0 = time.perf_counter()
    res = solve(model.problem, name, time_limit=time_limit, gap=gap, threads=threads, progress=progress,
                node_limit=node_limit, sub_mips=sub_mips)
    if res.status == "infeasible":
        _constraints_clash(scn, req, n_draws, seed, solver, time_limit)
        raise Infeasible(_why_infeasible(req, tables))
    if not res.has_plan:
        raise Infeasible(_("the solver ({solver}) failed: {message}").format(solver=res.solver, message=res.message))
    plan = model.plan_of(res.values)
    value, scores = rescore(cs, d.values, d.totals, tables, req, plan)
    sense = -1.0 if req.objective == "min-effort" else 1.0
    if res.status == "optimal":
        if abs(value - res.objective) > VERIFY_TOL:
            raise VerificationError(_("MILP objective {milp:.9g} but the scoring model gives {rescored:.9g} for the "
                                      "plan {plan}").format(milp=res.objective, rescored=value, plan=plan.tolist()))
    elif sense * (value - res.objective) < -VERIFY_TOL:
        raise VerificationError(_("time-limited MILP plan claims {milp:.9g}, the scoring model gives {rescored:.9g}")
                                .format(milp=res.objective, rescored=value))
    if req.objective == "min-effort":
        p_in = metric_of_outcomes(tables, req, {s.name: s for s in scores})
        if p_in < req.prob - 1e-12:
            raise VerificationError(_("plan meets its target in {share:.4f} of the draws, below {prob}")
                                    .format(share=p_in, prob=req.prob))
    fresh = draw(scn, n_fresh, seed, stream=eval_stream)
    oos_scores = score_plan(cs, levels, plan, fresh)
    result = PlanResult(req, plan, levels, tables, res.status, res.objective, value, res.bound, res.gap, res.solver,
                        res.version, time.perf_counter() - t0, warm_val, warm, home_summary(scores, cs, req, tables),
                        home_summary(oos_scores, cs, req, tables), counts=dict(model.counts,
                        variables=model.problem.n_cols, integers=model.problem.n_integer,
                        constraints=model.problem.n_rows), n_draws=tables.n_draws, n_fresh=n_fresh,
                        problem=model.problem, cut=bitten(warm_cap) + ([SOLVE] if res.by_clock else []))
    if with_baselines and req.objective != "min-effort":
        result.baselines = baseline_results(scn, cs, levels, tables, req, fresh, warm)
    status_quo = None
    if any(p[0] > 0 for p in levels.push):  # a constraint requires a push: gains count from the status quo
        status_quo = score_all(d.values, cs, drawn_totals=d.totals)
    result.table, result.reasons = explain(scn, cs, tables, req, plan, scores, status_quo)
    return result


def score_plan(cs, levels, plan, d):
    """Scores of a plan on draws ``d`` (the home pushed by the plan's levels)."""
    return score_all(apply_push(d.values, cs, levels.push_vector(plan, len(cs.indicators))), cs,
                     drawn_totals=d.totals, keep_points=False)


def baseline_plans(scn, tables: OptionTables, req: Request) -> list[tuple[str, np.ndarray]]:
    """The baselines at the request's budget, named in the language in use: the speech's rule (weak
    items to basic, then strong items to full), greedy by points per unit of effort, an even split."""
    return [(translate(SPEECH_RULE), baselines.speech_rule(scn, tables, req)),
            (translate(GREEDY), baselines.greedy_points(tables, req)), (translate(EVEN_SPLIT), baselines.even_split(tables, req))]


def baseline_results(scn, cs, levels, tables: OptionTables, req: Request, fresh, warm=None, plans=None) -> dict:
    """The baselines (:func:`baseline_plans`, or ``plans`` already found) each evaluated on the
    fresh draws, and the heuristic warm start (greedy then local search) when given."""
    plans = list(plans or baseline_plans(scn, tables, req))
    if warm is not None:
        plans.append((translate(HEURISTIC), warm))
    return {label: {"plan": p.tolist(), "effort": levels.plan_effort(p), "in_sample": baselines.metric(tables, req, p),
                    "out_of_sample": home_summary(score_plan(cs, levels, p, fresh), cs, req, tables)}
            for label, p in plans}


def _why_infeasible(req: Request, tables) -> str:
    depts = listing(f"{k} {v:g}" for k, v in req.departments.items())
    if req.budget is not None and req.departments:
        lim = _("total budget {budget:g} and department budgets {departments}").format(budget=req.budget,
                                                                                      departments=depts)
    elif req.budget is not None:
        lim = _("total budget {budget:g}").format(budget=req.budget)
    elif req.departments:
        lim = _("department budgets {departments}").format(departments=depts)
    else:
        lim = _("the largest feasible pushes")
    return _("no plan within {limits} meets the request ({objective})").format(limits=lim,
                                                                              objective=objective_word(req.objective))


def _constraints_clash(scn, req: Request, n_draws, seed, solver, time_limit) -> None:
    """Raise Infeasible naming the planner's constraints that clash with min-effort's target, if any."""
    if req.objective != "min-effort" or not req.constraints:
        return
    from dataclasses import replace

    from .constraints import target_clash

    def best(r: Request) -> float:
        r = replace(r, objective="rank-prob" if r.target == "rank" else "grade-prob")
        res = solve(build(prepare(scn, n_draws, seed, r)[3], r).problem, solver, time_limit=time_limit)
        return res.objective if res.has_plan else -1.0

    raise Infeasible(target_clash(req, best))


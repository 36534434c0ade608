"""Optimise, verify and explain a plan.

:func:`optimize` draws S in-sample draws (stream 0), builds the option tables, finds a warm
start (greedy then local search), solves the MILP, and verifies the plan: re-scored by
models/ (apply_push + score_all) on the same draws, where a difference from the MILP's
objective above 1e-6 raises :class:`VerificationError`; probabilities are re-estimated on
fresh draws (stream 1) and reported beside the in-sample ones.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from models.options import OptionTables, option_levels, option_tables
from models.projection import apply_push, draw
from models.scorecard import central_values
from models.scoring import compile_scenario, score_all

from . import baselines
from .errors import BadInput, Infeasible
from .milp import Request, build
from .solver import choose_solver, solve

VERIFY_TOL = 1e-6


class VerificationError(RuntimeError):
    """The MILP's objective and the scoring model's re-score of its plan disagree."""


def metric_of_outcomes(tables: OptionTables, req: Request, outs: dict) -> float:
    """The objective's value from per-assessment outcomes (arrays (S, C)); for min-effort the
    probability of its target."""
    o = req.objective
    if o == "joint-grade":
        ok = np.ones(tables.n_draws, dtype=bool)
        for name in req.assessments or tuple(a.ca.name for a in tables.assessments):
            h = tables.assessment(name).ca.home
            ok &= outs[name].grade[:, h] <= req.grade
        return float(ok.mean())
    t = tables.assessment(req.assessment)
    out = outs[t.ca.name]
    h = t.ca.home
    n_riv = int((t.ca.class_of == t.ca.class_of[h]).sum()) - 1
    if o == "score":
        return float(out.total[:, h].mean())
    if o == "expected-rank":
        return float((n_riv + 1 - out.rank[:, h]).mean())
    if o == "rank-prob" or (o == "min-effort" and req.target == "rank"):
        return float((out.rank[:, h] <= req.rank).mean())
    return float((out.grade[:, h] <= req.grade).mean())


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

    @property
    def effort(self) -> float:
        return self.levels.plan_effort(self.plan)


def prepare(scn, n_draws: int, seed: int):
    cs = compile_scenario(scn)
    levels = option_levels(scn, cs, central_values(scn, cs))
    d = draw(scn, n_draws, seed, stream=0)
    tables = option_tables(d.values, d.totals, cs, levels)
    return cs, levels, d, tables


def optimize(scn, req: Request, *, n_draws: int = 200, seed: int | None = None, solver: str | None = "highs",
             time_limit: float = 60.0, gap: float = 0.0, threads: int = 1, n_fresh: int = 2000,
             warm_seconds: float = 10.0, with_baselines: bool = True, prepared=None, eval_stream: int = 1) -> PlanResult:
    """Find, verify and explain the best plan for ``req`` (see the module docstring)."""
    seed = scn.spec.simulation.seed if seed is None else seed
    cs, levels, d, tables = prepared or prepare(scn, n_draws, seed)
    if levels.n == 0:
        raise BadInput("no home indicator can be pushed: add cost-curve rows to effort.csv")
    model = build(tables, req)
    warm = baselines.warm_start(tables, req, warm_seconds)
    warm_val = baselines.metric(tables, req, warm)
    warm_ok = req.objective != "min-effort" or warm_val >= req.prob - 1e-12
    name = choose_solver(solver)
    if warm_ok and baselines.within_budget(levels, warm, req.budget, req.departments):
        model.start_from(warm, name)
    t0 = time.perf_counter()
    res = solve(model.problem, name, time_limit=time_limit, gap=gap, threads=threads)
    if res.status == "infeasible":
        raise Infeasible(_why_infeasible(req, tables))
    if not res.has_plan:
        raise Infeasible(f"the solver ({res.solver}) failed: {res.message}")
    plan = model.plan_of(res.values)
    value, scores = rescore(cs, d.values, d.totals, tables, req, plan)
    sense = -1.0 if req.objective == "min-effort" else 1.0
    if res.status == "optimal":
        if abs(value - res.objective) > VERIFY_TOL:
            raise VerificationError(f"MILP objective {res.objective:.9g} but the scoring model gives {value:.9g} "
                                    f"for the plan {plan.tolist()}")
    elif sense * (value - res.objective) < -VERIFY_TOL:
        raise VerificationError(f"time-limited MILP plan claims {res.objective:.9g}, the scoring model gives {value:.9g}")
    if req.objective == "min-effort":
        p_in = metric_of_outcomes(tables, req, {s.name: s for s in scores})
        if p_in < req.prob - 1e-12:
            raise VerificationError(f"plan meets its target in {p_in:.4f} of the draws, below {req.prob}")
    fresh = draw(scn, n_fresh, seed, stream=eval_stream)
    oos_scores = _score_plan(cs, levels, plan, fresh)
    result = PlanResult(req, plan, levels, tables, res.status, res.objective, value, res.bound, res.gap, res.solver,
                        res.version, time.perf_counter() - t0, warm_val, warm, home_summary(scores, cs, req, tables),
                        home_summary(oos_scores, cs, req, tables), counts=dict(model.counts,
                        variables=model.problem.n_cols, integers=model.problem.n_integer,
                        constraints=model.problem.n_rows), n_draws=tables.n_draws, n_fresh=n_fresh,
                        problem=model.problem)
    if with_baselines and req.objective != "min-effort":
        result.baselines = baseline_results(scn, cs, levels, tables, req, fresh, warm)
    result.table, result.reasons = explain(scn, cs, tables, req, plan, scores)
    return result


def _score_plan(cs, levels, plan, d):
    """Scores of a plan on draws ``d`` (the home pushed by the plan's levels)."""
    return score_all(apply_push(d.values, cs, levels.push_vector(plan, len(cs.indicators))), cs,
                     drawn_totals=d.totals, keep_points=False)


def baseline_results(scn, cs, levels, tables: OptionTables, req: Request, fresh, warm=None) -> dict:
    """The baselines at the request's budget, each evaluated on the fresh draws: the speech's rule
    (weak items to basic, then strong items to full), greedy by points per unit of effort, an even
    split, and the heuristic warm start (greedy then local search) when given."""
    plans = [("讲话规则", baselines.speech_rule(scn, tables, req)), ("按分/工作量贪心", baselines.greedy_points(tables, req)),
             ("平均分配", baselines.even_split(tables, req))]
    if warm is not None:
        plans.append(("启发式(贪心+局部搜索)", warm))
    return {label: {"plan": p.tolist(), "effort": levels.plan_effort(p), "in_sample": baselines.metric(tables, req, p),
                    "out_of_sample": home_summary(_score_plan(cs, levels, p, fresh), cs, req, tables)}
            for label, p in plans}


def optimize_saa(scn, req: Request, *, replications: int = 5, n_draws: int = 100, seed: int | None = None,
                 solver: str | None = "highs", time_limit: float = 60.0, n_select: int = 5000,
                 n_fresh: int = 2000) -> tuple[PlanResult, "SAAResult"]:
    """The SAA recipe as a plan: :func:`saa` picks the best of ``replications`` plans on
    ``n_select`` stream-1 draws; its out-of-sample figures and the baselines' are then measured on
    stream 2, which took no part in choosing it."""
    seed = scn.spec.simulation.seed if seed is None else seed
    sa = saa(scn, req, replications=replications, n_draws=n_draws, n_eval=n_select, seed=seed, solver=solver,
             time_limit=time_limit)
    best = sa.best
    cs, levels, tables = compile_scenario(scn), best.levels, best.tables
    fresh = draw(scn, n_fresh, seed, stream=2)
    best.out_of_sample = home_summary(_score_plan(cs, levels, best.plan, fresh), cs, req, tables)
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
        seed: int | None = None, solver: str | None = "highs", time_limit: float = 60.0) -> SAAResult:
    """The SAA recipe for the probability objectives (rank-prob, grade-prob, joint-grade, score,
    expected-rank): replication m uses draws [m·S, (m+1)·S) of the in-sample stream."""
    if req.objective == "min-effort":
        raise BadInput("the SAA recipe applies to the maximising objectives, not min-effort")
    seed = scn.spec.simulation.seed if seed is None else seed
    cs = compile_scenario(scn)
    levels = option_levels(scn, cs, central_values(scn, cs))
    fresh = draw(scn, n_eval, seed, stream=1)
    ftab = option_tables(fresh.values, fresh.totals, cs, levels)
    reps, results = [], []
    for m in range(replications):
        d = draw(scn, n_draws, seed, stream=0, start=m * n_draws)
        tables = option_tables(d.values, d.totals, cs, levels)
        res = optimize(scn, req, n_draws=n_draws, seed=seed, solver=solver, time_limit=time_limit, n_fresh=200,
                       with_baselines=False, prepared=(cs, levels, d, tables))
        fv = baselines.metric(ftab, req, res.plan)
        reps.append({"objective": res.objective, "bound": res.bound if res.bound is not None else res.objective,
                     "status": res.status, "fresh": fv, "plan": res.plan.tolist()})
        results.append(res)
    k = int(np.argmax([r["fresh"] for r in reps]))
    ub = np.array([r["bound"] for r in reps], dtype=float)
    upper = float(ub.mean())
    upper_se = float(ub.std(ddof=1) / np.sqrt(len(ub))) if len(ub) > 1 else float("nan")
    lower = reps[k]["fresh"]
    if req.objective in ("score", "expected-rank"):
        t = ftab.assessment(req.assessment)
        from models.options import evaluate

        out = evaluate(t, levels, results[k].plan)
        h = t.ca.home
        n_riv = int((t.ca.class_of == t.ca.class_of[h]).sum()) - 1
        sample = out.total[:, h] if req.objective == "score" else n_riv + 1 - out.rank[:, h]
        lower_se = float(np.std(sample, ddof=1) / np.sqrt(n_eval))
    else:
        lower_se = float(np.sqrt(max(lower * (1 - lower), 0.0) / n_eval))
    return SAAResult(results[k], reps, upper, upper_se, lower, lower_se, upper - lower,
                     float(np.hypot(upper_se, lower_se)))


def _why_infeasible(req: Request, tables) -> str:
    parts = []
    if req.budget is not None:
        parts.append(f"total budget {req.budget:g}")
    if req.departments:
        parts.append("department budgets " + ", ".join(f"{k} {v:g}" for k, v in req.departments.items()))
    lim = " and ".join(parts) or "the largest feasible pushes"
    return f"no plan within {lim} meets the request ({req.objective})"


def explain(scn, cs, tables: OptionTables, req: Request, plan, scores) -> tuple[pd.DataFrame, list[str]]:
    """The plan table (Chinese headers) and plain-language reasons."""
    L = tables.levels
    name = req.assessment or cs.assessments[0].name
    if req.objective == "joint-grade":
        name = (req.assessments or (cs.assessments[0].name,))[0]
    ca = cs.assessment(name)
    h = ca.home
    rows = []
    reasons = []
    for j in range(L.n):
        o = int(plan[j])
        ind = scn.indicator(L.names[j])
        gain = 0.0
        a_name = next(a.ca.name for a in tables.assessments if j in a.inds)
        t = tables.assessment(a_name)
        if o > 0:
            pos = {int(x): k for k, x in enumerate(t.xs)}
            k1, k0 = pos[int(L.offsets[j] + o)], pos[int(L.offsets[j])]
            gain = float((t.core[:, h, k1] + t.over[:, h, k1] - t.core[:, h, k0] - t.over[:, h, k0]).mean())
        kind = L.kind[j][o]
        if o == 0:
            why = "维持现状: 推进的得分不抵工作量" if len(L.push[j]) > 1 else "无可选推进"
        elif kind == "breakpoint":
            why = f"推到规则断点 {L.value[j][o]:.4g} {ind.unit}: 预期得分 +{gain:.3g}"
        elif kind == "max":
            why = f"推到年底可达上限 (推进 {L.push[j][o]:.4g}): 预期得分 +{gain:.3g}"
        else:
            why = f"推进 {L.push[j][o]:.4g} {ind.unit}: 预期得分 +{gain:.3g}"
        rows.append({"指标": ind.name, "考核": a_name, "牵头单位": ind.department or "", "预测值": L.value[j][0],
                     "目标值": L.value[j][o], "推进量": L.push[j][o], "档位": o, "档位类型": kind,
                     "工作量": L.effort[j][o], "预期得分增加 [分]": gain, "理由": why})
    df = pd.DataFrame(rows)
    if len(df):
        df.loc[len(df)] = {"指标": "合计", "考核": "", "牵头单位": "", "预测值": np.nan, "目标值": np.nan, "推进量": np.nan,
                           "档位": int((np.asarray(plan) > 0).sum()), "档位类型": "", "工作量": df["工作量"].sum(),
                           "预期得分增加 [分]": df["预期得分增加 [分]"].sum(), "理由": "推进的指标数 / 总工作量 / 预期得分增加之和"}
    tot = L.plan_effort(plan)
    if req.budget is not None:
        slack = req.budget - tot
        reasons.append(f"总预算 {req.budget:g}, 用去 {tot:.4g}" + ("(预算约束起作用)" if _binding(L, plan, req, None) else f", 余 {slack:.4g}"))
    for d, b in (req.departments or {}).items():
        used = sum(L.effort[j][plan[j]] for j in range(L.n) if L.department[j] == d)
        if not any(L.department[j] == d for j in range(L.n)):
            continue  # no pushable indicator of this department: its budget cannot matter
        tail = ""
        if _binding(L, plan, req, d):
            tail = ("(约束起作用: 余下的预算不够任何一项的下一档)" if used > 1e-9
                    else "(约束起作用: 预算不够其任何一项的第一档推进)")
        reasons.append(f"{d} 预算 {b:g}, 用去 {used:.4g}" + tail)
    s = next(x for x in scores if x.name == ca.name)
    riv = [c for c in range(len(cs.counties)) if c != h and ca.class_of[c] == ca.class_of[h]]
    for c in riv:
        p_beat = float((s.total[:, c] >= s.total[:, h]).mean()) if ca.tie_home_loses else float((s.total[:, c] > s.total[:, h]).mean())
        if p_beat > 0.05:
            reasons.append(f"{cs.counties[c]} 在 {p_beat:.0%} 的抽样中仍领先本县 (挡住名次)")
    return df, reasons


def _binding(L, plan, req, dept) -> bool:
    """A budget binds when raising any indicator by one level would break it."""
    for j in range(L.n):
        if plan[j] + 1 >= len(L.push[j]):
            continue
        if dept is not None and L.department[j] != dept:
            continue
        cand = plan.copy()
        cand[j] += 1
        r = replace(req, departments={dept: req.departments[dept]} if dept else {}, budget=req.budget if dept is None else None)
        if baselines.within_budget(L, cand, r.budget, r.departments):
            return False
    return True

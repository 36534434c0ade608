"""The recommended plan (the default of ``kaoping optimize``): sample average approximation
(Kleywegt, Shapiro & Homem-de-Mello 2002) on common random numbers, with three samples that never
mix (:func:`optimizer.saa.optimize_saa` is the plain recipe: the best of M plans on fresh draws):

1. **replications** (stream 0): M independent samples of S draws, each solved by the exact
   MILP (proven optimal, or stopped by its share of the time limit with a bound);
2. **selection** (stream 1, ``n_select`` draws): the candidates (the replications' plans, the
   baselines, the warm starts) compared draw by draw (:mod:`.select`), the best polished by
   local search and annealing there, then (while time is left) the next two by local search,
   and the best polished plan kept;
3. **report** (stream 2, ``n_report`` draws): the value reported, beside the baselines', and
   the paired check of the best alternative any search found. Nothing was chosen on it.

The gap is reported two-sided. Upper: the MRP estimator of Mak, Morton & Wood (1999) on common
random numbers: in replication m, G_m = (the MILP's bound on the best value of that sample) −
(the chosen plan's value on the same draws) ≥ 0 on average more than the true gap; a one-sided
Student-t bound on mean(G) at level ``LEVEL``, for a probability never below one draw in S (the
resolution of a sample). Its bias (an S-draw sample flatters its own optimum) shrinks as S grows. Lower: the largest paired improvement over the chosen plan that
the search met, measured on the report sample: what is certainly left, usually ≈ 0.

Every stage is bounded by work, never by the clock, so the plan and every figure are a function
of the scenario, the seed and the options alone (whatever the machine or its load): each
replication's warm start by its moves (optimizer.baselines), each solve by ``NODES``
branch-and-bound nodes (HiGHS's ``mip_max_nodes``: a solve that stops there is
``node_limit_feasible``, not optimal, with its bound; without the RINS/RENS sub-MIPs, which took
about half a solve's time and added little to the warm start), the samples by their draws, the
polish by its screened neighbours, annealing steps and ``STARTS`` starts (optimizer.select).
``time_limit`` [s] is only a safety cap (below 20 s it also sizes the samples, :func:`draws_for`):
each solve and its warm start may take ``SOLVE_SHARE`` of it divided by the replications, fixed
up front; the selection sample and the polish stop at the whole limit; the report always runs.
The default work (sanmen: about 14 s of one core) fits the command's default limit (120 s) on a
loaded 2-core machine. A cap that bites is recorded (``stopped_by_clock``, and the stages in
``cut``): that run's numbers depend on the machine's speed, and a larger ``time_limit`` makes it
reproducible. ``progress(stage, done, total, note)`` reports each stage (stage names in the
language in use, for the application's bars). :func:`gap_words` and :func:`candidates_table` put
the evidence in a planner's words.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from models.projection import apply_push, draw
from models.scoring import compile_scenario, score_all

from . import baselines
from .clock import POLISH, SAMPLE, Cap, bitten
from .constraints import plan_levels
from .errors import BadInput
from .explain import explain
from .i18n import N_, _, translate
from .milp.levers import DEFAULT_LEVERS
from .plan import (PlanResult, VerificationError, baseline_plans, baseline_results, home_summary, no_push,
                   not_for_min_effort, optimize, prepare_draws, score_plan)
from .request import Request, per_draw
from .sample import Sample
from .select import ROUNDS, Polish, paired, polish, rank_candidates

LEVEL = 0.95  # confidence level of the upper bound on the gap
PROBABILITIES = ("rank-prob", "grade-prob", "joint-grade")
STARTS = 3  # candidates the polish starts from, best first
SOLVE_SHARE = 0.8  # of the time limit: the replications' safety caps together (equal shares, fixed up front)
NODES = 100  # branch-and-bound nodes of each replication's solve (sanmen, S = 100: a root of about a second,
# then ~600 nodes/s of one core; the bound hardly moves after 20 nodes, proving optimality takes 300-7 500)
STREAM_REPLICATIONS, STREAM_SELECT, STREAM_REPORT = 0, 1, 2
STAGE_SOLVE, STAGE_SAMPLE, STAGE_POLISH, STAGE_REPORT = N_("求解样本"), N_("评估样本"), N_("局部改进"), N_("独立样本评估")


@dataclass
class Recommendation:
    """What the recipe did and the evidence on the gap (see the module docstring)."""

    best: PlanResult
    replications: list  # per replication: objective, bound, status, seconds, selection value, gap term, plan
    candidates: list  # select.Ranking.rows: label, plan, effort, selection value, paired difference from the winner
    moves: list  # the polish's kept moves: move, gain, se, effort
    value: float  # the chosen plan on the report sample
    value_se: float
    gap_upper: float | None  # one-sided LEVEL upper bound on the gap, ≥ 1/S for a probability (None: one replication)
    gap_mean: float  # mean of the replications' G_m (a biased-high estimate of the gap)
    gap_se: float
    found: float  # the best alternative's paired improvement on the report sample (0: the search found none)
    found_se: float
    alternative: list | None  # that alternative plan
    samples: dict = field(default_factory=dict)  # role -> {stream, start, draws}
    stopped_by_clock: bool = False
    cut: list = field(default_factory=list)  # the stages the clock stopped (optimizer.clock codes)
    polish_converged: bool = True
    seconds: dict = field(default_factory=dict)

    @property
    def estimator(self) -> str:
        S, M = self.samples["replications"]["draws"], len(self.replications)
        return _("MRP (Mak, Morton & Wood 1999) on common random numbers: {replications} replications of {draws} draws; "
                 "one-sided {level:.0%} Student-t bound").format(replications=M, draws=S, level=LEVEL)


def draws_for(time_limit: float, most: int) -> int:
    """Evaluation draws that fit a time limit [s]: ``most`` from 20 s on, 1 000 per second below
    (at least 2 000). A function of the limit alone, so the numbers do not depend on the machine."""
    return int(min(most, max(2000, 1000 * int(time_limit))))


def solve_share(time_limit: float, replications: int) -> float:
    """Each replication's safety cap [s] (its warm start, and its solve), fixed up front."""
    return SOLVE_SHARE * time_limit / replications


def recommend(scn, req: Request, *, replications: int = 5, n_draws: int = 100, n_select: int = 20_000,
              n_report: int = 10_000, seed: int | None = None, solver: str | None = "highs",
              time_limit: float = 120.0, levers=DEFAULT_LEVERS, progress=None) -> tuple[PlanResult, Recommendation]:
    """The recipe of the module docstring: the plan, verified, and the evidence on its gap."""
    if req.objective == "min-effort":
        raise not_for_min_effort()
    if replications < 1:
        raise BadInput(_("--replications must be at least 1"))
    t0 = time.perf_counter()
    told = progress or (lambda *a, **k: None)

    def say(stage, done, total, note):  # the stage named in the language in use
        told(translate(stage), done, total, note)

    say(STAGE_SOLVE, 0, replications, _("准备抽样与基准方案"))
    seed = scn.spec.simulation.seed if seed is None else seed
    n_select, n_report = draws_for(time_limit, n_select), draws_for(time_limit, n_report)
    cs = compile_scenario(scn)
    levels = plan_levels(scn, cs, req)
    if levels.n == 0:
        raise no_push()

    # 1. replications on stream 0; the baselines from the first one's draws
    first = prepare_draws(scn, cs, levels, n_draws, seed, STREAM_REPLICATIONS, 0)
    base = first[3]
    basics = baseline_plans(scn, base, req)
    share = solve_share(time_limit, replications)
    reps, results, tables, cut = [], [], [], []
    for m in range(replications):
        prepared = first if m == 0 else prepare_draws(scn, cs, levels, n_draws, seed, STREAM_REPLICATIONS, m * n_draws)

        def solver_says(inc, bd, m=m):
            say(STAGE_SOLVE, m, replications, incumbent_words(inc, bd))

        say(STAGE_SOLVE, m, replications, "")
        res = optimize(scn, req, n_draws=n_draws, seed=seed, solver=solver, time_limit=share, n_fresh=200,
                       with_baselines=False, prepared=prepared, warm_seconds=share, levers=levers,
                       progress=solver_says, node_limit=NODES, sub_mips=False)
        reps.append({"objective": res.objective, "bound": res.bound if res.bound is not None else res.objective,
                     "status": res.status, "seconds": res.seconds, "plan": res.plan.tolist()})
        results.append(res)
        tables.append(prepared[3])
        cut += [c for c in res.cut if c not in cut]
    say(STAGE_SOLVE, len(reps), replications, "")
    t_solve = time.perf_counter() - t0

    # 2. selection on stream 1: candidates paired, the winner polished
    done = [0]

    def drawn(k):
        done[0] += k
        say(STAGE_SAMPLE, done[0], n_select, "")

    sample_cap, polish_cap = Cap.until(t0 + time_limit, SAMPLE), Cap.until(t0 + time_limit, POLISH)
    sample = Sample(scn, cs, levels, req, n_select, seed, STREAM_SELECT, progress=drawn, cap=sample_cap)
    cands = [(_("SAA样本{number}").format(number=m + 1), r.plan) for m, r in enumerate(results)]
    heuristics = [(_("启发式{number}").format(number=m + 1), r.warm_plan) for m, r in enumerate(results)]
    cands += heuristics + basics
    ranking = rank_candidates(sample, cands)
    warm = _best_named(ranking, {lab for lab, _p in heuristics})
    by_plan = {tuple(p.tolist()): v for p, v in zip(ranking.plans, ranking.values)}
    for r in reps:
        r["selection"] = by_plan[tuple(r["plan"])]
    if sample.exact:  # conditions across items decided by the plan: no cheap moves, no polish
        start = ranking.plans[ranking.best].copy()
        pol = Polish(plan=start, start=start, converged=True)
    else:
        pol = _polish_starts(sample, ranking, req, polish_cap, say)
    plan = pol.plan
    cut += bitten(sample_cap, polish_cap)
    worst = sample.check(plan)
    if worst > 1e-9:
        raise VerificationError(_("the evaluation sample and the scoring model disagree by {difference:.3g} on the plan "
                                  "{plan}").format(difference=worst, plan=plan.tolist()))
    selection_value = sample.value(plan)
    t_select = time.perf_counter() - t0 - t_solve

    # 3. report on stream 2, untouched so far
    say(STAGE_REPORT, 0, 3, "")
    report = draw(scn, n_report, seed, stream=STREAM_REPORT, cs=cs)
    mine = score_plan(cs, levels, plan, report)
    vals = _per_draw(base, req, mine)
    value, value_se = float(vals.mean()), float(vals.std(ddof=1) / np.sqrt(len(vals)))
    # the most promising alternative the search met (a neighbour that gained on the selection
    # sample, too little to be kept), measured on the report sample; none: nothing was found
    alt = pol.best_rejected if pol.best_rejected_gain[0] > 0 else None
    found, found_se = (0.0, 0.0) if alt is None else paired(_per_draw(base, req, score_plan(cs, levels, alt, report)), vals)
    say(STAGE_REPORT, 1, 3, "")
    # the gap's upper bound: each replication's bound minus the chosen plan on the same draws
    for r, tab in zip(reps, tables):
        r["plan_value"] = baselines.metric(tab, req, plan)
        r["gap_term"] = r["bound"] - r["plan_value"]
    g = np.array([r["gap_term"] for r in reps])
    gap_mean = float(g.mean())
    gap_se = float(g.std(ddof=1) / np.sqrt(len(g))) if len(g) > 1 else float("nan")
    gap_upper = float(gap_mean + stats.t.ppf(LEVEL, len(g) - 1) * gap_se) if len(g) > 1 else None
    if gap_upper is not None and req.objective in PROBABILITIES:
        # an S-draw sample cannot see a gap below one draw in S: when every sample's optimum is the
        # plan's own value (zero spread), the t-bound would claim 0
        gap_upper = max(gap_upper, 1.0 / n_draws)

    best = _plan_result(scn, cs, req, results, plan, selection_value, sample, report, mine, ranking, warm, t0, seed)
    say(STAGE_REPORT, 2, 3, "")
    best.baselines = baseline_results(scn, cs, levels, base, req, report, ranking.plans[warm], plans=basics)
    say(STAGE_REPORT, 3, 3, "")
    sa = Recommendation(best, reps, ranking.rows(levels), pol.moves, value, value_se, gap_upper, gap_mean, gap_se, found,
                   found_se, None if alt is None else [int(o) for o in alt],
                   samples={"replications": {"stream": STREAM_REPLICATIONS, "start": 0, "draws": n_draws,
                                             "count": len(reps)},
                            "selection": {"stream": STREAM_SELECT, "start": 0, "draws": sample.n_draws,
                                          "polished": not sample.exact},
                            "report": {"stream": STREAM_REPORT, "start": 0, "draws": n_report}},
                   stopped_by_clock=bool(cut), cut=cut, polish_converged=pol.converged,
                   seconds={"replications": t_solve, "selection": t_select,
                            "report": time.perf_counter() - t0 - t_solve - t_select})
    best.seconds = time.perf_counter() - t0
    best.cut = list(cut)
    return best, sa


def _polish_starts(sample: Sample, ranking, req, cap: Cap, say, starts: int = STARTS):
    """Local search then annealing from the best candidate; then local search from the next best
    (up to ``starts``, unless the safety ``cap`` bit); the polished plan best on the sample
    (paired, as the candidates were) is kept."""
    order = sorted(range(len(ranking.plans)), key=lambda k: -ranking.values[k])[:starts]
    done, kept = [], 0
    for i, k in enumerate(order):
        if i and cap.over():
            break

        def passed(passes, n, i=i):
            say(STAGE_POLISH, passes, None, _("起点 {start}/{starts}，已采纳 {kept} 步").format(start=i + 1, starts=len(order),
                                                                                          kept=kept + n))

        pol = polish(sample, ranking.plans[k], req, cap=cap, progress=passed, rounds=ROUNDS if i == 0 else 0)
        kept += len(pol.moves)
        done.append(pol)
    if len(done) == 1:
        return done[0]
    final = rank_candidates(sample, [(str(i), p.plan) for i, p in enumerate(done)])
    return done[int(final.labels[final.best].split(" = ")[0])]


def _best_named(ranking, names: set) -> int:
    """The best-ranked candidate first named one of ``names`` (a plan found twice is named by its
    first finder, 'a = b'); the first candidate if none."""
    ks = [k for k, lab in enumerate(ranking.labels) if lab.split(" = ")[0] in names]
    return max(ks, key=lambda k: ranking.values[k]) if ks else 0


def incumbent_words(incumbent: float | None, bound: float | None) -> str:
    """The solver's progress in words: the best plan so far and the bound ('' before the first plan)."""
    if incumbent is None:
        return ""
    if bound is None:
        return _("当前最优 {incumbent:.4g}").format(incumbent=incumbent)
    return _("当前最优 {incumbent:.4g}，界 {bound:.4g}").format(incumbent=incumbent, bound=bound)


def _pp(x: float) -> str:
    return _("{points:.2f} 个百分点").format(points=100 * x)


def gap_words(sa: Recommendation, req: Request) -> list[str]:
    """The gap figures in a planner's words (README: "How far from the best?"), in the language in use."""
    what = _("名次≤{rank}").format(rank=req.rank) if req.objective == "rank-prob" else _("目标")
    S, M = sa.samples["replications"]["draws"], len(sa.replications)
    out = []
    if sa.gap_upper is not None:
        out.append(_("上界: 有 {level:.0%} 的把握, 没有任何方案能比本方案多 {upper} 以上的概率达到{what} (均值 {mean} ± {se}; "
                     "{replications} 个各 {draws} 次抽样的样本, 共同随机数上的 MRP 估计)。这个上界偏大: 每个 {draws} 次抽样的样本"
                     "都会高估自己的最优方案, 样本越大越准; 它也不会低于一个样本的分辨率 (1/{draws})。").format(
            level=LEVEL, upper=_pp(sa.gap_upper), what=what, mean=_pp(sa.gap_mean), se=_pp(sa.gap_se), replications=M,
            draws=S))
    else:
        out.append(_("上界: 只有 1 个样本, 无法给出置信上界 (点估计 {mean}, 偏大)。").format(mean=_pp(sa.gap_mean)))
    if sa.alternative is None:
        out.append(_("下界: 在选择样本上的局部搜索没有找到更好的方案 (已知还能改进的幅度: 0)。"))
    elif sa.found <= 2 * sa.found_se:
        out.append(_("下界: 搜索找到的最好的另一方案, 在独立样本上比本方案多 {found} ± {se}(在噪声之内, 不能算更好)。").format(
            found=_pp(sa.found), se=_pp(sa.found_se)))
    else:
        out.append(_("下界: 搜索找到的最好的另一方案, 在独立样本上比本方案多 {found} ± {se}。").format(
            found=_pp(sa.found), se=_pp(sa.found_se)))
    if sa.stopped_by_clock:
        out.append(_("注意: 时间限制使部分求解或局部改进提前结束。"))
    return out


def candidates_table(sa: Recommendation) -> pd.DataFrame:
    """The candidates compared on the selection sample (headers in the language in use)."""
    return pd.DataFrame([{_("候选方案"): c["label"], _("工作量"): c["effort"], _("选择样本上的目标值"): c["selection"],
                          _("与最优候选之差（成对）"): c["diff_vs_best"], _("差的标准误"): c["diff_se"]}
                         for c in sa.candidates])


def _per_draw(tables, req, scores) -> np.ndarray:
    """The objective per draw from full scores (the option tables name the assessments)."""
    return per_draw(tables, req, {s.name: s for s in scores})


def _plan_result(scn, cs, req, results, plan, selection_value, sample, report, mine, ranking, warm, t0, seed) -> PlanResult:
    """The chosen plan as a :class:`PlanResult`: in-sample = the selection sample (chosen on it,
    so flattering), out-of-sample = the report sample."""
    first = results[0]
    levels, tables = first.levels, first.tables
    status_quo, scores = None, mine
    if any(p[0] > 0 for p in levels.push):  # a constraint requires a push: gains count from the status quo
        status_quo = score_all(report.values, cs, drawn_totals=report.totals)
        scores = score_all(apply_push(report.values, cs, levels.push_vector(plan, len(cs.indicators))), cs,
                           drawn_totals=report.totals)
    table, reasons = explain(scn, cs, tables, req, plan, scores, status_quo)
    return PlanResult(req, plan, levels, tables, "saa", selection_value, selection_value, None, None, first.solver,
                      first.solver_version, time.perf_counter() - t0, ranking.values[warm], ranking.plans[warm],
                      sample.summary(plan) or home_summary(score_plan(cs, levels, plan, draw(
                          scn, sample.n_draws, seed, stream=STREAM_SELECT, cs=cs)), cs, req, tables),
                      home_summary(mine, cs, req, tables),
                      counts=dict(first.counts), table=table, reasons=reasons, n_draws=first.n_draws,
                      n_fresh=report.values.shape[0], problem=first.problem)

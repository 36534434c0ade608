"""``kaoping optimize SCENARIO``: the plan of pushes that best serves the objective, verified."""
from __future__ import annotations

import json

from optimizer.errors import BadInput

from ..i18n import N_, _
from ..i18n import _ as translate
from ..jsonkeys import keyed, records
from ._table import text
from ._argtypes import amount, nonnegative, positive, probability, scenario, scenario_help, seconds
from ._constraints import add_constraint_arguments, constraints_from_args

NAME = "optimize"
HELP = N_("choose which indicators to push: the SAA recipe (MILP on several samples, the candidates compared and "
          "polished on common draws, the value reported on untouched draws), verified by re-scoring")
ORDER = 40
OBJECTIVES = ("score", "expected-rank", "rank-prob", "grade-prob", "min-effort")
SAA_DRAWS, SINGLE_DRAWS, SAA_REPLICATIONS = 100, 200, 5
TIME_LIMIT = 120.0  # [s] a safety cap: the default work takes about 15 s of one core on sanmen (40-80 s on a loaded 2-core machine)


def add_arguments(p):
    from ..runs import add_run_arguments

    add_run_arguments(p)
    p.add_argument("scenario", type=scenario, help=scenario_help())
    p.add_argument("--objective", default="rank-prob", choices=OBJECTIVES, help=_("what to optimise (default rank-prob)"))
    p.add_argument("--assessment", default=None, help=_("assessment to optimise (default: the first)"))
    p.add_argument("--rank", type=positive, default=1, help=_("target rank r for rank-prob / min-effort"))
    p.add_argument("--grade", default=None, help=_("target grade (name or index, 0 = best) for grade-prob / min-effort"))
    p.add_argument("--prob", type=probability, default=None, help=_("required probability for min-effort"))
    p.add_argument("--budget", type=amount, default=None, help=_("total effort budget (default: the scenario's)"))
    p.add_argument("--single", action="store_true",
                   help=_("solve one sample of --draws draws instead of the SAA recipe (min-effort always does)"))
    p.add_argument("--draws", type=positive, default=None,
                   help=_("draws S of each sample solved by the MILP (default {saa}; {single} with --single)").format(
                       saa=SAA_DRAWS, single=SINGLE_DRAWS))
    p.add_argument("--replications", type=positive, default=None,
                   help=_("SAA: independent samples M solved by the MILP (default {m})").format(m=SAA_REPLICATIONS))
    p.add_argument("--select-draws", type=positive, default=20_000,
                   help=_("SAA: draws of the sample on which the candidate plans are compared and polished"))
    p.add_argument("--report-draws", type=positive, default=10_000,
                   help=_("SAA: draws of the untouched sample on which the plan's value is reported"))
    p.add_argument("--seed", type=nonnegative, default=None, help=_("random seed (default: the scenario's simulation.seed)"))
    p.add_argument("--solver", choices=("highs", "cbc"), default="highs", help=_("MILP solver (default highs)"))
    p.add_argument("--time-limit", type=seconds, default=TIME_LIMIT,
                   help=_("safety cap of the whole run [s] (with --single: of the solve); the work is fixed up front "
                          "from the options, so the numbers do not depend on the machine unless the cap is reached"))
    p.add_argument("--overrides", default="", help=_("comma-separated override names to apply first"))
    p.add_argument("--json", action="store_true", help=_("print the results as JSON on stdout"))
    add_constraint_arguments(p)


def request_from_args(scn, args) -> Request:
    from optimizer.request import Request

    known = [x.name for x in scn.spec.assessments]
    if args.assessment is not None and args.assessment not in known:
        raise BadInput(_("--assessment: unknown assessment '{assessment}': use one of {known}").format(
            assessment=args.assessment, known=", ".join(known)))
    a = scn.assessment(args.assessment) if args.assessment else scn.spec.assessments[0]
    names = a.grades.names
    grade = 0
    if args.grade is not None:
        if args.grade in names:
            grade = names.index(args.grade)
        elif args.grade.strip().isdigit() and int(args.grade) < len(names):
            grade = int(args.grade)
        else:
            raise BadInput(_("--grade: unknown grade '{grade}': use one of {names} or an index 0..{last}").format(
                grade=args.grade, names=", ".join(names), last=len(names) - 1))
    if args.objective == "min-effort" and args.prob is None:
        raise BadInput(_("min-effort needs --prob P (and --rank R or --grade G)"))
    eff = scn.spec.effort
    budget = eff.budget if args.budget is None else args.budget
    if budget is not None and budget < 0:
        raise BadInput(_("--budget must be ≥ 0"))
    target = "grade" if (args.objective == "min-effort" and args.grade is not None) else "rank"
    req = Request(objective=args.objective, assessment=a.name, rank=args.rank, grade=grade, prob=args.prob,
                  target=target, budget=budget, departments=dict(eff.departments))
    return constraints_from_args(scn, args, req)


def result_json(scn, res, sa=None) -> dict:
    from optimizer.recommend import LEVEL

    saa = None if sa is None else {
        "replications": [{k: v for k, v in r.items() if k not in ("plan", "seconds")} for r in sa.replications],
        "candidates": [{k: v for k, v in c.items() if k != "plan"} for c in sa.candidates],
        "polish_moves": sa.moves, "polish_converged": sa.polish_converged, "stopped_by_clock": sa.stopped_by_clock,
        "value": sa.value, "value_se": sa.value_se, "gap_upper": sa.gap_upper, "gap_level": LEVEL,
        "gap_mean": sa.gap_mean, "gap_se": sa.gap_se, "gap_estimator": sa.estimator, "found": sa.found,
        "found_se": sa.found_se, "samples": sa.samples}
    return {"saa": saa, **_result_json(scn, res)}


def _result_json(scn, res) -> dict:
    return {
        "scenario": scn.name, "objective": res.request.objective, "assessment": res.request.assessment,
        "status": res.status, "objective_value": res.objective, "rescored": res.rescored, "bound": res.bound,
        "gap": res.gap, "solver": res.solver, "solver_version": res.solver_version, "seconds": res.seconds,
        "draws": res.n_draws, "fresh_draws": res.n_fresh, "effort": res.effort, "budget": res.request.budget,
        "warm_start_objective": res.warm_objective, "model": res.counts,
        "in_sample": res.in_sample, "out_of_sample": res.out_of_sample,
        "plan": records(res.table),
        "reasons": res.reasons,
        "baselines": keyed({k: {kk: vv for kk, vv in v.items() if kk != "plan"} for k, v in res.baselines.items()}),
        "clock_cut": res.cut,  # stages the safety cap stopped: the numbers then depend on the machine's speed
    }


def run(args) -> int:
    import pandas as pd

    from models.scenario import load_scenario
    from optimizer.plan import optimize
    from optimizer.recommend import candidates_table, gap_words, incumbent_words, recommend

    from ..progress import stages

    scn = load_scenario(args.scenario, overrides=[o for o in args.overrides.split(",") if o])
    req = request_from_args(scn, args)
    if req.objective == "min-effort" and args.replications is not None:
        raise BadInput(_("--replications (the SAA recipe) applies to the maximising objectives, not min-effort: "
                         "remove --replications"))
    single = args.single or req.objective == "min-effort"
    draws = args.draws or (SINGLE_DRAWS if single else SAA_DRAWS)
    from ..preflight import optimization_memory
    from ..runs import RunFolder

    optimization_memory(scn, draws)

    with RunFolder.open(args, scn, command=NAME, draws=draws) as run:
        with run.timer("optimize"), stages() as progress:
            sa = None
            if single:
                res = optimize(scn, req, n_draws=draws, seed=args.seed, solver=args.solver, time_limit=args.time_limit,
                               progress=lambda inc, bd: progress(_("求解"), 0, None, incumbent_words(inc, bd)))
            else:
                res, sa = recommend(scn, req, replications=args.replications or SAA_REPLICATIONS, n_draws=draws,
                                    n_select=args.select_draws, n_report=args.report_draws, seed=args.seed,
                                    solver=args.solver, time_limit=args.time_limit, progress=progress)
        out = result_json(scn, res, sa)
        run.meta(solver={k: out.pop(k) for k in ("solver", "solver_version", "seconds", "status", "bound", "gap")})
        if sa is not None:  # wall-clock seconds are not results
            run.meta(replication_seconds=[r["seconds"] for r in sa.replications])
        run.table("plan", res.table, title=_("推进方案"))
        a, gname = req.assessment, scn.assessment(req.assessment).grades.names[req.grade]
        cols = {"p_rank": _("P(名次≤{rank})").format(rank=req.rank), "p_grade": _("P(等次≥{grade})").format(grade=gname),
                "expected_score": _("期望得分 [分]"), "expected_rank": _("期望名次")}
        if sa:
            inside, outside, fresh = _("优化方案（选择样本，偏乐观）"), _("优化方案（独立样本）"), N_("{baseline}（独立样本）")
        else:
            inside, outside, fresh = _("优化方案（样本内）"), _("优化方案（样本外）"), N_("{baseline}（样本外）")
        plan, effort = _("方案"), _("工作量")
        rows = [{plan: inside, effort: res.effort, **res.in_sample[a]},
                {plan: outside, effort: res.effort, **res.out_of_sample[a]}]
        rows += [{plan: translate(fresh).format(baseline=k), effort: v["effort"], **v["out_of_sample"][a]}
                 for k, v in res.baselines.items()]
        probs = pd.DataFrame(rows).rename(columns=cols)
        run.table("probabilities", probs, title=_("名次与等次概率（与基准方案对比）"))
        if sa is not None:
            run.table("candidates", candidates_table(sa), title=_("候选方案（选择样本上成对比较）"))
        from ..report import bar_figure

        run.figure("probabilities", lambda: bar_figure(probs, plan, cols["p_rank"],
                                                       _("{label}：优化方案与基准方案").format(label=cols["p_rank"])),
                   title=_("各方案的名次概率"))
        run.text("reasons", "\n".join(res.reasons), title=_("方案理由"))
        if sa is not None:
            run.text("gap", "\n".join(gap_words(sa, req)), title=_("离最优还有多远"))
        run.results(out)  # wall-clock seconds and solver status/bound are in the manifest, not the hashed results
        if getattr(res, "problem", None) is not None:
            run.problem(res.problem)
    if args.json:
        print(json.dumps(result_json(scn, res, sa), ensure_ascii=False, indent=1, default=float))
        return 0
    if sa is None:
        _print_single(scn, req, res)
    else:
        _print_saa(scn, req, res, sa)
    _print_common(scn, req, res, sa)
    return 0


def _print_single(scn, req, res) -> None:
    word = _("proven optimal") if res.status == "optimal" else _("time limit reached (NOT proven optimal)")
    print(_("== {scenario}: {objective} on {assessment} (one sample of {draws} draws, {solver}) ==").format(
        scenario=scn.name, objective=req.objective, assessment=req.assessment, draws=res.n_draws, solver=res.solver_version))
    if res.bound is not None and res.gap is not None:
        print(_("status: {status}; objective {objective}, re-scored {rescored}, bound {bound}, gap {gap}").format(
            status=word, objective=f"{res.objective:.6g}", rescored=f"{res.rescored:.6g}", bound=f"{res.bound:.6g}",
            gap=f"{res.gap:.2%}"))
    else:
        print(_("status: {status}; objective {objective}, re-scored {rescored}").format(
            status=word, objective=f"{res.objective:.6g}", rescored=f"{res.rescored:.6g}"))


def _print_saa(scn, req, res, sa) -> None:
    from optimizer.recommend import gap_words
    from optimizer.solver import status_word

    smp = sa.samples
    print(_("== {scenario}: {objective} on {assessment} (SAA: {m} samples of {draws} draws, {solver}; compared and "
            "polished on {select} draws; reported on {report} untouched draws) ==").format(
        scenario=scn.name, objective=req.objective, assessment=req.assessment, m=len(sa.replications),
        draws=smp["replications"]["draws"], solver=res.solver_version, select=smp["selection"]["draws"],
        report=smp["report"]["draws"]))
    stat = _(", ").join(f"{status_word(r['status'])} {r['objective']:.3g}≤{r['bound']:.3g}" for r in sa.replications)
    print(_("samples solved by the MILP: {statuses}").format(statuses=stat))
    best = next(c for c in sa.candidates if c["best"])
    said = (_("best candidate on the selection sample: {label} ({value}); polish kept {moves} move(s) (stopped by the "
              "time limit)") if "polish" in sa.cut else
            _("best candidate on the selection sample: {label} ({value}); polish kept {moves} move(s)"))
    print(said.format(label=best["label"], value=f"{best['selection']:.4f}", moves=len(sa.moves)))
    print(_("value on the untouched sample: {value} ± {se}").format(value=f"{sa.value:.4f}", se=f"{sa.value_se:.4f}"))
    for line in gap_words(sa, req):
        print(line)


def _print_common(scn, req, res, sa) -> None:
    import pandas as pd

    from optimizer.explain import total_word
    from optimizer.i18n import translate as optimizer_words

    if req.budget is not None:
        print(_("effort {effort} of budget {budget}").format(effort=f"{res.effort:.4g}", budget=f"{req.budget:g}"))
    else:
        print(_("effort {effort}").format(effort=f"{res.effort:.4g}"))
    with pd.option_context("display.max_rows", 200, "display.width", 200, "display.unicode.east_asian_width", True,
                           "display.float_format", lambda v: f"{v:.4g}"):
        t = res.table
        moved = t[(t[optimizer_words("推进量")] > 0) & (t[optimizer_words("指标")] != total_word())]
        print(text(moved) if len(moved) else _("(no push pays off)"))
    a = req.assessment
    ins, oos = res.in_sample[a], res.out_of_sample[a]
    inside, outside = (_("selection sample"), _("untouched sample")) if sa else (_("in-sample"), _("out-of-sample"))
    print("\n" + _("P(rank ≤ {rank}): {inside} {p_in}, {outside} {p_out} ({draws} draws)").format(
        rank=req.rank, inside=inside, p_in=f"{ins['p_rank']:.3f}", outside=outside, p_out=f"{oos['p_rank']:.3f}",
        draws=res.n_fresh))
    print(_("P(grade ≥ {grade}): {inside} {p_in}, {outside} {p_out}").format(
        grade=scn.assessment(a).grades.names[req.grade], inside=inside, p_in=f"{ins['p_grade']:.3f}", outside=outside,
        p_out=f"{oos['p_grade']:.3f}"))
    print(_("expected score {score}, expected rank {rank} ({sample})").format(
        score=f"{oos['expected_score']:.4g}", rank=f"{oos['expected_rank']:.3g}", sample=outside))
    for r in res.reasons:
        print("· " + r)
    if res.baselines:
        print("\n" + _("baselines at the same budget ({sample}):").format(sample=outside))
        for k, v in res.baselines.items():
            o = v["out_of_sample"][a]
            print("  " + _("{baseline}: effort {effort}, P(rank ≤ {rank}) {p_rank}, P(grade) {p_grade}, E[score] {score}")
                  .format(baseline=k, effort=f"{v['effort']:.4g}", rank=req.rank, p_rank=f"{o['p_rank']:.3f}",
                          p_grade=f"{o['p_grade']:.3f}", score=f"{o['expected_score']:.4g}"))


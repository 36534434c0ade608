"""What the decision-aid commands share (adjust, rivals, attribute, goal-seek, robust): the scenario,
the goal (rank ≤ r, grade ≥ g), the plan under study and the draws it is studied on.

The plan is ``--plan none`` (the status quo), ``--plan RUN_DIR`` or ``--plan plan.csv`` (a plan
written by ``kaoping optimize --out``: columns 指标 and 推进量), or by default the plan ``kaoping
optimize --replications 5 --draws 100`` gives, honouring the same budgets and constraints."""
from __future__ import annotations

import json
from argparse import Namespace
from pathlib import Path

from optimizer.errors import BadInput
from optimizer.i18n import translate as optimizer_words

from ..i18n import _
from ..i18n import _ as translate
from ._argtypes import amount, nonnegative, positive, scenario, scenario_help, seconds
from ._constraints import add_constraint_arguments
from ._table import text


def add_aid_arguments(p) -> None:
    from ..runs import add_run_arguments

    p.add_argument("scenario", type=scenario, help=scenario_help())
    p.add_argument("--assessment", default=None, help=_("assessment (default: the first)"))
    p.add_argument("--rank", type=positive, default=1, help=_("goal: rank ≤ R (default 1)"))
    p.add_argument("--grade", default=None, help=_("goal: grade G or better (name or index, default the best)"))
    p.add_argument("--plan", default=None, metavar="none|RUN_DIR|plan.csv",
                   help=_("the plan to study: none (the status quo), a run folder of 'kaoping optimize --out' or its "
                          "plan.csv; default: optimise now (SAA, as kaoping demo)"))
    p.add_argument("--draws", type=positive, default=None, help=_("draws the aid works on (default: the scenario's)"))
    p.add_argument("--seed", type=nonnegative, default=None, help=_("random seed (default: the scenario's simulation.seed)"))
    p.add_argument("--overrides", default="", help=_("comma-separated override names to apply first"))
    g = p.add_argument_group(_("the plan, when optimised here"))
    g.add_argument("--objective", default="rank-prob", choices=("score", "expected-rank", "rank-prob", "grade-prob"),
                   help=_("what the plan optimises (default rank-prob)"))
    g.add_argument("--budget", type=amount, default=None, help=_("total effort budget (default: the scenario's)"))
    g.add_argument("--opt-draws", type=positive, default=100, help=_("in-sample draws of each SAA replication"))
    g.add_argument("--replications", type=positive, default=5, help=_("SAA replications (1: a single MILP)"))
    g.add_argument("--solver", choices=("highs", "cbc"), default="highs", help=_("MILP solver (default highs)"))
    g.add_argument("--time-limit", type=seconds, default=60.0, help=_("solver time limit [s]"))
    add_constraint_arguments(p)
    p.add_argument("--json", action="store_true", help=_("print the results as JSON on stdout"))
    add_run_arguments(p)


def goal_request(scn, args):
    """The request (goal, budgets, constraints resolved on ``scn``) the arguments ask for."""
    from .optimize import request_from_args

    return request_from_args(scn, Namespace(**{**vars(args), "prob": None, "draws": args.opt_draws}))


def scenario_and_goal(args):
    """The scenario (overrides applied) and the request (goal, budgets, constraints)."""
    from models.scenario import load_scenario

    scn = load_scenario(args.scenario, overrides=[o for o in args.overrides.split(",") if o])
    return scn, goal_request(scn, args)


def read_plan(scn, where: str) -> np.ndarray:
    """Pushes (I,) from a plan.csv (or a run folder holding one): columns 指标 and 推进量."""
    import numpy as np
    import pandas as pd

    from optimizer.aids.common import push_vector
    from optimizer.explain import total_word

    path = Path(where)
    if path.is_dir():
        path = path / "plan.csv"
    if not path.is_file():
        raise BadInput(_("--plan {plan}: no such plan (give none, a run folder of 'kaoping optimize --out', or its "
                         "plan.csv)").format(plan=where))
    try:
        df = pd.read_csv(path, encoding="utf-8-sig")
    except (OSError, ValueError) as err:
        raise BadInput(_("--plan {path}: cannot read it as CSV ({reason})").format(path=path, reason=err)) from None
    # the plan table's headers as written: Chinese (the msgids) or the language in use
    ind, push = next(((i, q) for i, q in (("指标", "推进量"), (optimizer_words("指标"), optimizer_words("推进量")))
                      if {i, q} <= set(df.columns)), (None, None))
    if ind is None:
        raise BadInput(_("--plan {path}: needs the columns {indicator} and {push} (a plan.csv of kaoping optimize)")
                       .format(path=path, indicator=_("指标"), push=_("推进量")))
    rows = df[~df[ind].isin({"合计", total_word()})]
    pushes = pd.to_numeric(rows[push], errors="coerce")
    if pushes.isna().any():
        k = int(np.flatnonzero(pushes.isna().to_numpy())[0])
        raise BadInput(_("--plan {path} row {row}: {push} '{value}' is not a number").format(
            path=path, row=k + 2, push=push, value=rows[push].iloc[k]))
    return push_vector(scn, dict(zip(rows[ind], pushes)))


def plan_under_study(scn, req, args) -> tuple[np.ndarray, str]:
    """The plan's pushes and where they come from, in words."""
    from optimizer.aids.common import optimised_push, push_vector

    if args.plan is not None and args.plan.strip().lower() == "none":
        return push_vector(scn, {}), _("现状 (不推进)")
    if args.plan is not None:
        return read_plan(scn, args.plan), _("读自 {plan}").format(plan=args.plan)
    from optimizer.recommend import incumbent_words

    from ..progress import stages

    with stages() as progress:
        push = optimised_push(scn, req, replications=args.replications, n_draws=args.opt_draws, seed=args.seed,
                              solver=args.solver, time_limit=args.time_limit,
                              progress=lambda m, n, inc, bd: progress(_("the plan under study: samples solved"), m, n,
                                                                      incumbent_words(inc, bd)))
    return push, _("优化方案 ({objective}, SAA {replications} × {draws} 次抽样)").format(
        objective=req.objective, replications=args.replications, draws=args.opt_draws)


def replan(args):
    """``plan_fn(scenario, request) -> pushes``: the same optimiser for a changed scenario, its
    constraints resolved anew (a 保基本分 push follows an adjusted basic target)."""
    from optimizer.aids.common import optimised_push

    return lambda scn, req: optimised_push(scn, goal_request(scn, args), replications=args.replications,
                                           n_draws=args.opt_draws, seed=args.seed, solver=args.solver,
                                           time_limit=args.time_limit)


def setup(args):
    """(scenario, request, study, where the plan comes from) for an aid command; what would stop it after
    the computing (an unwritable --out, draws beyond the memory) is refused first."""
    from optimizer.aids.common import study

    from .. import preflight

    preflight.run_destination(args)
    scn, req = scenario_and_goal(args)
    draws = args.draws or scn.spec.simulation.draws
    preflight.simulation_memory(scn, draws, scn.spec.simulation.chunk, given=args.draws is not None)
    if args.plan is None:
        preflight.optimization_memory(scn, args.opt_draws, "--opt-draws")
    push, source = plan_under_study(scn, req, args)
    from ..progress import status

    status(_("drawing and scoring the plan under study…"))
    return scn, req, study(scn, req, push, n_draws=args.draws, seed=args.seed), source


def plan_table(st) -> pd.DataFrame:
    """The plan under study: its pushed indicators."""
    import pandas as pd

    cs = st.cs
    cols = [_("指标"), _("牵头单位"), _("推进量"), _("单位")]
    rows = [(n, st.scn.indicator(n).department or "", float(st.push[k]), st.scn.indicator(n).unit)
            for k, n in enumerate(cs.indicators) if st.push[k] > 0]
    return pd.DataFrame(rows, columns=cols)


def records(df: pd.DataFrame) -> list[dict]:
    from ..jsonkeys import records as keyed

    return keyed(df)


def header(st, source: str) -> dict:
    """What every aid's JSON starts with."""
    return {"scenario": st.scn.name, "assessment": st.ca.name, "rank": st.req.rank,
            "grade": st.ca.grade_names[st.req.grade], "draws": st.n, "seed": st.seed, "stream": st.stream,
            "plan_source": source, "plan": records(plan_table(st))}


def print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=1, default=float))


def finish(args, st, source: str, what: str, out: dict, lines, tables) -> int:
    """Print the aid's results: ``out`` as JSON with --json, else a title, ``lines`` and ``tables``
    (title → DataFrame, or DataFrames alone)."""
    if args.json:
        print_json(out)
        return 0
    print(_("== {scenario}: {what} in {assessment} ({draws} draws; plan: {source}) ==").format(
        scenario=st.scn.name, what=translate(what), assessment=st.ca.name, draws=st.n, source=source))
    if lines:
        print("\n".join(lines))
    for title, df in (tables.items() if isinstance(tables, dict) else ((None, t) for t in tables)):
        print(f"\n-- {title} --\n" if title else "\n", end="")
        print(show(df))
    return 0


def show(df: pd.DataFrame) -> str:
    import pandas as pd

    with pd.option_context("display.max_rows", 200, "display.width", 220, "display.unicode.east_asian_width", True,
                           "display.max_colwidth", 80, "display.float_format", lambda v: f"{v:.4g}"):
        return text(df) if len(df) else _("(none)")

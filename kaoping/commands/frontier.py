"""``kaoping frontier SCENARIO --budgets 10,20,40``: the effort frontier and its plot."""
from __future__ import annotations

import json
from argparse import Namespace

from ..i18n import N_, _
from ..jsonkeys import records
from ._argtypes import amounts, nonnegative, positive, scenario, scenario_help, seconds
from ._table import text
from .optimize import request_from_args

NAME = "frontier"
HELP = N_("effort frontier: per budget the best P(rank ≤ r), expected score and rank, marginal value of effort")
ORDER = 45


def add_arguments(p):
    p.add_argument("scenario", type=scenario, help=scenario_help())
    p.add_argument("--budgets", required=True, type=amounts, help=_("comma-separated budgets, e.g. 10,20,40"))
    p.add_argument("--assessment", default=None, help=_("assessment to optimise (default: the first)"))
    p.add_argument("--rank", type=positive, default=1, help=_("target rank r (default 1)"))
    p.add_argument("--grade", default=None, help=_("target grade (name or index, 0 = best; default the best)"))
    p.add_argument("--draws", type=positive, default=200, help=_("draws of the sample solved at each budget (default 200)"))
    p.add_argument("--seed", type=nonnegative, default=None, help=_("random seed (default: the scenario's simulation.seed)"))
    p.add_argument("--solver", choices=("highs", "cbc"), default="highs", help=_("MILP solver (default highs)"))
    p.add_argument("--time-limit", type=seconds, default=30.0, help=_("solver time limit per budget [s] (default 30)"))
    p.add_argument("--plot", default=None, help=_("write the frontier plot (PNG) to this path"))
    p.add_argument("--overrides", default="", help=_("comma-separated override names to apply first"))
    p.add_argument("--json", action="store_true", help=_("print the frontier as JSON on stdout"))
    from ..runs import add_run_arguments

    add_run_arguments(p)


def run(args) -> int:
    import pandas as pd

    from models.scenario import load_scenario
    from optimizer.frontier import frontier
    from optimizer.recommend import incumbent_words

    from ..plots import frontier_figure
    from ..progress import stages

    budgets = args.budgets
    scn = load_scenario(args.scenario, overrides=[o for o in args.overrides.split(",") if o])
    req = request_from_args(scn, Namespace(assessment=args.assessment, grade=args.grade, draws=args.draws,
                                           objective="rank-prob", prob=None, budget=None, rank=args.rank))
    from .. import preflight
    from ..runs import RunFolder

    preflight.optimization_memory(scn, args.draws)
    plot = preflight.new_file(args.plot, "--plot") if args.plot else None

    with RunFolder.open(args, scn, command=NAME, draws=args.draws) as run:
        with stages() as progress:
            df = frontier(scn, req, budgets, n_draws=args.draws, seed=args.seed, solver=args.solver,
                          time_limit=args.time_limit,
                          progress=lambda k, n, inc, bd: progress(_("frontier: budgets solved"), k, n, incumbent_words(inc, bd)))
        title = _("{scenario}：工作量前沿").format(scenario=scn.name)
        run.table("frontier", df, title=_("工作量前沿"))
        run.figure("frontier", lambda: frontier_figure(df, title), title=_("工作量前沿图"))
    if plot is not None:
        import io

        buf = io.BytesIO()
        frontier_figure(df, title).savefig(buf, format=plot.suffix.lstrip(".").lower() or "png")
        preflight.write_new(plot, buf.getvalue())
    if args.json:
        print(json.dumps(records(df), ensure_ascii=False, indent=1))
        return 0
    with pd.option_context("display.width", 200, "display.unicode.east_asian_width", True,
                           "display.float_format", lambda v: f"{v:.4g}"):
        print(text(df))
    return 0

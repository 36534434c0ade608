"""``kaoping frontier SCENARIO --budgets 10,20,40``: the effort frontier and its plot."""
from __future__ import annotations

import json
from argparse import Namespace

from ._argtypes import SCENARIO_HELP, amounts, nonnegative, positive, scenario, seconds
from .optimize import request_from_args
from ..i18n import _

NAME = "frontier"
HELP = "effort frontier: per budget the best P(rank ≤ r), expected score and rank, marginal value of effort"
ORDER = 45


def add_arguments(p):
    p.add_argument("scenario", type=scenario, help=SCENARIO_HELP)
    p.add_argument("--budgets", required=True, type=amounts, help="comma-separated budgets, e.g. 10,20,40")
    p.add_argument("--assessment", default=None)
    p.add_argument("--rank", type=positive, default=1)
    p.add_argument("--grade", default=None)
    p.add_argument("--draws", type=positive, default=200)
    p.add_argument("--seed", type=nonnegative, default=None)
    p.add_argument("--solver", choices=("highs", "cbc"), default="highs")
    p.add_argument("--time-limit", type=seconds, default=30.0)
    p.add_argument("--plot", default=None, help="write the frontier plot (PNG) to this path")
    p.add_argument("--overrides", default="")
    p.add_argument("--json", action="store_true")
    from ..runs import add_run_arguments

    add_run_arguments(p)


def run(args) -> int:
    import pandas as pd

    from models.scenario import load_scenario
    from optimizer.frontier import frontier

    from ..plots import frontier_figure

    budgets = args.budgets
    scn = load_scenario(args.scenario, overrides=[o for o in args.overrides.split(",") if o])
    req = request_from_args(scn, Namespace(assessment=args.assessment, grade=args.grade, draws=args.draws,
                                           objective="rank-prob", prob=None, budget=None, rank=args.rank))
    from .. import preflight
    from ..runs import RunFolder

    preflight.optimization_memory(scn, args.draws)
    plot = preflight.new_file(args.plot, "--plot") if args.plot else None

    from ..progress import stages
    from optimizer.recommend import incumbent_words

    with RunFolder.open(args, scn, command=NAME, draws=args.draws) as run:
        with stages() as progress:
            df = frontier(scn, req, budgets, n_draws=args.draws, seed=args.seed, solver=args.solver,
                          time_limit=args.time_limit,
                          progress=lambda k, n, inc, bd: progress(_("frontier: budgets solved"), k, n, incumbent_words(inc, bd)))
        run.table("frontier", df, title="工作量前沿")
        run.figure("frontier", lambda: frontier_figure(df, f"{scn.name}: 工作量前沿"), title="工作量前沿图")
    if plot is not None:
        import io

        buf = io.BytesIO()
        frontier_figure(df, f"{scn.name}: 工作量前沿").savefig(buf, format=plot.suffix.lstrip(".").lower() or "png")
        preflight.write_new(plot, buf.getvalue())
    if args.json:
        print(json.dumps(json.loads(df.to_json(orient="records", force_ascii=False)), ensure_ascii=False, indent=1))
        return 0
    with pd.option_context("display.width", 200, "display.unicode.east_asian_width", True,
                           "display.float_format", lambda v: f"{v:.4g}"):
        print(df.to_string(index=False))
    return 0

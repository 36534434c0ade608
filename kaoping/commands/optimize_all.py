"""``kaoping optimize-all SCENARIO``: every county's best plan against its own class, and a province summary."""
from __future__ import annotations

import json

from optimizer.errors import BadInput

from ..i18n import N_, _
from ..jsonkeys import records
from ._argtypes import positive, scenario, scenario_help
from ._table import text

NAME = "optimize-all"
HELP = N_("plan every county (or those listed) as if it were the home county; locally in processes or on Dask")
ORDER = 41


def add_arguments(p):
    from ..distributed import add_backend_arguments
    from ..runs import add_run_arguments

    add_run_arguments(p)
    p.add_argument("scenario", type=scenario, help=scenario_help())
    p.add_argument("--counties", default=None, help=_("comma-separated counties to plan (default: every county)"))
    p.add_argument("--class", dest="peer_class", default=None, help=_("plan the counties of this peer class"))
    p.add_argument("--objective", default="rank-prob", choices=("score", "expected-rank", "rank-prob", "grade-prob"),
                   help=_("what to optimise (default rank-prob)"))
    p.add_argument("--assessment", default=None, help=_("assessment to optimise (default: the first)"))
    p.add_argument("--rank", type=positive, default=1, help=_("target rank r for rank-prob"))
    p.add_argument("--grade", default=None, help=_("target grade (name or index, 0 = best) for grade-prob"))
    p.add_argument("--budget", type=float, default=None,
                   help=_("each county's total effort budget (default: the scenario's)"))
    p.add_argument("--draws", type=positive, default=200, help=_("in-sample draws S per county"))
    p.add_argument("--replications", type=positive, default=1, help=_("SAA replications per county"))
    p.add_argument("--fresh", type=positive, default=2000, help=_("fresh draws measuring each plan (default 2000)"))
    p.add_argument("--seed", type=int, default=None, help=_("random seed (default: the scenario's simulation.seed)"))
    p.add_argument("--solver", choices=("highs", "cbc"), default="highs", help=_("MILP solver (default highs)"))
    p.add_argument("--time-limit", type=float, default=60.0, help=_("solver time limit per MILP [s]"))
    add_backend_arguments(p, _("processes (or Dask workers) planning counties at once (default 1: here, one by one)"))
    p.add_argument("--json", action="store_true", help=_("print the plans and the province summary as JSON on stdout"))


def _counties(scn, args) -> list[str]:
    if args.counties and args.peer_class:
        raise BadInput(_("give --counties or --class, not both"))
    if args.peer_class:
        out = [c.name for c in scn.spec.counties if c.peer_class == args.peer_class]
        if not out:
            classes = sorted({c.peer_class for c in scn.spec.counties})
            raise BadInput(_("no peer class '{name}': one of {classes}").format(name=args.peer_class,
                                                                              classes=", ".join(classes)))
        return out
    if args.counties:
        out = [c.strip() for c in args.counties.split(",") if c.strip()]
        unknown = [c for c in out if c not in scn.counties]
        if unknown:
            raise BadInput(_("unknown counties {unknown}: use names from the scenario, e.g. {known}").format(
                unknown=", ".join(unknown), known=", ".join(scn.counties[:3])))
        return out
    return list(scn.counties)


def run(args) -> int:
    import pandas as pd

    from models.scenario import load_scenario
    from optimizer.i18n import translate
    from optimizer.province import Settings, optimize_all

    from ..distributed import backend, process_map
    from ..progress import bar
    from ..runs import RunFolder
    from .optimize import request_from_args

    scn = load_scenario(args.scenario)
    args.prob = None
    req = request_from_args(scn, args)
    counties = _counties(scn, args)
    if args.time_limit <= 0:
        raise BadInput(_("--time-limit must be positive"))
    settings = Settings(n_draws=args.draws, replications=args.replications, time_limit=args.time_limit,
                        n_fresh=args.fresh, seed=args.seed, solver=args.solver)
    local = process_map if args.workers > 1 else None
    with RunFolder.open(args, scn, command=NAME, draws=args.draws) as run:
        with run.timer("optimize-all"), backend(args, local=local) as mapper, bar(len(counties), _("规划")) as progress:
            table, summary = optimize_all(scn, req, counties, settings=settings, mapper=mapper, progress=progress)
        run.table("counties", table, title=_("各县最优方案"))
        run.table("province", summary, title=_("全省各类预期等次分布"))
        grades = scn.assessment(req.assessment).grades.names
        out = {"scenario": scn.name, "objective": req.objective, "assessment": req.assessment, "rank": req.rank,
               "counties": records(table, grades), "province": records(summary, grades)}
        run.results(out)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    with pd.option_context("display.max_rows", 500, "display.width", 220, "display.unicode.east_asian_width", True,
                           "display.float_format", lambda v: f"{v:.4g}"):
        print(_("== {scenario}: {objective} for {n} counties, each against its own class ==").format(
            scenario=scn.name, objective=req.objective, n=len(counties)))
        print(text(table.drop(columns=[translate("方案")], errors="ignore")))
        print("\n" + _("-- 全省各类预期等次分布（各等次的预期县数）--"))
        print(text(summary))
    return 0

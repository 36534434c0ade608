"""``kaoping demo [SCENARIO]``: the default scenario end to end: score → simulate → optimize.

Each step is the CLI command itself (same code, same output), so the demo shows exactly what a
user would type: ``kaoping score``, ``kaoping simulate``, ``kaoping optimize`` (which prints the
plan beside the baselines: the speech's rule, greedy by points per effort, an even split)."""
from __future__ import annotations

import sys

from ..shipped import DEFAULT, SHIPPED
from ._argtypes import SCENARIO_HELP, scenario

NAME = "demo"
HELP = "run the default scenario end to end (score, simulate, optimize with baselines)"
ORDER = 90


def add_arguments(p):
    p.add_argument("scenario", nargs="?", type=scenario, default=DEFAULT, help=SCENARIO_HELP)
    p.add_argument("--draws", type=int, default=None, help="Monte Carlo draws for simulate (default: the scenario's)")
    p.add_argument("--opt-draws", type=int, default=100, help="in-sample draws of each SAA replication")
    p.add_argument("--replications", type=int, default=5, help="SAA replications (independent samples)")
    p.add_argument("--time-limit", type=float, default=30.0, help="solver time limit [s]")


def steps(args) -> list[tuple[str, list[str]]]:
    scenario = args.scenario.name if args.scenario.parent == SHIPPED else str(args.scenario)
    sim = ["simulate", scenario] + ([] if args.draws is None else ["--draws", str(args.draws)])
    return [
        ("1. scorecard at the forecast values", ["score", scenario]),
        ("2. Monte Carlo projection: rank and grade probabilities", sim),
        ("3. the plan that maximises P(rank 1) (SAA: best of several samples), beside the baselines",
         ["optimize", scenario, "--objective", "rank-prob", "--rank", "1", "--draws", str(args.opt_draws),
          "--replications", str(args.replications), "--time-limit", str(args.time_limit)]),
    ]


def run(args) -> int:
    from ..cli import main

    for title, argv in steps(args):
        print(f"\n### {title}\n$ kaoping {' '.join(argv)}", flush=True)
        rc = main(argv)
        sys.stdout.flush()
        if rc != 0:
            print(f"demo stopped: 'kaoping {' '.join(argv)}' exited {rc}", file=sys.stderr)
            return rc
    return 0

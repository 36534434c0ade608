"""``kaoping demo [SCENARIO]``: the default scenario end to end: score → simulate → optimize → the
decision aids on the plan found.

Each step is the CLI command itself (same code, same output), so the demo shows exactly what a
user would type: ``kaoping score``, ``kaoping simulate``, ``kaoping optimize`` (which prints the
plan beside the baselines: the speech's rule, greedy by points per effort, an even split, and writes
it to a run folder), then ``rivals``, ``attribute``, ``goal-seek``, ``robust`` and ``adjust`` on that
plan (``--plan RUN_DIR``)."""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from ..shipped import DEFAULT, SHIPPED
from ._argtypes import SCENARIO_HELP, positive, scenario, seconds

NAME = "demo"
HELP = "run the default scenario end to end (score, simulate, optimize with baselines, the decision aids)"
ORDER = 90


def add_arguments(p):
    p.add_argument("scenario", nargs="?", type=scenario, default=DEFAULT, help=SCENARIO_HELP)
    p.add_argument("--draws", type=positive, default=None, help="Monte Carlo draws for simulate and the aids (default: the scenario's)")
    p.add_argument("--opt-draws", type=positive, default=100, help="in-sample draws of each SAA replication (the aids)")
    p.add_argument("--replications", type=positive, default=5, help="SAA replications of the aids that re-optimise")
    p.add_argument("--time-limit", type=seconds, default=30.0, help="time limit of the optimize step [s]")
    p.add_argument("--no-aids", action="store_true", help="stop after the optimiser")


def steps(args, plan_dir: str | None = None) -> list[tuple[str, list[str]]]:
    scenario = args.scenario.name if args.scenario.parent == SHIPPED else str(args.scenario)
    draws = [] if args.draws is None else ["--draws", str(args.draws)]
    out = [
        ("1. scorecard at the forecast values", ["score", scenario]),
        ("2. Monte Carlo projection: rank and grade probabilities", ["simulate", scenario, *draws]),
        ("3. the plan that maximises P(rank 1) (the default: the SAA recipe), beside the baselines",
         ["optimize", scenario, "--objective", "rank-prob", "--rank", "1", "--time-limit", str(args.time_limit)]
         + (["--out", plan_dir] if plan_dir else [])),
    ]
    if plan_dir is None:
        return out
    on = [scenario, "--plan", plan_dir, *draws]
    return out + [
        ("4. head-to-head with each rival (扬长避短)", ["rivals", *on]),
        ("5. each department's share of the plan's gain (Shapley values)", ["attribute", *on]),
        ("6. goal seek: the smallest push on each indicator alone for P(rank 1) ≥ 0.8; each rival's break-even total",
         ["goal-seek", *on, "--prob", "0.8"]),
        ("7. when the plan fails (scenario discovery)", ["robust", *on]),
        ("8. which target adjustments to file (申报调整指标), the best three re-optimised",
         ["adjust", *on, "--share", "10%", "--resolve", "3", "--opt-draws", str(args.opt_draws),
          "--replications", str(args.replications), "--time-limit", str(args.time_limit)]),
    ]


def run(args) -> int:
    from ..cli import main

    with tempfile.TemporaryDirectory(prefix="kaoping-demo-") as tmp:
        plan_dir = None if args.no_aids else str(Path(tmp) / "plan")
        for title, argv in steps(args, plan_dir):
            print(f"\n### {title}\n$ kaoping {' '.join(argv)}", flush=True)
            rc = main(argv)
            sys.stdout.flush()
            if rc != 0:
                print(f"demo stopped: 'kaoping {' '.join(argv)}' exited {rc}", file=sys.stderr)
                return rc
    return 0

"""``kaoping demo [SCENARIO]``: the default scenario end to end: score → simulate → optimize."""
from __future__ import annotations

import argparse
import sys

from . import score

NAME = "demo"
HELP = "run the default scenario end to end (score, simulate, optimize)"
ORDER = 90
DEFAULT = "scenarios/sanmen"


def add_arguments(p):
    p.add_argument("scenario", nargs="?", default=DEFAULT)


def run(args) -> int:
    print(f"### kaoping demo: {args.scenario}", file=sys.stderr)
    print("### 1. scorecard at the forecast values")
    rc = score.run(argparse.Namespace(scenario=args.scenario, overrides="", json=False))
    return rc

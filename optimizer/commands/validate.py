"""``kaoping validate PATH``: exit 0 when the scenario is sound, else 2 with every problem."""
from __future__ import annotations

import json
import sys

from models.scenario import ScenarioError, load_scenario

NAME = "validate"
HELP = "check a scenario folder and list every problem (file, line or row, field, what to do)"
ORDER = 10


def add_arguments(p):
    p.add_argument("scenario", help="scenario folder (or its scenario.yaml)")
    p.add_argument("--overrides", default="", help="comma-separated override names to apply first")
    p.add_argument("--json", action="store_true", help="print the result as JSON on stdout")


def run(args) -> int:
    names = [o for o in args.overrides.split(",") if o]
    try:
        scn = load_scenario(args.scenario, overrides=names)
    except ScenarioError as err:
        if args.json:
            print(json.dumps({"ok": False, "problems": [p.__dict__ for p in err.problems]}, ensure_ascii=False, indent=1))
            return 2
        raise
    n = len(scn.indicators())
    msg = f"ok: {scn.name}: {len(scn.counties)} counties, {len(scn.spec.assessments)} assessment(s), {n} indicators"
    if args.json:
        print(json.dumps({"ok": True, "scenario": scn.name, "indicators": n}, ensure_ascii=False))
    else:
        print(msg, file=sys.stderr)
    return 0

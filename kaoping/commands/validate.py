"""``kaoping validate PATH``: exit 0 when the scenario is sound, else 2 with every problem.

Each problem names the file, the line (YAML) or row (CSV), the field, and what to do. With
``--json`` stdout holds a JSON list of problems (``[]`` when the scenario is sound), each
``{"file", "line", "row", "field", "message"}`` with ``line`` or ``row`` null when not applicable.
"""
from __future__ import annotations

import json
import sys

from models.problems import ScenarioError

from ..i18n import N_, _
from ._argtypes import scenario, scenario_help

NAME = "validate"
HELP = N_("check a scenario folder and list every problem (file, line or row, field, what to do)")
ORDER = 10


def add_arguments(p):
    p.add_argument("scenario", type=scenario, help=scenario_help())
    p.add_argument("--overrides", default="", help=_("comma-separated override names to apply first"))
    p.add_argument("--json", action="store_true", help=_("print the problems as a JSON list on stdout"))


def run(args) -> int:
    from models.scenario import load_scenario

    names = [o for o in args.overrides.split(",") if o]
    try:
        scn = load_scenario(args.scenario, overrides=names)
    except ScenarioError as err:
        if args.json:
            print(json.dumps([p.to_dict() for p in err.problems], ensure_ascii=False, indent=1))
        print(_("{scenario}: {n} problem(s):").format(scenario=args.scenario, n=len(err.problems)), file=sys.stderr)
        for p in err.problems:
            print(f"  {p}", file=sys.stderr)
        return 2
    if args.json:
        print("[]")
    n = len(scn.indicators())
    print(_("ok: {scenario}: {counties} counties, {assessments} assessment(s), {indicators} indicators").format(
        scenario=scn.name, counties=len(scn.counties), assessments=len(scn.spec.assessments), indicators=n),
          file=sys.stderr)
    return 0

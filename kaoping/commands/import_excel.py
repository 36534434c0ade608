"""``kaoping import-excel WORKBOOK -o SCENARIO_DIR``: a planner's workbook → a scenario folder that validates."""
from __future__ import annotations

import json
from pathlib import Path

from optimizer.errors import BadInput

from ..i18n import N_, _

NAME = "import-excel"
HELP = N_("turn a planner's Excel workbook (see scenarios/template.xlsx) into a scenario folder")
ORDER = 15


def add_arguments(p):
    p.add_argument("workbook", help=_("the .xlsx workbook (its sheets: settings, indicators, county values, …)"))
    p.add_argument("-o", "--out", required=True, metavar="SCENARIO_DIR", help=_("scenario folder to write"))
    p.add_argument("--force", action="store_true", help=_("replace the files of an existing scenario folder"))
    p.add_argument("--json", action="store_true", help=_("print a summary as JSON on stdout"))


def run(args) -> int:
    from kaoping.excel import import_workbook

    from kaoping.preflight import writable_folder

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise BadInput(_("-o {path}: is a file, not a folder: choose a folder for the scenario").format(path=out))
    if out.exists() and any(out.iterdir()) and not args.force:
        raise BadInput(_("{path} exists and is not empty: choose another -o, or --force to replace its scenario files").format(
            path=out))
    writable_folder(out, "-o", create=False)
    scn = import_workbook(args.workbook, out)
    summary = {"scenario": scn.name, "folder": str(out), "home": scn.home, "counties": scn.counties,
               "assessments": [a.name for a in scn.spec.assessments], "indicators": len(scn.indicators()),
               "forecasts": len(scn.forecasts), "effort_rows": len(scn.effort_rows)}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        print(_("wrote {path}: scenario {scenario}, home {home}, {counties} counties, {indicators} indicators, "
                "{forecasts} forecasts, {effort_rows} effort rows").format(
            path=out, scenario=scn.name, home=scn.home, counties=len(scn.counties), indicators=summary["indicators"],
            forecasts=summary["forecasts"], effort_rows=summary["effort_rows"]))
    return 0

"""``kaoping import-excel WORKBOOK -o SCENARIO_DIR``: a planner's workbook → a scenario folder that validates."""
from __future__ import annotations

import json
from pathlib import Path

from optimizer.errors import BadInput

NAME = "import-excel"
HELP = "turn a planner's Excel workbook (see scenarios/template.xlsx) into a scenario folder"
ORDER = 15


def add_arguments(p):
    p.add_argument("workbook", help="the .xlsx workbook (sheets 设置, 指标, 县市区数值, …)")
    p.add_argument("-o", "--out", required=True, metavar="SCENARIO_DIR", help="scenario folder to write")
    p.add_argument("--force", action="store_true", help="replace the files of an existing scenario folder")
    p.add_argument("--json", action="store_true", help="print a summary as JSON on stdout")


def run(args) -> int:
    from kaoping.excel import import_workbook

    from kaoping.preflight import writable_folder

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise BadInput(f"-o {out}: is a file, not a folder: choose a folder for the scenario")
    if out.exists() and any(out.iterdir()) and not args.force:
        raise BadInput(f"{out} exists and is not empty: choose another -o, or --force to replace its scenario files")
    writable_folder(out, "-o", create=False)
    scn = import_workbook(args.workbook, out)
    summary = {"scenario": scn.name, "folder": str(out), "home": scn.home, "counties": scn.counties,
               "assessments": [a.name for a in scn.spec.assessments], "indicators": len(scn.indicators()),
               "forecasts": len(scn.forecasts), "effort_rows": len(scn.effort_rows)}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        print(f"wrote {out}: scenario {scn.name}, home {scn.home}, {len(scn.counties)} counties, "
              f"{summary['indicators']} indicators, {summary['forecasts']} forecasts, {summary['effort_rows']} effort rows")
    return 0

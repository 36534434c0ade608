"""``kaoping export-excel SCENARIO -o WORKBOOK``: any scenario (a shipped one included) as the planner's
workbook, which ``kaoping import-excel`` reads back to the same scenario."""
from __future__ import annotations

import json
from pathlib import Path

from optimizer.errors import BadInput

from ..i18n import N_, _
from ._argtypes import scenario, scenario_help

NAME = "export-excel"
HELP = N_("write a scenario as the planner's Excel workbook (the sheets import-excel reads back)")
ORDER = 16


def add_arguments(p):
    p.add_argument("scenario", type=scenario, help=scenario_help())
    p.add_argument("-o", "--out", required=True, metavar="WORKBOOK", help=_("the .xlsx file to write (refused if it exists)"))
    p.add_argument("--json", action="store_true", help=_("print a summary as JSON on stdout"))


def run(args) -> int:
    from kaoping.excel import export_scenario_workbook
    from models.scenario import load_scenario

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise BadInput(_("-o {path}: the workbook must end in .xlsx").format(path=out))
    if out.exists():
        raise BadInput(_("{path} exists: choose another -o (kaoping never overwrites a file)").format(path=out))
    scn = load_scenario(args.scenario)
    tmp = out.with_name(f".{out.name}.partial")
    try:
        export_scenario_workbook(scn, tmp)
        tmp.replace(out)
    except OSError as err:
        raise BadInput(_("cannot write {path}: {reason}").format(path=out, reason=err.strerror or err)) from None
    finally:
        tmp.unlink(missing_ok=True)
    summary = {"scenario": scn.name, "workbook": str(out), "indicators": len(scn.indicators()),
               "forecasts": len(scn.forecasts), "effort_rows": len(scn.effort_rows)}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        print(_("wrote {path}: scenario {scenario}, {indicators} indicators, {forecasts} forecasts").format(
            path=out, scenario=scn.name, indicators=summary["indicators"], forecasts=summary["forecasts"]))
    return 0

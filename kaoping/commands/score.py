"""``kaoping score SCENARIO``: totals, ranks and grades for every county; the home county's detail."""
from __future__ import annotations

import json

from ..i18n import N_, _
from ..jsonkeys import column, keyed, records
from ._argtypes import scenario, scenario_help
from ._table import text

NAME = "score"
HELP = N_("score every county at its forecast values; the home county per indicator")
ORDER = 20


def add_arguments(p):
    p.add_argument("scenario", type=scenario, help=scenario_help())
    p.add_argument("--overrides", default="", help=_("comma-separated override names to apply first"))
    p.add_argument("--json", action="store_true", help=_("print the scorecard as JSON on stdout"))
    from kaoping.runs import add_run_arguments

    add_run_arguments(p)


def frame_records(df: pd.DataFrame) -> list[dict]:
    """A table as JSON records under the stable keys of :mod:`kaoping.jsonkeys`."""
    return records(df)


def run(args) -> int:
    import pandas as pd

    from kaoping.runs import RunFolder
    from models.scenario import load_scenario
    from models.scorecard import scorecard, status_counts

    scn = load_scenario(args.scenario, overrides=[o for o in args.overrides.split(",") if o])
    card = scorecard(scn)
    with RunFolder.open(args, scn, command=NAME) as run:
        from kaoping.report import scorecard_figure

        for a in scn.spec.assessments:
            items = _("{assessment} 本县分项得分").format(assessment=a.name)
            run.table(f"{a.name}-counties", card[f"{a.name}/counties"],
                      title=_("{assessment} 各县市区总分").format(assessment=a.name))
            run.table(f"{a.name}-home", card[f"{a.name}/home"], title=items)
            run.figure(f"{a.name}-home", lambda a=a, items=items: scorecard_figure(card[f"{a.name}/home"], items),
                       title=_("{assessment} 本县分项得分图").format(assessment=a.name))
        if len(card["history"]):
            run.table("history", card["history"], title=_("往年名次"))
    if args.json:
        out = {"scenario": scn.name, "home": scn.home, "assessments": {}}
        for a in scn.spec.assessments:
            home = card[f"{a.name}/home"]
            out["assessments"][a.name] = {
                "counties": frame_records(card[f"{a.name}/counties"]),
                "home": frame_records(home),
                "status_counts": keyed(status_counts(home)),
            }
        out["history"] = frame_records(card["history"])
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    with pd.option_context("display.max_rows", 500, "display.width", 200, "display.unicode.east_asian_width", True,
                           "display.float_format", lambda v: f"{v:.4g}"):
        for a in scn.spec.assessments:
            print(f"== {a.name} ({scn.spec.scenario.title or scn.name}) ==")
            print(text(card[f"{a.name}/counties"]))
            home = card[f"{a.name}/home"]
            print("\n" + _("-- {county}: per indicator --").format(county=scn.home))
            print(text(home.drop(columns=[column(home, "方向")])))
            counts = status_counts(home)
            print("\n" + _(", ").join(_("{status}: {count}").format(status=k, count=v) for k, v in counts.items()))
            lost = home[column(home, "失分 [分]")].sum()
            print(_("points still to gain under the rules (against each rule's most): {points}").format(
                points=f"{lost:.2f}") + "\n")
        if len(card["history"]):
            print(_("== past years' ranks (rank change: + moved up) =="))
            print(text(card["history"]))
    return 0

"""``kaoping score SCENARIO``: totals, ranks and grades for every county; the home county's detail."""
from __future__ import annotations

import json

from models.i18n import translate

from ._argtypes import SCENARIO_HELP, scenario

NAME = "score"
HELP = "score every county at its forecast values; the home county per indicator"
ORDER = 20


def add_arguments(p):
    p.add_argument("scenario", type=scenario, help=SCENARIO_HELP)
    p.add_argument("--overrides", default="", help="comma-separated override names to apply first")
    p.add_argument("--json", action="store_true", help="print the scorecard as JSON on stdout")
    from kaoping.runs import add_run_arguments

    add_run_arguments(p)


def frame_records(df: pd.DataFrame) -> list[dict]:
    return json.loads(df.to_json(orient="records", force_ascii=False))


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
            run.table(f"{a.name}-counties", card[f"{a.name}/counties"], title=f"{a.name} 各县市区总分")
            run.table(f"{a.name}-home", card[f"{a.name}/home"], title=f"{a.name} 本县分项得分")
            run.figure(f"{a.name}-home", lambda a=a: scorecard_figure(card[f"{a.name}/home"], f"{a.name} 本县分项得分"),
                       title=f"{a.name} 本县分项得分图")
        if len(card["history"]):
            run.table("history", card["history"], title="往年名次")
    if args.json:
        out = {"scenario": scn.name, "home": scn.home, "assessments": {}}
        for a in scn.spec.assessments:
            home = card[f"{a.name}/home"]
            out["assessments"][a.name] = {
                "counties": frame_records(card[f"{a.name}/counties"]),
                "home": frame_records(home),
                "status_counts": status_counts(home),
            }
        out["history"] = frame_records(card["history"])
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    with pd.option_context("display.max_rows", 500, "display.width", 200, "display.unicode.east_asian_width", True,
                           "display.float_format", lambda v: f"{v:.4g}"):
        for a in scn.spec.assessments:
            print(f"== {a.name} ({scn.spec.scenario.title or scn.name}) ==")
            print(card[f"{a.name}/counties"].to_string(index=False))
            home = card[f"{a.name}/home"]
            print(f"\n-- {scn.home}: per indicator --")
            print(home.drop(columns=[translate("方向")]).to_string(index=False))
            counts = status_counts(home)
            print("\n" + ", ".join(f"{k}: {v}" for k, v in counts.items()))
            lost = home[translate("失分 [分]")].sum()
            print(f"points still to gain under the rules (失分, against each rule's most): {lost:.2f}\n")
        if len(card["history"]):
            print("== 往年名次 (名次变化: + moved up) ==")
            print(card["history"].to_string(index=False))
    return 0

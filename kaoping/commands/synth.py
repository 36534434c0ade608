"""``kaoping synth -o DIR``: a seeded synthetic province scenario (models/synth.py) written as a folder."""
from __future__ import annotations

import json
from pathlib import Path

from optimizer.errors import BadInput

from ..i18n import N_, _
from ._argtypes import nonnegative, positive

NAME = "synth"
HELP = N_("write a seeded synthetic province scenario (many counties in peer classes, every rule and forecast kind)")
ORDER = 16


def add_arguments(p):
    p.add_argument("--counties", type=positive, default=183, help=_("counties (default 183, Sichuan's)"))
    p.add_argument("--classes", type=positive, default=4, help=_("peer classes of nearly equal size (default 4)"))
    p.add_argument("--indicators", type=positive, default=100, help=_("indicators (default 100)"))
    p.add_argument("--seed", type=nonnegative, default=0, help=_("seed of the generator (default 0)"))
    p.add_argument("-o", "--out", required=True, metavar="SCENARIO_DIR", help=_("scenario folder to write (new or empty)"))
    p.add_argument("--json", action="store_true", help=_("print a summary as JSON on stdout"))


def run(args) -> int:
    import yaml

    from models.scenario import EFFORT_FILE, FORECASTS_FILE, SCENARIO_FILE, load_scenario
    from models.synth import synthetic_province

    out = Path(args.out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BadInput(_("{path} exists and is not an empty folder: choose another -o").format(path=out))
    try:
        syn = synthetic_province(args.counties, args.classes, args.indicators, args.seed)
    except ValueError as err:
        raise BadInput(str(err)) from None
    syn.scenario()  # validates before anything is written
    try:
        out.mkdir(parents=True, exist_ok=True)
        head = (f"# synthetic: kaoping synth --counties {args.counties} --classes {args.classes} "
                f"--indicators {args.indicators} --seed {args.seed}\n")
        (out / SCENARIO_FILE).write_text(head + yaml.safe_dump(syn.data, allow_unicode=True, sort_keys=False, width=120),
                                         encoding="utf-8")
        (out / FORECASTS_FILE).write_text(syn.forecasts_csv(), encoding="utf-8")
        (out / EFFORT_FILE).write_text(syn.effort_csv(), encoding="utf-8")
    except OSError as err:
        raise BadInput(_("cannot write the scenario to {path}: {reason}").format(path=out, reason=err)) from None
    scn = load_scenario(out)
    summary = {"scenario": scn.name, "folder": str(out), "home": scn.home, "counties": len(scn.counties),
               "classes": args.classes, "indicators": len(scn.indicators()), "forecasts": len(scn.forecasts),
               "effort_rows": len(scn.effort_rows)}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        print(_("wrote {path}: synthetic scenario {scenario}, home {home}, {counties} counties in {classes} classes, "
                "{indicators} indicators, {forecasts} forecasts").format(
            path=out, scenario=scn.name, home=scn.home, counties=summary["counties"], classes=args.classes,
            indicators=summary["indicators"], forecasts=summary["forecasts"]))
    return 0

"""``kaoping warn SCENARIO``: graded early warnings and the two lists for the monthly meeting.

Red / yellow / green per home indicator from P(reach basic) and P(more than the basic points) in
the Monte Carlo (``models.warning``; thresholds ``--red``, ``--yellow``, and ``--secure`` for the
push to aim at), the indicator list (指标清单) and the department list (部门清单), the year-end
projections from the monthly actuals (``models.tracking``, any fallback said) and past years'
ranks (名次变化 year on year). ``--excel FILE`` writes the two lists, a sheet each, the colours as cell fills, ready to
print; ``--out``/``--save`` a run folder (the same lists in results.xlsx and report.html).
"""
from __future__ import annotations

import json

from models.i18n import translate
from models.levels import LEVELS, Thresholds
from optimizer.errors import BadInput

from ._argtypes import SCENARIO_HELP, nonnegative, positive, probability, scenario
from .score import frame_records as _records

NAME = "warn"
HELP = "graded warnings (红/黄/绿) per home indicator and the two lists: indicators and departments"
ORDER = 35

SHOWN = ["指标", "责任领导", "牵头单位", "实绩", "进度", "年终预测", "达基本概率", "达满分概率", "预警", "说明", "达基本所需推进"]
SHOWN_DEPT = ["牵头单位", "指标数", *LEVELS, "期望失分合计 [分]", "红色预警指标", "黄色预警指标"]


def add_arguments(p):
    from ..runs import add_run_arguments

    d = Thresholds()
    p.add_argument("scenario", type=scenario, help=SCENARIO_HELP)
    p.add_argument("--draws", type=positive, help="number of draws (default: the scenario's simulation.draws)")
    p.add_argument("--seed", type=nonnegative, help="random seed (default: the scenario's simulation.seed)")
    p.add_argument("--chunk", type=positive, help="draws scored at once; results do not depend on it")
    p.add_argument("--assessment", help="only this assessment's indicators (default: every assessment)")
    p.add_argument("--red", type=probability, default=d.red,
                   help=f"红 when P(reach basic) is below this (default {d.red})")
    p.add_argument("--yellow", type=probability, default=d.yellow,
                   help=f"黄 when P(more than the basic points) is below this (default {d.yellow})")
    p.add_argument("--secure", type=probability, default=d.secure,
                   help=f"the push shown reaches basic (and full) with this probability (default {d.secure})")
    p.add_argument("--overrides", default="", help="comma-separated override names to apply first")
    p.add_argument("--excel", metavar="FILE", help="write the two lists to this workbook (a sheet each, colours as fills)")
    p.add_argument("--json", action="store_true", help="print the warnings and lists as JSON on stdout")
    add_run_arguments(p)


def run(args) -> int:
    from models.scenario import load_scenario
    from models.scorecard import scorecard
    from models.tracking import tracking_table
    from models.warning import warn

    from .. import preflight
    from ..progress import bar

    scn = load_scenario(args.scenario, overrides=[o for o in args.overrides.split(",") if o])
    draws = args.draws or scn.spec.simulation.draws
    preflight.simulation_memory(scn, draws, args.chunk or scn.spec.simulation.chunk, given=args.draws is not None)
    preflight.run_destination(args)
    excel = preflight.new_file(args.excel, "--excel") if args.excel else None
    t = Thresholds(red=args.red, yellow=args.yellow, secure=args.secure)
    try:
        with bar(draws, "预警") as progress:
            w = warn(scn, draws=draws, seed=args.seed, thresholds=t, assessment=args.assessment, chunk=args.chunk,
                     progress=progress)
    except ValueError as err:
        raise BadInput(str(err)) from None
    track = tracking_table(scn, scn.home)
    history = scorecard(scn)["history"]  # this year's rank at the forecasts beside the past years'

    result = {"scenario": scn.name, "home": scn.home, "draws": w.draws, "seed": w.seed,
              "thresholds": {"red": t.red, "yellow": t.yellow, "secure": t.secure},
              "summary": _records(w.summary), "indicators": _records(w.indicators),
              "departments": _records(w.departments), "projections": _records(track), "history": _records(history)}
    tables = [("indicators", "指标清单", w.indicators), ("departments", "部门清单", w.departments)]  # Excel: this order
    from ..runs import RunFolder

    with RunFolder.open(args, scn, command=NAME, seed=w.seed, draws=w.draws) as run:
        run.table("summary", w.summary, title="预警汇总")
        for key, title, df in reversed(tables):  # the report: departments first, the longer indicator list after
            run.table(key, df, title=title)
        run.table("projections", track, title="按月度实绩推算年终值")
        run.table("history", history, title="往年名次")
        run.results(result)
    if args.excel:
        from ..excel import write_results_workbook

        about = [("情景", f"{scn.name} {scn.spec.scenario.title}".strip()), ("本县", scn.home), ("模拟次数", str(w.draws)),
                 ("随机种子", str(w.seed)), ("红", f"达基本概率 < {t.red:g}"), ("黄", f"超基本分概率 < {t.yellow:g}"),
                 ("所需推进", f"达基本概率 ≥ {t.secure:g}")]
        try:
            write_results_workbook(excel, [(k, title, df) for k, title, df in tables], about=about)
        except OSError as err:
            raise BadInput(f"cannot write {args.excel}: {err}") from None
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    _print(scn, w, track, history)
    return 0


def _print(scn, w, track: pd.DataFrame, history: pd.DataFrame) -> None:
    import pandas as pd

    from models.tracking import NO_HISTORY, USED_PROJECTION

    with pd.option_context("display.max_rows", 500, "display.width", 250, "display.unicode.east_asian_width", True,
                           "display.max_colwidth", 60, "display.float_format", lambda v: f"{v:.4g}"):
        print(f"{scn.spec.scenario.title or scn.name}: {w.draws} draws, seed {w.seed}")
        for _, row in w.summary.iterrows():
            s = {c: row[translate(c)] for c in ("考核", "红", "黄", "绿", "期望总分 [分]", "第1名概率")}
            print(f"\n== 指标清单 · {s['考核']}: 红 {s['红']}, 黄 {s['黄']}, 绿 {s['绿']} "
                  f"(期望总分 {s['期望总分 [分]']:.2f}, P(第1名) {s['第1名概率']:.3f}) ==")
            ind = w.indicators[w.indicators[translate("考核")] == s["考核"]]
            print(ind[[translate(c) for c in SHOWN]].to_string(index=False))
        print("\n== 部门清单 ==")
        print(w.departments[[translate(c) for c in SHOWN_DEPT]].to_string(index=False))
        if len(track):
            used = track[translate("采用")] == translate(USED_PROJECTION)
            print(f"\n年终预测：按月度实绩推算 {int(used.sum())} 项，手工预测 {int((~used).sum())} 项")
            fb = track[track[translate("方法")].str.contains(translate(NO_HISTORY))]
            if len(fb):
                names = [n + ("" if u == translate(USED_PROJECTION) else "（手工预测覆盖）")
                         for n, u in zip(fb[translate("指标")], fb[translate("采用")])]
                print(f"{NO_HISTORY}，按时间进度或当前水平推算（假设）：{'、'.join(names)}")
        if len(history):
            print("\n== 往年名次 ==")
            print(history.to_string(index=False))

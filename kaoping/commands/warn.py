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

from models.i18n import translate as models_words
from models.levels import LEVELS, Thresholds
from optimizer.errors import BadInput

from ..i18n import N_, _
from ..jsonkeys import column
from ._argtypes import nonnegative, positive, probability, scenario, scenario_help
from ._table import text
from .score import frame_records as _records

NAME = "warn"
HELP = N_("graded warnings (red, yellow, green) per home indicator and the two lists: indicators and departments")
ORDER = 35

# the columns printed (msgids: found through jsonkeys.column)
SHOWN = ["指标", "责任领导", "牵头单位", "实绩", "进度", "年终预测", "达基本概率", "达满分概率", "预警", "说明", "达基本所需推进"]
SHOWN_DEPT = ["牵头单位", "指标数", *LEVELS, "期望失分合计 [分]", "红色预警指标", "黄色预警指标"]


def add_arguments(p):
    from ..runs import add_run_arguments

    d = Thresholds()
    p.add_argument("scenario", type=scenario, help=scenario_help())
    p.add_argument("--draws", type=positive, help=_("number of draws (default: the scenario's simulation.draws)"))
    p.add_argument("--seed", type=nonnegative, help=_("random seed (default: the scenario's simulation.seed)"))
    p.add_argument("--chunk", type=positive, help=_("draws scored at once; results do not depend on it"))
    p.add_argument("--assessment", help=_("only this assessment's indicators (default: every assessment)"))
    p.add_argument("--red", type=probability, default=d.red,
                   help=_("red when P(reach basic) is below this (default {p})").format(p=d.red))
    p.add_argument("--yellow", type=probability, default=d.yellow,
                   help=_("yellow when P(more than the basic points) is below this (default {p})").format(p=d.yellow))
    p.add_argument("--secure", type=probability, default=d.secure,
                   help=_("the push shown reaches basic (and full) with this probability (default {p})").format(p=d.secure))
    p.add_argument("--overrides", default="", help=_("comma-separated override names to apply first"))
    p.add_argument("--excel", metavar="FILE", help=_("write the two lists to this workbook (a sheet each, colours as fills)"))
    p.add_argument("--json", action="store_true", help=_("print the warnings and lists as JSON on stdout"))
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
        with bar(draws, _("预警")) as progress:
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
    tables = [("indicators", _("指标清单"), w.indicators), ("departments", _("部门清单"), w.departments)]  # Excel: this order
    from ..runs import RunFolder

    with RunFolder.open(args, scn, command=NAME, seed=w.seed, draws=w.draws) as run:
        run.table("summary", w.summary, title=_("预警汇总"))
        for key, title, df in reversed(tables):  # the report: departments first, the longer indicator list after
            run.table(key, df, title=title)
        run.table("projections", track, title=_("按月度实绩推算年终值"))
        run.table("history", history, title=_("往年名次"))
        run.results(result)
    if args.excel:
        from ..excel import write_results_workbook

        about = [(_("情景"), f"{scn.name} {scn.spec.scenario.title}".strip()), (_("本县"), scn.home),
                 (_("模拟次数"), str(w.draws)), (_("随机种子"), str(w.seed)),
                 (models_words(LEVELS[0]), _("达基本概率 < {p}").format(p=f"{t.red:g}")),
                 (models_words(LEVELS[1]), _("超基本分概率 < {p}").format(p=f"{t.yellow:g}")),
                 (_("所需推进"), _("达基本概率 ≥ {p}").format(p=f"{t.secure:g}"))]
        try:
            write_results_workbook(excel, [(k, title, df) for k, title, df in tables], about=about)
        except OSError as err:
            raise BadInput(_("cannot write {path}: {reason}").format(path=args.excel, reason=err)) from None
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
        print(_("{title}: {draws} draws, seed {seed}").format(title=scn.spec.scenario.title or scn.name, draws=w.draws,
                                                            seed=w.seed))
        L = {m: column(df, m) for df, names in ((w.summary, ("考核", "期望总分 [分]", "第1名概率", *LEVELS)),
                                                (w.indicators, SHOWN), (w.departments, SHOWN_DEPT),
                                                (track, ("采用", "方法", "指标"))) for m in names}
        ass = L["考核"]
        for _row, s in w.summary.iterrows():
            red, yellow, green = (s[L[c]] for c in LEVELS)
            print("\n" + _("== 指标清单 · {assessment}：红 {red}，黄 {yellow}，绿 {green}（期望总分 {total}，P(第1名) {p}）==")
                  .format(assessment=s[ass], red=red, yellow=yellow, green=green,
                          total=f"{s[L['期望总分 [分]']]:.2f}", p=f"{s[L['第1名概率']]:.3f}"))
            ind = w.indicators[w.indicators[column(w.indicators, "考核")] == s[ass]]
            print(text(ind[[L[c] for c in SHOWN]]))
        print("\n" + _("== 部门清单 =="))
        print(text(w.departments[[L[c] for c in SHOWN_DEPT]]))
        if len(track):
            projected = models_words(USED_PROJECTION)
            used = track[L["采用"]] == projected
            print("\n" + _("年终预测：按月度实绩推算 {projected} 项，手工预测 {by_hand} 项").format(
                projected=int(used.sum()), by_hand=int((~used).sum())))
            fb = track[track[L["方法"]].str.contains(models_words(NO_HISTORY), regex=False)]
            if len(fb):
                names = [n + ("" if u == projected else _("（手工预测覆盖）")) for n, u in zip(fb[L["指标"]], fb[L["采用"]])]
                print(_("{no_history}，按时间进度或当前水平推算（假设）：{names}").format(
                    no_history=models_words(NO_HISTORY), names=_("、").join(names)))
        if len(history):
            print("\n" + _("== 往年名次 =="))
            print(text(history))

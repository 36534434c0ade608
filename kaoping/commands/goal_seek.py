"""``kaoping goal-seek SCENARIO``: the smallest push on an indicator that reaches a probability (the rest
of the plan held), and the break-even total of each rival at which we lose the rank."""
from __future__ import annotations

from ..i18n import N_, _

NAME = "goal-seek"
HELP = N_("goal seek: the smallest push on an indicator for P(rank ≤ r) ≥ p; each rival's break-even total")
ORDER = 57


def add_arguments(p):
    from ._aids import add_aid_arguments
    from ._argtypes import probability

    add_aid_arguments(p)
    p.add_argument("--indicator", default="", metavar="IND,…", help=_("indicators to seek on (default: every pushable one)"))
    p.add_argument("--prob", type=probability, default=0.8, help=_("probability to reach (default 0.8)"))
    p.add_argument("--goal", choices=("rank", "grade", "basic", "full"), default="rank",
                   help=_("rank ≤ r, grade ≥ g, or the indicator's own basic (full) target, as kaoping warn (default rank)"))
    p.add_argument("--breakeven-prob", type=probability, default=0.5,
                   help=_("break-even: the rival's total at which P(goal) falls below this (default 0.5)"))


def run(args) -> int:
    from optimizer.aids.goalseek import breakeven_all, goal_seek_all
    from optimizer.i18n import translate

    from ..progress import bar, status
    from ..runs import RunFolder
    from ._aids import finish, header, plan_table, records, setup

    scn, req, st, source = setup(args)
    names = [n.strip() for n in args.indicator.split(",") if n.strip()] or None
    with RunFolder.open(args, scn, command=NAME, draws=st.n, seed=st.seed) as run:
        with bar(len(names or st.ca.names), _("单变量求解"), unit=_("项")) as progress:
            seek = goal_seek_all(st, args.prob, args.goal, names, progress=progress)
        status(_("each rival's break-even total…"))
        even = breakeven_all(st, args.breakeven_prob, "grade" if args.goal == "grade" else "rank")
        out = {**header(st, source), "goal": args.goal, "prob": args.prob, "goal_seek": records(seek),
               "breakeven_prob": args.breakeven_prob, "breakeven": records(even)}
        verdict = translate("结论")
        run.table("goal-seek", seek, title=_("单变量求解：各指标单独推进到 P ≥ {p} 的最小推进量").format(p=f"{args.prob:g}"))
        run.table("breakeven", even, title=_("对手盈亏平衡：P 降到 {p} 以下时对手的总分").format(p=f"{args.breakeven_prob:g}"))
        run.table("plan", plan_table(st), title=_("其余指标保持的方案：{source}").format(source=source))
        run.text("breakeven", "\n".join(even[verdict]), title=_("对手盈亏平衡"))
        run.results(out)
    cols = [translate(c) for c in ("指标", "结论", "最小推进量", "单位", "达到值", "工作量", "该推进量下概率", "少推一点的概率",
                                   "方案推进量", "上限处概率")]
    return finish(args, st, source, N_("goal seek"), out, [], {_("goal seek"): seek[[c for c in cols if c in seek]],
                                                                _("break-even"): even[[translate("对手"), verdict]]})

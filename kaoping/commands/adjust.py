"""``kaoping adjust SCENARIO``: the target-adjustment advisor (申报调整指标, the Oct–Nov window): the
gain in P(rank ≤ r) and P(grade ≥ g) if each target were adjusted, holding the plan and re-optimised."""
from __future__ import annotations

from optimizer.errors import BadInput

from ..i18n import N_, _

NAME = "adjust"
HELP = N_("target-adjustment advisor: which target adjustments to apply for would gain most if granted, with standard "
          "errors")
ORDER = 54


def add_arguments(p):
    from ._aids import add_aid_arguments
    from ._argtypes import nonnegative, positive

    add_aid_arguments(p)
    p.add_argument("--share", default=None, help=_("ease every target by this share (0.1 or 10%%; default 10%% when no --set)"))
    p.add_argument("--set", action="append", default=[], metavar="IND=VALUE",
                   help=_("the adjusted target of one indicator (a value, or a share like 10%%); repeatable"))
    p.add_argument("--which", choices=("basic", "full", "both"), default="basic",
                   help=_("which targets of a threshold rule move (default: the basic target)"))
    p.add_argument("--resolve", type=nonnegative, default=3, help=_("re-optimise the plan for the best N (default 3)"))
    p.add_argument("--top", type=positive, default=3, help=_("applications named in words (default 3)"))


def _share(text: str, where: str) -> float:
    t = text.strip()
    try:
        return float(t[:-1]) / 100 if t.endswith("%") else float(t)
    except ValueError:
        raise BadInput(_("{where}: '{text}' is not a share (0.1 or 10%)").format(where=where, text=text)) from None


def adjustments(st, args) -> dict:
    from optimizer.aids.adjust import Adjustment, every_target

    out = {}
    if args.share is not None or not args.set:
        out = every_target(st, Adjustment(share=_share(args.share or "10%", "--share")), args.which)
    for item in args.set:
        name, eq, val = item.rpartition("=")
        if not eq or not name.strip():
            raise BadInput(_("--set takes IND=VALUE, got '{item}'").format(item=item))
        v = val.strip()
        out[name.strip()] = Adjustment(share=_share(v, "--set")) if v.endswith("%") else Adjustment(value=_number(v))
    return out


def _number(v: str) -> float:
    try:
        return float(v)
    except ValueError:
        raise BadInput(_("--set: '{value}' is not a number").format(value=v)) from None


def run(args) -> int:
    from optimizer.aids.adjust import HOLD, RESOLVE, advise, gain_column
    from optimizer.i18n import translate

    from ..progress import bar
    from ..report import bar_figure
    from ..runs import RunFolder
    from ._aids import finish, header, plan_table, records, replan, setup

    scn, req, st, source = setup(args)
    adj = adjustments(st, args)
    with RunFolder.open(args, scn, command=NAME, draws=st.n, seed=st.seed) as run:
        with bar(len(adj), _("调整"), unit=_("项")) as progress:
            adv = advise(st, adj, which=args.which, resolve=args.resolve, plan_fn=replan(args) if args.resolve else None,
                         top=args.top, progress=progress)
        out = {**header(st, source), "which": args.which, "resolve": args.resolve, "advice": records(adv.table),
               "words": adv.words}
        col = gain_column(st, "rank", HOLD)
        run.text("words", "\n".join(adv.words), title=_("建议申报调整的指标（前几项）"))
        run.table("advice", adv.table, title=_("各指标目标调整后的概率增量（同一组抽样，配对标准误）"))
        run.table("plan", plan_table(st), title=_("所保持的方案：{source}").format(source=source))
        head = adv.table.head(10)
        run.figure("advice", lambda: bar_figure(head, translate("指标"), col, _("目标调整后 {label}").format(label=col)),
                   title=_("调整的收益（前十项）"))
        run.results(out)
    ranked = {gain_column(st, "rank", how, se) for how in (HOLD, RESOLVE) for se in (False, True)}
    named = {translate(c) for c in ("指标", "牵头单位", "调整")} | {gain_column(st, "total", HOLD)}
    shown = [c for c in adv.table.columns if c in ranked or c in named]
    return finish(args, st, source, N_("target adjustments"), out, adv.words, [adv.table[shown]])

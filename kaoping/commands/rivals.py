"""``kaoping rivals SCENARIO``: head-to-head with each rival under a plan (研究仙居、天台, 扬长避短)."""
from __future__ import annotations

from ..i18n import N_, _

NAME = "rivals"
HELP = N_("head-to-head with each rival: points per item, P(we out-score them), the totals' distributions")
ORDER = 55


def add_arguments(p):
    from ._aids import add_aid_arguments
    from ._argtypes import positive

    add_aid_arguments(p)
    p.add_argument("--top", type=positive, default=3, help=_("strengths and weaknesses named per rival (default 3)"))


def run(args) -> int:
    from optimizer.aids.rivals import head_to_head
    from optimizer.i18n import translate

    from ..report import bar_figure
    from ..runs import RunFolder
    from ._aids import finish, header, plan_table, records, setup

    scn, req, st, source = setup(args)
    with RunFolder.open(args, scn, command=NAME, draws=st.n, seed=st.seed) as run:
        from ..progress import status

        status(_("comparing with each rival…"))
        hh = head_to_head(st, top=args.top)
        out = {**header(st, source), "totals": records(hh.totals), "items": records(hh.items), "words": hh.words}
        run.text("words", "\n".join(hh.words), title=_("对手比较：扬长避短"))
        run.table("totals", hh.totals, title=_("总分对比（本县与各对手）"))
        run.table("items", hh.items, title=_("分项对比（对手有分项预测的指标）"))
        run.table("plan", plan_table(st), title=_("所比较的方案：{source}").format(source=source))
        run.figure("totals", lambda: bar_figure(hh.totals, translate("对手"), translate("P(本县排名在前)"),
                                                _("本县排名在对手之前的概率")),
                   title=_("本县排名在前的概率"))
        run.results(out)
    return finish(args, st, source, N_("head-to-head"), out, hh.words, {_("totals"): hh.totals, _("items"): hh.items})

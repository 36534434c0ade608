"""``kaoping attribute SCENARIO``: each department's share of a plan's gain (Shapley values)."""
from __future__ import annotations

from ..i18n import N_, _

NAME = "attribute"
HELP = N_("department attribution of a plan's gain (Shapley over departments) and each department's points against "
          "full")
ORDER = 56


def add_arguments(p):
    from ._aids import add_aid_arguments
    from ._argtypes import positive

    add_aid_arguments(p)
    p.add_argument("--max-exact", type=positive, default=12, help=_("enumerate every coalition up to this many departments"))
    p.add_argument("--permutations", type=positive, default=200, help=_("sampled orders beyond it (default 200)"))


def run(args) -> int:
    from optimizer.aids.attribution import attribute, share_column
    from optimizer.i18n import translate

    from ..progress import bar
    from ..report import bar_figure
    from ..runs import RunFolder
    from ._aids import finish, header, plan_table, records, setup

    scn, req, st, source = setup(args)
    with RunFolder.open(args, scn, command=NAME, draws=st.n, seed=st.seed) as run:
        with bar(None, _("部门组合"), unit=_("组")) as progress:
            at = attribute(st, max_exact=args.max_exact, permutations=args.permutations, progress=progress)
        out = {**header(st, source), "method": at.method, "permutations": at.permutations,
               "gain": {k: {"mean": v[0], "se": v[1]} for k, v in at.gain.items()}, "departments": records(at.table),
               "words": at.words}
        run.text("words", "\n".join(at.words), title=_("部门贡献（Shapley 值）"))
        run.table("departments", at.table, title=_("各牵头单位：贡献与较满分失分"))
        run.table("plan", plan_table(st), title=_("所分析的方案：{source}").format(source=source))
        moved = at.table[at.table[translate("推进指标数")] > 0]
        run.figure("departments", lambda: bar_figure(moved, translate("牵头单位"), share_column(st, "rank"),
                                                     _("各部门对 P({goal}) 增量的贡献").format(goal=st.rank_words),
                                                     ylabel=_("概率")),
                   title=_("各部门的贡献"))
        run.results(out)
    return finish(args, st, source, N_("department attribution"), out, at.words, [at.table])

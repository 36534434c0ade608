"""``kaoping robust SCENARIO``: which uncertain inputs break a plan (scenario discovery, PRIM)."""
from __future__ import annotations

from ..i18n import N_, _

NAME = "robust"
HELP = N_("robustness of a plan: simple rules (a rival's total above a value, an indicator below one) under which it "
          "fails")
ORDER = 58


def add_arguments(p):
    from ._aids import add_aid_arguments
    from ._argtypes import positive, probability

    add_aid_arguments(p)
    p.add_argument("--goal", choices=("rank", "grade"), default="rank", help=_("what failing means: missing the rank or the grade"))
    p.add_argument("--rules", type=positive, default=3, help=_("rules per level (default 3)"))
    p.add_argument("--min-density", type=probability, default=0.8,
                   help=_("a rule's draws must fail at least this often (default 0.8)"))
    p.add_argument("--max-dims", type=positive, default=2, help=_("conditions per rule (default 2)"))


def run(args) -> int:
    from optimizer.aids.robustness import robustness

    from ..runs import RunFolder
    from ._aids import finish, header, plan_table, records, setup

    scn, req, st, source = setup(args)
    with RunFolder.open(args, scn, command=NAME, draws=st.n, seed=st.seed) as run:
        from ..progress import status

        status(_("searching for the rules under which the plan fails…"))
        rb = robustness(st, args.goal, n_rules=args.rules, min_density=args.min_density, max_dims=args.max_dims)
        out = {**header(st, source), "goal": args.goal, "p_fail": rb.p_fail, "rules": records(rb.rules), "words": rb.words}
        run.text("words", "\n".join(rb.words), title=_("方案在什么情况下失利（情景发现）"))
        run.table("rules", rb.rules, title=_("失利规则：覆盖率（占全部失利）与密度（规则内失利的比例）"))
        run.table("plan", plan_table(st), title=_("所检验的方案：{source}").format(source=source))
        if rb.boxes:
            from ..aidplots import rule_figure

            level, box = rb.boxes[0]
            r, g = st.success(st.plan_scores)
            fails = ~(r if args.goal == "rank" else g)
            run.figure("rule1", lambda: rule_figure(rb.features[level], box, fails,
                                                    _("规则1（{level}）：失利的抽样").format(level=level)),
                       title=_("规则1：失利的抽样（红）与规则的范围"))
        run.results(out)
    return finish(args, st, source, N_("robustness"), out, rb.words, [rb.rules])

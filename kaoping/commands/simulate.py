"""``kaoping simulate SCENARIO``: seeded Monte Carlo projection of scores, ranks and grades."""
from __future__ import annotations

import json
import sys

from models.memory import DEFAULT_MEMORY
from optimizer.errors import BadInput

from ..i18n import N_, _
from ..i18n import _ as translate
from ..jsonkeys import column, records
from ._argtypes import memory_size, nonnegative, positive, scenario, scenario_help
from ._table import text

NAME = "simulate"
HELP = N_("Monte Carlo projection: P(rank), P(beat each rival), P(grade), score and rank intervals")
ORDER = 30


def add_arguments(p):
    from ..runs import add_run_arguments

    add_run_arguments(p)
    p.add_argument("scenario", type=scenario, help=scenario_help())
    p.add_argument("--draws", type=positive, help=_("number of draws (default: the scenario's simulation.draws)"))
    p.add_argument("--seed", type=nonnegative, help=_("random seed (default: the scenario's simulation.seed)"))
    p.add_argument("--chunk", type=positive, help=_("draws scored at once, rounded up to whole random blocks (default: "
                          "from --memory); results do not depend on it"))
    p.add_argument("--memory", type=memory_size, default=DEFAULT_MEMORY, metavar="SIZE",
                   help=_("memory budget of the run, e.g. 2GiB or 500MB (default 2GiB): sets the chunk, and whether every "
                          "draw is kept (exact score quantiles) or only summaries (a score sketch)"))
    from ..distributed import add_backend_arguments

    add_backend_arguments(p, _("threads (or with --dask, processes) scoring chunks at once (default 1); results do "
                               "not depend on it"))
    p.add_argument("--stream", type=nonnegative, default=0, help=_("random stream: 0 in-sample, 1 fresh draws (default 0)"))
    p.add_argument("--overrides", default="", help=_("comma-separated override names to apply first"))
    p.add_argument("--figures", metavar="DIR", help=_("write the score-distribution and rank-probability figures (PNG) here"))
    p.add_argument("--json", action="store_true", help=_("print the projection as JSON on stdout"))


def projection_json(proj) -> dict:
    """The projection as a JSON-ready dict (tables as lists of records)."""
    out = {"scenario": proj.scenario, "home": proj.counties[proj.home], "draws": proj.draws, "seed": proj.seed,
           "stream": proj.stream, "chunk": proj.chunk, "score_quantiles": "exact" if proj.assessments[0].totals is not None
           else "sketch", "assessments": {}}
    for a in proj.assessments:
        out["assessments"][a.name] = {
            "home_rank_probs": [float(v) for v in a.home_rank_probs()],
            "summary": records(a.summary),
            "rank_probs": records(a.rank_probs),
            "beat_probs": records(a.beat_probs),
            "grade_probs": records(a.grade_probs),
        }
    return out


def run(args) -> int:
    import pandas as pd

    from models.projection import plan_run, simulate
    from models.scenario import load_scenario

    from .. import preflight
    from ..progress import bar
    from ..plots import home_rank_probabilities, projection_figure_names, score_distributions
    from ..runs import RunFolder

    scn = load_scenario(args.scenario, overrides=[o for o in args.overrides.split(",") if o])
    sim = scn.spec.simulation
    draws = args.draws or sim.draws
    chunk = args.chunk or sim.chunk
    try:  # the chunk the memory budget allows (a run that cannot fit it is refused here, with the figure)
        chunk, _kept = plan_run(scn, draws, memory=args.memory, chunk=chunk, workers=args.workers)
    except ValueError as err:
        raise BadInput(str(err)) from None
    preflight.simulation_memory(scn, draws, chunk, given=args.draws is not None)
    if args.figures:
        preflight.new_files(args.figures, projection_figure_names(len(scn.spec.assessments)), "--figures")
    with RunFolder.open(args, scn, command=NAME, draws=draws, chunk=chunk) as run:
        from ..distributed import backend

        try:
            with backend(args) as mapper, bar(draws, _("模拟")) as progress:
                proj = simulate(scn, draws=draws, seed=args.seed, chunk=chunk, stream=args.stream, progress=progress,
                                memory=args.memory, workers=args.workers, mapper=mapper)
        except ValueError as err:
            raise BadInput(str(err)) from None
        for a in proj.assessments:
            for key, df, title in (("summary", a.summary, N_("得分与名次概况")), ("rank-probs", a.rank_probs, N_("名次概率")),
                                   ("beat-probs", a.beat_probs, N_("胜出对手概率")),
                                   ("grade-probs", a.grade_probs, N_("等次概率"))):
                run.table(f"{a.name}-{key}", df, title=f"{a.name} {translate(title)}")
            run.figure(f"{a.name}-rank", lambda a=a: home_rank_probabilities(proj, a.name),
                       title=_("{assessment} 本县名次概率").format(assessment=a.name))
            run.figure(f"{a.name}-scores", lambda a=a: score_distributions(proj, a.name),
                       title=_("{assessment} 总分分布").format(assessment=a.name))
        run.results(projection_json(proj))
    figs = []
    if args.figures:
        from ..plots import save_projection_figures

        try:
            figs = save_projection_figures(proj, args.figures)
        except OSError as err:
            raise BadInput(_("cannot write figures to {path}: {reason}").format(path=args.figures, reason=err)) from None
    if args.json:
        out = projection_json(proj)
        out["figures"] = [str(f) for f in figs]
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    home = proj.counties[proj.home]
    with pd.option_context("display.max_rows", 500, "display.width", 200, "display.unicode.east_asian_width", True,
                           "display.float_format", lambda v: f"{v:.4g}"):
        print(_("{title}: {draws} draws, seed {seed}, stream {stream}").format(
            title=scn.spec.scenario.title or scn.name, draws=proj.draws, seed=proj.seed, stream=proj.stream))
        for a in proj.assessments:
            print(f"\n== {a.name} ==")
            print(text(a.summary))
            print("\n" + _("-- 排名概率 P(排名 = r)（蒙特卡洛标准误 ≤ {se}）--").format(se=f"{0.5 / proj.draws ** 0.5:.4f}"))
            print(text(a.rank_matrix(), index=True))
            county = column(a.beat_probs, "县市区")
            beat = a.beat_probs[a.beat_probs[county] == home]
            if len(beat):
                print("\n" + _("-- {county} 胜出各对手的概率 --").format(county=home))
                print(text(beat))
            g = a.grade_probs[a.grade_probs[county] == home]
            print("\n" + _("-- {county} 等次概率 --").format(county=home))
            print(text(g.drop(columns=[county, column(g, "等次序号")])))
    for f in figs:
        print(_("figure: {path}").format(path=f), file=sys.stderr)
    return 0

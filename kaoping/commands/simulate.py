"""``kaoping simulate SCENARIO``: seeded Monte Carlo projection of scores, ranks and grades."""
from __future__ import annotations

import json
import sys

from models.i18n import translate
from models.memory import DEFAULT_MEMORY
from optimizer.errors import BadInput

from ._argtypes import SCENARIO_HELP, memory_size, nonnegative, positive, scenario

NAME = "simulate"
HELP = "Monte Carlo projection: P(rank), P(beat each rival), P(grade), score and rank intervals"
ORDER = 30




def add_arguments(p):
    from ..runs import add_run_arguments

    add_run_arguments(p)
    p.add_argument("scenario", type=scenario, help=SCENARIO_HELP)
    p.add_argument("--draws", type=positive, help="number of draws (default: the scenario's simulation.draws)")
    p.add_argument("--seed", type=nonnegative, help="random seed (default: the scenario's simulation.seed)")
    p.add_argument("--chunk", type=positive, help="draws scored at once, rounded up to whole random blocks (default: "
                   "from --memory); results do not depend on it")
    p.add_argument("--memory", type=memory_size, default=DEFAULT_MEMORY, metavar="SIZE",
                   help="memory budget of the run, e.g. 2GiB or 500MB (default 2GiB): sets the chunk, and whether every "
                        "draw is kept (exact score quantiles) or only summaries (a score sketch)")
    from ..distributed import add_backend_arguments

    add_backend_arguments(p, "threads (or with --dask, processes) scoring chunks at once (default 1); results do not "
                             "depend on it")
    p.add_argument("--stream", type=nonnegative, default=0, help="random stream: 0 in-sample, 1 fresh draws (default 0)")
    p.add_argument("--overrides", default="", help="comma-separated override names to apply first")
    p.add_argument("--figures", metavar="DIR", help="write the score-distribution and rank-probability figures (PNG) here")
    p.add_argument("--json", action="store_true", help="print the projection as JSON on stdout")


def _records(df: pd.DataFrame) -> list[dict]:
    return json.loads(df.to_json(orient="records", force_ascii=False))


def projection_json(proj) -> dict:
    """The projection as a JSON-ready dict (tables as lists of records)."""
    out = {"scenario": proj.scenario, "home": proj.counties[proj.home], "draws": proj.draws, "seed": proj.seed,
           "stream": proj.stream, "chunk": proj.chunk, "score_quantiles": "exact" if proj.assessments[0].totals is not None
           else "sketch", "assessments": {}}
    for a in proj.assessments:
        out["assessments"][a.name] = {
            "home_rank_probs": [float(v) for v in a.home_rank_probs()],
            "summary": _records(a.summary),
            "rank_probs": _records(a.rank_probs),
            "beat_probs": _records(a.beat_probs),
            "grade_probs": _records(a.grade_probs),
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
        chunk, _ = plan_run(scn, draws, memory=args.memory, chunk=chunk, workers=args.workers)
    except ValueError as err:
        raise BadInput(str(err)) from None
    preflight.simulation_memory(scn, draws, chunk, given=args.draws is not None)
    if args.figures:
        preflight.new_files(args.figures, projection_figure_names(len(scn.spec.assessments)), "--figures")
    with RunFolder.open(args, scn, command=NAME, draws=draws, chunk=chunk) as run:
        from ..distributed import backend

        try:
            with backend(args) as mapper, bar(draws, "模拟") as progress:
                proj = simulate(scn, draws=draws, seed=args.seed, chunk=chunk, stream=args.stream, progress=progress,
                                memory=args.memory, workers=args.workers, mapper=mapper)
        except ValueError as err:
            raise BadInput(str(err)) from None
        for a in proj.assessments:
            for key, df, title in (("summary", a.summary, "得分与名次概况"), ("rank-probs", a.rank_probs, "名次概率"),
                                   ("beat-probs", a.beat_probs, "胜出对手概率"), ("grade-probs", a.grade_probs, "等次概率")):
                run.table(f"{a.name}-{key}", df, title=f"{a.name} {title}")
            run.figure(f"{a.name}-rank", lambda a=a: home_rank_probabilities(proj, a.name), title=f"{a.name} 本县名次概率")
            run.figure(f"{a.name}-scores", lambda a=a: score_distributions(proj, a.name), title=f"{a.name} 总分分布")
        run.results(projection_json(proj))
    figs = []
    if args.figures:
        from ..plots import save_projection_figures

        try:
            figs = save_projection_figures(proj, args.figures)
        except OSError as err:
            raise BadInput(f"cannot write figures to {args.figures}: {err}") from None
    if args.json:
        out = projection_json(proj)
        out["figures"] = [str(f) for f in figs]
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    home = proj.counties[proj.home]
    with pd.option_context("display.max_rows", 500, "display.width", 200, "display.unicode.east_asian_width", True,
                           "display.float_format", lambda v: f"{v:.4g}"):
        print(f"{scn.spec.scenario.title or scn.name}: {proj.draws} draws, seed {proj.seed}, stream {proj.stream}")
        for a in proj.assessments:
            print(f"\n== {a.name} ==")
            print(a.summary.to_string(index=False))
            print(f"\n-- 排名概率 P(排名 = r) (MC standard error ≤ {0.5 / proj.draws ** 0.5:.4f}) --")
            print(a.rank_matrix().to_string())
            beat = a.beat_probs[a.beat_probs[translate("县市区")] == home]
            if len(beat):
                print(f"\n-- {home} 胜出各对手的概率 --")
                print(beat.to_string(index=False))
            g = a.grade_probs[a.grade_probs[translate("县市区")] == home]
            print(f"\n-- {home} 等次概率 --")
            print(g.drop(columns=[translate("县市区"), translate("等次序号")]).to_string(index=False))
    for f in figs:
        print(f"figure: {f}", file=sys.stderr)
    return 0

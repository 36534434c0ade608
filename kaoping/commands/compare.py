"""``kaoping compare SCENARIO --overrides a,b,c``: the base and each named override side by side,
on common random numbers, like Excel's Scenario Manager summary (:mod:`optimizer.compare`
computes it; this prints it and writes the run folder)."""
from __future__ import annotations

import json

from optimizer.errors import BadInput
from optimizer.request import OBJECTIVES as _ALL_OBJECTIVES

from ..i18n import N_, _
from ..jsonkeys import key, label, records
from ._argtypes import nonnegative, positive, scenario, scenario_help, seconds, wholes
from ._table import text

NAME = "compare"
OBJECTIVES = tuple(o for o in _ALL_OBJECTIVES if o != "min-effort")  # optimizer.compare's, without loading it
HELP = N_("side-by-side summary of the base and named overrides on common random numbers (like Excel's Scenario Manager)")
ORDER = 50


def add_arguments(p):
    p.add_argument("scenario", type=scenario, help=scenario_help())
    p.add_argument("--overrides", default="", help=_("comma-separated override names (default: every declared override)"))
    p.add_argument("--draws", type=positive, help=_("draws per variant (default: the scenario's simulation.draws)"))
    p.add_argument("--seed", type=nonnegative, help=_("random seed shared by every variant (default: the scenario's)"))
    p.add_argument("--ranks", type=wholes, default=[1, 2, 3], help=_("report P(rank ≤ r) for these r (default 1,2,3)"))
    p.add_argument("--joint", default=None,
                   help=_("assessments for the joint P(best grade in all); default: all but the first when there are 2 or more"))
    p.add_argument("--objective", choices=OBJECTIVES, help=_("also optimise each variant for this objective"))
    p.add_argument("--assessment", help=_("assessment of the objective (default: the first)"))
    p.add_argument("--rank", type=positive, default=1, help=_("rank r of rank-prob (default 1)"))
    p.add_argument("--grade", default=None, help=_("grade name g of grade-prob / joint-grade (default: the best)"))
    p.add_argument("--opt-draws", type=positive, default=200, help=_("draws in the optimisation (default 200)"))
    p.add_argument("--time-limit", type=seconds, default=60.0, help=_("solver time limit per variant [s] (default 60)"))
    p.add_argument("--solver", choices=("highs", "cbc"), default="highs", help=_("MILP solver (default highs)"))
    p.add_argument("--json", action="store_true", help=_("print the comparison as JSON on stdout"))
    from ..runs import add_run_arguments

    add_run_arguments(p)


def shown(name: str) -> str:
    """A variant's name as tables show it: the base as 基准 (in the language in use), an override as named."""
    from optimizer.compare import BASE

    return _("基准") if name == BASE else name


def cells(results: dict, grades: list[str]) -> dict:
    """Result cells '<assessment> | <label>' as {assessment name, 'plan' or 'joint': {key: value}} (stable keys)."""
    out: dict = {}
    for cell, x in results.items():
        group, _sep, what = cell.partition(" | ")
        out.setdefault(key(group), {})[key(what, grades)] = x
    return out


def as_json(variants: list[Variant], scenario: str, draws: int, seed: int, grades: list[str] = ()) -> dict:
    import numpy as np

    base = variants[0].results

    def clean(x):
        return None if x is None or (isinstance(x, float) and not np.isfinite(x)) else x

    return {
        "scenario": scenario, "draws": draws, "seed": seed, "common_random_numbers": True,
        "variants": [{
            "name": v.name, "description": v.description,
            "changes": [{"path": p, "value": val} for p, val in v.changes],
            "results": cells({k: clean(x) for k, x in v.results.items()}, grades),
            "delta": cells({k: clean(x - base[k]) if k in base else None for k, x in v.results.items()}, grades),
            "plan": None if v.plan is None else records(v.plan),
            "plan_info": {k: clean(x) for k, x in v.plan_info.items()},
        } for v in variants],
    }


def run(args) -> int:
    import pandas as pd

    from models.scenario import load_scenario
    from optimizer.compare import compare, delta_frame, summary_frame
    from optimizer.recommend import incumbent_words

    from ..progress import stages

    base = load_scenario(args.scenario)
    names = [o.strip() for o in args.overrides.split(",") if o.strip()] or list(base.spec.overrides)
    ranks = args.ranks
    joint = None if args.joint is None else [j.strip() for j in args.joint.split(",") if j.strip()]
    S = args.draws or base.spec.simulation.draws
    seed = base.spec.simulation.seed if args.seed is None else args.seed
    from .. import preflight
    from ..runs import RunFolder

    known = [a.name for a in base.spec.assessments]
    for flag, asked in (("--assessment", [args.assessment] if args.assessment else []), ("--joint", joint or [])):
        for name in asked:
            if name not in known:
                raise BadInput(_("{flag}: unknown assessment '{assessment}': use one of {known}").format(
                    flag=flag, assessment=name, known=", ".join(known)))
    preflight.simulation_memory(base, S, base.spec.simulation.chunk, given=args.draws is not None)
    if args.objective:
        preflight.optimization_memory(base, args.opt_draws, "--opt-draws")

    with RunFolder.open(args, base, command=NAME, seed=seed, draws=S) as run:
        with stages() as progress:
            total, done = S * (len(names) + 1), [0]

            def simulated(n):
                done[0] += n
                progress(_("simulating the variants"), done[0], total)

            variants = compare(args.scenario, names, draws=S, seed=seed, ranks=ranks, joint=joint,
                               optimize_args=args if args.objective else None, progress=simulated,
                               solving=lambda name, inc, bd: progress(_("solving the plan of {variant}").format(variant=name),
                                                                      0, None, incumbent_words(inc, bd)))
        measure = label("指标")
        run.table("summary", summary_frame(variants).rename(columns=shown).rename_axis(measure).reset_index(), title=_("方案对比（本县）"))
        if len(variants) > 1:
            run.table("difference", delta_frame(variants).rename_axis(measure).reset_index(), title=_("与基准的差"))
            run.text("changes", "\n".join(f"{v.name}: {v.description}\n" + "\n".join(f"    {p} = {val}" for p, val in v.changes)
                                          for v in variants[1:]), title=_("各方案的改动"))
        for v in variants:
            if v.plan is not None:
                run.table(f"plan-{v.name}", v.plan, title=_("{variant} 推进方案").format(variant=shown(v.name)))
        grades = sorted({g for a in base.spec.assessments for g in a.grades.names})
        run.results(as_json(variants, base.name, S, seed, grades))
    if args.json:
        print(json.dumps(as_json(variants, base.name, S, seed, grades), ensure_ascii=False, indent=1))
        return 0
    print(_("== 方案对比 {scenario}：{draws} 次抽样，种子 {seed}，共同随机数 ==").format(scenario=base.name, draws=S, seed=seed))
    print("\n" + _("-- changing cells --"))
    for v in variants[1:]:
        print(f"{v.name}: {v.description}")
        for p, val in v.changes:
            print(f"    {p} = {val}")
    with pd.option_context("display.max_rows", 500, "display.width", 220, "display.unicode.east_asian_width", True,
                           "display.float_format", lambda x: f"{x:.4g}"):
        print("\n" + _("-- result cells (home county) --"))
        print(text(summary_frame(variants).rename(columns=shown), index=True))
        if len(variants) > 1:
            print("\n" + _("-- difference from base --"))
            print(text(delta_frame(variants), index=True))
        for v in variants:
            if v.plan is not None:
                from optimizer.solver import status_word

                i = v.plan_info
                print("\n" + _("-- plan for {variant}: {status}, effort {effort} of budget {budget} --").format(
                    variant=shown(v.name), status=status_word(i["status"]), effort=f"{i['effort']:.4g}", budget=i["budget"]))
                print(text(v.plan) if len(v.plan) else _("(no push)"))
    return 0

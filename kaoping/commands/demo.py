"""``kaoping demo [SCENARIO]``: the default scenario told as a story: where the county stands (and
why its simulated mean total is below its total at the forecasts), what the plan changes, what the
decision aids add, what to try next.

Each step is the CLI command itself (same code, same output), so the demo shows exactly what a
user would type: ``kaoping score``, ``simulate``, ``optimize`` (the plan beside the baselines:
the speech's rule, greedy by points per effort, an even split; written to a run folder), then
``rivals``, ``attribute``, ``goal-seek``, ``robust`` and ``adjust`` on that plan (``--plan
RUN_DIR``). A short paragraph before each step says what it does; one after the first three says
what it found, computed (models.forecast_gap; the plan scored on the aids' draws).

The demo runs light settings (:data:`LIGHT`: fewer draws, fewer SAA samples, lighter aids)
so that the whole story takes about a minute; ``--full`` runs the commands as they are, with
their defaults (:data:`FULL`), and the narration names those."""
from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from models.i18n import _ as words  # the scorecard's labels and statuses: the models layer's words
from models.i18n import listing

from ..i18n import N_, _
from ..shipped import DEFAULT, SHIPPED
from ._argtypes import scenario, scenario_help

NAME = "demo"
HELP = N_("tell the default scenario as a story, end to end: score, simulate, optimize beside the baselines, "
          "the decision aids, and what to try next")
ORDER = 90


@dataclass(frozen=True)
class Settings:
    """What the demo passes to the commands; None: the command's own default."""

    draws: int | None  # simulate and the aids (None: the scenario's simulation.draws)
    replications: int | None  # optimize: SAA samples solved by the MILP
    select_draws: int | None  # optimize: draws the candidates are compared and polished on
    report_draws: int | None  # optimize: untouched draws the plan's value is reported on
    time_limit: float | None  # optimize: the safety cap on the whole run [s] (the work is bounded by the settings above)
    resolve: int | None  # adjust: adjustments re-optimised
    aid_replications: int | None  # adjust: SAA samples of each re-optimisation
    aid_time_limit: float | None  # adjust: solver time limit of each re-optimisation [s]


LIGHT = Settings(draws=2_000, replications=3, select_draws=4_000, report_draws=2_000, time_limit=60.0,
                 resolve=1, aid_replications=2, aid_time_limit=5.0)
FULL = Settings(None, None, None, None, None, None, None, None)
# the commands' defaults, as the narration names them
FULL_WORDS = dict(replications=5, select_draws=20_000, report_draws=10_000, time_limit=120, resolve=3,
                  aid_replications=5, aid_time_limit=60)


def add_arguments(p):
    p.add_argument("scenario", nargs="?", type=scenario, default=DEFAULT, help=scenario_help())
    p.add_argument("--full", action="store_true",
                   help=_("run every command with its full default settings (the scenario's draws, the recommended "
                          "recipe; several minutes) instead of the demo's light ones (about a minute)"))
    p.add_argument("--no-aids", action="store_true", help=_("stop after the optimiser"))


def _opt(flag: str, value) -> list[str]:
    return [] if value is None else [flag, f"{value:g}" if isinstance(value, float) else str(value)]


@dataclass(frozen=True)
class Step:
    argv: list[str]
    before: str  # what the step does (translated)
    after: object = None  # narrate(story) -> str: what it found, or None


def steps(story: Story) -> list[Step]:
    """The commands of the story, each with its paragraph (and the finding after the first three)."""
    args, plan_dir, s = story.args, story.plan_dir, story.settings
    scn = story.name
    draws = _opt("--draws", s.draws)
    out = [
        Step(["score", scn], _("Step 1, the scorecard at the forecasts: every county's total, rank and grade if "
                               "each indicator lands exactly on its forecast, then the home county item by item "
                               "(status, points lost, the next breakpoint)."), _after_score),
        Step(["simulate", scn, *draws],
             _("Step 2, the forecasts are uncertain: simulate draws {draws} outcomes of every county's indicators "
               "(seeded: the same numbers every run) and scores each one by the same rules: the probability of "
               "each rank, of beating each rival, of each grade.").format(draws=story.draws),
             _after_simulate),
        Step(["optimize", scn, "--objective", "rank-prob", "--rank", "1", *_opt("--replications", s.replications),
              *_opt("--select-draws", s.select_draws), *_opt("--report-draws", s.report_draws),
              *_opt("--time-limit", s.time_limit), *(["--out", plan_dir] if plan_dir else [])],
             _("Step 3, the plan: which indicators to push, and how far, within the effort budget (the total and "
               "each department's), to make rank 1 as likely as it can be. The recommended recipe: {m} samples "
               "of 100 draws each solved exactly (MILP), the candidates compared and polished on {sel} other "
               "draws, the plan's value reported on {rep} untouched draws. Beside it, the baselines at the same "
               "budget: the speech's rule, greedy by points per effort, an even split of the budget.").format(
                 m=s.replications or FULL_WORDS["replications"], sel=s.select_draws or FULL_WORDS["select_draws"],
                 rep=s.report_draws or FULL_WORDS["report_draws"]),
             _after_optimize if plan_dir else None),
    ]
    if plan_dir is None:
        return out
    on = [scn, "--plan", plan_dir, *draws]
    return out + [
        Step(["rivals", *on], _("Step 4, head to head with each rival of the class: the expected gap, the items "
                                "where the rival leads (weak spots to shore up) and where it trails (strengths to "
                                "press).")),
        Step(["attribute", *on], _("Step 5, whose work the gain is: each department's share of what the plan adds "
                                   "(Shapley values: its average contribution over every order of joining).")),
        Step(["goal-seek", *on, "--prob", "0.8"],
             _("Step 6, goal seek: the smallest push of each indicator alone that would make P(rank 1) at least "
               "80 %, and how much more each rival may score before the plan's P(rank 1) falls below 50 %.")),
        Step(["robust", *on], _("Step 7, when the plan fails: simple rules over the draws (scenario discovery) that "
                                "pick out the outcomes in which rank 1 is lost.")),
        Step(["adjust", *on, "--share", "10%", *_opt("--resolve", s.resolve), *_opt("--replications", s.aid_replications),
              *_opt("--time-limit", s.aid_time_limit)],
             _("Step 8, which target adjustments to apply for: each basic target made 10 percent easier, "
               "the gain in P(rank 1) with the plan kept; the best {n} re-optimised.").format(
                 n=s.resolve or FULL_WORDS["resolve"])),
    ]


class Story:
    """What the narration reads: the scenario, its first assessment, the demo's draws, the plan."""

    def __init__(self, args, plan_dir: str | None):
        from models.scenario import load_scenario

        self.args, self.plan_dir = args, plan_dir
        self.settings = FULL if args.full else LIGHT
        self.scn = load_scenario(args.scenario)
        self.name = args.scenario.name if args.scenario.parent == SHIPPED else str(args.scenario)  # as typed
        self.assessment = self.scn.spec.assessments[0].name
        self.home = self.scn.spec.scenario.home
        self.draws = self.settings.draws or self.scn.spec.simulation.draws


def _after_score(story: Story) -> str:
    import numpy as np

    from models.scorecard import central_values
    from models.scoring import compile_scenario, score_all

    cs = compile_scenario(story.scn)
    ca = cs.assessment(story.assessment)
    res = score_all(central_values(story.scn, cs), cs)[[a.name for a in cs.assessments].index(ca.name)]
    h = cs.home
    mine = np.flatnonzero(ca.class_of == ca.class_of[h])
    best = mine[np.lexsort((-res.total[mine], res.rank[mine]))[0]]
    return _("Where {home} stands: at the forecasts it scores {total:.2f} in {a}, rank {rank} of the {n} counties "
             "ranked with it ({first} leads with {top:.2f}). Counties of other classes are not ranked against it "
             "(no rank shown).").format(home=story.home, total=res.total[h], a=ca.name, rank=int(res.rank[h]),
                                         n=len(mine), first=cs.counties[best], top=res.total[best])


def _after_simulate(story: Story) -> str:
    from models.forecast_gap import forecast_gap

    g = forecast_gap(story.scn, draws=story.draws, assessment=story.assessment)
    status = _statuses(story)
    items = listing(_("{name} ({status}: {at:.2f} at the forecast, {mean:.2f} on average)").format(
        name=g.indicators[k], status=status[g.indicators[k]], at=g.at_forecast[k], mean=g.mean[k]) for k in g.largest(3))
    return _("Over the draws {home} averages {mean:.2f}, {diff:.2f} below its {total:.2f} at the forecasts, and is "
             "first in {p1:.0%} of them. Why lower: the rules are not straight lines. An item stops at full score "
             "(a good year gains little) and drops to nothing below basic (a bad year costs all the basic points), so "
             "the same spread of outcomes loses points on average; here {unc:.2f} of the {diff:.2f} points come from "
             "that (the forecasts' skew: {skew:.2f}). The items it costs most: {items}. An item just above basic "
             "loses its basic points in every draw that falls short of basic.").format(
        home=story.home, mean=g.mean_total, diff=g.total_at_forecast - g.mean_total, total=g.total_at_forecast,
        p1=g.rank_probs[0], unc=float(g.uncertainty.sum()), skew=float(g.skew.sum()) + g.rest, items=items)


def _after_optimize(story: Story) -> str:
    import numpy as np

    from models.scorecard import STATUS_BASIC_ONLY
    from optimizer.aids.common import study
    from optimizer.request import Request

    from ._aids import read_plan

    scn = story.scn
    push = read_plan(scn, story.plan_dir)
    st = study(scn, Request(objective="rank-prob", assessment=story.assessment, rank=1), push, n_draws=story.draws)
    now, plan = st.scores(push=np.zeros_like(push)), st.plan_scores
    h = st.home
    pushed = [k for k in np.argsort(-push, kind="stable") if push[k] > 0]
    items = listing(_("{name} +{push:g} {unit}").format(name=st.cs.indicators[k], push=round(float(push[k]), 4),
                                                         unit=scn.indicator(st.cs.indicators[k]).unit) for k in pushed)
    status = _statuses(story)
    basic_only = sum(status.get(st.cs.indicators[k]) == words(STATUS_BASIC_ONLY) for k in pushed)
    return _("What the plan changes: it pushes {n} indicators ({items}) within the budget of {budget}; {k} of them "
             "are just above basic at the forecasts ({basic_only}), where a small push keeps the basic points in "
             "more of the bad years. On {draws} draws none of the plans was chosen on, P(rank 1) goes from {p0:.0%} "
             "to {p1:.0%} and the expected total from {m0:.2f} to {m1:.2f}.").format(
        n=len(pushed), items=items, budget="∞" if scn.spec.effort.budget is None else f"{scn.spec.effort.budget:g}", k=basic_only, basic_only=words(STATUS_BASIC_ONLY),
        draws=st.n,
        p0=float((now.rank[:, h] <= 1).mean()), p1=float((plan.rank[:, h] <= 1).mean()),
        m0=float(now.total[:, h].mean()), m1=float(plan.total[:, h].mean()))


def _statuses(story: Story) -> dict[str, str]:
    """Each item's status at the forecasts (the scorecard's words: 仅基本分, 未达基本, …)."""
    from models.scorecard import scorecard

    home = scorecard(story.scn)[f"{story.assessment}/home"]
    return dict(zip(home[words("指标")], home[words("状态")]))


def next_steps(story: Story) -> str:
    """The closing paragraph: the full settings, the other commands, the notebooks."""
    name = story.name
    light = "" if story.args.full else _(
        "This demo ran light settings to finish in about a minute: {draws} draws, {m} SAA samples, {sel} selection "
        "and {rep} report draws, a {t:g} s time limit, one adjustment re-optimised. The full settings are the "
        "commands' defaults: 'kaoping demo --full', or each command without the demo's options ({fdraws} draws, "
        "{fm} samples, {fsel} and {frep} draws, {ft} s).\n").format(
        draws=LIGHT.draws, m=LIGHT.replications, sel=LIGHT.select_draws, rep=LIGHT.report_draws, t=LIGHT.time_limit,
        fdraws=story.scn.spec.simulation.draws, fm=FULL_WORDS["replications"], fsel=FULL_WORDS["select_draws"],
        frep=FULL_WORDS["report_draws"], ft=FULL_WORDS["time_limit"])
    return light + _(
        "What to try next:\n"
        "  kaoping optimize {s} --out runs/plan     a plan with its run folder (report.html, results.xlsx)\n"
        "  kaoping reproduce runs/plan             check it and re-run it: MATCH\n"
        "  kaoping optimize {s} --budget 16        the same at another budget; kaoping frontier {s} --budgets 8,16,24\n"
        "  kaoping warn {s}                        red, yellow and green indicators, the two lists\n"
        "  kaoping compare {s} --overrides NAME    a what-if of the scenario's overrides against the status quo\n"
        "  kaoping export-excel {s} -o my.xlsx     your own county: edit the workbook, then\n"
        "  kaoping import-excel my.xlsx -o my-scenario; kaoping validate my-scenario\n"
        "  make lab                                the notebooks: 01-strategist-what-if, 02-planner-weak-indicators,\n"
        "                                          03-reviewer-reproduce, 04-planner-monthly-warnings,\n"
        "                                          05-strategist-decision-aids\n"
        "Every command: kaoping COMMAND --help; English: kaoping --lang en demo.").format(s=name)


def run(args) -> int:
    from ..cli import main

    with tempfile.TemporaryDirectory(prefix="kaoping-demo-") as tmp:
        plan_dir = None if args.no_aids else str(Path(tmp) / "plan")
        story = Story(args, plan_dir)
        for step in steps(story):
            print(f"\n### {step.before}\n$ kaoping {' '.join(step.argv)}", flush=True)
            rc = main(step.argv)
            sys.stdout.flush()
            if rc != 0:
                print(_("demo stopped: 'kaoping {command}' exited {rc}").format(command=" ".join(step.argv), rc=rc),
                      file=sys.stderr)
                return rc
            if step.after is not None:
                print(f"\n>>> {step.after(story)}", flush=True)
        print(f"\n### {next_steps(story)}")
    return 0

"""What the decision aids share: the plan they study, its goal, the draws and paired statistics.

A :class:`Study` is a plan (a push per scenario indicator [indicator unit, ≥ 0]) with its goal
(rank ≤ r and grade ≥ g in one assessment, from a :class:`~optimizer.request.Request`) on one set
of draws: stream :data:`EVAL_STREAM`, which no optimiser chooses a plan on. Every aid compares what
it changes on these same draws (common random numbers) and scores them with models.scoring, so
each number it reports is what the scoring model gives.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from models.projection import Draws, apply_push, draw
from models.scoring import AssessmentScores, CompiledScenario, compile_scenario, score_assessment

from ..errors import BadInput
from ..i18n import _
from ..request import Request

EVAL_STREAM = 3  # the aids' own draws: streams 0–2 serve the optimiser (in-sample, selection, reporting)


@dataclass
class Study:
    """A plan under study: ``push`` (I,) [indicator unit] of the home county, the goal ``req``
    (assessment, rank r, grade g), ``draws`` of every county's values (common random numbers)."""

    scn: object
    req: Request
    push: np.ndarray
    draws: Draws
    seed: int
    cs: CompiledScenario = field(default=None)
    stream: int = EVAL_STREAM

    def __post_init__(self):
        self.cs = self.cs or compile_scenario(self.scn)
        self.push = np.asarray(self.push, dtype=float)
        if self.push.shape != (len(self.cs.indicators),):
            raise BadInput(_("a plan needs one push per indicator ({count}), got {shape}").format(
                count=len(self.cs.indicators), shape=self.push.shape))

    @property
    def ca(self):
        return self.cs.assessment(self.req.assessment)

    @property
    def home(self) -> int:
        return self.cs.home

    @property
    def n(self) -> int:
        return self.draws.values.shape[0]

    @property
    def rivals(self) -> list[int]:
        ca = self.ca
        return [c for c in range(len(self.cs.counties)) if c != ca.home and ca.class_of[c] == ca.class_of[ca.home]]

    def scores(self, push=None, cs=None, keep_points=False) -> AssessmentScores:
        """The goal's assessment scored by models.scoring on the study's draws with the home county
        pushed by ``push`` (default: the plan), under ``cs`` (default: the scenario's rules)."""
        cs = cs or self.cs
        ca = cs.assessment(self.req.assessment)
        values = apply_push(self.draws.values, cs, self.push if push is None else push)
        return score_assessment(values, ca, self.draws.totals.get(ca.name), keep_points=keep_points)

    @cached_property
    def plan_scores(self) -> AssessmentScores:
        return self.scores(keep_points=True)

    def success(self, s: AssessmentScores) -> tuple[np.ndarray, np.ndarray]:
        """Per draw: (rank ≤ r, grade ≥ g) of the home county."""
        h = self.home
        return s.rank[:, h] <= self.req.rank, s.grade[:, h] <= self.req.grade

    @property
    def rank_words(self) -> str:
        """The rank goal in words ('名次≤1'), in the language in use."""
        return _("名次≤{rank}").format(rank=self.req.rank)

    @property
    def grade_words(self) -> str:
        """The grade goal in words ('等次≥一等'), in the language in use."""
        return _("等次≥{grade}").format(grade=self.ca.grade_names[self.req.grade])


def study(scn, req: Request, push, *, n_draws: int | None = None, seed: int | None = None,
          stream: int = EVAL_STREAM) -> Study:
    """A :class:`Study` of ``push`` on ``n_draws`` draws (default: the scenario's) of ``stream``."""
    sim = scn.spec.simulation
    seed = sim.seed if seed is None else int(seed)
    n = sim.draws if n_draws is None else int(n_draws)
    if n < 2:
        raise BadInput(_("an aid needs at least 2 draws (standard errors)"))
    if req.assessment is None:
        req = Request(**{**req.__dict__, "assessment": scn.spec.assessments[0].name})
    cs = compile_scenario(scn)
    return Study(scn, req, push, draw(scn, n, seed, stream=stream, cs=cs), seed, cs, stream)


def only_assessment(cs: CompiledScenario, name: str) -> CompiledScenario:
    """The compiled scenario with one assessment (option tables of that assessment alone)."""
    from dataclasses import replace

    return replace(cs, assessments=tuple(a for a in cs.assessments if a.name == name))


def mean_se(x) -> tuple[float, float]:
    """Mean of a per-draw quantity and its Monte Carlo standard error sd/√S."""
    x = np.asarray(x, dtype=float)
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(len(x))) if len(x) > 1 else float("nan")


def push_vector(scn, pushes: dict[str, float], cs: CompiledScenario | None = None) -> np.ndarray:
    """(I,) push per scenario indicator from ``{indicator: push}`` (others 0); unknown names raise BadInput."""
    cs = cs or compile_scenario(scn)
    out = np.zeros(len(cs.indicators))
    for name, p in pushes.items():
        if name not in cs.indicators:
            raise BadInput(_("the plan names an unknown indicator '{name}'").format(name=name))
        if not p >= 0:
            raise BadInput(_("the plan's push of '{name}' must be ≥ 0 (in the good direction), got {push}").format(
                name=name, push=p))
        out[cs.indicators.index(name)] = float(p)
    return out


def plan_pushes(result) -> np.ndarray:
    """(I,) pushes of an optimiser's plan (PlanResult)."""
    n = int(sum(len(t.ca.cols) for t in result.tables.assessments))
    return result.levels.push_vector(result.plan, n)


def optimised_push(scn, req: Request, *, replications: int = 5, n_draws: int = 100, seed: int | None = None,
                   solver: str | None = "highs", time_limit: float = 60.0, progress=None) -> np.ndarray:
    """The pushes of the plan ``kaoping optimize --replications 5 --draws 100`` gives for ``req``
    (the SAA recipe; a single MILP when ``replications`` is 1). ``progress(m, M, incumbent, bound)``:
    replication m of M, as :func:`optimizer.saa.saa`."""
    say = progress or (lambda *a: None)
    from ..plan import optimize
    from ..saa import optimize_saa

    if replications > 1 and req.objective != "min-effort":
        res = optimize_saa(scn, req, replications=replications, n_draws=n_draws, seed=seed, solver=solver,
                           time_limit=time_limit, n_fresh=200, progress=say)[0]
    else:
        say(0, 1, None, None)
        res = optimize(scn, req, n_draws=n_draws, seed=seed, solver=solver, time_limit=time_limit, n_fresh=200,
                       with_baselines=False, progress=lambda inc, bd: say(0, 1, inc, bd))
        say(1, 1, None, None)
    return plan_pushes(res)

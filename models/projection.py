"""Seeded Monte Carlo projection: draws of every county's final indicator values, scored.

The draws (forecast distributions, the shocks' correlation, the seeded random blocks) are
:mod:`models.draws`; the engine that scores and summarises blocks of them, :mod:`models.montecarlo`.

Scoring
-------
:func:`simulate` scores every draw with :func:`models.scoring.score_all` (the one scoring
implementation), chunk by chunk, keeps totals, ranks and grades (S, C) per assessment (never the
(S, C, I) values beyond a chunk) and summarises them in DataFrames with Chinese column names.
Every probability has its Monte Carlo standard error √(p(1 − p)/S) beside it. Tables of an
:class:`AssessmentProjection` (one per assessment of the scenario):

``summary``      县市区, 本县, 平均分 [分], 中位分 [分], 5%分位分 [分], 95%分位分 [分], 平均排名, 中位排名,
                 5%分位排名, 95%分位排名 (ranks NaN outside the home county's ranking class)
``rank_probs``   县市区, 排名, 概率, 标准误 (the rank acceptability matrix in long form, the home
                 county's ranking class only; wide: ``rank_matrix()``)
``beat_probs``   县市区, 对手, 胜出概率, 标准误 (P(县市区 ranks strictly above 对手), same ranking class)
``grade_probs``  县市区, 等次序号, 等次, 概率, 标准误, 不低于该等次概率, 不低于标准误 (grade index 0 is
                 the best, so "at least grade g" is index ≤ g)
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from .draws import BLOCK, Draws, ForecastTable, draw, draw_from_table, forecast_table, seed_message  # noqa: F401 (the public API)
from .i18n import _, listing
from .scenario import Scenario
from . import memory as mem
from . import montecarlo, summaries
from .scoring import CompiledScenario, compile_scenario


def apply_push(values: np.ndarray, cs: CompiledScenario, push: np.ndarray) -> np.ndarray:
    """Copy of ``values`` (…, C, I) with the home county moved by ``push`` (I,) [indicator unit,
    ≥ 0] in each indicator's good direction: x_home + sign·push."""
    push = np.asarray(push, dtype=float)
    if push.shape != (len(cs.indicators),):
        raise ValueError(_("push must have shape ({n},), one entry per indicator; got {shape}").format(
            n=len(cs.indicators), shape=push.shape))
    if (push < 0).any():
        raise ValueError(_("push must be ≥ 0 (it is measured in the indicator's good direction)"))
    out = np.array(values, dtype=float, copy=True)
    out[..., cs.home, :] += cs.sign * push
    return out


# --------------------------------------------------------------------------- simulate


@dataclass(frozen=True)
class AssessmentProjection:
    """One assessment's projection over S draws.

    Tables (Chinese column names, units in brackets): ``summary`` (score and rank: mean, median,
    5–95 % interval), ``rank_probs`` (P(排名 = r)), ``beat_probs`` (P(county ranks above rival)),
    ``grade_probs`` (P(等次 = g) and P(等次 ≥ g)); each probability with its Monte Carlo standard
    error √(p(1 − p)/S) beside it. ``tally``: the merged counts they come from
    (:class:`models.summaries.Tally`). Per-draw arrays when the run kept them (else None):
    ``totals`` (S, C) [points], ``ranks`` (S, C) (1 = best, within the ranking class),
    ``grades`` (S, C) (grade index, 0 = best)."""

    name: str
    counties: tuple[str, ...]
    home: int
    grade_names: tuple[str, ...]
    class_of: np.ndarray
    totals: np.ndarray | None
    ranks: np.ndarray | None
    grades: np.ndarray | None
    summary: pd.DataFrame = field(repr=False)
    rank_probs: pd.DataFrame = field(repr=False)
    beat_probs: pd.DataFrame = field(repr=False)
    grade_probs: pd.DataFrame = field(repr=False)
    tally: summaries.Tally = field(default=None, repr=False)
    bins: summaries.Bins | None = field(default=None, repr=False)

    @property
    def draws(self) -> int:
        return self.tally.draws

    def rank_matrix(self) -> pd.DataFrame:
        """Rank acceptability matrix: county × rank → P(排名 = r) [0–1], the counties of the home
        county's ranking class in scenario order."""
        shown = set(self.rank_probs[_("县市区")])
        return self.rank_probs.pivot(index=_("县市区"), columns=_("排名"), values=_("概率")).reindex(
            [c for c in self.counties if c in shown])

    def home_rank_probs(self) -> np.ndarray:
        """(R,) P(home rank = r) for r = 1 … R (R = size of the home county's ranking class)."""
        R = int((self.class_of == self.class_of[self.home]).sum())
        return self.tally.rank_counts[self.home, :R] / self.draws

    def score_histogram(self, county: int, edges: np.ndarray) -> np.ndarray:
        """Counts of the county's totals in the bins ``edges`` [points]: exact from the kept totals,
        else from the score sketch (each sketch bin counted where its centre falls)."""
        if self.totals is not None:
            col = self.totals[:, county]
            return np.histogram(col[np.isfinite(col)], bins=edges)[0]
        b = self.bins
        centres = b.low[county] + b.width[county] * (np.arange(summaries.SKETCH_BINS) + 0.5)
        counts = self.tally.hist[county]
        below, above = counts[0], counts[-1]
        idx = np.clip(np.searchsorted(edges, centres, side="right") - 1, 0, len(edges) - 2)
        out = np.bincount(idx, weights=counts[1:-1], minlength=len(edges) - 1)
        out[0] += below
        out[-1] += above
        return out.astype(np.int64)


@dataclass(frozen=True)
class Projection:
    """Monte Carlo projection of a scenario: per assessment, see :class:`AssessmentProjection`.
    ``chunk``: draws scored at once (a whole number of random blocks)."""

    scenario: str
    counties: tuple[str, ...]
    home: int
    draws: int
    seed: int
    stream: int
    chunk: int
    push: np.ndarray | None
    assessments: tuple[AssessmentProjection, ...]

    def assessment(self, name: str | None = None) -> AssessmentProjection:
        if name is None:
            return self.assessments[0]
        for a in self.assessments:
            if a.name == name:
                return a
        raise KeyError(no_assessment(name, [a.name for a in self.assessments]))


def no_assessment(name, names) -> str:
    return _("no assessment '{assessment}': one of {choices}").format(assessment=name, choices=listing(names))


def mc_se(p, n: int):
    """Monte Carlo standard error of a probability estimated from n draws: √(p(1 − p)/n)."""
    p = np.asarray(p, dtype=float)
    return np.sqrt(p * (1.0 - p) / n)


def rank_probabilities(rank: np.ndarray, R: int) -> np.ndarray:
    """(…, R) P(rank = r), r = 1 … R, from ranks (S, …)."""
    S = rank.shape[0]
    return np.stack([(rank == r).sum(axis=0) / S for r in range(1, R + 1)], axis=-1)


def plan_run(scn: Scenario, draws: int, *, memory: int | str | None = None, chunk: int | None = None,
             workers: int = 1, keep: bool | None = None, cs: CompiledScenario | None = None,
             ft: ForecastTable | None = None) -> tuple[int, bool]:
    """(chunk [draws, a whole number of random blocks], keep the per-draw results?) of a run of
    ``draws`` within the memory budget ``memory`` (bytes or text such as ``2GiB``; default
    :data:`models.memory.DEFAULT_MEMORY`). An explicit ``chunk`` is rounded up to whole blocks.
    Raises ``ValueError`` with the estimate when the run cannot fit the budget."""
    cs = cs or compile_scenario(scn)
    ft = ft or forecast_table(scn, cs)
    budget = mem.DEFAULT_MEMORY if memory is None else mem.parse_size(memory)
    C, I, A = len(cs.counties), len(cs.indicators), len(cs.assessments)
    keep = mem.keeps_draws(draws, C, A, budget) if keep is None else keep
    held = mem.kept_bytes(draws, C, A) if keep else 0
    per = mem.bytes_per_draw(C, I, A, max(len(a.block_names) for a in cs.assessments),
                             max(len(a.grade_names) for a in cs.assessments), max(len(a.veto_effect) for a in cs.assessments))
    B = ft.block
    if chunk is None:
        chunk = mem.chunk_draws(draws, B, per, budget - held, workers, C * I)
    else:
        chunk = max(1, math.ceil(int(chunk) / B)) * B
    need = mem.BASE_BYTES + held + max(workers, 1) * min(chunk, math.ceil(draws / B) * B) * per
    if need > budget:
        if held:
            held_words = _("every draw kept: {kept}, {chunks} chunk(s) of {chunk} draws").format(
                kept=mem.format_size(held), chunks=max(workers, 1), chunk=chunk)
        else:
            held_words = _("{chunks} chunk(s) of {chunk} draws").format(chunks=max(workers, 1), chunk=chunk)
        advice = (_("raise --memory, or ask for fewer draws") if keep is False
                  else _("raise --memory, or ask for fewer draws or a run that does not keep every draw"))
        raise ValueError(_("{draws} draws of {counties} counties × {indicators} indicators need about {need} ({held}), "
                           "more than the memory budget of {budget}: {advice}").format(
            draws=draws, counties=C, indicators=I, need=mem.format_size(need), held=held_words,
            budget=mem.format_size(budget), advice=advice))
    return chunk, keep


def simulate(scn: Scenario, *, draws: int | None = None, seed: int | None = None, chunk: int | None = None,
             push: np.ndarray | None = None, stream: int = 0, progress: Callable[[int], None] | None = None,
             cs: CompiledScenario | None = None, memory: int | str | None = None, workers: int = 1,
             keep: bool | None = None, mapper: montecarlo.Mapper | None = None) -> Projection:
    """Score ``draws`` Monte Carlo draws of the scenario (defaults from its ``simulation``
    section) and summarise them (:mod:`models.summaries`). The results do not depend on the chunk
    size, the number of workers or the map that runs the blocks.

    ``push`` (I,) [indicator unit, ≥ 0]: move the home county's values in the good direction
    first (the same draws for every push: common random numbers).

    ``memory``: the budget (bytes, or text such as ``2GiB``), which sets the chunk (see
    :func:`plan_run`) unless ``chunk`` is given; ``keep``: keep every draw's totals, ranks and
    grades (default: when they take at most 1/16 of the budget); ``workers``: threads scoring
    chunks at once; ``mapper``: a map that runs :func:`models.montecarlo.score_blocks` elsewhere
    (e.g. on a Dask cluster), in order.

    ``progress``: called with the number of draws just scored, after every chunk (the
    application draws a progress bar with it)."""
    sim = scn.spec.simulation
    S = sim.draws if draws is None else int(draws)
    seed = sim.seed if seed is None else int(seed)
    chunk = sim.chunk if chunk is None else chunk
    if S < 1 or (chunk is not None and int(chunk) < 1):
        raise ValueError(_("draws and chunk must be at least 1 (got draws={draws}, chunk={chunk})").format(
            draws=S, chunk=chunk))
    if seed < 0 or stream < 0:
        raise ValueError(seed_message(seed, stream))
    cs = cs or compile_scenario(scn)
    ft = forecast_table(scn, cs)
    chunk, keep = plan_run(scn, S, memory=memory, chunk=chunk, workers=workers, keep=keep, cs=cs, ft=ft)
    if push is not None:
        push = np.asarray(push, dtype=float).copy()
        apply_push(np.zeros((1, len(cs.counties), len(cs.indicators))), cs, push)  # the same checks
    job = montecarlo.Job(ft, cs, S, seed, stream, push, keep)
    # the scoring's matrix products are small (chunk·C × n by n × B): threads only add
    # synchronisation, and on shared cores they make it several times slower
    limit = threadpool_limits(limits=1, user_api="blas")
    try:
        if not keep:
            job = montecarlo.Job(ft, cs, S, seed, stream, push, keep, montecarlo.pilot_bins(job))
        res = montecarlo.run(job, chunk // ft.block, mapper or montecarlo.thread_map(workers), progress)
    finally:
        limit.restore_original_limits()
    out = []
    for k, ca in enumerate(cs.assessments):
        t = res.tallies[k]
        if keep:
            q = np.quantile(res.totals[k], summaries.QUANTILES, axis=0)
        else:
            q = summaries.sketch_quantiles(t, job.bins[k], summaries.QUANTILES)
        tabs = summaries.tables(t, cs.counties, cs.home, ca.class_of, ca.grade_names, q)
        arrays = (res.totals[k], res.ranks[k], res.grades[k]) if keep else (None, None, None)
        out.append(AssessmentProjection(ca.name, cs.counties, cs.home, ca.grade_names, ca.class_of, *arrays,
                                        tabs.summary, tabs.rank_probs, tabs.beat_probs, tabs.grade_probs, t,
                                        None if keep else job.bins[k]))
    return Projection(scn.name, cs.counties, cs.home, S, seed, stream, chunk, push, tuple(out))

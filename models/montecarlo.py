"""The Monte Carlo engine: seeded blocks of draws scored and summarised, by any map.

A :class:`Job` holds everything needed to score draws of one scenario (the compiled forecasts and
scoring, seed, stream, push, what to keep); :func:`score_blocks` is a pure function of a job and a
range of random blocks, so the blocks can be scored in any order, in threads, in processes or on
a Dask cluster (``kaoping/distributed.py``); :func:`run` merges the parts in block order. The
result is the same whatever the chunking and the number of workers: the draws of a block do not
depend on who draws them (:mod:`models.projection`), and the summaries merge exactly
(:mod:`models.summaries`).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np

from .draws import ForecastTable, fill_draws, fill_surveys, generate_noise, total_only_assessments
from .i18n import _
from .scoring import CompiledScenario, score_all
from .summaries import Bins, Tally, merge, tally_block

Mapper = Callable[[Callable, Iterable], Iterator]  # map(fn, ranges) -> parts, in the order of the ranges


@dataclass(frozen=True)
class Job:
    """What to score: draws [0, draws) of stream (seed, stream), the home county pushed by
    ``push`` (I,) [indicator unit] first; ``keep``: return every draw's totals, ranks and grades;
    ``bins``: per assessment, the score sketch's bins (None: no sketch)."""

    ft: ForecastTable
    cs: CompiledScenario
    draws: int
    seed: int
    stream: int
    push: np.ndarray | None = None
    keep: bool = True
    bins: tuple | None = None

    @property
    def n_blocks(self) -> int:
        return math.ceil(self.draws / self.ft.block)

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Draws [start, stop) of blocks [first, last)."""
        B = self.ft.block
        return first * B, min(last * B, self.draws)


@dataclass
class Part:
    """Blocks [first, last) scored: per assessment its tally, and (when kept) the draws' totals
    (n, C) [points], ranks and grades (n, C) int16."""

    first: int
    last: int
    tallies: tuple[Tally, ...]
    totals: tuple | None = None
    ranks: tuple | None = None
    grades: tuple | None = None


def values_of_blocks(job: Job, first: int, last: int) -> tuple[np.ndarray, dict]:
    """The drawn values (n, C, I) and drawn totals of blocks [first, last), pushed."""
    ft, cs = job.ft, job.cs
    start, stop = job.span(first, last)
    C, I, B = ft.n_counties, ft.n_indicators, ft.block
    values = np.full((stop - start, C * I), np.nan)
    totals = {an: np.full((stop - start, C), np.nan) for an in total_only_assessments(ft)}
    for b in range(first, last):
        lo, hi = b * B - start, min((b + 1) * B, stop) - start
        noise = generate_noise(ft, job.seed, job.stream, b).rows(0, hi - lo)
        fill_draws(ft, noise, values[lo:hi], {an: t[lo:hi] for an, t in totals.items()})
    fill_surveys(ft, values, job.seed, job.stream, start)
    values = values.reshape(-1, C, I)
    if job.push is not None:
        values[:, cs.home, :] += cs.sign * job.push  # as models.projection.apply_push, in place
    return values, totals


def score_blocks(job: Job, first: int, last: int) -> Part:
    """Draw, score and summarise blocks [first, last) of a job: a pure function of its arguments."""
    values, totals = values_of_blocks(job, first, last)
    scores = score_all(values, job.cs, drawn_totals=totals, keep_points=False)
    del values
    start, _ = job.span(first, last)
    tallies, kept = [], ([], [], [])
    for k, (ca, s) in enumerate(zip(job.cs.assessments, scores)):
        bins = job.bins[k] if job.bins is not None else None
        parts = []
        for b in range(first, last):
            lo, hi = (x - start for x in job.span(b, b + 1))
            parts.append(tally_block(s.total[lo:hi], s.rank[lo:hi], s.grade[lo:hi], ca.class_of,
                                     len(ca.grade_names), bins))
        tallies.append(merge(parts))
        if job.keep:
            kept[0].append(s.total)
            kept[1].append(s.rank.astype(np.int16))
            kept[2].append(s.grade.astype(np.int16))
    if not job.keep:
        return Part(first, last, tuple(tallies))
    return Part(first, last, tuple(tallies), *(tuple(x) for x in kept))


def pilot_bins(job: Job) -> tuple:
    """Score-sketch bins of every assessment from block 0 (the same block whatever the chunking)."""
    part = score_blocks(replace(job, keep=True, bins=None), 0, 1)
    return tuple(Bins.from_pilot(t) for t in part.totals)


@dataclass
class Result:
    """A whole job merged: per assessment its tally and (when kept) per-draw arrays (S, C)."""

    tallies: tuple[Tally, ...]
    totals: tuple | None
    ranks: tuple | None
    grades: tuple | None


def ranges(job: Job, chunk_blocks: int) -> list[tuple[int, int]]:
    """The job's blocks in consecutive ranges of ``chunk_blocks``."""
    nb = job.n_blocks
    return [(b, min(b + chunk_blocks, nb)) for b in range(0, nb, max(int(chunk_blocks), 1))]


def thread_map(workers: int) -> Mapper:
    """A map over ``workers`` threads (the compiled kernels and numpy release the GIL); one worker: the builtin map."""
    if workers <= 1:
        return map

    def mapper(fn, items):
        with ThreadPoolExecutor(max_workers=workers) as ex:
            yield from ex.map(fn, items)
    return mapper


def run(job: Job, chunk_blocks: int, mapper: Mapper | None = None,
        progress: Callable[[int], None] | None = None) -> Result:
    """Score every block of the job, ``chunk_blocks`` at a time, by ``mapper`` (default: the
    builtin map), and merge the parts in block order."""
    mapper = mapper or map
    C, A = job.ft.n_counties, len(job.cs.assessments)
    kept = None
    if job.keep:
        kept = ([np.empty((job.draws, C)) for _ in range(A)], [np.empty((job.draws, C), np.int16) for _ in range(A)],
                [np.empty((job.draws, C), np.int16) for _ in range(A)])
    merged: list[Tally] | None = None
    expect = 0
    for part in mapper(_Scorer(job), ranges(job, chunk_blocks)):
        if part.first != expect:
            raise RuntimeError(_("the map returned blocks from {first}, expected {expected}: it must keep the "
                                 "order").format(first=part.first, expected=expect))
        expect = part.last
        merged = list(part.tallies) if merged is None else [m.merge(t) for m, t in zip(merged, part.tallies)]
        start, stop = job.span(part.first, part.last)
        if kept is not None:
            for a in range(A):
                kept[0][a][start:stop] = part.totals[a]
                kept[1][a][start:stop] = part.ranks[a]
                kept[2][a][start:stop] = part.grades[a]
        if progress is not None:
            progress(stop - start)
    if expect != job.n_blocks:
        raise RuntimeError(_("the map returned {n} of {blocks} blocks").format(n=expect, blocks=job.n_blocks))
    if kept is None:
        return Result(tuple(merged), None, None, None)
    return Result(tuple(merged), *(tuple(x) for x in kept))


class _Scorer:
    """``score_blocks`` bound to a job, as a picklable callable of one range."""

    def __init__(self, job: Job):
        self.job = job

    def __call__(self, r: tuple[int, int]) -> Part:
        return score_blocks(self.job, *r)

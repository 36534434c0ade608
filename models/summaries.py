"""Mergeable summaries of scored Monte Carlo draws, and the projection tables made from them.

Each random block of draws (:mod:`models.projection`) is summarised on its own into a
:class:`Tally` per assessment; tallies of disjoint blocks merge exactly, so the result is the same
whatever the chunking and whichever worker scored a block:

- counts are integers, added: P(排名 = r), P(county ranks above rival), P(等次 = g), the mean rank
  and the rank quantiles (exact, as ``numpy.quantile`` on the ranks would give them);
- the mean score is the sum of the per-block sums of totals, kept in block order and added up in
  that order at the end (never an average of averages);
- score quantiles are exact (``numpy.quantile`` over every draw) when the per-draw totals are
  kept; otherwise they come from a histogram sketch of :data:`SKETCH_BINS` bins per county over
  five times the range of that county's totals in block 0 (the same block whatever the
  chunking), with exact minimum and maximum: a quantile within one bin width (range of block 0 /
  :data:`SKETCH_BINS` × 5) of the exact one.

Pure numpy; no I/O.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .i18n import _

SKETCH_BINS = 4096
QUANTILES = (0.05, 0.5, 0.95)


@dataclass(frozen=True)
class Bins:
    """Histogram bins of a score sketch, per county: ``low`` (C,) left edge, ``width`` (C,) [points]."""

    low: np.ndarray
    width: np.ndarray

    @classmethod
    def from_pilot(cls, totals: np.ndarray) -> "Bins":
        """Bins spanning five times the range of the pilot totals (m, C), centred on it."""
        finite = np.isfinite(totals)
        lo = np.min(np.where(finite, totals, np.inf), axis=0, initial=np.inf)
        hi = np.max(np.where(finite, totals, -np.inf), axis=0, initial=-np.inf)
        lo, hi = np.where(np.isfinite(lo), lo, 0.0), np.where(np.isfinite(hi), hi, 0.0)
        span = np.maximum(hi - lo, 1e-6 * np.maximum(np.abs(lo), 1.0))
        return cls(lo - 2.0 * span, 5.0 * span / SKETCH_BINS)


@dataclass
class Tally:
    """Summary of one assessment over some blocks of draws (C counties, ranks up to R, G grades).

    ``block_sums``: per block, in block order, the (C,) sums of the totals [points];
    ``rank_counts`` (C, R), ``beat_counts`` (C, C) (row ranks strictly above column, same class),
    ``grade_counts`` (C, G); ``hist`` (C, SKETCH_BINS + 2) (below, the bins, above), ``lowest``
    and ``highest`` (C,) when a sketch is kept."""

    draws: int
    block_sums: list
    rank_counts: np.ndarray
    beat_counts: np.ndarray
    grade_counts: np.ndarray
    hist: np.ndarray | None = None
    lowest: np.ndarray | None = None
    highest: np.ndarray | None = None

    def merge(self, other: "Tally") -> "Tally":
        """This tally followed by ``other`` (the blocks after this one's)."""
        hist = lowest = highest = None
        if self.hist is not None:
            hist = self.hist + other.hist
            lowest = np.fmin(self.lowest, other.lowest)
            highest = np.fmax(self.highest, other.highest)
        return Tally(self.draws + other.draws, self.block_sums + other.block_sums, self.rank_counts + other.rank_counts,
                     self.beat_counts + other.beat_counts, self.grade_counts + other.grade_counts, hist, lowest, highest)


def tally_block(total: np.ndarray, rank: np.ndarray, grade: np.ndarray, class_of: np.ndarray, n_grades: int,
                bins: Bins | None = None) -> Tally:
    """The tally of one block: totals (m, C) [points], ranks and grades (m, C)."""
    m, C = total.shape
    R = int(np.bincount(class_of).max())
    cidx = np.arange(C)
    rank_counts = np.bincount((cidx * R + rank - 1).ravel(), minlength=C * R).reshape(C, R)
    grade_counts = np.bincount((cidx * n_grades + grade).ravel(), minlength=C * n_grades).reshape(C, n_grades)
    beat = np.zeros((C, C), dtype=np.int64)
    for k in np.unique(class_of):
        mem = np.flatnonzero(class_of == k)
        r = rank[:, mem]
        beat[np.ix_(mem, mem)] = (r[:, :, None] < r[:, None, :]).sum(axis=0)
    hist = lowest = highest = None
    if bins is not None:
        with np.errstate(invalid="ignore"):
            pos = np.floor((total - bins.low) / bins.width)
        pos = np.clip(np.nan_to_num(pos, nan=-1.0), -1, SKETCH_BINS).astype(np.int64) + 1
        nb = SKETCH_BINS + 2
        hist = np.bincount((cidx * nb + pos).ravel(), minlength=C * nb).reshape(C, nb)
        lowest, highest = np.nanmin(total, axis=0), np.nanmax(total, axis=0)
    return Tally(m, [total.sum(axis=0)], rank_counts, beat, grade_counts, hist, lowest, highest)


def merge(tallies) -> Tally:
    """Tallies of consecutive blocks, in block order, merged into one."""
    it = iter(tallies)
    out = next(it)
    for t in it:
        out = out.merge(t)
    return out


# --------------------------------------------------------------------------- quantiles from counts


def _order_statistic(cum: np.ndarray, values: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Per row of cumulative counts ``cum`` (C, V): the value of the k-th smallest draw (0-based)."""
    return values[np.argmax(cum > k[:, None], axis=1)]


def quantiles_from_counts(counts: np.ndarray, values: np.ndarray, q) -> np.ndarray:
    """(len(q), C) quantiles of integer data given as counts (C, V) of ``values`` (V,), exactly as
    ``numpy.quantile`` (linear interpolation between order statistics) gives them on the data."""
    cum = np.cumsum(counts, axis=1)
    n = cum[:, -1]
    out = []
    for qq in np.atleast_1d(q):
        h = (n - 1) * qq
        k = np.floor(h).astype(np.int64)
        lo = _order_statistic(cum, values, k)
        hi = _order_statistic(cum, values, np.minimum(k + 1, n - 1))
        t = h - k
        out.append(np.where(t >= 0.5, hi - (hi - lo) * (1 - t), lo + (hi - lo) * t))  # numpy's lerp
    return np.array(out, dtype=float)


def sketch_quantiles(t: Tally, bins: Bins, q) -> np.ndarray:
    """(len(q), C) score quantiles from a tally's histogram sketch (see the module docstring):
    the k-th order statistic is placed inside its bin as if the bin's draws were evenly spread."""
    cum = np.cumsum(t.hist, axis=1)
    n = cum[:, -1]
    out = []
    C = t.hist.shape[0]
    for qq in np.atleast_1d(q):
        h = (n - 1) * qq
        k = np.floor(h)

        def stat(k):
            b = np.argmax(cum > k[:, None], axis=1)
            before = np.where(b > 0, cum[np.arange(C), b - 1], 0)
            inside = t.hist[np.arange(C), b]
            frac = (k - before + 0.5) / np.maximum(inside, 1)
            x = bins.low + bins.width * (b - 1 + frac)
            return np.clip(np.where(b == 0, t.lowest, np.where(b == SKETCH_BINS + 1, t.highest, x)),
                           t.lowest, t.highest)

        lo, hi = stat(k), stat(np.minimum(k + 1, n - 1))
        out.append(lo + (hi - lo) * (h - k))
    return np.array(out, dtype=float)


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Tables:
    """The projection tables of one assessment (column names in the language in use, units in brackets)."""

    summary: pd.DataFrame = field(repr=False)
    rank_probs: pd.DataFrame = field(repr=False)
    beat_probs: pd.DataFrame = field(repr=False)
    grade_probs: pd.DataFrame = field(repr=False)


def tables(t: Tally, counties, home: int, class_of: np.ndarray, grade_names, score_quantiles: np.ndarray) -> Tables:
    """Summary, rank, beat and grade probability tables from a merged tally; ``score_quantiles``
    (3, C): the 5 %, 50 % and 95 % scores (exact or from the sketch). Ranks are the home county's
    story: the counties outside its ranking class have no rank in the summary (NaN) and no rows in
    ``rank_probs`` (each is first or last of another class, not a rival)."""
    S = t.draws
    C = len(counties)
    cn = list(counties)
    R = t.rank_counts.shape[1]
    rvals = np.arange(1, R + 1)
    qr = quantiles_from_counts(t.rank_counts, rvals, QUANTILES)
    mean = np.sum(np.stack(t.block_sums), axis=0) / S
    county, prob, se = _("县市区"), _("概率"), _("标准误")
    mine = class_of == class_of[home]  # (C,) ranked against the home county

    def ranked(x):
        return np.where(mine, x, np.nan)

    summary = pd.DataFrame({
        county: cn,
        _("本县"): [c == home for c in range(C)],
        _("平均分 [分]"): mean,
        _("中位分 [分]"): score_quantiles[1],
        _("5%分位分 [分]"): score_quantiles[0],
        _("95%分位分 [分]"): score_quantiles[2],
        _("平均排名"): ranked((t.rank_counts @ rvals) / S),
        _("中位排名"): ranked(qr[1]),
        _("5%分位排名"): ranked(qr[0]),
        _("95%分位排名"): ranked(qr[2]),
    })
    size = np.where(mine, mine.sum(), 0)  # (C,) ranks shown per county: those of the home county's class
    c_idx = np.repeat(np.arange(C), size)
    r_idx = np.concatenate([np.arange(n) for n in size])
    p = t.rank_counts[c_idx, r_idx] / S
    rank_probs = pd.DataFrame({county: [cn[c] for c in c_idx], _("排名"): r_idx + 1, prob: p,
                               se: np.sqrt(p * (1 - p) / S)})
    same = (class_of[:, None] == class_of[None, :]) & ~np.eye(C, dtype=bool)
    ci, di = np.nonzero(same)
    p = t.beat_counts[ci, di] / S
    beat_probs = pd.DataFrame({county: [cn[c] for c in ci], _("对手"): [cn[d] for d in di], _("胜出概率"): p,
                               se: np.sqrt(p * (1 - p) / S)})
    G = len(grade_names)
    pe = t.grade_counts / S
    pa = np.cumsum(t.grade_counts, axis=1) / S
    grade_probs = pd.DataFrame({
        county: np.repeat(cn, G), _("等次序号"): np.tile(np.arange(G), C), _("等次"): np.tile(list(grade_names), C),
        prob: pe.ravel(), se: np.sqrt(pe * (1 - pe) / S).ravel(),
        _("不低于该等次概率"): pa.ravel(), _("不低于标准误"): np.sqrt(pa * (1 - pa) / S).ravel()})
    return Tables(summary, rank_probs, beat_probs, grade_probs)

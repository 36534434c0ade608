"""Where an indicator's score changes: the breakpoints of its rule [indicator unit].

Used by the scorecard ("how far to the next breakpoint") and by the optimizer, whose option
levels are the breakpoints within reach. Derived from the same rule objects the scoring
uses; never typed twice. Peer-relative rules have no fixed breakpoints (they move with the
rivals' values): they return the fixed anchors they have, and the optimizer uses a grid.
"""
from __future__ import annotations

import numpy as np

from .schema import (
    Bands,
    BaseStep,
    Binary,
    Efficacy,
    GrowthBonus,
    Indicator,
    PerEvent,
    Ratio,
    Steps,
    Survey,
    Threshold,
    VsAverage,
)

MAX_STEPS = 50  # whole-step staircases longer than this are summarised by their ends


def _step_len(s: Steps, target: float) -> float:
    return abs(target) * s.per / 100.0 if s.basis == "relative" else s.per


def _staircase(start: float, direction: float, s: Steps, target: float, cap_points: float) -> list[float]:
    """Values where a stepped bonus or deduction changes, from ``start`` going ``direction``."""
    if s.points <= 0:
        return [start]
    length = _step_len(s, target)
    n = int(np.ceil(cap_points / s.points - 1e-9))
    end = start + direction * n * length
    if s.rounding == "prorata" or n > MAX_STEPS:
        return [start, end]
    off = 0.0 if s.rounding == "floor" else 1e-9  # ceil: a step is earned just past each edge
    return [start + direction * (k * length + (off if k else 0.0)) for k in range(n + 1)]


def targets(ind: Indicator) -> tuple[float, float]:
    """(basic, full) targets of an indicator [unit]: a threshold rule's two anchors, a target
    rule's one target twice (binary, ratio, base_step); NaN for rules without targets."""
    r = ind.rule
    if isinstance(r, Threshold):
        return r.basic, r.full
    if isinstance(r, (Binary, Ratio, BaseStep)):
        return r.target, r.target
    return np.nan, np.nan


def breakpoints(ind: Indicator) -> list[float]:
    """Sorted values (in the indicator's unit) at which its points jump or change slope."""
    r = ind.rule
    d = 1.0 if ind.direction == "higher" else -1.0
    pts: list[float] = []
    if isinstance(r, Threshold):
        pts += [r.basic, r.full]
        if r.below.mode == "linear":
            pts.append(r.below.zero_at)
        if r.below.mode == "deduct":
            pts += _staircase(r.basic, -d, r.below.steps, r.basic, -r.below.floor)
        if r.over is not None:
            pts += _staircase(r.full, d, r.over.steps, r.full, r.over.cap)
    elif isinstance(r, Binary):
        pts.append(r.target)
    elif isinstance(r, Ratio):
        pts += [r.target * r.cap if d > 0 else r.target / r.cap]
    elif isinstance(r, BaseStep):
        base = r.base_share * ind.points
        pts.append(r.target)
        if r.up is not None and r.up_cap > 0:
            pts += _staircase(r.target, d, r.up, r.target, r.up_cap)
        if r.down is not None and base - r.floor > 0:
            pts += _staircase(r.target, -d, r.down, r.target, base - r.floor)
    elif isinstance(r, Bands):
        pts += [b.lower for b in r.bands[1:]]
    elif isinstance(r, GrowthBonus):
        pts += [r.regional, r.national]
    elif isinstance(r, Efficacy):
        pts += [v for v in (r.worst, r.best) if v is not None]
    elif isinstance(r, VsAverage) and r.reference != "class":
        pts.append(float(r.reference))
    elif isinstance(r, Survey):
        pts += [0.0, 100.0]
    elif isinstance(r, PerEvent):
        pts += [float(k) for k in range(int(np.ceil(r.cap / abs(r.points))) + 1)] if r.points else [0.0]
    return sorted(set(float(p) for p in pts))


def next_breakpoint(ind: Indicator, value: float) -> float | None:
    """The nearest breakpoint strictly ahead of ``value`` in the good direction, or None."""
    bps = breakpoints(ind)
    if ind.direction == "higher":
        ahead = [b for b in bps if b > value + 1e-12]
        return min(ahead) if ahead else None
    ahead = [b for b in bps if b < value - 1e-12]
    return max(ahead) if ahead else None

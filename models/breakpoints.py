"""Where an indicator's score changes: the breakpoints of its rule [indicator unit].

Used by the scorecard ("how far to the next breakpoint") and by the optimizer, whose option
levels are the breakpoints within reach. Derived from the same rule objects the scoring
uses, with each county's own targets and base (:class:`Own`); never typed twice. A rule's
breakpoints are found in the units it scores (the indicator's scored quantity) and turned back
into values; a quantity rounded before scoring changes only at its rounding edges, which are then the
breakpoints. Staircases are listed step by step within the window asked for, however many (an
unbounded one at most :data:`LIMIT` steps from the window's near end). Peer-relative rules have
no fixed breakpoints (they move with the rivals' values): they return the fixed anchors they
have, and the optimizer uses a grid.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .quantity import KINDS, rounding_edges, value_at
from .schema import (
    Bands,
    BaseStep,
    Binary,
    Efficacy,
    GrowthBonus,
    Indicator,
    PerEvent,
    Piecewise,
    Ratio,
    Steps,
    Survey,
    Threshold,
    VsAverage,
    cap_value,
)

LIMIT = 100_000  # steps listed from the near end of a window that is unbounded on the far side


@dataclass(frozen=True)
class Own:
    """One county's own numbers for one indicator (NaN where the rule has none): ``basic``,
    ``full`` (threshold), ``target`` (binary, ratio, base_step) in the scored quantity's units; its
    ``kind`` (code of :data:`models.quantity.KINDS`), ``m_target``, ``m_base`` [unit], ``decimals``."""

    basic: float = math.nan
    full: float = math.nan
    target: float = math.nan
    kind: int = 0
    m_target: float = math.nan
    m_base: float = math.nan
    decimals: int = -1


def rule_own(ind: Indicator) -> Own:
    """The rule's own numbers (every county's when targets.csv gives none)."""
    r, m = ind.rule, ind.scored
    basic = full = target = math.nan
    if isinstance(r, Threshold):
        basic, full = r.basic, r.full
    elif isinstance(r, (Binary, Ratio, BaseStep)):
        target = r.target
    return Own(basic, full, target, KINDS.index(m.of), math.nan if m.target is None else m.target,
               math.nan if m.base is None else m.base, -1 if m.round is None else m.round)


def value_targets(ind: Indicator, own: Own | None = None) -> tuple[float, float]:
    """(basic, full) [the indicator's unit] for a county with ``own`` numbers (default the rule's):
    the values at which its scored quantity reaches the rule's basic and full targets (a target
    rule's one target twice; NaN for rules without targets). A rounded quantity reaches a target
    at the rounding edge below it."""
    own = own or rule_own(ind)
    b, f = (own.basic, own.full) if isinstance(ind.rule, Threshold) else (own.target, own.target)
    if own.decimals >= 0:  # rounded half up: ≥ a target from the edge below its grid value (≤: above)
        u = 10.0 ** -own.decimals
        if ind.direction == "higher":
            b, f = (math.ceil(m / u - 1e-9) * u - u / 2 for m in (b, f))
        else:
            b, f = (math.floor(m / u + 1e-9) * u + u / 2 for m in (b, f))
    return (float(value_at(b, own.kind, own.m_target, own.m_base)), float(value_at(f, own.kind, own.m_target, own.m_base)))


def _step_len(s: Steps, target: float) -> float:
    return abs(target) * s.per / 100.0 if s.basis == "relative" else s.per


def _staircase(start: float, direction: float, s: Steps, target: float, cap_points: float, lo: float, hi: float
               ) -> list[float]:
    """Values in [lo, hi] where a stepped bonus or deduction changes, from ``start`` going
    ``direction``, until ``cap_points`` are reached (+∞: never)."""
    if s.points <= 0:
        return [start]
    length = _step_len(s, target)
    n = math.ceil(cap_points / s.points - 1e-9) if math.isfinite(cap_points) else math.inf
    end = start + direction * n * length
    if s.rounding == "prorata":
        return [start] + ([end] if math.isfinite(end) else [])
    off = 0.0 if s.rounding == "floor" else 1e-9  # ceil: a step is earned just past each edge
    # the k whose edge start + direction·k·length lies in [lo, hi]
    a, b = (lo - start) / (direction * length), (hi - start) / (direction * length)
    a, b = min(a, b), max(a, b)
    k0 = max(0, math.ceil(a - 1e-9)) if math.isfinite(a) else 0
    k1 = min(n, math.floor(b + 1e-9)) if math.isfinite(b) else n
    if k1 < k0:
        return []
    if not math.isfinite(k1):
        k1 = k0 + LIMIT
    if not math.isfinite(a) and k1 - k0 > LIMIT:  # only the far end bounded: list from it
        k0 = k1 - LIMIT
    return [start + direction * (k * length + (off if k else 0.0)) for k in range(int(k0), int(k1) + 1)]


def targets(ind: Indicator) -> tuple[float, float]:
    """(basic, full) targets of an indicator [unit]: a threshold rule's two anchors, a target
    rule's one target twice (binary, ratio, base_step); NaN for rules without targets. The rule's
    own numbers: a county's own are :meth:`models.scoring.CompiledAssessment.own`."""
    r = ind.rule
    if isinstance(r, Threshold):
        return r.basic, r.full
    if isinstance(r, (Binary, Ratio, BaseStep)):
        return r.target, r.target
    return math.nan, math.nan


def _rule_points(ind: Indicator, own: Own, lo: float, hi: float) -> list[float]:
    """Breakpoints of the rule in the scored quantity's units (staircases within [lo, hi])."""
    r = ind.rule
    d = 1.0 if ind.direction == "higher" else -1.0
    pts: list[float] = []
    if isinstance(r, Threshold):
        pts += [own.basic, own.full]
        if r.below.mode == "linear":
            pts.append(r.below.zero_at)
        if r.below.mode == "deduct":
            pts += _staircase(own.basic, -d, r.below.steps, own.basic, -r.below.floor, lo, hi)
        if r.over is not None:
            pts += _staircase(own.full, d, r.over.steps, own.full, cap_value(r.over.cap), lo, hi)
    elif isinstance(r, Binary):
        pts.append(own.target)
    elif isinstance(r, Ratio):
        cap = cap_value(r.cap)
        pts += [own.target * cap if d > 0 else own.target / cap] if math.isfinite(cap) else []
    elif isinstance(r, BaseStep):
        base = (r.base_share * ind.points) if r.base_points is None else r.base_points
        pts.append(own.target)
        up_cap = cap_value(r.up_cap)
        if r.up is not None and up_cap > 0:
            pts += _staircase(own.target, d, r.up, own.target, up_cap, lo, hi)
        if r.short is None and r.down is not None and base - r.floor > 0:
            pts += _staircase(own.target, -d, r.down, own.target, base - r.floor, lo, hi)
    elif isinstance(r, Bands):
        pts += [b.lower for b in r.bands[1:]]
    elif isinstance(r, Piecewise):
        pts += [] if r.reference == "class" else [t[0] for t in r.table]
    elif isinstance(r, GrowthBonus):
        pts += [r.regional, r.national]
    elif isinstance(r, Efficacy):
        pts += [v for v in (r.worst, r.best) if v is not None]
    elif isinstance(r, VsAverage) and r.reference != "class":
        pts.append(float(r.reference))
    elif isinstance(r, Survey):
        pts += [0.0, 100.0]
    elif isinstance(r, PerEvent):
        n = math.ceil(cap_value(r.cap) / abs(r.points)) if r.points else 0
        k0 = max(0, math.ceil(lo - 1e-9)) if math.isfinite(lo) else 0
        k1 = min(n, math.floor(hi + 1e-9)) if math.isfinite(hi) else n
        k1 = k0 + LIMIT if not math.isfinite(k1) else k1
        pts += [float(k) for k in range(int(k0), int(k1) + 1)]
    return [p for p in pts if p is not None and math.isfinite(p)]


def breakpoints(ind: Indicator, own: Own | None = None, lo: float = -math.inf, hi: float = math.inf) -> list[float]:
    """Sorted values [unit] within [lo, hi] at which the indicator's points jump or change slope,
    for a county with ``own`` numbers (default: the rule's)."""
    own = own or rule_own(ind)

    def m_of(x):
        if not math.isfinite(x):
            return x
        if own.kind == 1:
            return 100.0 * x / own.m_target
        if own.kind == 2:
            return 100.0 * (x - own.m_base) / abs(own.m_base)
        if own.kind == 3:
            return x - own.m_base
        return x

    mlo, mhi = m_of(lo), m_of(hi)
    if own.decimals >= 0:  # the rounded quantity changes only at its rounding edges
        if not (math.isfinite(mlo) or math.isfinite(mhi)):
            return []
        u = 10.0 ** -own.decimals
        a = mlo if math.isfinite(mlo) else mhi - LIMIT * u
        b = mhi if math.isfinite(mhi) else mlo + LIMIT * u
        ms = rounding_edges(a, b, own.decimals)
    else:
        ms = [m for m in _rule_points(ind, own, mlo, mhi) if mlo - 1e-12 <= m <= mhi + 1e-12]
    vals = [float(value_at(m, own.kind, own.m_target, own.m_base)) for m in ms]
    return sorted(set(v for v in vals if lo - 1e-12 <= v <= hi + 1e-12))


def next_breakpoint(ind: Indicator, value: float, own: Own | None = None) -> float | None:
    """The nearest breakpoint strictly ahead of ``value`` in the good direction, or None."""
    if ind.direction == "higher":
        ahead = [b for b in breakpoints(ind, own, lo=value) if b > value + 1e-12]
        return min(ahead) if ahead else None
    ahead = [b for b in breakpoints(ind, own, hi=value) if b < value - 1e-12]
    return max(ahead) if ahead else None


def count_levels(ind: Indicator) -> bool:
    """Whether the indicator counts events (per_event): its option levels are whole numbers."""
    return isinstance(ind.rule, PerEvent)


def whole_values(x0: float, sign: float, top: float) -> list[float]:
    """Pushes [unit] in [0, top] that bring a count forecast at ``x0`` to a whole number."""
    if sign > 0:
        ks = range(math.ceil(x0 - 1e-9), math.floor(x0 + top + 1e-9) + 1)
    else:
        ks = range(math.floor(x0 + 1e-9), math.ceil(x0 - top - 1e-9) - 1, -1)
    return [abs(k - x0) for k in ks if abs(k - x0) <= top + 1e-12]

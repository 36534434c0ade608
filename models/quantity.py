"""What a rule scores (an indicator's ``scored``): the value, or a quantity computed from it and the
county's own target or base.

``value``       m = x [unit]
``completion``  m = 100·x/target [%]                  (完成率, against the county's own target)
``growth``      m = 100·(x − base)/|base| [%]         (比上年增长, over the county's own base)
``change``      m = x − base [unit]                    (比上年增减)

then, where the scheme says so, rounded half up to ``round`` decimals (a completion rate in whole
percent). Every scored quantity increases with the value, so a push in the value's good
direction is a push in the scored quantity's. Pure numpy; parameters broadcast as (C, n) against values (…, C, n).
"""
from __future__ import annotations

import numpy as np

KINDS = ("value", "completion", "growth", "change")
ROUND_TOL = 1e-9  # 99.4999999999 from 100·x/t is 99.5: half up to 100


def scored_values(x: np.ndarray, kind: np.ndarray, target: np.ndarray, base: np.ndarray,
                   decimals: np.ndarray) -> np.ndarray:
    """Scored quantities (…, C, n) of values x (…, C, n): ``kind`` (n,) codes into :data:`KINDS`;
    ``target``, ``base`` (C, n) [unit]; ``decimals`` (n,) (−1: not rounded)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        m = np.where(kind == 1, 100.0 * x / target,
                     np.where(kind == 2, 100.0 * (x - base) / np.abs(base),
                              np.where(kind == 3, x - base, x)))
    if (decimals >= 0).any():
        scale = 10.0 ** np.maximum(decimals, 0)
        m = np.where(decimals >= 0, np.floor(m * scale + 0.5 + ROUND_TOL) / scale, m)
    return m


def value_at(m, kind: int, target: float, base: float):
    """The value [unit] whose (unrounded) scored quantity is ``m``: the inverse of :func:`scored_values`."""
    m = np.asarray(m, dtype=float)
    if kind == 1:
        return m * target / 100.0
    if kind == 2:
        return base + m * abs(base) / 100.0
    if kind == 3:
        return base + m
    return m


def rounding_edges(lo: float, hi: float, decimals: int) -> list[float]:
    """Scored quantities in [lo, hi] where one rounded half up to ``decimals`` steps up: (k + ½)·10^−d."""
    u = 10.0 ** -decimals
    k0, k1 = int(np.ceil(lo / u - 0.5 - 1e-12)), int(np.floor(hi / u - 0.5 + 1e-12))
    return [(k + 0.5) * u for k in range(k0, k1 + 1)]

"""Scoring rules as pure, vectorised functions.

Every function takes values ``x`` with the indicator on the last axis (any leading axes: draws,
counties) and parameters that broadcast against that last axis, and returns points [points]
of the same shape. ``sign`` is +1 for a higher-is-better indicator, −1 for lower-is-better:
rules work on the signed progress ``u = sign · x`` so that "meets the target" is always
``u ≥ sign · target`` (the value *at* a target earns that target's points in both directions).

Peer-relative rules (``efficacy``, ``best_ratio``, ``rank_points``, ``vs_average`` with the class
mean) take ``members``: a boolean mask over the county axis (axis −2) of the counties in one
peer class; counties outside the class get NaN.
"""
from __future__ import annotations

import numpy as np

ROUNDINGS = ("prorata", "floor", "ceil")


def step_units(distance, per, basis_relative, target, rounding):
    """Number of steps in ``distance`` [unit] ≥ 0.

    ``basis_relative``: ``per`` is in percent of ``|target|`` rather than in the unit.
    ``rounding``: 0 pro rata, 1 whole steps only (floor), 2 any started step (ceil).
    A tiny tolerance keeps 2.0000000001 steps from rounding up to 3 under ceil."""
    per = np.asarray(per, dtype=float)
    scale = np.where(basis_relative, np.abs(target) * per / 100.0, per)
    units = np.maximum(distance, 0.0) / scale
    rounding = np.asarray(rounding)
    if rounding.ndim == 0:
        if rounding == 1:
            return np.floor(units + 1e-9)
        if rounding == 2:
            return np.ceil(units - 1e-9)
        return units
    return np.where(rounding == 1, np.floor(units + 1e-9), np.where(rounding == 2, np.ceil(units - 1e-9), units))


def step_length(per, relative, target):
    """Length of one step [unit]: ``per`` in the unit, or ``per`` percent of ``|target|``."""
    return np.where(relative, np.abs(target) * np.asarray(per, dtype=float) / 100.0, per)


def _round(units, rounding: int):
    if rounding == 1:
        return np.floor(units + 1e-9)
    if rounding == 2:
        return np.ceil(units - 1e-9)
    return units


def threshold(x, basic, full, points, basic_share, below_mode: int = 0, zero_at=np.nan,
              d_step=1.0, d_points=0.0, d_rounding: int = 0, d_floor=0.0,
              o_step=1.0, o_points=0.0, o_rounding: int = 0, o_cap=0.0, has_over: bool = True):
    """R4 two-anchor rule; returns ``(core, over)`` points, both directions at once.

    Progress ``t = (x − basic)/(full − basic)`` is 0 at basic and 1 at full whichever the
    direction (full < basic for lower-is-better), so the value at basic earns the basic points.
    core: t ≥ 0 → basic_share·points + the rest linearly up to t = 1, flat beyond; t < 0 →
    0 (``below_mode`` 0), a deduction (1: −d_points per ``d_step`` short [unit], rounded by
    ``d_rounding`` 0 pro rata / 1 whole steps / 2 started steps, not below ``d_floor`` ≤ 0), or
    linear from 0 at ``zero_at`` (2). over: o_points per ``o_step`` beyond full, at most ``o_cap``.
    ``below_mode``, the roundings and ``has_over`` are scalars (one branch per compiled group)."""
    span = full - basic
    t = (x - basic) / span
    bp = basic_share * points
    core = np.minimum(t, 1.0)
    core *= points - bp
    core += bp
    if below_mode == 0:
        core = np.where(t >= 0, core, 0.0)
    elif below_mode == 1:
        short = _round(np.maximum(-t, 0.0) * (np.abs(span) / d_step), d_rounding)
        core = np.where(t >= 0, core, -np.minimum(d_points * short, -d_floor))
    else:
        lin = bp * np.clip((x - zero_at) / (basic - zero_at), 0.0, 1.0)
        core = np.where(t >= 0, core, lin)
    if not has_over:
        return core, 0.0
    beyond = _round(np.maximum(t - 1.0, 0.0) * (np.abs(span) / o_step), o_rounding)
    return core, np.minimum(o_points * beyond, o_cap)


def binary(x, sign, target, points):
    """R1: ``points`` when the target is met, else 0."""
    return np.where(sign * x >= sign * target, points, 0.0)


def ratio(x, sign, target, points, cap):
    """R2: points × min(x/t, cap) (higher) or points × min(t/x, cap) (lower); never negative."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        r = np.where(sign > 0, x / target, np.where(x > 0, target / x, np.inf))
    return points * np.clip(r, 0.0, cap)


def base_step(x, sign, target, points, base_share,
              u_per, u_points, u_relative, u_rounding, up_cap,
              d_per, d_points, d_relative, d_rounding, floor):
    """R3: base_share·points at target; + u_points per u_per above (at most up_cap),
    − d_points per d_per below (never below ``floor``)."""
    d = sign * (x - target)
    b = base_share * points
    up = np.minimum(u_points * step_units(d, u_per, u_relative, target, u_rounding), up_cap)
    down = d_points * step_units(-d, d_per, d_relative, target, d_rounding)
    return np.where(d >= 0, b + up, np.maximum(b - down, floor))


def bands(x, edges, band_points, closed_right=False):
    """R5: ``band_points[k]`` for edges[k-1] ≤ x < edges[k] (edges sorted, len = len(points) − 1);
    with ``closed_right`` the bands are edges[k-1] < x ≤ edges[k] (不超过: at most the edge)."""
    idx = np.searchsorted(np.asarray(edges, dtype=float), x, side="left" if closed_right else "right")
    return np.asarray(band_points, dtype=float)[idx]


def survey(x, points):
    """R15: points × index/100, the satisfaction index clipped to [0, 100]."""
    return points * np.clip(x, 0.0, 100.0) / 100.0


def per_event(x, per_point, cap):
    """R12/R13: ``per_point`` per event (negative for a deduction), total size at most ``cap``."""
    return np.clip(per_point * np.maximum(x, 0.0), -cap, cap)


def growth_bonus(x, national, regional, both, one):
    """R9 "两个高于" [UNVERIFIED]: ``both`` above both averages, ``one`` above the regional only."""
    above_r = x > regional
    return np.where(above_r & (x > national), both, np.where(above_r, one, 0.0))


# --------------------------------------------------------------------------- peer-relative


def _class_view(u, members):
    """Signed progress of class members; non-members masked as NaN (county axis = −2)."""
    m = np.asarray(members, dtype=bool)[:, None]
    return np.where(m, u, np.nan)


def efficacy(x, sign, points, members, base=60.0, span=40.0, worst=np.nan, best=np.nan):
    """R7 功效系数: points × (base + span·(u − u_s)/(u_h − u_s))/100 within the class.

    u_s, u_h: the class's worst and best signed progress, or fixed anchors where given (not
    NaN). All members equal → base + span."""
    u = _class_view(sign * x, members)
    us = np.where(np.isnan(worst), np.nanmin(u, axis=-2, keepdims=True), sign * worst)
    uh = np.where(np.isnan(best), np.nanmax(u, axis=-2, keepdims=True), sign * best)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(uh > us, base + span * (u - us) / (uh - us), base + span)
    return points * d / 100.0


def best_ratio(x, sign, points, members):
    """R7 ratio to the best in class: points·x/max (higher), points·min/x (lower), within [0, points]."""
    v = _class_view(x, members)
    vmax = np.nanmax(v, axis=-2, keepdims=True)
    vmin = np.nanmin(v, axis=-2, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        # a non-positive best cannot be divided by: the best alone earns the points
        hi = np.where(vmax > 0, np.clip(v / vmax, 0.0, 1.0), (v >= vmax).astype(float))
        # a value at or below zero is the best possible for lower-is-better
        lo = np.where(v > 0, np.clip(vmin / v, 0.0, 1.0), 1.0)
    return np.where(np.isnan(v), np.nan, points * np.where(sign > 0, hi, lo))


def class_rank(u, members):
    """Rank in the class by signed progress, 1 = best; equal values share the better rank."""
    v = _class_view(u, members)
    better = v[..., :, None, :] > v[..., None, :, :]  # [.., c', c, i]: c' strictly better than c
    r = 1.0 + better.sum(axis=-3)
    return np.where(np.asarray(members, bool)[:, None], r, np.nan)


def rank_points(x, sign, points, members, step=0.05, table=None):
    """R8: points × share(rank); share = table[rank−1] (last entry beyond it) or 1 − step·(rank−1) ≥ 0."""
    r = class_rank(sign * x, members)
    if table is not None:
        t = np.asarray(table, dtype=float)
        idx = np.clip(np.nan_to_num(r, nan=1).astype(int) - 1, 0, len(t) - 1)
        share = np.where(np.isnan(r), np.nan, t[idx])
    else:
        share = np.maximum(1.0 - step * (r - 1.0), 0.0)
    return points * share


def vs_average(x, sign, points, members, reference, base_share, per, step_points, relative, rounding, floor, cap):
    """R9: base_share·points at the reference (class mean where ``reference`` is NaN), ± steps."""
    v = _class_view(x, members)
    ref = np.where(np.isnan(reference), np.nanmean(v, axis=-2, keepdims=True), reference)
    d = sign * (v - ref)
    units = step_units(np.abs(d), per, relative, ref, rounding)
    return np.clip(base_share * points + np.sign(d) * step_points * units, floor, cap)

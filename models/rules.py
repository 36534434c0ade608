"""Scoring rules as pure, vectorised functions.

The threshold rule, which dominates every scheme, is a compiled numpy ufunc (numba.vectorize):
a scalar formula that numpy broadcasts and runs in one pass. Every function takes values ``x`` with the indicator on the last axis (any leading axes: draws,
counties) and parameters that broadcast against that last axis, and returns points [points]
of the same shape. ``sign`` is +1 for a higher-is-better indicator, −1 for lower-is-better:
rules work on the signed progress ``u = sign · x`` so that "meets the target" is always
``u ≥ sign · target`` (the value *at* a target earns that target's points in both directions).

Peer-relative rules (``efficacy``, ``best_ratio``, ``rank_points``, ``vs_average`` with the class
mean) take ``members``: a boolean mask over the county axis (axis −2) of the counties in one
peer class; counties outside the class get NaN.
"""
from __future__ import annotations

import math

import numpy as np
from numba import float64 as _F64
from numba import njit, vectorize

ROUNDINGS = ("prorata", "floor", "ceil")


def _disk_cache() -> bool:
    """Whether numba can keep compiled kernels on disk (beside this file, under $NUMBA_CACHE_DIR or in
    the user's cache folder). A user who can write to none of them still gets the kernels, compiled
    at each start instead of failing at import."""
    try:
        njit(cache=True)(_disk_cache)
    except RuntimeError:  # numba: "cannot cache function …: no locator available"
        return False
    return True


CACHE = _disk_cache()


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


@njit(cache=CACHE)
def _steps(units, rounding):
    """Whole steps: 0 pro rata, 1 floor (completed steps), 2 ceil (started steps), within 1e-9."""
    if rounding == 1.0:
        return math.floor(units + 1e-9)
    if rounding == 2.0:
        return math.ceil(units - 1e-9)
    return units


@njit(cache=CACHE)
def threshold_scalar(x, basic, full, points, basic_share, below_mode, zero_at, d_step, d_points, d_rounding, d_floor):
    """R4 two-anchor rule, core points of one value [points]; see :func:`threshold`."""
    t = (x - basic) / (full - basic)
    bp = basic_share * points
    if t >= 0.0:
        return bp + (points - bp) * min(t, 1.0)
    if below_mode == 0.0 or t != t:
        return 0.0
    if below_mode == 2.0:
        return bp * min(max((x - zero_at) / (basic - zero_at), 0.0), 1.0)
    short = _steps(-t * abs(full - basic) / d_step, d_rounding)
    return -min(d_points * short, -d_floor)


@njit(cache=CACHE)
def over_full_scalar(x, basic, full, o_step, o_points, o_rounding, o_cap):
    """R4 over-full bonus of one value [points]; see :func:`over_full`."""
    beyond = x - full if full > basic else full - x
    if not beyond > 0.0:
        return 0.0
    return min(o_points * _steps(beyond / o_step, o_rounding), o_cap)


@vectorize([_F64(*[_F64] * 11)], cache=CACHE)
def threshold(x, basic, full, points, basic_share, below_mode, zero_at, d_step, d_points, d_rounding, d_floor):
    """R4 two-anchor rule, core points [points] (a numpy ufunc: broadcasts, one pass).

    Progress ``t = (x − basic)/(full − basic)`` is 0 at basic and 1 at full in either direction
    (full < basic for lower-is-better), so the value at basic earns the basic points.
    t ≥ 0: basic_share·points, linear up to the points at t = 1, flat beyond.
    t < 0 by ``below_mode``: 0 → 0 points; 1 → deduction (倒扣分) of d_points per ``d_step`` short
    [unit], partial steps by ``d_rounding`` (0 pro rata, 1 floor, 2 ceil), never below
    ``d_floor`` ≤ 0; 2 → linear from 0 at ``zero_at`` up to the basic points. NaN → 0."""
    return threshold_scalar(x, basic, full, points, basic_share, below_mode, zero_at, d_step, d_points, d_rounding,
                            d_floor)


@vectorize([_F64(*[_F64] * 7)], cache=CACHE)
def over_full(x, basic, full, o_step, o_points, o_rounding, o_cap):
    """R4 over-full bonus (超额加分) [points]: o_points per ``o_step`` beyond full [unit], rounded
    by o_rounding (0 pro rata, 1 floor, 2 ceil), at most ``o_cap``; 0 at or short of full."""
    return over_full_scalar(x, basic, full, o_step, o_points, o_rounding, o_cap)


@njit(cache=CACHE, nogil=True)  # releases the GIL: blocks can be scored in threads
def threshold_block_sums(x, params, block_of, over_block_of, n_blocks):
    """Threshold points of rows of values (M, n) summed straight into blocks (M, n_blocks),
    never materialising per-indicator points: one read of the values. Row m belongs to county
    m mod C (the rows are (…, C) flattened); ``params`` (C, n, 15) holds each county's
    parameters of every column side by side: the arguments of :func:`threshold_scalar` then of
    :func:`over_full_scalar` (basic, full, points, basic_share, below_mode, zero_at, d_step,
    d_points, d_rounding, d_floor, o_step, o_points, o_rounding, o_cap, is_threshold); NaN values
    and non-threshold columns add 0."""
    M, n = x.shape
    C = params.shape[0]
    out = np.zeros((M, n_blocks))
    for m in range(M):  # rows outermost: values and sums are read and written in memory order
        c = m % C
        for k in range(n):
            v = x[m, k]
            if params[c, k, 14] == 0.0 or v != v:
                continue
            out[m, block_of[k]] += threshold_scalar(v, params[c, k, 0], params[c, k, 1], params[c, k, 2],
                                                    params[c, k, 3], params[c, k, 4], params[c, k, 5], params[c, k, 6],
                                                    params[c, k, 7], params[c, k, 8], params[c, k, 9])
            if params[c, k, 13] > 0.0:
                out[m, over_block_of[k]] += over_full_scalar(v, params[c, k, 0], params[c, k, 1], params[c, k, 10],
                                                             params[c, k, 11], params[c, k, 12], params[c, k, 13])
    return out


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
              d_per, d_points, d_relative, d_rounding, floor, short=np.nan):
    """R3: base_share·points at target; + u_points per u_per above (at most up_cap, +∞ when
    uncapped), − d_points per d_per below (never below ``floor``); where ``short`` is not NaN,
    any value short of the target earns ``short`` points instead."""
    d = sign * (x - target)
    b = base_share * points
    up = np.minimum(u_points * step_units(d, u_per, u_relative, target, u_rounding), up_cap)
    down = d_points * step_units(-d, d_per, d_relative, target, d_rounding)
    below = np.where(np.isnan(short), np.maximum(b - down, floor), short)
    return np.where(d >= 0, b + up, below)


def bands(x, edges, band_points, closed_right=False):
    """R5: ``band_points[k]`` for edges[k-1] ≤ x < edges[k] (edges sorted, len = len(points) − 1);
    with ``closed_right`` the bands are edges[k-1] < x ≤ edges[k] (不超过: at most the edge)."""
    idx = np.searchsorted(np.asarray(edges, dtype=float), x, side="left" if closed_right else "right")
    # NaN (a county with no forecast) sorts past every edge: keep it NaN, as every other rule does
    return np.where(np.isnan(x), np.nan, np.asarray(band_points, dtype=float)[idx])


def piecewise(x, xs, ys, closed_right=False):
    """Points of a breakpoint table: linear between rows (xs[k], ys[k]) (xs non-decreasing), flat
    beyond the first and last rows; an x listed twice is a jump, whose edge earns the row
    after it (``closed_right`` False: 达到即得) or the row before it (True: 超过才得). NaN → NaN."""
    xs = np.asarray(xs, dtype=float)
    ys = np.asarray(ys, dtype=float)
    n = len(xs)
    k = np.searchsorted(xs, x, side="left" if closed_right else "right")  # rows before x (or at x, left-closed)
    lo = np.clip(k - 1, 0, n - 1)
    hi = np.clip(k, 0, n - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(xs[hi] > xs[lo], (x - xs[lo]) / (xs[hi] - xs[lo]), 0.0)
    y = np.where(k <= 0, ys[0], np.where(k >= n, ys[-1], ys[lo] + (ys[hi] - ys[lo]) * t))
    return np.where(np.isnan(x), np.nan, y)


def class_means(x, class_of):
    """Mean of x (…, C) over each county's peer class, NaN values (no forecast) left out (…, C)."""
    out = np.empty(np.shape(x))
    for cls in np.unique(class_of):
        m = class_of == cls
        with np.errstate(invalid="ignore"):
            mean = np.nanmean(np.where(m, x, np.nan), axis=-1, keepdims=True)
        out = np.where(m, mean, out)
    return out


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

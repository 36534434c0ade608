"""Forecast distributions as compiled samplers: final values from correlated normal scores.

Each forecast cell (county, indicator) is driven by its normal score ``z`` (the Gaussian copula of
:mod:`models.projection`). Its value is the distribution's (truncated) quantile at ``Φ(sign·z)``,
computed here in one compiled pass over a block of draws (:func:`fill_values`), never through a
scipy inverse CDF per draw:

``normal``      mean + sd·sign·z; a bound whose tail holds less than :data:`NEGLIGIBLE_TAIL` of the
                mass (about 8 sd away) is applied by a clip that practically never acts
``normal``, truncated to [min, max] (a real bound)
                mean + sd·Φ⁻¹(Φ(a) + Φ(sign·z)·(Φ(b) − Φ(a))), a = (min − mean)/sd, b = (max − mean)/sd;
                the upper half through the complement 1 − p, so both tails keep their precision.
                Φ is ``erfc``; Φ⁻¹ is Wichura's algorithm AS 241 (relative error about 1e-16)
``triangular``  its closed-form quantile on the truncated range [max(min, low), min(max, high)]
``pert``        Beta(α, β) on [low, high] (see :func:`pert_shape`): its quantile as a function of
                the normal score, fitted once per forecast from scipy's exact ``betaincinv``
                (truncation included): :data:`PIECES` pieces of z ∈ [−ZMAX, ZMAX], each a Chebyshev
                polynomial of degree :data:`DEGREE` through the exact quantile at the Chebyshev
                nodes. Error below 1e-10 of the range (tests/test_sampling.py); z beyond ±ZMAX
                (probability 2e-17) is taken at ±ZMAX
``fixed``       the mean (moved into [min, max])
``bernoulli``   1 when Φ(−sign·z) < p, i.e. sign·z > −Φ⁻¹(p) (the event in the good tail), else 0

Pure numpy and numba; no I/O.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit
from scipy import special

from .rules import CACHE  # the on-disk cache of compiled kernels where it can be written

NEGLIGIBLE_TAIL = 1e-15  # a normal's bound cutting off less mass than this is applied by a clip
ZMAX = 8.5  # PERT tables cover normal scores in [−ZMAX, ZMAX]
PIECES = 32  # pieces of a PERT table
DEGREE = 11  # degree of each piece's Chebyshev polynomial

PLAIN, TRUNCATED, FIXED, BERNOULLI, TRIANGULAR, PERT = range(6)  # kind codes of a cell
N_PARAMS = 11  # columns of a cell's parameter row (meaning depends on its kind; see cell_parameters)


# --------------------------------------------------------------------------- Φ and Φ⁻¹


@njit(cache=CACHE, nogil=True)
def ndtr(x):
    """Φ(x), the standard normal CDF, accurate in the lower tail."""
    return 0.5 * math.erfc(-x * 0.7071067811865476)


@njit(cache=CACHE, nogil=True)
def ndtri(p):
    """Φ⁻¹(p) by Wichura's AS 241 (PPND16), relative error about 1e-16; ±inf at 0 and 1."""
    q = p - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        return q * (((((((2.5090809287301226727e3 * r + 3.3430575583588128105e4) * r + 6.7265770927008700853e4) * r
                        + 4.5921953931549871457e4) * r + 1.3731693765509461125e4) * r + 1.9715909503065514427e3) * r
                     + 1.3314166789178437745e2) * r + 3.3871328727963666080e0) / \
            (((((((5.2264952788528545610e3 * r + 2.8729085735721942674e4) * r + 3.9307895800092710610e4) * r
                 + 2.1213794301586595867e4) * r + 5.3941960214247511077e3) * r + 6.8718700749205790830e2) * r
              + 4.2313330701600911252e1) * r + 1.0)
    r = p if q < 0.0 else 1.0 - p
    if r <= 0.0:
        return -math.inf if q < 0.0 else math.inf
    r = math.sqrt(-math.log(r))
    if r <= 5.0:
        r -= 1.6
        v = (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r + 2.41780725177450611770e-1) * r
                 + 1.27045825245236838258e0) * r + 3.64784832476320460504e0) * r + 5.76949722146069140550e0) * r
              + 4.63033784615654529590e0) * r + 1.42343711074968357734e0) / \
            (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r + 1.51986665636164571966e-2) * r
                 + 1.48103976427480074590e-1) * r + 6.89767334985100004550e-1) * r + 1.67638483018380384940e0) * r
              + 2.05319162663775882187e0) * r + 1.0)
    else:
        r -= 5.0
        v = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.24266094738807843860e-3) * r
                 + 2.65321895265761230930e-2) * r + 2.96560571828504891230e-1) * r + 1.78482653991729133580e0) * r
              + 5.46378491116411436990e0) * r + 6.65790464350110377720e0) / \
            (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r + 1.84631831751005468180e-5) * r
                 + 7.86869131145613259100e-4) * r + 1.48753612908506148525e-2) * r + 1.36929880922735805310e-1) * r
              + 5.99832206555887937690e-1) * r + 1.0)
    return -v if q < 0.0 else v


# --------------------------------------------------------------------------- exact quantiles (set-up and tests)


def pert_shape(low, likely, high):
    """Beta shape parameters (α, β) of a PERT forecast: 1 + 4·(likely − low)/(high − low), 1 + 4·(high − likely)/(high − low)."""
    span = np.asarray(high, dtype=float) - low
    return 1.0 + 4.0 * (likely - low) / span, 1.0 + 4.0 * (high - likely) / span


def pert_cdf(x, low, likely, high):
    """CDF of a PERT forecast [0–1]."""
    al, be = pert_shape(low, likely, high)
    return special.betainc(al, be, np.clip((x - low) / (high - low), 0.0, 1.0))


def pert_sf(x, low, likely, high):
    """1 − CDF of a PERT forecast, accurate near the top [0–1]."""
    al, be = pert_shape(low, likely, high)
    return special.betainc(be, al, np.clip((high - x) / (high - low), 0.0, 1.0))


def pert_truncated_quantile(z, low, likely, high, lo, hi):
    """Exact quantile [unit] of a PERT forecast truncated to [lo, hi] at normal score z (scipy's
    ``betaincinv``): the lower half from below, the upper half through the complement."""
    al, be = pert_shape(low, likely, high)
    span = high - low
    ulo = pert_cdf(lo, low, likely, high)
    qhi = pert_sf(hi, low, likely, high)
    width = 1.0 - ulo - qhi
    u = ulo + special.ndtr(z) * width
    q = qhi + special.ndtr(-z) * width
    with np.errstate(invalid="ignore"):
        below = low + span * special.betaincinv(al, be, np.clip(u, 0.0, 1.0))
        above = high - span * special.betaincinv(be, al, np.clip(q, 0.0, 1.0))
    return np.clip(np.where(u <= 0.5, below, above), lo, hi)


def _chebyshev_nodes() -> np.ndarray:
    return np.cos(np.pi * (np.arange(DEGREE + 1) + 0.5) / (DEGREE + 1))


_PERT_CACHE: dict = {}  # parameters (bytes) -> tables: the last few fits (scipy's betaincinv is slow)


def pert_tables(low, likely, high, lo, hi) -> np.ndarray:
    """(n, PIECES, DEGREE + 1) Chebyshev coefficients of n truncated PERT quantiles as functions
    of the normal score on [−ZMAX, ZMAX] (see the module docstring). The last few fits are
    remembered (a scenario is drawn many times)."""
    key = np.stack([np.asarray(v, dtype=float) for v in (low, likely, high, lo, hi)]).tobytes()
    if key not in _PERT_CACHE:
        if len(_PERT_CACHE) >= 4:
            _PERT_CACHE.pop(next(iter(_PERT_CACHE)))
        _PERT_CACHE[key] = _fit_pert(low, likely, high, lo, hi)
        _PERT_CACHE[key].flags.writeable = False
    return _PERT_CACHE[key]


def _fit_pert(low, likely, high, lo, hi) -> np.ndarray:
    low, likely, high, lo, hi = (np.asarray(v, dtype=float)[:, None, None] for v in (low, likely, high, lo, hi))
    h = 2 * ZMAX / PIECES
    t = _chebyshev_nodes()  # (N,)
    centre = -ZMAX + h * (np.arange(PIECES) + 0.5)  # (P,)
    z = centre[:, None] + 0.5 * h * t  # (P, N)
    f = pert_truncated_quantile(z[None], low, likely, high, lo, hi)  # (n, P, N)
    N = DEGREE + 1
    k = np.arange(N)
    basis = np.cos(np.pi * k[:, None] * (np.arange(N)[None, :] + 0.5) / N)  # (k, j)
    c = (2.0 / N) * f @ basis.T  # (n, P, k)
    c[..., 0] *= 0.5
    return np.ascontiguousarray(c)


def triangular_cdf(x, low, likely, high):
    """CDF of the triangular distribution [0–1]."""
    x = np.clip(x, low, high)
    span = high - low
    with np.errstate(divide="ignore", invalid="ignore"):
        left = (x - low) ** 2 / (span * (likely - low))
        right = 1.0 - (high - x) ** 2 / (span * (high - likely))
    return np.where(x <= likely, np.where(likely > low, left, 0.0), np.where(high > likely, right, 1.0))


def triangular_sf(x, low, likely, high):
    """1 − CDF of the triangular distribution, accurate near the top [0–1]."""
    x = np.clip(x, low, high)
    span = high - low
    with np.errstate(divide="ignore", invalid="ignore"):
        left = 1.0 - (x - low) ** 2 / (span * (likely - low))
        right = (high - x) ** 2 / (span * (high - likely))
    return np.where(x <= likely, np.where(likely > low, left, 1.0), np.where(high > likely, right, 0.0))


def triangular_ppf(u, low, likely, high):
    """Inverse CDF of the triangular distribution at u ∈ [0, 1] [unit]."""
    span = high - low
    fc = (likely - low) / span
    left = low + np.sqrt(np.maximum(u, 0.0) * span * (likely - low))
    right = high - np.sqrt(np.maximum(1.0 - u, 0.0) * span * (high - likely))
    return np.where(u < fc, left, right)


# --------------------------------------------------------------------------- cell parameters


def cell_parameters(dist, mean, sd, low, likely, high, lo, hi):
    """Parameters of K forecast cells for :func:`fill_values`: ``(params (K, N_PARAMS), pert
    (n_pert, PIECES, DEGREE + 1))``. Arguments are (K,) arrays (``dist`` of kind names, NaN where
    a column does not apply, lo/hi ±inf where unbounded). Columns of ``params``: 0 kind code,
    1 index into ``pert`` (PERT cells), then by kind:

    plain      2 mean, 3 sd, 4 lo, 5 hi (the far bounds, clipped)
    truncated  2 mean, 3 sd, 4 a, 5 b, 6 Φ(a), 7 1 − Φ(b), 8 Φ(b) − Φ(a) (a, b standardised bounds)
    fixed      2 the value
    bernoulli  2 the score above which the event happens, −Φ⁻¹(p)
    triangular 2 low, 3 likely, 4 high, 5 lower bound, 6 upper bound, 7 F(lower), 8 1 − F(upper),
               9 F(upper) − F(lower)
    pert       5 lower bound, 6 upper bound
    """
    dist = np.asarray(dist)
    mean, sd, low, likely, high, lo, hi = (np.asarray(v, dtype=float) for v in (mean, sd, low, likely, high, lo, hi))
    K = len(dist)
    P = np.zeros((K, N_PARAMS))
    normal = dist == "normal"
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(sd > 0, (lo - mean) / sd, -np.inf)
        b = np.where(sd > 0, (hi - mean) / sd, np.inf)
    pa, qb = special.ndtr(a), special.ndtr(-b)
    plain = normal & (sd > 0) & (pa < NEGLIGIBLE_TAIL) & (qb < NEGLIGIBLE_TAIL)
    trunc = normal & (sd > 0) & ~plain
    fixed = (dist == "fixed") | (normal & ~(sd > 0))
    P[plain, 0] = PLAIN
    P[plain, 2:6] = np.column_stack([mean, sd, lo, hi])[plain]
    P[trunc, 0] = TRUNCATED
    # Φ(b) − Φ(a) from the side where it is not a difference of two numbers near 1
    mass = np.where(b <= 0, special.ndtr(b) - pa, np.where(a >= 0, special.ndtr(-a) - qb, 1.0 - pa - qb))
    P[trunc, 2:9] = np.column_stack([mean, sd, a, b, pa, qb, mass])[trunc]
    P[fixed, 0] = FIXED
    P[fixed, 2] = np.clip(mean, lo, hi)[fixed]
    bern = dist == "bernoulli"
    P[bern, 0] = BERNOULLI
    with np.errstate(invalid="ignore"):
        P[bern, 2] = -special.ndtri(np.clip(mean[bern], 0.0, 1.0))
    tri = dist == "triangular"
    lo_t, hi_t = np.maximum(lo, low), np.minimum(hi, high)
    if tri.any():
        ulo = triangular_cdf(lo_t[tri], low[tri], likely[tri], high[tri])
        qhi = triangular_sf(hi_t[tri], low[tri], likely[tri], high[tri])
        P[tri, 0] = TRIANGULAR
        P[tri, 2:10] = np.column_stack([low[tri], likely[tri], high[tri], lo_t[tri], hi_t[tri], ulo, qhi,
                                        1.0 - ulo - qhi])
    pert = dist == "pert"
    P[pert, 0] = PERT
    P[pert, 1] = np.arange(int(pert.sum()))
    P[pert, 5] = lo_t[pert]
    P[pert, 6] = hi_t[pert]
    table = (pert_tables(low[pert], likely[pert], high[pert], lo_t[pert], hi_t[pert]) if pert.any()
             else np.zeros((0, PIECES, DEGREE + 1)))
    return P, table


# --------------------------------------------------------------------------- the compiled pass


@njit(cache=CACHE, nogil=True)
def _tails(zs):
    """(Φ(zs), 1 − Φ(zs)), each computed from the side where it is small."""
    if zs <= 0.0:
        t = ndtr(zs)
        return t, 1.0 - t
    tc = ndtr(-zs)
    return 1.0 - tc, tc


@njit(cache=CACHE, nogil=True)
def truncated_normal(zs, mean, sd, a, b, pa, qb, mass):
    """Normal(mean, sd) truncated to standardised [a, b] at good-direction score zs: the quantile
    of Φ(a) + Φ(zs)·(Φ(b) − Φ(a)), the upper half through its complement (pa = Φ(a), qb = 1 − Φ(b),
    mass = Φ(b) − Φ(a))."""
    t, tc = _tails(zs)
    u = pa + t * mass
    y = ndtri(u) if u <= 0.5 else -ndtri(qb + tc * mass)
    return mean + sd * min(max(y, a), b)


@njit(cache=CACHE, nogil=True)
def triangular(zs, low, likely, high, lo, hi, ulo, qhi, width):
    """Triangular(low, likely, high) truncated to [lo, hi] at good-direction score zs (ulo = F(lo),
    qhi = 1 − F(hi), width = F(hi) − F(lo)); the right branch through 1 − u."""
    t, tc = _tails(zs)
    span = high - low
    u = ulo + t * width
    if u * span < likely - low:
        x = low + math.sqrt(u * span * (likely - low))
    else:
        x = high - math.sqrt(max(qhi + tc * width, 0.0) * span * (high - likely))
    return min(max(x, lo), hi)


@njit(cache=CACHE, nogil=True)
def fill_values(eps, common, county, w_own, w_common, w_county, cell, county_of, sign, params, table, out, order):
    """Values of K forecast cells over m draws, written into ``out`` (m, C·I) at columns ``cell``,
    visited in ``order`` (cells grouped by kind: branches the processor predicts).

    Normal score of draw s and cell k: z = w_own·eps[s, k] + w_common·common[s] +
    w_county·county[s, county_of[k]]; its good-direction score is zs = sign[k]·z; the value is the
    cell's quantile at Φ(zs) (parameter row ``params[k]``, see :func:`cell_parameters`).
    The helpers take scalars only: passing arrays to a compiled call, or slicing views of them,
    costs more per cell than the sampling itself."""
    m, K = eps.shape
    P = params
    for s in range(m):
        shared = w_common * common[s]
        for k in order:
            zs = sign[k] * (w_own * eps[s, k] + shared + w_county * county[s, county_of[k]])
            kind = P[k, 0]
            if kind == 0.0:  # plain normal
                x = min(max(P[k, 2] + P[k, 3] * zs, P[k, 4]), P[k, 5])
            elif kind == 1.0:
                x = truncated_normal(zs, P[k, 2], P[k, 3], P[k, 4], P[k, 5], P[k, 6], P[k, 7], P[k, 8])
            elif kind == 2.0:  # fixed
                x = P[k, 2]
            elif kind == 3.0:  # bernoulli
                x = 1.0 if zs > P[k, 2] else 0.0
            elif kind == 4.0:
                x = triangular(zs, P[k, 2], P[k, 3], P[k, 4], P[k, 5], P[k, 6], P[k, 7], P[k, 8], P[k, 9])
            else:  # pert: the fitted quantile of the normal score, Clenshaw's recurrence on its piece
                q = (min(max(zs, -ZMAX), ZMAX) + ZMAX) * (PIECES / (2.0 * ZMAX))
                piece = min(int(q), PIECES - 1)
                row, t = int(P[k, 1]), 2.0 * (q - piece) - 1.0
                b1 = 0.0
                b2 = 0.0
                for j in range(DEGREE, 0, -1):
                    b1, b2 = 2.0 * t * b1 - b2 + table[row, piece, j], b1
                x = min(max(t * b1 - b2 + table[row, piece, 0], P[k, 5]), P[k, 6])
            out[s, cell[k]] = x

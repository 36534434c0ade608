"""The compiled samplers (models/sampling.py) against exact distributions: Φ⁻¹ against scipy, the
PERT tables against scipy's betaincinv, and every kind's draws against its analytic moments and
quantiles within Monte Carlo error, truncated at both ends."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special, stats

from models import sampling as sp

S = 200_000


def values(dist, *, mean=np.nan, sd=np.nan, low=np.nan, likely=np.nan, high=np.nan, lo=-np.inf, hi=np.inf,
           z=None, sign=1.0):
    """One cell's values at the normal scores z (default: S independent standard normals)."""
    z = np.random.default_rng(17).standard_normal(S) if z is None else np.asarray(z, dtype=float)
    P, table = sp.cell_parameters(np.array([dist]), *(np.array([v], dtype=float) for v in (mean, sd, low, likely, high, lo, hi)))
    out = np.empty((len(z), 1))
    sp.fill_values(z[:, None].copy(), np.zeros(len(z)), np.zeros((len(z), 1)), 1.0, 0.0, 0.0,
                   np.array([0], dtype=np.intp), np.array([0], dtype=np.intp), np.array([sign]), P, table, out,
                   np.array([0], dtype=np.intp))
    return out[:, 0]


def check_against(x, dist, qs=(0.01, 0.1, 0.5, 0.9, 0.99)):
    """Mean within 4 standard errors; each quantile within 4 standard errors of the sample
    quantile (√(q(1 − q)/S)/f(x_q)); the sample never leaves the support."""
    lo, hi = dist.support()
    assert x.min() >= lo and x.max() <= hi
    assert abs(x.mean() - dist.mean()) <= 4 * dist.std() / math.sqrt(len(x))
    for q in qs:
        xq = dist.ppf(q)
        se = math.sqrt(q * (1 - q) / len(x)) / dist.pdf(xq)
        assert abs(np.quantile(x, q) - xq) <= 4 * se, q


def test_ndtri_agrees_with_scipy_to_rounding():
    p = np.concatenate([np.random.default_rng(0).random(100_000), np.logspace(-300, -1, 2000),
                        1 - np.logspace(-16, -1, 500), [0.0, 1.0, 0.5]])
    ours = np.array([sp.ndtri(v) for v in p])
    ref = special.ndtri(p)
    finite = np.isfinite(ref)
    assert (ours[~finite] == ref[~finite]).all()  # ±inf at 0 and 1
    np.testing.assert_allclose(ours[finite], ref[finite], rtol=2e-15, atol=1e-300)
    np.testing.assert_allclose([sp.ndtr(v) for v in (-40.0, -8.0, 0.0, 3.0)], special.ndtr([-40.0, -8.0, 0.0, 3.0]),
                               rtol=5e-15)


def test_pert_tables_match_the_exact_quantile():
    """Fitted PERT quantiles (32 pieces × degree 11 in the normal score) within 1e-10 of the range of
    scipy's exact betaincinv, for modes at the ends and between, truncated or not."""
    rng = np.random.default_rng(1)
    n = 40
    low, high = np.zeros(n), np.full(n, 10.0)
    likely = np.concatenate([[0.0, 10.0, 5.0, 1e-3], rng.uniform(0, 10, n - 4)])
    lo = np.where(np.arange(n) % 3 == 0, rng.uniform(0, 4, n), -np.inf)
    hi = np.where(np.arange(n) % 4 == 0, rng.uniform(6, 10, n), np.inf)
    z = np.concatenate([np.linspace(-8.5, 8.5, 4001), rng.standard_normal(2000)])
    exact = sp.pert_truncated_quantile(z, low[:, None], likely[:, None], high[:, None], np.maximum(lo, low)[:, None],
                                       np.minimum(hi, high)[:, None])
    for k in range(n):
        got = values("pert", low=low[k], likely=likely[k], high=high[k], lo=lo[k], hi=hi[k], z=z)
        assert np.abs(got - exact[k]).max() <= 1e-10 * 10, k


def test_plain_normal_is_exactly_mean_plus_sd_times_score():
    z = np.linspace(-5, 5, 101)
    np.testing.assert_array_equal(values("normal", mean=3.0, sd=2.0, z=z), 3.0 + 2.0 * z)
    np.testing.assert_array_equal(values("normal", mean=3.0, sd=2.0, z=z, sign=-1.0), 3.0 + 2.0 * -z)


@pytest.mark.parametrize("lo, hi", [(45.0, 60.0), (-np.inf, 48.0), (53.0, np.inf), (75.0, 80.0), (20.0, 25.0)])
def test_truncated_normal_moments_and_quantiles(lo, hi):
    """N(50, 10) truncated at both ends, at one end, and far in each tail (2.5 sd away: a clip
    would pile the mass on the bound)."""
    x = values("normal", mean=50.0, sd=10.0, lo=lo, hi=hi)
    check_against(x, stats.truncnorm((lo - 50) / 10, (hi - 50) / 10, loc=50, scale=10))
    assert (x == lo).sum() == 0 and (x == hi).sum() == 0


def test_truncated_normal_far_in_the_tail_keeps_precision():
    """N(0, 1) on [8, 9] and on [−9, −8]: mass 6e-16, all of it kept (a difference of CDFs near 1
    would round to nothing); mean φ(8)/(Φ(9) − Φ(8))·… from scipy."""
    for lo, hi in ((8.0, 9.0), (-9.0, -8.0)):
        x = values("normal", mean=0.0, sd=1.0, lo=lo, hi=hi)
        d = stats.truncnorm(lo, hi)
        assert x.min() >= lo and x.max() <= hi
        assert abs(x.mean() - d.mean()) <= 4 * d.std() / math.sqrt(S)


@pytest.mark.parametrize("lo, hi", [(-np.inf, np.inf), (12.0, 35.0), (-np.inf, 18.0), (25.0, np.inf)])
def test_triangular_moments_and_quantiles(lo, hi):
    """Triangular(10, 20, 40) (scipy: c = 1/3), truncated at both ends, below and above the mode."""
    base = stats.triang(1 / 3, loc=10, scale=30)
    x = values("triangular", low=10, likely=20, high=40, lo=lo, hi=hi)
    check_against(x, truncated(base, max(lo, 10), min(hi, 40)))


@pytest.mark.parametrize("likely", [20.0, 10.0, 40.0])
@pytest.mark.parametrize("lo, hi", [(-np.inf, np.inf), (12.0, 35.0)])
def test_pert_moments_and_quantiles(likely, lo, hi):
    """PERT(10, likely, 40) = 10 + 30·Beta(α, β), modes inside and at both ends, truncated or not."""
    a, b = sp.pert_shape(10.0, likely, 40.0)
    base = stats.beta(a, b, loc=10, scale=30)
    x = values("pert", low=10, likely=likely, high=40, lo=lo, hi=hi)
    check_against(x, truncated(base, max(lo, 10), min(hi, 40)))


def test_bernoulli_and_fixed():
    x = values("bernoulli", mean=0.3)
    assert set(np.unique(x)) == {0.0, 1.0}
    assert abs(x.mean() - 0.3) <= 4 * math.sqrt(0.21 / S)
    z = np.linspace(-3, 3, 61)  # the event is the good tail: z > Φ⁻¹(1 − p)
    np.testing.assert_array_equal(values("bernoulli", mean=0.3, z=z), (z > stats.norm.ppf(0.7)).astype(float))
    assert (values("bernoulli", mean=0.0) == 0).all() and (values("bernoulli", mean=1.0) == 1).all()
    np.testing.assert_array_equal(values("fixed", mean=7.0, hi=5.0, z=z), 5.0)
    np.testing.assert_array_equal(values("normal", mean=7.0, sd=0.0, z=z), 7.0)  # sd 0 is fixed


class truncated:
    """A scipy distribution truncated to [lo, hi] (pdf, ppf, mean, std and support of the truncation)."""

    def __init__(self, base, lo, hi):
        self.base, self.lo, self.hi = base, lo, hi
        self.flo, self.fhi = base.cdf(lo), base.cdf(hi)
        grid = np.linspace(lo, hi, 200_001)
        w = self.pdf(grid)
        w /= w.sum()
        self._mean = float((grid * w).sum())
        self._std = float(np.sqrt(((grid - self._mean) ** 2 * w).sum()))

    def support(self):
        return self.lo, self.hi

    def pdf(self, x):
        return self.base.pdf(x) / (self.fhi - self.flo)

    def ppf(self, q):
        return self.base.ppf(self.flo + q * (self.fhi - self.flo))

    def mean(self):
        return self._mean

    def std(self):
        return self._std

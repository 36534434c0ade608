"""Why the home county's simulated mean total differs from its total at the forecasts.

The scorecard scores each item at its forecast centre x̂; the projection averages the score over
the draws X. Item by item (points with the over-full bonus, the home county), the difference
points(x̂) − E[points(X)] splits in two:

- the forecast's skew, points(x̂) − points(E[X]): the centre of a three-point forecast (its most
  likely value) is not its mean;
- the cost of uncertainty, points(E[X]) − E[points(X)]: the rules are not straight lines. Points
  stop at full score (a good year gains little) and fall away below basic (a bad year costs a
  lot), so a spread of outcomes around the same mean loses points on average (Jensen's
  inequality for a concave rule).

What the items do not explain (``rest``) comes from the blocks: caps and pools applied to the
items' sums. Everything is scored by :mod:`models.scoring` on the draws of :func:`models.draws.draw`
(stream 0 and the scenario's seed by default: the draws ``simulate`` scores).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .draws import draw
from .scenario import Scenario
from .scorecard import central_values
from .scoring import compile_scenario, score_assessment


@dataclass(frozen=True)
class ForecastGap:
    """One assessment, the home county: totals [points] at the forecasts, at the mean of the draws
    and on average over the draws; per item (K,) the same three [points]; ``rank_probs`` (R,)
    P(rank = r) over the draws, r = 1 … R (R: the size of its ranking class)."""

    assessment: str
    draws: int
    indicators: tuple[str, ...]
    at_forecast: np.ndarray
    at_mean: np.ndarray
    mean: np.ndarray
    total_at_forecast: float
    total_at_mean: float
    mean_total: float
    rank_probs: np.ndarray

    @property
    def gap(self) -> np.ndarray:
        """(K,) points at the forecast less the mean points over the draws [points]."""
        return self.at_forecast - self.mean

    @property
    def skew(self) -> np.ndarray:
        """(K,) points at the forecast centre less points at the mean of the draws [points]."""
        return self.at_forecast - self.at_mean

    @property
    def uncertainty(self) -> np.ndarray:
        """(K,) points at the mean of the draws less the mean points over the draws [points]."""
        return self.at_mean - self.mean

    @property
    def rest(self) -> float:
        """The part of the total's difference the items do not explain (block caps, pools) [points]."""
        return (self.total_at_forecast - self.mean_total) - float(np.nansum(self.gap))

    def largest(self, n: int = 3) -> np.ndarray:
        """Indices of the ``n`` items with the largest gap (the items that cost most), largest first."""
        g = np.nan_to_num(self.gap, nan=-np.inf)
        order = np.argsort(-g, kind="stable")
        return order[:n][g[order[:n]] > 0]


def forecast_gap(scn: Scenario, draws: int | None = None, seed: int | None = None, stream: int = 0,
                 assessment: str | None = None) -> ForecastGap:
    """The home county's total and items at the forecasts, at the mean of ``draws`` draws and on
    average over them, in ``assessment`` (default: the first)."""
    cs = compile_scenario(scn)
    sim = scn.spec.simulation
    n = sim.draws if draws is None else int(draws)
    d = draw(scn, n, sim.seed if seed is None else int(seed), stream=stream, cs=cs)
    ca = cs.assessments[0] if assessment is None else cs.assessment(assessment)
    h = cs.home
    tot = d.totals.get(ca.name)

    def home(values, drawn=None):
        s = score_assessment(values, ca, drawn)
        return s.points[..., h, :] + s.over[..., h, :], s.total[..., h], s.rank[..., h]

    pts0, t0, _ = home(central_values(scn, cs))
    pts1, t1, _ = home(d.values.mean(axis=0), None if tot is None else tot.mean(axis=0))
    pts, t, rank = home(d.values, tot)
    R = int((ca.class_of == ca.class_of[h]).sum())
    names = tuple(cs.indicators[c] for c in ca.cols)
    return ForecastGap(ca.name, n, names, pts0, pts1, pts.mean(axis=0), float(t0), float(t1), float(t.mean()),
                       np.bincount(rank - 1, minlength=R)[:R] / n)

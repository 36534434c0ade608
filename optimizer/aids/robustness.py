"""Robustness of a plan: which uncertain inputs break it (scenario discovery with PRIM).

Over the study's draws the plan *fails* when the home county misses rank ≤ r (or grade ≥ g). The
uncertain inputs of a draw are named features: each rival's total minus its total at the forecasts
[points] and each county's drawn value of every indicator that varies [indicator unit] (the home's
after the plan's push). PRIM (Friedman & Fisher 1999), written here on numpy (a page of code; no
library needed), finds a box of a few conditions ("feature ≥ a", "feature ≤ b") in which failures
are dense:

* peeling: repeatedly remove the ``alpha`` share of the box's draws at one end of one feature
  (the end where the home county fares better: scoring is monotone in every input, so a rule
  reads "our value below a", "a rival's above b"),
  choosing the peel that raises the failure density most, until no peel raises it or the box
  would hold fewer than ``min_mass`` of the draws; once ``max_dims`` features are restricted,
  only those are peeled further (a rule a strategist can say in one breath);
* the box kept on that trajectory is the one with the highest coverage among those whose density
  reaches ``min_density`` (the densest when none does);
* pruning: conditions are dropped, least useful first, down to ``max_dims`` and while dropping one
  costs at most ``prune`` in density; limits are rounded inward to a readable number (one digit
  below the feature's standard deviation) and the rule's statistics recomputed as stated;
* covering: the draws inside a rule are set aside and the next rule is sought on the rest, up to
  ``n_rules``.

Coverage is the share of all failures that fall inside the rule, density the share of the draws
inside the rule that fail, mass the share of all draws inside it; all three are counted on the
study's draws, whose outcomes are models.scoring's. A plan that fails in most draws is described
by its rarer outcome instead: the conditions under which it holds.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.projection import apply_push
from models.scorecard import central_values
from models.scoring import score_assessment

from ..i18n import N_, _, translate
from .common import Study


@dataclass
class Box:
    """Conditions lo ≤ x ≤ hi per feature (±inf where a feature is free)."""

    lo: np.ndarray
    hi: np.ndarray

    def inside(self, X: np.ndarray) -> np.ndarray:
        return np.all((X >= self.lo) & (X <= self.hi), axis=1)

    @property
    def dims(self) -> list[int]:
        return [int(k) for k in np.flatnonzero(np.isfinite(self.lo) | np.isfinite(self.hi))]

    def without(self, k: int) -> "Box":
        lo, hi = self.lo.copy(), self.hi.copy()
        lo[k], hi[k] = -np.inf, np.inf
        return Box(lo, hi)


def stats(box: Box, X: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """(coverage, density, mass) of ``box`` for failures ``y`` over draws ``X``."""
    inside = box.inside(X)
    n_in, n_fail = int(inside.sum()), int(y.sum())
    hits = int((inside & y).sum())
    return (hits / n_fail if n_fail else float("nan"), hits / n_in if n_in else float("nan"), n_in / len(y))


def peel(X: np.ndarray, y: np.ndarray, alpha: float = 0.05, min_mass: float = 0.05, max_dims: int | None = None,
         bad: np.ndarray | None = None) -> list[Box]:
    """The peeling trajectory, from the whole space to the last box (see the module docstring);
    once ``max_dims`` features are restricted only those are peeled further. ``bad`` (F,): +1 where
    failures come with high values (only the low end is peeled), −1 the reverse, 0 either end."""
    S, F = X.shape
    bad = np.zeros(F) if bad is None else np.asarray(bad)
    box = Box(np.full(F, -np.inf), np.full(F, np.inf))
    inside = np.ones(S, dtype=bool)
    out = [box]
    while True:
        Xi, yi = X[inside], y[inside]
        n = len(yi)
        dens = yi.mean() if n else 0.0
        best = None
        free = np.ones(F, dtype=bool)
        if max_dims is not None and len(box.dims) >= max_dims:
            free[:] = False
            free[box.dims] = True
        for side, q in (("lo", np.quantile(Xi, alpha, axis=0)), ("hi", np.quantile(Xi, 1 - alpha, axis=0))):
            keep = Xi >= q if side == "lo" else Xi <= q  # (n, F)
            cnt = keep.sum(axis=0)
            fails = (keep & yi[:, None]).sum(axis=0)
            ok = free & (cnt < n) & (cnt >= max(min_mass * S, 1)) & (bad != (-1 if side == "lo" else 1))
            with np.errstate(invalid="ignore", divide="ignore"):
                d = np.where(ok, fails / np.maximum(cnt, 1), -1.0)
            for k in np.flatnonzero(ok):
                cand = (d[k], cnt[k], -k, side == "lo")
                if best is None or cand > best[0]:
                    best = (cand, side, int(k), float(q[k]))
        if best is None or best[0][0] <= dens + 1e-12:
            return out
        _, side, k, q = best
        lo, hi = box.lo.copy(), box.hi.copy()
        if side == "lo":
            lo[k] = q
        else:
            hi[k] = q
        box = Box(lo, hi)
        inside = box.inside(X)
        out.append(box)


def choose(traj: list[Box], X, y, min_density: float) -> Box:
    """The box of highest coverage whose density reaches ``min_density``, else the densest."""
    st = [stats(b, X, y) for b in traj]
    good = [k for k, (_, d, _) in enumerate(st) if d >= min_density - 1e-12]
    if good:
        return traj[max(good, key=lambda k: (st[k][0], st[k][1]))]
    return traj[max(range(len(traj)), key=lambda k: (st[k][1], st[k][0]))]


def prune(box: Box, X, y, max_dims: int, tol: float) -> Box:
    """Drop conditions, least useful first, down to ``max_dims`` and while one costs ≤ ``tol`` in density."""
    while box.dims:
        _, dens, _ = stats(box, X, y)
        trial = [(stats(box.without(k), X, y)[1], -k) for k in box.dims]
        d_best, k_neg = max(trial)
        if len(box.dims) > max_dims or d_best >= dens - tol:
            box = box.without(-k_neg)
        else:
            break
    return box


def readable(box: Box, X: np.ndarray) -> Box:
    """Limits rounded inward to one digit below the magnitude of the feature's standard deviation."""
    lo, hi = box.lo.copy(), box.hi.copy()
    for k in box.dims:
        sd = float(np.std(X[:, k]))
        if not sd > 0:
            continue
        step = 10.0 ** (math.floor(math.log10(sd)) - 1)
        a = math.ceil(lo[k] / step - 1e-9) * step if np.isfinite(lo[k]) else lo[k]
        b = math.floor(hi[k] / step + 1e-9) * step if np.isfinite(hi[k]) else hi[k]
        if a <= b:
            lo[k], hi[k] = round(a, 12), round(b, 12)
    return Box(lo, hi)


def discover(X: np.ndarray, y: np.ndarray, *, bad: np.ndarray | None = None, n_rules: int = 3, alpha: float = 0.05,
             min_mass: float = 0.05, min_density: float = 0.8, max_dims: int = 2, prune_tol: float = 0.02) -> list[Box]:
    """Up to ``n_rules`` readable boxes of failures (PRIM with covering; see the module docstring).
    A further rule is kept only when its density among the draws not yet covered reaches ``min_density``."""
    y = np.asarray(y, dtype=bool)
    rest = np.ones(len(y), dtype=bool)
    boxes = []
    for _ in range(n_rules):
        Xr, yr = X[rest], y[rest]
        if yr.sum() == 0 or yr.all() or len(yr) < 2:
            break
        box = choose(peel(Xr, yr, alpha, min_mass / rest.mean(), max_dims, bad), Xr, yr, min_density)
        box = readable(prune(box, Xr, yr, max_dims, prune_tol), X)
        if not box.dims or (boxes and stats(box, Xr, yr)[1] < min_density - 1e-12):
            break
        boxes.append(box)
        rest &= ~box.inside(X)
    return boxes


# --------------------------------------------------------------------------- the plan's features


@dataclass
class Features:
    X: np.ndarray  # (S, F)
    names: list  # feature names, e.g. "仙居 总分较预测"
    units: list
    bad: np.ndarray  # (F,) +1: high values hurt the home county; −1: low values do
    base: np.ndarray  # (F,) what a gain is counted from (the total at the forecasts) [points]; NaN for values


LEVELS = (N_("总分"), N_("指标"))  # rules on totals (rivals' and our own), on indicators' values: codes, shown translated
FAILS, HOLDS = N_("失利"), N_("保住")  # the outcome a rule describes (the rarer one)


def features(st: Study, level: str = "指标") -> Features:
    """The features of each draw at one level (see the module docstring): '总分' each class county's
    total minus its total at the forecasts (the home's with the plan's push at both) [points];
    '指标' every varying indicator value of the home (pushed) and of the rivals [unit], and the
    total gain of each rival known only by its total."""
    ca, cs, h = st.ca, st.cs, st.home
    s = st.plan_scores
    centre = central_values(st.scn, cs)
    at_forecast = score_assessment(centre, ca, keep_points=False).total
    at_forecast[h] = score_assessment(apply_push(centre, cs, st.push), ca, keep_points=False).total[h]
    cols, names, units, bad, base = [], [], [], [], []
    for c in ([h] if level == "总分" else []) + st.rivals:
        if level == "总分" or ca.total_only[c]:
            cols.append(s.total[:, c] - at_forecast[c])
            names.append(_("{county} 总分较预测").format(county=cs.counties[c]))
            units.append(_("分"))
            bad.append(-1.0 if c == h else 1.0)
            base.append(float(at_forecast[c]))
    values = st.draws.values
    for c in ([h] + st.rivals if level == "指标" else []):
        for k, col in enumerate(ca.cols):
            x = values[:, c, col] + (cs.sign[col] * st.push[col] if c == h else 0.0)
            if np.isnan(x).any() or np.ptp(x) == 0:
                continue
            cols.append(x)
            names.append(f"{cs.counties[c]} {ca.names[k]}")
            units.append(st.scn.indicator(ca.names[k]).unit)
            bad.append(-cs.sign[col] if c == h else cs.sign[col])
            base.append(np.nan)
    return Features(np.column_stack(cols) if cols else np.zeros((st.n, 0)), names, units, np.array(bad), np.array(base))


@dataclass
class Robustness:
    """``rules``: one row per rule; ``p_fail``: P(the plan fails) on the draws; ``words``: in words;
    ``boxes``: (level, Box) per rule; ``features``: level → Features."""

    rules: pd.DataFrame
    p_fail: float
    words: list
    boxes: list
    features: dict


def _fmt(v: float) -> str:
    return f"{v:.6g}"


def conditions(box: Box, f: Features) -> list[str]:
    out = []
    for k in box.dims:
        name, unit = f.names[k], f.units[k]
        lo, hi = box.lo[k], box.hi[k]
        sign = "" if np.isnan(f.base[k]) else "+"
        if sign:
            name = _("{feature}({base:.2f} 分)").format(feature=name, base=f.base[k])
        low, high = f"{lo:{sign}.6g}", f"{hi:{sign}.6g}"
        if np.isfinite(lo) and np.isfinite(hi):
            out.append(_("{feature} 在 {low} 至 {high} {unit}之间").format(feature=name, low=low, high=high, unit=unit))
        elif np.isfinite(lo):
            out.append(f"{name} ≥ {low} {unit}")
        else:
            out.append(f"{name} ≤ {high} {unit}")
    return out


def robustness(st: Study, goal: str = "rank", **kw) -> Robustness:
    """Which uncertain inputs break the plan ``st.push`` (see the module docstring): rules at each
    level of :data:`LEVELS`; ``kw`` go to :func:`discover`. When the plan fails in most draws the
    rarer outcome is described instead: the conditions under which it holds ("only if …")."""
    r, g = st.success(st.plan_scores)
    fails = ~(r if goal == "rank" else g)
    what = st.rank_words if goal == "rank" else st.grade_words
    p_fail = float(fails.mean())
    sought = FAILS if p_fail <= 0.5 else HOLDS  # the rarer outcome
    y = fails if sought == FAILS else ~fails
    rows, words, boxes = [], [_("方案在 {share:.1%} 的抽样中保不住{goal} ({draws} 次抽样)").format(share=p_fail, goal=what,
                                                                                         draws=st.n)], []
    line = (_("[{level}] 规则{rule}: 保得住{goal}, 除非 {conditions} —— 这类抽样占 {share:.1%}, 其中 {density:.0%} 失利; "
              "它们占全部失利的 {coverage:.0%}") if sought == FAILS else
            _("[{level}] 规则{rule}: 只有在 {conditions} 时才较有把握保住{goal} —— 这类抽样占 {share:.1%}, 其中 {density:.0%} "
              "保住; 它们占全部保住的 {coverage:.0%}"))
    cols = [_("层次"), _("规则"), _("所述结局"), _("条件"), _("覆盖率"), _("密度"), _("抽样占比"), _("累计覆盖率")]
    feats = {}
    for level in LEVELS:
        f = feats[level] = features(st, level)
        found = discover(f.X, y, bad=f.bad if sought == FAILS else -f.bad, **kw)
        covered = np.zeros(len(y), dtype=bool)
        for i, b in enumerate(found, 1):
            cov, dens, mass = stats(b, f.X, y)
            covered |= b.inside(f.X)
            cond = _(" 且 ").join(conditions(b, f))
            rows.append(dict(zip(cols, (translate(level), i, translate(sought), cond, cov, dens, mass,
                                        float((covered & y).sum() / y.sum())))))
            words.append(line.format(level=translate(level), rule=i, goal=what, conditions=cond, share=mass, density=dens,
                                     coverage=cov))
            boxes.append((level, b))
    if not boxes and 0 < p_fail < 1:
        words.append(_("没有找到能概括失利的简单条件") if sought == FAILS else _("没有找到能概括保住的简单条件"))
    return Robustness(pd.DataFrame(rows, columns=cols), p_fail, words, boxes, feats)

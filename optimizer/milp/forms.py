"""Affine forms over the option variables x: every county's total per draw, with block and pool
caps and floors folded into the coefficients where one indicator varies, or modelled by a clip
variable (relaxed in the direction that never flatters the home county) where several do; and
conditions "form ≥ threshold" as binaries with per-draw strengthened rows.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from models.options import AssessmentTables, OptionTables

from ..request import Request
from ..solver import Problem
from .gates import gate_block, gate_indicators
from .levers import DEFAULT_LEVERS, Reach

TOL = 1e-9


@dataclass
class Form:
    """Per draw: ``coef[s] · x_a + const[s] + Σ extra[s]`` with ``lo ≤ value ≤ hi`` over all plans."""

    coef: np.ndarray  # (S, X_a)
    const: np.ndarray  # (S,)
    extra: dict  # s -> list[(col, coef)]
    lo: np.ndarray
    hi: np.ndarray


class FormBuilder:
    """The problem, its option variables (one chosen per pushable indicator), and the affine forms of
    every county's total over x, block and pool caps included."""

    def __init__(self, tables: OptionTables, request: Request, levers=DEFAULT_LEVERS):
        self.levers = frozenset(levers)
        self._reach: dict = {}
        self._shared: dict = {}
        self.T = tables
        self.L = tables.levels
        self.req = request
        self.S = tables.n_draws
        self.p = Problem(sense="min" if request.objective == "min-effort" else "max")
        L = self.L
        self.x_cols = np.array([self.p.add_var(f"x[{L.names[j]},{o}]") for j in range(L.n) for o in range(len(L.push[j]))],
                               dtype=int)
        off = L.offsets
        for j in range(L.n):
            self.p.add_row(self.x_cols[off[j]:off[j + 1]], np.ones(off[j + 1] - off[j]), 1.0, 1.0)
        self.counts = {"clip": 0, "beat": 0, "draw": 0, "grade": 0, "pattern_rows": 0, "decided_draws": 0,
                       "out_of_reach": 0, "merged": 0}
        self._cache: dict = {}

    # ---- per-assessment views
    def _groups(self, t: AssessmentTables):
        off = self.L.offsets
        pos = {int(x): k for k, x in enumerate(t.xs)}
        return [np.array([pos[int(x)] for x in range(off[j], off[j + 1])]) for j in t.inds]

    def _mm(self, coef: np.ndarray, groups) -> tuple[np.ndarray, np.ndarray]:
        if not groups:
            z = np.zeros((coef.shape[0], 0))
            return z, z
        mins = np.stack([coef[:, g].min(axis=1) for g in groups], axis=1)
        maxs = np.stack([coef[:, g].max(axis=1) for g in groups], axis=1)
        return mins, maxs

    def _clip_form(self, coef, const, extra, lo, hi, floor, cap, groups, t, upper: bool, label: str) -> Form:
        """Form of clip(e, floor, cap) for e = (coef, const, extra) with range [lo, hi]; ``floor`` and
        ``cap`` are numbers or one per draw (S,)."""
        S = coef.shape[0]
        coef = coef.copy()
        const = const.copy()
        extra = {s: list(v) for s, v in extra.items()}
        floors, caps = np.broadcast_to(np.asarray(floor, float), (S,)), np.broadcast_to(np.asarray(cap, float), (S,))
        if not (np.isfinite(floors).any() or np.isfinite(caps).any()):
            return Form(coef, const, extra, lo, hi)
        mins, maxs = self._mm(coef, groups)
        varying = (maxs - mins) > TOL
        nvar = varying.sum(axis=1)
        lo = lo.copy()
        hi = hi.copy()
        plain = np.array([not extra.get(s) for s in range(S)], dtype=bool)
        lo[plain] = (const + mins.sum(axis=1))[plain]
        hi[plain] = (const + maxs.sum(axis=1))[plain]
        new_lo = np.clip(lo, floors, caps)
        new_hi = np.clip(hi, floors, caps)
        for s in range(S):
            floor, cap = float(floors[s]), float(caps[s])
            if lo[s] >= floor - TOL and hi[s] <= cap + TOL:
                continue
            has_extra = bool(extra.get(s))
            if not has_extra and hi[s] <= floor + TOL:
                coef[s] = 0.0
                const[s] = floor
                continue
            if not has_extra and lo[s] >= cap - TOL:
                coef[s] = 0.0
                const[s] = cap
                continue
            if not has_extra and nvar[s] <= 1:
                if nvar[s] == 0:
                    v = np.clip(const[s] + mins[s].sum(), floor, cap)
                    coef[s] = 0.0
                    const[s] = v
                    continue
                j = int(np.flatnonzero(varying[s])[0])
                rest = const[s] + mins[s].sum() - mins[s, j]
                g = groups[j]
                folded = np.clip(rest + coef[s, g], floor, cap)
                coef[s] = 0.0
                coef[s, g] = folded
                const[s] = 0.0
                continue
            # a clip variable: y ≤ clip(e) (home) or y ≥ clip(e) (rival), exact at the optimum
            self.counts["clip"] += 1
            y = self.p.add_var(f"clip[{label},{s}]", new_lo[s], new_hi[s], integer=False)
            idx, val = self._row_terms(t, coef[s], extra.get(s, []))
            L, U = lo[s], hi[s]
            if upper:  # y ≤ cap through its upper bound; y ≤ max(e, floor) here
                if math.isfinite(floor) and L < floor:
                    d = self.p.add_var(f"clipd[{label},{s}]")
                    # y ≤ e + (floor − L)·d ;  y ≤ floor + (U − floor)(1 − d)
                    self.p.add_row(np.r_[[y, d], idx], np.r_[[1.0, -(floor - L)], -val], hi=const[s])
                    self.p.add_row([y, d], [1.0, U - floor], hi=U)
                else:
                    self.p.add_row(np.r_[[y], idx], np.r_[[1.0], -val], hi=const[s])
            else:
                if math.isfinite(cap) and U > cap:
                    d = self.p.add_var(f"clipd[{label},{s}]")
                    # y ≥ e − (U − cap)·d ;  y ≥ cap − (cap − L)(1 − d)
                    self.p.add_row(np.r_[[y, d], idx], np.r_[[1.0, U - cap], -val], lo=const[s])
                    self.p.add_row([y, d], [1.0, -(cap - L)], lo=L)
                else:
                    self.p.add_row(np.r_[[y], idx], np.r_[[1.0], -val], lo=const[s])
            coef[s] = 0.0
            const[s] = 0.0
            extra[s] = [(y, 1.0)]
        return Form(coef, const, extra, new_lo, new_hi)

    def _row_terms(self, t: AssessmentTables, coef_row: np.ndarray, extra_terms) -> tuple[np.ndarray, np.ndarray]:
        nz = np.flatnonzero(coef_row)
        idx = self.x_cols[t.xs[nz]]
        val = coef_row[nz]
        if extra_terms:
            idx = np.r_[idx, [c for c, _ in extra_terms]]
            val = np.r_[val, [v for _, v in extra_terms]]
        return idx.astype(np.int64), val.astype(float)

    def _range(self, coef, const, extra_bounds, groups):
        mins, maxs = self._mm(coef, groups)
        lo = const + mins.sum(axis=1)
        hi = const + maxs.sum(axis=1)
        for s, (a, b) in extra_bounds.items():
            lo[s] += a
            hi[s] += b
        return lo, hi

    def total_form(self, t: AssessmentTables, c: int) -> Form:
        """Total of county c over the draws as a Form (home: never above the truth; rivals: never below)."""
        key = ("total", t.ca.name, c)
        if key in self._cache:
            return self._cache[key]
        ca = t.ca
        groups = self._groups(t)
        upper = c == ca.home
        S, X = self.S, len(t.xs)
        B = len(ca.block_names)
        blocks = []
        for b in range(B):
            w = ca.block_weight[b]
            coef = w * sum(p.points[:, c, :] * (p.block == b) for p in t.parts)
            const = w * t.base_raw[:, c, b]
            blocks.append((coef, const))
        extras, bounds = [{}] * B, [{}] * B
        if upper and t.gates:
            coefs, consts = [b[0] for b in blocks], [b[1].copy() for b in blocks]
            extras, bounds = gate_indicators(self, t, coefs, consts, f"{ca.name},{c}")
            blocks = list(zip(coefs, consts))
        if ca.total_only[c]:
            coef = sum(b[0] for b in blocks) if B else np.zeros((S, X))
            const = sum(b[1] for b in blocks) + (t.drawn_total[:, c] if t.drawn_total is not None else ca.total_mean[c])
            lo, hi = self._range(coef, const, {}, groups)
            f = Form(coef, const, {}, lo, hi)
            self._cache[key] = f
            return f
        label = f"{ca.name},{c}"
        forms = []
        for b, (coef, const) in enumerate(blocks):
            lo, hi = self._range(coef, const, bounds[b], groups)
            f = self._clip_form(coef, const, extras[b], lo, hi, ca.block_floor[b], ca.block_cap[b], groups, t, upper,
                                f"{label},b{b}")
            forms.append(gate_block(self, t, c, b, f, groups, upper, f"{label},b{b}"))
        parts = [forms[b] for b in range(B) if ca.block_pool[b] < 0]
        for k in range(len(ca.pool_names)):
            mem = [forms[b] for b in range(B) if ca.block_pool[b] == k]
            if not mem:
                continue
            parts.append(self._clip_form(*_sum_forms(mem, S, X)[:3], *_sum_forms(mem, S, X)[3:],
                                         ca.pool_floor[k], ca.pool_cap[k], groups, t, upper, f"{label},p{k}"))
        coef, const, extra, lo, hi = _sum_forms(parts, S, X)
        f = Form(coef, const, extra, lo, hi)
        self._cache[key] = f
        return f

    # ---- conditions: a condition is True, False, or a binary column whose 1 implies the condition
    def cond_ge(self, t: AssessmentTables, coef_row, const, extra_terms, lo, hi, thr, label, z=None,
                share: bool = False) -> bool | int:
        """A binary z with z = 1 ⇒ coef·x + const + extra ≥ thr (or True/False when decided);
        ``z`` given: add the implication to that binary. ``share``: the binary is used only where
        1 never hurts (one row per condition), so identical rows may share it (lever merge)."""
        if not extra_terms:  # the exact range over plans, from the coefficients
            groups = self._groups(t)
            d = np.array(coef_row, dtype=float)
            for g in groups:
                d[g] -= coef_row[g].min()
            lo = const + sum(coef_row[g].min() for g in groups)
            hi = const + sum(coef_row[g].max() for g in groups)
        if lo >= thr - 1e-12:  # decided: true for every plan (up to float noise in the sums)
            return True
        if hi < thr:
            return False
        if not extra_terms and "reach" in self.levers and lo + self._reach_of(t)(d) < thr - 1e-9:
            self.counts["out_of_reach"] += 1  # no plan within the budgets meets it
            return False
        if not extra_terms:
            need = thr - lo
            idx, val = self._row_terms(t, np.minimum(d, need), [])
            key = None
            if z is None and share and "merge" in self.levers:
                key = (t.ca.name, idx.tobytes(), val.tobytes(), need)
                if key in self._shared:
                    self.counts["merged"] += 1
                    return self._shared[key]
            if z is None:
                z = self.p.add_var(label)
            if key is not None:
                self._shared[key] = z
            self.p.add_row(np.r_[idx, [z]], np.r_[val, [-need]], lo=0.0)
        else:
            if z is None:
                z = self.p.add_var(label)
            M = thr - lo
            idx, val = self._row_terms(t, coef_row, extra_terms)
            self.p.add_row(np.r_[idx, [z]], np.r_[val, [-M]], lo=thr - const - M)
        return z

    def _reach_of(self, t: AssessmentTables) -> Reach:
        if t.ca.name not in self._reach:
            self._reach[t.ca.name] = Reach(self.L, t, self.req.budget, self.req.departments)
        return self._reach[t.ca.name]

    def _and(self, conds: list, label: str):
        if any(c is False for c in conds):
            return False
        cols = sorted({c for c in conds if c is not True})
        if not cols:
            return True
        if len(cols) == 1:
            return cols[0]
        z = self.p.add_var(label)
        for c in cols:
            self.p.add_row([z, c], [1.0, -1.0], hi=0.0)
        return z


def _sum_forms(forms: list[Form], S: int, X: int):
    coef = np.zeros((S, X))
    const = np.zeros(S)
    extra: dict = {}
    lo = np.zeros(S)
    hi = np.zeros(S)
    for f in forms:
        coef = coef + f.coef
        const = const + f.const
        lo = lo + f.lo
        hi = hi + f.hi
        for s, terms in f.extra.items():
            extra.setdefault(s, []).extend(terms)
    return coef, const, extra, lo, hi

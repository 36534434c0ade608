"""The MILP over option tables, exact with respect to the scoring model.

Decision: binaries ``x[j,o]`` (one option per pushable indicator). Everything a plan changes is
read from the option tables (models.options), so the model is exact by construction:

* each county's raw block sums are affine in x (indicators are separable); per draw and
  block (then pool) the weighted sum's range over all plans is computed from the tables.
  A cap or floor that cannot bind is dropped; one that always binds makes the block a
  constant; one that may bind while a single indicator varies is folded into that
  indicator's option coefficients (exact); otherwise a clip variable with one binary is
  used, relaxed in the direction that never flatters the home county (home: y ≤ clip(e);
  rivals: y ≥ clip(e)), which the optimum tightens to equality where it matters;
* "home not beaten by rival c" in draw s: a binary b with ``H − R_c ≥ ε·[home_loses]``
  when b = 1; when the rivals do not depend on the plan the r-th best rival total is
  compared instead (one binary per draw). Conditions purely in x use per-draw coefficient
  strengthening ``Σ min(d_jo, need)·x_jo ≥ need·z`` (no big-M); draws decided whatever the
  plan get no binary at all;
* grades: ``u_j`` = "the score/rank grade is j or better"; promotion and the home's vetoes
  (cap, drop, disqualify: activations are affine in x) combine through the exact grade
  function: for every pattern of the draw's undecided activations, the pre-veto grade the
  pattern requires is enforced unless the pattern is not the current one (a 0/1 mismatch sum).

Objectives (DESIGN §6): score, expected-rank, rank-prob, grade-prob, joint-grade, min-effort.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from models.options import AssessmentTables, Levels, OptionTables

from .errors import BadInput
from .solver import Problem

EPS_TIE = 1e-6  # strict "home above rival" under the home_loses tie rule [points]
TOL = 1e-9
OBJECTIVES = ("score", "expected-rank", "rank-prob", "grade-prob", "joint-grade", "min-effort")


@dataclass(frozen=True)
class Request:
    """What to optimise. ``grade`` is a grade index (0 best): "grade ≥ g" means index ≤ g.
    ``target`` for min-effort: 'rank' or 'grade'. ``budget``/``departments`` None: no limit."""

    objective: str = "rank-prob"
    assessment: str | None = None
    rank: int = 1
    grade: int = 0
    prob: float | None = None
    target: str = "rank"
    assessments: tuple[str, ...] = ()
    budget: float | None = None
    departments: dict = field(default_factory=dict)


@dataclass
class Model:
    problem: Problem
    levels: Levels
    x_cols: np.ndarray  # (X,) problem column of every option variable
    request: Request
    n_draws: int
    n_rivals: int
    counts: dict = field(default_factory=dict)

    def plan_of(self, values: np.ndarray) -> np.ndarray:
        """Option index per pushable indicator from a solution vector."""
        xv = values[self.x_cols]
        off = self.levels.offsets
        return np.array([int(np.argmax(xv[off[j]:off[j + 1]])) for j in range(self.levels.n)], dtype=int)

    def start_from(self, plan: np.ndarray, solver: str = "highs") -> bool:
        """Warm start from a plan: every column's value, found by solving the model with the
        plan's x fixed (the remaining binaries decouple per draw). False if the plan is infeasible."""
        import copy

        from .solver import solve

        off = self.levels.offsets
        fixed = copy.copy(self.problem)
        fixed.lb = list(self.problem.lb)
        fixed.ub = list(self.problem.ub)
        fixed.start = {}
        for j in range(self.levels.n):
            for o in range(off[j + 1] - off[j]):
                c = int(self.x_cols[off[j] + o])
                fixed.lb[c] = fixed.ub[c] = 1.0 if o == plan[j] else 0.0
        r = solve(fixed, solver, time_limit=30.0)
        if not r.has_plan:
            self.problem.start = {}
            return False
        self.problem.start = {k: float(v) for k, v in enumerate(r.values)}
        return True


# --------------------------------------------------------------------------- affine forms over x


@dataclass
class Form:
    """Per draw: ``coef[s] · x_a + const[s] + Σ extra[s]`` with ``lo ≤ value ≤ hi`` over all plans."""

    coef: np.ndarray  # (S, X_a)
    const: np.ndarray  # (S,)
    extra: dict  # s -> list[(col, coef)]
    lo: np.ndarray
    hi: np.ndarray


class Builder:
    def __init__(self, tables: OptionTables, request: Request):
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
        self.counts = {"clip": 0, "beat": 0, "draw": 0, "grade": 0, "pattern_rows": 0, "decided_draws": 0}
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
        """Form of clip(e, floor, cap) for e = (coef, const, extra) with range [lo, hi]."""
        S = coef.shape[0]
        coef = coef.copy()
        const = const.copy()
        extra = {s: list(v) for s, v in extra.items()}
        if not (math.isfinite(floor) or math.isfinite(cap)):
            return Form(coef, const, extra, lo, hi)
        mins, maxs = self._mm(coef, groups)
        varying = (maxs - mins) > TOL
        nvar = varying.sum(axis=1)
        lo = lo.copy()
        hi = hi.copy()
        plain = np.array([not extra.get(s) for s in range(S)], dtype=bool)
        lo[plain] = (const + mins.sum(axis=1))[plain]
        hi[plain] = (const + maxs.sum(axis=1))[plain]
        new_lo = np.clip(lo, floor, cap)
        new_hi = np.clip(hi, floor, cap)
        for s in range(S):
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
            coef = w * (t.core[:, c, :] * (t.core_block == b) + t.over[:, c, :] * (t.over_block == b))
            const = w * t.base_raw[:, c, b]
            blocks.append((coef, const))
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
            lo, hi = self._range(coef, const, {}, groups)
            forms.append(self._clip_form(coef, const, {}, lo, hi, ca.block_floor[b], ca.block_cap[b], groups, t, upper,
                                         f"{label},b{b}"))
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
    def cond_ge(self, t: AssessmentTables, coef_row, const, extra_terms, lo, hi, thr, label, z=None) -> bool | int:
        """A binary z with z = 1 ⇒ coef·x + const + extra ≥ thr (or True/False when decided);
        ``z`` given: add the implication to that binary."""
        if not extra_terms:  # the exact range over plans, from the coefficients
            groups = self._groups(t)
            lo = const + sum(coef_row[g].min() for g in groups)
            hi = const + sum(coef_row[g].max() for g in groups)
        if lo >= thr - 1e-12:  # decided: true for every plan (up to float noise in the sums)
            return True
        if hi < thr:
            return False
        if z is None:
            z = self.p.add_var(label)
        if not extra_terms:
            groups = self._groups(t)
            need = thr - lo
            row = np.zeros_like(coef_row)
            for g in groups:
                d = coef_row[g] - coef_row[g].min()
                row[g] = np.minimum(d, need)
            idx, val = self._row_terms(t, row, [])
            self.p.add_row(np.r_[idx, [z]], np.r_[val, [-need]], lo=0.0)
        else:
            M = thr - lo
            idx, val = self._row_terms(t, coef_row, extra_terms)
            self.p.add_row(np.r_[idx, [z]], np.r_[val, [-M]], lo=thr - const - M)
        return z

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

    def _rivals(self, t: AssessmentTables) -> list[int]:
        ca = t.ca
        return [c for c in range(len(ca.class_of)) if c != ca.home and ca.class_of[c] == ca.class_of[ca.home]]

    def _rival_dq(self, t: AssessmentTables) -> np.ndarray:
        ca = t.ca
        dq = ca.veto_effect == 3
        if not dq.any():
            return np.zeros((self.S, len(ca.class_of)), dtype=bool)
        return t.veto0[..., dq].any(axis=-1)

    def not_beaten(self, t: AssessmentTables, s: int, c: int):
        """Home (assumed not disqualified) is not beaten by rival c in draw s."""
        key = ("nb", t.ca.name, s, c)
        if key in self._cache:
            return self._cache[key]
        H = self.total_form(t, t.ca.home)
        R = self.total_form(t, c)
        eps = EPS_TIE if t.ca.tie_home_loses else 0.0
        coef = H.coef[s] - R.coef[s]
        const = H.const[s] - R.const[s]
        extra = list(H.extra.get(s, [])) + [(col, -v) for col, v in R.extra.get(s, [])]
        lo, hi = self._diff_range(t, coef, const, H, R, s)
        self.counts["beat"] += 1
        z = self.cond_ge(t, coef, const, extra, lo, hi, eps, f"nb[{t.ca.name},{s},{c}]")
        self._cache[key] = z
        return z

    def _diff_range(self, t, coef, const, H, R, s):
        groups = self._groups(t)
        if not H.extra.get(s) and not R.extra.get(s):
            mins = sum(coef[g].min() for g in groups) if groups else 0.0
            maxs = sum(coef[g].max() for g in groups) if groups else 0.0
            return const + mins, const + maxs
        return H.lo[s] - R.hi[s], H.hi[s] - R.lo[s]

    def _is_const(self, t, F: Form, s) -> bool:
        if F.extra.get(s):
            return False
        return all(np.ptp(F.coef[s, g]) <= TOL for g in self._groups(t))

    def _value(self, t, F: Form, s) -> float:
        return float(F.const[s] + sum(F.coef[s, g][0] for g in self._groups(t)))

    def rank_within(self, t: AssessmentTables, s: int, r: int):
        """Home's rank ≤ r in draw s, the home assumed not disqualified."""
        key = ("rank", t.ca.name, s, r)
        if key in self._cache:
            return self._cache[key]
        dq = self._rival_dq(t)[s]
        riv = [c for c in self._rivals(t) if not dq[c]]
        if len(riv) <= r - 1:
            out = True
        else:
            forms = {c: self.total_form(t, c) for c in riv}
            H = self.total_form(t, t.ca.home)
            eps = EPS_TIE if t.ca.tie_home_loses else 0.0
            if all(self._is_const(t, forms[c], s) for c in riv):
                vals = sorted((self._value(t, forms[c], s) for c in riv), reverse=True)
                tau = vals[r - 1] + eps
                out = self.cond_ge(t, H.coef[s], H.const[s], H.extra.get(s, []), H.lo[s], H.hi[s], tau,
                                   f"rank[{t.ca.name},{s},{r}]")
            elif len(riv) - (r - 1) == len(riv) and not any(("nb", t.ca.name, s, c) in self._cache for c in riv):
                # every rival must be beaten: one binary, one strengthened row per rival
                out = None
                for c in riv:
                    R = forms[c]
                    coef = H.coef[s] - R.coef[s]
                    const = H.const[s] - R.const[s]
                    extra = list(H.extra.get(s, [])) + [(col, -v) for col, v in R.extra.get(s, [])]
                    lo, hi = self._diff_range(t, coef, const, H, R, s)
                    res = self.cond_ge(t, coef, const, extra, lo, hi, eps, f"rank[{t.ca.name},{s},{r}]",
                                       z=out if out not in (None, True) else None)
                    if res is False:
                        out = False
                        break
                    if res is not True:
                        out = res
                out = True if out is None else out
            else:
                bs = [self.not_beaten(t, s, c) for c in riv]
                need = len(riv) - (r - 1) - sum(b is True for b in bs)
                cols = [b for b in bs if b not in (True, False)]
                if need <= 0:
                    out = True
                elif len(cols) < need:
                    out = False
                else:
                    out = self.p.add_var(f"rank[{t.ca.name},{s},{r}]")
                    self.p.add_row(np.r_[cols, [out]], np.r_[np.ones(len(cols)), [-float(need)]], lo=0.0)
        self._cache[key] = out
        return out

    # ---- the home's 0/1 statuses that are affine in x: veto activations and promotion
    def _status(self, t: AssessmentTables, s: int, j: int, table: np.ndarray | None, const: bool):
        """('const', bool) or ('var', idx, val): activation = Σ val·x over j's options."""
        if j < 0 or table is None:
            return ("const", bool(const))
        row = table[s].astype(float)
        if np.ptp(row) == 0:
            return ("const", bool(row[0]))
        off = self.L.offsets
        return ("var", self.x_cols[off[j]:off[j + 1]], row)

    def home_dq(self, t: AssessmentTables, s: int) -> list:
        ca = t.ca
        out = []
        for v in np.flatnonzero(ca.veto_effect == 3):
            out.append(self._status(t, s, t.veto_ind[v], t.veto_opt[v], t.veto0[s, ca.home, v]))
        return out

    def _not_dq(self, t, s, cond, label):
        """cond AND home not disqualified in draw s."""
        st = self.home_dq(t, s)
        if any(k[0] == "const" and k[1] for k in st):
            return False
        var = [k for k in st if k[0] == "var"]
        if cond is False:
            return False
        if not var:
            return cond
        z = self.p.add_var(label)
        if cond is not True:
            self.p.add_row([z, cond], [1.0, -1.0], hi=0.0)
        for _, idx, val in var:
            self.p.add_row(np.r_[[z], idx], np.r_[[1.0], val], hi=1.0)
        return z

    def rank_cond(self, t: AssessmentTables, s: int, r: int):
        """Home's rank ≤ r in draw s, disqualification included."""
        ca = t.ca
        dq = self._rival_dq(t)[s]
        riv = self._rivals(t)
        rank_dq = 1 + (len(riv) if ca.tie_home_loses else int(sum(not dq[c] for c in riv)))
        st = self.home_dq(t, s)
        can_dq = any(k[0] == "var" or k[1] for k in st)
        if can_dq and rank_dq <= r:
            return True
        return self._not_dq(t, s, self.rank_within(t, s, r), f"rankdq[{ca.name},{s},{r}]")

    def grade_level(self, t: AssessmentTables, s: int, j: int):
        """u_j: the home's grade by score/rank/quota (before promotion and vetoes) is j or better."""
        ca = t.ca
        G = len(ca.grade_names)
        if j >= G - 1:
            return True
        if j < 0:
            return False
        key = ("u", ca.name, s, j)
        if key in self._cache:
            return self._cache[key]
        if ca.grade_by == "score":
            H = self.total_form(t, ca.home)
            out = self.cond_ge(t, H.coef[s], H.const[s], H.extra.get(s, []), H.lo[s], H.hi[s], ca.grade_criteria[j],
                               f"u[{ca.name},{s},{j}]")
        else:
            if ca.grade_by == "rank":
                r = int(ca.grade_criteria[j])
            else:
                size = int((ca.class_of == ca.class_of[ca.home]).sum())
                r = int(np.ceil(size * ca.grade_criteria[j] - 1e-9))
            out = self.rank_within(t, s, r) if r >= 1 else False
        self._cache[key] = out
        return out

    def grade_cond(self, t: AssessmentTables, s: int, g: int):
        """Home's final grade index ≤ g in draw s (promotion and vetoes included)."""
        ca = t.ca
        G = len(ca.grade_names)
        if g >= G - 1:
            return True
        comps = []  # (kind, status) kind: 'promo' or veto index
        if ca.promotion_col >= 0:
            comps.append(("promo", self._status(t, s, t.promo_ind, t.promo_opt, t.promo_base[s, ca.home])))
        for v in range(len(ca.veto_effect)):
            if ca.veto_effect[v] == 0:
                continue
            comps.append((v, self._status(t, s, t.veto_ind[v], t.veto_opt[v], t.veto0[s, ca.home, v])))
        fixed = {k: st[1] for k, st in comps if st[0] == "const"}
        free = [(k, st) for k, st in comps if st[0] == "var"]
        if len(free) > 12:
            raise BadInput(f"too many plan-dependent vetoes in {ca.name} ({len(free)}) for the exact grade model")

        def final(g0, on: dict) -> int:
            gr = g0
            if on.get("promo"):
                gr = max(gr - ca.promotion_lift, 0)
            for v in range(len(ca.veto_effect)):
                e = ca.veto_effect[v]
                if e == 0 or not on.get(v):
                    continue
                if e == 1:
                    gr = max(gr, int(ca.veto_grade[v]))
                elif e == 2:
                    gr = min(gr + int(ca.veto_grade[v]), G - 1)
                else:
                    gr = G - 1
            return gr

        def need(on) -> int:
            ok = [g0 for g0 in range(G) if final(g0, on) <= g]
            return max(ok) if ok else -1

        if not free:
            return self.grade_level(t, s, need(fixed))
        pats = []
        for bits in itertools.product((0, 1), repeat=len(free)):
            on = dict(fixed)
            on.update({k: bool(b) for (k, _), b in zip(free, bits)})
            pats.append((bits, need(on)))
        needs = {n for _, n in pats}
        if needs == {G - 1}:
            return True
        if needs == {-1}:
            return False
        z = self.p.add_var(f"grade[{ca.name},{s},{g}]")
        self.counts["grade"] += 1
        for bits, n in pats:
            if n >= G - 1:
                continue
            u = self.grade_level(t, s, n)
            if u is True:
                continue
            # z ≤ u + Σ mismatch(bits)
            idx = [z]
            val = [1.0]
            rhs = 0.0
            if u is not False:
                idx.append(u)
                val.append(-1.0)
            for (k, st), b in zip(free, bits):
                _, xi, a = st
                if b == 0:  # mismatch = activation
                    idx += list(xi)
                    val += list(-a)
                else:  # mismatch = 1 − activation
                    idx += list(xi)
                    val += list(a)
                    rhs += 1.0
            self.p.add_row(idx, val, hi=rhs)
            self.counts["pattern_rows"] += 1
        return z

    def expected_not_beaten(self, t: AssessmentTables, s: int) -> list:
        ca = t.ca
        dq = self._rival_dq(t)[s]
        out = []
        for c in self._rivals(t):
            if dq[c]:
                out.append(True if not ca.tie_home_loses else self._not_dq(t, s, True, f"nbdq[{ca.name},{s},{c}]"))
            else:
                out.append(self._not_dq(t, s, self.not_beaten(t, s, c), f"nbq[{ca.name},{s},{c}]"))
        return out

    # ---- budgets and objectives
    def budgets(self):
        L, req = self.L, self.req
        eff = L.var_effort
        if req.budget is not None:
            self.p.add_row(self.x_cols, eff, hi=float(req.budget))
        for d, b in (req.departments or {}).items():
            mask = np.array([L.department[j] == d for j in L.var_ind], dtype=bool)
            if mask.any():
                self.p.add_row(self.x_cols[mask], eff[mask], hi=float(b))

    def add_objective_conds(self, conds: list, weight: float) -> None:
        for c in conds:
            if c is True:
                self.p.obj_const += weight
            elif c is not False:
                self.p.cost[c] += weight


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


def build(tables: OptionTables, req: Request) -> Model:
    """The MILP for ``req`` over the option tables (see the module docstring)."""
    if req.objective not in OBJECTIVES:
        raise BadInput(f"unknown objective '{req.objective}': one of {', '.join(OBJECTIVES)}")
    b = Builder(tables, req)
    S = tables.n_draws
    try:
        t = tables.assessment(req.assessment)
    except KeyError:
        names = [a.ca.name for a in tables.assessments]
        raise BadInput(f"unknown assessment '{req.assessment}': one of {names}") from None
    G = len(t.ca.grade_names)
    n_riv = len(b._rivals(t))
    if req.objective in ("rank-prob", "min-effort") and req.target == "rank" and not 1 <= req.rank <= n_riv + 1:
        raise BadInput(f"--rank must be between 1 and {n_riv + 1} (the class has {n_riv + 1} counties)")
    if not 0 <= req.grade < G:
        raise BadInput(f"--grade must be a grade index between 0 and {G - 1} ({', '.join(t.ca.grade_names)})")
    b.budgets()
    o = req.objective
    if o == "score":
        H = b.total_form(t, t.ca.home)
        for s in range(S):
            idx, val = b._row_terms(t, H.coef[s], H.extra.get(s, []))
            for i, v in zip(idx, val):
                b.p.cost[int(i)] += v / S
        b.p.obj_const += float(H.const.sum()) / S
    elif o == "expected-rank":
        for s in range(S):
            b.add_objective_conds(b.expected_not_beaten(t, s), 1.0 / S)
    elif o in ("rank-prob", "grade-prob", "joint-grade"):
        conds = [cond_for(b, tables, req, t, s) for s in range(S)]
        b.counts["decided_draws"] = sum(c is True or c is False for c in conds)
        b.add_objective_conds(conds, 1.0 / S)
    elif o == "min-effort":
        if req.prob is None or not 0 < req.prob <= 1:
            raise BadInput("min-effort needs --prob P with 0 < P ≤ 1")
        conds = [cond_for(b, tables, req, t, s) for s in range(S)]
        b.counts["decided_draws"] = sum(c is True or c is False for c in conds)
        need = math.ceil(req.prob * S - 1e-9) - sum(c is True for c in conds)
        cols = [c for c in conds if c not in (True, False)]
        if need > len(cols):
            from .errors import Infeasible

            what = f"rank ≤ {req.rank}" if req.target == "rank" else f"grade {t.ca.grade_names[req.grade]} or better"
            raise Infeasible(f"{what} with probability {req.prob:g} is out of reach: even pushing every indicator to "
                             f"its limit wins at most {(len(cols) + sum(c is True for c in conds)) / S:.3f} of the draws")
        if need > 0:
            b.p.add_row(cols, np.ones(len(cols)), lo=float(need))
        for k, e in zip(b.x_cols, b.L.var_effort):
            b.p.cost[int(k)] += float(e)
    b.counts["draw"] = S
    return Model(b.p, b.L, b.x_cols, req, S, n_riv, dict(b.counts))


def cond_for(b: Builder, tables: OptionTables, req: Request, t: AssessmentTables, s: int):
    o = req.objective
    if o == "rank-prob" or (o == "min-effort" and req.target == "rank"):
        return b.rank_cond(t, s, req.rank)
    if o == "joint-grade":
        names = req.assessments or tuple(a.ca.name for a in tables.assessments)
        return b._and([b.grade_cond(tables.assessment(n), s, req.grade) for n in names], f"joint[{s}]")
    return b.grade_cond(t, s, req.grade)

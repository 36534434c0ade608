"""Rank and grade conditions of the home county in one draw, as binaries over the affine forms.

"Home not beaten by rival c": a binary with ``H − R_c ≥ ε`` when it is 1 (ε = EPS_TIE under
home_loses, −TIE_TOL under shared ties: totals within TIE_TOL are equal, as in models.scoring);
when the rivals do not depend on the plan the r-th best rival total is compared instead. Grades:
``u_j`` =
"the score/rank grade is j or better"; promotion and the home's vetoes (cap, drop, disqualify:
activations are affine in x) combine through the exact grade function, one row per pattern of the
draw's undecided activations.
"""
from __future__ import annotations

import itertools

import numpy as np

from models.options import AssessmentTables
from models.scoring import GRADE_EFFECTS, TIE_TOL

from ..errors import BadInput
from ..i18n import _
from .forms import TOL, Form, FormBuilder

EPS_TIE = 1e-6  # strict "home above rival" under the home_loses tie rule [points]


class ConditionBuilder(FormBuilder):
    """Adds the home county's rank and grade conditions per draw to the forms."""

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
        eps = EPS_TIE if t.ca.tie_home_loses else -TIE_TOL
        coef = H.coef[s] - R.coef[s]
        const = H.const[s] - R.const[s]
        extra = list(H.extra.get(s, [])) + [(col, -v) for col, v in R.extra.get(s, [])]
        lo, hi = self._diff_range(t, coef, const, H, R, s)
        self.counts["beat"] += 1
        z = self.cond_ge(t, coef, const, extra, lo, hi, eps, f"nb[{t.ca.name},{s},{c}]", share=True)
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
            eps = EPS_TIE if t.ca.tie_home_loses else -TIE_TOL
            if all(self._is_const(t, forms[c], s) for c in riv):
                vals = sorted((self._value(t, forms[c], s) for c in riv), reverse=True)
                tau = vals[r - 1] + eps
                out = self.cond_ge(t, H.coef[s], H.const[s], H.extra.get(s, []), H.lo[s], H.hi[s], tau,
                                   f"rank[{t.ca.name},{s},{r}]", share=True)
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
            out = self.cond_ge(t, H.coef[s], H.const[s], H.extra.get(s, []), H.lo[s], H.hi[s],
                               ca.grade_criteria[j] - TIE_TOL, f"u[{ca.name},{s},{j}]", share=True)
        else:
            if ca.grade_by == "rank":
                r = int(ca.grade_criteria[j])
            else:
                size = int((ca.class_of == ca.class_of[ca.home]).sum())
                r = int(np.ceil(size * ca.grade_criteria[j] - 1e-9))
            out = self.rank_within(t, s, r) if r >= 1 else False
            if np.isfinite(ca.grade_min[j]) and out is not False:  # a quota with a minimum score: both must hold
                H = self.total_form(t, ca.home)
                sc = self.cond_ge(t, H.coef[s], H.const[s], H.extra.get(s, []), H.lo[s], H.hi[s],
                                  ca.grade_min[j] - TIE_TOL, f"umin[{ca.name},{s},{j}]", share=True)
                out = self._and([out, sc], f"uq[{ca.name},{s},{j}]")
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
            if ca.veto_effect[v] not in GRADE_EFFECTS:
                continue
            comps.append((v, self._status(t, s, t.veto_ind[v], t.veto_opt[v], t.veto0[s, ca.home, v])))
        fixed = {k: st[1] for k, st in comps if st[0] == "const"}
        free = [(k, st) for k, st in comps if st[0] == "var"]
        if len(free) > 12:
            raise BadInput(_("too many plan-dependent vetoes in {assessment} ({count}) for the exact grade model").format(
                assessment=ca.name, count=len(free)))

        def final(g0, on: dict) -> int:
            gr = g0
            if on.get("promo"):
                gr = max(gr - ca.promotion_lift, 0)
            for v in range(len(ca.veto_effect)):
                e = ca.veto_effect[v]
                if e not in GRADE_EFFECTS or not on.get(v):
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
                _kind, xi, a = st
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

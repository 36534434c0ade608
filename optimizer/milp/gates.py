"""Conditions on points in the MILP, exactly: a condition (zero an indicator, zero or cap a block)
whose trigger the home county pushes holds, per draw, as a 0/1 affine function of the trigger's
options, ``act = Σ_o a[s, o]·x[j, o]`` (read from the option tables, models.options.Gate).

* zero an indicator that no plan pushes: its points c[s] become ``c·(1 − act)``, affine in x;
* zero an indicator that a plan pushes (another column): a variable y per draw with
  ``y ≤ e + M₁·act`` and ``y ≤ M₂·(1 − act)`` (e the target's points, affine in its options);
* zero or cap a block: the same two rows on the block's clipped form
  (``y ≤ F + M₁·act, y ≤ M₂·(1 − act)``; cap: ``y ≤ F, y ≤ cap + M₂·(1 − act)``).

Each y bounds the home's points from above and is pushed up to the truth by every objective
(the home's total only ever needs to be large), as the clip variables of :mod:`.forms` are. For
rivals, and for triggers no plan pushes, a condition is a constant per draw: the form is zeroed
or clipped in those draws.
"""
from __future__ import annotations

import numpy as np

from models.options import AssessmentTables

TOL = 1e-9


def activation(fb, t: AssessmentTables, s: int, v: int, c: int):
    """('const', bool) or ('var', x columns, coefficients): condition v for county c in draw s."""
    j = t.veto_ind[v] if c == t.ca.home else -1
    if j < 0 or t.veto_opt[v] is None:
        return ("const", bool(t.veto0[s, c, v]))
    row = t.veto_opt[v][s].astype(float)
    if np.ptp(row) == 0:
        return ("const", bool(row[0]))
    off = fb.L.offsets
    return ("var", fb.x_cols[off[j]:off[j + 1]], row)


def _positions(fb, t: AssessmentTables, j: int) -> np.ndarray:
    off = fb.L.offsets
    return np.searchsorted(t.xs, np.arange(off[j], off[j + 1]))


def gate_indicators(fb, t: AssessmentTables, coefs: list, consts: list, label: str):
    """Apply the home's zero_indicator gates to its per-block (coef (S, X), const (S,)) before the
    block clip. Returns per block the extra terms {s: [(column, 1.0)]} and their bounds {s: (lo, hi)}."""
    B, S = len(coefs), fb.S
    extras = [{} for _ in range(B)]
    bounds = [{} for _ in range(B)]
    h, ca = t.ca.home, t.ca
    for g in (g for g in t.gates if g.effect == 0):
        for b in range(B):
            w = ca.block_weight[b]
            if g.const is not None:
                sub = w * g.const[:, b]
                if not np.any(sub):
                    continue
                trig = _positions(fb, t, g.ind)
                for s in range(S):
                    st = activation(fb, t, s, g.veto, h)
                    if st[0] == "const":
                        consts[b][s] += 0.0 if st[1] else sub[s]
                    else:  # c·(1 − act): affine in the trigger's options
                        consts[b][s] += sub[s]
                        coefs[b][s, trig] -= sub[s] * st[2]
                continue
            mask = np.zeros(len(t.xs), dtype=bool)
            for p in t.parts:
                mask |= (p.local == g.local) & (p.block == b)
            if not mask.any():
                continue
            sub = np.zeros((S, len(t.xs)))
            for p in t.parts:
                m = (p.local == g.local) & (p.block == b)
                sub[:, m] += w * p.points[:, h, m]
            coefs[b][:, mask] -= sub[:, mask]
            tpos = g.target_pos
            for s in range(S):
                st = activation(fb, t, s, g.veto, h)
                if st[0] == "const":
                    if not st[1]:
                        coefs[b][s, mask] += sub[s, mask]
                    continue
                e = sub[s, tpos]
                lo, hi = float(e.min()), float(e.max())
                y = fb.p.add_var(f"gate[{label},b{b},v{g.veto},{s}]", min(lo, 0.0), max(hi, 0.0), integer=False)
                idx_e = fb.x_cols[t.xs[tpos]]
                _, idx_a, a = st
                m1, m2 = max(0.0, -lo), max(0.0, hi)
                # y ≤ e + M₁·act ;  y ≤ M₂·(1 − act)
                fb.p.add_row(np.r_[[y], idx_e, idx_a], np.r_[[1.0], -e, -m1 * a], hi=0.0)
                fb.p.add_row(np.r_[[y], idx_a], np.r_[[1.0], m2 * a], hi=m2)
                extras[b].setdefault(s, []).append((y, 1.0))
                lo0, hi0 = bounds[b].get(s, (0.0, 0.0))
                bounds[b][s] = (lo0 + min(lo, 0.0), hi0 + max(hi, 0.0))
                fb.counts["gate"] = fb.counts.get("gate", 0) + 1
    return extras, bounds


def gate_block(fb, t: AssessmentTables, c: int, b: int, form, groups, upper: bool, label: str):
    """The block's clipped form (a :class:`.forms.Form`) with its zero_block / cap_block conditions
    applied, in their order."""
    Form = type(form)
    ca = t.ca
    for v in np.flatnonzero((ca.veto_effect >= 4) & (ca.veto_target == b)):
        zero, cap = ca.veto_effect[v] == 4, float(ca.veto_cap[v])
        sts = [activation(fb, t, s, int(v), c) for s in range(fb.S)]
        on = np.array([st[0] == "const" and st[1] for st in sts])
        coef, const = form.coef.copy(), form.const.copy()
        extra = {s: list(x) for s, x in form.extra.items()}
        lo, hi = form.lo.copy(), form.hi.copy()
        if on.any() and zero:
            coef[on], const[on], lo[on], hi[on] = 0.0, 0.0, 0.0, 0.0
            for s in np.flatnonzero(on):
                extra.pop(int(s), None)
        form = Form(coef, const, extra, lo, hi)
        if on.any() and not zero:
            caps = np.where(on, cap, np.inf)
            form = fb._clip_form(form.coef, form.const, form.extra, form.lo, form.hi, -np.inf, caps, groups, t, upper,
                                 f"{label},cap{v}")
        var = [s for s, st in enumerate(sts) if st[0] == "var"]
        if not var:
            continue
        coef, const = form.coef.copy(), form.const.copy()
        extra = {s: list(x) for s, x in form.extra.items()}
        lo, hi = form.lo.copy(), form.hi.copy()
        for s in var:
            _, idx_a, a = sts[s]
            L, U = float(lo[s]), float(hi[s])
            if not form.extra.get(s):
                L = const[s] + sum(coef[s, g].min() for g in groups)
                U = const[s] + sum(coef[s, g].max() for g in groups)
            ylo, yhi = (min(L, 0.0), max(U, 0.0)) if zero else (min(L, cap), U)
            y = fb.p.add_var(f"gate[{label},v{v},{s}]", ylo, yhi, integer=False)
            idx, val = fb._row_terms(t, coef[s], extra.get(s, []))
            if zero:  # y ≤ F + M₁·act ; y ≤ M₂·(1 − act)
                m1, m2 = max(0.0, -L), max(0.0, U)
                fb.p.add_row(np.r_[[y], idx, idx_a], np.r_[[1.0], -val, -m1 * a], hi=const[s])
                fb.p.add_row(np.r_[[y], idx_a], np.r_[[1.0], m2 * a], hi=m2)
            else:  # y ≤ F ; y ≤ cap + M₂·(1 − act)
                m2 = max(0.0, U - cap)
                fb.p.add_row(np.r_[[y], idx], np.r_[[1.0], -val], hi=const[s])
                fb.p.add_row(np.r_[[y], idx_a], np.r_[[1.0], m2 * a], hi=cap + m2)
            coef[s], const[s] = 0.0, 0.0
            extra[s] = [(y, 1.0)]
            lo[s], hi[s] = ylo, yhi
            fb.counts["gate"] = fb.counts.get("gate", 0) + 1
        form = Form(coef, const, extra, lo, hi)
    return form

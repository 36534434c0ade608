"""Heuristic plans on the same draws: the warm start (greedy then local search) and the baselines
to beat at the same budget: (a) the speech's rule, (b) greedy points per unit of effort, (c) an
even split of the budget. Plans are option indices per pushable indicator.

Plans are scored in batches (:class:`Scorer`): every candidate move of a greedy or local-search
step at once, from the home county's block sums and its ranking class's rivals only (the rivals'
totals are computed once, and again only for moves of an indicator whose rule makes the rivals'
points depend on the home county's value), with the functions of :mod:`models.scoring`. A test
holds the batch scores equal to scoring each plan's outcome on every county.

The warm start is bounded by work, not time: greedy raises one level per step (at most as many
steps as there are levels), the local search takes at most ``LOCAL_MOVES`` improving moves; a
wall-clock :class:`~optimizer.clock.Cap` only stops a search that would run past it, and says so.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from models.options import AssessmentTables, Levels, OptionTables, evaluate, restrict_assessment
from models.scoring import TIE_TOL, grades, quota_size, totals

from .clock import WARM_START, Cap

BATCH = 512  # candidate plans scored at once (memory: BATCH × draws × class size)
LOCAL_MOVES = 1000  # improving moves the warm start's local search takes at most


def within_budget(levels: Levels, plan: np.ndarray, budget: float | None, departments: dict | None) -> bool:
    return bool(within_budgets(levels, np.asarray(plan, dtype=int)[None, :], budget, departments)[0])


def within_budgets(levels: Levels, plans: np.ndarray, budget: float | None, departments: dict | None) -> np.ndarray:
    """(K,) whether each plan (K, J) keeps the total budget and every department's."""
    eff = _efforts(levels, plans)
    ok = np.ones(len(plans), dtype=bool)
    if budget is not None:
        ok &= eff.sum(axis=1) <= budget + 1e-9
    for d, b in (departments or {}).items():
        mine = np.array([dep == d for dep in levels.department], dtype=bool)
        ok &= eff[:, mine].sum(axis=1) <= b + 1e-9
    return ok


def _efforts(levels: Levels, plans: np.ndarray) -> np.ndarray:
    """(K, J) effort of each plan's level of each indicator."""
    flat = levels.var_effort
    return flat[levels.offsets[:-1][None, :] + np.asarray(plans, dtype=int)] if levels.n else np.zeros((len(plans), 0))


def metric(tables: OptionTables, req, plan: np.ndarray) -> float:
    """The request's objective for a plan, from the option tables (min-effort: the target probability)."""
    return Scorer(tables, req)(plan)[0]


def _names(tables, req):
    if req.objective == "joint-grade":
        return req.assessments or tuple(a.ca.name for a in tables.assessments)
    return (tables.assessment(req.assessment).ca.name,)


class _Assessment:
    """One assessment of the request on the home county's ranking class: the home county's block
    sums, the rivals' totals, and what each option adds to them."""

    def __init__(self, t: AssessmentTables, L: Levels):
        ca = t.ca
        h = ca.home
        self.t, self.L = t, L
        members = np.flatnonzero(ca.class_of == ca.class_of[h])
        self.rivals = members[members != h]
        S, C, X = t.core.shape
        B = t.base_raw.shape[-1]
        self.col = np.full(int(L.offsets[-1]), -1, dtype=int)  # global option -> column of t
        self.col[t.xs] = np.arange(X)
        # what each option adds to the home county's block sums, over every layer (its own points,
        # those of indicators taking its value), as models.options.contributions; a last column of
        # zeros for the options of other assessments
        self.Dh = np.zeros((S, B, X + 1))
        for part in t.parts:
            x = np.flatnonzero(part.local >= 0)
            np.add.at(self.Dh, (slice(None), part.block[x], x), part.points[:, h][:, x])
        # indicators whose options change a rival's points (peer-relative rules)
        R = self.rivals
        riv_pts = [part.points[:, R] for part in t.parts]
        self.peer = np.zeros(L.n, dtype=bool)
        for j in np.asarray(t.inds, dtype=int):
            cols = self.col[L.offsets[j]:L.offsets[j + 1]]
            self.peer[j] = any(bool((q[..., cols] != q[..., cols[:1]]).any()) for q in riv_pts)
        ind_of_col = np.repeat(np.asarray(t.inds, dtype=int), L.sizes[t.inds]) if len(t.inds) else np.zeros(0, int)
        px = np.flatnonzero(self.peer[ind_of_col]) if len(ind_of_col) else np.zeros(0, int)
        self.pcol = np.full(X, -1, dtype=int)  # column of t -> column of Dr (peer options), −1 otherwise
        self.pcol[px] = np.arange(len(px))
        # the rivals' contributions of the peer options; a last column of zeros for every other option
        self.Dr = np.zeros((S, len(R), B, len(px) + 1))
        for part, q in zip(t.parts, riv_pts):
            ok = part.local[px] >= 0
            kp = np.flatnonzero(ok)
            np.add.at(self.Dr, (slice(None), slice(None), part.block[px[ok]], kp), q[..., px[ok]])
        self.home_view = restrict_assessment(ca, [h])
        if ca.grade_by == "quota":  # grades by quota are grades by rank within the class
            n = len(members)
            crit = np.array([quota_size(q, n) for q in ca.grade_criteria], dtype=float)
            self.home_view = replace(self.home_view, grade_by="rank", grade_criteria=crit)
        self.rival_view = restrict_assessment(ca, R)
        self.drawn = None if t.drawn_total is None else t.drawn_total[:, R]
        dq = ca.veto_effect == 3
        self.rival_dq = t.veto0[:, R][..., dq].any(axis=-1) if dq.any() else np.zeros((S, len(R)), dtype=bool)
        self.n_riv = len(R)
        # the rivals' block sums without the peer options: the other pushable indicators' points
        # are the same at every option of theirs (those of the status quo)
        self.rival_base = t.base_raw[:, R].copy()
        for j in np.asarray(t.inds, dtype=int):
            if not self.peer[j]:
                kk = self.col[L.offsets[j]]
                for part, q in zip(t.parts, riv_pts):
                    if part.local[kk] >= 0:
                        self.rival_base[:, :, part.block[kk]] += q[:, :, kk]
        self.fixed_rivals = None if self.peer.any() else self.rival_totals(self.rival_base)

    def state(self, plan: np.ndarray):
        """(home block sums (S, B), rival block sums (S, R, B), None when no option moves them) of a plan."""
        t, L = self.t, self.L
        k = self.col[L.offsets[t.inds] + np.asarray(plan, dtype=int)[t.inds]]
        raw_h = t.base_raw[:, t.ca.home] + self.Dh[..., k].sum(axis=-1)
        if not self.peer.any():
            return raw_h, None
        return raw_h, self.rival_base + self.Dr[..., self.pcol[k][self.pcol[k] >= 0]].sum(axis=-1)

    def column(self, j, o):
        """Columns of Dh of indicator(s) j at option(s) o; the zero column for another assessment's."""
        c = self.col[self.L.offsets[j] + o]
        return np.where(c >= 0, c, self.Dh.shape[-1] - 1)

    def peer_column(self, c):
        """Columns of Dr of the Dh columns c; the zero column for options that do not move the rivals."""
        pc = np.append(self.pcol, -1)[c]
        return np.where(pc >= 0, pc, self.Dr.shape[-1] - 1)

    def rival_totals(self, raw_r):
        """Rival totals (…, S, R) with −inf for a disqualified rival (it ranks below everyone)."""
        return np.where(self.rival_dq, -np.inf, totals(raw_r, self.rival_view, self.drawn))

    def outcome(self, plans: np.ndarray, raw_h: np.ndarray, riv: np.ndarray):
        """Home total, rank and grade (K, S) of plans (K, J) with home block sums (K, S, B) and
        rival totals (S, R) or (K, S, R) (disqualified: −inf)."""
        t, ca = self.t, self.t.ca
        h = ca.home
        total = totals(raw_h[..., None, :], self.home_view)[..., 0]
        V = len(ca.veto_effect)
        vet = np.broadcast_to(t.veto0[:, h], (len(plans),) + t.veto0[:, h].shape).copy()
        for v, j in enumerate(t.veto_ind):
            if j >= 0:
                vet[:, :, v] = t.veto_opt[v][:, plans[:, j]].T
        dq = vet[..., ca.veto_effect == 3].any(axis=-1) if V else np.zeros(total.shape, dtype=bool)
        mine = np.where(dq, -np.inf, total)
        with np.errstate(invalid="ignore"):  # −inf − −inf: disqualified counties tie among themselves
            ahead = riv > mine[..., None] + TIE_TOL  # as models.scoring.ranks
            if ca.tie_home_loses:
                ahead |= (np.abs(riv - mine[..., None]) <= TIE_TOL) | (riv == mine[..., None])
        rank = 1 + ahead.sum(axis=-1)
        prom = None
        if ca.promotion_col >= 0:
            prom = np.broadcast_to(t.promo_base[:, h], total.shape).copy()
            if t.promo_ind >= 0:
                prom = t.promo_opt[:, plans[:, t.promo_ind]].T
            prom = prom[..., None]
        grade = grades(total[..., None], rank[..., None], self.home_view, vet[..., None, :], prom)[..., 0]
        return total, rank, grade


class Scorer:
    """Plans scored in batches on the option tables: ``scorer(plan) -> (objective, expected home
    total)``; :meth:`moves` scores many one- or two-indicator changes of a plan at once."""

    def __init__(self, tables: OptionTables, req, dense: bool = True):
        self.tables, self.req, self.L = tables, req, tables.levels
        self.parts = [_Assessment(tables.assessment(n), self.L) for n in _names(tables, req)]
        # conditions across items that a plan decides (gates) act on whole blocks: those plans are
        # scored one by one by models.options.evaluate, exactly
        self.exact = any(len(p.t.gates) for p in self.parts)

    def _exact(self, plans) -> tuple[np.ndarray, np.ndarray]:
        from .request import metric_of_outcomes

        vals, homes = [], []
        t0 = self.parts[0].t
        for plan in plans:
            outs = {p.t.ca.name: evaluate(p.t, self.L, plan) for p in self.parts}
            vals.append(metric_of_outcomes(self.tables, self.req, outs))
            homes.append(float(outs[t0.ca.name].total[:, t0.ca.home].mean()))
        return np.array(vals), np.array(homes)

    def _value(self, outs) -> tuple[np.ndarray, np.ndarray]:
        """(objective (K,), expected home total (K,)) from per-assessment (total, rank, grade) (K, S)."""
        req, o = self.req, self.req.objective
        total0 = outs[0][0]
        if o == "joint-grade":
            ok = np.ones(total0.shape, dtype=bool)
            for _, _, g in outs:
                ok &= g <= req.grade
            v = ok.mean(axis=1)
        else:
            total, rank, grade = outs[0]
            if o == "score":
                v = total.mean(axis=1)
            elif o == "expected-rank":
                v = (self.parts[0].n_riv + 1 - rank).mean(axis=1)
            elif o == "rank-prob" or (o == "min-effort" and req.target == "rank"):
                v = (rank <= req.rank).mean(axis=1)
            else:
                v = (grade <= req.grade).mean(axis=1)
        return v, total0.mean(axis=1)

    def raws(self, plan) -> list:
        return [p.state(plan) for p in self.parts]

    def value(self, plan, raws) -> tuple[float, float]:
        plans = np.asarray(plan, dtype=int)[None, :]
        if self.exact:
            v, hv = self._exact(plans)
            return float(v[0]), float(hv[0])
        outs = []
        for p, (raw_h, raw_r) in zip(self.parts, raws):
            riv = p.fixed_rivals if raw_r is None else p.rival_totals(raw_r)
            outs.append(p.outcome(plans, raw_h[None], riv))
        v, hv = self._value(outs)
        return float(v[0]), float(hv[0])

    def __call__(self, plan) -> tuple[float, float]:
        return self.value(plan, self.raws(plan))

    def moves(self, plan, raws, changes: list[tuple]) -> tuple[np.ndarray, np.ndarray]:
        """(objective (K,), expected home total (K,)) of K changes of ``plan``, each a tuple of the
        same number of (indicator, new option) pairs applied in turn to the block sums ``raws``."""
        K = len(changes)
        vals, homes = np.empty(K), np.empty(K)
        plan = np.asarray(plan, dtype=int)
        if self.exact:
            plans = np.repeat(plan[None, :], K, axis=0)
            for k, ch in enumerate(changes):
                for j, o in ch:
                    plans[k, j] = o
            return self._exact(plans)
        for lo in range(0, K, BATCH):
            chunk = np.array(changes[lo:lo + BATCH], dtype=int).reshape(min(BATCH, K - lo), -1, 2)  # (k, steps, 2)
            plans = np.repeat(plan[None, :], len(chunk), axis=0)
            outs = []
            for p, (raw_h, raw_r) in zip(self.parts, raws):
                rh = raw_h[None]
                cur = plans.copy()
                idx = np.arange(len(chunk))
                for step in range(chunk.shape[1]):
                    j, o = chunk[:, step, 0], chunk[:, step, 1]
                    c_new, c_old = p.column(j, o), p.column(j, cur[idx, j])
                    rh = rh + np.moveaxis(p.Dh[..., c_new], -1, 0) - np.moveaxis(p.Dh[..., c_old], -1, 0)
                    cur[idx, j] = o
                if raw_r is None:
                    riv = p.fixed_rivals
                else:  # the rivals' totals move only for the candidates moving a peer-relative indicator
                    riv = np.broadcast_to(p.rival_totals(raw_r), (len(chunk),) + raw_r.shape[:2]).copy()
                    moving = np.flatnonzero(p.peer[chunk[:, :, 0]].any(axis=1))
                    if len(moving):
                        rr = raw_r[None]
                        before = plans[moving].copy()
                        for step in range(chunk.shape[1]):
                            j, o = chunk[moving, step, 0], chunk[moving, step, 1]
                            pn = p.peer_column(p.column(j, o))
                            po = p.peer_column(p.column(j, before[np.arange(len(moving)), j]))
                            rr = rr + np.moveaxis(p.Dr[..., pn], -1, 0) - np.moveaxis(p.Dr[..., po], -1, 0)
                            before[np.arange(len(moving)), j] = o
                        riv[moving] = p.rival_totals(rr)
                outs.append(p.outcome(cur, rh, riv))
            v, hv = self._value(outs)
            vals[lo:lo + len(chunk)], homes[lo:lo + len(chunk)] = v, hv
        return vals, homes

    def move(self, plan, raws, j: int, o: int):
        """(new plan, new block sums) with indicator j moved to option o."""
        new = []
        for p, (raw_h, raw_r) in zip(self.parts, raws):
            c_new, c_old = p.column(j, o), p.column(j, plan[j])
            rh = raw_h + p.Dh[..., c_new] - p.Dh[..., c_old]
            rr = raw_r
            if raw_r is not None:
                rr = raw_r + p.Dr[..., p.peer_column(c_new)] - p.Dr[..., p.peer_column(c_old)]
            new.append((rh, rr))
        q = np.asarray(plan, dtype=int).copy()
        q[j] = o
        return q, new


def greedy(tables: OptionTables, req, plan=None, cap: Cap | None = None, scorer: Scorer | None = None) -> np.ndarray:
    """Raise levels one move at a time, best gain per unit of effort first (ties broken by the
    expected home score), while the budgets allow. Every move of a step is scored in one batch.
    Each step raises a level, so there are at most as many steps as levels; ``cap``: a safety cap."""
    L = tables.levels
    sc = scorer or Scorer(tables, req)
    plan = np.zeros(L.n, dtype=int) if plan is None else plan.copy()
    raws = sc.raws(plan)
    cur, cur_h = sc.value(plan, raws)
    target = req.prob if req.objective == "min-effort" else None
    while True:
        if target is not None and cur >= target - 1e-12:
            break
        if cap is not None and cap.over():
            break
        cands = []
        for j in range(L.n):  # raising j further costs more: stop at the first level out of budget
            ups = np.arange(plan[j] + 1, len(L.push[j]))
            if not len(ups):
                continue
            trial = np.repeat(plan[None, :], len(ups), axis=0)
            trial[:, j] = ups
            ok = within_budgets(L, trial, req.budget, req.departments)
            n_ok = len(ups) if ok.all() else int(np.argmin(ok))
            cands += [(j, int(o)) for o in ups[:n_ok]]
        if not cands:
            break
        v, hv = sc.moves(plan, raws, [((j, o),) for j, o in cands])
        de = np.array([L.effort[j][o] - L.effort[j][plan[j]] for j, o in cands])
        key = ((v - cur) + 1e-4 * (hv - cur_h) / max(abs(cur_h), 1.0)) / (de + 1e-9)
        best, best_key = None, 0.0
        for k in range(len(cands)):  # the first candidate better by more than 1e-15, in order
            if key[k] > best_key + 1e-15:
                best, best_key = k, key[k]
        if best is None:
            break
        j, o = cands[best]
        plan, raws = sc.move(plan, raws, j, o)
        cur, cur_h = float(v[best]), float(hv[best])
    return plan


def local_search(tables: OptionTables, req, plan: np.ndarray, cap: Cap | None = None,
                 scorer: Scorer | None = None, moves: int = LOCAL_MOVES) -> np.ndarray:
    """Single-indicator moves, then pair moves (one up a level, one down), each round scored in one
    batch; the best improving move (a better objective, or the same with less effort) is taken,
    within the budgets, until none improves or ``moves`` were taken; ``cap``: a safety cap."""
    L = tables.levels
    sc = scorer or Scorer(tables, req)
    plan = plan.copy()
    mine = req.objective == "min-effort"
    raws = sc.raws(plan)
    cur, ce = sc.value(plan, raws)[0], L.plan_effort(plan)
    for _ in range(moves):
        if cap is not None and cap.over():
            break
        moved = False
        for changes in (_singles(L, plan), _pairs(L, plan)):
            if not changes:
                continue
            trial = np.repeat(plan[None, :], len(changes), axis=0)
            for k, ch in enumerate(changes):
                for j, o in ch:
                    trial[k, j] = o
            ok = within_budgets(L, trial, req.budget, req.departments)
            changes = [c for c, g in zip(changes, ok) if g]
            if not changes:
                continue
            v, _ = sc.moves(plan, raws, changes)
            e = _efforts(L, trial[ok]).sum(axis=1)
            good = (v >= req.prob - 1e-12) & (e < ce - 1e-9) if mine else \
                (v > cur + 1e-12) | ((np.abs(v - cur) <= 1e-12) & (e < ce - 1e-9))
            if not good.any():
                continue
            idx = np.flatnonzero(good)
            best = idx[np.lexsort((e[idx], -v[idx]))[0]] if not mine else idx[np.argmin(e[idx])]
            for j, o in changes[best]:
                plan, raws = sc.move(plan, raws, j, o)
            cur, ce, moved = float(v[best]), L.plan_effort(plan), True
            break
        if not moved:
            break
    return plan


def _singles(L: Levels, plan) -> list:
    return [((j, o),) for j in range(L.n) for o in range(len(L.push[j])) if o != plan[j]]


def _pairs(L: Levels, plan) -> list:
    """j up one level, k down one level."""
    return [((j, int(plan[j]) + 1), (k, int(plan[k]) - 1)) for j in range(L.n) if plan[j] + 1 < len(L.push[j])
            for k in range(L.n) if k != j and plan[k] > 0]


def warm_start(tables: OptionTables, req, seconds: float | None = 10.0, cap: Cap | None = None) -> np.ndarray:
    """Greedy then local search on the same draws (bounded by work); ``seconds`` [s], or ``cap``:
    the safety cap (``cap.bit`` tells whether it stopped the search)."""
    cap = cap or Cap(seconds, WARM_START)
    sc = Scorer(tables, req)
    p = greedy(tables, req, cap=cap, scorer=sc)
    return local_search(tables, req, p, cap=cap, scorer=sc)


# --------------------------------------------------------------------------- baselines


def _fill(levels: Levels, order: list[tuple[int, int]], budget, departments) -> np.ndarray:
    plan = np.zeros(levels.n, dtype=int)
    for j, o in order:
        if o <= plan[j]:
            continue
        cand = plan.copy()
        cand[j] = o
        if within_budget(levels, cand, budget, departments):
            plan = cand
    return plan


def speech_rule(scn, tables: OptionTables, req) -> np.ndarray:
    """(a) The speech's rule: first lift weak items (forecast short of basic) to basic, then
    strong items to full, in the scheme's order, as far as the budgets allow."""
    from models.schema import BaseStep, Binary, Ratio, Threshold

    L = tables.levels
    weak, strong = [], []
    for j, name in enumerate(L.names):
        ind = scn.indicator(name)
        r = ind.rule
        s = 1.0 if ind.direction == "higher" else -1.0
        x0 = L.value[j][0]
        if isinstance(r, Threshold):
            basic, full = r.basic, r.full
        elif isinstance(r, (Binary, BaseStep, Ratio)):
            basic = full = r.target
        else:
            continue

        def level_for(target):
            ok = [o for o in range(len(L.push[j])) if s * L.value[j][o] >= s * target - 1e-9]
            return ok[0] if ok else None

        if s * x0 < s * basic:
            o = level_for(basic)
            if o is not None:
                weak.append((j, o))
        else:
            o = level_for(full)
            if o is not None:
                strong.append((j, o))
    return _fill(L, weak + strong, req.budget, req.departments)


def greedy_points(tables: OptionTables, req) -> np.ndarray:
    """(b) Greedy by expected points per unit of effort (the home county's expected total)."""
    from dataclasses import replace

    r = replace(req, objective="score")
    return greedy(tables, r)


def even_split(tables: OptionTables, req) -> np.ndarray:
    """(c) Even split: the whole budget shared across the pushable indicators as evenly as their
    levels allow (:func:`spread`)."""
    return spread(tables.levels, req.budget, req.departments)


def spread(levels: Levels, budget: float | None, departments: dict | None) -> np.ndarray:
    """Levels that spend the budgets as evenly as the levels allow: from the status quo, raise one
    level at a time the indicator whose effort after the raise is smallest (so the largest effort
    of any indicator stays as small as it can; ties: the first), while the total and every
    department's budget allow, until no next level fits: what is left of a budget is then less
    than the next step of every indicator it binds below its top level. Never over budget."""
    L = levels
    plan = np.zeros(L.n, dtype=int)
    if L.n == 0:
        return plan
    top = L.sizes - 1
    members = {d: np.array([x == d for x in L.department], dtype=bool) for d in (departments or {})}
    eff = np.array([e[0] for e in L.effort], dtype=float)
    while True:
        up = np.minimum(plan + 1, top)
        nxt = np.array([L.effort[j][up[j]] for j in range(L.n)], dtype=float)
        step = nxt - eff
        ok = plan < top
        if budget is not None:
            ok &= step <= budget - eff.sum() + 1e-9
        for d, mine in members.items():
            ok &= ~mine | (step <= departments[d] - eff[mine].sum() + 1e-9)
        if not ok.any():
            return plan
        j = int(np.argmin(np.where(ok, nxt, np.inf)))
        plan[j], eff[j] = up[j], nxt[j]

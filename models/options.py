"""Option levels of the home county's pushes and their option tables, computed by the scoring model.

An **option** is one level of push on one home indicator: the status quo (push 0), every
breakpoint of its rule within reach of the forecast central value, ``grid`` levels between
consecutive ones, and the largest feasible push (the last ``upto`` of its cost curve). Its
effort comes from the indicator's convex piecewise-linear cost curve.

An indicator's points depend on its own column only (peer-relative rules look across the
counties of that column; a ``zero_indicator`` veto zeroes the very indicator that triggers it),
so a plan's effect on every county's raw block sums is the sum of its options' effects. The
tables hold, per draw, the points every county gets on every pushable indicator at every
option (common random numbers: the same draws pushed), the home county's veto and promotion
status per option, and the raw block sums of everything no plan can change. Everything a plan
does is thus an exact table lookup; :func:`evaluate` turns a plan into totals, ranks and grades
with the same functions of :mod:`models.scoring` that score the draws directly.

Pure numpy; no I/O, no solver.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .breakpoints import breakpoints
from .scoring import (
    CompiledAssessment,
    CompiledScenario,
    block_sums,
    grades,
    indicator_points,
    promoted,
    ranks,
    totals,
    veto_active,
)

TOL = 1e-9


@dataclass(frozen=True)
class Levels:
    """Option levels of the pushable home indicators.

    ``cols[j]`` is the scenario column of pushable indicator j; ``push[j]`` (O_j,) its pushes
    [indicator unit, ≥ 0, ascending, push[j][0] = 0]; ``effort[j]`` (O_j,) their effort
    [effort unit]; ``breakpoint[j]`` (O_j,) the rule value a level aims at (NaN for grid/max levels).
    Option variables are numbered globally: ``var_ind[x]``, ``var_level[x]``.
    """

    names: tuple[str, ...]
    cols: np.ndarray
    department: tuple[str | None, ...]
    push: tuple[np.ndarray, ...]
    effort: tuple[np.ndarray, ...]
    value: tuple[np.ndarray, ...]  # value at the forecast centre after the push [unit]
    kind: tuple[tuple[str, ...], ...]  # 'status quo' | 'breakpoint' | 'grid' | 'max'

    @property
    def n(self) -> int:
        return len(self.names)

    @property
    def sizes(self) -> np.ndarray:
        return np.array([len(p) for p in self.push], dtype=int)

    @property
    def offsets(self) -> np.ndarray:
        return np.concatenate([[0], np.cumsum(self.sizes)]).astype(int)

    @property
    def var_ind(self) -> np.ndarray:
        return np.repeat(np.arange(self.n), self.sizes)

    @property
    def var_level(self) -> np.ndarray:
        return np.concatenate([np.arange(k) for k in self.sizes]).astype(int) if self.n else np.zeros(0, int)

    @property
    def var_effort(self) -> np.ndarray:
        return np.concatenate(self.effort) if self.n else np.zeros(0)

    def push_vector(self, plan: np.ndarray, n_indicators: int) -> np.ndarray:
        """(I,) push of every scenario indicator for a plan (option index per pushable indicator)."""
        p = np.zeros(n_indicators)
        for j, o in enumerate(np.asarray(plan, dtype=int)):
            p[self.cols[j]] = self.push[j][o]
        return p

    def plan_effort(self, plan: np.ndarray) -> float:
        return float(sum(self.effort[j][o] for j, o in enumerate(np.asarray(plan, dtype=int))))


def curve_cost(push: np.ndarray, upto: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Effort [effort unit] of pushes [unit] on a convex piecewise-linear cost curve whose
    segments end at ``upto`` (ascending) with ``cost`` per unit on each."""
    push = np.asarray(push, dtype=float)
    starts = np.concatenate([[0.0], upto[:-1]])
    covered = np.clip(push[..., None] - starts, 0.0, upto - starts)
    return covered @ cost


def option_levels(scn, cs: CompiledScenario, centre: np.ndarray, grid: int | None = None) -> Levels:
    """Option levels of every home indicator with effort rows (an indicator without them cannot be pushed).

    ``centre`` (C, I): forecast central values (models.scorecard.central_values)."""
    grid = scn.spec.effort.grid if grid is None else grid
    by_ind: dict[str, list] = {}
    for r in scn.effort_rows:
        by_ind.setdefault(r.indicator, []).append(r)
    names, cols, depts, pushes, efforts, values, kinds = [], [], [], [], [], [], []
    h = cs.home
    for col, ind in enumerate(scn.indicators()):
        rows = by_ind.get(ind.name)
        if not rows:
            continue
        upto = np.array([r.upto for r in rows], dtype=float)
        cost = np.array([r.cost for r in rows], dtype=float)
        s = cs.sign[col]
        x0 = centre[h, col]
        top = float(upto[-1])
        anchors = {0.0: "status quo", top: "max"}
        for b in breakpoints(ind):
            p = s * (b - x0)
            if p > TOL and p < top - TOL:
                anchors.setdefault(float(p), "breakpoint")
        base = sorted(anchors)
        levels: dict[float, str] = {}
        for a, b in zip(base, base[1:]):
            levels.setdefault(a, anchors[a])
            for k in range(1, grid + 1):
                levels.setdefault(a + (b - a) * k / (grid + 1), "grid")
        levels.setdefault(top, anchors[top])
        levels[0.0] = "status quo"
        kept = [0.0]
        for p in sorted(levels)[1:]:
            if p - kept[-1] > 1e-6 * top:
                kept.append(p)
            elif p == top and len(kept) > 1:
                kept[-1] = top  # a level within a millionth of the reach of the max is the max
        ps = np.array(kept)
        names.append(ind.name)
        cols.append(col)
        depts.append(ind.department)
        pushes.append(ps)
        efforts.append(curve_cost(ps, upto, cost))
        values.append(x0 + s * ps)
        kinds.append(tuple(levels[p] for p in ps))
    return Levels(tuple(names), np.array(cols, dtype=int), tuple(depts), tuple(pushes), tuple(efforts),
                  tuple(values), tuple(kinds))


@dataclass(frozen=True)
class AssessmentTables:
    """Option tables of one assessment over S draws (shapes use X = option variables of the
    pushable indicators of this assessment, counted within ``xs``).

    ``xs`` (X,): global option variables belonging to this assessment; ``core``/``over``
    (S, C, X): points of the option's indicator for every county when that option is chosen;
    ``core_block``/``over_block`` (X,): blocks receiving them; ``base_raw`` (S, C, B): raw block
    sums of the indicators no plan changes (non-pushable ones); ``veto0`` (S, C, V) veto
    activations at the status quo; ``veto_x`` (V,) the indicator (global pushable index or −1)
    of each veto, ``veto_opt[v]`` (S, O) the home's activation per option of that indicator;
    ``promo_base`` (S, C) / ``promo_opt`` (S, O) the same for promotion; ``drawn_total`` (S, C) or None.
    """

    ca: CompiledAssessment
    inds: np.ndarray  # (J_a,) pushable indicators (global pushable index) in this assessment
    xs: np.ndarray
    core: np.ndarray
    over: np.ndarray
    core_block: np.ndarray
    over_block: np.ndarray
    base_raw: np.ndarray
    veto0: np.ndarray
    veto_ind: np.ndarray
    veto_opt: tuple
    promo_base: np.ndarray | None
    promo_ind: int
    promo_opt: np.ndarray | None
    drawn_total: np.ndarray | None


@dataclass(frozen=True)
class OptionTables:
    levels: Levels
    assessments: tuple[AssessmentTables, ...]
    n_draws: int

    def assessment(self, name: str | None = None) -> AssessmentTables:
        if name is None:
            return self.assessments[0]
        for t in self.assessments:
            if t.ca.name == name:
                return t
        raise KeyError(name)


def _push_all_at(levels: Levels, o: int, n_ind: int) -> np.ndarray:
    """(I,) pushes with every pushable indicator at its option o (its last option if it has fewer)."""
    p = np.zeros(n_ind)
    for j in range(levels.n):
        p[levels.cols[j]] = levels.push[j][min(o, len(levels.push[j]) - 1)]
    return p


def option_tables(values: np.ndarray, drawn_totals: dict[str, np.ndarray] | None, cs: CompiledScenario,
                  levels: Levels) -> OptionTables:
    """Option tables over draws ``values`` (S, C, I) (common random numbers: every option is
    applied to the same draws). One scoring pass per option index."""
    drawn_totals = drawn_totals or {}
    S = values.shape[0]
    h = cs.home
    omax = int(levels.sizes.max()) if levels.n else 1
    n_ind = len(cs.indicators)
    pushed = []
    for o in range(omax):
        v = values.copy()
        v[:, h, :] += cs.sign * _push_all_at(levels, o, n_ind)
        pushed.append(v)
    offsets = levels.offsets
    out = []
    for ca in cs.assessments:
        col_local = {c: k for k, c in enumerate(ca.cols)}
        inds = np.array([j for j in range(levels.n) if levels.cols[j] in col_local], dtype=int)
        xs = np.concatenate([np.arange(offsets[j], offsets[j + 1]) for j in inds]).astype(int) if len(inds) else np.zeros(0, int)
        C = len(cs.counties)
        core = np.zeros((S, C, len(xs)))
        over = np.zeros((S, C, len(xs)))
        pts = [indicator_points(v, ca) for v in pushed]
        vet = [veto_active(v, ca) for v in pushed] if len(ca.veto_effect) else None
        kx = 0
        local_of = np.full(levels.n, -1)
        for j in inds:
            k = col_local[levels.cols[j]]
            local_of[j] = k
            for o in range(len(levels.push[j])):
                core[:, :, kx] = np.nan_to_num(pts[o][0][:, :, k])
                over[:, :, kx] = pts[o][1][:, :, k]
                kx += 1
        # raw block sums of everything the plan leaves alone: status quo with pushable columns zeroed
        c0, o0 = pts[0]
        c0 = c0.copy()
        o0 = o0.copy()
        for j in inds:
            c0[:, :, local_of[j]] = 0.0
            o0[:, :, local_of[j]] = 0.0
        base_raw = block_sums(c0, o0, ca)
        loc_blocks = np.array([ca.block_of[local_of[j]] for j in inds], dtype=int)
        loc_over = np.array([ca.over_block_of[local_of[j]] for j in inds], dtype=int)
        core_block = np.repeat(loc_blocks, [len(levels.push[j]) for j in inds]) if len(inds) else np.zeros(0, int)
        over_block = np.repeat(loc_over, [len(levels.push[j]) for j in inds]) if len(inds) else np.zeros(0, int)
        V = len(ca.veto_effect)
        veto0 = vet[0] if V else np.zeros((S, C, 0), dtype=bool)
        veto_ind = np.full(V, -1, dtype=int)
        veto_opt = []
        for v in range(V):
            col = ca.cols[ca.veto_col[v]]
            js = [j for j in range(levels.n) if levels.cols[j] == col]
            if js:
                j = js[0]
                veto_ind[v] = j
                veto_opt.append(np.stack([vet[o][:, h, v] for o in range(len(levels.push[j]))], axis=1))
            else:
                veto_opt.append(None)
        promo_base = promo_opt = None
        promo_ind = -1
        if ca.promotion_col >= 0:
            promo_base = promoted(pushed[0], ca)
            col = ca.cols[ca.promotion_col]
            js = [j for j in range(levels.n) if levels.cols[j] == col]
            if js:
                promo_ind = js[0]
                promo_opt = np.stack([promoted(pushed[o], ca)[:, h] for o in range(len(levels.push[promo_ind]))], axis=1)
        out.append(AssessmentTables(ca, inds, xs, core, over, core_block, over_block, base_raw, veto0, veto_ind,
                                    tuple(veto_opt), promo_base, promo_ind, promo_opt, drawn_totals.get(ca.name)))
    return OptionTables(levels, tuple(out), S)


@dataclass(frozen=True)
class Outcome:
    """A plan's results on the tables' draws, for one assessment: total, rank, grade (S, C)."""

    total: np.ndarray
    rank: np.ndarray
    grade: np.ndarray


def contributions(t: AssessmentTables) -> np.ndarray:
    """(S, C, B, X_a): what each option adds to every county's raw block sums."""
    S, C, X = t.core.shape
    B = t.base_raw.shape[-1]
    out = np.zeros((S, C, B, X))
    k = np.arange(X)
    out[:, :, t.core_block, k] += t.core
    np.add.at(out, (slice(None), slice(None), t.over_block, k), t.over)
    return out


def local_positions(t: AssessmentTables, levels: Levels, plan: np.ndarray) -> np.ndarray:
    """Positions (within ``t.xs``) of the options ``plan`` chooses for this assessment's indicators."""
    off = levels.offsets
    gx = off[t.inds] + np.asarray(plan, dtype=int)[t.inds]
    return np.searchsorted(t.xs, gx)


def plan_raw(t: AssessmentTables, levels: Levels, plan: np.ndarray, contrib: np.ndarray | None = None) -> np.ndarray:
    """Raw block sums (S, C, B) of every county under ``plan``."""
    k = local_positions(t, levels, plan)
    if contrib is not None:
        return t.base_raw + contrib[..., k].sum(axis=-1)
    raw = t.base_raw.copy()
    for kk in k:
        raw[:, :, t.core_block[kk]] += t.core[:, :, kk]
        raw[:, :, t.over_block[kk]] += t.over[:, :, kk]
    return raw


def outcome_from_raw(t: AssessmentTables, plan: np.ndarray, raw: np.ndarray) -> Outcome:
    """Totals, ranks and grades from raw block sums and the plan (for the home's vetoes and
    promotion), by models.scoring's own totals/ranks/grades."""
    plan = np.asarray(plan, dtype=int)
    ca = t.ca
    total = totals(raw, ca, t.drawn_total)
    vet = t.veto0.copy()
    for v, j in enumerate(t.veto_ind):
        if j >= 0:
            vet[:, ca.home, v] = t.veto_opt[v][:, plan[j]]
    dq = None
    if vet.shape[-1] and (ca.veto_effect == 3).any():
        dq = vet[..., ca.veto_effect == 3].any(axis=-1)
    rank = ranks(total, ca, dq)
    prom = None
    if ca.promotion_col >= 0:
        prom = t.promo_base.copy()
        if t.promo_ind >= 0:
            prom[:, ca.home] = t.promo_opt[:, plan[t.promo_ind]]
    grade = grades(total, rank, ca, vet, prom)
    return Outcome(total, rank, grade)


def evaluate(t: AssessmentTables, levels: Levels, plan: np.ndarray) -> Outcome:
    """Totals, ranks and grades of every county over the draws when the home county follows
    ``plan`` (option index per pushable indicator), from the tables."""
    return outcome_from_raw(t, plan, plan_raw(t, levels, plan))

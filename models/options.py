"""Option levels of the home county's pushes and their option tables, computed by the scoring model.

An **option** is one level of push on one home indicator: the status quo (push 0), every
breakpoint within reach of the forecast central value (of every indicator that reads the
column, with the home county's own targets and base; however many), ``grid`` levels between
consecutive ones, and the largest feasible push (the last ``upto`` of its cost curve); an event
count takes whole numbers of events only. Its effort comes from the indicator's convex
piecewise-linear cost curve.

The points of the indicators that read a column depend on that column only (peer-relative
rules look across the counties of that column; an indicator with ``value_of`` reads the column
of another; a condition whose trigger and target read the same column stays inside it), so a
plan's effect on every county's raw block sums is the sum of its options' effects (the layers
of :class:`Part`). The tables hold, per draw, the points every county gets from every option
(common random numbers: the same draws pushed), the home county's condition and promotion
status per option, and the raw block sums of everything no plan can change. The conditions
that break this separability (a pushable trigger zeroing an indicator of another column, or
zeroing or capping a block: :class:`Gate`) are kept apart, their targets' points ungated, and
applied by :func:`outcome_from_raw` and by the MILP from the trigger's option. Everything a plan
does is thus an exact table lookup; :func:`evaluate` turns a plan into totals, ranks and grades
with the same functions of :mod:`models.scoring` that score the draws directly.

Pure numpy; no I/O, no solver.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .breakpoints import breakpoints, count_levels, whole_values
from .i18n import N_, translate
from .scoring import (
    GRADE_EFFECTS,
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
KIND_WORDS = {"status quo": N_("现状"), "breakpoint": N_("规则断点"), "grid": N_("断点间档位"), "max": N_("可达上限")}


def kind_word(kind: str) -> str:
    """A push level's kind (``OptionLevels.kind``: a code such as 'breakpoint') as a table shows it, in
    the language in use; a kind this module does not make passes unchanged."""
    return translate(KIND_WORDS[kind]) if kind in KIND_WORDS else kind


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


def readers(cs: CompiledScenario, col: int) -> list[tuple[int, int]]:
    """(assessment index, local indicator) of every indicator that reads value column ``col``: the
    indicator itself and those that take its value (``value_of``)."""
    return [(a, int(k)) for a, ca in enumerate(cs.assessments) for k in np.flatnonzero(ca.cols == col)]


def option_levels(scn, cs: CompiledScenario, centre: np.ndarray, grid: int | None = None) -> Levels:
    """Option levels of every home indicator with effort rows (an indicator without them cannot be pushed).

    ``centre`` (C, I): forecast central values (models.scorecard.central_values). The levels are
    the status quo, every breakpoint within reach (of every indicator reading the column, with the
    home county's own targets and base), ``grid`` levels between consecutive ones and the largest
    feasible push; an event count (per_event) takes whole numbers of events only."""
    grid = scn.spec.effort.grid if grid is None else grid
    by_ind: dict[str, list] = {}
    for r in scn.effort_rows:
        by_ind.setdefault(r.indicator, []).append(r)
    names, cols, depts, pushes, efforts, values, kinds = [], [], [], [], [], [], []
    h = cs.home
    inds = scn.indicators()
    for col, ind in enumerate(inds):
        rows = by_ind.get(ind.name)
        if not rows:
            continue
        upto = np.array([r.upto for r in rows], dtype=float)
        cost = np.array([r.cost for r in rows], dtype=float)
        s = cs.sign[col]
        x0 = centre[h, col]
        top = float(upto[-1])
        lo, hi = sorted((x0, x0 + s * top))
        if count_levels(ind):
            levels = {0.0: "status quo"}
            for p in whole_values(x0, s, top):
                if p > TOL:
                    levels.setdefault(float(p), "breakpoint")
            ps = np.array(sorted(levels))
        else:
            anchors = {0.0: "status quo", top: "max"}
            for a, k in readers(cs, col):
                reader = cs.assessments[a]
                for b in breakpoints(scn.assessment(reader.name).indicators[k], reader.own(k, h), lo, hi):
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
class Part:
    """One layer of the option tables: for every option variable x of an assessment, the points
    ``points[:, :, x]`` (S, C) that one indicator reading the option's column gets in
    ``block[x]`` (``local[x]``: that indicator, −1 where the layer has none for x: points 0).
    Layers 0 and 1 are the core points and over-full bonus of the pushed indicator itself; the
    next pairs those of indicators that take its value (``value_of``)."""

    points: np.ndarray
    block: np.ndarray
    local: np.ndarray


@dataclass(frozen=True)
class Gate:
    """A condition on points whose trigger the home county can push (so the plan decides, per draw,
    whether it holds: ``veto_opt[veto][s, o]`` over the trigger's options) and whose target lies
    outside the trigger's own column: ``zero_indicator`` of another indicator (``local``; its points
    are in the option layers of pushable indicator ``target_ind``, or, when it cannot be pushed,
    ``const`` (S, B) the home's raw block points it would add), or ``zero_block`` / ``cap_block`` of
    ``block`` (at most ``cap``). The tables hold the home's points as if it never held; the MILP
    and :func:`outcome_from_raw` apply it."""

    veto: int
    ind: int
    effect: int
    local: int = -1
    block: int = -1
    cap: float = np.nan
    target_ind: int = -1
    target_pos: np.ndarray | None = None  # positions in xs of the target's options
    const: np.ndarray | None = None


@dataclass(frozen=True)
class AssessmentTables:
    """Option tables of one assessment over S draws (shapes use X = option variables of the
    pushable indicators of this assessment, counted within ``xs``).

    ``xs`` (X,): global option variables belonging to this assessment (of the pushable indicators
    whose column some indicator of it reads); ``parts``: the layers of option points
    (:class:`Part`); ``base_raw`` (S, C, B): raw block sums of everything no plan changes;
    ``veto0`` (S, C, V) condition activations at the status quo; ``veto_ind`` (V,) the trigger
    (global pushable index or −1) of each condition, ``veto_opt[v]`` (S, O) the home's activation
    per option of that trigger; ``gates``: the conditions a plan decides that act on points
    (:class:`Gate`); ``promo_base`` (S, C) / ``promo_opt`` (S, O) the same for promotion;
    ``drawn_total`` (S, C) or None.
    """

    ca: CompiledAssessment
    inds: np.ndarray  # (J_a,) pushable indicators (global pushable index) read by this assessment
    xs: np.ndarray
    parts: tuple[Part, ...]
    base_raw: np.ndarray
    veto0: np.ndarray
    veto_ind: np.ndarray
    veto_opt: tuple
    gates: tuple[Gate, ...]
    promo_base: np.ndarray | None
    promo_ind: int
    promo_opt: np.ndarray | None
    drawn_total: np.ndarray | None

    @property
    def core(self) -> np.ndarray:
        """(S, C, X) core points of each option's own indicator."""
        return self.parts[0].points

    @property
    def over(self) -> np.ndarray:
        """(S, C, X) over-full bonus of each option's own indicator."""
        return self.parts[1].points

    def option_points(self) -> np.ndarray:
        """(S, C, X) every point an option brings, over all the indicators reading its column."""
        return sum(p.points for p in self.parts)


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


def _gates(ca: CompiledAssessment, pushable: dict[int, int]) -> list[Gate]:
    """The conditions on points whose trigger is pushable and whose target lies outside its column."""
    out = []
    for v, e in enumerate(ca.veto_effect):
        tc = int(ca.cols[ca.veto_col[v]])
        jt = pushable.get(tc, -1)
        if jt < 0 or e in GRADE_EFFECTS:
            continue
        if e == 0:
            k = int(ca.veto_target[v])
            if int(ca.cols[k]) != tc:
                out.append(Gate(v, jt, 0, local=k, target_ind=pushable.get(int(ca.cols[k]), -1)))
        else:
            out.append(Gate(v, jt, int(e), block=int(ca.veto_target[v]), cap=float(ca.veto_cap[v])))
    return out


def option_tables(values: np.ndarray, drawn_totals: dict[str, np.ndarray] | None, cs: CompiledScenario,
                  levels: Levels) -> OptionTables:
    """Option tables over draws ``values`` (S, C, I) (common random numbers: every option is
    applied to the same draws). One scoring pass per option index."""
    drawn_totals = drawn_totals or {}
    S = values.shape[0]
    h = cs.home
    C = len(cs.counties)
    omax = int(levels.sizes.max()) if levels.n else 1
    n_ind = len(cs.indicators)
    pushed = []
    for o in range(omax):
        v = values.copy()
        v[:, h, :] += cs.sign * _push_all_at(levels, o, n_ind)
        pushed.append(v)
    offsets = levels.offsets
    pushable = {int(c): j for j, c in enumerate(levels.cols)}
    out = []
    for ca in cs.assessments:
        inds = np.array([j for j in range(levels.n) if (ca.cols == levels.cols[j]).any()], dtype=int)
        xs = np.concatenate([np.arange(offsets[j], offsets[j + 1]) for j in inds]).astype(int) if len(inds) else np.zeros(0, int)
        pos = {int(x): k for k, x in enumerate(xs)}
        gates = _gates(ca, pushable)
        V = len(ca.veto_effect)
        vet = [veto_active(v, ca) for v in pushed]
        off_home = [g.veto for g in gates if g.effect == 0]  # computed as if they never held: applied by the plan
        acts = []
        for a in vet:
            a = a.copy()
            a[:, h, off_home] = False
            acts.append(a)
        pts = [indicator_points(v, ca, a) for v, a in zip(pushed, acts)]
        locs = {int(j): [int(k) for k in np.flatnonzero(ca.cols == levels.cols[j])] for j in inds}
        layers = max((len(k) for k in locs.values()), default=1)
        parts = []
        for layer in range(layers):
            for which, blk in ((0, ca.block_of), (1, ca.over_block_of)):
                P = np.zeros((S, C, len(xs)))
                block = np.zeros(len(xs), dtype=int)
                local = np.full(len(xs), -1, dtype=int)
                for j in inds:
                    if layer >= len(locs[int(j)]):
                        continue
                    k = locs[int(j)][layer]
                    for o in range(len(levels.push[j])):
                        x = pos[int(offsets[j] + o)]
                        P[:, :, x] = np.nan_to_num(pts[o][which][:, :, k])
                        block[x], local[x] = blk[k], k
                parts.append(Part(P, block, local))
        # raw block sums of everything the plan leaves alone: status quo with pushable readers zeroed
        c0, o0 = (a.copy() for a in pts[0])
        for ks in locs.values():
            c0[:, :, ks] = 0.0
            o0[:, :, ks] = 0.0
        done = []
        for g in gates:
            if g.effect == 0 and g.target_ind < 0:  # a target no plan pushes: its home points kept aside
                k = g.local
                const = np.zeros((S, len(ca.block_names)))
                np.add.at(const, (slice(None), ca.block_of[k]), np.nan_to_num(c0[:, h, k]))
                np.add.at(const, (slice(None), ca.over_block_of[k]), o0[:, h, k])
                done.append(Gate(g.veto, g.ind, 0, local=k, const=const))
            elif g.effect == 0:
                tpos = np.array([pos[int(offsets[g.target_ind] + o)] for o in range(len(levels.push[g.target_ind]))])
                done.append(Gate(g.veto, g.ind, 0, local=g.local, target_ind=g.target_ind, target_pos=tpos))
            else:
                done.append(g)
        for g in done:
            if g.const is not None:
                c0[:, h, g.local] = 0.0
                o0[:, h, g.local] = 0.0
        base_raw = block_sums(c0, o0, ca)
        veto0 = vet[0] if V else np.zeros((S, C, 0), dtype=bool)
        veto_ind = np.full(V, -1, dtype=int)
        veto_opt = []
        for v in range(V):
            j = pushable.get(int(ca.cols[ca.veto_col[v]]), -1)
            if j >= 0:
                veto_ind[v] = j
                veto_opt.append(np.stack([vet[o][:, h, v] for o in range(len(levels.push[j]))], axis=1))
            else:
                veto_opt.append(None)
        promo_base = promo_opt = None
        promo_ind = -1
        if ca.promotion_col >= 0:
            promo_base = promoted(pushed[0], ca)
            promo_ind = pushable.get(int(ca.cols[ca.promotion_col]), -1)
            if promo_ind >= 0:
                promo_opt = np.stack([promoted(pushed[o], ca)[:, h] for o in range(len(levels.push[promo_ind]))], axis=1)
        out.append(AssessmentTables(ca, inds, xs, tuple(parts), base_raw, veto0, veto_ind, tuple(veto_opt), tuple(done),
                                    promo_base, promo_ind, promo_opt, drawn_totals.get(ca.name)))
    return OptionTables(levels, tuple(out), S)


@dataclass(frozen=True)
class Outcome:
    """A plan's results on the tables' draws, for one assessment: total, rank, grade (S, C)."""

    total: np.ndarray
    rank: np.ndarray
    grade: np.ndarray


def contributions(t: AssessmentTables) -> np.ndarray:
    """(S, C, B, X_a): what each option adds to every county's raw block sums (before the gates)."""
    S, C, X = t.core.shape
    B = t.base_raw.shape[-1]
    out = np.zeros((S, C, B, X))
    k = np.arange(X)
    for p in t.parts:
        np.add.at(out, (slice(None), slice(None), p.block, k), p.points)
    return out


def local_positions(t: AssessmentTables, levels: Levels, plan: np.ndarray) -> np.ndarray:
    """Positions (within ``t.xs``) of the options ``plan`` chooses for this assessment's indicators."""
    off = levels.offsets
    gx = off[t.inds] + np.asarray(plan, dtype=int)[t.inds]
    return np.searchsorted(t.xs, gx)


def plan_raw(t: AssessmentTables, levels: Levels, plan: np.ndarray, contrib: np.ndarray | None = None) -> np.ndarray:
    """Raw block sums (S, C, B) of every county under ``plan``, before the gates (they add up over
    the options; :func:`outcome_from_raw` applies the gates)."""
    k = local_positions(t, levels, plan)
    if contrib is not None:
        return t.base_raw + contrib[..., k].sum(axis=-1)
    raw = t.base_raw.copy()
    for kk in k:
        for p in t.parts:
            raw[:, :, p.block[kk]] += p.points[:, :, kk]
    return raw


def plan_conditions(t: AssessmentTables, plan: np.ndarray) -> np.ndarray:
    """(S, C, V) which conditions hold under ``plan``: the home's from its triggers' options."""
    vet = t.veto0.copy()
    for v, j in enumerate(t.veto_ind):
        if j >= 0:
            vet[:, t.ca.home, v] = t.veto_opt[v][:, plan[j]]
    return vet


def gated_raw(t: AssessmentTables, plan: np.ndarray, raw: np.ndarray, vet: np.ndarray) -> np.ndarray:
    """Raw block sums with the home's zero_indicator gates applied: where one holds, its target's
    points leave the home's blocks (an unpushed target's points, kept apart, join them where it
    does not)."""
    gates = [g for g in t.gates if g.effect == 0]
    if not gates:
        return raw
    raw = raw.copy()
    h = t.ca.home
    for g in gates:
        on = vet[:, h, g.veto]
        if g.const is not None:  # kept out of base_raw: added back where the condition does not hold
            raw[:, h, :] += (~on)[:, None] * g.const
            continue
        x = g.target_pos[plan[g.target_ind]]
        for p in t.parts:
            if p.local[x] == g.local:
                raw[:, h, p.block[x]] -= on * p.points[:, h, x]
    return raw


def outcome_from_raw(t: AssessmentTables, plan: np.ndarray, raw: np.ndarray) -> Outcome:
    """Totals, ranks and grades from raw block sums (:func:`plan_raw`) and the plan (for the home's
    conditions and promotion), by models.scoring's own totals/ranks/grades."""
    plan = np.asarray(plan, dtype=int)
    vet = plan_conditions(t, plan)
    return outcome_from_totals(t, plan, totals(gated_raw(t, plan, raw, vet), t.ca, t.drawn_total, vet), vet)


def outcome_from_totals(t: AssessmentTables, plan: np.ndarray, total: np.ndarray, vet: np.ndarray) -> Outcome:
    """Ranks and grades from every county's totals (S, C), the conditions that hold (S, C, V,
    :func:`plan_conditions`) and the plan (for the home's promotion), by models.scoring's own
    ranks/grades."""
    ca = t.ca
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


def restrict_assessment(ca: CompiledAssessment, keep: np.ndarray) -> CompiledAssessment:
    """A compiled assessment on the counties ``keep`` for the functions of the totals, ranks and
    grades (classes, drawn totals; the home index follows it when kept, else −1); per-county
    targets are not restricted: not for scoring indicator points."""
    keep = np.asarray(keep, dtype=int)
    at = np.flatnonzero(keep == ca.home)
    return replace(ca, class_of=ca.class_of[keep], rule_class_of=ca.rule_class_of[keep],
                   home=int(at[0]) if len(at) else -1, total_only=ca.total_only[keep],
                   total_mean=ca.total_mean[keep], total_sd=ca.total_sd[keep])

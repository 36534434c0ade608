"""The one scoring implementation: indicator points → blocks → totals → ranks → grades.

Arrays have named axes in this order: ``(draw, county, indicator)``; leading draw axes are
optional (a scorecard is a single "draw"). A scenario is compiled once
(:func:`compile_scenario`) into parameter arrays; scoring is then pure functions over arrays
(numpy, and the threshold rule's compiled ufunc and block-sum kernel in :mod:`models.rules`).
:func:`score_assessment` with ``keep_points=False`` (the Monte Carlo) sums threshold points
straight into blocks; with ``keep_points=True`` it also returns every indicator's points. A
test holds the two paths equal.

Order of effects, stated once:
1. indicator points by rule; a ``zero_indicator`` veto zeroes its indicator (core and over);
2. block sums (over-full bonuses go to their pool block), × block weight, clipped to the
   block's [floor, cap]; blocks of a pool summed and clipped to the pool's [floor, cap];
3. total = sum of top-level blocks and pools. A county known only by its total adds its
   drawn total to the weighted points of the indicators it has forecasts for (no caps);
4. rank within the peer class (or city-wide when ranking is unified); disqualified counties
   rank below all others; ties: ``shared`` (equal totals share the better rank) or
   ``home_loses`` (the home county ranks below any rival with an equal total);
5. grade by score, rank or quota; then 提档进位 lifts it; then vetoes cap it, drop it, or
   (disqualify) set it to the lowest grade. Grade index 0 is the best.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import rules
from .schema import Assessment, BaseStep, Steps, Threshold, VsAverage

_ROUND = {"prorata": 0, "floor": 1, "ceil": 2}
_BELOW = {"zero": 0, "deduct": 1, "linear": 2}
_NO_STEPS = Steps(per=1.0, points=0.0)


@dataclass(frozen=True)
class RuleGroup:
    """Indicators of one rule kind (local indices into the assessment) with stacked parameters."""

    kind: str
    local: np.ndarray  # indices into the assessment's indicators
    params: dict


@dataclass(frozen=True)
class CompiledAssessment:
    name: str
    cols: np.ndarray  # (n,) columns of this assessment's indicators in the scenario's value array
    names: tuple[str, ...]
    sign: np.ndarray  # (n,)
    points: np.ndarray  # (n,)
    groups: tuple[RuleGroup, ...]
    block_of: np.ndarray  # (n,) block index of the core points
    over_block_of: np.ndarray  # (n,) block index of the over-full bonus
    block_names: tuple[str, ...]
    block_weight: np.ndarray
    block_floor: np.ndarray  # -inf where none
    block_cap: np.ndarray  # +inf where none
    block_pool: np.ndarray  # -1 for a top-level block
    pool_names: tuple[str, ...]
    pool_floor: np.ndarray
    pool_cap: np.ndarray
    class_of: np.ndarray  # (C,) peer class index of each county for ranking
    rule_class_of: np.ndarray  # (C,) peer class index for class-relative rules (always the peer class)
    grade_names: tuple[str, ...]
    grade_by: str
    grade_criteria: np.ndarray  # (G-1,)
    tie_home_loses: bool
    home: int
    veto_col: np.ndarray  # (V,) local indicator of each veto
    veto_when: np.ndarray  # (V,) 0 misses_basic, 1 below, 2 above, 3 at_least
    veto_value: np.ndarray
    veto_effect: np.ndarray  # 0 zero_indicator, 1 cap_grade, 2 drop_grade, 3 disqualify
    veto_grade: np.ndarray  # cap grade index / drop count
    veto_names: tuple[str, ...]
    basic: np.ndarray  # (n,) basic target of threshold indicators (NaN otherwise)
    promotion_col: int  # local indicator or -1
    promotion_lift: int
    total_only: np.ndarray  # (C,) county scored by a drawn total
    total_mean: np.ndarray  # (C,)
    total_sd: np.ndarray  # (C,)
    threshold: dict = None  # per-column threshold parameters (n,); None when no indicator has the rule

    @property
    def col_slice(self) -> slice:
        """This assessment's columns of the value array (they are contiguous)."""
        return slice(int(self.cols[0]), int(self.cols[-1]) + 1)


@dataclass(frozen=True)
class CompiledScenario:
    counties: tuple[str, ...]
    home: int
    indicators: tuple[str, ...]
    sign: np.ndarray
    assessments: tuple[CompiledAssessment, ...]

    def assessment(self, name: str | None = None) -> CompiledAssessment:
        if name is None:
            return self.assessments[0]
        return next(a for a in self.assessments if a.name == name)


@dataclass
class AssessmentScores:
    """Scores of one assessment. Shapes: points (…, C, n); blocks (…, C, B); others (…, C)."""

    name: str
    points: np.ndarray
    over: np.ndarray
    blocks: np.ndarray
    total: np.ndarray
    rank: np.ndarray
    grade: np.ndarray
    vetoed: np.ndarray = field(default=None)  # (…, C, V) bool


# --------------------------------------------------------------------------- compile


def _steps(s: Steps | None):
    s = s or _NO_STEPS
    return s.per, s.points, s.basis == "relative", _ROUND[s.rounding]


def _stack(rows: list[tuple]) -> list[np.ndarray]:
    return [np.array(col) for col in zip(*rows)]


def compile_assessment(a: Assessment, counties: list[str], home: str, peer_class: dict[str, str],
                       cols: list[int], scenario_totals: dict[str, tuple[float, float]]) -> CompiledAssessment:
    sign = np.array([1.0 if i.direction == "higher" else -1.0 for i in a.indicators])
    points = np.array([i.points for i in a.indicators])
    blocks = [b.name for b in a.blocks]
    pools = [p.name for p in a.pools]
    by_kind: dict[str, list[int]] = {}
    for k, ind in enumerate(a.indicators):
        by_kind.setdefault(ind.rule.kind, []).append(k)
    groups = []
    for kind, loc in by_kind.items():
        inds = [a.indicators[k] for k in loc]
        rs = [i.rule for i in inds]
        if kind == "threshold":
            continue  # compiled into per-column arrays below: one ufunc pass covers them all
        elif kind == "binary":
            params = {"target": np.array([r.target for r in rs])}
        elif kind == "ratio":
            params = {"target": np.array([r.target for r in rs]), "cap": np.array([r.cap for r in rs])}
        elif kind == "base_step":
            rows = []
            for r in rs:
                r: BaseStep
                rows.append((r.target, r.base_share, *_steps(r.up), r.up_cap, *_steps(r.down), r.floor))
            keys = ("target", "base_share", "u_per", "u_points", "u_relative", "u_rounding", "up_cap",
                    "d_per", "d_points", "d_relative", "d_rounding", "floor")
            params = dict(zip(keys, _stack(rows)))
        elif kind == "bands":
            params = {"tables": [([b.lower for b in r.bands[1:]], [b.points for b in r.bands], r.closed == "right")
                                 for r in rs]}
        elif kind == "efficacy":
            params = {"base": np.array([r.base for r in rs]), "span": np.array([r.span for r in rs]),
                      "worst": np.array([np.nan if r.worst is None else r.worst for r in rs]),
                      "best": np.array([np.nan if r.best is None else r.best for r in rs])}
        elif kind == "best_ratio":
            params = {}
        elif kind == "rank_points":
            params = {"rules": rs}
        elif kind == "vs_average":
            rows = []
            for r, ind in zip(rs, inds):
                r: VsAverage
                rows.append((np.nan if r.reference == "class" else float(r.reference), r.base_share, *_steps(r.steps),
                             r.floor, ind.points if r.cap is None else r.cap))
            keys = ("reference", "base_share", "per", "step_points", "relative", "rounding", "floor", "cap")
            params = dict(zip(keys, _stack(rows)))
        elif kind == "growth_bonus":
            params = {k: np.array([getattr(r, k) for r in rs]) for k in ("national", "regional", "both", "one")}
        elif kind == "survey":
            params = {}
        elif kind == "per_event":
            params = {"per_point": np.array([r.points for r in rs]), "cap": np.array([r.cap for r in rs])}
        else:  # pragma: no cover - the schema admits no other kind
            raise ValueError(kind)
        groups.append(RuleGroup(kind, np.array(loc), params))

    thr = _threshold_columns(a) if "threshold" in by_kind else None
    block_of = np.array([blocks.index(i.block) for i in a.indicators])
    over_block_of = np.array([blocks.index(i.rule.over.pool) if isinstance(i.rule, Threshold) and i.rule.over
                              and i.rule.over.pool else blocks.index(i.block) for i in a.indicators])
    classes = sorted(set(peer_class.values()))
    rule_class = np.array([classes.index(peer_class[c]) for c in counties])
    class_of = rule_class if a.ranking == "within_class" else np.zeros(len(counties), dtype=int)
    names = [i.name for i in a.indicators]
    gnames = a.grades.names
    key = {"score": "min_score", "rank": "max_rank", "quota": "share"}[a.grades.by]
    crit = np.array([getattr(g, key) for g in a.grades.levels[:-1]], dtype=float)
    when = {"misses_basic": 0, "below": 1, "above": 2, "at_least": 3}
    eff = {"zero_indicator": 0, "cap_grade": 1, "drop_grade": 2, "disqualify": 3}
    vg = [gnames.index(v.grade) if v.effect == "cap_grade" else v.drop for v in a.vetoes]
    basic = np.array([i.rule.basic if isinstance(i.rule, Threshold) else np.nan for i in a.indicators])
    tot = np.array([c in scenario_totals for c in counties])
    return CompiledAssessment(
        name=a.name, cols=np.array(cols), names=tuple(names), sign=sign, points=points, groups=tuple(groups),
        block_of=block_of, over_block_of=over_block_of, block_names=tuple(blocks),
        block_weight=np.array([b.weight for b in a.blocks]),
        block_floor=np.array([-np.inf if b.floor is None else b.floor for b in a.blocks]),
        block_cap=np.array([np.inf if b.cap is None else b.cap for b in a.blocks]),
        block_pool=np.array([-1 if b.pool is None else pools.index(b.pool) for b in a.blocks], dtype=int),
        pool_names=tuple(pools),
        pool_floor=np.array([-np.inf if p.floor is None else p.floor for p in a.pools]),
        pool_cap=np.array([np.inf if p.cap is None else p.cap for p in a.pools]),
        class_of=class_of, rule_class_of=rule_class, grade_names=tuple(gnames), grade_by=a.grades.by,
        grade_criteria=crit, tie_home_loses=a.tie_break == "home_loses", home=counties.index(home),
        veto_col=np.array([names.index(v.indicator) for v in a.vetoes], dtype=int),
        veto_when=np.array([when[v.when] for v in a.vetoes], dtype=int),
        veto_value=np.array([np.nan if v.value is None else v.value for v in a.vetoes]),
        veto_effect=np.array([eff[v.effect] for v in a.vetoes], dtype=int),
        veto_grade=np.array(vg, dtype=int), veto_names=tuple(v.name for v in a.vetoes), basic=basic,
        promotion_col=names.index(a.promotion.indicator) if a.promotion else -1,
        promotion_lift=a.promotion.lift if a.promotion else 0,
        total_only=tot,
        total_mean=np.array([scenario_totals[c][0] if c in scenario_totals else 0.0 for c in counties]),
        total_sd=np.array([scenario_totals[c][1] if c in scenario_totals else 0.0 for c in counties]),
        threshold=thr,
    )


def _threshold_columns(a: Assessment) -> dict:
    """Threshold parameters as arrays over all the assessment's columns, for one ufunc pass.
    Columns of other rule kinds get harmless dummies (basic 0, full 1) and are overwritten."""
    n = len(a.indicators)
    cols = {k: np.zeros(n) for k in ("basic", "full", "basic_share", "below_mode", "zero_at", "d_step", "d_points",
                                     "d_rounding", "d_floor", "o_step", "o_points", "o_rounding", "o_cap")}
    cols["full"][:] = cols["d_step"][:] = cols["o_step"][:] = 1.0
    for k, ind in enumerate(a.indicators):
        r = ind.rule
        if not isinstance(r, Threshold):
            continue
        d = r.below.steps or _NO_STEPS
        o = r.over.steps if r.over else _NO_STEPS
        cols["basic"][k], cols["full"][k], cols["basic_share"][k] = r.basic, r.full, r.basic_share
        cols["below_mode"][k] = _BELOW[r.below.mode]
        cols["zero_at"][k] = r.below.zero_at if r.below.zero_at is not None else np.nan
        cols["d_step"][k] = rules.step_length(d.per, d.basis == "relative", r.basic)
        cols["d_points"][k], cols["d_rounding"][k] = d.points, _ROUND[d.rounding]
        cols["d_floor"][k] = r.below.floor or 0.0
        cols["o_step"][k] = rules.step_length(o.per, o.basis == "relative", r.full)
        cols["o_points"][k], cols["o_rounding"][k] = o.points, _ROUND[o.rounding]
        cols["o_cap"][k] = r.over.cap if r.over else 0.0
    cols["has_over"] = bool(np.any(cols["o_cap"] > 0))
    is_thr = np.array([isinstance(i.rule, Threshold) for i in a.indicators], dtype=float)
    cols["matrix"] = np.vstack([cols[k] for k in ("basic", "full")] + [np.array([i.points for i in a.indicators])]
                               + [cols[k] for k in ("basic_share", "below_mode", "zero_at", "d_step", "d_points",
                                                    "d_rounding", "d_floor", "o_step", "o_points", "o_rounding",
                                                    "o_cap")] + [is_thr])
    return cols


def compile_scenario(scn) -> CompiledScenario:
    """Compile a validated :class:`~models.scenario.Scenario` for scoring."""
    counties = scn.counties
    peer_class = {c.name: c.peer_class for c in scn.spec.counties}
    names = [i.name for i in scn.indicators()]
    sign = np.array([1.0 if i.direction == "higher" else -1.0 for i in scn.indicators()])
    out, start = [], 0
    for a in scn.spec.assessments:
        cols = list(range(start, start + len(a.indicators)))
        start += len(a.indicators)
        totals = {c.name: (c.totals[a.name].mean, c.totals[a.name].sd) for c in scn.spec.counties if a.name in c.totals}
        out.append(compile_assessment(a, counties, scn.home, peer_class, cols, totals))
    return CompiledScenario(tuple(counties), counties.index(scn.home), tuple(names), sign, tuple(out))


# --------------------------------------------------------------------------- score


def _points(values: np.ndarray, ca: CompiledAssessment) -> tuple[np.ndarray, np.ndarray | None]:
    """``(core, over)`` points (…, C, n); counties with no forecast (NaN) score 0 in core;
    ``over`` is None when no indicator has an over-full bonus."""
    x = values[..., ca.col_slice]
    core = np.empty(x.shape)
    over = None
    t = ca.threshold
    if t is not None:
        # the compiled loop evaluates unused branches speculatively (SIMD selects), which
        # raises floating-point flags the scalar formula never meets: they mean nothing here
        with np.errstate(invalid="ignore", divide="ignore"):
            rules.threshold(x, t["basic"], t["full"], ca.points, t["basic_share"], t["below_mode"], t["zero_at"],
                            t["d_step"], t["d_points"], t["d_rounding"], t["d_floor"], out=core)
            if t["has_over"]:
                over = rules.over_full(x, t["basic"], t["full"], t["o_step"], t["o_points"], t["o_rounding"], t["o_cap"])
    _other_points(x, ca, core)
    if ca.total_only.any():  # only counties known by their total lack values: no value, no points
        missing = np.isnan(x)
        core[missing] = 0.0
        if over is not None:
            over[missing] = 0.0
    zero = ca.veto_effect == 0
    if zero.any():
        act = veto_active(values, ca)[..., zero]  # (…, C, Vz)
        for k, col in enumerate(ca.veto_col[zero]):
            core[..., col] = np.where(act[..., k], 0.0, core[..., col])
            if over is not None:
                over[..., col] = np.where(act[..., k], 0.0, over[..., col])
    return core, over


def _other_points(x: np.ndarray, ca: CompiledAssessment, core: np.ndarray, compact: bool = False) -> None:
    """Points of the indicators whose rule is not a threshold, written into ``core``: at their
    own columns, or (``compact``) side by side in the order of ``ca.groups``."""
    pos = 0
    for g in ca.groups:
        loc = g.local
        out = slice(pos, pos + len(loc)) if compact else loc
        pos += len(loc)
        xs, s, w, p = x[..., loc], ca.sign[loc], ca.points[loc], g.params
        if g.kind == "binary":
            core[..., out] = rules.binary(xs, s, p["target"], w)
        elif g.kind == "ratio":
            core[..., out] = rules.ratio(xs, s, p["target"], w, p["cap"])
        elif g.kind == "base_step":
            core[..., out] = rules.base_step(xs, s, p["target"], w, p["base_share"], p["u_per"], p["u_points"],
                                             p["u_relative"], p["u_rounding"], p["up_cap"], p["d_per"], p["d_points"],
                                             p["d_relative"], p["d_rounding"], p["floor"])
        elif g.kind == "bands":
            cols = range(out.start, out.stop) if compact else loc
            for c, j, (edges, pts, right) in zip(cols, loc, p["tables"]):
                core[..., c] = rules.bands(x[..., j], edges, pts, right)
        elif g.kind == "survey":
            core[..., out] = rules.survey(xs, w)
        elif g.kind == "per_event":
            core[..., out] = rules.per_event(xs, p["per_point"], p["cap"])
        elif g.kind == "growth_bonus":
            core[..., out] = rules.growth_bonus(xs, p["national"], p["regional"], p["both"], p["one"])
        else:
            core[..., out] = _peer_points(xs, s, w, g, ca)


def _fused_block_sums(values: np.ndarray, ca: CompiledAssessment) -> np.ndarray:
    """Raw block sums (…, C, B) without per-indicator points: threshold columns in one fused
    pass (:func:`models.rules.threshold_block_sums`), the other rules on their own columns."""
    x = values[..., ca.col_slice]
    B = len(ca.block_names)
    if ca.threshold is not None:
        with np.errstate(invalid="ignore", divide="ignore"):  # see _points
            x2 = x.reshape(-1, x.shape[-1])  # a view when the assessment's columns are the whole array
            raw = rules.threshold_block_sums(x2, ca.threshold["matrix"], ca.block_of, ca.over_block_of, B)
            raw = raw.reshape(x.shape[:-1] + (B,))
    else:
        raw = np.zeros(x.shape[:-1] + (B,))
    if ca.groups:
        other = np.concatenate([g.local for g in ca.groups])
        pts = np.empty(x.shape[:-1] + (len(other),))
        _other_points(x, ca, pts, compact=True)
        if ca.total_only.any():  # no value, no points
            pts[np.isnan(x[..., other])] = 0.0
        onehot = np.zeros((len(other), B))
        onehot[np.arange(len(other)), ca.block_of[other]] = 1.0
        raw += pts @ onehot
    return raw


def indicator_points(values: np.ndarray, ca: CompiledAssessment) -> tuple[np.ndarray, np.ndarray]:
    """Points of every indicator: ``(core, over)``, each (…, C, n) [points]; NaN core where a
    county has no forecast.

    ``values`` (…, C, I) holds the scenario's indicator values (NaN where a county has no
    forecast); this assessment's columns are taken from it."""
    core, over = _points(values, ca)
    core = np.where(np.isnan(values[..., ca.col_slice]), np.nan, core)
    return core, np.zeros(core.shape) if over is None else over


def _peer_points(xs, s, w, g: RuleGroup, ca: CompiledAssessment) -> np.ndarray:
    out = np.full(xs.shape, np.nan)
    for cls in np.unique(ca.rule_class_of):
        members = ca.rule_class_of == cls
        p = g.params
        if g.kind == "efficacy":
            v = rules.efficacy(xs, s, w, members, p["base"], p["span"], p["worst"], p["best"])
        elif g.kind == "best_ratio":
            v = rules.best_ratio(xs, s, w, members)
        elif g.kind == "vs_average":
            v = rules.vs_average(xs, s, w, members, p["reference"], p["base_share"], p["per"], p["step_points"],
                                 p["relative"], p["rounding"], p["floor"], p["cap"])
        else:  # rank_points: one rule at a time (tables differ in length)
            v = np.full(xs.shape, np.nan)
            for j, r in enumerate(p["rules"]):
                v[..., j] = rules.rank_points(xs[..., j:j + 1], s[j:j + 1], w[j:j + 1], members,
                                              step=r.step or 0.0, table=r.table)[..., 0]
        out = np.where(members[:, None], v, out)
    return out


def veto_active(values: np.ndarray, ca: CompiledAssessment) -> np.ndarray:
    """Which vetoes hold: (…, C, V) bool. A county without a value for the indicator never triggers."""
    x = values[..., ca.cols[ca.veto_col]]
    sign = ca.sign[ca.veto_col]
    basic = ca.basic[ca.veto_col]
    w, v = ca.veto_when, ca.veto_value
    with np.errstate(invalid="ignore"):
        act = np.where(w == 0, sign * x < sign * basic,
                       np.where(w == 1, x < v, np.where(w == 2, x > v, x >= v)))
    return act & ~np.isnan(x)


def block_sums(core: np.ndarray, over: np.ndarray | None, ca: CompiledAssessment) -> np.ndarray:
    """Raw (unweighted, unclipped) points per block: (…, C, B); NaN core points count 0."""
    n, B = len(ca.names), len(ca.block_names)
    onehot = np.zeros((n, B))
    onehot[np.arange(n), ca.block_of] = 1.0
    raw = (np.nan_to_num(core) if ca.total_only.any() else core).reshape(-1, n) @ onehot
    if over is not None:
        over_hot = np.zeros((n, B))
        over_hot[np.arange(n), ca.over_block_of] = 1.0
        raw += over.reshape(-1, n) @ over_hot
    return raw.reshape(core.shape[:-1] + (B,))


def totals(raw_blocks: np.ndarray, ca: CompiledAssessment, drawn_total: np.ndarray | None = None) -> np.ndarray:
    """Total score (…, C) from raw block sums (…, C, B): weights, block caps, pool caps.

    ``drawn_total`` (…, C): the drawn totals of counties known only by their total (defaults to
    their mean)."""
    weighted = raw_blocks * ca.block_weight
    clipped = np.clip(weighted, ca.block_floor, ca.block_cap)
    top = clipped[..., ca.block_pool < 0].sum(axis=-1)
    for k in range(len(ca.pool_names)):
        inpool = clipped[..., ca.block_pool == k].sum(axis=-1)
        top = top + np.clip(inpool, ca.pool_floor[k], ca.pool_cap[k])
    if ca.total_only.any():
        base = ca.total_mean if drawn_total is None else drawn_total
        top = np.where(ca.total_only, base + weighted.sum(axis=-1), top)
    return top


def ranks(total: np.ndarray, ca: CompiledAssessment, disqualified: np.ndarray | None = None) -> np.ndarray:
    """Rank (…, C) within the ranking class, 1 = best, by the tie rule of the assessment."""
    t = total if disqualified is None else np.where(disqualified, -np.inf, total)
    C = t.shape[-1]
    same = ca.class_of[:, None] == ca.class_of[None, :]  # [c', c]
    beats = t[..., :, None] > t[..., None, :]  # c' beats c
    if ca.tie_home_loses:
        h = ca.home
        tie = t[..., :, None] == t[..., None, :]
        rival_beats_home = np.zeros((C, C), dtype=bool)
        rival_beats_home[:, h] = True
        rival_beats_home[h, h] = False
        beats = beats | (tie & rival_beats_home)
    return 1 + (beats & same).sum(axis=-2)  # disqualified counties (−inf) tie among themselves, last


def grades(total: np.ndarray, rank: np.ndarray, ca: CompiledAssessment, vetoed: np.ndarray | None = None,
           promoted: np.ndarray | None = None) -> np.ndarray:
    """Grade index (…, C), 0 = best: by score, rank or quota; then promotion; then vetoes."""
    G = len(ca.grade_names)
    if ca.grade_by == "score":
        met = total[..., None] >= ca.grade_criteria
    elif ca.grade_by == "rank":
        met = rank[..., None] <= ca.grade_criteria
    else:
        size = np.array([(ca.class_of == ca.class_of[c]).sum() for c in range(len(ca.class_of))])
        quota = np.ceil(size[:, None] * ca.grade_criteria - 1e-9)  # (C, G-1)
        met = rank[..., None] <= quota
    # the best grade whose criterion is met; criteria get less demanding down the list
    g = np.where(met.any(axis=-1), np.argmax(met, axis=-1), G - 1)
    if promoted is not None and ca.promotion_lift:
        g = np.maximum(g - ca.promotion_lift * promoted.astype(int), 0)
    if vetoed is not None and vetoed.shape[-1]:
        for v in range(vetoed.shape[-1]):
            act = vetoed[..., v]
            e = ca.veto_effect[v]
            if e == 1:
                g = np.where(act, np.maximum(g, ca.veto_grade[v]), g)
            elif e == 2:
                g = np.where(act, np.minimum(g + ca.veto_grade[v], G - 1), g)
            elif e == 3:
                g = np.where(act, G - 1, g)
    return g


def disqualified(vetoed: np.ndarray, ca: CompiledAssessment) -> np.ndarray | None:
    dq = ca.veto_effect == 3
    if not dq.any():
        return None
    return vetoed[..., dq].any(axis=-1)


def promoted(values: np.ndarray, ca: CompiledAssessment) -> np.ndarray | None:
    if ca.promotion_col < 0:
        return None
    return np.nan_to_num(values[..., ca.cols[ca.promotion_col]]) >= 1.0


def score_assessment(values: np.ndarray, ca: CompiledAssessment, drawn_total: np.ndarray | None = None,
                     keep_points: bool = True) -> AssessmentScores:
    """Score one assessment for values (…, C, I): the whole pipeline of this module.

    ``keep_points=False`` skips the per-indicator points (None) when only totals, ranks and
    grades are wanted (the Monte Carlo)."""
    if not keep_points and not (ca.veto_effect == 0).any():
        raw = _fused_block_sums(values, ca)
        core = over = None
    else:
        core, over = _points(values, ca)
        raw = block_sums(core, over, ca)
    if keep_points:
        core = np.where(np.isnan(values[..., ca.col_slice]), np.nan, core)
        over = np.zeros(core.shape) if over is None else over
    else:
        core = over = None
    total = totals(raw, ca, drawn_total)
    vet = veto_active(values, ca) if len(ca.veto_effect) else np.zeros(total.shape + (0,), dtype=bool)
    dq = disqualified(vet, ca) if vet.shape[-1] else None
    rank = ranks(total, ca, dq)
    grade = grades(total, rank, ca, vet, promoted(values, ca))
    blocks = np.clip(raw * ca.block_weight, ca.block_floor, ca.block_cap)
    return AssessmentScores(ca.name, core, over, blocks, total, rank, grade, vet)


def score_all(values: np.ndarray, cs: CompiledScenario, drawn_totals: dict[str, np.ndarray] | None = None,
              keep_points: bool = True) -> list[AssessmentScores]:
    """Score every assessment of a compiled scenario."""
    drawn_totals = drawn_totals or {}
    return [score_assessment(values, ca, drawn_totals.get(ca.name), keep_points) for ca in cs.assessments]


def quota_size(share: float, n: int) -> int:
    """Counties in a quota: the top ``share`` of ``n``, rounded up."""
    return math.ceil(share * n - 1e-9)

"""The one scoring implementation: indicator points → blocks → totals → ranks → grades.

Arrays have named axes in this order: ``(draw, county, indicator)``; leading draw axes are
optional (a scorecard is a single "draw"). A scenario is compiled once
(:func:`compile_scenario`) into parameter arrays; scoring is then pure functions over arrays
(numpy, and the threshold rule's compiled ufunc and block-sum kernel in :mod:`models.rules`).
:func:`score_assessment` with ``keep_points=False`` (the Monte Carlo) sums threshold points
straight into blocks; with ``keep_points=True`` it also returns every indicator's points. A
test holds the two paths equal.

Every county has its own parameters: targets and bases are compiled into (C, n) arrays (the
rule's numbers, replaced by the county's row of targets.csv where it has one), and a rule scores
the indicator's scored quantity (:mod:`models.quantity`: the value, the completion rate, or the growth
or change over the county's own base) of the value of its column (an indicator with
``value_of`` reads the column of the indicator it takes its value from).

Order of effects, stated once:
1. indicator points by rule; a ``zero_indicator`` condition zeroes its target indicator (core
   and over) where it holds;
2. block sums (over-full bonuses go to their pool block), × block weight, clipped to the
   block's [floor, cap]; then ``zero_block`` / ``cap_block`` conditions zero or cap their
   target block; blocks of a pool summed and clipped to the pool's [floor, cap];
3. total = sum of top-level blocks and pools. A county known only by its total adds its
   drawn total to the weighted points of the indicators it has forecasts for (no caps);
4. rank within the peer class (or city-wide when ranking is unified); disqualified counties
   rank below all others; ties: ``shared`` (equal totals share the better rank) or
   ``home_loses`` (the home county ranks below any rival with an equal total);
5. grade by score, rank or quota (with a grade's ``min_score`` also required under rank or
   quota); then 提档进位 lifts it; then vetoes cap it, drop it, or (disqualify) set it to the
   lowest grade. Grade index 0 is the best.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import rules
from .breakpoints import Own
from .quantity import KINDS as SCORED_KINDS
from .quantity import scored_values
from .schema import TARGETED, Assessment, BaseStep, Steps, Threshold, VsAverage, cap_value

_ROUND = {"prorata": 0, "floor": 1, "ceil": 2}
_BELOW = {"zero": 0, "deduct": 1, "linear": 2}
_NO_STEPS = Steps(per=1.0, points=0.0)
WHEN = {"misses_basic": 0, "below": 1, "above": 2, "at_least": 3, "below_base": 4}
EFFECT = {"zero_indicator": 0, "cap_grade": 1, "drop_grade": 2, "disqualify": 3, "zero_block": 4, "cap_block": 5}
GRADE_EFFECTS = (1, 2, 3)  # effects that act on the grade (the others act on points)
TIE_TOL = 1e-9  # totals this close are equal [points]: sums of the same points in another order differ by ~1e-14


@dataclass(frozen=True)
class RuleGroup:
    """Indicators of one rule kind (local indices into the assessment) with stacked parameters."""

    kind: str
    local: np.ndarray  # indices into the assessment's indicators
    params: dict


@dataclass(frozen=True)
class CompiledAssessment:
    name: str
    cols: np.ndarray  # (n,) value-array column each indicator reads (its own, or its value_of source's)
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
    veto_when: np.ndarray  # (V,) codes of WHEN
    veto_value: np.ndarray
    veto_effect: np.ndarray  # (V,) codes of EFFECT
    veto_grade: np.ndarray  # cap grade index / drop count
    veto_names: tuple[str, ...]
    basic: np.ndarray  # (C, n) each county's basic target (threshold) or target (binary, ratio, base_step) [unit of the scored quantity]; NaN otherwise
    promotion_col: int  # local indicator or -1
    promotion_lift: int
    total_only: np.ndarray  # (C,) county scored by a drawn total
    total_mean: np.ndarray  # (C,)
    total_sd: np.ndarray  # (C,)
    threshold: dict = None  # per-county threshold parameters (C, n); None when no indicator has the rule
    veto_target: np.ndarray = None  # (V,) local indicator (zero_indicator) or block (zero_block, cap_block); -1 otherwise
    veto_cap: np.ndarray = None  # (V,) cap_block's cap [points]
    base: np.ndarray = None  # (C, n) each county's own base [unit] (NaN where none)
    scored: dict | None = None  # kind (n,), target (C, n), base (C, n), decimals (n,); None: every rule scores its value
    grade_min: np.ndarray = None  # (G-1,) min_score a grade by rank or quota also requires (−inf where none)

    @property
    def col_slice(self) -> slice | np.ndarray:
        """This assessment's columns of the value array: a slice when they are contiguous (no
        value_of), else the column array."""
        c = self.cols
        if np.array_equal(c, np.arange(c[0], c[0] + len(c))):
            return slice(int(c[0]), int(c[-1]) + 1)
        return c

    def own(self, k: int, c: int):
        """County c's own numbers for local indicator k (:class:`models.breakpoints.Own`)."""
        t, m = self.threshold, self.scored
        thr = t is not None and t["is_threshold"][c, k]
        return Own(basic=float(t["basic"][c, k]) if thr else np.nan, full=float(t["full"][c, k]) if thr else np.nan,
                   target=np.nan if thr else float(self.basic[c, k]),
                   kind=0 if m is None else int(m["kind"][k]), m_target=np.nan if m is None else float(m["target"][c, k]),
                   m_base=np.nan if m is None else float(m["base"][c, k]),
                   decimals=-1 if m is None else int(m["decimals"][k]))

    def quantity(self, values: np.ndarray) -> np.ndarray:
        """What the rules score (…, C, n): the scored quantities of this assessment's values."""
        x = values[..., self.col_slice]
        m = self.scored
        return x if m is None else scored_values(x, m["kind"], m["target"], m["base"], m["decimals"])


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

    def own_of(self, indicator: str, county: int) -> Own:
        """A county's own numbers for an indicator (:class:`models.breakpoints.Own`)."""
        for ca in self.assessments:
            if indicator in ca.names:
                return ca.own(ca.names.index(indicator), county)
        raise KeyError(indicator)


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


class OwnValues:
    """Each county's own numbers for one assessment: the rule's number, replaced by the county's
    row of targets.csv (:class:`models.schema.TargetRow`) where it gives one."""

    def __init__(self, counties: list[str], rows: dict | None):
        self.counties = counties
        self.rows = rows or {}

    def per_county(self, indicator: str, field: str, default) -> np.ndarray:
        """(C,) the field for every county [unit]; NaN where neither the row nor the rule gives it."""
        d = np.nan if default is None else float(default)
        out = []
        for c in self.counties:
            v = getattr(self.rows.get((c, indicator)), field, None)
            out.append(d if v is None else float(v))
        return np.array(out)

    def rule_targets(self, inds: list) -> np.ndarray:
        """(C, n) targets of rules with one (binary, ratio, base_step): the county's own, unless the
        indicator is scored of its completion rate (then the county's target is the rate's denominator and
        the rule's target, in %, is everyone's)."""
        return np.stack([self.per_county(i.name, "target", i.rule.target) if i.scored.of != "completion"
                         else np.full(len(self.counties), float(i.rule.target)) for i in inds], axis=1)

    def columns(self, inds: list, field: str, default_of) -> np.ndarray:
        """(C, n) the field of several indicators, ``default_of(indicator)`` where no row gives it."""
        if not inds:
            return np.zeros((len(self.counties), 0))
        return np.stack([self.per_county(i.name, field, default_of(i)) for i in inds], axis=1)


def compile_assessment(a: Assessment, counties: list[str], home: str, peer_class: dict[str, str],
                       cols: list[int], scenario_totals: dict[str, tuple[float, float]],
                       own: dict | None = None) -> CompiledAssessment:
    """Compile one assessment. ``cols``: the value-array column each indicator reads; ``own``:
    targets.csv rows by (county, indicator)."""
    ov = OwnValues(counties, own)
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
        own_target = ov.rule_targets(inds) if kind in TARGETED else None
        if kind == "threshold":
            continue  # compiled into per-column arrays below: one ufunc pass covers them all
        elif kind == "binary":
            params = {"target": own_target}
        elif kind == "ratio":
            params = {"target": own_target, "cap": np.array([cap_value(r.cap) for r in rs])}
        elif kind == "base_step":
            rows = []
            for r, ind in zip(rs, inds):
                r: BaseStep
                share = r.base_share if r.base_points is None else r.base_points / ind.points
                rows.append((share, *_steps(r.up), cap_value(r.up_cap), *_steps(r.down), r.floor,
                             np.nan if r.short is None else r.short))
            keys = ("base_share", "u_per", "u_points", "u_relative", "u_rounding", "up_cap",
                    "d_per", "d_points", "d_relative", "d_rounding", "floor", "short")
            params = dict(zip(keys, _stack(rows)))
            params["target"] = own_target
        elif kind == "bands":
            params = {"tables": [([b.lower for b in r.bands[1:]], [b.points for b in r.bands], r.closed == "right")
                                 for r in rs]}
        elif kind == "piecewise":
            params = {"tables": [(np.array([t[0] for t in r.table]),
                                  np.array([t[1] for t in r.table]) * (ind.points if r.share else 1.0),
                                  r.closed == "right", r.reference == "class") for r, ind in zip(rs, inds)]}
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
                share = r.base_share if r.base_points is None else r.base_points / ind.points
                rows.append((np.nan if r.reference == "class" else float(r.reference), share, *_steps(r.steps),
                             r.floor, ind.points if r.cap is None else cap_value(r.cap)))
            keys = ("reference", "base_share", "per", "step_points", "relative", "rounding", "floor", "cap")
            params = dict(zip(keys, _stack(rows)))
        elif kind == "growth_bonus":
            params = {k: np.array([getattr(r, k) for r in rs]) for k in ("national", "regional", "both", "one")}
        elif kind == "survey":
            params = {}
        elif kind == "per_event":
            params = {"per_point": np.array([r.points for r in rs]), "cap": np.array([cap_value(r.cap) for r in rs])}
        else:  # pragma: no cover - the schema admits no other kind
            raise ValueError(kind)
        groups.append(RuleGroup(kind, np.array(loc), params))

    C = len(counties)
    thr = _threshold_columns(a, ov) if "threshold" in by_kind else None
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
    gmin = np.array([-np.inf if a.grades.by == "score" or g.min_score is None else g.min_score
                     for g in a.grades.levels[:-1]])
    vg = [gnames.index(v.grade) if v.effect == "cap_grade" else v.drop for v in a.vetoes]
    vt = [names.index(v.target or v.indicator) if v.effect == "zero_indicator" else
          blocks.index(v.target) if v.effect in ("zero_block", "cap_block") else -1 for v in a.vetoes]
    basic = np.full((C, len(names)), np.nan)  # what misses_basic compares with
    if thr is not None:
        basic = np.where(thr["is_threshold"], thr["basic"], basic)
    targeted = [k for k, i in enumerate(a.indicators) if i.rule.kind in TARGETED]
    if targeted:
        basic[:, targeted] = ov.rule_targets([a.indicators[k] for k in targeted])
    base = ov.columns(a.indicators, "base", lambda i: i.scored.base)
    skind = np.array([SCORED_KINDS.index(i.scored.of) for i in a.indicators])
    scored = None
    if (skind > 0).any() or any(i.scored.round is not None for i in a.indicators):
        scored = {"kind": skind, "base": base,
                  "target": ov.columns(a.indicators, "target", lambda i: i.scored.target
                                       if i.scored.of == "completion" else None),
                  "decimals": np.array([-1 if i.scored.round is None else i.scored.round for i in a.indicators])}
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
        veto_when=np.array([WHEN[v.when] for v in a.vetoes], dtype=int),
        veto_value=np.array([np.nan if v.value is None else v.value for v in a.vetoes]),
        veto_effect=np.array([EFFECT[v.effect] for v in a.vetoes], dtype=int),
        veto_grade=np.array(vg, dtype=int), veto_names=tuple(v.name for v in a.vetoes), basic=basic,
        promotion_col=names.index(a.promotion.indicator) if a.promotion else -1,
        promotion_lift=a.promotion.lift if a.promotion else 0,
        total_only=tot,
        total_mean=np.array([scenario_totals[c][0] if c in scenario_totals else 0.0 for c in counties]),
        total_sd=np.array([scenario_totals[c][1] if c in scenario_totals else 0.0 for c in counties]),
        threshold=thr, veto_target=np.array(vt, dtype=int),
        veto_cap=np.array([np.nan if v.cap is None else v.cap for v in a.vetoes]), base=base, scored=scored,
        grade_min=gmin,
    )


THRESHOLD_PARAMS = ("basic", "full", "points", "basic_share", "below_mode", "zero_at", "d_step", "d_points",
                    "d_rounding", "d_floor", "o_step", "o_points", "o_rounding", "o_cap", "is_threshold")


def _threshold_columns(a: Assessment, ov: OwnValues) -> dict:
    """Threshold parameters as (C, n) arrays over all the assessment's columns (each county's own
    basic and full), for one ufunc pass. Columns of other rule kinds get harmless dummies (basic 0,
    full 1) and are overwritten. ``kernel`` (C, n, 15) holds them side by side for the block-sum
    kernel, in the order of :data:`THRESHOLD_PARAMS`."""
    n, C = len(a.indicators), len(ov.counties)
    cols = {k: np.zeros((C, n)) for k in THRESHOLD_PARAMS}
    cols["full"][:] = cols["d_step"][:] = cols["o_step"][:] = 1.0
    for k, ind in enumerate(a.indicators):
        r = ind.rule
        cols["points"][:, k] = ind.points
        if not isinstance(r, Threshold):
            continue
        d = r.below.steps or _NO_STEPS
        o = r.over.steps if r.over else _NO_STEPS
        basic = ov.per_county(ind.name, "basic", r.basic)
        full = ov.per_county(ind.name, "full", r.full)
        cols["basic"][:, k], cols["full"][:, k] = basic, full
        cols["basic_share"][:, k] = r.basic_share if r.basic_points is None else r.basic_points / ind.points
        cols["below_mode"][:, k] = _BELOW[r.below.mode]
        cols["zero_at"][:, k] = r.below.zero_at if r.below.zero_at is not None else np.nan
        cols["d_step"][:, k] = rules.step_length(d.per, d.basis == "relative", basic)
        cols["d_points"][:, k], cols["d_rounding"][:, k] = d.points, _ROUND[d.rounding]
        cols["d_floor"][:, k] = r.below.floor or 0.0
        cols["o_step"][:, k] = rules.step_length(o.per, o.basis == "relative", full)
        cols["o_points"][:, k], cols["o_rounding"][:, k] = o.points, _ROUND[o.rounding]
        cols["o_cap"][:, k] = cap_value(r.over.cap) if r.over else 0.0
        cols["is_threshold"][:, k] = 1.0
    cols["has_over"] = bool(np.any(cols["o_cap"] > 0))
    cols["kernel"] = np.ascontiguousarray(np.stack([cols[k] for k in THRESHOLD_PARAMS], axis=-1))  # (C, n, 15)
    cols["is_threshold"] = cols["is_threshold"].astype(bool)
    return cols


def compile_scenario(scn) -> CompiledScenario:
    """Compile a validated :class:`~models.scenario.Scenario` for scoring."""
    counties = scn.counties
    peer_class = {c.name: c.peer_class for c in scn.spec.counties}
    inds = scn.indicators()
    names = [i.name for i in inds]
    sign = np.array([1.0 if i.direction == "higher" else -1.0 for i in inds])
    own = {(r.county, r.indicator): r for r in getattr(scn, "target_rows", ())}
    out, start = [], 0
    for a in scn.spec.assessments:
        cols = [names.index(i.value_of) if i.value_of else start + k for k, i in enumerate(a.indicators)]
        start += len(a.indicators)
        totals = {c.name: (c.totals[a.name].mean, c.totals[a.name].sd) for c in scn.spec.counties if a.name in c.totals}
        out.append(compile_assessment(a, counties, scn.home, peer_class, cols, totals, own))
    return CompiledScenario(tuple(counties), counties.index(scn.home), tuple(names), sign, tuple(out))


# --------------------------------------------------------------------------- score


def _points(values: np.ndarray, ca: CompiledAssessment, act: np.ndarray | None = None
            ) -> tuple[np.ndarray, np.ndarray | None]:
    """``(core, over)`` points (…, C, n); counties with no forecast (NaN) score 0 in core;
    ``over`` is None when no indicator has an over-full bonus. ``act`` (…, C, V): which
    conditions hold (default: :func:`veto_active`), for the zero_indicator ones."""
    x = ca.quantity(values)
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
    zero = np.flatnonzero(ca.veto_effect == 0)
    if len(zero):
        act = veto_active(values, ca) if act is None else act
        for v in zero:
            col = ca.veto_target[v]
            core[..., col] = np.where(act[..., v], 0.0, core[..., col])
            if over is not None:
                over[..., col] = np.where(act[..., v], 0.0, over[..., col])
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
                                             p["d_relative"], p["d_rounding"], p["floor"], p["short"])
        elif g.kind in ("bands", "piecewise"):
            cols = range(out.start, out.stop) if compact else loc
            for c, j, table in zip(cols, loc, p["tables"]):
                if g.kind == "bands":
                    core[..., c] = rules.bands(x[..., j], *table)
                else:
                    xs_, ys_, right, to_class = table
                    xj = x[..., j]
                    if to_class:
                        xj = xj - rules.class_means(xj, ca.rule_class_of)
                    core[..., c] = rules.piecewise(xj, xs_, ys_, right)
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
    x = ca.quantity(values)
    B = len(ca.block_names)
    if ca.threshold is not None:
        with np.errstate(invalid="ignore", divide="ignore"):  # see _points
            x2 = x.reshape(-1, x.shape[-1])  # a view when the assessment's columns are the whole array
            raw = rules.threshold_block_sums(x2, ca.threshold["kernel"], ca.block_of, ca.over_block_of, B)
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


def indicator_points(values: np.ndarray, ca: CompiledAssessment, act: np.ndarray | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Points of every indicator: ``(core, over)``, each (…, C, n) [points]; NaN core where a
    county has no forecast.

    ``values`` (…, C, I) holds the scenario's indicator values (NaN where a county has no
    forecast); this assessment's columns are taken from it. ``act`` (…, C, V): which conditions
    hold, when the caller decides (the option tables switch off the ones a plan decides)."""
    core, over = _points(values, ca, act)
    core = np.where(np.isnan(values[..., ca.col_slice]), np.nan, core)
    return core, np.zeros(core.shape) if over is None else over


def _peer_points(xs, s, w, g: RuleGroup, ca: CompiledAssessment) -> np.ndarray:
    """Points of a peer-relative group, class by class on the class's counties only (the rules
    mask non-members anyway: a province's class is a fraction of its counties)."""
    out = np.full(xs.shape, np.nan)
    p = g.params
    for cls in np.unique(ca.rule_class_of):
        idx = np.flatnonzero(ca.rule_class_of == cls)
        x = xs[..., idx, :]
        members = np.ones(len(idx), dtype=bool)
        if g.kind == "efficacy":
            v = rules.efficacy(x, s, w, members, p["base"], p["span"], p["worst"], p["best"])
        elif g.kind == "best_ratio":
            v = rules.best_ratio(x, s, w, members)
        elif g.kind == "vs_average":
            v = rules.vs_average(x, s, w, members, p["reference"], p["base_share"], p["per"], p["step_points"],
                                 p["relative"], p["rounding"], p["floor"], p["cap"])
        else:  # rank_points: one rule at a time (tables differ in length)
            v = np.full(x.shape, np.nan)
            for j, r in enumerate(p["rules"]):
                v[..., j] = rules.rank_points(x[..., j:j + 1], s[j:j + 1], w[j:j + 1], members,
                                              step=r.step or 0.0, table=r.table)[..., 0]
        out[..., idx, :] = v
    return out


def veto_active(values: np.ndarray, ca: CompiledAssessment) -> np.ndarray:
    """Which conditions hold: (…, C, V) bool, compared in the units the trigger's rule scores (its
    scored quantity) with the county's own basic target, a value, or (below_base) the value with the
    county's own base. A county without a value for the trigger never triggers."""
    if not len(ca.veto_col):
        return np.zeros(values.shape[:-1] + (0,), dtype=bool)
    x = ca.quantity(values)[..., ca.veto_col]
    raw = values[..., ca.cols[ca.veto_col]]
    sign = ca.sign[ca.veto_col]
    basic = ca.basic[:, ca.veto_col]
    base = ca.base[:, ca.veto_col]
    w, v = ca.veto_when, ca.veto_value
    with np.errstate(invalid="ignore"):
        act = np.where(w == 0, sign * x < sign * basic,
                       np.where(w == 1, x < v, np.where(w == 2, x > v, np.where(w == 3, x >= v, raw < base))))
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


def block_scores(raw_blocks: np.ndarray, ca: CompiledAssessment, act: np.ndarray | None = None) -> np.ndarray:
    """Block scores (…, C, B) [points]: raw sums × weight, clipped to [floor, cap]; then, where a
    zero_block / cap_block condition holds (``act`` (…, C, V)), its target block zeroed or capped."""
    out = np.clip(raw_blocks * ca.block_weight, ca.block_floor, ca.block_cap)
    if act is not None:
        for v in np.flatnonzero(ca.veto_effect >= 4):
            b = ca.veto_target[v]
            gated = 0.0 if ca.veto_effect[v] == 4 else np.minimum(out[..., b], ca.veto_cap[v])
            out[..., b] = np.where(act[..., v], gated, out[..., b])
    return out


def totals(raw_blocks: np.ndarray, ca: CompiledAssessment, drawn_total: np.ndarray | None = None,
           act: np.ndarray | None = None) -> np.ndarray:
    """Total score (…, C) from raw block sums (…, C, B): weights, block caps, block conditions
    (``act``, see :func:`block_scores`), pool caps.

    ``drawn_total`` (…, C): the drawn totals of counties known only by their total (defaults to
    their mean)."""
    clipped = block_scores(raw_blocks, ca, act)
    top = clipped[..., ca.block_pool < 0].sum(axis=-1)
    for k in range(len(ca.pool_names)):
        inpool = clipped[..., ca.block_pool == k].sum(axis=-1)
        top = top + np.clip(inpool, ca.pool_floor[k], ca.pool_cap[k])
    if ca.total_only.any():
        base = ca.total_mean if drawn_total is None else drawn_total
        top = np.where(ca.total_only, base + (raw_blocks * ca.block_weight).sum(axis=-1), top)
    return top


def ranks(total: np.ndarray, ca: CompiledAssessment, disqualified: np.ndarray | None = None) -> np.ndarray:
    """Rank (…, C) within the ranking class, 1 = best, by the tie rule of the assessment; totals
    within :data:`TIE_TOL` are equal (float noise in a sum never decides a place). Each class is
    compared within itself (a province's class is a fraction of its counties)."""
    t = total if disqualified is None else np.where(disqualified, -np.inf, total)
    out = np.empty(t.shape, dtype=np.int64)
    for cls in np.unique(ca.class_of):
        idx = np.flatnonzero(ca.class_of == cls)
        tc = t[..., idx]
        beats = tc[..., :, None] > tc[..., None, :] + TIE_TOL  # c' beats c
        if ca.tie_home_loses and ca.home in idx:
            h = int(np.flatnonzero(idx == ca.home)[0])
            with np.errstate(invalid="ignore"):  # −inf − −inf: disqualified counties tie among themselves
                tie = (np.abs(tc - tc[..., h:h + 1]) <= TIE_TOL) | (tc == tc[..., h:h + 1])
            beats[..., :, h] |= tie  # a rival with the home county's total beats it
            beats[..., h, h] = False
        out[..., idx] = 1 + beats.sum(axis=-2)  # disqualified counties (−inf) tie among themselves, last
    return out


def grades(total: np.ndarray, rank: np.ndarray, ca: CompiledAssessment, vetoed: np.ndarray | None = None,
           promoted: np.ndarray | None = None) -> np.ndarray:
    """Grade index (…, C), 0 = best: by score, rank or quota (and a grade's min_score under rank
    or quota); then promotion; then vetoes."""
    G = len(ca.grade_names)
    if ca.grade_by == "score":
        met = total[..., None] >= ca.grade_criteria - TIE_TOL
    elif ca.grade_by == "rank":
        met = (rank[..., None] <= ca.grade_criteria) & (total[..., None] >= ca.grade_min - TIE_TOL)
    else:
        size = np.array([(ca.class_of == ca.class_of[c]).sum() for c in range(len(ca.class_of))])
        quota = np.ceil(size[:, None] * ca.grade_criteria - 1e-9)  # (C, G-1)
        met = (rank[..., None] <= quota) & (total[..., None] >= ca.grade_min - TIE_TOL)
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
    vet = veto_active(values, ca)
    if not keep_points and not (ca.veto_effect == 0).any():
        raw = _fused_block_sums(values, ca)
        core = over = None
    else:
        core, over = _points(values, ca, vet)
        raw = block_sums(core, over, ca)
    if keep_points:
        core = np.where(np.isnan(values[..., ca.col_slice]), np.nan, core)
        over = np.zeros(core.shape) if over is None else over
    else:
        core = over = None
    total = totals(raw, ca, drawn_total, vet)
    dq = disqualified(vet, ca) if vet.shape[-1] else None
    rank = ranks(total, ca, dq)
    grade = grades(total, rank, ca, vet, promoted(values, ca))
    blocks = block_scores(raw, ca, vet)
    return AssessmentScores(ca.name, core, over, blocks, total, rank, grade, vet)


def score_all(values: np.ndarray, cs: CompiledScenario, drawn_totals: dict[str, np.ndarray] | None = None,
              keep_points: bool = True) -> list[AssessmentScores]:
    """Score every assessment of a compiled scenario."""
    drawn_totals = drawn_totals or {}
    return [score_assessment(values, ca, drawn_totals.get(ca.name), keep_points) for ca in cs.assessments]


def quota_size(share: float, n: int) -> int:
    """Counties in a quota: the top ``share`` of ``n``, rounded up."""
    return math.ceil(share * n - 1e-9)

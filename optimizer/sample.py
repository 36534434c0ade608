"""A large evaluation sample on common random numbers: the objective in every draw for any plan,
cheap enough to compare candidates and to polish a plan one move at a time.

Built in chunks of draws from the option tables of :mod:`models.options` (the scoring model
itself), kept lean: only the assessments the objective reads, only the counties of the home's
ranking class (the others cannot change its rank or grade), and per option only what it changes
over its indicator's first level (the home's points, a rival's where a class-relative rule moves
them, in every layer of the tables). A plan is its raw block sums; totals, ranks and grades come
from models.scoring's own functions (:func:`models.options.outcome_from_totals`).
:meth:`Sample.check` re-scores a plan from the draws themselves and must agree draw by draw.

Conditions across items that a plan decides (the tables' gates) act on whole blocks of the home:
a sample with any is ``exact``: every plan is scored from the draws by the scoring model, and
:meth:`Sample.raws`/:meth:`Sample.shift` are not available (no polish).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from models.options import Levels, option_tables, outcome_from_totals, plan_conditions, restrict_assessment
from models.projection import apply_push, draw_from_table, forecast_table
from models.scoring import CompiledScenario, score_all, totals

from .clock import Cap
from .request import Request, per_draw


@dataclass
class Part:
    """One assessment of the objective over the sample, its counties cut to the home's ranking
    class (K).

    Only the counties ``vary`` (positions in K: the home and any rival a class-relative rule
    moves) change with the plan: ``base`` (S, V, B) their raw block sums with every indicator at
    its first level; layer l of an option x adds ``delta[l][:, :, col[l][x]]`` (S, V) to block
    ``block[l][x]`` (``col[l][x]`` −1: nothing); ``fixed_total`` (S, K) the totals of the others.
    The condition, promotion and drawn-total fields mirror :class:`models.options.AssessmentTables`
    (read by plan_conditions and outcome_from_totals)."""

    ca: object
    ca_vary: object
    inds: np.ndarray
    local: np.ndarray  # (all options,) position of a global option in this part, or −1
    vary: np.ndarray
    base: np.ndarray
    fixed_total: np.ndarray
    delta: tuple
    col: tuple
    block: tuple
    veto0: np.ndarray
    veto_ind: np.ndarray
    veto_opt: tuple
    promo_base: np.ndarray | None
    promo_ind: int
    promo_opt: np.ndarray | None
    drawn_total: np.ndarray | None

    def rows(self, sl: slice) -> Part:
        """The same part on the draws ``sl`` (views)."""
        cut = {k: getattr(self, k)[sl] for k in ("base", "fixed_total", "veto0")}
        for k in ("promo_base", "promo_opt", "drawn_total"):
            v = getattr(self, k)
            cut[k] = None if v is None else v[sl]
        cut["veto_opt"] = tuple(None if v is None else v[sl] for v in self.veto_opt)
        cut["delta"] = tuple(d[sl] for d in self.delta)
        return replace(self, **cut)

    def add(self, raw: np.ndarray, k: int, sign: float) -> None:
        """Add (sign 1) or take away (−1) option k's change to raw block sums (S, V, B), in place."""
        for d, c, b in zip(self.delta, self.col, self.block):
            if c[k] >= 0:
                raw[:, :, b[k]] += sign * d[:, :, c[k]]

    def outcome(self, plan, raw: np.ndarray):
        vet = plan_conditions(self, plan)
        total = self.fixed_total.copy()
        dt = None if self.drawn_total is None else self.drawn_total[:, self.vary]
        total[:, self.vary] = totals(raw, self.ca_vary, dt, vet[:, self.vary])
        return outcome_from_totals(self, plan, total, vet)


class Sample:
    """Draws [start, start + n) of stream ``stream``: the request's value per draw for any plan.

    A plan's state is its raw block sums per part (:meth:`raws`); :meth:`shift` moves one
    indicator; ``sl`` restricts the work to some draws. ``progress(done)`` is called with the
    draws just prepared; past the safety ``cap`` no more chunks are added (``cut`` says so)."""

    def __init__(self, scn, cs: CompiledScenario, levels: Levels, req: Request, n: int, seed: int, stream: int,
                 start: int = 0, chunk: int = 1000, progress=None, cap: Cap | None = None):
        self.scn, self.cs, self.levels, self.req = scn, cs, levels, req
        self.seed, self.stream, self.start = seed, stream, start
        self.names = (req.assessments or tuple(a.name for a in cs.assessments)) if req.objective == "joint-grade" \
            else (req.assessment or cs.assessments[0].name,)
        pieces = {name: [] for name in self.names}
        self.exact = False
        self.n_draws = 0
        mine = replace(cs, assessments=tuple(cs.assessment(name) for name in self.names))  # tables of these only
        for a, d in self._chunks(n, chunk):
            if a and cap is not None and cap.over():
                break  # stopped by the clock: the draws so far
            self.n_draws += len(d.values)
            tables = option_tables(d.values, d.totals, mine, levels)
            self.exact = self.exact or any(len(tables.assessment(nm).gates) for nm in self.names)
            if not self.exact:
                for name in self.names:
                    pieces[name].append(_chunk(tables.assessment(name), levels))
            if progress:
                progress(len(d.values))
        self.cut = self.n_draws < n
        self.parts = () if self.exact else tuple(_join(levels, pieces[name]) for name in self.names)
        self._cut: dict = {}

    def _chunks(self, n: int, chunk: int):
        ft = forecast_table(self.scn, self.cs)
        for a in range(0, n, chunk):
            yield a, draw_from_table(ft, min(chunk, n - a), self.seed, self.stream, self.start + a)

    # the interface of per_draw (request.py): assessments carrying ``ca``
    @property
    def assessments(self):
        return self.parts

    def assessment(self, name: str | None = None) -> Part:
        if name is None:
            return self.parts[0]
        return next(p for p in self.parts if p.ca.name == name)

    def _parts(self, sl: slice | None):
        if sl is None:
            return self.parts
        key = (sl.start, sl.stop)
        if key not in self._cut:
            self._cut[key] = tuple(p.rows(sl) for p in self.parts)
        return self._cut[key]

    def raws(self, plan, sl: slice | None = None) -> list[np.ndarray]:
        """Raw block sums (S, V, B) of the varying counties of each part under ``plan``."""
        plan = np.asarray(plan, dtype=int)
        off = self.levels.offsets
        out = []
        for p in self._parts(sl):
            raw = p.base.copy()
            for j in p.inds:
                if plan[j]:
                    p.add(raw, int(p.local[off[j] + plan[j]]), 1.0)
            out.append(raw)
        return out

    def shift(self, raws: list, plan, j: int, o: int, sl: slice | None = None) -> list:
        """Raw block sums after moving indicator j from ``plan[j]`` to option o (inputs unchanged)."""
        off = self.levels.offsets
        out = []
        for p, raw in zip(self._parts(sl), raws):
            k_new, k_old = int(p.local[off[j] + o]), int(p.local[off[j] + plan[j]])
            if k_new < 0:
                out.append(raw)
                continue
            r = raw.copy()
            if plan[j]:
                p.add(r, k_old, -1.0)
            if o:
                p.add(r, k_new, 1.0)
            out.append(r)
        return out

    def values(self, plan, raws: list | None = None, sl: slice | None = None) -> np.ndarray:
        """(S,) the request's value in each draw (of ``sl``) under ``plan``."""
        plan = np.asarray(plan, dtype=int)
        if self.exact:
            full = self._scored(plan)
            return full if sl is None else full[sl]
        raws = self.raws(plan, sl) if raws is None else raws
        parts = self._parts(sl)
        outs = {p.ca.name: p.outcome(plan, r) for p, r in zip(parts, raws)}
        return per_draw(_View(parts), self.req, outs)

    def value(self, plan) -> float:
        return float(self.values(plan).mean())

    def summary(self, plan) -> dict:
        """Per assessment of the sample, the home's expected score and rank, P(rank ≤ r) and
        P(grade ≥ g) of the request (as optimizer.plan.home_summary); {} for an exact sample."""
        if self.exact:
            return {}
        plan = np.asarray(plan, dtype=int)
        out = {}
        for p, raw in zip(self.parts, self.raws(plan)):
            o, h = p.outcome(plan, raw), p.ca.home
            out[p.ca.name] = {"expected_score": float(o.total[:, h].mean()), "expected_rank": float(o.rank[:, h].mean()),
                              "p_rank": float((o.rank[:, h] <= self.req.rank).mean()),
                              "p_grade": float((o.grade[:, h] <= self.req.grade).mean())}
        return out

    def _scored(self, plan, chunk: int = 5000) -> np.ndarray:
        """(S,) the request's value per draw by the scoring model on the draws themselves."""
        cs = self.cs
        push = self.levels.push_vector(plan, len(cs.indicators))
        view = _View(tuple(_Ca(ca) for ca in cs.assessments))
        out = []
        for _, d in self._chunks(self.n_draws, chunk):
            scores = score_all(apply_push(d.values, cs, push), cs, drawn_totals=d.totals, keep_points=False)
            out.append(per_draw(view, self.req, {s.name: s for s in scores}))
        return np.concatenate(out)

    def check(self, plan) -> float:
        """The largest difference, over the draws, between :meth:`values` and the scoring model
        run on the draws themselves with the plan's pushes (models.scoring.score_all)."""
        return float(np.abs(self._scored(plan) - self.values(plan)).max())


@dataclass(frozen=True)
class _Ca:
    ca: object


@dataclass(frozen=True)
class _View:
    """Assessments as the interface of per_draw (request.py)."""

    assessments: tuple

    def assessment(self, name=None):
        return self.assessments[0] if name is None else next(a for a in self.assessments if a.ca.name == name)


def _chunk(t, levels: Levels) -> dict:
    """One chunk of one assessment's option tables, cut to the home's ranking class: each
    option's points in every layer as their change over its indicator's first level, and the raw
    block sums with every indicator at its first level."""
    ca = t.ca
    h = ca.home
    keep = np.flatnonzero(ca.class_of == ca.class_of[h])
    off = levels.offsets
    pos = np.full(int(off[-1]), -1, dtype=int)
    pos[t.xs] = np.arange(len(t.xs))
    first = np.concatenate([np.full(len(levels.push[j]), pos[off[j]]) for j in t.inds]).astype(int) \
        if len(t.inds) else np.zeros(0, int)
    base = t.base_raw[:, keep].copy()
    layers = []
    for p in t.parts:
        pts = p.points[:, keep]
        on = p.local >= 0
        delta = np.where(on, pts - pts[:, :, first], 0.0) if len(first) else pts
        for j in t.inds:
            a = pos[off[j]]
            if on[a]:
                base[:, :, p.block[a]] += pts[:, :, a]
        layers.append((delta, p.block))
    moved = np.zeros(len(keep), dtype=bool)  # counties some option moves in this chunk (the home always)
    moved[np.flatnonzero(keep == h)] = True
    for delta, _ in layers:
        moved |= (delta != 0).any(axis=(0, 2))
    moved = np.flatnonzero(moved)
    layers = [(np.ascontiguousarray(delta[:, moved]), block) for delta, block in layers]
    return {"moved": moved, "meta": _Meta(ca, t.inds, t.xs, t.veto_ind, t.promo_ind), "keep": keep, "pos": pos, "base": base,
            "layers": layers, "veto0": t.veto0[:, keep], "veto_opt": t.veto_opt,
            "promo_base": None if t.promo_base is None else t.promo_base[:, keep], "promo_opt": t.promo_opt,
            "drawn": None if t.drawn_total is None else t.drawn_total[:, keep]}


@dataclass(frozen=True)
class _Meta:
    """What every chunk of an assessment shares (the first chunk's)."""

    ca: object
    inds: np.ndarray
    xs: np.ndarray
    veto_ind: np.ndarray
    promo_ind: int


def _join(levels: Levels, chunks: list[dict]) -> Part:
    """The chunks of one assessment as one lean :class:`Part`."""
    c0 = chunks[0]
    t0, keep = c0["meta"], c0["keep"]
    car = restrict_assessment(t0.ca, keep)
    K, X = len(keep), len(t0.xs)
    vary = np.zeros(K, dtype=bool)
    used = [np.zeros(X, dtype=bool) for _ in c0["layers"]]
    for c in chunks:
        vary[c["moved"]] = True
        for u, (delta, _) in zip(used, c["layers"]):
            u |= (delta != 0).any(axis=(0, 1))
    vary = np.flatnonzero(vary)
    cols, deltas, blocks = [], [], []
    for li, u in enumerate(used):
        col = np.full(X, -1, dtype=int)
        col[u] = np.arange(int(u.sum()))
        cols.append(col)
        out = np.zeros((sum(len(c["base"]) for c in chunks), len(vary), int(u.sum())))
        a = 0
        for c in chunks:  # a chunk holds only the counties it moved: the others' change is 0 there
            m = len(c["base"])
            out[a:a + m, np.searchsorted(vary, c["moved"])] = c["layers"][li][0][:, :, u]
            a += m
        deltas.append(out)
        blocks.append(c0["layers"][li][1])

    def cat(key):
        return np.concatenate([key(c) for c in chunks], axis=0)

    base_all = cat(lambda c: c["base"])
    drawn = None if c0["drawn"] is None else cat(lambda c: c["drawn"])
    veto0 = cat(lambda c: c["veto0"])
    veto_opt = tuple(None if v is None else cat(lambda c, k=k: c["veto_opt"][k]) for k, v in enumerate(c0["veto_opt"]))
    return Part(
        ca=car, ca_vary=restrict_assessment(car, vary), inds=t0.inds, local=c0["pos"], vary=vary,
        base=np.ascontiguousarray(base_all[:, vary]), fixed_total=totals(base_all, car, drawn, veto0),
        delta=tuple(deltas), col=tuple(cols), block=tuple(blocks), veto0=veto0, veto_ind=t0.veto_ind,
        veto_opt=veto_opt, promo_base=None if c0["promo_base"] is None else cat(lambda c: c["promo_base"]),
        promo_ind=t0.promo_ind, promo_opt=None if c0["promo_opt"] is None else cat(lambda c: c["promo_opt"]),
        drawn_total=drawn)

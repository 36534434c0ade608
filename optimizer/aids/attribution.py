"""Department attribution of a plan (绩效奖励二次分配, 问责): Shapley values over departments.

The players are the departments (牵头单位) owning the plan's pushed indicators of the goal's
assessment; a coalition's value is what the plan gives when only its departments' pushes are made
(the others stay at the status quo), on the study's draws: the home county's total [points], and
whether it reaches rank ≤ r and grade ≥ g. The Shapley value of a department is its marginal
contribution averaged over every order in which the departments could join:

    φ_d = Σ_{T ⊆ N∖{d}} |T|!(|N|−|T|−1)!/|N|! · (v(T ∪ {d}) − v(T))

exact by enumerating the 2^|N| coalitions (in Gray-code order, one department's pushes added or
removed per step) up to :data:`MAX_EXACT` departments, else estimated from sampled permutations
(each with its reverse) with the sampling standard error. Both are linear in v, so they are computed
per draw; the Monte Carlo standard error is that of the per-draw values. The values sum to the
plan's total gain v(N) − v(∅) (efficiency) and a department none of whose indicators is pushed gets
0 (dummy). Coalitions are evaluated on option tables (two levels per pushed indicator: none and the
plan's), which give exactly what models.scoring gives; the full plan and the status quo are
re-scored by models.scoring to check it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.options import Levels, curve_cost, option_tables, outcome_from_raw

from models.i18n import translate as models_word
from models.warning import NOBODY

from ..i18n import _
from ..plan import VerificationError
from .common import Study, mean_se, only_assessment

MAX_EXACT = 12  # departments up to which every coalition is enumerated
MEASURES = ("score", "rank", "grade")


@dataclass
class Attribution:
    """``table``: one row per department; ``method``: 'exact' or 'sampled' (with ``permutations``);
    ``gain``: measure → (v(N) − v(∅), its standard error); ``phi`` (3, D) and ``players``."""

    table: pd.DataFrame
    method: str
    permutations: int
    gain: dict
    players: list
    phi: np.ndarray
    words: list


def _dept(ind) -> str:
    """An indicator's lead department, or the word for none (models.warning's, in the language in use)."""
    return ind.department or models_word(NOBODY)


class _Game:
    """The coalition values on option tables with the pushed indicators at none or the plan's push."""

    def __init__(self, st: Study, players: list[str]):
        cs, scn = st.cs, st.scn
        ca = st.ca
        pushed = [int(c) for c in ca.cols if st.push[c] > 0]
        inds = [scn.indicator(cs.indicators[c]) for c in pushed]
        zero2 = np.zeros(2)
        levels = Levels(tuple(i.name for i in inds), np.array(pushed, dtype=int), tuple(i.department for i in inds),
                        tuple(np.array([0.0, st.push[c]]) for c in pushed), tuple(zero2 for _ in pushed),
                        tuple(zero2 for _ in pushed), tuple(("status quo", "plan") for _ in pushed))
        self.levels = levels
        t = option_tables(st.draws.values, st.draws.totals, only_assessment(cs, ca.name), levels).assessments[0]
        self.t = t = _class_only(t)
        self.h, self.req = t.ca.home, st.req
        S, C, B = t.base_raw.shape
        self.owner = np.array([players.index(_dept(i)) for i in inds], dtype=int)
        pos = {int(x): k for k, x in enumerate(t.xs)}
        off = levels.offsets
        self.raw0 = t.base_raw.copy()  # every pushed indicator at the status quo
        self.delta = np.zeros((len(players), S, C, B))  # what each department's pushes add

        def add(into, k, sign):
            for part in t.parts:  # the option's points in every block it reaches (value_of included)
                into[:, :, part.block[k]] += sign * part.points[:, :, k]

        for j in range(levels.n):
            k0, k1 = pos[int(off[j])], pos[int(off[j]) + 1]
            add(self.raw0, k0, 1.0)
            add(self.delta[self.owner[j]], k1, 1.0)
            add(self.delta[self.owner[j]], k0, -1.0)

    def value(self, raw: np.ndarray, members: np.ndarray) -> np.ndarray:
        """(3, S): home total, rank ≤ r, grade ≥ g for the coalition ``members`` (bool per player)."""
        plan = members[self.owner].astype(int)
        out = outcome_from_raw(self.t, plan, raw)
        h = self.h
        return np.stack([out.total[:, h], out.rank[:, h] <= self.req.rank, out.grade[:, h] <= self.req.grade]).astype(float)


def _class_only(t):
    """The tables restricted to the counties of the home county's ranking class: the others change
    neither its rank nor its grade (their points on peer-relative rules are already in the tables)."""
    from dataclasses import replace

    ca = t.ca
    keep = np.flatnonzero(ca.class_of == ca.class_of[ca.home])
    if len(keep) == len(ca.class_of):
        return t
    cut = {f: getattr(ca, f)[keep] for f in ("class_of", "rule_class_of", "total_only", "total_mean", "total_sd")}
    ca2 = replace(ca, home=int(np.flatnonzero(keep == ca.home)[0]), **cut)
    sl = (slice(None), keep)
    return replace(t, ca=ca2, parts=tuple(replace(p, points=p.points[sl]) for p in t.parts), base_raw=t.base_raw[sl],
                   veto0=t.veto0[sl],
                   promo_base=None if t.promo_base is None else t.promo_base[sl],
                   drawn_total=None if t.drawn_total is None else t.drawn_total[sl])


def shapley_exact(game: _Game, D: int, progress=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-draw Shapley values (3, D, S), v(∅) and v(N) (3, S), enumerating coalitions in Gray-code order."""
    w = np.array([math.factorial(k) * math.factorial(D - k - 1) / math.factorial(D) for k in range(D)]) if D else np.zeros(0)
    raw = game.raw0.copy()
    members = np.zeros(D, dtype=bool)
    v0 = game.value(raw, members)
    phi = np.zeros((3, D, v0.shape[1]))
    vN = v0
    for i in range(2 ** D):
        if i:
            d = (i & -i).bit_length() - 1  # the bit Gray code i flips
            members[d] = not members[d]
            raw += game.delta[d] if members[d] else -game.delta[d]
        v = v0 if i == 0 else game.value(raw, members)
        k = int(members.sum())
        coef = np.where(members, w[k - 1] if k else 0.0, -w[k] if k < D else 0.0)
        phi += coef[None, :, None] * v[:, None, :]
        if k == D:
            vN = v
        if progress is not None:
            progress(1)
    return phi, v0, vN


def shapley_sampled(game: _Game, D: int, permutations: int, rng, progress=None):
    """Per-draw Shapley estimates (3, D, S) from ``permutations`` orders (half of them the reverses
    of the other half), the per-pair means (P, 3, D) for the sampling error, v(∅) and v(N)."""
    v0 = game.value(game.raw0, np.zeros(D, dtype=bool))
    pairs = max(1, permutations // 2)
    phi = np.zeros((3, D, v0.shape[1]))
    per_pair = np.zeros((pairs, 3, D))
    vN = None
    for m in range(pairs):
        perm = rng.permutation(D)
        for order in (perm, perm[::-1]):
            raw = game.raw0.copy()
            members = np.zeros(D, dtype=bool)
            prev = v0
            for d in order:
                raw += game.delta[d]
                members[d] = True
                cur = game.value(raw, members)
                marg = cur - prev
                phi[:, d, :] += marg
                per_pair[m, :, d] += marg.mean(axis=1) / 2
                prev = cur
                if progress is not None:
                    progress(1)
            vN = prev
    return phi / (2 * pairs), per_pair, v0, vN


def attribute(st: Study, *, max_exact: int = MAX_EXACT, permutations: int = 200, players: list[str] | None = None,
              progress=None) -> Attribution:
    """Shapley values over departments of the plan ``st.push`` (see the module docstring), with the
    points each department's indicators earn or lose against full. ``players`` (default: the
    departments with a pushed indicator in the goal's assessment) may add others (they get 0);
    ``progress`` is called with 1 per coalition evaluated."""
    scn, cs, ca = st.scn, st.cs, st.ca
    inds = [scn.indicator(n) for n in ca.names]
    pushed = {_dept(i) for i, c in zip(inds, ca.cols) if st.push[c] > 0}
    players = sorted(pushed) if players is None else list(dict.fromkeys(list(players) + sorted(pushed)))
    D = len(players)
    game = _Game(st, players)
    if D <= max_exact:
        method, n_perm = "exact", 0
        phi, v0, vN = shapley_exact(game, D, progress)
        perm_se = np.zeros((3, D))
    else:
        method, n_perm = "sampled", 2 * max(1, permutations // 2)
        rng = np.random.default_rng([st.seed, 15, D])
        phi, per_pair, v0, vN = shapley_sampled(game, D, permutations, rng, progress)
        perm_se = per_pair.std(axis=0, ddof=1) / np.sqrt(len(per_pair)) if len(per_pair) > 1 else np.full((3, D), np.nan)
    _verify(st, v0, vN)
    gain = {m: mean_se(vN[k] - v0[k]) for k, m in enumerate(MEASURES)}
    table = _table(st, inds, players, phi, perm_se, method)
    words = _words(st, table, gain, method, n_perm)
    return Attribution(table, method, n_perm, gain, players, phi.mean(axis=2), words)


def _verify(st: Study, v0: np.ndarray, vN: np.ndarray) -> None:
    """The tables' status quo and full plan against models.scoring's own scores of them."""
    for v, push in ((vN, st.push), (v0, np.zeros_like(st.push))):
        s = st.scores(push)
        r, g = st.success(s)
        ok = np.allclose(v[0], s.total[:, st.home], rtol=0, atol=1e-9) and (v[1] == r).all() and (v[2] == g).all()
        if not ok:
            raise VerificationError(
                _("department attribution: the option tables and the scoring model disagree on the plan (full)")
                if push is st.push else
                _("department attribution: the option tables and the scoring model disagree on the plan (status quo)"))


def _table(st: Study, inds, players, phi, perm_se, method) -> pd.DataFrame:
    """One row per department with an indicator in the assessment (and every player)."""
    scn, ca, h = st.scn, st.ca, st.home
    plan_pts = st.plan_scores.points + st.plan_scores.over
    sq = st.scores(np.zeros_like(st.push), keep_points=True)
    sq_pts = sq.points + sq.over
    curves: dict[str, list] = {}
    for r in scn.effort_rows:
        curves.setdefault(r.indicator, []).append((r.upto, r.cost))
    depts = list(dict.fromkeys([_dept(i) for i in inds] + players))
    rows = []
    for d in depts:
        ks = [k for k, i in enumerate(inds) if _dept(i) == d]
        effort = 0.0
        for k in ks:
            p = st.push[ca.cols[k]]
            if p > 0 and inds[k].name in curves:
                seg = curves[inds[k].name]
                effort += float(curve_cost(p, np.array([u for u, _c in seg]), np.array([c for _u, c in seg])))
        full = float(ca.points[ks].sum()) if ks else 0.0
        earned = float(np.nansum(plan_pts[:, h, ks], axis=1).mean()) if ks else 0.0
        before = float(np.nansum(sq_pts[:, h, ks], axis=1).mean()) if ks else 0.0
        row = {_("牵头单位"): d, _("指标数"): len(ks), _("推进指标数"): sum(st.push[ca.cols[k]] > 0 for k in ks),
               effort_column(st): effort, _("分值合计 [分]"): full, _("现状期望得分 [分]"): before,
               _("方案期望得分 [分]"): earned, _("较满分失分 [分]"): full - earned}
        p = players.index(d) if d in players else None
        for m, measure in enumerate(("score", "rank", "grade")):
            label, label_se = share_column(st, measure), share_column(st, measure, "se")
            if p is None:
                row[label], row[label_se] = 0.0, 0.0
            else:
                mean, se = mean_se(phi[m, p])
                row[label], row[label_se] = mean, se
                if method == "sampled":
                    row[share_column(st, measure, "permutations")] = float(perm_se[m, p])
        rows.append(row)
    df = pd.DataFrame(rows)
    return df.sort_values([share_column(st, "score"), _("牵头单位")], ascending=[False, True]).reset_index(drop=True)


def effort_column(st: Study) -> str:
    """The header of a department's effort [the scenario's effort unit]."""
    return _("工作量 [{unit}]").format(unit=st.scn.spec.effort.unit)


def share_column(st: Study, measure: str, what: str = "") -> str:
    """The header of a department's Shapley share of the plan's gain in ``measure`` ('score', 'rank',
    'grade'), or (``what``) of its Monte Carlo standard error ('se') or its permutation sampling
    standard error ('permutations'), in the language in use."""
    if measure == "score":
        return {"": _("期望总分贡献 [分]"), "se": _("期望总分贡献 [分]标准误"),
                "permutations": _("期望总分贡献 [分]置换抽样标准误")}[what]
    goal = st.rank_words if measure == "rank" else st.grade_words
    return {"": _("P({goal})贡献"), "se": _("P({goal})贡献标准误"),
            "permutations": _("P({goal})贡献置换抽样标准误")}[what].format(goal=goal)


def _words(st: Study, table: pd.DataFrame, gain: dict, method: str, n_perm: int) -> list[str]:
    g, r, q = gain["score"], gain["rank"], gain["grade"]
    how = (_("精确 (枚举全部部门组合)") if method == "exact" else
           _("抽样 {permutations} 个加入顺序 (含逆序)").format(permutations=n_perm))
    out = [_("方案相对现状: 期望总分 {score:+.3f} 分 (标准误 {score_se:.3f}), P({rank_goal}) {rank:+.3f} (标准误 {rank_se:.3f}), "
             "P({grade_goal}) {grade:+.3f}; Shapley 值{how}, 各部门之和等于这些增量").format(
        score=g[0], score_se=g[1], rank_goal=st.rank_words, rank=r[0], rank_se=r[1], grade_goal=st.grade_words,
        grade=q[0], how=how)]
    for _i, row in table[table[_("推进指标数")] > 0].iterrows():
        out.append(_("{department}: 总分 {score:+.3f} 分, P({goal}) {rank:+.3f}, 工作量 {effort:.3g}").format(
            department=row[_("牵头单位")], score=row[share_column(st, "score")], goal=st.rank_words,
            rank=row[share_column(st, "rank")], effort=row[effort_column(st)]))
    return out

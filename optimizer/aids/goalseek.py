"""Goal seek, as in Excel: the smallest push on one indicator that reaches a probability, the rest of
the plan held; and the break-even total of a rival at which we lose the rank.

**Goal seek.** P(x) = P(rank ≤ r) (or grade ≥ g) with indicator X pushed by x and every other
indicator at the plan's push, on the study's draws (common random numbers). P is scanned at X's
option levels (the breakpoints of its rule within reach, the grid between them, the largest
feasible push), then the first level that reaches ``prob`` is narrowed down by bisection against the
level below it, to ``tol`` [indicator unit]: the answer x* reaches ``prob`` and x* − tol does not.
When no push within reach does, the answer says so with P at the largest push. Every P is the
scoring model's (models.scoring on the pushed draws). With ``goal`` 'basic' or 'full' the goal is
the indicator's own: its value reaching the target in ``prob`` of the draws, solved exactly by
``models.warning.push_for`` (the push ``kaoping warn`` shows).

**Break-even.** With a rival's total moved by δ [points] in every draw (the plan held), P(δ) =
P(rank ≤ r) is non-increasing in δ: the break-even δ* is where it falls below ``prob``, by
bisection to ``tol`` on models.scoring's own ranks and grades of the moved totals. For a rival known
only by its total the answer is re-checked by re-simulating the scenario with the rival's forecast
total moved (a patch of ``counties[…].totals[…].mean``) just below and just above δ*.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from models.options import Levels, curve_cost, evaluate, option_levels, option_tables
from models.projection import apply_push, draw
from models.scenario import with_patches
from models.scorecard import central_values
from models.scoring import compile_scenario, grades, promoted, ranks
from models.warning import push_for

from ..errors import BadInput
from ..i18n import N_, _, listing, translate
from ..plan import VerificationError
from .common import Study, only_assessment as _only

GOALS = ("rank", "grade", "basic", "full")
GOAL_WORDS = {"rank": N_("名次"), "grade": N_("等次"), "basic": N_("基本任务"), "full": N_("满分")}  # the 目标 column


def goal_word(goal: str) -> str:
    """A goal (a code of :data:`GOALS`) as the tables show it, in the language in use."""
    return translate(GOAL_WORDS[goal]) if goal in GOAL_WORDS else goal


def unknown_goal() -> BadInput:
    return BadInput(_("goal must be one of {goals}").format(goals=listing(GOALS)))


def sign_of(ind) -> float:
    return 1.0 if ind.direction == "higher" else -1.0


def _target(ind, goal: str, own=None) -> float:
    """The indicator's basic target (or full, for a threshold rule) for the goals 'basic' / 'full';
    with ``own`` (models.breakpoints.Own) the county's own, as a value."""
    from ..constraints import basic_target

    if own is not None and goal == "full" and hasattr(ind.rule, "full"):
        from models.breakpoints import value_targets

        return value_targets(ind, own)[1]
    t = ind.rule.full if goal == "full" and hasattr(ind.rule, "full") else basic_target(ind, own)
    if t is None:
        raise BadInput(_("'{indicator}' has no basic target (rule {kind}): seek on rank or grade instead").format(
            indicator=ind.name, kind=ind.rule.kind))
    return float(t)


def _curve(scn, name):
    seg = [(r.upto, r.cost) for r in scn.effort_rows if r.indicator == name]
    return (np.array([u for u, _c in seg]), np.array([c for _u, c in seg])) if seg else None


def _p(st: Study, push: np.ndarray, goal: str) -> float:
    r, g = st.success(st.scores(push))
    return float((r if goal == "rank" else g).mean())


class _Scan:
    """P(goal) with one indicator at each of its option levels and the rest at the plan's pushes, for
    every indicator at once: option tables (one scoring pass per level index) with each indicator's
    levels plus its push in the plan, so that a level is a table lookup."""

    def __init__(self, st: Study, levels, goal: str):
        cols = [int(c) for c in st.ca.cols]
        js = {c: j for j, c in enumerate(levels.cols)}
        keep = [c for c in cols if c in js or st.push[c] > 0]
        pushes = [np.unique(np.r_[levels.push[js[c]] if c in js else [], st.push[c]]) for c in keep]
        z = [np.zeros(len(p)) for p in pushes]
        self.L = Levels(tuple(st.cs.indicators[c] for c in keep), np.array(keep, dtype=int), (None,) * len(keep),
                        tuple(pushes), tuple(z), tuple(z), tuple(("level",) * len(p) for p in pushes))
        self.t = option_tables(st.draws.values, st.draws.totals, _only(st.cs, st.ca.name), self.L).assessments[0]
        self.plan = np.array([int(np.searchsorted(p, st.push[c])) for p, c in zip(pushes, keep)], dtype=int)
        self.st, self.goal = st, goal

    def __call__(self, indicator: str, pushes) -> list[float]:
        j = self.L.names.index(indicator)
        out = []
        for x in pushes:
            plan = self.plan.copy()
            plan[j] = int(np.searchsorted(self.L.push[j], x))
            o = evaluate(self.t, self.L, plan)
            h, req = self.st.home, self.st.req
            ok = o.rank[:, h] <= req.rank if self.goal == "rank" else o.grade[:, h] <= req.grade
            out.append(float(ok.mean()))
        return out


def goal_seek(st: Study, indicator: str, prob: float, goal: str = "rank", tol: float | None = None,
              levels=None, scan=None) -> dict:
    """The smallest push on ``indicator`` reaching P(goal) ≥ ``prob``, the rest of the plan held
    (see the module docstring). Returns a row: the push [unit], the value it reaches at the forecast
    centre, its effort, P at the answer and just below it, P with no push on X and with the plan's.
    ``scan`` (from :func:`goal_seek_all`) reads the option levels from tables instead of scoring them."""
    if goal not in GOALS:
        raise unknown_goal()
    if not 0 < prob <= 1:
        raise BadInput(_("the probability to reach must be in (0, 1], got {prob}").format(prob=prob))
    scn, cs = st.scn, st.cs
    if indicator not in cs.indicators:
        raise BadInput(_("unknown indicator '{indicator}'").format(indicator=indicator))
    col = cs.indicators.index(indicator)
    if col not in set(int(c) for c in st.ca.cols):
        raise BadInput(_("'{indicator}' is not an indicator of {assessment}: goal seek works within one assessment")
                       .format(indicator=indicator, assessment=st.ca.name))
    ind = scn.indicator(indicator)
    levels = levels or option_levels(scn, cs, central_values(scn, cs))
    j = levels.names.index(indicator) if indicator in levels.names else None
    steps = levels.push[j] if j is not None else np.zeros(1)
    top = float(steps[-1])
    tol = max(top, 1.0) * 1e-4 if tol is None else tol
    curve = _curve(scn, indicator)

    if goal in ("basic", "full"):
        target = _target(ind, goal, cs.own_of(indicator, st.home))
        good = sign_of(ind) * st.draws.values[:, st.home, col]

        def p_at(x):
            return float((good + x >= sign_of(ind) * target).mean())
    else:
        def p_at(x):
            v = st.push.copy()
            v[col] = x
            return _p(st, v, goal)

    ps = scan(indicator, steps) if scan is not None else [p_at(x) for x in steps]
    hit = next((k for k, p in enumerate(ps) if p >= prob - 1e-12), None)
    centre = central_values(scn, cs)[cs.home, col]
    sign = 1.0 if ind.direction == "higher" else -1.0
    row = {_("指标"): indicator, _("单位"): ind.unit, _("预测值"): centre, _("目标概率"): prob, _("目标"): goal_word(goal),
           _("方案推进量"): st.push[col],
           _("方案下概率"): (scan or (lambda n, xs: [p_at(x) for x in xs]))(indicator, [st.push[col]])[0],
           _("不推进该项概率"): ps[0], _("可达上限推进量"): top, _("上限处概率"): ps[-1]}
    least = _("最小推进量")
    if hit is None:
        return {**row, _("结论"): _("推到可达上限也达不到"), least: np.nan, _("达到值"): np.nan, _("工作量"): np.nan,
                _("该推进量下概率"): np.nan, _("少推一点的概率"): np.nan, _("精度"): tol}
    if hit == 0:
        x, below = 0.0, np.nan
        word = _("不推进该项已达到")
    elif goal in ("basic", "full"):  # exact: the order statistic (models.warning, as kaoping warn)
        x = push_for(good, sign_of(ind) * target, prob)
        below, word = p_at(max(x - tol, 0.0)), least
    else:
        lo, hi = float(steps[hit - 1]), float(steps[hit])
        while hi - lo > tol:
            mid = 0.5 * (lo + hi)
            if p_at(mid) >= prob - 1e-12:
                hi = mid
            else:
                lo = mid
        x, below = hi, p_at(max(hi - tol, 0.0))
        word = least
    px = p_at(x)
    if px < prob - 1e-12 or (hit > 0 and below >= prob - 1e-12):
        raise VerificationError(_("goal seek on {indicator}: P({push:.6g}) = {p} and P(x − tol) = {below} do not bracket "
                                  "{prob}").format(indicator=indicator, push=x, p=px, below=below, prob=prob))
    effort = float(curve_cost(x, *curve)) if curve is not None and x > 0 else 0.0
    return {**row, _("结论"): word, least: x, _("达到值"): centre + sign * x, _("工作量"): effort,
            _("该推进量下概率"): px, _("少推一点的概率"): below, _("精度"): tol}


def goal_seek_all(st: Study, prob: float, goal: str = "rank", indicators=None, progress=None) -> pd.DataFrame:
    """:func:`goal_seek` for every pushable indicator of the goal's assessment (or ``indicators``),
    those that can reach the goal alone first, by their effort."""
    scn, cs = st.scn, st.cs
    levels = option_levels(scn, cs, central_values(scn, cs))
    cols = set(int(c) for c in st.ca.cols)
    names = indicators or [n for n, c in zip(levels.names, levels.cols) if int(c) in cols]
    scan = None
    if goal in ("rank", "grade"):
        scan = _Scan(st, levels, goal)
        r, g = st.success(st.plan_scores)
        if names and scan(names[0], [st.push[cs.indicators.index(names[0])]])[0] != float((r if goal == "rank" else g).mean()):
            raise VerificationError(_("goal seek: the option tables and the scoring model disagree on the plan"))
    else:
        from ..constraints import basic_target

        names = [n for n in names if basic_target(scn.indicator(n)) is not None]
    rows = []
    for n in names:
        rows.append(goal_seek(st, n, prob, goal, levels=levels, scan=scan))
        if progress is not None:
            progress(1)
    df = pd.DataFrame(rows)
    if len(df):
        df = df.sort_values([_("工作量"), _("上限处概率")], ascending=[True, False], na_position="last").reset_index(drop=True)
    return df


# --------------------------------------------------------------------------- break-even


class _Moved:
    """P(goal) with one rival's total moved by δ in every draw, by models.scoring's ranks and grades."""

    def __init__(self, st: Study, c: int, goal: str):
        self.st, self.c, self.goal = st, c, goal
        s, ca = st.plan_scores, st.ca
        self.total, self.vet = s.total, s.vetoed
        dq = ca.veto_effect == 3
        self.dq = self.vet[..., dq].any(axis=-1) if self.vet.shape[-1] and dq.any() else None
        self.prom = promoted(apply_push(st.draws.values, st.cs, st.push), ca) if goal == "grade" else None

    def __call__(self, delta: float) -> float:
        st, ca, h = self.st, self.st.ca, self.st.home
        total = self.total.copy()
        total[:, self.c] += delta
        rank = ranks(total, ca, self.dq)
        if self.goal == "rank":
            return float((rank[:, h] <= st.req.rank).mean())
        return float((grades(total, rank, ca, self.vet, self.prom)[:, h] <= st.req.grade).mean())


def breakeven(st: Study, rival: str, prob: float = 0.5, goal: str = "rank", tol: float = 1e-6,
              verify: bool = True) -> dict:
    """The rival's total gain δ* [points] up to which P(goal) stays ≥ ``prob`` (see the module docstring)."""
    cs, ca = st.cs, st.ca
    if goal not in GOALS:
        raise unknown_goal()
    if rival not in cs.counties or cs.counties.index(rival) not in st.rivals:
        raise BadInput(_("'{rival}' is not a rival of {home} in {assessment}: one of {rivals}").format(
            rival=rival, home=cs.counties[st.home], assessment=ca.name, rivals=listing(cs.counties[c] for c in st.rivals)))
    c = cs.counties.index(rival)
    p = _Moved(st, c, goal)
    span = float(np.ptp(p.total[:, [st.home, c]])) + 1.0
    lo, hi = -span, span
    mean = float(p.total[:, c].mean())
    row = {_("对手"): rival, _("目标"): goal_word(goal), _("目标概率"): prob, _("现在的概率"): p(0.0), _("对手期望总分 [分]"): mean}
    verdict, gain, reached = _("结论"), _("盈亏平衡增分 [分]"), _("对手总分达到 [分]")
    if p(lo) < prob - 1e-12:
        return {**row, verdict: _("对手少得 {points:.3g} 分也达不到").format(points=span), gain: np.nan, reached: np.nan}
    if p(hi) >= prob - 1e-12:
        return {**row, verdict: _("对手多得 {points:.3g} 分仍能保住").format(points=span), gain: np.inf, reached: np.inf}
    while hi - lo > tol:  # P(lo) ≥ prob > P(hi)
        mid = 0.5 * (lo + hi)
        if p(mid) >= prob - 1e-12:
            lo = mid
        else:
            hi = mid
    if verify and ca.total_only[c]:
        _verify(st, rival, lo - 10 * tol, hi + 10 * tol, prob, goal)
    what = st.rank_words if goal == "rank" else st.grade_words
    word = (_("{rival} 总分比其期望 ({mean:.2f} 分) 多出 {gain:.3g} 分以内 (不超过 {most:.2f} 分), P({goal}) 仍不低于 {prob:.0%}; "
              "再多就低于") if lo >= 0 else
            _("{rival} 总分须比其期望 ({mean:.2f} 分) 少 {loss:.3g} 分以上, P({goal}) 才达到 {prob:.0%}")).format(
        rival=rival, mean=mean, gain=lo, most=mean + lo, loss=-lo, goal=what, prob=prob)
    return {**row, verdict: word, gain: lo, reached: mean + lo}


def _verify(st: Study, rival: str, below: float, above: float, prob: float, goal: str) -> None:
    """Re-simulate with the rival's forecast total moved (a scenario patch) on each side of δ*."""
    mean = st.scn.county(rival).totals[st.ca.name].mean
    for delta, want in ((below, True), (above, False)):
        scn2 = with_patches(st.scn, [(f"counties[{rival}].totals[{st.ca.name}].mean", mean + delta)], _("盈亏平衡"))
        cs2 = compile_scenario(scn2)
        st2 = Study(scn2, st.req, st.push, draw(scn2, st.n, st.seed, stream=st.stream, cs=cs2), st.seed, cs2, st.stream)
        r, g = st2.success(st2.scores())
        ok = float((r if goal == "rank" else g).mean()) >= prob - 1e-12
        if ok != want:
            raise VerificationError((_("break-even against {rival}: re-simulated with its total moved by {delta:+.6g}, "
                                       "the goal is missed") if want else
                                     _("break-even against {rival}: re-simulated with its total moved by {delta:+.6g}, "
                                       "the goal is still met")).format(rival=rival, delta=delta))


def breakeven_all(st: Study, prob: float = 0.5, goal: str = "rank") -> pd.DataFrame:
    """:func:`breakeven` against every rival of the ranking class."""
    return pd.DataFrame([breakeven(st, st.cs.counties[c], prob, goal) for c in st.rivals])

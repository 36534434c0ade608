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
from ..plan import VerificationError
from .common import Study, only_assessment as _only

GOALS = ("rank", "grade", "basic", "full")


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
        raise BadInput(f"'{ind.name}' has no basic target (rule {ind.rule.kind}): seek on rank or grade instead")
    return float(t)


def _curve(scn, name):
    seg = [(r.upto, r.cost) for r in scn.effort_rows if r.indicator == name]
    return (np.array([u for u, _ in seg]), np.array([c for _, c in seg])) if seg else None


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
        raise BadInput(f"goal must be one of {GOALS}")
    if not 0 < prob <= 1:
        raise BadInput(f"the probability to reach must be in (0, 1], got {prob}")
    scn, cs = st.scn, st.cs
    if indicator not in cs.indicators:
        raise BadInput(f"unknown indicator '{indicator}'")
    col = cs.indicators.index(indicator)
    if col not in set(int(c) for c in st.ca.cols):
        raise BadInput(f"'{indicator}' is not an indicator of {st.ca.name}: goal seek works within one assessment")
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
    row = {"指标": indicator, "单位": ind.unit, "预测值": centre, "目标概率": prob, "目标": goal,
           "方案推进量": st.push[col], "方案下概率": (scan or (lambda n, xs: [p_at(x) for x in xs]))(indicator, [st.push[col]])[0],
           "不推进该项概率": ps[0],
           "可达上限推进量": top, "上限处概率": ps[-1]}
    if hit is None:
        return {**row, "结论": "推到可达上限也达不到", "最小推进量": np.nan, "达到值": np.nan, "工作量": np.nan,
                "该推进量下概率": np.nan, "少推一点的概率": np.nan, "精度": tol}
    if hit == 0:
        x, below = 0.0, np.nan
        word = "不推进该项已达到"
    elif goal in ("basic", "full"):  # exact: the order statistic (models.warning, as kaoping warn)
        x = push_for(good, sign_of(ind) * target, prob)
        below, word = p_at(max(x - tol, 0.0)), "最小推进量"
    else:
        lo, hi = float(steps[hit - 1]), float(steps[hit])
        while hi - lo > tol:
            mid = 0.5 * (lo + hi)
            if p_at(mid) >= prob - 1e-12:
                hi = mid
            else:
                lo = mid
        x, below = hi, p_at(max(hi - tol, 0.0))
        word = "最小推进量"
    px = p_at(x)
    if px < prob - 1e-12 or (hit > 0 and below >= prob - 1e-12):
        raise VerificationError(f"goal seek on {indicator}: P({x:.6g}) = {px} and P(x − tol) = {below} do not bracket {prob}")
    effort = float(curve_cost(x, *curve)) if curve is not None and x > 0 else 0.0
    return {**row, "结论": word, "最小推进量": x, "达到值": centre + sign * x, "工作量": effort,
            "该推进量下概率": px, "少推一点的概率": below, "精度": tol}


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
            raise VerificationError("goal seek: the option tables and the scoring model disagree on the plan")
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
        df = df.sort_values(["工作量", "上限处概率"], ascending=[True, False], na_position="last").reset_index(drop=True)
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
        raise BadInput(f"goal must be one of {GOALS}")
    if rival not in cs.counties or cs.counties.index(rival) not in st.rivals:
        raise BadInput(f"'{rival}' is not a rival of {cs.counties[st.home]} in {ca.name}: one of "
                       f"{', '.join(cs.counties[c] for c in st.rivals)}")
    c = cs.counties.index(rival)
    p = _Moved(st, c, goal)
    span = float(np.ptp(p.total[:, [st.home, c]])) + 1.0
    lo, hi = -span, span
    row = {"对手": rival, "目标": goal, "目标概率": prob, "现在的概率": p(0.0), "对手期望总分 [分]": float(p.total[:, c].mean())}
    if p(lo) < prob - 1e-12:
        return {**row, "结论": f"对手少得 {span:.3g} 分也达不到", "盈亏平衡增分 [分]": np.nan, "对手总分达到 [分]": np.nan}
    if p(hi) >= prob - 1e-12:
        return {**row, "结论": f"对手多得 {span:.3g} 分仍能保住", "盈亏平衡增分 [分]": np.inf, "对手总分达到 [分]": np.inf}
    while hi - lo > tol:  # P(lo) ≥ prob > P(hi)
        mid = 0.5 * (lo + hi)
        if p(mid) >= prob - 1e-12:
            lo = mid
        else:
            hi = mid
    if verify and ca.total_only[c]:
        _verify(st, rival, lo - 10 * tol, hi + 10 * tol, prob, goal)
    what = st.rank_words if goal == "rank" else st.grade_words
    mean = row["对手期望总分 [分]"]
    word = (f"{rival} 总分比其期望 ({mean:.2f} 分) 多出 {lo:.3g} 分以内 (不超过 {mean + lo:.2f} 分), P({what}) 仍不低于 "
            f"{prob:.0%}; 再多就低于" if lo >= 0 else
            f"{rival} 总分须比其期望 ({mean:.2f} 分) 少 {-lo:.3g} 分以上, P({what}) 才达到 {prob:.0%}")
    return {**row, "结论": word, "盈亏平衡增分 [分]": lo, "对手总分达到 [分]": mean + lo}


def _verify(st: Study, rival: str, below: float, above: float, prob: float, goal: str) -> None:
    """Re-simulate with the rival's forecast total moved (a scenario patch) on each side of δ*."""
    mean = st.scn.county(rival).totals[st.ca.name].mean
    for delta, want in ((below, True), (above, False)):
        scn2 = with_patches(st.scn, [(f"counties[{rival}].totals[{st.ca.name}].mean", mean + delta)], "盈亏平衡")
        cs2 = compile_scenario(scn2)
        st2 = Study(scn2, st.req, st.push, draw(scn2, st.n, st.seed, stream=st.stream, cs=cs2), st.seed, cs2, st.stream)
        r, g = st2.success(st2.scores())
        ok = float((r if goal == "rank" else g).mean()) >= prob - 1e-12
        if ok != want:
            raise VerificationError(f"break-even against {rival}: re-simulated with its total moved by {delta:+.6g}, "
                                    f"the goal is {'missed' if want else 'still met'}")


def breakeven_all(st: Study, prob: float = 0.5, goal: str = "rank") -> pd.DataFrame:
    """:func:`breakeven` against every rival of the ranking class."""
    return pd.DataFrame([breakeven(st, st.cs.counties[c], prob, goal) for c in st.rivals])

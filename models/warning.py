"""Graded early warnings (分级预警) for the home county's indicators, and the two lists (两个清单).

For every home indicator the Monte Carlo (the scenario's seeded draws, scored by
``models.scoring``) gives three probabilities:

- P(达基本): the basic target reached;
- P(超基本分): more than the basic points (beyond the basic target by at least 5 % of the span to
  full, the scorecard's 仅基本分 margin: ``models.scorecard.BASIC_ONLY_MARGIN``);
- P(达满分): the full target reached.

Per rule: a threshold rule reads the value against its basic and full targets; binary, ratio and
base_step rules against their one target (the three coincide); a deduction item (per_event with
negative points) reaches all three with no deduction; any other rule (a bonus item, survey,
bands, class-relative, growth bonus) has no basic to lose: its basic is 0 points, its full its
points (a bonus item's cap), and more than basic any points above 5 % of that.

Colours, with the thresholds as parameters (:class:`Thresholds`, defaults in brackets):

- 红 red: P(达基本) < ``red`` (0.5): more likely than not, no basic points (or a deduction);
- 黄 yellow: otherwise, P(超基本分) < ``yellow`` (0.5): more likely than not, the basic points at
  most (只能拿基本分; for an all-or-nothing item, P(达满分) < ``yellow``);
- 绿 green: the rest.

With symmetric forecasts this is the status (``models.scorecard.status_of``) the indicator more
likely than not ends in, so the speech's own count by July (10 short of basic, 16 at basic points
only) reappears as 10 red and 16 yellow. What it would take: the smallest push [unit] after which
at least ``secure`` (0.8) of the draws reach the basic target (and the full target), and its
effort on the indicator's cost curve (``effort.csv``), or NaN beyond the largest feasible push.

The indicator list (指标清单) gives each home indicator its leader, department, targets, actual
and progress (时间过半任务过半, ``models.tracking``), year-end forecast with its 80 % interval, the
three probabilities, the colour, the points at stake and the push; past years' points lost
(``models.history``). The department list (部门清单) gives each lead department its indicators,
colours, points at stake and warnings. Pure computation; no files, no printing.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .breakpoints import targets, value_targets
from .history import LOST_STREAK, past_indicators
from .i18n import MISSING, N_, _, listing, translate
from .levels import GREEN, LEVEL_COLUMN, LEVELS, RED, YELLOW, Thresholds  # noqa: F401 (the public API)
from .options import curve_cost
from .projection import apply_push, draw_from_table, forecast_table, no_assessment, plan_run
from .scorecard import BASIC_ONLY_MARGIN
from .scoring import compile_scenario, score_all
from .tracking import USED_HAND, USED_PROJECTION, progress_table

NOBODY = N_("（未指定）")


# --------------------------------------------------------------------------- per indicator


@dataclass(frozen=True)
class Reach:
    """Per draw (S,): basic reached, more than the basic points, full reached."""

    basic: np.ndarray
    more: np.ndarray
    full: np.ndarray


def _points_levels(ind) -> tuple[float, float]:
    """(basic points, full points) of a rule without a value target [points]."""
    r = ind.rule
    if r.kind == "per_event":
        return (0.0, 0.0) if r.points < 0 else (0.0, r.cap)
    return 0.0, ind.points


def reach(ind, sign: float, x: np.ndarray, points: np.ndarray, anchors: tuple[float, float] | None = None) -> Reach:
    """Which draws reach basic, more than basic, full: ``x`` (S,) values [unit], ``points`` (S,)
    the indicator's own points [points], ``sign`` +1 higher-is-better, −1 lower; ``anchors``: the
    county's own (basic, full) in values (models.breakpoints.value_targets; default the rule's)."""
    basic, full = targets(ind) if anchors is None else anchors
    g = sign * x
    if np.isfinite(basic):
        b, f = sign * basic, sign * full
        ok = g >= b
        more = g >= b + BASIC_ONLY_MARGIN * (f - b) if f > b else g >= f
        return Reach(ok, more, g >= f)
    pb, pf = _points_levels(ind)
    tol = 1e-9 * max(1.0, abs(ind.points))
    ok = points >= pb - tol
    more = points > pb + BASIC_ONLY_MARGIN * (pf - pb) + tol if pf > pb else points >= pf - tol
    return Reach(ok, more, points >= pf - tol)


def push_for(good: np.ndarray, target: float, prob: float) -> float:
    """The smallest push p ≥ 0 [unit] after which at least ⌈prob·S⌉ of the draws reach
    ``target``: ``good + p ≥ target`` (``good`` (S,) and ``target`` in the good direction)."""
    S = len(good)
    k = min(max(math.ceil(prob * S - 1e-9), 1), S)
    kth = np.partition(good, S - k)[S - k]  # the k-th largest
    p = target - kth
    if p <= 0:
        return 0.0
    while kth + p < target:  # rounding: the pushed value must reach the target itself
        p = np.nextafter(p, np.inf)
    return float(p)


def colour(p_basic: float, p_more: float, t: Thresholds) -> str:
    """The warning's level: :data:`RED`, :data:`YELLOW` or :data:`GREEN` (msgids; shown through ``_``)."""
    if p_basic < t.red:
        return RED
    return YELLOW if p_more < t.yellow else GREEN


def _words(level: str, p_basic: float, p_full: float, deduction: bool) -> str:
    """The colour in words for the lists (in the language in use)."""
    if deduction:
        return _("不扣分概率 {p:.0%}").format(p=p_basic)
    if level == RED:
        return _("基本分难保（达基本概率 {p:.0%}）").format(p=p_basic)
    if level == YELLOW:
        return _("只能拿基本分（达基本概率 {p:.0%}）").format(p=p_basic)
    return _("有望满分") if p_full >= 0.5 else _("稳拿基本分以上")


# --------------------------------------------------------------------------- the Monte Carlo


@dataclass(frozen=True)
class HomeDraws:
    """The home county's drawn values (S, I) [unit] and each assessment's points (S, n_a) [points];
    per assessment the home county's totals (S,) and ranks (S,)."""

    values: np.ndarray
    points: dict
    totals: dict
    ranks: dict


def home_draws(scn, draws: int, seed: int, chunk: int | None = None, cs=None,
               progress: Callable[[int], None] | None = None, push: np.ndarray | None = None) -> HomeDraws:
    """Draw and score ``draws`` draws of the scenario (stream 0), chunk by chunk; ``push`` (I,)
    [unit, ≥ 0] moves the home county's values first (models.projection.apply_push)."""
    cs = cs or compile_scenario(scn)
    ft = forecast_table(scn, cs)
    chunk = plan_run(scn, draws, chunk=chunk or scn.spec.simulation.chunk, cs=cs, ft=ft)[0]  # from the memory budget
    h = cs.home
    vals, pts, tot, rk = [], {a.name: [] for a in cs.assessments}, {a.name: [] for a in cs.assessments}, \
        {a.name: [] for a in cs.assessments}
    for start in range(0, draws, chunk):
        n = min(chunk, draws - start)
        d = draw_from_table(ft, n, seed, 0, start)
        v = d.values if push is None else apply_push(d.values, cs, push)
        vals.append(v[:, h, :].copy())
        for res in score_all(v, cs, drawn_totals=d.totals, keep_points=True):
            pts[res.name].append(res.points[:, h, :])
            tot[res.name].append(res.total[:, h])
            rk[res.name].append(res.rank[:, h])
        if progress is not None:
            progress(n)
    cat = {k: np.concatenate(v) for k, v in pts.items()}
    return HomeDraws(np.concatenate(vals), cat, {k: np.concatenate(v) for k, v in tot.items()},
                     {k: np.concatenate(v) for k, v in rk.items()})


# --------------------------------------------------------------------------- the two lists


@dataclass(frozen=True)
class Warnings:
    """``indicators`` (指标清单), ``departments`` (部门清单), ``summary`` (per assessment: colours,
    expected total, P(rank 1)); the thresholds, draws and seed they were computed with."""

    indicators: pd.DataFrame
    departments: pd.DataFrame
    summary: pd.DataFrame
    thresholds: Thresholds
    draws: int
    seed: int


def warn(scn, *, draws: int | None = None, seed: int | None = None, thresholds: Thresholds = Thresholds(),
         assessment: str | None = None, push: np.ndarray | None = None, chunk: int | None = None,
         progress: Callable[[int], None] | None = None) -> Warnings:
    """Grade every home indicator of every assessment (or of ``assessment`` only) and build the
    two lists (module docstring). The draws are the scenario's stream 0, scored in chunks;
    ``push`` (I,) [unit]: the warnings after a plan's pushes, on the same draws (the pushes shown
    are then what it takes beyond the plan)."""
    sim = scn.spec.simulation
    S = sim.draws if draws is None else int(draws)
    seed = sim.seed if seed is None else int(seed)
    if S < 1:
        raise ValueError(_("draws must be at least 1 (got {draws})").format(draws=S))
    cs = compile_scenario(scn)
    names = [a.name for a in cs.assessments]
    if assessment is not None and assessment not in names:
        raise ValueError(no_assessment(assessment, names))
    hd = home_draws(scn, S, seed, chunk, cs, progress, push)
    unit = scn.spec.effort.unit
    curves: dict[str, list] = {}
    for e in scn.effort_rows:
        curves.setdefault(e.indicator, []).append(e)
    ind_col, time_col, done_col, progress_col = _("指标"), _("时间进度"), _("完成进度"), _("进度")
    last_points, last_lost, streak_col = _("去年得分 [分]"), _("去年失分 [分]"), _("连续失分年数")
    past = past_indicators(scn).set_index(ind_col)
    prog = progress_table(scn).set_index(ind_col)
    ends = {e.indicator: e for e in scn.year_ends if e.county == scn.home}
    rows = []
    for ca in cs.assessments:
        if assessment is not None and ca.name != assessment:
            continue
        a = scn.assessment(ca.name)
        for k, ind in enumerate(a.indicators):
            col = int(ca.cols[k])
            s = float(cs.sign[col])
            x = hd.values[:, col]
            p = hd.points[ca.name][:, k]
            anchors = value_targets(ind, ca.own(k, cs.home))  # the home's own targets, in values
            r = reach(ind, s, x, p, anchors)
            pb, pm, pf = float(r.basic.mean()), float(r.more.mean()), float(r.full.mean())
            level = colour(pb, pm, thresholds)
            basic, full = anchors
            deduction = ind.rule.kind == "per_event" and ind.rule.points < 0
            full_points = _points_levels(ind)[1] if not np.isfinite(basic) else ind.points
            push_b = push_f = eff_b = eff_f = np.nan
            if np.isfinite(basic):
                push_b = push_for(s * x, s * basic, thresholds.secure)
                push_f = push_for(s * x, s * full, thresholds.secure)
                done = 0.0 if push is None else float(push[col])
                eff_b, eff_f = (_effort(curves.get(ind.name), q, done) for q in (push_b, push_f))
            words = _words(level, pb, pf, deduction)
            if np.isfinite(push_b) and push_b > 0 and not np.isfinite(eff_b):
                words += _("；达基本所需推进超出可推进范围") if ind.name in curves else _("；无工作量曲线")
            streak = int(past.loc[ind.name, streak_col])
            if streak >= LOST_STREAK:
                words += _("；年年扣分（连续{n}年）").format(n=streak)
            e = ends.get(ind.name)
            g = prog.loc[ind.name] if ind.name in prog.index else None
            fc = scn.forecast(scn.home, ind.name)
            rows.append((
                ca.name, ind.name, ind.unit, ind.leader or translate(NOBODY), ind.department or translate(NOBODY), basic, full, ind.points,
                np.nan if e is None else e.actual, np.nan if e is None else e.month,
                np.nan if g is None else g[time_col], np.nan if g is None else g[done_col], MISSING if g is None else g[progress_col],
                np.nan if fc is None else fc.centre, MISSING if e is None else translate(USED_HAND if e.hand else USED_PROJECTION),
                float(np.quantile(x, 0.1)), float(np.quantile(x, 0.9)), pb, pm, pf, translate(level), words,
                float(p.mean()), float(full_points - p.mean()), push_b, eff_b, push_f, eff_f,
                past.loc[ind.name, last_points], past.loc[ind.name, last_lost], streak))
    columns = [_("考核"), ind_col, _("单位"), _("责任领导"), _("牵头单位"), _("基本任务"), _("满分"), _("分值 [分]"), _("实绩"),
               _("月份"), time_col, done_col, progress_col, _("年终预测"), _("预测来源"), _("80%区间下限"), _("80%区间上限"),
               _("达基本概率"), _("超基本分概率"), _("达满分概率"), translate(LEVEL_COLUMN), _("说明"), _("期望得分 [分]"),
               _("期望失分 [分]"), _("达基本所需推进"), _("达基本工作量 [{unit}]").format(unit=unit), _("达满分所需推进"),
               _("达满分工作量 [{unit}]").format(unit=unit), last_points, last_lost, streak_col]
    ind_df = pd.DataFrame(rows, columns=columns)
    return Warnings(ind_df, department_list(ind_df, scn.spec.effort.departments, unit),
                    _summary(ind_df, cs, hd), thresholds, S, seed)


def _effort(rows, push: float, done: float = 0.0) -> float:
    """Effort [effort unit] of a further ``push`` on the indicator's cost curve after ``done``
    already pushed; NaN beyond its reach or without a curve."""
    if not np.isfinite(push):
        return np.nan
    if push == 0:
        return 0.0
    if not rows or done + push > rows[-1].upto + 1e-12:
        return np.nan
    upto, cost = np.array([r.upto for r in rows]), np.array([r.cost for r in rows])
    return float(curve_cost(done + push, upto, cost) - curve_cost(done, upto, cost))


def department_list(ind: pd.DataFrame, budgets: dict[str, float], unit: str) -> pd.DataFrame:
    """部门清单: per lead department its leaders, indicators by colour, points at stake, the
    indicators with red and yellow warnings and those losing points year after year, the effort
    to secure the basic targets within reach, those beyond reach of any push on their cost curve
    (candidates for the October–November target adjustment), and its budget; the most pressing
    first. ``ind``: the indicator list of :func:`warn`, in the language in use."""
    rows = []
    dept_col, level_col, names, effort = _("牵头单位"), translate(LEVEL_COLUMN), _("指标"), _("达基本工作量 [{unit}]").format(unit=unit)
    red, yellow = translate(RED), translate(YELLOW)
    for dept, g in ind.groupby(dept_col, sort=False):
        counts = {translate(lv): int((g[level_col] == translate(lv)).sum()) for lv in LEVELS}
        rows.append({
            dept_col: dept, _("责任领导"): listing(dict.fromkeys(g[_("责任领导")])), _("指标数"): len(g), **counts,
            level_col: next(translate(lv) for lv in LEVELS if counts[translate(lv)]),
            _("分值合计 [分]"): float(g[_("分值 [分]")].sum()), _("期望失分合计 [分]"): float(g[_("期望失分 [分]")].sum()),
            _("红色预警指标"): listing(g.loc[g[level_col] == red, names]),
            _("黄色预警指标"): listing(g.loc[g[level_col] == yellow, names]),
            _("年年扣分指标"): listing(g.loc[g[_("连续失分年数")] >= LOST_STREAK, names]),
            _("达基本工作量合计 [{unit}]").format(unit=unit): float(np.nansum(g[effort])),
            _("推进难达基本指标"): listing(g.loc[(g[_("达基本所需推进")] > 0) & g[effort].isna(), names]),
            _("部门预算 [{unit}]").format(unit=unit): budgets.get(dept, np.nan),
        })
    df = pd.DataFrame(rows)
    return df.sort_values([red, yellow, _("期望失分合计 [分]")], ascending=False, kind="stable").reset_index(drop=True)


def _summary(ind: pd.DataFrame, cs, hd: HomeDraws) -> pd.DataFrame:
    rows = []
    assessment, level_col = _("考核"), translate(LEVEL_COLUMN)
    for ca in cs.assessments:
        g = ind[ind[assessment] == ca.name]
        if g.empty:
            continue
        rows.append({assessment: ca.name, **{translate(lv): int((g[level_col] == translate(lv)).sum()) for lv in LEVELS},
                     _("期望总分 [分]"): float(hd.totals[ca.name].mean()),
                     _("第1名概率"): float((hd.ranks[ca.name] == 1).mean())})
    return pd.DataFrame(rows)

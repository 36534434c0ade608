"""The year as planners live it: monthly actuals → the year-end forecast; 时间过半任务过半.

``actuals.csv`` (optional; :class:`models.schema.ActualRow`) holds county, indicator, year,
month, value and basis (``cumulative`` Jan to the month, or ``monthly`` amounts summed from
January). Rows of the scenario's year are this year's actuals, rows of earlier years the
history. Each indicator with actuals says what it measures (``measure`` in scenario.yaml):

``flow``   a sum over the year (exports, tax, output per mu). At month m with cumulative A the
           year end is F = A / ŝ, ŝ the mean over past years y of the seasonal share
           s_y = A_m^y / A_12^y (the share of the year's total reached by month m). Without
           past years ŝ = m/12, the share of time (时间进度), and the output says so.
``stock``, ``rate``  a level (coverage %, a pass rate, an index): not scaled by time. F = A + d̄,
           d̄ the mean change past years had from month m to December (d_y = A_12^y − A_m^y);
           without past years the level to date carries to December (d̄ = 0), said so.
``count``  events to date (incidents, accidents): F = A + λ, λ the mean number of events past
           years had after month m; without past years λ = A·(12 − m)/m, the pace to date.

The spread (sd of the year-end value) comes from how far past years' same-month projections
missed their final values, each past year projected from the *other* past years (leave one
out: a year never predicts itself). Flows: relative misses r_y = ŝ₋ᵧ/s_y − 1 and
sd = |F|·√mean(r_y²); stocks, rates, counts: misses e_y = d_y − d̄₋ᵧ and sd = √mean(e_y²).
With fewer than two past years the sd is a stated default, marked as an assumption:
``DEFAULT_CV``·(12 − m)/12·|F| (the uncertainty shrinks with the months left), or √λ for a
count (Poisson). A flow or a count never ends below its value to date (``min`` = A: monthly
amounts are not negative). In December (m = 12) the year is over: sd 0.

The result per (county, indicator) is a normal forecast row (mean F, sd, min) that the Monte
Carlo consumes unchanged (:func:`forecast_rows`; ``models.scenario`` adds these rows to the
scenario's forecasts); a row of ``forecasts.csv`` for the same county and indicator overrides
it by hand. Pure functions over rows and arrays; no files, no printing.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from .breakpoints import value_targets
from .i18n import MISSING, N_, _, translate
from .schema import ActualRow, ForecastRow, ScenarioFile

DEFAULT_CV = 0.10  # [×] sd of a year end without history, as a share of it, at the start of the year
COVER = 0.80  # the central interval shown beside each projection [share]
MEASURE_WORD = {"flow": N_("流量"), "stock": N_("存量"), "rate": N_("比率"), "count": N_("计数")}
NO_HISTORY = N_("无往年数据")  # the words that say a projection fell back on the share of time or a default
USED_PROJECTION, USED_HAND = N_("推算"), N_("手工预测")


# --------------------------------------------------------------------------- series


def cumulative(rows) -> dict[tuple[str, str, int], dict[int, float]]:
    """(county, indicator, year) -> {month: cumulative value} [unit]. ``monthly`` rows are
    summed from January (months missing before a month leave that month out)."""
    out: dict[tuple[str, str, int], dict[int, float]] = defaultdict(dict)
    monthly: dict[tuple[str, str, int], dict[int, float]] = defaultdict(dict)
    for r in rows:
        key = (r.county, r.indicator, r.year)
        (monthly if r.basis == "monthly" else out)[key][r.month] = r.value
    for key, months in monthly.items():
        total = 0.0
        for m in range(1, 13):
            if m not in months:
                break
            total += months[m]
            out[key][m] = total
    return dict(out)


# --------------------------------------------------------------------------- the projection


@dataclass(frozen=True)
class Projected:
    """A year end projected from one actual: centre F and sd [unit]; ``share`` ŝ (flows) or
    ``change`` d̄ / λ (stocks, rates, counts), NaN where it does not apply; ``floor`` the least
    possible year end (flows, counts) or None; ``used`` (n,) which past years entered;
    ``history`` whether the centre and ``spread_history`` whether the sd came from them."""

    centre: float
    sd: float
    share: float
    change: float
    floor: float | None
    used: np.ndarray
    history: bool
    spread_history: bool


def _loo_means(x: np.ndarray) -> np.ndarray:
    """Leave-one-out means: element y is the mean of x without x[y] (n ≥ 2)."""
    return (x.sum() - x) / (len(x) - 1)


def project(measure: str, month: int, actual: float, past_m, past_12, default_cv: float = DEFAULT_CV) -> Projected:
    """The year end of one indicator from its cumulative ``actual`` at ``month`` [1–12] and past
    years' values at that month (``past_m``) and in December (``past_12``) [unit] (module docstring)."""
    pm = np.asarray(past_m, dtype=float).reshape(-1)
    p12 = np.asarray(past_12, dtype=float).reshape(-1)
    left = (12 - month) / 12
    floor = actual if measure in ("flow", "count") else None
    if month == 12:
        return Projected(actual, 0.0, 1.0 if measure == "flow" else np.nan, 0.0 if measure != "flow" else np.nan,
                         floor, np.zeros(len(pm), bool), False, False)
    if measure == "flow":
        used = (pm != 0) & (p12 != 0)  # a share needs both (a year with nothing by month m says nothing of it)
        if used.any():
            s = pm[used] / p12[used]
            share = float(s.mean())
            centre = actual / share
            if used.sum() >= 2:
                miss = _loo_means(s) / s - 1.0
                return Projected(centre, abs(centre) * float(np.sqrt(np.mean(miss ** 2))), share, np.nan, floor, used,
                                 True, True)
            return Projected(centre, default_cv * left * abs(centre), share, np.nan, floor, used, True, False)
        share = month / 12
        centre = actual / share
        return Projected(centre, default_cv * left * abs(centre), share, np.nan, floor, used, False, False)
    used = np.ones(len(pm), bool)
    if len(pm):
        d = p12 - pm
        change = float(d.mean())
        centre = actual + change
        if len(d) >= 2:
            sd = float(np.sqrt(np.mean((d - _loo_means(d)) ** 2)))
        else:
            sd = float(np.sqrt(max(change, 0.0))) if measure == "count" else default_cv * left * abs(centre)
        return Projected(centre, sd, np.nan, change, floor, used, True, len(d) >= 2)
    if measure == "count":
        lam = actual * (12 - month) / month
        return Projected(actual + lam, float(np.sqrt(lam)), np.nan, lam, floor, used, False, False)
    return Projected(actual, default_cv * left * abs(actual), np.nan, 0.0, floor, used, False, False)


def interval(centre: float, sd: float, floor: float | None, cover: float = COVER) -> tuple[float, float]:
    """The central ``cover`` interval [unit] of the forecast: normal (centre, sd), truncated at
    ``floor`` as the Monte Carlo draws it.

    Truncated below at a = (floor − centre)/sd, the q-quantile z of the standard normal solves
    Φ(z) = Φ(a) + q·Φ(−a); for a > 0 it is computed from the upper tail, Φ(−z) = (1 − q)·Φ(−a), so
    that a floor far above the centre keeps its digits (scipy.special, not scipy.stats: a tenth of
    the import time)."""
    from scipy.special import ndtr, ndtri

    if sd <= 0:
        x = centre if floor is None else max(centre, floor)
        return x, x
    q = np.array([(1 - cover) / 2, (1 + cover) / 2])
    if floor is None:
        z = ndtri(q)
    else:
        a = (floor - centre) / sd
        z = ndtri(ndtr(a) + q * ndtr(-a)) if a <= 0 else -ndtri((1 - q) * ndtr(-a))
    return tuple(float(centre + sd * v) for v in z)


def method_words(measure: str, month: int, p: Projected, default_cv: float = DEFAULT_CV) -> str:
    """How a projection was made, in words (in the language in use); says every fallback and assumption."""
    word = translate(MEASURE_WORD[measure])
    n = int(p.used.sum())
    if month == 12:
        return _("{measure}：全年实绩").format(measure=word)
    none = translate(NO_HISTORY)
    if measure == "flow":
        how = (_("{measure}：往年{n}年1–{month}月累计占全年 {share:.1%}，年终 = 实绩 ÷ {share:.4g}") if p.history
               else _("{measure}：{no_history}，按时间进度 {month}/12 推算（假设）"))
    elif measure == "count":
        how = (_("{measure}：往年{n}年{month}月后平均发生 {change:.3g} 次") if p.history
               else _("{measure}：{no_history}，按1–{month}月发生频率推算其余月份 {change:.3g} 次（假设）"))
    else:
        how = (_("{measure}：往年{n}年{month}月至年末平均变化 {change:+.4g}") if p.history
               else _("{measure}：{no_history}，{month}月水平延续至年末（假设）"))
    if p.spread_history:
        spread = _("离差取往年同月推算误差（{n}年，留一法）")
    elif measure == "count":
        spread = _("离差按泊松分布取 √λ（假设）")
    else:
        spread = _("离差取默认值 {cv:.0%}×剩余月份比例（假设）")
    fields = dict(measure=word, n=n, month=month, share=p.share, change=p.change, no_history=none, cv=default_cv)
    return _("{how}；{spread}").format(how=how.format(**fields), spread=spread.format(**fields))


@dataclass(frozen=True)
class YearEnd:
    """One county's indicator projected from its actuals. ``hand``: forecasts.csv overrides it."""

    county: str
    indicator: str
    measure: str
    month: int
    actual: float
    years: tuple[int, ...]
    projected: Projected
    assumed: bool
    source: str | None
    hand: bool
    default_cv: float = DEFAULT_CV

    @property
    def method(self) -> str:
        """How the projection was made, in words (:func:`method_words`, in the language in use)."""
        return method_words(self.measure, self.month, self.projected, self.default_cv)

    @property
    def centre(self) -> float:
        return self.projected.centre

    @property
    def sd(self) -> float:
        return self.projected.sd


def year_ends(spec: ScenarioFile, actuals, forecasts=(), default_cv: float = DEFAULT_CV) -> tuple[YearEnd, ...]:
    """Every (county, indicator) with actuals of the scenario's year, projected to the year end.

    ``actuals``: validated rows (models.scenario checks them); ``forecasts``: the hand rows of
    forecasts.csv, which override a projection."""
    year = spec.scenario.year
    measure = {i.name: i.measure for a in spec.assessments for i in a.indicators}
    series = cumulative(actuals)
    rows_of: dict[tuple[str, str], list[ActualRow]] = defaultdict(list)
    for r in actuals:
        rows_of[(r.county, r.indicator)].append(r)
    hand = {(f.county, f.indicator) for f in forecasts}
    out = []
    for (county, ind, y), months in series.items():
        if y != year or not months or measure.get(ind) is None:
            continue
        m = max(months)
        past = sorted(py for (c, i, py), ms in series.items() if c == county and i == ind and py < year
                      and m in ms and 12 in ms)
        pm = [series[(county, ind, py)][m] for py in past]
        p12 = [series[(county, ind, py)][12] for py in past]
        p = project(measure[ind], m, months[m], pm, p12, default_cv)
        years = tuple(py for py, u in zip(past, p.used) if u)
        rows = [r for r in rows_of[(county, ind)] if r.year == year and r.month <= m or (r.year in years and r.month in (m, 12))]
        latest = max((r for r in rows_of[(county, ind)] if r.year == year), key=lambda r: r.month)
        assumed = any(r.assumption for r in rows) or (m < 12 and not (p.history and p.spread_history))
        out.append(YearEnd(county, ind, measure[ind], m, months[m], years, p, assumed, latest.source, (county, ind) in hand,
                           default_cv))
    return tuple(out)


def forecast_rows(ends) -> tuple[ForecastRow, ...]:
    """The forecast rows the Monte Carlo consumes: normal (F, sd), truncated at the floor."""
    return tuple(ForecastRow(county=e.county, indicator=e.indicator, dist="normal", mean=e.centre, sd=e.sd,
                             min=e.projected.floor, actual=e.actual, source=e.source, assumption=e.assumed,
                             note=_("按1–{month}月实绩推算年终值：{method}").format(month=e.month, method=e.method))
                 for e in ends)


# --------------------------------------------------------------------------- tables


def tracking_table(scn, county: str | None = None) -> pd.DataFrame:
    """Every projection of ``county`` (default: all counties), with its 80 % interval and whether
    it is used or overridden by a hand forecast (headers and words in the language in use)."""
    import pandas as pd

    rows = []
    for e in scn.year_ends:
        if county is not None and e.county != county:
            continue
        lo, hi = interval(e.centre, e.sd, e.projected.floor)
        hand = scn.forecast(e.county, e.indicator) if e.hand else None
        rows.append((e.county, e.indicator, translate(MEASURE_WORD[e.measure]), e.month, e.actual, len(e.years),
                     e.projected.share, e.centre, e.sd, lo, hi, translate(USED_HAND if e.hand else USED_PROJECTION),
                     hand.centre if hand is not None else np.nan, e.assumed, e.method))
    return pd.DataFrame(rows, columns=[_("县市区"), _("指标"), _("类型"), _("月份"), _("实绩"), _("往年数"), _("季节进度"),
                                       _("推算年终值"), _("标准差"), _("80%区间下限"), _("80%区间上限"), _("采用"),
                                       _("手工预测值"), _("假设"), _("方法")])


BEHIND, BEHIND_TIME, BEHIND_SEASON, ON_TRACK = N_("落后"), N_("落后于时间进度"), N_("落后于季节进度"), N_("正常")


def progress_table(scn, county: str | None = None) -> pd.DataFrame:
    """时间过半任务过半: per indicator with this year's actuals (``county``: default the home
    county), the share of the basic target reached (完成进度 = A/basic) against the share of the
    year elapsed (时间进度 = m/12) and against the seasonal expectation (季节进度).

    A flow or count is behind the time when its share of the basic target falls short of m/12,
    behind the season when it falls short of ŝ (flows with past years); for a lower-is-better one,
    when it runs ahead of them. 进度 says which: 落后 (both), 落后于时间进度, 落后于季节进度, or 正常.
    A stock or rate is not scaled by time: its seasonal expectation is the level from which the
    usual change d̄ reaches the basic target, (basic − d̄)/basic, and it is 落后 when A + d̄ falls
    short of the basic target (d̄ = 0 without past years: the level must already be there)."""
    import pandas as pd

    from .scoring import compile_scenario

    county = scn.home if county is None else county
    cs = compile_scenario(scn)
    c = cs.counties.index(county)
    rows = []
    for e in scn.year_ends:
        if e.county != county:
            continue
        ind = scn.indicator(e.indicator)
        basic = value_targets(ind, cs.own_of(ind.name, c))[0]  # the county's own basic target, in values
        s = 1.0 if ind.direction == "higher" else -1.0
        time = e.month / 12
        ok = np.isfinite(basic) and basic != 0
        done = e.actual / basic if ok else np.nan
        if e.measure in ("flow", "count"):
            seasonal = e.projected.share if e.measure == "flow" and e.projected.history else np.nan
            late_time = ok and s * (done - time) < 0
            late_season = ok and np.isfinite(seasonal) and s * (done - seasonal) < 0
            verdict = {(True, True): BEHIND, (True, False): BEHIND_TIME, (False, True): BEHIND_SEASON,
                       (False, False): ON_TRACK}[(bool(late_time), bool(late_season))]
        else:
            change = e.projected.change if np.isfinite(e.projected.change) else 0.0
            seasonal = (basic - change) / basic if ok else np.nan
            verdict = BEHIND if ok and s * (e.actual + change - basic) < 0 else ON_TRACK
        rows.append((e.indicator, translate(MEASURE_WORD[e.measure]), e.month, e.actual, basic, time, seasonal, done,
                     translate(verdict) if ok else MISSING))
    return pd.DataFrame(rows, columns=[_("指标"), _("类型"), _("月份"), _("实绩"), _("基本任务"), _("时间进度"), _("季节进度"),
                                       _("完成进度"), _("进度")])

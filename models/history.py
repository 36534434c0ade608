"""Past years: last year's points per indicator, the indicators that lost points year after year
(年年扣分), and every county's recorded ranks with the change year on year (Δ名次).

Read from ``counties[].history`` in scenario.yaml (``models.schema.History``): a year, an
assessment, its score, rank and grade, and per indicator the points earned and lost that year
(``indicators: {name: {points, lost}}``). Past indicators are matched to this year's by name.
Pure functions over the scenario; DataFrames with headers in the language in use.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .i18n import MISSING, _

LOST_STREAK = 2  # lost points in this many years running or more: 年年扣分


def lost_streak(scn, county: str, indicator: str) -> int:
    """Years in a row, ending last year (the scenario's year − 1), in which ``indicator`` lost
    points (a recorded ``lost`` > 0); a year without a record ends the run."""
    by_year: dict[int, float] = {}
    for h in scn.county(county).history:
        rec = h.indicators.get(indicator)
        if rec is not None and rec.lost is not None:
            by_year[h.year] = max(by_year.get(h.year, 0.0), rec.lost)
    n, y = 0, scn.spec.scenario.year - 1
    while by_year.get(y, 0.0) > 0:
        n, y = n + 1, y - 1
    return n


def past_indicators(scn, county: str | None = None) -> pd.DataFrame:
    """Per indicator of the scenario: last year's points earned and lost (NaN where not given),
    the years in a row it lost points, and whether that is 年年扣分 (≥ LOST_STREAK years)."""
    county = scn.home if county is None else county
    last = scn.spec.scenario.year - 1
    rows = []
    for ind in scn.indicators():
        rec = next((h.indicators[ind.name] for h in scn.county(county).history
                    if h.year == last and ind.name in h.indicators), None)
        streak = lost_streak(scn, county, ind.name)
        rows.append((ind.name, np.nan if rec is None or rec.points is None else rec.points,
                     np.nan if rec is None or rec.lost is None else rec.lost, streak, streak >= LOST_STREAK))
    return pd.DataFrame(rows, columns=[_("指标"), _("去年得分 [分]"), _("去年失分 [分]"), _("连续失分年数"), _("年年扣分")])


def rank_history(scn, current: dict[tuple[str, str], tuple[int, str]] | None = None) -> pd.DataFrame:
    """Every county's recorded years (县市区, 考核, 年份, 得分 [分], 排名, 名次变化, 等次), oldest first;
    名次变化 = the previous recorded year's rank − this one (positive: moved up), within the same
    assessment name. ``current``: (county, assessment) -> this year's (rank, grade) (e.g. at the
    forecasts), added as the scenario's year where the assessment has a past year of that name."""
    year = scn.spec.scenario.year
    rows = [(c.name, h.assessment, h.year, h.score, h.rank, h.grade) for c in scn.spec.counties for h in c.history]
    named = {(c, a) for c, a, *_ in rows}
    for (c, a), (r, g) in (current or {}).items():
        if (c, a) in named:
            rows.append((c, a, year, None, r, g))
    county, assessment, yr, score, rank, grade = _("县市区"), _("考核"), _("年份"), _("得分 [分]"), _("排名"), _("等次")
    df = pd.DataFrame(rows, columns=[county, assessment, yr, score, rank, grade])
    df = df.sort_values([county, assessment, yr], kind="stable").reset_index(drop=True)
    df[rank] = df[rank].astype(float)
    change = _("名次变化")
    df[change] = 0.0 - df.groupby([county, assessment])[rank].diff()
    df[score] = df[score].astype(float)
    df[grade] = df[grade].fillna(MISSING)
    return df[[county, assessment, yr, score, rank, change, grade]]

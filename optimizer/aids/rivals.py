"""Head-to-head with each rival (研究仙居、天台, 扬长避短), under a plan, on common random numbers.

For every rival of the home county's ranking class and every indicator both are scored on (a
rival known only by its total has forecasts for few or none): the expected points each side
earns (core and over-full bonus, before block caps), the difference, and P(we out-score them on
this item). For every rival the distribution of both totals and of their difference, and
P(we rank above them). The items where we lead most are our strengths against that rival (扬长),
those where it leads most our weaknesses (避短).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..i18n import N_, _, translate
from .common import Study, mean_se

TIE = 1e-9  # [points] a smaller expected difference is no lead either way
STRENGTH, WEAKNESS, EVEN = N_("扬长"), N_("避短"), N_("相当")  # the verdict on one item (判断)


@dataclass
class HeadToHead:
    """``items``: one row per (rival, indicator); ``totals``: one row per rival; ``words``: lines."""

    items: pd.DataFrame
    totals: pd.DataFrame
    words: list[str]


def head_to_head(st: Study, top: int = 3) -> HeadToHead:
    """The head-to-head tables of the plan ``st.push`` against every rival (see the module docstring);
    ``top`` strengths and weaknesses per rival in words."""
    s = st.plan_scores
    ca, h, cn = st.ca, st.home, st.cs.counties
    a = st.scn.assessment(ca.name)
    pts = s.points + s.over  # (S, C, n): NaN where a county has no forecast
    rows, trows, words = [], [], []
    strength, weakness, even = translate(STRENGTH), translate(WEAKNESS), translate(EVEN)
    rival, item, diff_col, verdict = _("对手"), _("指标"), _("差 [分]"), _("判断")
    columns = [rival, item, _("板块"), _("分值 [分]"), _("本县期望得分 [分]"), _("对手期望得分 [分]"), diff_col,
               _("P(本县该项得分更高)"), _("标准误"), _("P(该项得分相同)"), verdict]
    for c in st.rivals:
        known = [k for k in range(len(ca.names)) if not np.isnan(pts[:, c, k]).any()]
        for k in known:
            ph, pr = pts[:, h, k], pts[:, c, k]
            eh, er = float(ph.mean()), float(pr.mean())
            p_win, se = mean_se(ph > pr)
            d = eh - er
            rows.append(dict(zip(columns, (cn[c], ca.names[k], a.indicators[k].block, float(ca.points[k]), eh, er, d,
                                           p_win, se, float((ph == pr).mean()),
                                           strength if d > TIE else weakness if d < -TIE else even))))
        th, tr = s.total[:, h], s.total[:, c]
        diff = th - tr
        p_above, se = mean_se(s.rank[:, h] < s.rank[:, c])
        q = np.quantile(diff, [0.05, 0.5, 0.95])
        how = (_("按指标") if len(known) == len(ca.names) else
               _("按总分, 其中 {count} 项有分项预测").format(count=len(known)))
        trows.append({rival: cn[c], _("已知方式"): how, _("本县平均分 [分]"): float(th.mean()),
                      _("本县标准差 [分]"): float(th.std(ddof=1)), _("对手平均分 [分]"): float(tr.mean()),
                      _("对手标准差 [分]"): float(tr.std(ddof=1)), _("分差平均 [分]"): float(diff.mean()),
                      _("分差5%分位 [分]"): q[0], _("分差中位 [分]"): q[1], _("分差95%分位 [分]"): q[2],
                      _("P(本县排名在前)"): p_above, _("标准误"): se})
        mine = [r for r in rows if r[rival] == cn[c]]
        strong = sorted((r for r in mine if r[verdict] == strength), key=lambda r: -r[diff_col])[:top]
        weak = sorted((r for r in mine if r[verdict] == weakness), key=lambda r: r[diff_col])[:top]
        words.append(_("对 {rival} ({how}): 本县期望总分 {home:.2f}, 对手 {other:.2f}, 分差 {diff:+.2f} 分 (5%–95%: {low:+.2f} 至 "
                       "{high:+.2f}), 本县排名在前的概率 {p:.1%}").format(
            rival=cn[c], how=how, home=th.mean(), other=tr.mean(), diff=diff.mean(), low=q[0], high=q[2], p=p_above))

        def listed(rs):
            return "; ".join(_("{indicator} {diff:+.2f} 分").format(indicator=r[item], diff=r[diff_col]) for r in rs)

        if strong:
            words.append(_("  扬长 (本县领先最多): {items}").format(items=listed(strong)))
        if weak:
            words.append(_("  避短 (对手领先最多): {items}").format(items=listed(weak)))
        if not known:
            words.append(_("  (对手只知总分, 无分项可比)"))
    items = pd.DataFrame(rows, columns=columns)
    return HeadToHead(items, pd.DataFrame(trows), words)

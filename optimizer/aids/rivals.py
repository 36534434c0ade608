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

from .common import Study, mean_se

TIE = 1e-9  # [points] a smaller expected difference is no lead either way


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
    for c in st.rivals:
        known = [k for k in range(len(ca.names)) if not np.isnan(pts[:, c, k]).any()]
        for k in known:
            ph, pr = pts[:, h, k], pts[:, c, k]
            eh, er = float(ph.mean()), float(pr.mean())
            p_win, se = mean_se(ph > pr)
            d = eh - er
            rows.append({"对手": cn[c], "指标": ca.names[k], "板块": a.indicators[k].block, "分值 [分]": float(ca.points[k]),
                         "本县期望得分 [分]": eh, "对手期望得分 [分]": er, "差 [分]": d, "P(本县该项得分更高)": p_win,
                         "标准误": se, "P(该项得分相同)": float((ph == pr).mean()),
                         "判断": "扬长" if d > TIE else "避短" if d < -TIE else "相当"})
        th, tr = s.total[:, h], s.total[:, c]
        diff = th - tr
        p_above, se = mean_se(s.rank[:, h] < s.rank[:, c])
        q = np.quantile(diff, [0.05, 0.5, 0.95])
        how = "按指标" if len(known) == len(ca.names) else f"按总分, 其中 {len(known)} 项有分项预测"
        trows.append({"对手": cn[c], "已知方式": how, "本县平均分 [分]": float(th.mean()), "本县标准差 [分]": float(th.std(ddof=1)),
                      "对手平均分 [分]": float(tr.mean()), "对手标准差 [分]": float(tr.std(ddof=1)),
                      "分差平均 [分]": float(diff.mean()), "分差5%分位 [分]": q[0], "分差中位 [分]": q[1],
                      "分差95%分位 [分]": q[2], "P(本县排名在前)": p_above, "标准误": se})
        mine = [r for r in rows if r["对手"] == cn[c]]
        strong = sorted((r for r in mine if r["判断"] == "扬长"), key=lambda r: -r["差 [分]"])[:top]
        weak = sorted((r for r in mine if r["判断"] == "避短"), key=lambda r: r["差 [分]"])[:top]
        line = (f"对 {cn[c]} ({how}): 本县期望总分 {th.mean():.2f}, 对手 {tr.mean():.2f}, 分差 {diff.mean():+.2f} 分 "
                f"(5%–95%: {q[0]:+.2f} 至 {q[2]:+.2f}), 本县排名在前的概率 {p_above:.1%}")
        words.append(line)
        if strong:
            words.append("  扬长 (本县领先最多): " + "; ".join(f"{r['指标']} {r['差 [分]']:+.2f} 分" for r in strong))
        if weak:
            words.append("  避短 (对手领先最多): " + "; ".join(f"{r['指标']} {r['差 [分]']:+.2f} 分" for r in weak))
        if not known:
            words.append("  (对手只知总分, 无分项可比)")
    items = pd.DataFrame(rows, columns=["对手", "指标", "板块", "分值 [分]", "本县期望得分 [分]", "对手期望得分 [分]", "差 [分]",
                                        "P(本县该项得分更高)", "标准误", "P(该项得分相同)", "判断"])
    return HeadToHead(items, pd.DataFrame(trows), words)

"""Figures of a Monte Carlo projection and of the effort frontier, with Chinese labels.

Figures are built with matplotlib's object interface (``matplotlib.figure.Figure``, rendered by
the Agg canvas), so no GUI backend or global pyplot state is involved. Chinese text needs a CJK
font: :func:`kaoping.fonts.use_cjk_font` is called before drawing.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # never a GUI: figures are written to files

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from models.projection import Projection  # noqa: E402

from .fonts import use_cjk_font  # noqa: E402


def score_distributions(proj: Projection, assessment: str | None = None, bins: int = 60) -> Figure:
    """Histogram of the total score over the draws of every county in the home county's ranking
    class (one step outline per county), the home county drawn thicker; x: 总分 [分], y: 概率密度."""
    use_cjk_font()
    a = proj.assessment(assessment)
    fig = Figure(figsize=(8, 4.5), dpi=110)
    ax = fig.add_subplot()
    members = [c for c in range(len(a.counties)) if a.class_of[c] == a.class_of[a.home]]  # those it is ranked against
    if a.totals is not None:
        t = a.totals[:, members]
        finite = t[np.isfinite(t)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    else:  # only a score sketch was kept: its exact extremes
        lo, hi = float(np.min(a.tally.lowest[members])), float(np.max(a.tally.highest[members]))
    if not (np.isfinite(lo) and np.isfinite(hi)):
        lo, hi = 0.0, 1.0
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, bins + 1)
    for c in members:
        counts = a.score_histogram(c, edges)
        if not counts.sum():
            continue
        dens = counts / (counts.sum() * np.diff(edges))
        home = c == a.home
        name = a.counties[c]
        label = f"{name}（本县）" if home else name
        ax.stairs(dens, edges, label=label, linewidth=2.4 if home else 1.2, fill=False)
    ax.set_xlabel("总分 [分]")
    ax.set_ylabel("概率密度 [1/分]")
    ax.set_title(f"{a.name}：各县市区总分分布（{a.draws} 次模拟）")
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    return fig


def home_rank_probabilities(proj: Projection, assessment: str | None = None) -> Figure:
    """Bar chart of the home county's P(排名 = r), with ±2 Monte Carlo standard errors."""
    use_cjk_font()
    a = proj.assessment(assessment)
    p = a.home_rank_probs()
    se = np.sqrt(p * (1 - p) / a.draws)
    r = np.arange(1, len(p) + 1)
    fig = Figure(figsize=(6, 4), dpi=110)
    ax = fig.add_subplot()
    ax.bar(r, p, yerr=2 * se, capsize=3, color="#3b6fb6")
    for x, y, e in zip(r, p, se):  # above the error bar's cap, not across it
        ax.annotate(f"{y:.1%}", (x, y + 2 * e), textcoords="offset points", xytext=(0, 3), ha="center", fontsize=8)
    ax.set_xticks(r, [f"第{k}名" for k in r])
    ax.set_ylim(0, min(1.05, float((p + 2 * se).max()) * 1.2 + 0.05))
    ax.set_xlabel("排名")
    ax.set_ylabel("概率")
    ax.set_title(f"{a.name}：{a.counties[a.home]}排名概率（{a.draws} 次模拟）")
    fig.tight_layout()
    return fig


PROJECTION_FIGURES = (("score_distributions", score_distributions), ("home_rank_probabilities", home_rank_probabilities))


def projection_figure_names(n_assessments: int) -> list[str]:
    """The file names :func:`save_projection_figures` writes for a scenario of ``n_assessments`` assessments."""
    return [f"{stem}_{k + 1}.png" for k in range(n_assessments) for stem, _ in PROJECTION_FIGURES]


def save_projection_figures(proj: Projection, folder: str | Path) -> list[Path]:
    """Write both figures of every assessment as PNG files into ``folder``, never over an existing
    file (:func:`kaoping.preflight.new_files` checks them before the computing); return the paths."""
    import io

    from .preflight import write_new

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for k, a in enumerate(proj.assessments):
        for stem, make in PROJECTION_FIGURES:
            path = folder / f"{stem}_{k + 1}.png"
            buf = io.BytesIO()
            make(proj, a.name).savefig(buf, format="png")
            write_new(path, buf.getvalue())
            out.append(path)
    return out


def frontier_figure(df: pd.DataFrame, title: str = "") -> Figure:
    """Budget against P(rank ≤ r), P(grade) and expected rank (the table of
    :func:`optimizer.frontier.frontier`); Chinese labels."""
    use_cjk_font()
    from optimizer.i18n import translate

    def starting(template):  # the column whose header is ``template`` (a msgid) filled in, in the language in use
        prefix = translate(template).split("{")[0]
        return next(c for c in df.columns if c.startswith(prefix))

    pcol, gcol, budget = starting("P(名次≤{rank})"), starting("P(等次≥{grade})"), translate("预算")
    fig = Figure(figsize=(6, 4), dpi=120)
    ax = fig.add_subplot()
    ax.plot(df[budget], df[pcol], marker="o", label=pcol)
    ax.plot(df[budget], df[gcol], marker="s", label=gcol)
    ax.set_xlabel("预算 (工作量)")
    ax.set_ylabel("概率 (样本外)")
    ax.set_ylim(0, 1.02)
    ax2 = ax.twinx()
    ax2.plot(df[budget], df[translate("期望名次")], color="grey", linestyle="--", label="期望名次")
    ax2.set_ylabel("期望名次")
    ax.legend(loc="lower right")
    ax.set_title(title or "工作量前沿")
    fig.tight_layout()
    return fig

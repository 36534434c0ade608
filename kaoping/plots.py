"""Figures of a Monte Carlo projection and of the effort frontier, labelled in the language in use.

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
from optimizer.i18n import _ as optimizer_label  # noqa: E402  (the optimizer's column headers in the language in use)

from .fonts import use_cjk_font  # noqa: E402
from .i18n import _  # noqa: E402


def score_distributions(proj: Projection, assessment: str | None = None, bins: int = 60) -> Figure:
    """Histogram of the total score over the draws of every county in the home county's ranking
    class (one step outline per county), the home county drawn thicker; x: total [points], y: density [1/points]."""
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
        label = _("{county} (home)").format(county=name) if home else name
        ax.stairs(dens, edges, label=label, linewidth=2.4 if home else 1.2, fill=False)
    ax.set_xlabel(_("总分 [分]"))
    ax.set_ylabel(_("概率密度 [1/分]"))
    ax.set_title(_("{assessment}: total scores of the counties ({draws} draws)").format(assessment=a.name, draws=a.draws))
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
    ax.set_xticks(r, [_("第{rank}名").format(rank=k) for k in r])
    ax.set_ylim(0, min(1.05, float((p + 2 * se).max()) * 1.2 + 0.05))
    ax.set_xlabel(_("排名"))
    ax.set_ylabel(_("概率"))
    ax.set_title(_("{assessment}: rank probabilities of {county} ({draws} draws)").format(
        assessment=a.name, county=a.counties[a.home], draws=a.draws))
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
    :func:`optimizer.frontier.frontier`, its headers in the language in use): the two probability
    columns are the two after the budget."""
    use_cjk_font()
    budget, expected = optimizer_label("预算"), optimizer_label("期望名次")
    pcol, gcol = [c for c in df.columns if str(c).startswith("P(")][:2]
    fig = Figure(figsize=(6, 4), dpi=120)
    ax = fig.add_subplot()
    ax.plot(df[budget], df[pcol], marker="o", label=pcol)
    ax.plot(df[budget], df[gcol], marker="s", label=gcol)
    ax.set_xlabel(_("预算 (工作量)"))
    ax.set_ylabel(_("概率 (样本外)"))
    ax.set_ylim(0, 1.02)
    ax2 = ax.twinx()
    ax2.plot(df[budget], df[expected], color="grey", linestyle="--", label=expected)
    ax2.set_ylabel(expected)
    ax.legend(loc="lower right")
    ax.set_title(title or _("工作量前沿"))
    fig.tight_layout()
    return fig

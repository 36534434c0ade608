"""Figures of the decision aids (labels in the language in use): a robustness rule over its draws."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .fonts import use_cjk_font
from .i18n import _


def rule_figure(features, box, fails: np.ndarray, title: str) -> Figure:
    """The draws on the rule's (first two) features, failures in red, the rule's range shaded; a
    one-condition rule is drawn against the other feature most correlated with failing."""
    use_cjk_font()
    dims = box.dims[:2]
    if len(dims) == 1 and features.X.shape[1] > 1:
        f = np.asarray(fails, dtype=float)
        X = features.X
        sd = X.std(axis=0)
        corr = np.where(sd > 0, np.abs(((X - X.mean(axis=0)) * (f - f.mean())[:, None]).mean(axis=0)) / np.where(sd > 0, sd, 1), 0)
        corr[dims[0]] = -1
        dims = [dims[0], int(np.argmax(corr))]
    fig = Figure(figsize=(6.5, 4.5), dpi=110)
    ax = fig.add_subplot()
    X = features.X
    x = X[:, dims[0]]
    y = X[:, dims[1]] if len(dims) > 1 else np.arange(len(x))
    ok = ~np.asarray(fails, dtype=bool)
    ax.scatter(x[ok], y[ok], s=3, color="#9bb3cc", label=_("保住"), rasterized=True)
    ax.scatter(x[~ok], y[~ok], s=3, color="#c0392b", label=_("失利"), rasterized=True)
    lo0, hi0 = box.lo[dims[0]], box.hi[dims[0]]
    ax.axvspan(max(lo0, x.min()), min(hi0, x.max()), color="#f1c40f", alpha=0.15, label=_("规则范围"))
    if len(dims) > 1:
        lo1, hi1 = box.lo[dims[1]], box.hi[dims[1]]  # ±inf when the rule leaves this feature free
        for v in (lo1, hi1):
            if np.isfinite(v):
                ax.axhline(v, color="#b7950b", lw=1)
        ax.set_ylabel(f"{features.names[dims[1]]} [{features.units[dims[1]]}]")
    else:
        ax.set_ylabel(_("抽样序号"))
    ax.set_xlabel(f"{features.names[dims[0]]} [{features.units[dims[0]]}]")
    ax.set_title(title)
    ax.legend(loc="best", fontsize=8, markerscale=3)
    fig.tight_layout()
    return fig

"""``report.html``: a self-contained page (no network) with a run's tables, figures and texts.

Figures are embedded as PNG data URIs; styles are inline; fonts are the reader's own
(a CJK font stack). A small script marks ``<body data-images-ok="yes|no">`` once the page
has loaded, so a headless browser can tell whether every image decoded.

Every word of the page is in the language in use (:mod:`kaoping.i18n`; ``<html lang>`` says which):
headings, the about table, yes/no, "—" for a missing value, the footer.

Plot helpers (labels in the language in use, :func:`use_cjk_font` first):
:func:`scorecard_figure` (home points against the points at stake, per indicator),
:func:`bar_figure` (e.g. rank or grade probabilities), :func:`line_figure` (e.g. the
effort frontier).
"""
from __future__ import annotations

import base64
import html
from pathlib import Path

import numpy as np
import pandas as pd

from models.i18n import MISSING, language, listing
from models.i18n import translate as model_label

from .excel.style import level_fill, yes_no
from .fonts import use_cjk_font
from .i18n import N_, _
from .i18n import _ as translate  # a msgid held in a variable (marked with N_)

HTML_LANG = {"zh": "zh-CN", "en": "en"}  # the language in use -> <html lang=…>

CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei","Microsoft YaHei","PingFang SC",sans-serif;
margin:2em auto;max-width:1100px;color:#222;line-height:1.5;padding:0 1em}
h1{font-size:1.5em;border-bottom:2px solid #345;padding-bottom:.3em}
h2{font-size:1.2em;margin-top:1.8em;color:#345}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th{background:#eef2f6}
td.t,th.t{text-align:left}
td.t{min-width:4.5em}
div.tbl{overflow-x:auto}
table.about td{text-align:left}
img{max-width:100%;height:auto;border:1px solid #eee}
pre{font-family:inherit;white-space:pre-wrap;background:#f7f7f7;padding:.8em;border-left:3px solid #89a}
footer{margin-top:3em;font-size:.8em;color:#777}
"""

CHECK_SCRIPT = """
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var bad = imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); });
  document.body.setAttribute('data-images', String(imgs.length));
  document.body.setAttribute('data-images-ok', bad.length === 0 ? 'yes' : 'no');
  document.body.setAttribute('data-broken', bad.map(function (i) { return i.alt; }).join('|'));
});
"""


# --------------------------------------------------------------------------- figures


def scorecard_figure(home: pd.DataFrame, title: str | None = None):
    """Horizontal bars per indicator: points earned (得分 [分]) over the points at stake (分值 [分]);
    ``home`` is the scorecard's home table, its headers in the language in use."""
    import matplotlib.pyplot as plt

    use_cjk_font()
    n = len(home)
    fig, ax = plt.subplots(figsize=(7, 0.45 * n + 1.5))
    y = np.arange(n)
    earned = home[model_label("得分 [分]")]
    ax.barh(y, home[model_label("分值 [分]")], color="#dde3ea", label=_("分值"))
    ax.barh(y, earned.clip(lower=0), color="#3a6ea5", label=_("得分"))
    neg = earned.clip(upper=0)
    if (neg < 0).any():
        ax.barh(y, neg, color="#c0392b", label=_("扣分"))
    ax.set_yticks(y, home[model_label("指标")])
    ax.invert_yaxis()
    ax.set_xlabel(_("分"))
    ax.set_title(title or _("本县分项得分"))
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def bar_figure(df: pd.DataFrame, x: str, y: str, title: str, ylabel: str | None = None):
    """Bars of column ``y`` against the labels in column ``x`` (rank or grade probabilities)."""
    import matplotlib.pyplot as plt

    use_cjk_font()
    fig, ax = plt.subplots(figsize=(6, 3.5))
    labels = [str(v) for v in df[x]]
    ax.bar(labels, df[y], color="#3a6ea5")
    if max(map(len, labels), default=0) * len(labels) > 40:  # long labels: slanted
        ax.tick_params(axis="x", labelrotation=30)
        for t in ax.get_xticklabels():
            t.set_horizontalalignment("right")
    ax.set_xlabel(x)
    ax.set_ylabel(_("概率") if ylabel is None else ylabel)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def line_figure(df: pd.DataFrame, x: str, ys: list[str], title: str, ylabel: str = ""):
    """Lines of columns ``ys`` against ``x`` (e.g. the effort frontier: budget → P(grade))."""
    import matplotlib.pyplot as plt

    use_cjk_font()
    fig, ax = plt.subplots(figsize=(6.5, 4))
    for col in ys:
        ax.plot(df[x], df[col], marker="o", label=col)
    ax.set_xlabel(x)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- html


def _fmt(v) -> str:
    """A cell as a reader sees it: yes/no words for True/False, "—" for a missing value."""
    if v is None:
        return MISSING
    if isinstance(v, (bool, np.bool_)):
        return yes_no(v)
    if isinstance(v, (float, np.floating)):
        if np.isnan(v):
            return MISSING
        return f"{v:.4g}" if abs(v) < 1e6 else f"{v:,.0f}"
    return str(v)


def table_html(df: pd.DataFrame) -> str:
    """A table; the cells of a 预警 column filled with their warning's colour (as in Excel)."""
    text_cols = [not pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c]) for c in df.columns]
    cls = ['<th class="t">' if t else "<th>" for t in text_cols]
    head = "".join(f"{k}{html.escape(str(c))}</th>" for c, k in zip(df.columns, cls))
    rows = []
    for rec in df.itertuples(index=False, name=None):
        fills = [level_fill(c, v) for c, v in zip(df.columns, rec)]
        cells = "".join(
            "<td" + (' class="t"' if t else "")
            + (f' style="background:#{f}"' if f else "")
            + f">{html.escape(_fmt(v))}</td>" for v, t, f in zip(rec, text_cols, fills))
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_report(*, title: str, about: list[tuple[str, str]], tables, figures, texts) -> str:
    """The report page. ``tables``: (name, title, DataFrame); ``figures``: (name, title, PNG bytes);
    ``texts``: (name, title, str). Sections in that order: about, texts, figures beside tables."""
    parts = [f"<h1>{html.escape(title)}</h1>"]
    parts.append('<table class="about">' + "".join(
        f"<tr><th class=\"t\">{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in about) + "</table>")
    for _name, t, text in texts:
        parts.append(f"<h2>{html.escape(t)}</h2><pre>{html.escape(text)}</pre>")
    for _name, t, png in figures:
        parts.append(f'<h2>{html.escape(t)}</h2><img alt="{html.escape(t)}" src="{png_data_uri(png)}">')
    for _name, t, df in tables:
        parts.append(f'<h2>{html.escape(t)}</h2><div class="tbl">{table_html(df)}</div>')
    footer = _("Made by kaoping; this page is self-contained and needs no network.")
    parts.append(f"<footer>{html.escape(footer)}</footer>")
    return (f"<!DOCTYPE html>\n<html lang=\"{HTML_LANG[language()]}\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{CSS}</style><script>{CHECK_SCRIPT}</script></head>"
            f"<body>{''.join(parts)}</body></html>\n")


def report_title(scenario: str, command: str) -> str:
    """The page's title: the scenario's title and the command that made the run (as typed)."""
    return f"{scenario} · kaoping {command}"


#: the solver's entries in a run's manifest (run.meta(solver=…)) -> their words in the about table (None: the value alone)
SOLVER_WORDS = {"name": None, "solver": None, "solver_version": N_("版本"), "seconds": N_("用时 [秒]"),
                "status": N_("状态"), "bound": N_("界"), "gap": N_("最优性间隙")}


def _solver_text(solver: dict) -> str:
    """``{"solver": "HiGHS", "status": …, "gap": 0.0}`` as 'HiGHS、状态 最优、最优性间隙 0' (entries without a value left out)."""
    def entry(k, v):
        shown = f"{v:.4g}" if isinstance(v, float) else str(v)
        word = SOLVER_WORDS.get(k, k)
        return shown if word is None else f"{translate(word) if k in SOLVER_WORDS else k} {shown}"
    return listing(entry(k, v) for k, v in solver.items() if v is not None)


def about_rows(*, scenario: str, home, year, argv: list[str], started_utc: str, seed, draws, overrides=(),
               solver: dict | None = None, results_sha256: str | None = None) -> list[tuple[str, str]]:
    """The rows (label, value) that tell what a run was, for report.html and the first sheet of
    results.xlsx, labels in the language in use."""
    rows = [(_("情景"), scenario), (_("本县"), str(home)), (_("年份"), str(year)), (_("命令"), "kaoping " + " ".join(argv)),
            (_("开始时间 (UTC)"), started_utc), (_("随机种子"), str(seed)), (_("模拟次数"), str(draws))]
    if overrides:
        rows.append((_("调整方案"), listing(overrides)))
    if isinstance(solver, dict):
        rows.append((_("求解器"), _solver_text(solver)))
    if results_sha256 is not None:
        rows.append((_("结果哈希"), results_sha256))
    return rows


def report_from_folder(run_dir: str | Path) -> str:
    """Re-render a finished run folder's report from its files (manifest contents, CSVs, PNGs, texts)."""
    from .manifest import read_manifest

    run_dir = Path(run_dir)
    man = read_manifest(run_dir)
    tables, figures, texts = [], [], []
    for item in man.get("contents", []):
        f = run_dir / item["file"]
        if not f.is_file():
            continue
        if item["kind"] == "table":
            tables.append((item["name"], item["title"], pd.read_csv(f, encoding="utf-8-sig")))
        elif item["kind"] == "figure":
            figures.append((item["name"], item["title"], f.read_bytes()))
        elif item["kind"] == "text":
            texts.append((item["name"], item["title"], f.read_text(encoding="utf-8")))
    scn = (man.get("resolved_scenarios") or [{}])[0].get("spec", {}).get("scenario", {})
    about = about_rows(scenario=f"{scn.get('name', '')} {scn.get('title', '')}".strip(), home=scn.get("home", ""),
                       year=scn.get("year", ""), argv=man.get("argv", []), started_utc=man.get("started_utc", ""),
                       seed=man.get("seed"), draws=man.get("draws"), results_sha256=man.get("results_sha256", ""))
    return render_report(title=report_title(scn.get("title") or scn.get("name", ""), man.get("command", "")), about=about,
                         tables=tables, figures=figures, texts=texts)

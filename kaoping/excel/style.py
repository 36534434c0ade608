"""How every sheet looks (bold shaded header, frozen header row, fitted widths) and results.xlsx.

results.xlsx speaks the language in use: its first sheet's name and headers, yes/no for True/False
and "—" for a missing value (numbers stay numbers; the tables' own headers and words come in the
language in use from the layers that made them)."""
from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path

from models.i18n import MISSING
from models.i18n import translate as model_label
from models.levels import GREEN, LEVEL_COLUMN, RED, YELLOW

from ..i18n import N_, _
from ..i18n import _ as translate  # a msgid held in a variable (marked with N_)

HEADER_FILL = "DDE6F0"
LEVEL_FILLS = {RED: "FFC7CE", YELLOW: "FFEB9C", GREEN: "C6EFCE"}  # a warning's colour (msgid) as a cell fill (Excel's bad/neutral/good)


def level_fill(header, value) -> str | None:
    """The fill of a cell of a table in the language in use: a warning's colour in the 预警 column, else None."""
    if header != model_label(LEVEL_COLUMN):
        return None
    return next((fill for colour, fill in LEVEL_FILLS.items() if value == model_label(colour)), None)


def yes_no(v: bool) -> str:
    """True/False as a reader says it (是/否, Yes/No)."""
    return _("是") if v else _("否")


def _display_width(v) -> int:
    s = "" if v is None else (f"{v:.6g}" if isinstance(v, float) else str(v))
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s.split("\n")[0])


def style_sheet(ws, max_width: int = 50) -> None:
    """Bold shaded header, frozen header row, column widths fitted to the content; a 预警 column's
    cells filled with their colour; printed landscape, one page wide, the header on every page."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=False)
    ws.freeze_panes = "A2"
    for col in ws.iter_cols(min_row=1, max_row=min(ws.max_row, 500)):
        w = max((_display_width(c.value) for c in col), default=8)
        ws.column_dimensions[get_column_letter(col[0].column)].width = max(8, min(max_width, w + 2))
    header = [c.value for c in ws[1]]
    if model_label(LEVEL_COLUMN) in header:
        j = header.index(model_label(LEVEL_COLUMN)) + 1
        for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
            fill = level_fill(header[j - 1], cell.value)
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def cell_value(v):
    """A value as a cell of the scenario workbook holds it (numpy scalars as Python; NaN empty)."""
    if v is None:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item"):
        v = v.item()
    return v


def result_value(v):
    """A value as a cell of results.xlsx shows it to a reader: numbers as numbers, True/False as
    yes/no, a missing value (None, NaN) as "—"."""
    v = cell_value(v)
    if v is None:
        return MISSING
    if isinstance(v, bool):
        return yes_no(v)
    return v


def sheet_title(title: str, used: set[str]) -> str:
    t = re.sub(r"[\\/?*\[\]:]", "-", title)[:31] or _("表")
    base, k = t, 2
    while t in used:
        suffix = f"~{k}"
        t, k = base[: 31 - len(suffix)] + suffix, k + 1
    used.add(t)
    return t


def write_results_workbook(path: str | Path, tables, about: list[tuple[str, str]] | None = None) -> None:
    """results.xlsx: a sheet 说明 (about the run), then one sheet per table (title as sheet name)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = _("说明")
    ws.append([_("项目"), _("值")])
    for k, v in about or []:
        ws.append([k, v])
    style_sheet(ws, max_width=80)
    used = {ws.title}
    for _name, title, df in tables:
        ws = wb.create_sheet(sheet_title(title, used))
        ws.append([str(c) for c in df.columns])
        for rec in df.itertuples(index=False, name=None):
            ws.append([result_value(v) for v in rec])
        style_sheet(ws)
        number_formats(ws)
        if ws.max_row > 1:
            ws.auto_filter.ref = ws.dimensions
    wb.save(path)


POINTS_FORMAT = "0.00"
PROBABILITY_FORMAT = "0.0%"
SE_FORMAT = "0.00%"


#: words of a header (msgids, found in the language in use, any letter case) that give its number format
SE_WORDS, PROBABILITY_WORDS, POINTS_WORDS = N_("标准误"), N_("概率"), N_("[分]")


def column_format(header: str) -> str | None:
    """The number format of a results column, from its header (in the language in use): points [分]
    with two decimals, probabilities (概率, P(…)) and their standard errors (标准误) as percentages;
    None: as written."""
    h = str(header).lower()
    if translate(SE_WORDS).lower() in h:
        return SE_FORMAT
    if translate(PROBABILITY_WORDS).lower() in h or h.startswith("p("):
        return PROBABILITY_FORMAT
    if translate(POINTS_WORDS).lower() in h:
        return POINTS_FORMAT
    return None


def number_formats(ws) -> None:
    """Apply :func:`column_format` to the numeric cells below each header of a sheet."""
    for col in ws.iter_cols(min_row=1, max_row=ws.max_row):
        fmt = column_format(col[0].value)
        if fmt is None:
            continue
        for c in col[1:]:
            if isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                c.number_format = fmt

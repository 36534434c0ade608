"""One sheet of a planner's workbook: header → column, rows of cells, and typed getters that record
every bad cell as a problem with its sheet, row and column."""
from __future__ import annotations

import ast
import json
import operator
import re
from decimal import Decimal, InvalidOperation

from models.i18n import listing
from models.problems import Problem

from ..i18n import _
from .words import NO, TOTAL_ROW, YES, Words


PERCENT_UNITS = ("%", "％")


def place(sheet: str, row: int | None = None, column: str | None = None) -> str:
    """Where a problem is in a workbook, as the language in use says it: the sheet, its row [1-based,
    as the spreadsheet numbers it], its column letter."""
    if row is None:
        return _("sheet {sheet}").format(sheet=sheet)
    if column is None:
        return _("sheet {sheet} row {row}").format(sheet=sheet, row=row)
    return _("sheet {sheet} row {row} column {column}").format(sheet=sheet, row=row, column=column)


def _scaled(d: Decimal, kind):
    x = float(d)
    return int(x) if kind is int and x.is_integer() else x


class Sheet:
    """One sheet as header -> column letter and rows of values, with typed getters that record problems.

    Read as a planner sees it: the header is the first row that holds every column the sheet requires
    (``required``), so title rows above it are passed over; a row whose first text cell is 合计, 小计
    or 总计 (spaces ignored) sums the rows above and is skipped; every row keeps the spreadsheet's own
    number. A range of merged cells gives its value to every row it spans (one that spans several
    columns below the title rows is refused); a formula is read from the value Excel saved with it,
    or, when the workbook was never opened in Excel, evaluated when it is plain arithmetic, else
    refused with its address; a number formatted as a percentage keeps the percentage (see
    :meth:`number`)."""

    def __init__(self, ws, problems: list[Problem], file: str, formulas: dict | None = None,
                 required: list[str] = (), known: list[str] = ()):
        from openpyxl.utils import get_column_letter

        self.name = ws.title
        self.file = file
        self.problems = problems
        cells = [list(row) for row in ws.iter_rows()]
        values = [[c.value for c in row] for row in cells]
        self.header_row = header_row(values, required, known)
        self.percent = {(i, j) for i, row in enumerate(cells, start=1) for j, c in enumerate(row)
                        if isinstance(c.value, (int, float)) and not isinstance(c.value, bool) and "%" in (c.number_format or "")}
        for (i, j), f in (formulas or {}).items():  # formulas without a saved value
            if self.header_row <= i <= len(values) and j < len(values[i - 1]) and values[i - 1][j] is None:
                values[i - 1][j] = self._formula(i, j, f)
        self._merged(ws, values)
        header = list(values[self.header_row - 1]) if values else []
        self.cols: dict[str, int] = {}
        self.letters: dict[str, str] = {}
        for j, h in enumerate(header):
            if h is None or str(h).strip() == "":
                continue
            h = str(h).strip()
            self.cols[h] = j
            self.letters[h] = get_column_letter(j + 1)
        self.rows = []
        for i, r in enumerate(values[self.header_row:], start=self.header_row + 1):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in r) or is_total_row(r):
                continue
            self.rows.append((i, tuple(r)))

    def _cell(self, i: int, j: int) -> str:
        from openpyxl.utils import get_column_letter

        return place(self.name, i, get_column_letter(j + 1))

    def _formula(self, i: int, j: int, formula: str):
        """The value of a formula Excel never computed: plain arithmetic on numbers, else a located problem."""
        v = arithmetic(formula)
        if v is None:
            self.problems.append(Problem(self.file, self._cell(i, j), "", _(
                "formula {formula} has no saved value (the workbook was written by a program and never opened in "
                "Excel): open and save it in Excel or WPS, or type the value").format(formula=formula)))
        return v

    def _merged(self, ws, values) -> None:
        """Give a vertical merge's value to every row it spans; refuse a merge across columns."""
        for m in ws.merged_cells.ranges:
            if m.max_row < self.header_row:
                continue  # a title above the header
            top = values[m.min_row - 1][m.min_col - 1] if m.min_row <= len(values) else None
            if m.min_col != m.max_col:
                if top is not None:
                    self.problems.append(Problem(self.file, self._cell(m.min_row, m.min_col - 1), "", _(
                        "merged cells {cells} span several columns, so their value belongs to no one column: unmerge "
                        "them and write each value in its own cell").format(cells=m.coord)))
                continue
            for i in range(m.min_row + 1, min(m.max_row, len(values)) + 1):
                values[i - 1][m.min_col - 1] = top
                if (m.min_row, m.min_col - 1) in self.percent:
                    self.percent.add((i, m.min_col - 1))

    def where(self, row: int, col: str) -> str:
        return place(self.name, row, self.letters.get(col, "?"))

    def bad(self, row: int, col: str, msg: str) -> None:
        self.problems.append(Problem(self.file, self.where(row, col), col, msg))

    def raw(self, r, col):
        j = self.cols.get(col)
        if j is None or j >= len(r):
            return None
        v = r[j]
        if isinstance(v, str):
            v = v.strip()
            if v == "":
                return None
        return v

    def text(self, row, r, col):
        v = self.raw(r, col)
        if v is None:
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v)

    def number(self, row, r, col, kind=float, *, share: bool = False, unit: str | None = None):
        """A number; a percentage (the text ``70%``, or 0.7 in a cell formatted as a percentage) is read
        by what the column holds: a share [0–1] (``share``) gives 0.7; a value in an indicator's unit
        (``unit``, the indicator's 单位) gives 70 when the unit is %, and is refused for any other unit;
        any other column refuses it."""
        v = self.raw(r, col)
        if v is None:
            return None
        if isinstance(v, bool):
            self.bad(row, col, _("expected a number, found {value}").format(value=repr(v)))
            return None
        j = self.cols[col]
        if isinstance(v, (int, float)):
            if (row, j) not in self.percent:
                if kind is int and not float(v).is_integer():
                    self.bad(row, col, _("expected a whole number, found {value}").format(value=repr(v)))
                    return None
                return int(v) if kind is int else float(v)
            shown, d = f"{Decimal(repr(v)) * 100:f}".rstrip("0").rstrip(".") + "%", Decimal(repr(v)) * 100
        else:
            s = str(v).replace(",", "").replace("，", "").strip()
            pct = s.endswith(("%", "％"))
            try:
                d = Decimal(s.rstrip("%％").strip())
                if not d.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                self.bad(row, col, _("expected a number, found text {value}: write a number").format(value=repr(v)))
                return None
            if not pct:
                if kind is int and d != d.to_integral_value():
                    self.bad(row, col, _("expected a whole number, found {value}").format(value=repr(v)))
                    return None
                return _scaled(d, kind)
            shown = s
        if share:
            return _scaled(d / 100, kind)
        if unit is not None and unit.strip() in PERCENT_UNITS:
            return _scaled(d, kind)
        if unit is not None:
            msg = (_("a percentage ({shown}) in an indicator measured in {unit}: write the value in that unit, or set "
                     "the indicator's {column} to %") if unit.strip() else
                   _("a percentage ({shown}) in an indicator without a unit: write the value itself, or set the "
                     "indicator's {column} to %"))
            self.bad(row, col, msg.format(shown=shown, unit=unit.strip(), column="单位"))
        else:
            self.bad(row, col, _("expected a number, found a percentage ({shown}): write the number itself").format(shown=shown))
        return None

    def word(self, row, r, col, words: Words):
        """The English value of a word of the enumeration ``words`` (see :class:`~.words.Words`)."""
        v = self.text(row, r, col)
        if v is None:
            return None
        en = words.read(v)
        if en is None:
            self.bad(row, col, _("unknown word {word}: use one of {choices}").format(word=repr(v), choices=listing(words.choices)))
        return en

    def flag(self, row, r, col):
        v = self.raw(r, col)
        if v is None:
            return None
        if isinstance(v, bool):
            return v
        s = str(v).strip()
        if s.lower() in YES:
            return True
        if s.lower() in NO:
            return False
        self.bad(row, col, _("expected {yes} or {no}, found {value}").format(yes="是", no="否", value=repr(v)))
        return None

    def json_obj(self, row, r, col):
        v = self.text(row, r, col)
        if v is None:
            return None
        try:
            obj = json.loads(v)
        except json.JSONDecodeError as err:
            self.bad(row, col, _('not valid JSON ({error}): write e.g. {{"cap": 1.2}}').format(error=err.msg))
            return None
        if not isinstance(obj, dict):
            self.bad(row, col, _("expected a JSON object {…}"))
            return None
        return obj

    def notes(self, row, r, col) -> dict | None:
        """``字段: 说明`` per line (or a JSON object) -> dict."""
        v = self.text(row, r, col)
        if v is None:
            return None
        if v.startswith("{"):
            return self.json_obj(row, r, col)
        out = {}
        for line in v.splitlines():
            if not line.strip():
                continue
            m = re.match(r"\s*([^:：]+?)\s*[:：]\s*(.*)$", line)
            if not m:
                self.bad(row, col, _("write one '{form}' per line, found {line}").format(form="字段: 说明", line=repr(line)))
                return None
            out[m.group(1)] = m.group(2)
        return out


def header_row(values: list[list], required, known) -> int:
    """The header's row number [1-based]: the first row holding every required column; else the row
    holding the most known columns (the first of equals), so that a missing column is reported there;
    else the first row that is not empty."""
    names = [{str(v).strip() for v in row if v is not None} for row in values]
    for i, n in enumerate(names, start=1):
        if required and set(required) <= n:
            return i
    hits = [len(n & set(known)) for n in names]
    if hits and max(hits) > 0:
        return hits.index(max(hits)) + 1
    return next((i for i, n in enumerate(names, start=1) if n - {""}), 1)


def is_total_row(row) -> bool:
    """Whether a row's first text cell is 合计, 小计 or 总计 (spaces ignored): a sum, not an item."""
    first = next((v for v in row if isinstance(v, str) and v.strip()), None)
    return first is not None and "".join(first.split()) in TOTAL_ROW


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
        ast.Pow: operator.pow, ast.USub: operator.neg, ast.UAdd: operator.pos}


def arithmetic(formula: str) -> float | None:
    """The value of a formula that is plain arithmetic on numbers (``=0.5``, ``=1000*5``, ``=(3+4)/2``,
    ``=2^3``, ``=50%``), or None for anything else (a cell reference, a function, text)."""
    body = str(formula).strip().removeprefix("=").strip()
    if not body or not re.fullmatch(r"[0-9.eE+\-*/^()%\s]+", body) or len(body) > 200:
        return None
    if "^" in body and "-" in body:
        return None  # Excel negates before it raises to a power (=-2^2 is 4): leave it to Excel
    body = re.sub(r"(\d+(?:\.\d*)?|\.\d+)\s*%", r"(\1/100)", body).replace("^", "**")

    def ev(n):
        if isinstance(n, ast.Expression):
            return ev(n.body)
        if isinstance(n, ast.Constant) and isinstance(n.value, (int, float)) and not isinstance(n.value, bool):
            return float(n.value)
        if isinstance(n, ast.BinOp) and type(n.op) in _OPS:
            a, b = ev(n.left), ev(n.right)
            if isinstance(n.op, ast.Pow) and abs(b) > 64:
                raise ValueError("power too large")
            return _OPS[type(n.op)](a, b)
        if isinstance(n, ast.UnaryOp) and type(n.op) in _OPS:
            return _OPS[type(n.op)](ev(n.operand))
        raise ValueError("not arithmetic")

    try:
        v = ev(ast.parse(body, mode="eval"))
    except (SyntaxError, ValueError, ZeroDivisionError, OverflowError, TypeError):
        return None
    return v if v == v and abs(v) != float("inf") else None

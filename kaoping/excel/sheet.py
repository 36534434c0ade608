"""One sheet of a planner's workbook: header → column, rows of cells, and typed getters that record
every bad cell as a problem with its sheet, row and column."""
from __future__ import annotations

import json
import re

from models.problems import Problem

from .words import NO, YES


class Sheet:
    """One sheet as header -> column letter and rows of cells, with typed getters that record problems."""

    def __init__(self, ws, problems: list[Problem], file: str):
        from openpyxl.utils import get_column_letter

        self.name = ws.title
        self.file = file
        self.problems = problems
        rows = list(ws.iter_rows(values_only=True))
        header = list(rows[0]) if rows else []
        self.cols: dict[str, int] = {}
        self.letters: dict[str, str] = {}
        for j, h in enumerate(header):
            if h is None or str(h).strip() == "":
                continue
            h = str(h).strip()
            self.cols[h] = j
            self.letters[h] = get_column_letter(j + 1)
        self.rows = []
        for i, r in enumerate(rows[1:], start=2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in r):
                continue
            self.rows.append((i, r))

    def where(self, row: int, col: str) -> str:
        return f"sheet {self.name} row {row} column {self.letters.get(col, '?')}"

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

    def number(self, row, r, col, kind=float):
        v = self.raw(r, col)
        if v is None:
            return None
        if isinstance(v, bool):
            self.bad(row, col, f"expected a number, found {v!r}")
            return None
        if isinstance(v, (int, float)):
            if kind is int:
                if float(v).is_integer():
                    return int(v)
                self.bad(row, col, f"expected a whole number, found {v!r}")
                return None
            return float(v)
        s = str(v).replace(",", "").replace("，", "").strip()
        pct = s.endswith("%")
        try:
            x = float(s.rstrip("%"))
        except ValueError:
            self.bad(row, col, f"expected a number, found text {v!r}: write a number")
            return None
        if pct:
            x /= 100
        if kind is int:
            if x.is_integer():
                return int(x)
            self.bad(row, col, f"expected a whole number, found {v!r}")
            return None
        return x

    def word(self, row, r, col, table: dict[str, str]):
        v = self.text(row, r, col)
        if v is None:
            return None
        if v not in table:
            self.bad(row, col, f"unknown word {v!r}: use one of {sorted(k for k in table if not k.isascii())}")
            return None
        return table[v]

    def flag(self, row, r, col):
        v = self.raw(r, col)
        if v is None:
            return None
        if isinstance(v, bool):
            return v
        s = str(v).strip()
        if s in YES:
            return True
        if s in NO:
            return False
        self.bad(row, col, f"expected 是 or 否, found {v!r}")
        return None

    def json_obj(self, row, r, col):
        v = self.text(row, r, col)
        if v is None:
            return None
        try:
            obj = json.loads(v)
        except json.JSONDecodeError as err:
            self.bad(row, col, f"not valid JSON ({err.msg}): write e.g. {{\"cap\": 1.2}}")
            return None
        if not isinstance(obj, dict):
            self.bad(row, col, "expected a JSON object {…}")
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
                self.bad(row, col, f"write one '字段: 说明' per line, found {line!r}")
                return None
            out[m.group(1)] = m.group(2)
        return out

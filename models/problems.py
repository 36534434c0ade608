"""A problem of a scenario, located: the file, the line (YAML) or row (CSV), the field, what to do.

Line and row numbers count from 1 as an editor or a spreadsheet shows them: ``line 23`` of
``scenario.yaml``; ``row 3`` of a CSV table is the record that starts on the file's third line
(the header is row 1).
"""
from __future__ import annotations

from dataclasses import dataclass

from .i18n import _

SCENARIO_FILE = "scenario.yaml"
FORECASTS_FILE = "forecasts.csv"
EFFORT_FILE = "effort.csv"
ACTUALS_FILE = "actuals.csv"
TARGETS_FILE = "targets.csv"
SURVEYS_FILE = "surveys.csv"
FILE_ORDER = {SCENARIO_FILE: 0, FORECASTS_FILE: 1, EFFORT_FILE: 2, ACTUALS_FILE: 3, TARGETS_FILE: 4, SURVEYS_FILE: 5}


@dataclass(frozen=True)
class Problem:
    """One problem of a scenario: ``file``, ``where`` ("line 12", "row 4" or ""), ``field``, ``message``."""

    file: str
    where: str  # "line 12", "row 4", or ""
    field: str
    message: str

    @property
    def line(self) -> int | None:
        """The line of a YAML file [1-based], or None."""
        return int(self.where[5:]) if self.where.startswith("line ") else None

    @property
    def row(self) -> int | None:
        """The row of a CSV table [1-based, header = 1], or None."""
        return int(self.where[4:]) if self.where.startswith("row ") else None

    @property
    def place(self) -> str:
        """``where`` in the language in use ("第 12 行", "line 12")."""
        if self.line is not None:
            return _("line {n}").format(n=self.line)
        if self.row is not None:
            return _("row {n}").format(n=self.row)
        return self.where

    def to_dict(self) -> dict:
        """JSON-ready: file, line, row, field, message (line or row is null when not applicable)."""
        return {"file": self.file, "line": self.line, "row": self.row, "field": self.field, "message": self.message}

    def __str__(self) -> str:
        place = " ".join(p for p in (self.file, self.place) if p)
        fld = f" [{self.field}]" if self.field else ""
        return _("{place}: {message}").format(place=place + fld, message=self.message)


class ScenarioError(Exception):
    """A scenario that cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    """By file (scenario.yaml, forecasts.csv, effort.csv, actuals.csv), then line or row; problems without one
    last; duplicates dropped."""
    def key(ip):
        i, p = ip
        n = p.line or p.row
        return (FILE_ORDER.get(p.file, -1), n is None, n or 0, i)

    out, seen = [], set()
    for _, p in sorted(enumerate(problems), key=key):
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out

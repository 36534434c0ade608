"""Reading a scenario's files: text (UTF-8, with a word on GBK), YAML and CSV tables.

Every problem is gathered with its place (file, line or row, column), none raises; the
schema is checked here row by row for the tables (``models/schema.py``).
"""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from .i18n import _, listing
from .locate import (
    NOT_FINITE,
    TooManyValues,
    describe,
    did_you_mean,
    duplicate_keys,
    parse_yaml,
    pydantic_problems,
    unwrap,
    yaml_lines,
)
from .problems import SCENARIO_FILE, Problem


def read_text(path: Path, problems: list[Problem], required: bool = True) -> str | None:
    name = path.name
    unit = "row" if path.suffix.lower() == ".csv" else "line"
    if not path.exists():
        if required:
            near = sorted(p.name for p in path.parent.glob(path.stem + ".*")) if path.parent.is_dir() else []
            msg = (_("file is missing: create {name} in the scenario folder (found {found}: rename it to {name})") if near
                   else _("file is missing: create {name} in the scenario folder"))
            problems.append(Problem(name, "", "", msg.format(name=name, found=near[0] if near else "")))
        return None
    if path.is_dir():
        problems.append(Problem(name, "", "", _("is a folder, expected a file")))
        return None
    folder = path.parent.resolve()
    if path.resolve().parent != folder:
        problems.append(Problem(name, "", "", _("is a link to a file outside the scenario folder, which kaoping does not "
                                                "read: copy the file into the scenario folder")))
        return None
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(name, "", "", _("cannot be read ({reason}): check the file's permissions").format(
            reason=exc.strerror or exc)))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gbk")
            msg = _("is not UTF-8 text (it looks like GBK, as Excel saves 'CSV' on Chinese Windows): save the file as "
                    "UTF-8 (Excel: 'CSV UTF-8')")
        except UnicodeDecodeError:
            msg = _("is not UTF-8 text: save the file as UTF-8 (Excel: 'CSV UTF-8')")
        problems.append(Problem(name, f"{unit} {line}", "", msg))
        return None
    if not text.strip():
        msg = (_("file is empty: write the header row (county,indicator,dist,mean,sd) and one row per county and "
                 "indicator") if unit == "row"
               else _("file is empty: write the scenario (see tests/data/tiny/scenario.yaml for an example)"))
        problems.append(Problem(name, "", "", msg))
        return None
    return text


@dataclass
class Table:
    """A CSV table as read: good rows, rows with problems (raw cells), and whether the header was usable."""

    rows: list = field(default_factory=list)  # [(row, model)]
    bad: list = field(default_factory=list)  # [(row, {column: text})]
    usable: bool = True


_TRUE = {"true", "1", "yes", "y", "t", "是"}
_FALSE = {"false", "0", "no", "n", "f", "否"}


def _columns_of(model, kind) -> set[str]:
    return {n for n, f in model.model_fields.items() if unwrap(f.annotation) in kind}


def read_csv(text: str, file: str, model, problems: list[Problem]) -> Table:
    """Read a CSV table row by row; every cell problem is reported, with the row where the record starts."""
    table = Table()
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    records: list[tuple[int, list[str]]] = []
    try:
        while True:
            start = reader.line_num + 1
            try:
                rec = next(reader)
            except StopIteration:
                break
            if not any(c.strip() for c in rec):
                continue  # blank line, or a row of empty cells
            if header is None:
                header = [c.strip().lstrip("\ufeff") for c in rec]
                hrow = start
            else:
                records.append((start, rec))
    except csv.Error as exc:
        problems.append(Problem(file, f"row {reader.line_num}", "",
                                _("cannot be read as CSV ({reason}): check the quotes").format(reason=exc)))
        table.usable = False
        return table
    if header is None:
        problems.append(Problem(file, "", "", _("has no header row: add county,indicator,… as the first row")))
        table.usable = False
        return table
    allowed = list(model.model_fields)
    cols: dict[str, int] = {}
    for j, h in enumerate(header):
        if h == "":
            if any(j < len(r) and r[j].strip() for _, r in records):
                problems.append(Problem(file, f"row {hrow}", _("column {n}").format(n=j + 1),
                                        _("column has no name: name it or delete it")))
        elif h in cols:
            problems.append(Problem(file, f"row {hrow}", h, _("duplicate column '{column}' (columns {first} and {second}): "
                                                              "keep one").format(column=h, first=cols[h] + 1, second=j + 1)))
        elif h not in allowed:
            s = did_you_mean(h, allowed)
            msg = (_("unknown column '{column}': did you mean '{hint}'?") if s
                   else _("unknown column '{column}': remove it (allowed: {allowed})"))
            problems.append(Problem(file, f"row {hrow}", h, msg.format(column=h, hint=s, allowed=listing(allowed))))
        else:
            cols[h] = j
    for f in (n for n, f in model.model_fields.items() if f.is_required()):
        if f not in cols:
            problems.append(Problem(file, f"row {hrow}", f, _("required column '{column}' is missing: add it").format(column=f)))
            table.usable = False
    if not table.usable:
        return table
    numeric = _columns_of(model, (float, int))
    boolean = _columns_of(model, (bool,))
    for row, rec in records:
        where = f"row {row}"
        broken = _unclosed_quote(row, rec, header, numeric | boolean)
        if broken:
            problems.append(Problem(file, where, broken[0], broken[1]))
            table.bad.append((row, {}))
            table.usable = False  # the rows it swallowed are missing: no "has no forecast" on top
            continue
        if len(rec) > len(header) and any(c.strip() for c in rec[len(header):]):
            problems.append(Problem(file, where, "", _("{cells} cells but {columns} columns in the header: remove the "
                                                       "extra cells (or quote a cell that holds a comma)").format(
                cells=len(rec), columns=len(header))))
            table.bad.append((row, {h: rec[j].strip() for h, j in cols.items() if j < len(rec)}))
            continue
        short = (_(" (this row has {cells} cells, the header {columns})").format(cells=len(rec), columns=len(header))
                 if len(rec) < len(header) else "")
        data = {h: rec[j].strip() for h, j in cols.items() if j < len(rec) and rec[j].strip() != ""}
        own: list[Problem] = []
        for h in boolean & data.keys():
            low = data[h].lower()
            if low in _TRUE | _FALSE:
                data[h] = low in _TRUE
            else:
                own.append(Problem(file, where, h, _("expected true or false, found the text '{text}'").format(text=data[h])
                                   + short))
                del data[h]
        for h in numeric & data.keys():
            try:
                x = float(data[h])
            except ValueError:
                continue  # the schema says so, below
            if not math.isfinite(x):
                own.append(Problem(file, where, h, _("'{text}' is not a finite number: write a number").format(text=data[h])
                                   + short))
                data[h] = NOT_FINITE
        try:
            ok = model.model_validate(data)
        except ValidationError as err:
            for p in pydantic_problems(err, file, data, row=row, root=model):
                absent = (_(" (the table has no '{column}' column: add it)").format(column=p.field)
                          if p.field in allowed and p.field not in cols else "")
                own.append(Problem(p.file, p.where, p.field, p.message + absent + short))
            ok = None
        problems.extend(own)
        if own or ok is None:
            table.bad.append((row, data))
        else:
            table.rows.append((row, ok))
    return table


FREE_TEXT = ("source", "note")  # columns whose quoted cells may hold line breaks


def _unclosed_quote(row: int, rec: list[str], header: list[str], numbers: set[str]) -> tuple[str, str] | None:
    """(column, message) when a quote opened in this record swallows the lines after it: a cell that
    holds a line break followed by something that reads as a row (a comma), or any line break in a
    column other than free text. The message names the line where the quote opened."""
    line = row
    for j, cell in enumerate(rec):
        if "\n" in cell or "\r" in cell:
            col = header[j] if j < len(header) else _("column {n}").format(n=j + 1)
            rest = cell.splitlines()[1:]
            swallowed = [ln for ln in rest if "," in ln]
            if swallowed or col not in FREE_TEXT:
                n = len(rest)
                msg = (_("the quote opened on line {line} is not closed where it should be: it swallows the next {n} "
                         "line(s) (lines {first}–{last}) into one cell of '{column}'; close the quote (\"…\") or remove it")
                       if swallowed else
                       _("the quote opened on line {line} is not closed where it should be: it puts a line break into "
                         "'{column}'; close the quote (\"…\") or remove it"))
                return col, msg.format(line=line, n=n, first=line + 1, last=line + n, column=col)
            line += cell.count("\n")
    return None


def _bad_scalar_line(text: str) -> int | None:
    """The line of the first scalar YAML cannot turn into a value (an impossible date such as 2024-02-30)."""
    root = yaml_lines(text)
    constructor = yaml.constructor.SafeConstructor()
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            try:
                constructor.construct_object(node, deep=True)
            except (ValueError, yaml.YAMLError):
                return node.start_mark.line + 1
        elif isinstance(node, yaml.MappingNode):
            stack.extend(x for kv in reversed(node.value) for x in reversed(kv))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    return None


def read_scenario_dict(path: Path) -> tuple[dict | None, list[Problem], object]:
    """Read ``scenario.yaml`` of a folder: (data or None, problems, composed YAML nodes for line numbers)."""
    problems: list[Problem] = []
    text = read_text(path / SCENARIO_FILE, problems)
    if text is None:
        return None, problems, None
    try:
        data, lines = parse_yaml(text)
    except TooManyValues as exc:
        problems.append(Problem(SCENARIO_FILE, f"line {exc.line}" if exc.line else "", "",
                                _("cannot be read: {reason}").format(reason=exc)))
        return None, problems, None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        what = getattr(exc, "problem", None) or str(exc)
        ctx = getattr(exc, "context", None) or ""
        cmark = getattr(exc, "context_mark", None)
        if cmark is not None and mark is not None and cmark.line != mark.line:
            if ctx.startswith(("while parsing a flow", "while scanning a quoted", "while scanning a simple key")):
                # an unclosed bracket or quote: the culprit is where it opened, the parser noticed later
                what = _("{problem} (noticed on line {line}; {context} that starts here)").format(
                    problem=what, line=mark.line + 1, context=ctx)
                mark = cmark
            else:
                what = _("{problem} ({context} on line {line})").format(problem=what, context=ctx, line=cmark.line + 1)
        src = text.splitlines()
        tabbed = next((i for i, ln in enumerate(src) if "\t" in ln[: len(ln) - len(ln.lstrip())]), None)
        if tabbed is not None and mark is not None and tabbed <= mark.line:
            mark, what = None, _("the line is indented with a tab character")
            where = f"line {tabbed + 1}"
        else:
            where = f"line {mark.line + 1}" if mark else ""
        problems.append(Problem(SCENARIO_FILE, where, "", _("is not valid YAML: {reason}: check the indentation, "
                                                            "colons and quotes there (indent with spaces, never tabs)").format(
            reason=what)))
        return None, problems, None
    except (ValueError, RecursionError) as exc:  # e.g. an impossible date such as 2024-02-30
        ln = _bad_scalar_line(text)
        problems.append(Problem(SCENARIO_FILE, f"line {ln}" if ln else "", "",
                                _("cannot be read: {reason}: fix the value (quote it if it is text)").format(reason=exc)))
        return None, problems, None
    if not isinstance(data, dict):
        problems.append(Problem(SCENARIO_FILE, "line 1", "", _("must be a mapping with keys scenario, counties, "
                                                               "assessments, …; found {value}").format(value=describe(data))))
        return None, problems, None
    problems.extend(duplicate_keys(lines))
    return data, problems, lines

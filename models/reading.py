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
            hint = f" (found {near[0]}: rename it to {name})" if near else ""
            problems.append(Problem(name, "", "", f"file is missing: create {name} in the scenario folder{hint}"))
        return None
    if path.is_dir():
        problems.append(Problem(name, "", "", "is a folder, expected a file"))
        return None
    folder = path.parent.resolve()
    if path.resolve().parent != folder:
        problems.append(Problem(name, "", "", "is a link to a file outside the scenario folder, which kaoping does not "
                                "read: copy the file into the scenario folder"))
        return None
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(name, "", "", f"cannot be read ({exc.strerror or exc}): check the file's permissions"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gbk")
            enc = " (it looks like GBK, as Excel saves 'CSV' on Chinese Windows)"
        except UnicodeDecodeError:
            enc = ""
        problems.append(Problem(name, f"{unit} {line}", "",
                                f"is not UTF-8 text{enc}: save the file as UTF-8 (Excel: 'CSV UTF-8')"))
        return None
    if not text.strip():
        what = ("write the header row (county,indicator,dist,mean,sd) and one row per county and indicator"
                if unit == "row" else "write the scenario (see tests/data/tiny/scenario.yaml for an example)")
        problems.append(Problem(name, "", "", f"file is empty: {what}"))
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
        problems.append(Problem(file, f"row {reader.line_num}", "", f"cannot be read as CSV ({exc}): check the quotes"))
        table.usable = False
        return table
    if header is None:
        problems.append(Problem(file, "", "", "has no header row: add county,indicator,… as the first row"))
        table.usable = False
        return table
    allowed = list(model.model_fields)
    cols: dict[str, int] = {}
    for j, h in enumerate(header):
        if h == "":
            if any(j < len(r) and r[j].strip() for _, r in records):
                problems.append(Problem(file, f"row {hrow}", f"column {j + 1}", "column has no name: name it or delete it"))
        elif h in cols:
            problems.append(Problem(file, f"row {hrow}", h, f"duplicate column '{h}' (columns {cols[h] + 1} and {j + 1}): keep one"))
        elif h not in allowed:
            s = did_you_mean(h, allowed)
            problems.append(Problem(file, f"row {hrow}", h, f"unknown column '{h}'"
                                    + (f": did you mean '{s}'?" if s else f": remove it (allowed: {', '.join(allowed)})")))
        else:
            cols[h] = j
    for f in (n for n, f in model.model_fields.items() if f.is_required()):
        if f not in cols:
            problems.append(Problem(file, f"row {hrow}", f, f"required column '{f}' is missing: add it"))
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
            problems.append(Problem(file, where, "", f"{len(rec)} cells but {len(header)} columns in the header: "
                                    "remove the extra cells (or quote a cell that holds a comma)"))
            table.bad.append((row, {h: rec[j].strip() for h, j in cols.items() if j < len(rec)}))
            continue
        short = f" (this row has {len(rec)} cells, the header {len(header)})" if len(rec) < len(header) else ""
        data = {h: rec[j].strip() for h, j in cols.items() if j < len(rec) and rec[j].strip() != ""}
        own: list[Problem] = []
        for h in boolean & data.keys():
            low = data[h].lower()
            if low in _TRUE | _FALSE:
                data[h] = low in _TRUE
            else:
                own.append(Problem(file, where, h, f"expected true or false, found the text '{data[h]}'{short}"))
                del data[h]
        for h in numeric & data.keys():
            try:
                x = float(data[h])
            except ValueError:
                continue  # the schema says so, below
            if not math.isfinite(x):
                own.append(Problem(file, where, h, f"'{data[h]}' is not a finite number: write a number{short}"))
                data[h] = NOT_FINITE
        try:
            ok = model.model_validate(data)
        except ValidationError as err:
            for p in pydantic_problems(err, file, data, row=row, root=model):
                absent = f" (the table has no '{p.field}' column: add it)" if p.field in allowed and p.field not in cols else ""
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
            col = header[j] if j < len(header) else f"column {j + 1}"
            rest = cell.splitlines()[1:]
            swallowed = [ln for ln in rest if "," in ln]
            if swallowed or col not in FREE_TEXT:
                n = len(rest)
                what = (f"swallows the next {n} line(s) (lines {line + 1}–{line + n}) into one cell of '{col}'"
                        if swallowed else f"puts a line break into '{col}'")
                return col, (f"the quote opened on line {line} is not closed where it should be: it {what}; "
                             'close the quote ("…") or remove it')
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
        problems.append(Problem(SCENARIO_FILE, f"line {exc.line}" if exc.line else "", "", f"cannot be read: {exc}"))
        return None, problems, None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        what = getattr(exc, "problem", None) or str(exc)
        ctx = getattr(exc, "context", None) or ""
        cmark = getattr(exc, "context_mark", None)
        if cmark is not None and mark is not None and cmark.line != mark.line:
            if ctx.startswith(("while parsing a flow", "while scanning a quoted", "while scanning a simple key")):
                # an unclosed bracket or quote: the culprit is where it opened, the parser noticed later
                what = f"{what} (noticed on line {mark.line + 1}; {ctx} that starts here)"
                mark = cmark
            else:
                what = f"{what} ({ctx} on line {cmark.line + 1})"
        src = text.splitlines()
        tabbed = next((i for i, ln in enumerate(src) if "\t" in ln[: len(ln) - len(ln.lstrip())]), None)
        if tabbed is not None and mark is not None and tabbed <= mark.line:
            mark, what = None, "the line is indented with a tab character"
            where = f"line {tabbed + 1}"
        else:
            where = f"line {mark.line + 1}" if mark else ""
        problems.append(Problem(SCENARIO_FILE, where, "", f"is not valid YAML: {what}: check the indentation, "
                                "colons and quotes there (indent with spaces, never tabs)"))
        return None, problems, None
    except (ValueError, RecursionError) as exc:  # e.g. an impossible date such as 2024-02-30
        ln = _bad_scalar_line(text)
        problems.append(Problem(SCENARIO_FILE, f"line {ln}" if ln else "", "",
                                f"cannot be read: {exc}: fix the value (quote it if it is text)"))
        return None, problems, None
    if not isinstance(data, dict):
        problems.append(Problem(SCENARIO_FILE, "line 1", "", f"must be a mapping with keys scenario, counties, assessments, …; "
                                f"found {describe(data)}"))
        return None, problems, None
    problems.extend(duplicate_keys(lines))
    return data, problems, lines

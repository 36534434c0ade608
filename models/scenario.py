"""Load and validate a scenario folder; every problem is gathered, none raises a traceback.

``load_scenario(path)`` returns a :class:`Scenario` or raises :class:`ScenarioError` whose
``problems`` list names, for each problem, the file, the line (YAML) or row (CSV), the field
and what to do about it.

Line and row numbers count from 1 as an editor or a spreadsheet shows them: ``line 23`` of
``scenario.yaml``; ``row 3`` of a CSV table is the record that starts on the file's third line
(the header is row 1). Problems are found in three passes, and all of them are reported:

1. reading: missing, empty or non-UTF-8 files, YAML syntax, duplicate YAML keys, CSV headers
   (unknown, missing or repeated columns) and cells (numbers, true/false);
2. the schema (``models/schema.py``, extra keys forbidden), with the line of each key;
3. cross-references (blocks, indicators, counties, grades, forecasts, effort curves), which are
   checked on the raw data too, so that they are reported even when pass 2 fails.
"""
from __future__ import annotations

import copy
import csv
import difflib
import io
import math
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from .schema import (
    PEER_RELATIVE,
    Assessment,
    EffortRow,
    ForecastRow,
    Indicator,
    ScenarioFile,
)

SCENARIO_FILE = "scenario.yaml"
FORECASTS_FILE = "forecasts.csv"
EFFORT_FILE = "effort.csv"
_FILE_ORDER = {SCENARIO_FILE: 0, FORECASTS_FILE: 1, EFFORT_FILE: 2}


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

    def to_dict(self) -> dict:
        """JSON-ready: file, line, row, field, message (line or row is null when not applicable)."""
        return {"file": self.file, "line": self.line, "row": self.row, "field": self.field, "message": self.message}

    def __str__(self) -> str:
        place = " ".join(p for p in (self.file, self.where) if p)
        fld = f" [{self.field}]" if self.field else ""
        return f"{place}{fld}: {self.message}"


class ScenarioError(Exception):
    """A scenario that cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: the YAML model, its forecast and effort rows, and where it lives."""

    spec: ScenarioFile
    forecasts: tuple[ForecastRow, ...]
    effort_rows: tuple[EffortRow, ...]
    path: Path | None = None
    raw: dict = field(default_factory=dict, repr=False, compare=False)
    applied: tuple[str, ...] = ()

    # ---- convenient views
    @property
    def name(self) -> str:
        return self.spec.scenario.name

    @property
    def home(self) -> str:
        return self.spec.scenario.home

    @property
    def counties(self) -> list[str]:
        return [c.name for c in self.spec.counties]

    def county(self, name: str):
        return next(c for c in self.spec.counties if c.name == name)

    def assessment(self, name: str | None = None) -> Assessment:
        if name is None:
            return self.spec.assessments[0]
        return next(a for a in self.spec.assessments if a.name == name)

    def indicators(self) -> list[Indicator]:
        return [i for a in self.spec.assessments for i in a.indicators]

    def indicator(self, name: str) -> Indicator:
        return next(i for i in self.indicators() if i.name == name)

    def forecast(self, county: str, indicator: str) -> ForecastRow | None:
        return next((f for f in self.forecasts if f.county == county and f.indicator == indicator), None)

    def rivals(self) -> list[str]:
        cls = self.county(self.home).peer_class
        return [c.name for c in self.spec.counties if c.peer_class == cls and c.name != self.home]


# --------------------------------------------------------------------------- locating a problem

_NOT_FINITE = "\x00not-finite"  # stands in for .nan/.inf while the schema is checked (reported once, by us)


def _unwrap(tp):
    """Strip Annotated[...] and Optional[...] from a type."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) == 1:
                tp = args[0]
                continue
        return tp


def _is_model(tp) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _union_members(tp) -> dict[str, type]:
    """Members of a union discriminated by ``kind``: tag -> model."""
    out = {}
    for m in typing.get_args(tp):
        if _is_model(m) and "kind" in m.model_fields:
            tags = typing.get_args(m.model_fields["kind"].annotation)
            if tags:
                out[tags[0]] = m
    return out


_RULES = _union_members(_unwrap(Indicator.model_fields["rule"].annotation))


def _model_at(root, loc: tuple):
    """The pydantic model a pydantic error location points into, or None."""
    tp = root
    for key in loc:
        tp = _unwrap(tp)
        origin = typing.get_origin(tp)
        if _is_model(tp):
            f = tp.model_fields.get(key) if isinstance(key, str) else None
            if f is None:
                return None
            tp = f.annotation
        elif origin is list:
            tp = typing.get_args(tp)[0]
        elif origin is dict:
            tp = typing.get_args(tp)[1]
        else:
            members = _union_members(tp)
            if key not in members:
                return None
            tp = members[key]
    tp = _unwrap(tp)
    return tp if _is_model(tp) else None


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same marks, 5-10x faster


def _parse_yaml(text: str):
    """Parse once: the data (as ``yaml.safe_load``) and the node tree that carries line numbers."""
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, node


def _yaml_lines(text: str):
    """Compose the YAML node tree so that a pydantic error path can be mapped to a line."""
    try:
        return yaml.compose(text, Loader=_LOADER)
    except (yaml.YAMLError, ValueError, RecursionError):
        return None


def _line_of(node, loc: tuple) -> int | None:
    """The line [1-based] of the key that ``loc`` ends on; for a missing key, the line of the key or
    list item whose mapping lacks it."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for i, key in enumerate(loc):
        if node is None:
            break  # a missing key: the line of the key (or list item) that should hold it
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == str(key):
                    line = k.start_mark.line + 1
                    nxt = v
                    break
            if nxt is None and isinstance(key, str) and i < len(loc) - 1:
                continue  # a union member's tag (the rule kind), not a key of the file: stay here
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        # else: a tag on a scalar (a union member of a value): stay on this line
    return line


def _item_name(item) -> str | None:
    if isinstance(item, dict):
        for k in ("name", "grade"):
            if isinstance(item.get(k), str) and item[k]:
                return item[k]
    return None


def _field_path(loc: tuple, data) -> str:
    """A readable path: indicators[外贸自营出口].rule.basic rather than indicators.3.rule.threshold.basic."""
    parts: list[str] = []
    cur = data
    for i, key in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(cur, list) and isinstance(key, int):
            item = cur[key] if 0 <= key < len(cur) else None
            name = _item_name(item)
            parts.append(f"[{name}]" if name else f"[{key}]")
            cur = item
        elif isinstance(cur, dict):
            if key in cur:
                parts.append(("." if parts else "") + str(key))
                cur = cur[key]
            elif key == "[key]" or not (last or isinstance(key, str)):
                continue
            elif last:
                parts.append(("." if parts else "") + str(key))  # a missing key
                cur = None
            # else: a union member's tag (the rule kind): not a key of the file
        elif cur is None and parts:
            parts.append("." + str(key))
        else:
            break  # union members of a scalar value: the path ends here
    return "".join(parts)


def _walk(data, loc: tuple):
    """The raw value at a pydantic location (skipping union tags), or None."""
    cur = data
    for key in loc:
        if isinstance(cur, list) and isinstance(key, int):
            cur = cur[key] if 0 <= key < len(cur) else None
        elif isinstance(cur, dict):
            if key in cur:
                cur = cur[key]
        else:
            return None
    return cur


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


def _subfield(root, loc: tuple, msg: str, data) -> tuple:
    """Narrow a whole-object error ("basic (4) must be below full (3)") to the field it names.

    Prefers a field the message says is needed and the object lacks, then a field it names
    that the object has (directly or under ``rule``)."""
    obj = _walk(data, loc)
    if not isinstance(obj, dict):
        return loc
    model = _model_at(root, loc)
    fields = set(model.model_fields) if model else set()

    def present(word: str):
        for prefix in ((), ("rule",)):
            cur, ok = obj, True
            for p in prefix + tuple(word.split(".")):
                if isinstance(cur, dict) and p in cur:
                    cur = cur[p]
                else:
                    ok = False
                    break
            if ok:
                return prefix + tuple(word.split("."))
        return None

    words = _WORD.findall(msg)
    for k, x in obj.items():  # a list of mappings that holds the named key (grades.levels[].max_rank)
        if isinstance(x, list) and any(isinstance(i, dict) and any(w in i for w in words) for i in x):
            fallback = loc + (k,)
            break
    else:
        fallback = loc
    needed = _WORD.findall(msg.split("needs", 1)[1]) if "needs" in msg else []
    for w in needed:
        if w in fields and w not in obj:
            return loc + (w,)
    for w in needed + words:
        for cand in (w, w.rsplit(".", 1)[-1]):
            hit = present(cand)
            if hit:
                return loc + hit
    return fallback


def _describe(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "nothing"
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, (int, float)):
        return f"the number {v}"
    if isinstance(v, str):
        return f"the text '{v[:40]}{'…' if len(v) > 40 else ''}'"
    return f"{type(v).__name__} {v}"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _did_you_mean(word, choices) -> str | None:
    hits = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return hits[0] if hits else None


def _message(e: dict, root, data) -> str:
    """What went wrong and what to do, in the scenario author's words."""
    t, loc, v = e["type"], tuple(e["loc"]), e.get("input")
    msg = e["msg"].removeprefix("Value error, ")
    ctx = e.get("ctx") or {}
    if t == "missing":
        return f"required field '{loc[-1]}' is missing: add it"
    if t == "extra_forbidden":
        key = loc[-1]
        model = _model_at(root, loc[:-1])
        allowed = sorted(model.model_fields) if model else []
        tag = loc[-2] if len(loc) >= 2 and loc[-2] in _RULES and model is _RULES.get(loc[-2]) else None
        for_what = f" for rule kind '{tag}'" if tag else ""
        s = _did_you_mean(key, allowed)
        out = f"unknown key '{key}'{for_what}"
        if s:
            out += f": did you mean '{s}'?"
        elif tag:
            others = [k for k, m in _RULES.items() if key in m.model_fields]
            out += f" (rule kind '{tag}' takes {', '.join(allowed)}"
            out += f"; '{key}' belongs to {', '.join(others)})" if others else ")"
            out += ": remove it, or change 'kind'"
        else:
            out += f": remove it (allowed here: {', '.join(allowed)})"
        return out
    if t == "union_tag_invalid":
        tag = ctx.get("tag", v)
        s = _did_you_mean(tag, _RULES)
        return f"unknown rule kind '{tag}'" + (f": did you mean '{s}'?" if s else "") + f" (one of {', '.join(_RULES)})"
    if t == "union_tag_not_found":
        return f"the rule has no 'kind': add kind: with one of {', '.join(_RULES)}"
    if t in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping (key: value lines), found {_describe(v)}"
    if t == "list_type":
        return f"expected a list (lines starting with '- ', or [a, b]), found {_describe(v)}"
    if t in ("float_type", "float_parsing", "int_type", "int_parsing", "int_from_float", "int_parsing_size"):
        what = "a whole number" if t.startswith("int") else "a number"
        out = f"expected {what}, found {_describe(v)}"
        if isinstance(v, bool):
            out += " (YAML reads yes, no, on, off as true or false)"
        elif t.endswith("_type") and isinstance(v, str) and _is_number(v):
            out += ": write it without quotes"
        return out
    if t in ("string_type",):
        return f"expected text, found {_describe(v)}: put it in quotes"
    if t in ("bool_type", "bool_parsing"):
        return f"expected true or false, found {_describe(v)}"
    if t == "literal_error":
        return f"{_describe(v)} is not allowed: use {ctx.get('expected', msg)}"
    if t in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        op, lim = next(((k, x) for k, x in ctx.items() if k in ("gt", "ge", "lt", "le")), ("", ""))
        words = {"gt": "greater than", "ge": "at least", "lt": "less than", "le": "at most"}
        lim = f"{lim:g}" if isinstance(lim, (int, float)) else lim
        return f"must be {words.get(op, op)} {lim}, found {v}" if op else f"{msg} (found {v})"
    if t == "string_pattern_mismatch":
        return f"{_describe(v)} is not allowed: use ASCII letters, digits, '_', '.' or '-'"
    if t in ("too_short", "too_long"):
        return f"{msg}: {'add' if t == 'too_short' else 'remove'} items"
    return msg


def _pydantic_problems(err: ValidationError, file: str, data, lines=None, row: int | None = None,
                       root=ScenarioFile) -> list[Problem]:
    """One Problem per pydantic error: the file, its line or row, a readable field path, what to do."""
    errors = [e for e in err.errors(include_url=False) if e.get("input") != _NOT_FINITE]
    # 'pionts' is unknown and 'points' is missing: say it once, as a misspelling
    missing = {tuple(e["loc"]) for e in errors if e["type"] == "missing"}
    absorbed = set()
    for e in errors:
        if e["type"] == "extra_forbidden":
            loc = tuple(e["loc"])
            model = _model_at(root, loc[:-1])
            s = _did_you_mean(loc[-1], model.model_fields) if model else None
            if s and loc[:-1] + (s,) in missing:
                absorbed.add(loc[:-1] + (s,))
    out: list[Problem] = []
    seen: dict[tuple, int] = {}
    for e in errors:
        loc = tuple(e["loc"])
        if e["type"] == "missing" and loc in absorbed:
            continue
        msg = _message(e, root, data)
        if e["type"] == "value_error":
            loc = _subfield(root, loc, msg, data)
        if row is not None:
            where = f"row {row}"
        else:
            ln = _line_of(lines, loc) if lines is not None else None
            where = f"line {ln}" if ln else ""
        fld = _field_path(loc, data)
        key = (where, fld)
        if key in seen:  # the branches of a union (e.g. 'class' or a number): one problem
            i = seen[key]
            if msg not in out[i].message:
                out[i] = Problem(file, where, fld, f"{out[i].message}; or {msg}")
            continue
        seen[key] = len(out)
        out.append(Problem(file, where, fld, msg))
    return out


def _not_finite(data, lines, file: str = SCENARIO_FILE) -> tuple[object, list[Problem]]:
    """Replace .nan/.inf by a marker (so the schema reports nothing more about them) and report each."""
    probs: list[Problem] = []

    def go(x, loc):
        if isinstance(x, float) and not math.isfinite(x):
            ln = _line_of(lines, loc) if lines is not None else None
            probs.append(Problem(file, f"line {ln}" if ln else "", _field_path(loc, data),
                                 f"{x} is not a finite number: write a number"))
            return _NOT_FINITE
        if isinstance(x, dict):
            return {k: go(v, loc + (k,)) for k, v in x.items()}
        if isinstance(x, list):
            return [go(v, loc + (i,)) for i, v in enumerate(x)]
        return x

    try:
        return go(data, ()), probs
    except RecursionError:
        return data, [Problem(file, "", "", "nests too deeply (a YAML alias that refers to itself?): simplify it")]


def _duplicate_keys(root, file: str = SCENARIO_FILE) -> list[Problem]:
    """YAML keeps the last of two equal keys silently; we report the second one."""
    out: list[Problem] = []
    seen: set[int] = set()
    stack = [(root, "")]
    while stack:
        node, path = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for k, v in node.value:
                if not isinstance(k, yaml.ScalarNode) or k.tag == "tag:yaml.org,2002:merge":
                    stack.append((v, path))
                    continue
                here = (path + "." if path else "") + k.value
                ln = k.start_mark.line + 1
                if k.value in first:
                    out.append(Problem(file, f"line {ln}", here,
                                       f"duplicate key '{k.value}' (first on line {first[k.value]}): keep one"))
                else:
                    first[k.value] = ln
                stack.append((v, here))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                name = None
                if isinstance(item, yaml.MappingNode):
                    name = next((v.value for k, v in item.value if isinstance(k, yaml.ScalarNode)
                                 and k.value in ("name", "grade") and isinstance(v, yaml.ScalarNode) and v.value), None)
                stack.append((item, f"{path}[{name if name else i}]"))
    return out


# --------------------------------------------------------------------------- reading files


def _read_text(path: Path, problems: list[Problem], required: bool = True) -> str | None:
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
class _Table:
    """A CSV table as read: good rows, rows with problems (raw cells), and whether the header was usable."""

    rows: list = field(default_factory=list)  # [(row, model)]
    bad: list = field(default_factory=list)  # [(row, {column: text})]
    usable: bool = True


_TRUE = {"true", "1", "yes", "y", "t", "是"}
_FALSE = {"false", "0", "no", "n", "f", "否"}


def _columns_of(model, kind) -> set[str]:
    return {n for n, f in model.model_fields.items() if _unwrap(f.annotation) in kind}


def _read_csv(text: str, file: str, model, problems: list[Problem]) -> _Table:
    """Read a CSV table row by row; every cell problem is reported, with the row where the record starts."""
    table = _Table()
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
            s = _did_you_mean(h, allowed)
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
                data[h] = _NOT_FINITE
        try:
            ok = model.model_validate(data)
        except ValidationError as err:
            for p in _pydantic_problems(err, file, data, row=row, root=model):
                absent = f" (the table has no '{p.field}' column: add it)" if p.field in allowed and p.field not in cols else ""
                own.append(Problem(p.file, p.where, p.field, p.message + absent + short))
            ok = None
        problems.extend(own)
        if own or ok is None:
            table.bad.append((row, data))
        else:
            table.rows.append((row, ok))
    return table


def _bad_scalar_line(text: str) -> int | None:
    """The line of the first scalar YAML cannot turn into a value (an impossible date such as 2024-02-30)."""
    root = _yaml_lines(text)
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
    text = _read_text(path / SCENARIO_FILE, problems)
    if text is None:
        return None, problems, None
    try:
        data, lines = _parse_yaml(text)
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
                                f"found {_describe(data)}"))
        return None, problems, None
    problems.extend(_duplicate_keys(lines))
    return data, problems, lines


def load_scenario(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read, validate and cross-check a scenario folder (or its scenario.yaml).

    ``overrides`` names overrides of the scenario to apply, in order, before validation.
    Raises :class:`ScenarioError` listing every problem found."""
    try:
        return _load(Path(path), overrides)
    except ScenarioError:
        raise
    except Exception as exc:  # noqa: BLE001 - a loader bug must still reach the user as a message, not a traceback
        raise ScenarioError([Problem(str(path), "", "", f"internal error while reading the scenario ({type(exc).__name__}: "
                                     f"{exc}): please report it with the scenario attached")]) from exc


def _load(path: Path, overrides) -> Scenario:
    if path.is_file() and path.name == SCENARIO_FILE:
        path = path.parent
    if not path.exists():
        raise ScenarioError([Problem(str(path), "", "", "no such scenario folder: give the folder that holds scenario.yaml")])
    if not path.is_dir():
        raise ScenarioError([Problem(str(path), "", "", "is a file: give the scenario folder (or its scenario.yaml)")])
    data, problems, lines = read_scenario_dict(path)
    ftext = _read_text(path / FORECASTS_FILE, problems)
    etext = _read_text(path / EFFORT_FILE, problems, required=False)
    if data is None:  # still read the tables, so that their problems are reported too
        for text, file, model in ((ftext, FORECASTS_FILE, ForecastRow), (etext, EFFORT_FILE, EffortRow)):
            if text:
                _read_csv(text, file, model, problems)
        raise ScenarioError(_sorted(problems))
    return build_scenario(data, ftext, etext, path=path, overrides=overrides, problems=problems, lines=lines, strict=True)


def build_scenario(data: dict, forecasts_text: str | None, effort_text: str | None, *, path: Path | None = None,
                   overrides=(), problems: list[Problem] | None = None, lines=None, strict: bool = False) -> Scenario:
    """Validate an in-memory scenario (YAML as a dict, the CSV tables as text).

    ``strict`` refuses what YAML would otherwise slip through (true for a number, 2024.0 for a
    year); :func:`load_scenario` sets it."""
    problems = list(problems or [])
    if not isinstance(data, dict):
        raise ScenarioError(problems + [Problem(SCENARIO_FILE, "", "", f"must be a mapping, found {_describe(data)}")])
    raw = copy.deepcopy(data)
    has_table_problem = {p.file for p in problems}
    ftab = (_read_csv(forecasts_text, FORECASTS_FILE, ForecastRow, problems) if forecasts_text
            else _Table(usable=FORECASTS_FILE not in has_table_problem))
    etab = _read_csv(effort_text, EFFORT_FILE, EffortRow, problems) if effort_text else _Table()
    frows, erows = ftab.rows, etab.rows
    from .overrides import apply_overrides, check_declared  # local: overrides needs the raw structures

    problems.extend(check_declared(data, frows, erows, skip=overrides))  # every declared override must fit
    if overrides:
        data, frows, erows, oprob = apply_overrides(data, frows, erows, overrides)
        problems.extend(oprob)
        lines = None  # line numbers no longer match the file
        ftab = _Table(list(frows), ftab.bad, ftab.usable)
        etab = _Table(list(erows), etab.bad, etab.usable)
    clean, bad_numbers = _not_finite(data, lines)
    problems.extend(bad_numbers)
    spec = None
    try:
        spec = ScenarioFile.model_validate(clean, strict=strict)
    except ValidationError as err:
        problems.extend(_pydantic_problems(err, SCENARIO_FILE, clean, lines))
    if isinstance(data, dict):
        problems.extend(_cross_check(data, ftab, etab, lines))
    if problems or spec is None:
        raise ScenarioError(_sorted(problems))
    return Scenario(spec, tuple(r for _, r in frows), tuple(r for _, r in erows), path, raw, tuple(overrides))


def _sorted(problems: list[Problem]) -> list[Problem]:
    """By file (scenario.yaml, forecasts.csv, effort.csv), then line or row; problems without one last."""
    def key(ip):
        i, p = ip
        n = p.line or p.row
        return (_FILE_ORDER.get(p.file, -1), n is None, n or 0, i)

    out, seen = [], set()
    for _, p in sorted(enumerate(problems), key=key):
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


# --------------------------------------------------------------------------- cross-checks


def _d(x) -> dict:
    return x if isinstance(x, dict) else {}


def _l(x) -> list:
    return x if isinstance(x, list) else []


def _names(items) -> tuple[list, bool]:
    """Names of the mappings of a list, and whether every item has a text name."""
    names = [i.get("name") if isinstance(i, dict) else None for i in _l(items)]
    return names, isinstance(items, list) and all(isinstance(n, str) for n in names)


def _one_of(word, choices) -> str:
    s = _did_you_mean(word, choices)
    return f"did you mean '{s}'?" if s else f"use one of {', '.join(map(str, choices))}"


def _peer_relative(rule: dict) -> bool:
    kind = rule.get("kind")
    if not isinstance(kind, str):
        return False
    return kind in PEER_RELATIVE or (kind == "vs_average" and rule.get("reference", "class") == "class")


def _cross_check(data: dict, ftab: _Table, etab: _Table, lines) -> list[Problem]:
    """Names that refer to each other: checked on the raw data, so that they are found even when
    the schema check fails elsewhere. A check is skipped when what it relies on is malformed
    (the schema check reports that)."""
    P: list[Problem] = []
    Y = SCENARIO_FILE

    def yp(loc, msg):
        ln = _line_of(lines, loc) if lines is not None else None
        P.append(Problem(Y, f"line {ln}" if ln else "", _field_path(loc, data), msg))

    cl = data.get("counties")
    counties, counties_ok = _names(cl)
    for i, c in enumerate(counties):
        if isinstance(c, str) and c in counties[:i]:
            first = _line_of(lines, ("counties", counties.index(c), "name"))
            yp(("counties", i, "name"), f"duplicate county '{c}'" + (f" (first on line {first})" if first else "")
               + ": list each county once")
    home = _d(data.get("scenario")).get("home")
    if counties_ok and isinstance(home, str) and home not in counties:
        yp(("scenario", "home"), f"home county '{home}' is not among the counties: {_one_of(home, counties)}")
    home_item = next((c for c in _l(cl) if isinstance(c, dict) and c.get("name") == home), None)
    if home_item is not None and isinstance(home_item.get("peer_class"), str):
        rivals = [c for c in _l(cl) if isinstance(c, dict) and c.get("peer_class") == home_item["peer_class"]]
        if len(rivals) < 2:
            yp(("counties",), f"the home county's peer class '{home_item['peer_class']}' has no rival: add rivals of that class")

    al = _l(data.get("assessments"))
    anames, anames_ok = _names(data.get("assessments"))
    ind_home: dict[str, tuple] = {}  # indicator name -> loc of its first definition
    all_inds_ok = bool(al)  # every indicator of every assessment is known by name
    kinds: dict[str, dict] = {}
    per_assessment: list[tuple[str, list[tuple[str, dict]]]] = []
    for ai, a in enumerate(al):
        if not isinstance(a, dict):
            all_inds_ok = False
            continue
        aname = a.get("name")
        if isinstance(aname, str) and aname in anames[:ai]:
            yp(("assessments", ai, "name"), f"duplicate assessment '{aname}': each assessment once")
        blocks, blocks_ok = _names(a.get("blocks"))
        pools, pools_ok = _names(a.get("pools", []))
        for bi, b in enumerate(_l(a.get("blocks"))):
            if not isinstance(b, dict):
                continue
            if isinstance(b.get("name"), str) and b["name"] in blocks[:bi]:
                yp(("assessments", ai, "blocks", bi, "name"), f"duplicate block '{b['name']}': each block once")
            pool = b.get("pool")
            if pools_ok and isinstance(pool, str) and pool not in pools:
                yp(("assessments", ai, "blocks", bi, "pool"), f"unknown pool '{pool}': "
                   + (_one_of(pool, pools) if pools else "define it under 'pools'"))
            cap, floor = b.get("cap"), b.get("floor")
            if all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (cap, floor)) and cap < floor:
                yp(("assessments", ai, "blocks", bi, "cap"), f"cap ({cap}) is below floor ({floor}): swap them")
        inds = _l(a.get("indicators"))
        if not isinstance(a.get("indicators"), list):
            all_inds_ok = False
        names_here: list[tuple[str, dict]] = []
        for ii, ind in enumerate(inds):
            if not isinstance(ind, dict) or not isinstance(ind.get("name"), str):
                all_inds_ok = False
                continue
            loc = ("assessments", ai, "indicators", ii)
            name = ind["name"]
            rule = _d(ind.get("rule"))
            if name in ind_home:
                first = _line_of(lines, ind_home[name] + ("name",)) if lines is not None else None
                yp(loc + ("name",), f"duplicate indicator '{name}'" + (f" (first on line {first})" if first else "")
                   + ": indicator names must be unique; rename or remove one")
            else:
                ind_home[name] = loc
                kinds[name] = rule
            names_here.append((name, rule))
            block = ind.get("block")
            if blocks_ok and isinstance(block, str) and block not in blocks:
                yp(loc + ("block",), f"unknown block '{block}': {_one_of(block, blocks)}")
            opool = _d(rule.get("over")).get("pool") if rule.get("kind") == "threshold" else None
            if blocks_ok and isinstance(opool, str) and opool not in blocks:
                yp(loc + ("rule", "over", "pool"), f"unknown block '{opool}': {_one_of(opool, blocks)}")
        per_assessment.append((aname, names_here))
        inames = [n for n, _ in names_here]
        inds_ok = all(isinstance(i, dict) and isinstance(i.get("name"), str) for i in inds)
        levels = _l(_d(a.get("grades")).get("levels"))
        gnames = [g.get("grade") for g in levels if isinstance(g, dict)]
        gnames_ok = bool(levels) and all(isinstance(g, str) for g in gnames)
        for vi, v in enumerate(_l(a.get("vetoes", []))):
            if not isinstance(v, dict):
                continue
            vloc = ("assessments", ai, "vetoes", vi)
            vind = v.get("indicator")
            if inds_ok and isinstance(vind, str) and vind not in inames:
                yp(vloc + ("indicator",), f"unknown indicator '{vind}' in assessment '{aname}': {_one_of(vind, inames)}")
            elif isinstance(vind, str) and v.get("when", "misses_basic") == "misses_basic":
                vrule = dict(names_here).get(vind, {})
                if vrule and vrule.get("kind") != "threshold":
                    yp(vloc + ("when",) if "when" in v else vloc + ("indicator",),
                       f"misses_basic needs a threshold indicator ('{vind}' is {vrule.get('kind')}): use when: below/above with a value")
            g = v.get("grade")
            if gnames_ok and isinstance(g, str) and g not in gnames:
                yp(vloc + ("grade",), f"unknown grade '{g}': {_one_of(g, gnames)}")
        prom = _d(a.get("promotion")).get("indicator")
        if inds_ok and isinstance(prom, str) and prom not in inames:
            yp(("assessments", ai, "promotion", "indicator"), f"unknown indicator '{prom}': {_one_of(prom, inames)}")
    for ci, c in enumerate(_l(cl)):
        for an in _d(_d(c).get("totals")):
            if anames_ok and an not in anames:
                yp(("counties", ci, "totals", an), f"unknown assessment '{an}': {_one_of(an, anames)}")

    # forecasts
    F = FORECASTS_FILE
    seen: dict[tuple, int] = {}
    for row, f in ftab.rows:
        if counties_ok and f.county not in counties:
            P.append(Problem(F, f"row {row}", "county", f"unknown county '{f.county}': {_one_of(f.county, counties)}"))
        if all_inds_ok and f.indicator not in ind_home:
            P.append(Problem(F, f"row {row}", "indicator", f"unknown indicator '{f.indicator}': {_one_of(f.indicator, list(ind_home))}"))
        key = (f.county, f.indicator)
        if key in seen:
            P.append(Problem(F, f"row {row}", "indicator", f"duplicate forecast for {f.county}/{f.indicator} "
                             f"(first on row {seen[key]}): keep one"))
        seen.setdefault(key, row)
    covered = set(seen) | {(d.get("county"), d.get("indicator")) for _, d in ftab.bad}
    if ftab.usable and counties_ok and all_inds_ok and anames_ok:
        for c in _l(cl):
            for aname, names_here in per_assessment:
                missing = [n for n, _ in names_here if (c["name"], n) not in covered]
                if not missing:
                    continue
                shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
                if c["name"] == home:
                    P.append(Problem(F, "", "", f"home county {home} has no forecast for {shown}: add rows"))
                elif aname not in _d(c.get("totals")):
                    P.append(Problem(F, "", "", f"{c['name']} has no forecast for {len(missing)} indicator(s) of {aname} "
                                     f"({shown}) and no total forecast: add rows, or 'totals' for the county in scenario.yaml"))
                else:
                    peer = [n for n, r in names_here if n in missing and _peer_relative(r)]
                    if peer:
                        P.append(Problem(F, "", "", f"{c['name']} needs forecasts for the class-relative indicator(s) "
                                         f"{', '.join(peer)} of {aname}: add rows"))

    # effort
    E = EFFORT_FILE
    last: dict[str, tuple[float, float, int]] = {}
    for row, e in etab.rows:
        if all_inds_ok and e.indicator not in ind_home:
            P.append(Problem(E, f"row {row}", "indicator", f"unknown indicator '{e.indicator}': {_one_of(e.indicator, list(ind_home))}"))
            continue
        if e.indicator in last:
            up, cost, prow = last[e.indicator]
            if e.upto <= up:
                P.append(Problem(E, f"row {row}", "upto", f"segments of {e.indicator} must grow: upto {e.upto} after {up} "
                                 f"(row {prow}): order the rows by upto"))
            if e.cost < cost:
                P.append(Problem(E, f"row {row}", "cost", f"the cost curve of {e.indicator} must be convex: cost per unit {e.cost} "
                                 f"after {cost} (row {prow}); each segment must cost at least as much per unit as the one before"))
        last[e.indicator] = (e.upto, e.cost, row)
    depts = {i.get("department") for a in al if isinstance(a, dict) for i in _l(a.get("indicators"))
             if isinstance(i, dict) and isinstance(i.get("department"), str)}
    if all_inds_ok:
        for d in _d(_d(data.get("effort")).get("departments")):
            if d not in depts:
                known = sorted(x for x in depts if isinstance(x, str))
                yp(("effort", "departments", d), f"no indicator is led by '{d}': "
                   + (_one_of(d, known) if known else "set 'department' on the indicators it leads"))
    return P

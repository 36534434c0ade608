"""Load and validate a scenario folder; every problem is gathered, none raises a traceback.

``load_scenario(path)`` returns a :class:`Scenario` or raises :class:`ScenarioError` whose
``problems`` list names, for each problem, the file, the line (YAML) or row (CSV), the field
and what to do about it.
"""
from __future__ import annotations

import copy
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from .schema import (
    PEER_RELATIVE,
    Assessment,
    EffortRow,
    ForecastRow,
    Indicator,
    ScenarioFile,
    Threshold,
    VsAverage,
)

SCENARIO_FILE = "scenario.yaml"
FORECASTS_FILE = "forecasts.csv"
EFFORT_FILE = "effort.csv"


@dataclass(frozen=True)
class Problem:
    file: str
    where: str  # "line 12", "row 4", or ""
    field: str
    message: str

    def __str__(self) -> str:
        place = ":".join(p for p in (self.file, self.where.replace("line ", "").replace("row ", "row ")) if p)
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


# --------------------------------------------------------------------------- YAML with line numbers


def _yaml_lines(text: str):
    """Compose the YAML node tree so that a pydantic error path can be mapped to a line."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None


def _line_of(node, loc: tuple) -> int | None:
    line = None
    for key in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if k.value == key:
                    line = k.start_mark.line + 1
                    nxt = v
                    break
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            # discriminated-union tags and the like: stay on the current node
            continue
    if node is not None:
        line = node.start_mark.line + 1 if line is None else line
    return line


def _field_path(loc: tuple, data) -> str:
    """A readable path: indicators[外贸自营出口].rule.basic rather than indicators.3.rule.threshold.basic."""
    parts: list[str] = []
    cur = data
    for key in loc:
        if isinstance(key, int):
            name = None
            if isinstance(cur, list) and key < len(cur) and isinstance(cur[key], dict):
                name = cur[key].get("name") or cur[key].get("grade")
            parts.append(f"[{name}]" if name else f"[{key}]")
            cur = cur[key] if isinstance(cur, list) and key < len(cur) else None
        else:
            if isinstance(cur, dict) and key in cur:
                parts.append(("." if parts else "") + str(key))
                cur = cur[key]
            elif isinstance(cur, dict):
                # a tag pydantic adds (the union member's name): not a key of the file
                if key in ("threshold", "binary", "ratio", "base_step", "bands", "efficacy", "best_ratio",
                           "rank_points", "vs_average", "growth_bonus", "survey", "per_event", "function-after"):
                    continue
                parts.append(("." if parts else "") + str(key))
                cur = None
            else:
                parts.append(("." if parts else "") + str(key))
    return "".join(parts)


_HINTS = {
    "missing": "add this field",
    "extra_forbidden": "remove this key (misspelt? see scenarios/schema.json for the allowed keys)",
    "float_parsing": "write a number",
    "int_parsing": "write a whole number",
    "union_tag_invalid": "use one of the listed rule kinds",
    "union_tag_not_found": "add 'kind:' with one of the rule kinds",
    "literal_error": "use one of the allowed words",
    "greater_than": "use a larger number",
    "greater_than_equal": "use a larger number",
    "less_than_equal": "use a smaller number",
}


def _pydantic_problems(err: ValidationError, file: str, data, lines=None, row: int | None = None) -> list[Problem]:
    out = []
    for e in err.errors():
        loc = tuple(e["loc"])
        msg = e["msg"].removeprefix("Value error, ")
        hint = _HINTS.get(e["type"])
        if hint and hint not in msg:
            msg = f"{msg}; {hint}"
        if row is not None:
            where = f"row {row}"
        else:
            ln = _line_of(lines, loc) if lines is not None else None
            where = f"line {ln}" if ln else ""
        out.append(Problem(file, where, _field_path(loc, data), msg))
    return out


# --------------------------------------------------------------------------- reading files


def _read_text(path: Path, problems: list[Problem], required: bool = True) -> str | None:
    if not path.exists():
        if required:
            problems.append(Problem(path.name, "", "", f"file is missing: create {path.name} in the scenario folder"))
        return None
    if path.is_dir():
        problems.append(Problem(path.name, "", "", "is a folder, expected a file"))
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(path.name, f"line {line}", "", "is not UTF-8 text: save the file as UTF-8 (Excel: 'CSV UTF-8')"))
        return None
    if not text.strip():
        problems.append(Problem(path.name, "", "", "file is empty"))
        return None
    return text


def _read_csv(text: str, file: str, model, problems: list[Problem]) -> list[tuple[int, object]]:
    reader = csv.DictReader(io.StringIO(text))
    fields = reader.fieldnames or []
    allowed = set(model.model_fields)
    unknown = [f for f in fields if f not in allowed]
    for f in unknown:
        problems.append(Problem(file, "line 1", f, f"unknown column: remove it or use one of {sorted(allowed)}"))
    required = [n for n, f in model.model_fields.items() if f.is_required()]
    for f in required:
        if f not in fields:
            problems.append(Problem(file, "line 1", f, "required column is missing: add it"))
    if unknown or any(f not in fields for f in required):
        return []
    rows = []
    for i, rec in enumerate(reader, start=2):
        if None in rec:
            problems.append(Problem(file, f"row {i}", "", "more cells than header columns: remove the extra cells"))
            continue
        data = {k: v.strip() for k, v in rec.items() if v is not None and v.strip() != ""}
        if not data:
            continue
        for k in ("assumption",):
            if k in data:
                data[k] = data[k].lower() in ("true", "1", "yes", "是", "y")
        try:
            rows.append((i, model.model_validate(data)))
        except ValidationError as err:
            problems.extend(_pydantic_problems(err, file, data, row=i))
    return rows


def read_scenario_dict(path: Path) -> tuple[dict | None, list[Problem], object]:
    problems: list[Problem] = []
    text = _read_text(path / SCENARIO_FILE, problems)
    if text is None:
        return None, problems, None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        problems.append(Problem(SCENARIO_FILE, where, "", f"is not valid YAML: {getattr(exc, 'problem', exc)}"))
        return None, problems, None
    if not isinstance(data, dict):
        problems.append(Problem(SCENARIO_FILE, "line 1", "", "must be a mapping with keys scenario, counties, assessments, …"))
        return None, problems, None
    return data, problems, _yaml_lines(text)


def load_scenario(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read, validate and cross-check a scenario folder (or its scenario.yaml).

    ``overrides`` names overrides of the scenario to apply, in order, before validation."""
    path = Path(path)
    if path.is_file() and path.name == SCENARIO_FILE:
        path = path.parent
    if not path.exists():
        raise ScenarioError([Problem(str(path), "", "", "no such scenario folder")])
    data, problems, lines = read_scenario_dict(path)
    if data is None:
        raise ScenarioError(problems)
    ftext = _read_text(path / FORECASTS_FILE, problems)
    etext = _read_text(path / EFFORT_FILE, problems, required=False)
    return build_scenario(data, ftext, etext, path=path, overrides=overrides, problems=problems, lines=lines)


def build_scenario(data: dict, forecasts_text: str | None, effort_text: str | None, *, path: Path | None = None,
                   overrides=(), problems: list[Problem] | None = None, lines=None) -> Scenario:
    """Validate an in-memory scenario (YAML as a dict, the CSV tables as text)."""
    problems = list(problems or [])
    raw = copy.deepcopy(data)
    frows = _read_csv(forecasts_text, FORECASTS_FILE, ForecastRow, problems) if forecasts_text else []
    erows = _read_csv(effort_text, EFFORT_FILE, EffortRow, problems) if effort_text else []
    from .overrides import apply_overrides, check_declared  # local: overrides needs the raw structures

    problems.extend(check_declared(data, frows, erows, skip=overrides))
    if overrides:
        data, frows, erows, oprob = apply_overrides(data, frows, erows, overrides)
        problems.extend(oprob)
        lines = None  # line numbers no longer match the file
    try:
        spec = ScenarioFile.model_validate(data)
    except ValidationError as err:
        problems.extend(_pydantic_problems(err, SCENARIO_FILE, data, lines))
        raise ScenarioError(problems)
    problems.extend(_cross_check(spec, frows, erows, lines))
    if problems:
        raise ScenarioError(problems)
    return Scenario(spec, tuple(r for _, r in frows), tuple(r for _, r in erows), path, raw, tuple(overrides))


# --------------------------------------------------------------------------- cross-checks


def _cross_check(spec: ScenarioFile, frows, erows, lines) -> list[Problem]:
    P: list[Problem] = []
    Y = SCENARIO_FILE

    def yp(loc, fieldname, msg):
        ln = _line_of(lines, loc) if lines is not None else None
        P.append(Problem(Y, f"line {ln}" if ln else "", fieldname, msg))

    counties = [c.name for c in spec.counties]
    for i, c in enumerate(counties):
        if c in counties[:i]:
            yp(("counties", i, "name"), f"counties[{c}]", "duplicate county: each county once")
    if spec.scenario.home not in counties:
        yp(("scenario", "home"), "scenario.home", f"home county '{spec.scenario.home}' is not in counties {counties}")
    home_class = next((c.peer_class for c in spec.counties if c.name == spec.scenario.home), None)
    if home_class is not None and sum(c.peer_class == home_class for c in spec.counties) < 2:
        yp(("counties",), "counties", f"the home county's peer class '{home_class}' has no rival: add rivals")

    names_all: dict[str, str] = {}
    anames = [a.name for a in spec.assessments]
    for ai, a in enumerate(spec.assessments):
        if a.name in anames[:ai]:
            yp(("assessments", ai, "name"), f"assessments[{a.name}]", "duplicate assessment name")
        blocks = [b.name for b in a.blocks]
        pools = [p.name for p in a.pools]
        for bi, b in enumerate(a.blocks):
            if b.name in blocks[:bi]:
                yp(("assessments", ai, "blocks", bi), f"blocks[{b.name}]", "duplicate block name")
            if b.pool is not None and b.pool not in pools:
                yp(("assessments", ai, "blocks", bi, "pool"), f"blocks[{b.name}].pool", f"unknown pool '{b.pool}': one of {pools}")
            if b.cap is not None and b.floor is not None and b.cap < b.floor:
                yp(("assessments", ai, "blocks", bi), f"blocks[{b.name}]", "cap is below floor")
        for ii, ind in enumerate(a.indicators):
            loc = ("assessments", ai, "indicators", ii)
            where = f"assessments[{a.name}].indicators[{ind.name}]"
            if ind.name in names_all:
                yp(loc + ("name",), where, f"duplicate indicator (also in {names_all[ind.name]}): names must be unique")
            names_all.setdefault(ind.name, a.name)
            if ind.block not in blocks:
                yp(loc + ("block",), where + ".block", f"unknown block '{ind.block}': one of {blocks}")
            r = ind.rule
            if isinstance(r, Threshold) and r.over is not None and r.over.pool is not None and r.over.pool not in blocks:
                yp(loc + ("rule", "over", "pool"), where + ".rule.over.pool", f"unknown block '{r.over.pool}': one of {blocks}")
            if ind.department is None and spec.scenario.home:
                pass
        gnames = a.grades.names
        for vi, v in enumerate(a.vetoes):
            if v.indicator not in [i.name for i in a.indicators]:
                yp(("assessments", ai, "vetoes", vi, "indicator"), f"vetoes[{v.name}].indicator",
                   f"unknown indicator '{v.indicator}' in assessment {a.name}")
            elif v.when == "misses_basic" and not isinstance(a.indicators[[i.name for i in a.indicators].index(v.indicator)].rule, Threshold):
                yp(("assessments", ai, "vetoes", vi, "when"), f"vetoes[{v.name}].when",
                   "misses_basic needs a threshold indicator: use below/above with a value")
            if v.grade is not None and v.grade not in gnames:
                yp(("assessments", ai, "vetoes", vi, "grade"), f"vetoes[{v.name}].grade", f"unknown grade '{v.grade}': one of {gnames}")
        if a.promotion is not None and a.promotion.indicator not in [i.name for i in a.indicators]:
            yp(("assessments", ai, "promotion", "indicator"), "promotion.indicator", f"unknown indicator '{a.promotion.indicator}'")
        for ci, c in enumerate(spec.counties):
            for an in c.totals:
                if an not in anames:
                    yp(("counties", ci, "totals", an), f"counties[{c.name}].totals", f"unknown assessment '{an}': one of {anames}")

    # forecasts
    F = FORECASTS_FILE
    seen: dict[tuple[str, str], int] = {}
    for row, f in frows:
        if f.county not in counties:
            P.append(Problem(F, f"row {row}", "county", f"unknown county '{f.county}': one of {counties}"))
        if f.indicator not in names_all:
            P.append(Problem(F, f"row {row}", "indicator", f"unknown indicator '{f.indicator}'"))
        key = (f.county, f.indicator)
        if key in seen:
            P.append(Problem(F, f"row {row}", "indicator", f"duplicate forecast for {f.county}/{f.indicator} (first on row {seen[key]})"))
        seen.setdefault(key, row)
    by_assessment = {a.name: a for a in spec.assessments}
    for c in spec.counties:
        for a in spec.assessments:
            missing = [i.name for i in a.indicators if (c.name, i.name) not in seen]
            if not missing:
                continue
            if c.name == spec.scenario.home:
                P.append(Problem(F, "", "", f"home county {c.name} has no forecast for {missing[:5]}{' …' if len(missing) > 5 else ''}: add rows"))
            elif a.name not in c.totals:
                P.append(Problem(F, "", "", f"{c.name} has no forecast for {len(missing)} indicator(s) of {a.name} and no total forecast: "
                                 "add rows, or 'totals' for the county in scenario.yaml"))
            else:
                peer = [i.name for i in a.indicators if i.name in missing and _peer_relative(i)]
                if peer:
                    P.append(Problem(F, "", "", f"{c.name} needs forecasts for the class-relative indicator(s) {peer} of {a.name}"))
    _ = by_assessment

    # effort
    E = EFFORT_FILE
    last: dict[str, tuple[float, float]] = {}
    for row, e in erows:
        if e.indicator not in names_all:
            P.append(Problem(E, f"row {row}", "indicator", f"unknown indicator '{e.indicator}'"))
            continue
        if e.indicator in last:
            up, cost = last[e.indicator]
            if e.upto <= up:
                P.append(Problem(E, f"row {row}", "upto", f"segments must grow: {e.upto} after {up}"))
            if e.cost < cost:
                P.append(Problem(E, f"row {row}", "cost", f"the cost curve must be convex: cost per unit {e.cost} after {cost}"))
        last[e.indicator] = (e.upto, e.cost)
    depts = {i.department for a in spec.assessments for i in a.indicators if i.department}
    for d in spec.effort.departments:
        if d not in depts:
            yp(("effort", "departments", d), f"effort.departments[{d}]", f"no indicator is led by '{d}'")
    return P


def _peer_relative(ind: Indicator) -> bool:
    return ind.rule.kind in PEER_RELATIVE or (isinstance(ind.rule, VsAverage) and ind.rule.reference == "class")


_ = re

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
3. cross-references (blocks, indicators, counties, grades, forecasts, effort curves; and in
   :mod:`models.owntables` the counties' own targets, survey counts, ``value_of`` and the targets
   of conditions), which are checked on the raw data too, so that they are reported even when
   pass 2 fails.

The pieces live in their own modules: :mod:`models.reading` (files), :mod:`models.locate`
(lines, field paths, messages), :mod:`models.crosscheck` (names that refer to each other),
:mod:`models.overrides` (named what-ifs) and :mod:`models.problems` (a located problem).
"""
from __future__ import annotations

import contextlib
import copy
import gc
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from .crosscheck import cross_check, total_points_problems
from .i18n import _
from .owntables import check_own_tables
from .locate import describe, not_finite, pydantic_problems
from .overrides import apply_overrides, check_declared
from .problems import (
    ACTUALS_FILE,
    EFFORT_FILE,
    FORECASTS_FILE,
    SCENARIO_FILE,
    SURVEYS_FILE,
    TARGETS_FILE,
    Problem,
    ScenarioError,
    sorted_problems,
)
from .reading import Table, read_csv, read_scenario_dict, read_text
from .schema import ActualRow, Assessment, EffortRow, ForecastRow, Indicator, ScenarioFile, SurveyRow, TargetRow
from .tracking import YearEnd, forecast_rows, year_ends

__all__ = ["Scenario", "Problem", "ScenarioError", "load_scenario", "build_scenario", "with_patches", "read_scenario_dict",
           "SCENARIO_FILE", "FORECASTS_FILE", "EFFORT_FILE", "ACTUALS_FILE"]


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: the YAML model, its forecast and effort rows, and where it lives.

    ``forecasts`` holds the rows of forecasts.csv, then one row per (county, indicator) projected
    from this year's actuals that forecasts.csv does not give (models.tracking); ``year_ends``
    every projection, used or overridden by hand."""

    spec: ScenarioFile
    forecasts: tuple[ForecastRow, ...]
    effort_rows: tuple[EffortRow, ...]
    path: Path | None = None
    raw: dict = field(default_factory=dict, repr=False, compare=False)
    applied: tuple[str, ...] = ()
    actuals: tuple[ActualRow, ...] = ()
    year_ends: tuple[YearEnd, ...] = ()
    target_rows: tuple[TargetRow, ...] = ()
    survey_rows: tuple[SurveyRow, ...] = ()

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


def load_scenario(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read, validate and cross-check a scenario folder (or its scenario.yaml).

    ``overrides`` names overrides of the scenario to apply, in order, before validation.
    Raises :class:`ScenarioError` listing every problem found."""
    try:
        with _collector_paused():
            return _load(Path(path), overrides)
    except ScenarioError:
        raise
    except Exception as exc:  # noqa: BLE001 - a loader bug must still reach the user as a message, not a traceback
        raise ScenarioError([Problem(str(path), "", "", _("internal error while reading the scenario ({error}): please "
                                                          "report it with the scenario attached").format(
            error=f"{type(exc).__name__}: {exc}"))]) from exc


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector paused while a scenario is read: reading builds some fifteen
    objects per indicator that all live on, and the collector, walking them again and again as they
    grew, took 60 % of the time to validate 10 000 indicators (benchmarks/bench_validate.py)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _load(path: Path, overrides) -> Scenario:
    if path.is_file() and path.name == SCENARIO_FILE:
        path = path.parent
    if not path.exists():
        raise ScenarioError([Problem(str(path), "", "", _("no such scenario folder: give the folder that holds scenario.yaml"))])
    if not path.is_dir():
        raise ScenarioError([Problem(str(path), "", "", _("is a file: give the scenario folder (or its scenario.yaml)"))])
    data, problems, lines = read_scenario_dict(path)
    ftext = read_text(path / FORECASTS_FILE, problems)
    etext = read_text(path / EFFORT_FILE, problems, required=False)
    atext = read_text(path / ACTUALS_FILE, problems, required=False)
    ttext = read_text(path / TARGETS_FILE, problems, required=False)
    stext = read_text(path / SURVEYS_FILE, problems, required=False)
    if data is None:  # still read the tables, so that their problems are reported too
        for text, file, model in ((ftext, FORECASTS_FILE, ForecastRow), (etext, EFFORT_FILE, EffortRow),
                                  (atext, ACTUALS_FILE, ActualRow), (ttext, TARGETS_FILE, TargetRow),
                                  (stext, SURVEYS_FILE, SurveyRow)):
            if text:
                read_csv(text, file, model, problems)
        raise ScenarioError(sorted_problems(problems))
    return build_scenario(data, ftext, etext, actuals_text=atext, path=path, overrides=overrides, problems=problems,
                          lines=lines, strict=True, targets_text=ttext, surveys_text=stext)


def build_scenario(data: dict, forecasts_text: str | None, effort_text: str | None, *, actuals_text: str | None = None,
                   path: Path | None = None, overrides=(), problems: list[Problem] | None = None, lines=None,
                   strict: bool = False, targets_text: str | None = None, surveys_text: str | None = None) -> Scenario:
    """Validate an in-memory scenario (YAML as a dict, the CSV tables as text; ``actuals_text``
    the optional monthly actuals, ``targets_text`` and ``surveys_text`` the optional targets.csv
    and surveys.csv).

    ``strict`` refuses what YAML would otherwise slip through (true for a number, 2024.0 for a
    year); :func:`load_scenario` sets it."""
    problems = list(problems or [])
    if not isinstance(data, dict):
        raise ScenarioError(problems + [Problem(SCENARIO_FILE, "", "", _("must be a mapping, found {value}").format(
            value=describe(data)))])
    raw = copy.deepcopy(data)
    has_table_problem = {p.file for p in problems}
    ftab = (read_csv(forecasts_text, FORECASTS_FILE, ForecastRow, problems) if forecasts_text
            else Table(usable=FORECASTS_FILE not in has_table_problem))
    etab = read_csv(effort_text, EFFORT_FILE, EffortRow, problems) if effort_text else Table()
    atab = read_csv(actuals_text, ACTUALS_FILE, ActualRow, problems) if actuals_text else Table()
    ttab = read_csv(targets_text, TARGETS_FILE, TargetRow, problems) if targets_text else Table()
    stab = read_csv(surveys_text, SURVEYS_FILE, SurveyRow, problems) if surveys_text else Table()
    frows, erows = ftab.rows, etab.rows
    problems.extend(check_declared(data, frows, erows, skip=overrides))  # every declared override must fit
    problems.extend(total_points_problems(data, lines))  # on the scenario as written, before overrides
    if overrides:
        data, frows, erows, oprob = apply_overrides(data, frows, erows, overrides)
        problems.extend(oprob)
        lines = None  # line numbers no longer match the file
        ftab = Table(list(frows), ftab.bad, ftab.usable)
        etab = Table(list(erows), etab.bad, etab.usable)
    clean, bad_numbers = not_finite(data, lines)
    problems.extend(bad_numbers)
    spec = None
    try:
        spec = ScenarioFile.model_validate(clean, strict=strict)
    except ValidationError as err:
        problems.extend(pydantic_problems(err, SCENARIO_FILE, clean, lines))
    if isinstance(data, dict):
        problems.extend(cross_check(data, ftab, etab, lines, atab))
        problems.extend(check_own_tables(data, ftab, etab, ttab, stab, lines, atab))
    if problems or spec is None:
        raise ScenarioError(sorted_problems(problems))
    hand = tuple(r for _, r in frows)
    actuals = tuple(r for _, r in atab.rows)
    ends = year_ends(spec, actuals, hand)
    return Scenario(spec, hand + forecast_rows(e for e in ends if not e.hand), tuple(r for _, r in erows), path, raw,
                    tuple(overrides), actuals, ends, tuple(r for _, r in ttab.rows), tuple(r for _, r in stab.rows))


def with_patches(scn: Scenario, patches, label: str) -> Scenario:
    """``scn`` with more patches ``[(path, value), …]`` applied on top of its overrides, as an
    override named ``label`` (the paths of ``overrides:``), validated and cross-checked.

    Forecast rows (those projected from actuals included) change only where a patch names one, so
    draws of the result are those of ``scn`` elsewhere (common random numbers); the actuals and their
    projections, the per-county targets and the survey counts are kept as they are. Raises :class:`ScenarioError` when a patch does not fit."""
    data = copy.deepcopy(scn.raw)
    declared = dict(data.get("overrides") or {})
    declared[label] = {"description": "patches applied by kaoping", "set": [{"path": p, "value": v} for p, v in patches]}
    data["overrides"] = declared
    frows = [(k + 2, r) for k, r in enumerate(scn.forecasts)]
    erows = [(k + 2, r) for k, r in enumerate(scn.effort_rows)]
    names = list(scn.applied) + [label]
    patched, frows, erows, problems = apply_overrides(data, frows, erows, names)
    clean, bad = not_finite(patched, None)
    problems.extend(bad)
    spec = None
    try:
        spec = ScenarioFile.model_validate(clean)
    except ValidationError as err:
        problems.extend(pydantic_problems(err, SCENARIO_FILE, clean, None))
    atab = Table([(k + 2, r) for k, r in enumerate(scn.actuals)])
    ttab = Table([(k + 2, r) for k, r in enumerate(scn.target_rows)])
    stab = Table([(k + 2, r) for k, r in enumerate(scn.survey_rows)])
    problems.extend(cross_check(patched, Table(list(frows)), Table(list(erows)), None, atab))
    problems.extend(check_own_tables(patched, Table(list(frows)), Table(list(erows)), ttab, stab, None, atab))
    if problems or spec is None:
        raise ScenarioError(sorted_problems(problems))
    return Scenario(spec, tuple(r for _, r in frows), tuple(r for _, r in erows), scn.path, data, tuple(names),
                    scn.actuals, scn.year_ends, scn.target_rows, scn.survey_rows)

"""The corpus of broken inputs: each case builds its input in a fresh folder and says what kaoping must
answer. Built by code from two sound inputs, ``tests/data/tiny`` (a scenario folder) and
``scenarios/template.xlsx`` (a planner's workbook), with one fault each, in families:

- ``csv``: forecasts.csv and effort.csv (cells, quotes, columns, encodings, forecast rules);
- ``yaml``: scenario.yaml (types, ranges, keys, syntax, aliases, keys that would have no effect,
  names that refer to each other);
- ``excel``: the workbook (cells, percentages, formulas, merges, words, sheets, YAML cells);
- ``cli``: command-line arguments (numbers, names, memory, paths that exist or cannot be written);
- ``run``: run folders and manifests given to ``reproduce`` and ``report``.

A :class:`Case` expects exit 2 (3 for an infeasible request) and fragments of stderr: the file (or
argument), the place (line, row, cell, field) and what to do. A :class:`Number` is an input that
used to give a silent wrong number: it asserts the number read correctly.

Line and row numbers below were read off the files (``cat -n tests/data/tiny/scenario.yaml``):
scenario.yaml lines 3 year, 4 elapsed, 14 total_points, 19–23 exports (22 points, 23 rule),
24–29 energy (28 points, 29 rule), 31–32 grades, 34 budget; forecasts.csv rows 2 A/exports,
3 A/energy, 4 B/exports, 5 B/energy. Template sheet 指标: columns E 分值, I 基本任务, J 满分,
K 基本分比例, U 目标, V 规则参数, Y 预测值; rows 2 地区生产总值增速 (unit %), 3 外贸自营出口 (亿美元),
4 单位GDP能耗, 5 一般公共预算收入. Sheet 县市区数值: D 预测值, E 标准差; row 2 示例县/外贸自营出口,
row 3 甲县/地区生产总值增速.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny"
TEMPLATE = ROOT / "scenarios" / "template.xlsx"
Y, F, E = "scenario.yaml", "forecasts.csv", "effort.csv"
IND = "assessments[main].indicators"
EFFORT_TEXT = "indicator,upto,cost\nexports,0.5,2\nexports,1.0,3\n"


@dataclass(frozen=True)
class Case:
    """``make(folder, world)`` builds the input under ``folder`` and returns the command line."""

    family: str
    name: str
    make: Callable
    says: tuple[str, ...]
    code: int = 2

    @property
    def id(self) -> str:
        return f"{self.family}-{self.name}"


@dataclass(frozen=True)
class Number:
    """``measure(folder, world)`` returns the number an input gives; it must equal ``expected``."""

    name: str
    measure: Callable
    expected: float
    note: str = field(default="")


CASES: list[Case] = []
NUMBERS: list[Number] = []


def case(family: str, name: str, make: Callable, *says: str, code: int = 2) -> None:
    CASES.append(Case(family, name, make, tuple(says), code))


# --------------------------------------------------------------------------- building inputs


def replaced(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"'{old}' must occur once"
    return text.replace(old, new)


def tiny(d: Path, yaml: tuple = (), csv: tuple = (), effort: str | None = None, raw_csv: bytes | None = None) -> Path:
    """A copy of tests/data/tiny under ``d/scn`` with text replacements ((old, new) pairs) applied."""
    s = d / "scn"
    s.mkdir()
    y = (TINY / Y).read_text(encoding="utf-8")
    for old, new in yaml:
        y = replaced(y, old, new)
    (s / Y).write_text(y, encoding="utf-8")
    if raw_csv is not None:
        (s / F).write_bytes(raw_csv)
    else:
        c = (TINY / F).read_text(encoding="utf-8")
        for old, new in csv:
            c = replaced(c, old, new)
        (s / F).write_text(c, encoding="utf-8")
    if effort is not None:
        (s / E).write_text(effort, encoding="utf-8")
    return s


def validating(**kw) -> Callable:
    return lambda d, w: ["validate", str(tiny(d, **kw))]


def workbook(d: Path, edit: Callable) -> Path:
    """A copy of the template workbook, edited with openpyxl and saved (formulas keep no saved value)."""
    from openpyxl import load_workbook

    p = d / "w.xlsx"
    wb = load_workbook(TEMPLATE)
    edit(wb)
    wb.save(p)
    return p


def importing(edit: Callable) -> Callable:
    return lambda d, w: ["import-excel", str(workbook(d, edit)), "-o", str(d / "out")]


def cells(**values) -> Callable:
    """An edit setting cells: ``cells(指标__I3="4%")`` sets sheet 指标 cell I3."""
    def edit(wb):
        for key, v in values.items():
            sheet, ref = key.split("__")
            wb[sheet][ref] = v
    return edit


# --------------------------------------------------------------------------- csv: forecasts.csv, effort.csv

ROWS = {2: "A,exports,normal,4.5,0.2", 3: "A,energy,normal,0.82,0.02", 4: "B,exports,normal,5.2,0.2",
        5: "B,energy,normal,0.75,0.02"}


def _cell(row: int, col: str, value: str) -> tuple:
    county, ind, dist, mean, sd = ROWS[row].split(",")
    parts = {"mean": mean, "sd": sd, "dist": dist}
    parts[col] = value
    return (ROWS[row], ",".join([county, ind, parts["dist"], parts["mean"], parts["sd"]]))


for row in ROWS:
    for col in ("mean", "sd"):
        case("csv", f"text-{col}-row{row}", validating(csv=(_cell(row, col, "约5"),)),
             f"forecasts.csv row {row} [{col}]", "expected a number, found the text '约5'")
    case("csv", f"negative-sd-row{row}", validating(csv=(_cell(row, "sd", "-0.1"),)),
         f"forecasts.csv row {row} [sd]", "must be at least 0, found -0.1")
    case("csv", f"unknown-dist-row{row}", validating(csv=(_cell(row, "dist", "norm"),)),
         f"forecasts.csv row {row} [dist]", "is not allowed: use")
    case("csv", f"unclosed-quote-row{row}", validating(csv=(_cell(row, "mean", '"' + ROWS[row].split(",")[3]),)),
         f"forecasts.csv row {row} [mean]", f"the quote opened on line {row} is not closed", 'close the quote')
for row, bad in ((2, "nan"), (2, "inf"), (3, "-inf"), (4, "NaN"), (5, "1e999")):
    case("csv", f"not-finite-{bad}-row{row}", validating(csv=(_cell(row, "mean", bad),)),
         f"forecasts.csv row {row} [mean]", "is not a finite number: write a number")

NOTED = "county,indicator,dist,mean,sd,note\n" + "".join(f"{r},\n" for r in ROWS.values())
case("csv", "unclosed-quote-in-a-note-swallows-rows",
     lambda d, w: ["validate", str(tiny(d, raw_csv=NOTED.replace("A,exports,normal,4.5,0.2,\n",
                                                                  'A,exports,normal,4.5,0.2,"started\n').encode()))],
     "forecasts.csv row 2 [note]", "the quote opened on line 2", "swallows the next 3 line(s) (lines 3–5)", "close the quote")
case("csv", "unknown-county", validating(csv=(("B,energy,normal,0.75,0.02", "B,energy,normal,0.75,0.02\nQ,energy,normal,1,0.1"),)),
     "forecasts.csv row 6 [county]", "unknown county 'Q': use one of A, B, C")
case("csv", "misspelt-indicator", validating(csv=(("B,energy,", "B,enregy,"),)),
     "forecasts.csv row 5 [indicator]", "unknown indicator 'enregy': did you mean 'energy'?")
case("csv", "duplicate-row", validating(csv=(("B,energy,normal,0.75,0.02", "B,energy,normal,0.75,0.02\nA,exports,normal,4,0.1"),)),
     "forecasts.csv row 6 [indicator]", "duplicate forecast for A/exports (first on row 2): keep one")
case("csv", "extra-cells", validating(csv=(("A,energy,normal,0.82,0.02", "A,energy,normal,0.82,0.02,9"),)),
     "forecasts.csv row 3", "6 cells but 5 columns", "remove the extra cells")
case("csv", "decimal-comma", validating(csv=(("A,energy,normal,0.82,0.02", "A,energy,normal,0,82,0.02"),)),
     "forecasts.csv row 3", "6 cells but 5 columns", "quote a cell that holds a comma")
case("csv", "missing-column", validating(csv=(("county,indicator,dist,mean,sd", "county,dist,mean,sd"),)),
     "forecasts.csv row 1 [indicator]", "required column 'indicator' is missing: add it")
case("csv", "unknown-column", validating(csv=(("county,indicator,dist,mean,sd", "county,indicator,dist,mean,sd,region"),)),
     "forecasts.csv row 1 [region]", "unknown column 'region'")
case("csv", "misspelt-column", validating(csv=(("county,indicator,dist,mean,sd", "county,indicator,dist,maen,sd"),)),
     "forecasts.csv row 1 [maen]", "did you mean 'mean'?")
case("csv", "duplicate-column", validating(csv=(("county,indicator,dist,mean,sd", "county,indicator,dist,mean,mean"),)),
     "forecasts.csv row 1 [mean]", "duplicate column 'mean' (columns 4 and 5): keep one")
case("csv", "empty-file", lambda d, w: ["validate", str(tiny(d, raw_csv=b""))], "forecasts.csv", "file is empty: write the header row")
case("csv", "header-only", lambda d, w: ["validate", str(tiny(d, raw_csv=b"county,indicator,dist,mean,sd\n"))],
     "forecasts.csv", "home county A has no forecast for exports, energy: add rows")
case("csv", "gbk-encoded", lambda d, w: ["validate", str(tiny(d, raw_csv="county,indicator,dist,mean,sd,note\nA,exports,normal,4.5,0.2,出口\n"
                                                                       "A,energy,normal,0.82,0.02,\nB,exports,normal,5.2,0.2,\n"
                                                                       "B,energy,normal,0.75,0.02,\n".encode("gbk")))],
     "forecasts.csv row 2", "is not UTF-8 text (it looks like GBK", "save the file as UTF-8")
case("csv", "rival-row-missing", validating(csv=(("B,energy,normal,0.75,0.02\n", ""),)),
     "forecasts.csv", "B has no forecast for 1 indicator(s) of main (energy) and no total forecast: add rows")
case("csv", "true-false", validating(csv=(("county,indicator,dist,mean,sd", "county,indicator,dist,mean,sd,assumption,note"),
                                          ("A,exports,normal,4.5,0.2", "A,exports,normal,4.5,0.2,perhaps,guess"))),
     "forecasts.csv row 2 [assumption]", "expected true or false, found the text 'perhaps'")
case("csv", "assumed-without-note", validating(csv=(("county,indicator,dist,mean,sd", "county,indicator,dist,mean,sd,assumption"),
                                                    ("A,exports,normal,4.5,0.2", "A,exports,normal,4.5,0.2,true"))),
     "forecasts.csv row 2", "an assumed forecast needs a note")

BOUNDED = "county,indicator,dist,mean,sd,low,likely,high,min,max\n"
for name, row, says in (
    ("normal-mean-below-min", "A,exports,normal,4.5,0.2,,,,5,", ("[mean]", "mean 4.5 lies outside [min, max] = [5.0, None]")),
    ("normal-mean-above-max", "A,exports,normal,4.5,0.2,,,,,4", ("[mean]", "mean 4.5 lies outside [min, max] = [None, 4.0]")),
    ("sd-zero-mean-outside", "A,exports,normal,4.5,0,,,,0,4", ("[mean]", "mean 4.5 lies outside [min, max] = [0.0, 4.0]")),
    ("fixed-mean-outside", "A,exports,fixed,4.5,,,,,5,6", ("[mean]", "mean 4.5 lies outside")),
    ("triangular-likely-outside", "A,exports,triangular,,,3,4,6,4.5,7", ("[likely]", "likely 4 lies outside [min, max] = [4.5, 7.0]")),
    ("pert-range-outside", "A,exports,pert,,,1,2,3,4,", ("[likely]", "likely 2 lies outside [min, max] = [4.0, None]")),
    ("triangular-unordered", "A,exports,triangular,,,5,4,6,,", ("[low]", "need low ≤ likely ≤ high")),
    ("triangular-missing-high", "A,exports,triangular,,,3,4,,,", ("[high]", "needs low, likely and high")),
    ("normal-without-sd", "A,exports,normal,4.5,,,,,,", ("[sd]", "dist 'normal' needs mean and sd")),
    ("bernoulli-probability", "A,exports,bernoulli,1.5,,,,,,", ("[mean]", "a probability in [0, 1]")),
    ("min-not-below-max", "A,exports,normal,4.5,0.2,,,,5,5", ("[min]", "min must be below max")),
    ("idle-triangle-on-normal", "A,exports,normal,4.5,0.2,3,4,6,,", ("[low]", "low, likely, high have no effect with dist 'normal'", "clear them")),
    ("idle-sd-on-fixed", "A,exports,fixed,4.5,0.2,,,,,", ("[sd]", "sd has no effect with dist 'fixed'", "clear it")),
    ("idle-bounds-on-bernoulli", "A,exports,bernoulli,0.5,,,,,0,1", ("[min]", "min, max have no effect with dist 'bernoulli'")),
):
    rest = "".join(",".join(r.split(",") + [""] * 5) + "\n" for r in list(ROWS.values())[1:])
    text = BOUNDED + row + "\n" + rest
    case("csv", name, (lambda t: lambda d, w: ["validate", str(tiny(d, raw_csv=t.encode()))])(text),
         "forecasts.csv row 2", *says)

PCT_UNIT = (("unit: 亿美元", "unit: \"%\""),)
case("csv", "percent-forecast-as-fraction", validating(yaml=PCT_UNIT, csv=(("A,exports,normal,4.5,0.2", "A,exports,normal,0.045,0.002"),)),
     "forecasts.csv row 2 [mean]", "differ about 111×, but the unit is %", "write every value of exports in percent")
case("csv", "percent-targets-as-fractions", validating(yaml=PCT_UNIT + (("basic: 4.0, full: 5.0", "basic: 0.04, full: 0.05"),)),
     "forecasts.csv row 2 [mean]", "forecast 4.5 of exports and its target 0.05 differ about 90×")
for name, text, says in (
    ("effort-not-convex", "indicator,upto,cost\nexports,0.5,3\nexports,1.0,2\n", ("effort.csv row 3 [cost]", "must be convex")),
    ("effort-not-growing", "indicator,upto,cost\nexports,0.5,2\nexports,0.4,3\n", ("effort.csv row 3 [upto]", "order the rows by upto")),
    ("effort-upto-zero", "indicator,upto,cost\nexports,0,2\n", ("effort.csv row 2 [upto]", "must be greater than 0")),
    ("effort-negative-cost", "indicator,upto,cost\nexports,0.5,-2\n", ("effort.csv row 2 [cost]", "must be at least 0")),
    ("effort-unknown-indicator", "indicator,upto,cost\nexport,0.5,2\n", ("effort.csv row 2 [indicator]", "did you mean 'exports'?")),
    ("effort-text", "indicator,upto,cost\nexports,半个,2\n", ("effort.csv row 2 [upto]", "expected a number, found the text '半个'")),
):
    case("csv", name, validating(effort=text), *says)


def _linked(target: str) -> Callable:
    def make(d, w):
        s = tiny(d)
        outside = d / "elsewhere.txt"
        outside.write_text("root:x:0:0:secret\n", encoding="utf-8")
        (s / target).unlink()
        (s / target).symlink_to(outside)
        return ["validate", str(s)]
    return make


case("csv", "forecasts-linked-from-outside", _linked(F), "forecasts.csv", "is a link to a file outside the scenario folder",
     "copy the file into the scenario folder")
case("yaml", "scenario-linked-from-outside", _linked(Y), "scenario.yaml", "is a link to a file outside the scenario folder")


def _folder_for(name: str) -> Callable:
    def make(d, w):
        s = tiny(d)
        (s / name).unlink()
        (s / name).mkdir()
        return ["validate", str(s)]
    return make


case("csv", "forecasts-is-a-folder", _folder_for(F), "forecasts.csv", "is a folder, expected a file")
case("csv", "forecasts-missing", lambda d, w: (lambda s: ((s / F).unlink(), ["validate", str(s)])[1])(tiny(d)),
     "forecasts.csv", "file is missing: create forecasts.csv")


# --------------------------------------------------------------------------- yaml: scenario.yaml

for name, old, new, says in (
    ("year-text", "year: 2024", "year: twenty", ("line 3", "[scenario.year]", "expected a whole number, found the text 'twenty'")),
    ("year-float", "year: 2024", "year: 2024.5", ("line 3", "[scenario.year]", "expected a whole number")),
    ("elapsed-above-one", "elapsed: 0.67", "elapsed: 1.5", ("line 4", "[scenario.elapsed]", "must be at most 1, found 1.5")),
    ("elapsed-percent-text", "elapsed: 0.67", "elapsed: 67%", ("line 4", "[scenario.elapsed]", "expected a number")),
    ("points-negative", "        points: 10\n        rule: {kind: threshold, basic: 4.0",
     "        points: -10\n        rule: {kind: threshold, basic: 4.0", ("line 22", f"[{IND}[exports].points]", "must be greater than 0")),
    ("points-yes", "        direction: lower\n        points: 10", "        direction: lower\n        points: yes",
     ("line 28", f"[{IND}[energy].points]", "expected a number, found true (YAML reads yes")),
    ("basic-nan", "basic: 0.8", "basic: .nan", ("line 29", f"[{IND}[energy].rule.basic]", "nan is not a finite number: write a number")),
    ("basic-inf", "basic: 4.0", "basic: .inf", ("line 23", f"[{IND}[exports].rule.basic]", "is not a finite number")),
    ("basic-quoted", "basic: 4.0", "basic: '4.0'", ("line 23", f"[{IND}[exports].rule.basic]", "write it without quotes")),
    ("basic-share-above-one", "basic: 4.0, full: 5.0,", "basic: 4.0, full: 5.0, basic_share: 1.2,",
     ("line 23", f"[{IND}[exports].rule.basic_share]", "must be at most 1")),
    ("basic-beyond-full", "basic: 4.0, full: 5.0", "basic: 5.0, full: 4.0", ("line 23", "must be below full (4.0)")),
    ("budget-negative", "budget: 10", "budget: -3", ("line 34", "[effort.budget]", "must be at least 0")),
    ("draws-zero", "effort:\n", "simulation: {draws: 0}\neffort:\n", ("line 33", "[simulation.draws]", "must be at least 1, found 0")),
    ("draws-exponent", "effort:\n", "simulation: {draws: 1e9}\neffort:\n", ("line 33", "[simulation.draws]", "expected a whole number, found the text '1e9'")),
    ("seed-negative", "effort:\n", "simulation: {seed: -1}\neffort:\n", ("line 33", "[simulation.seed]", "must be at least 0")),
    ("chunk-float", "effort:\n", "simulation: {chunk: 1000.5}\neffort:\n", ("line 33", "[simulation.chunk]", "expected a whole number")),
    ("shocks-sum", "effort:\n", "simulation: {shocks: {common: 0.7, county: 0.5}}\neffort:\n", ("line 33", "common + county must not exceed 1")),
    ("weight-zero", "- {name: core}", "- {name: core, weight: 0}", ("line 16", "[assessments[main].blocks[core].weight]", "must be greater than 0")),
    ("cap-below-floor", "- {name: bonus, cap: 2}", "- {name: bonus, cap: 2, floor: 3}", ("line 17", "cap (2) is below floor (3): swap them")),
    ("max-rank-zero", "{grade: 一等, max_rank: 1}", "{grade: 一等, max_rank: 0}", ("line 32", "must be at least 1")),
    ("grades-not-decreasing", "{grade: 二等, max_rank: 2}", "{grade: 二等, max_rank: 1}", ("line 32", "must get strictly less demanding")),
    ("tie-break-word", "    total_points: 20", "    total_points: 20\n    tie_break: random", ("line 15", "[assessments[main].tie_break]", "is not allowed: use")),
    ("name-not-ascii", "name: tiny", "name: 小县", ("line 2", "[scenario.name]", "use ASCII letters")),
    ("invalid-date", "year: 2024", "year: 2024-02-30", ("line 3", "cannot be read", "fix the value")),
    ("unknown-rule-kind", "{kind: threshold, basic: 4.0", "{kind: treshold, basic: 4.0", ("line 23", "did you mean 'threshold'?")),
    ("rule-field-of-another-kind", "{kind: threshold, basic: 4.0, full: 5.0, over",
     "{kind: binary, target: 4.0, full: 5.0, over", ("line 23", "unknown key 'full' for rule kind 'binary'", "remove it, or change 'kind'")),
    ("misspelt-key", "elapsed: 0.67", "elapsd: 0.67", ("line 4", "[scenario.elapsd]", "did you mean 'elapsed'?")),
    ("misspelt-points", "        direction: lower\n        points: 10", "        direction: lower\n        pionts: 10",
     ("line 28", f"[{IND}[energy].pionts]", "did you mean 'points'?")),
    ("unknown-key", "    total_points: 20", "    total_points: 20\n    colour: red", ("line 15", "unknown key 'colour'", "remove it")),
    ("missing-year", "  year: 2024\n", "", ("line 1", "[scenario.year]", "required field 'year' is missing: add it")),
    ("missing-block", "        unit: 吨标准煤\n        block: core\n", "        unit: 吨标准煤\n",
     ("line 24", f"[{IND}[energy].block]", "required field 'block' is missing: add it")),
    ("list-for-mapping", "counties:\n  - {name: A, peer_class: k}", "counties:\n  - [A, k]", ("line 7", "[counties[0]]", "expected a mapping")),
    ("number-for-list", "    blocks:\n      - {name: core}\n      - {name: bonus, cap: 2}", "    blocks: 2",
     ("line 15", "[assessments[main].blocks]", "expected a list")),
    ("duplicate-key", "  elapsed: 0.67", "  elapsed: 0.67\n  year: 2025", ("line 5", "duplicate key 'year' (first on line 3): keep one")),
    ("tab-indentation", "  home: A", "\thome: A", ("line 5", "the line is indented with a tab character")),
    ("unclosed-bracket", "- {name: A, peer_class: k}", "- {name: A, peer_class: k", ("line 7", "while parsing a flow", "check the indentation")),
    ("unclosed-quote", "name: tiny", "name: 'tiny", ("line 2", "is not valid YAML")),
    # keys that would have no effect
    # (by rank a grade may require a min_score as well, issue 13: on the last grade it has no effect)
    ("min-score-on-last-grade", "{grade: 三等}", "{grade: 三等, min_score: 50}",
     ("line 32", "the last grade takes every county", "remove min_score")),
    ("share-under-rank", "{grade: 二等, max_rank: 2}", "{grade: 二等, max_rank: 2, share: 0.5}", ("line 32", "share has no effect when grades go by rank")),
    ("criterion-on-last-grade", "{grade: 三等}", "{grade: 三等, max_rank: 3}", ("line 32", "the last grade takes every county", "remove max_rank")),
    ("deduct-steps-without-mode", "below: {mode: deduct, steps", "below: {steps", ("line 29", "has no effect with mode 'zero'", "set mode: deduct")),
    ("zero-at-with-deduct", "floor: -3}", "floor: -3, zero_at: 1}", ("line 29", "zero_at has no effect with mode 'deduct'", "set mode: linear")),
    ("total-points-mismatch", "total_points: 20", "total_points: 100",
     ("line 14", "[assessments[main].total_points]", "total_points (100) is not the sum of the points of the indicators (20",
      "correct total_points or the points")),
    ("pool-without-cap", "    blocks:\n", "    pools: [{name: p}]\n    blocks:\n", ("line 15", "pool 'p' has neither cap nor floor", "give it a cap")),
    # names that refer to each other
    ("unknown-block", "        unit: 亿美元\n        block: core", "        unit: 亿美元\n        block: cor",
     ("line 21", "unknown block 'cor': did you mean 'core'?")),
    ("duplicate-indicator", "      - name: energy", "      - name: exports", ("line 24", "duplicate indicator 'exports' (first on line 19)")),
    ("home-not-a-county", "home: A", "home: 仙居", ("line 5", "home county '仙居' is not among the counties")),
    ("duplicate-county", "- {name: B, peer_class: k}", "- {name: A, peer_class: k}", ("line 8", "duplicate county 'A'", "list each county once")),
    ("home-without-rival", "- {name: B, peer_class: k}\n  - name: C\n    peer_class: k", "- {name: B, peer_class: j}\n  - name: C\n    peer_class: j",
     ("line 6", "has no rival: add rivals")),
    ("totals-unknown-assessment", "totals: {main:", "totals: {mian:", ("line 11", "unknown assessment 'mian': did you mean 'main'?")),
    ("over-pool-unknown", "pool: bonus}}", "pool: bunos}}", ("line 23", "unknown block 'bunos': did you mean 'bonus'?")),
    ("department-budget-unknown", "  budget: 10", "  budget: 10\n  departments: {商务局: 5}", ("line 35", "no indicator is led by '商务局'")),
):
    case("yaml", name, validating(yaml=((old, new),)), "scenario.yaml", *says)

VETOES = "    grades:\n      by: rank"
for name, veto, says in (
    ("veto-unknown-indicator", "{name: v, indicator: energie, effect: disqualify}", ("unknown indicator 'energie'", "did you mean 'energy'?")),
    ("veto-value-with-misses-basic", "{name: v, indicator: energy, value: 1, effect: disqualify}", ("value has no effect with when: misses_basic",)),
    ("veto-grade-with-drop", "{name: v, indicator: energy, effect: drop_grade, grade: 二等}", ("grade has no effect with effect 'drop_grade'",)),
    ("veto-drop-with-cap", "{name: v, indicator: energy, effect: cap_grade, grade: 二等, drop: 2}", ("drop has no effect with effect 'cap_grade'",)),
    ("veto-cap-without-grade", "{name: v, indicator: energy, effect: cap_grade}", ("effect 'cap_grade' needs 'grade'",)),
    ("veto-below-without-value", "{name: v, indicator: energy, when: below, effect: zero_indicator}", ("when 'below' needs 'value'",)),
):
    case("yaml", name, validating(yaml=((VETOES, f"    vetoes: [{veto}]\n" + VETOES),)), "scenario.yaml line 30", *says)

OTHER_RULE = "rule: {kind: threshold, basic: 0.8, full: 0.7, below: {mode: deduct, steps: {per: 0.01, points: 1}, floor: -3}}"
for name, rule, says in (
    ("base-step-up-without-cap", "{kind: base_step, target: 0.8, up: {per: 0.01, points: 1}}", ("up steps give no bonus while up_cap is 0", "set up_cap")),
    ("base-step-cap-without-up", "{kind: base_step, target: 0.8, up_cap: 2}", ("up_cap has no effect without up steps",)),
    ("base-step-floor-without-down", "{kind: base_step, target: 0.8, floor: -2}", ("floor has no effect without down steps",)),
    ("band-of-zero-width", "{kind: bands, bands: [{upper: 0.7, points: 10}, {lower: 0.7, upper: 0.7, points: 5}, {lower: 0.7, points: 0}]}",
     ("has zero width", "make lower < upper, or remove the band")),
    ("band-gap", "{kind: bands, bands: [{upper: 0.7, points: 10}, {lower: 0.75, points: 0}]}", ("bands must be contiguous",)),
    ("rank-points-step-and-table", "{kind: rank_points, step: 0.1, table: [1, 0.8]}", ("step has no effect when a table is given",)),
    ("ratio-target-zero", "{kind: ratio, target: 0}", ("must be greater than 0",)),
    ("growth-bonus-unverified", "{kind: growth_bonus, national: 5, regional: 6, both: 10}", ("required field 'unverified' is missing",)),
    ("per-event-cap-above-points", "{kind: per_event, points: -1, cap: 20}", ("rule.cap (20.0) must not exceed points (10.0)",)),
):
    case("yaml", name, validating(yaml=((OTHER_RULE, f"rule: {rule}"),)), "scenario.yaml line 29", *says)


def _raw_yaml(text: bytes) -> Callable:
    def make(d, w):
        s = tiny(d)
        (s / Y).write_bytes(text)
        return ["validate", str(s)]
    return make


BOMB = "\n".join(["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
                 + [f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]" for k in range(1, 10)]) + "\n"
case("yaml", "alias-bomb", _raw_yaml(BOMB.encode()), "scenario.yaml line 2", "expand to more than 1,000,000 values",
     "write the values out, or use fewer aliases")
case("yaml", "alias-refers-to-itself", _raw_yaml(b"scenario: &s {name: tiny, again: *s}\n"), "scenario.yaml line 1",
     "refer to themselves")
case("yaml", "root-is-a-list", _raw_yaml(b"- scenario\n- counties\n"), "scenario.yaml line 1", "must be a mapping with keys scenario")
case("yaml", "empty-file", _raw_yaml(b"   \n"), "scenario.yaml", "file is empty")
case("yaml", "not-utf8", _raw_yaml("scenario:\n  name: 三门\n".encode("gbk")), "scenario.yaml line 2", "is not UTF-8 text")
case("yaml", "missing", lambda d, w: (lambda s: ((s / Y).unlink(), ["validate", str(s)])[1])(tiny(d)),
     "scenario.yaml", "file is missing: create scenario.yaml")
case("yaml", "unknown-override-asked", lambda d, w: ["validate", str(tiny(d)), "--overrides", "surge"],
     "scenario.yaml [overrides[surge]]", "unknown override 'surge'")
case("yaml", "override-path-unknown",
     validating(yaml=(("effort:\n", "overrides:\n  o: {set: [{path: 'assessments[main].indicators[exprots].rule.basic', value: 3}]}\neffort:\n"),)),
     "scenario.yaml", "[overrides[o]", "exprots")


# --------------------------------------------------------------------------- excel: the planner's workbook

for name, edit, says in (
    ("text-in-points", cells(指标__E3="十分"), ("sheet 指标 row 3 column E [分值]", "expected a number, found text '十分': write a number")),
    ("text-in-basic", cells(指标__I4="零点八"), ("sheet 指标 row 4 column I [基本任务]", "write a number")),
    ("text-in-forecast", cells(县市区数值__D2="四点五"), ("sheet 县市区数值 row 2 column D [预测值]", "write a number")),
    ("text-in-sd", cells(县市区数值__E3="abc"), ("sheet 县市区数值 row 3 column E [标准差]", "write a number")),
    ("text-in-upto", cells(工作量__B2="一半"), ("sheet 工作量 row 2 column B [推进至]", "write a number")),
    ("text-in-total", cells(考核__B2="四十"), ("sheet 考核 row 2 column B [总分]", "write a number")),
    ("bool-in-weight", cells(板块__C2=True), ("sheet 板块 row 2 column C [权重]", "expected a number, found True")),
    ("year-not-whole", cells(设置__B4=2025.5), ("sheet 设置 row 4 column B [值]", "expected a whole number")),
    ("percent-in-other-unit", cells(指标__I3="4%"), ("sheet 指标 row 3 column I [基本任务]",
                                                   "a percentage (4%) in an indicator measured in 亿美元", "set the indicator's 单位 to %")),
    ("percent-format-in-other-unit", lambda wb: (cells(县市区数值__D2=0.045)(wb), setattr(wb["县市区数值"]["D2"], "number_format", "0.0%")),
     ("sheet 县市区数值 row 2 column D [预测值]", "a percentage (4.5%) in an indicator measured in 亿美元")),
    ("percent-in-points", cells(指标__E2="10%"), ("sheet 指标 row 2 column E [分值]", "found a percentage (10%): write the number itself")),
    ("percent-in-deduction", cells(指标__N3="50%"), ("sheet 指标 row 3 column N [倒扣分]", "found a percentage (50%)")),
    ("percent-in-total-forecast", cells(县市区__C4="31%"), ("sheet 县市区 row 4 column C [总分预测]", "found a percentage (31%)")),
    ("percent-forecast-as-fraction", cells(县市区数值__D3=0.069, 县市区数值__E3=0.004),
     ("sheet 县市区数值 row 3 column D [预测值]", "甲县's forecast 0.069 of 地区生产总值增速 and its target 7 differ about 101×",
      "write every value of 地区生产总值增速 in percent")),
    ("percent-home-forecast-as-fraction", cells(指标__Y2=0.066, 指标__Z2=0.004),
     ("sheet 指标 row 2 column Y [预测值]", "示例县's forecast 0.066", "in percent")),
    ("formula-with-reference", cells(指标__I2="=J2-1"), ("sheet 指标 row 2 column I", "formula =J2-1 has no saved value",
                                                          "open and save it in Excel or WPS, or type the value")),
    ("formula-with-function", cells(指标__E4="=SUM(5,5)"), ("sheet 指标 row 4 column E", "formula =SUM(5,5) has no saved value")),
    ("formula-text", cells(县市区数值__D2='="4.5"'), ("sheet 县市区数值 row 2 column D", "has no saved value")),
    ("formula-negated-power", cells(指标__J2="=-2^2+11"), ("sheet 指标 row 2 column J", "has no saved value")),
    ("merge-across-columns", lambda wb: wb["指标"].merge_cells("I2:J2"),
     ("sheet 指标 row 2 column I", "merged cells I2:J2 span several columns", "unmerge them")),
    ("merge-across-forecast-columns", lambda wb: wb["县市区数值"].merge_cells("D3:E3"), ("sheet 县市区数值 row 3 column D", "merged cells D3:E3")),
    ("unknown-direction", cells(指标__D2="向上"), ("sheet 指标 row 2 column D [方向]", "unknown word '向上': use one of")),
    ("unknown-rule", cells(指标__H3="基本"), ("sheet 指标 row 3 column H [规则]", "unknown word '基本'")),
    ("unknown-below", cells(指标__L3="扣分"), ("sheet 指标 row 3 column L [低于基本]", "unknown word '扣分'")),
    ("unknown-kind", cells(指标__G2="发展"), ("sheet 指标 row 2 column G [类别]", "unknown word '发展'")),
    ("threshold-cell-on-ratio", cells(指标__I5=18), ("sheet 指标 row 5 column I [基本任务]", "only for rule 基本满分",
                                                     "clear the cell or put it in 规则参数")),
    ("bad-json", cells(指标__V5="{cap: 1.1}"), ("sheet 指标 row 5 column V [规则参数]", "not valid JSON", "write e.g.")),
    ("json-not-object", cells(指标__V5="[1.1]"), ("sheet 指标 row 5 column V [规则参数]", "expected a JSON object")),
    ("flag-word", cells(工作量__D2="也许"), ("sheet 工作量 row 2 column D [假设]", "expected 是 or 否, found '也许'")),
    ("unknown-setting", cells(设置__A3="副标题"), ("sheet 设置 row 3 column A [项目]", "unknown setting '副标题'")),
    ("notes-layout", cells(指标__AB3="just a note"), ("sheet 指标 row 3 column AB [假设说明]", "write one '字段: 说明' per line")),
    ("yaml-cell-bomb", cells(高级__B2=BOMB), ("sheet 高级 row 2 column B [YAML]", "expand to more than 1,000,000 values")),
    ("yaml-cell-invalid", cells(高级__B2="a: [1, 2"), ("sheet 高级 row 2 column B [YAML]", "not valid YAML")),
    ("yaml-cell-path-missing", cells(高级__A2=None), ("sheet 高级 row 2 column A [路径]", "write the path the YAML goes to")),
    ("yaml-cell-path-unknown", cells(高级__A2="assessments[nope].vetoes"), ("sheet 高级 row 2 column A [路径]", "no assessments named 'nope'")),
    ("class-conflict", lambda wb: wb["县市区"].append(["甲县", "二类县"]), ("sheet 县市区 row 5 column B [同类]", "甲县 is in class '一类县'")),
    ("forecast-twice", lambda wb: wb["县市区数值"].append(["甲县", "单位GDP能耗", "normal", 0.75, 0.02]),
     ("sheet 县市区数值 row 7 column B [指标]", "forecast for 甲县/单位GDP能耗 given twice (first in sheet 县市区数值 row 5)")),
    ("unknown-sheet", lambda wb: wb.create_sheet("备注"), ("sheet 备注", "unknown sheet: rename it")),
    ("missing-sheet", lambda wb: wb.remove(wb["县市区数值"]), ("sheet 县市区数值", "required sheet is missing: add a sheet named 县市区数值")),
    ("missing-column", lambda wb: wb["指标"].delete_cols(5), ("sheet 指标 row 1 [分值]", "required column is missing: add a column headed 分值")),
    ("unknown-column", cells(指标__AC1="权数"), ("sheet 指标 row 1 column AC [权数]", "unknown column: use one of")),
    ("basic-beyond-full", cells(指标__I4=0.6), ("sheet 指标 row 4 column I [基本任务]", "basic (0.6) must be above full (0.7)")),
    ("triangular-without-likely", cells(县市区数值__G4=None), ("sheet 县市区数值 row 4", "needs low, likely and high")),
):
    case("excel", name, importing(edit), "w.xlsx", *says)


def _not_a_workbook(d, w):
    p = d / "w.xlsx"
    p.write_text("county,indicator\n", encoding="utf-8")
    return ["import-excel", str(p), "-o", str(d / "out")]


case("excel", "not-a-workbook", _not_a_workbook, "w.xlsx", "cannot be read as an .xlsx workbook")
case("excel", "missing-workbook", lambda d, w: ["import-excel", str(d / "nope.xlsx"), "-o", str(d / "out")], "nope.xlsx", "no such workbook")


# --------------------------------------------------------------------------- cli: arguments

def cli(*argv: str, scenario: str = "tiny") -> Callable:
    """A command line; ``{s}`` is the scenario (tiny, or the imported template where optimising needs effort
    curves), ``{d}`` the case folder, ``{f}`` a file in it."""
    def make(d, w):
        s = tiny(d) if scenario == "tiny" else w["template"]
        (d / "file.txt").write_text("mine\n", encoding="utf-8")
        return [a.format(s=s, d=d, f=d / "file.txt") for a in argv]
    return make


NUMBER_ARGS = {  # argument -> commands that take it (each with the options it needs besides)
    "--draws": [("simulate", ()), ("optimize", ()), ("frontier", ("--budgets", "1")), ("compare", ())],
    "--seed": [("simulate", ()), ("optimize", ()), ("compare", ())],
    "--time-limit": [("optimize", ()), ("frontier", ("--budgets", "1")), ("compare", ())],
    "--budget": [("optimize", ())],
    "--replications": [("optimize", ())],
    "--rank": [("optimize", ()), ("frontier", ("--budgets", "1"))],
    "--prob": [("optimize", ("--objective", "min-effort"))],
    "--chunk": [("simulate", ())],
    "--stream": [("simulate", ())],
    "--opt-draws": [("compare", ())],
}
BAD_NUMBERS = {
    "--draws": [("0", "must be at least 1, got 0"), ("-5", "must be at least 1"), ("many", "expected a whole number, got 'many'")],
    "--seed": [("-1", "must be 0 or more, got -1"), ("1.5", "expected a whole number")],
    "--time-limit": [("-5", "must be more than 0 seconds, got -5"), ("nan", "expected a finite number, got 'nan'"), ("0", "must be more than 0")],
    "--budget": [("nan", "expected a finite number, got 'nan'"), ("-1", "must be 0 or more, got -1"), ("inf", "expected a finite number")],
    "--replications": [("0", "must be at least 1, got 0")],
    "--rank": [("0", "must be at least 1, got 0")],
    "--prob": [("1.5", "must lie in (0, 1], got 1.5"), ("nan", "must lie in (0, 1], got nan"), ("0", "must lie in (0, 1], got 0.0")],
    "--chunk": [("0", "must be at least 1")],
    "--stream": [("-1", "must be 0 or more")],
    "--opt-draws": [("0", "must be at least 1")],
}
for arg, commands in NUMBER_ARGS.items():
    for command, extra in commands:
        for value, said in BAD_NUMBERS[arg]:
            case("cli", f"{command}{arg}={value}", cli(command, "{s}", *extra, f"{arg}={value}"), f"argument {arg}: {said}")
for value, said in (("nan", "expected a finite number, got 'nan'"), ("8,-1", "must be 0 or more, got -1"),
                    ("1,,2", "an empty item in '1,,2'"), (",", "expected numbers separated by commas"), ("8,x", "expected a number, got 'x'")):
    case("cli", f"frontier--budgets={value}", cli("frontier", "{s}", f"--budgets={value}"), f"argument --budgets: {said}")
for value, said in (("0", "must be at least 1, got 0"), ("1,b", "expected a whole number, got 'b'")):
    case("cli", f"compare--ranks={value}", cli("compare", "{s}", f"--ranks={value}"), f"argument --ranks: {said}")
# the demo takes no numbers since issue 18 (its light settings, or --full: the commands' defaults)
case("cli", "demo-unknown-scenario", cli("demo", "nosuchscenario"), "nosuchscenario")
case("cli", "optimize-unknown-objective", cli("optimize", "{s}", "--objective", "rank"), "argument --objective: invalid choice: 'rank'")
case("cli", "optimize-unknown-solver", cli("optimize", "{s}", "--solver", "gurobi"), "argument --solver: invalid choice")
case("cli", "unknown-command", cli("simulte", "{s}"), "invalid choice: 'simulte'")
for command, extra in (("optimize", ()), ("frontier", ("--budgets", "1")), ("compare", ("--objective", "rank-prob"))):
    case("cli", f"{command}-unknown-assessment", cli(command, "{s}", *extra, "--assessment", "年度", scenario="template"),
         "--assessment: unknown assessment '年度': use one of 发展目标考核")
case("cli", "compare-unknown-joint", cli("compare", "{s}", "--joint", "年度"), "--joint: unknown assessment '年度'")
case("cli", "optimize-unknown-grade", cli("optimize", "{s}", "--grade", "特等", scenario="template"),
     "--grade: unknown grade '特等': use one of 一等, 二等, 三等 or an index 0..2")
case("cli", "optimize-grade-index-too-large", cli("optimize", "{s}", "--grade", "7", scenario="template"), "--grade: unknown grade '7'")
case("cli", "optimize-min-effort-without-prob", cli("optimize", "{s}", "--objective", "min-effort", scenario="template"),
     "min-effort needs --prob P")
case("cli", "optimize-min-effort-with-replications", cli("optimize", "{s}", "--objective", "min-effort", "--prob", "0.5",
                                                         "--replications", "3", scenario="template"), "applies to the maximising objectives")
case("cli", "optimize-nothing-to-push", cli("optimize", "{s}"), "no home indicator can be pushed: add cost-curve rows to effort.csv")
case("cli", "compare-unknown-override", cli("compare", "{s}", "--overrides", "surge"), "unknown override 'surge'")
case("cli", "simulate-unknown-override", cli("simulate", "{s}", "--overrides", "surge"), "scenario.yaml [overrides[surge]]")
for command, extra in (("simulate", ()), ("compare", ())):
    case("cli", f"{command}-too-many-draws", cli(command, "{s}", *extra, "--draws", "1000000000000"),
         "--draws 1000000000000 needs about", "of memory, more than the", "use at most")
case("cli", "simulate-too-many-draws-in-yaml",
     lambda d, w: ["simulate", str(tiny(d, yaml=(("effort:\n", "simulation: {draws: 1000000000000}\neffort:\n"),)))],
     "simulation.draws 1000000000000 in scenario.yaml needs about", "use at most")
for command, extra in (("optimize", ()), ("frontier", ("--budgets", "1"))):
    case("cli", f"{command}-too-many-draws", cli(command, "{s}", *extra, "--draws", "100000000000", scenario="template"),
         "--draws 100000000000 needs about", "use at most")
case("cli", "compare-too-many-opt-draws", cli("compare", "{s}", "--objective", "rank-prob", "--opt-draws", "100000000000",
                                              scenario="template"), "--opt-draws 100000000000 needs about")
for command, extra in (("optimize", ("--objective", "min-effort", "--prob", "1", "--draws", "30")),
                       ("optimize", ("--objective", "min-effort", "--prob", "0.6", "--grade", "一等", "--draws", "30"))):
    case("cli", f"infeasible-{'-'.join(extra[:4])}", cli(command, "{s}", *extra, "--out", "{d}/run", scenario="template"),
         "infeasible:", "is out of reach", code=3)
# paths
case("cli", "out-exists", cli("score", "{s}", "--out", "{d}"), "already exists: a run never overwrites another; choose a new --out")
case("cli", "out-is-a-file", cli("score", "{s}", "--out", "{f}"), "already exists")
case("cli", "out-under-a-file", cli("score", "{s}", "--out", "{f}/run"), "cannot write the run folder", "--out needs a folder you can write to")
case("cli", "out-under-proc", cli("score", "{s}", "--out", "/proc/kaoping-run"), "cannot write the run folder /proc/kaoping-run")
case("cli", "simulate-out-under-a-file", cli("simulate", "{s}", "--draws", "100", "--out", "{f}/run"), "cannot write the run folder")
case("cli", "figures-is-a-file", cli("simulate", "{s}", "--draws", "100", "--figures", "{f}"), "--figures", "is a file, not a folder")
case("cli", "figures-under-a-file", cli("simulate", "{s}", "--draws", "100", "--figures", "{f}/figs"), "--figures", "cannot write there")


def _figures_there(d, w):
    s = tiny(d)
    (d / "figs").mkdir()
    (d / "figs" / "score_distributions_1.png").write_bytes(b"my own figure")
    return ["simulate", str(s), "--draws", "100", "--figures", str(d / "figs")]


case("cli", "figures-would-overwrite", _figures_there, "--figures", "score_distributions_1.png already there",
     "kaoping never overwrites a file")
case("cli", "plot-exists", cli("frontier", "{s}", "--budgets", "1", "--plot", "{f}", scenario="template"), "--plot", "already exists")
case("cli", "warn-excel-exists", cli("warn", "{s}", "--draws", "100", "--excel", "{f}"), "--excel", "already exists: kaoping never overwrites")
case("cli", "warn-out-exists", cli("warn", "{s}", "--draws", "100", "--out", "{d}"), "run folder", "already exists")
for command in ("adjust", "rivals", "attribute", "goal-seek", "robust"):
    case("cli", f"{command}-budget-nan", cli(command, "{s}", "--budget", "nan"), "argument --budget: expected a finite number")
    case("cli", f"{command}-time-limit-negative", cli(command, "{s}", "--time-limit", "-1"), "argument --time-limit: must be more than 0")
    case("cli", f"{command}-out-exists", cli(command, "{s}", "--plan", "none", "--out", "{d}", scenario="template"),
         "run folder", "already exists: a run never overwrites another")
case("cli", "adjust-top-zero", cli("adjust", "{s}", "--top", "0"), "argument --top: must be at least 1")
case("cli", "scenario-missing", cli("score", "{d}/nope"), "no such scenario folder: give the folder that holds scenario.yaml")
case("cli", "scenario-is-a-file", cli("score", "{f}"), "is a file: give the scenario folder")
case("cli", "import-out-is-a-file", cli("import-excel", str(TEMPLATE), "-o", "{f}"), "-o", "is a file, not a folder")
case("cli", "import-out-under-a-file", cli("import-excel", str(TEMPLATE), "-o", "{f}/scn"), "-o", "cannot write there")
case("cli", "import-out-not-empty", cli("import-excel", str(TEMPLATE), "-o", "{d}"), "exists and is not empty", "--force")
case("cli", "report-output-exists", lambda d, w: ["report", str(w["run_copy"](d)), "-o", str(w["run_copy"](d) / "results.json")],
     "-o", "already exists: kaoping never overwrites a file")


# --------------------------------------------------------------------------- run: run folders and manifests

def run_folder(edit: Callable | None = None, command: str = "reproduce") -> Callable:
    """A copy of the world's run folder (score on tiny), edited, given to ``reproduce`` (or ``report``)."""
    def make(d, w):
        r = w["run_copy"](d)
        if edit:
            edit(r)
        return [command, str(r)]
    return make


def manifest_edit(change: Callable) -> Callable:
    def edit(r):
        m = json.loads((r / "manifest.json").read_text(encoding="utf-8"))
        m = change(m)
        (r / "manifest.json").write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")
    return edit


def set_key(key, value, seal: bool = False) -> Callable:
    def change(m):
        m[key] = value
        if seal:  # re-sealed, as a forger who knows the recipe would
            from kaoping.manifest import seal as _seal
            m = _seal(m)
        return m
    return change


def file_edit(name: str, old: str | None = None, new: str = "") -> Callable:
    def edit(r):
        p = r / name
        if old is None:
            p.unlink()
        else:
            p.write_text(replaced(p.read_text(encoding="utf-8-sig"), old, new), encoding="utf-8")
    return edit


for name, edit, says in (
    ("seed-edited", manifest_edit(set_key("seed", 7)), ("manifest.json: edited since the run", "restore these files")),
    ("argv-edited", manifest_edit(set_key("argv", ["score", "/elsewhere"])), ("manifest.json: edited since the run",)),
    ("table-edited", file_edit("main-counties.csv", "B,19.0", "B,29.0"), ("main-counties.csv: edited since the run",)),
    ("table-deleted", file_edit("main-home.csv"), ("main-home.csv: missing (the run wrote it)",)),
    ("figure-deleted", file_edit("figures/main-home.png"), ("main-home.png: missing",)),
    ("workbook-deleted", file_edit("results.xlsx"), ("results.xlsx: missing",)),
    ("results-edited", file_edit("results.json", "19.0", "19.5"), ("results.json: edited since the run", "restore")),
    ("scenario-copy-edited", file_edit("scenario/forecasts.csv", "4.5", "4.7"), ("scenario/forecasts.csv: edited since the run",)),
    ("scenario-copy-deleted", file_edit("scenario/scenario.yaml"), ("scenario/scenario.yaml: missing",)),
    ("results-truncated", lambda r: (r / "results.json").write_text('{"results": {"x": [1, 2', encoding="utf-8"),
     ("results.json: is not valid JSON", "cut short or edited")),
    ("results-a-list", lambda r: (r / "results.json").write_text("[1, 2]", encoding="utf-8"), ("results.json",)),
    ("results-missing", file_edit("results.json"), ("results.json: missing",)),
    ("manifest-truncated", lambda r: (r / "manifest.json").write_text('{"command": "sco', encoding="utf-8"),
     ("manifest.json: is not valid JSON", "restore it from a copy")),
    ("manifest-a-list", lambda r: (r / "manifest.json").write_text('["score"]', encoding="utf-8"),
     ("manifest.json: expected a JSON object", "found list")),
    ("manifest-without-argv", manifest_edit(lambda m: {k: v for k, v in m.items() if k != "argv"}), ("manifest.json [argv]", "is missing")),
    ("manifest-argv-text", manifest_edit(set_key("argv", "score tiny")), ("manifest.json [argv]", "not a list of words")),
    ("manifest-without-command", manifest_edit(lambda m: {k: v for k, v in m.items() if k != "command"}), ("manifest.json [command]",)),
    ("manifest-contents-escape", manifest_edit(set_key("contents", [{"kind": "table", "name": "t", "title": "t", "file": "../../x.csv"}])),
     ("manifest.json [contents[0].file]", "is not a file inside the run folder")),
    ("manifest-outputs-escape", manifest_edit(set_key("outputs_sha256", {"/etc/passwd": "0" * 64})), ("manifest.json [outputs_sha256]",)),
    ("resealed-import-excel", manifest_edit(lambda m: set_key("command", "import-excel", seal=True)(
        set_key("argv", ["import-excel", "w.xlsx", "-o", "/tmp", "--force"])(m))),
     ("manifest.json [argv]", "'import-excel' is not a command reproduce re-runs")),
    ("resealed-unknown-option", manifest_edit(set_key("argv", ["score", "x", "--colour", "red"], seal=True)),
     ("manifest.json [argv]", "not a command line kaoping reads", "unrecognized arguments")),
    ("resealed-command-mismatch", manifest_edit(set_key("command", "simulate", seal=True)), ("is not a command reproduce re-runs",)),
):
    case("run", name, run_folder(edit), *says)
case("run", "not-a-folder", lambda d, w: ["reproduce", str(d / "nope")], "is not a run folder: no such folder")
case("run", "no-manifest", lambda d, w: ["reproduce", str(d)], "is not a run folder: no manifest.json")
case("run", "scenario-folder", lambda d, w: ["reproduce", str(tiny(d))], "is not a run folder")
case("run", "report-manifest-a-list", run_folder(lambda r: (r / "manifest.json").write_text("[]", encoding="utf-8"), "report"),
     "manifest.json: expected a JSON object")
case("run", "report-contents-escape", run_folder(manifest_edit(set_key("contents", [{"kind": "text", "name": "t", "title": "t",
                                                                                     "file": "/etc/passwd"}])), "report"),
     "manifest.json [contents[0].file]")
case("run", "report-not-a-run", lambda d, w: ["report", str(d)], "is not a run folder")


# --------------------------------------------------------------------------- numbers once misread

def _imported(edit: Callable, read: Callable) -> Callable:
    def measure(d, w):
        from kaoping.excel import import_workbook

        return read(import_workbook(workbook(d, edit)))
    return measure


def _home_total(scn) -> float:
    from models.scorecard import scorecard

    df = scorecard(scn)[f"{scn.spec.assessments[0].name}/counties"]
    return float(df.loc[df["本县"], "总分 [分]"].iloc[0])


GDP = "地区生产总值增速"
for name, edit, read, expected, note in (
    ("percent-text-basic", cells(指标__I2="6%"), lambda s: s.indicator(GDP).rule.basic, 6.0, "read 0.06 before"),
    ("percent-format-basic", lambda wb: (cells(指标__I2=0.06)(wb), setattr(wb["指标"]["I2"], "number_format", "0%")),
     lambda s: s.indicator(GDP).rule.basic, 6.0, "a cell showing 6% in a % indicator"),
    ("percent-text-forecast", cells(指标__Y2="6.6%"), lambda s: s.forecast("示例县", GDP).mean, 6.6, ""),
    ("percent-format-forecast", lambda wb: (cells(县市区数值__D3=0.069)(wb), setattr(wb["县市区数值"]["D3"], "number_format", "0.0%")),
     lambda s: s.forecast("甲县", GDP).mean, 6.9, ""),
    ("percent-share", cells(指标__K2="50%"), lambda s: s.indicator(GDP).rule.basic_share, 0.5, ""),
    ("percent-share-format", lambda wb: (cells(指标__K2=0.5)(wb), setattr(wb["指标"]["K2"], "number_format", "0%")),
     lambda s: s.indicator(GDP).rule.basic_share, 0.5, ""),
    ("percent-elapsed", cells(设置__B5="75%"), lambda s: s.spec.scenario.elapsed, 0.75, ""),
    # 示例县: GDP 6.6 against basic 6, full 7 → 6 + 0.6·4 = 8.4; with 6% read as 0.06 it scored 10 + 2 (over-full cap)
    ("percent-text-basic-score", cells(指标__I2="6%"), _home_total, 32.7, "8.4 + 8 + 6.8 + 9.5, as test_excel computes"),
    ("formula-share", cells(指标__K2="=0.5"), lambda s: s.indicator(GDP).rule.basic_share, 0.5, "was the default 0.6"),
    ("formula-product", cells(指标__U5="=4*5"), lambda s: s.indicator("一般公共预算收入").rule.target, 20.0, ""),
    ("formula-thousands", cells(指标__Y5="=1000*19/1000"), lambda s: s.forecast("示例县", "一般公共预算收入").mean, 19.0, ""),
    ("formula-percent", cells(指标__K3="=60%"), lambda s: s.indicator("外贸自营出口").rule.basic_share, 0.6, ""),
    # a vertical merge gives its value to every row: 基本分比例 0.5 on rows 2–4 (was 0.5, 0.6, 0.6 by default)
    ("merged-share", lambda wb: (cells(指标__K2=0.5, 指标__K3=None, 指标__K4=None)(wb), wb["指标"].merge_cells("K2:K4")),
     lambda s: [s.indicator(n).rule.basic_share for n in (GDP, "外贸自营出口", "单位GDP能耗")], [0.5, 0.5, 0.5], ""),
    ("merged-leader", lambda wb: wb["指标"].merge_cells("X2:X4"),
     lambda s: [s.indicator(n).leader for n in (GDP, "外贸自营出口", "单位GDP能耗")], ["常务副县长"] * 3, "was 常务副县长, none, none"),
    ("bernoulli-percent", lambda wb: wb["县市区数值"].append(["甲县", "外贸自营出口", "bernoulli", "70%"]) or wb["县市区数值"].delete_rows(4),
     lambda s: s.forecast("甲县", "外贸自营出口").mean, 0.7, "a probability"),
):
    NUMBERS.append(Number(name, _imported(edit, read), expected, note))


def _quoted_note_total(d, w):
    """A note that legitimately spans two lines (closed quote) swallows nothing: A's total is 6."""
    from models.scenario import load_scenario

    text = NOTED.replace("A,exports,normal,4.5,0.2,\n", 'A,exports,normal,4.5,0.2,"two\nlines"\n')
    return _home_total(load_scenario(tiny(d, raw_csv=text.encode())))


NUMBERS.append(Number("csv-closed-multiline-note", _quoted_note_total, 6.0, "exports 8, energy −2"))


def copy_run(src: Path) -> Callable:
    """For the world: ``run_copy(d)`` copies the reference run folder into ``d/run`` once."""
    def run_copy(d: Path) -> Path:
        r = d / "run"
        if not r.exists():
            shutil.copytree(src, r)
        return r
    return run_copy

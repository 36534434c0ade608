"""`kaoping validate` on a corpus of broken scenarios (tests/broken/<case>/, each a copy of
tests/data/tiny with one fault, or several in `several_problems`).

Every expectation below was checked by hand against the file (`cat -n`): the line of the key
in scenario.yaml, or the row of the record in a CSV table (the header is row 1). Each case must
report exactly the listed problems, in this order (by file, then line or row), exit 2, and show
no traceback.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaoping.cli import main
from models.scenario import Problem, ScenarioError, load_scenario

# the messages are pinned in English here (tests/test_i18n_models.py pins the Chinese of a sample)
pytestmark = pytest.mark.usefixtures("english")

ROOT = Path(__file__).resolve().parents[1]
BROKEN = ROOT / "tests" / "broken"
TINY = ROOT / "tests" / "data" / "tiny"
Y, F, E = "scenario.yaml", "forecasts.csv", "effort.csv"
IND = "assessments[main].indicators"

# case -> [(file, "line N" / "row N" / "" when no line applies, field, fragment of the message)]
CASES: dict[str, list[tuple[str, str, str, str]]] = {
    # scenario.yaml: the schema
    "missing_field": [(Y, "line 1", "scenario.year", "required field 'year' is missing")],
    "misspelt_key": [(Y, "line 4", "scenario.elapsd", "did you mean 'elapsed'?")],
    "wrong_type": [(Y, "line 3", "scenario.year", "expected a whole number, found the text 'twenty-four'")],
    "basic_beyond_full_higher": [(Y, "line 23", f"{IND}[exports].rule.basic", "basic (5.0) must be below full (4.0)")],
    "basic_beyond_full_lower": [(Y, "line 29", f"{IND}[energy].rule.basic", "basic (0.7) must be above full (0.8)")],
    "negative_points": [(Y, "line 22", f"{IND}[exports].points", "must be greater than 0, found -10")],
    "unknown_rule_kind": [(Y, "line 23", f"{IND}[exports].rule", "unknown rule kind 'treshold': did you mean 'threshold'?")],
    "rule_fields_of_another_kind": [(Y, "line 23", f"{IND}[exports].rule.full",
                                     "unknown key 'full' for rule kind 'binary' (rule kind 'binary' takes kind, target; "
                                     "'full' belongs to threshold)")],
    "grades_not_decreasing": [(Y, "line 32", "assessments[main].grades.levels", "'max_rank' must get strictly less demanding")],
    "deduct_without_floor": [(Y, "line 29", f"{IND}[energy].rule.below.floor", "mode 'deduct' needs 'steps' and 'floor'")],
    "list_for_mapping": [(Y, "line 1", "scenario", "expected a mapping (key: value lines), found a list")],
    "number_for_list": [(Y, "line 15", "assessments[main].blocks", "expected a list (lines starting with '- ', or [a, b]), "
                                                                    "found the number 2")],
    "nan_value": [(Y, "line 29", f"{IND}[energy].rule.basic", "nan is not a finite number")],
    "yes_for_number": [(Y, "line 28", f"{IND}[energy].points", "expected a number, found true (YAML reads yes")],
    "duplicate_yaml_key": [(Y, "line 6", "scenario.year", "duplicate key 'year' (first on line 3)")],
    # scenario.yaml: names that refer to each other
    "unknown_block": [(Y, "line 21", f"{IND}[exports].block", "unknown block 'cor': did you mean 'core'?")],
    "duplicate_indicator": [(Y, "line 30", f"{IND}[exports].name", "duplicate indicator 'exports' (first on line 19)")],
    "home_not_in_counties": [(Y, "line 5", "scenario.home", "home county '仙居' is not among the counties: use one of A, B, C")],
    "veto_unknown_indicator": [(Y, "line 31", "assessments[main].vetoes[能耗否决].indicator",
                                "unknown indicator 'energie' in assessment 'main': did you mean 'energy'?")],
    # reading files
    "missing_scenario_yaml": [(Y, "", "", "file is missing: create scenario.yaml")],
    "missing_forecasts_csv": [(F, "", "", "file is missing: create forecasts.csv")],
    "empty_scenario_yaml": [(Y, "", "", "file is empty")],
    "empty_forecasts_csv": [(F, "", "", "file is empty: write the header row")],
    "non_utf8_forecasts": [(F, "row 4", "", "is not UTF-8 text (it looks like GBK")],
    "invalid_yaml_syntax": [(Y, "line 8", "", "(noticed on line 9; while parsing a flow mapping that starts here)")],
    "tab_indentation": [(Y, "line 5", "", "the line is indented with a tab character")],
    "bom_crlf_misspelt": [(Y, "line 28", f"{IND}[energy].pionts", "unknown key 'pionts': did you mean 'points'?"),
                          (F, "row 4", "sd", "must be at least 0, found -0.2")],
    # forecasts.csv and effort.csv
    "unknown_county_in_forecasts": [(F, "row 6", "county", "unknown county 'Q': use one of A, B, C")],
    "text_in_number_column": [(F, "row 3", "mean", "expected a number, found the text '0.82 左右'")],
    "duplicate_forecast_row": [(F, "row 6", "indicator", "duplicate forecast for A/exports (first on row 2)")],
    "extra_csv_column": [(F, "row 1", "region", "unknown column 'region': remove it")],
    "missing_csv_column": [(F, "row 1", "indicator", "required column 'indicator' is missing")],
    "no_sd_column": [(F, f"row {r}", "sd", "dist 'normal' needs mean and sd (the table has no 'sd' column: add it)")
                     for r in (2, 3, 4, 5)],
    "bad_true_false": [(F, "row 3", "assumption", "expected true or false, found the text 'maybe'")],
    "rival_without_forecast": [(F, "", "", "B has no forecast for 1 indicator(s) of main (energy) and no total forecast")],
    "non_convex_effort": [(E, "row 3", "cost", "the cost curve of exports must be convex: cost per unit 1.0 after 2.0 (row 2)")],
    "effort_segments_not_growing": [(E, "row 4", "upto", "segments of exports must grow: upto 0.4 after 0.5 (row 2)")],
    # all at once, across the three files
    "several_problems": [
        (Y, "line 3", "scenario.yaer", "did you mean 'year'?"),
        (Y, "line 5", "scenario.home", "home county 'Z' is not among the counties"),
        (Y, "line 26", f"{IND}[energy].block", "unknown block 'cor'"),
        (F, "row 5", "county", "unknown county 'Q'"),
        (F, "row 6", "mean", "expected a number, found the text 'x'"),
        (E, "row 3", "cost", "must be convex"),
    ],
}


def _prefix(file: str, where: str, field: str) -> str:
    return " ".join(p for p in (file, where) if p) + (f" [{field}]" if field else "") + ":"


def test_corpus_is_complete():
    """Every folder of tests/broken has expectations, and every expectation a folder (38 cases)."""
    folders = {p.name for p in BROKEN.iterdir() if p.is_dir()}
    assert folders == set(CASES)
    assert len(CASES) == 38


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_reports_each_problem(case, capsys):
    """Exit 2; stderr lists exactly the expected problems, each with file, line/row, field and advice."""
    code = main(["validate", str(BROKEN / case)])
    out, err = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in out + err
    listed = [ln[2:] for ln in err.splitlines() if ln.startswith("  ")]
    expected = CASES[case]
    assert f"{len(expected)} problem(s)" in err.splitlines()[0]
    assert len(listed) == len(expected), err
    for line, (file, where, field, fragment) in zip(listed, expected):
        assert line.startswith(_prefix(file, where, field)), (line, _prefix(file, where, field))
        assert fragment in line, (fragment, line)


@pytest.mark.parametrize("case", sorted(CASES))
def test_problem_objects(case):
    """The same, on the Problem objects of load_scenario: file, where, field exact; line/row as numbers."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(BROKEN / case)
    got = [(p.file, p.where, p.field) for p in info.value.problems]
    assert got == [e[:3] for e in CASES[case]]
    for p, (_, where, _, fragment) in zip(info.value.problems, CASES[case]):
        assert fragment in p.message
        n = p.line if where.startswith("line") else p.row
        assert (n is None) == (where == "")
        assert where == "" or where.endswith(f" {n}")


def test_json_lists_problems(capsys):
    """--json: stdout is a JSON list of {file, line, row, field, message}, the same problems as the table."""
    code = main(["validate", str(BROKEN / "several_problems"), "--json"])
    out, _ = capsys.readouterr()
    assert code == 2
    problems = json.loads(out)
    assert isinstance(problems, list)
    assert [set(p) for p in problems] == [{"file", "line", "row", "field", "message"}] * 6
    assert [(p["file"], p["line"], p["row"], p["field"]) for p in problems] == [
        (Y, 3, None, "scenario.yaer"), (Y, 5, None, "scenario.home"), (Y, 26, None, f"{IND}[energy].block"),
        (F, None, 5, "county"), (F, None, 6, "mean"), (E, None, 3, "cost")]


def test_good_scenario_exits_0(capsys):
    """tests/data/tiny is sound: exit 0, `--json` prints an empty list, stderr a one-line summary."""
    assert main(["validate", str(TINY)]) == 0
    assert main(["validate", str(TINY / "scenario.yaml"), "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == []
    assert "ok: tiny: 3 counties, 1 assessment(s), 2 indicators" in err


def test_no_such_folder(capsys, tmp_path):
    assert main(["validate", str(tmp_path / "nowhere")]) == 2
    assert "no such scenario folder" in capsys.readouterr().err


@pytest.mark.parametrize("case", ["invalid_yaml_syntax", "non_utf8_forecasts"])
def test_subprocess_no_traceback(case):
    """Through a real process: exit 2, the problem on stderr, nothing on stdout, no traceback."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    r = subprocess.run([sys.executable, "-m", "kaoping", "validate", str(BROKEN / case)], cwd=ROOT, env=env,
                       capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert r.returncode == 2
    assert r.stdout == ""
    assert "Traceback" not in r.stderr
    file, where, field, fragment = CASES[case][0]
    assert f"  {_prefix(file, where, field)}" in r.stderr and fragment in r.stderr


def test_problem_str_and_dict():
    p = Problem(F, "row 3", "mean", "expected a number")
    assert str(p) == "forecasts.csv row 3 [mean]: expected a number"
    assert (p.line, p.row) == (None, 3)
    assert p.to_dict() == {"file": F, "line": None, "row": 3, "field": "mean", "message": "expected a number"}
    assert str(Problem(Y, "", "", "file is empty")) == "scenario.yaml: file is empty"


def test_blank_lines_and_quoted_newlines_keep_rows_right(tmp_path):
    """A blank line and a note spanning two lines: the bad record starts on line 6, so row 6."""
    d = tmp_path / "s"
    d.mkdir()
    (d / Y).write_bytes((TINY / Y).read_bytes())
    (d / F).write_text('county,indicator,dist,mean,sd,note\n\nA,exports,normal,4.5,0.2,"two\nlines"\n'
                       "A,energy,normal,0.82,0.02,\nB,exports,normal,x,0.2,\nB,energy,normal,0.75,0.02,\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(d)
    assert [(p.where, p.field) for p in info.value.problems] == [("row 6", "mean")]


# --------------------------------------------------------------------------- fuzz: never a crash

TINY_YAML = (TINY / Y).read_text(encoding="utf-8")
TINY_CSV = (TINY / F).read_text(encoding="utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([Y, F]), st.integers(0, 10_000), st.integers(0, 12),
       st.text(alphabet=" \t\n:-,{}[]'\"#&*!|>%@`.0123456789abcxyz仙居", max_size=8))
def test_mangled_files_never_crash(which, at, cut, insert):
    """Cut a few characters anywhere and insert junk: the loader returns a Scenario or raises
    ScenarioError whose every problem names a file; never another exception, never 'internal error'."""
    text = TINY_YAML if which == Y else TINY_CSV
    at %= len(text) + 1
    mangled = text[:at] + insert + text[at + cut:]
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / Y).write_text(mangled if which == Y else TINY_YAML, encoding="utf-8")
        (d / F).write_text(mangled if which == F else TINY_CSV, encoding="utf-8")
        try:
            load_scenario(d)
        except ScenarioError as err:
            assert err.problems
            for p in err.problems:
                assert p.file in (Y, F) and p.message
                assert "internal error" not in p.message


def _paths(x, loc=()):
    yield loc
    if isinstance(x, dict):
        for k, v in x.items():
            yield from _paths(v, loc + (k,))
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from _paths(v, loc + (i,))


def test_every_value_replaced_by_every_wrong_shape(tmp_path):
    """Each of the 74 values of tiny's scenario.yaml replaced, in turn, by null, a number, text,
    a list, a mapping, true, .nan, …: the loader either accepts it (e.g. a unit 'x') or reports
    problems that all name a line and a field of scenario.yaml; never a crash."""
    import copy

    import yaml

    base = yaml.safe_load(TINY_YAML)
    shapes = [None, 5, -1.5, "x", [], {}, [1], {"a": 1}, True, float("nan"), [{"name": 1}]]
    (tmp_path / F).write_text(TINY_CSV, encoding="utf-8")
    locs = list(_paths(base))[1:]
    assert len(locs) == 74
    accepted = 0
    for loc in locs:
        for shape in shapes:
            d = copy.deepcopy(base)
            parent = d
            for k in loc[:-1]:
                parent = parent[k]
            parent[loc[-1]] = shape
            (tmp_path / Y).write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
            try:
                load_scenario(tmp_path)
                accepted += 1
            except ScenarioError as err:
                for p in err.problems:
                    assert "internal error" not in p.message
                    if p.file == Y:
                        assert p.line is not None and p.field, (loc, shape, p)
    # the 34 accepted ones, each checked by hand to be sound: text for a name nobody refers to (scenario
    # name, C, a peer class, a grade, a unit), 5 or -1.5 where the number stays in range and in order
    # (year 5, total mean/sd, block cap, basic/full, steps, floor, max_rank 5 after 1), and
    # null or {} for an optional part (total_points, cap, over, over.pool, below, effort, budget).
    # total_points 5 and either indicator's points 5 are refused since total_points is checked against
    # the points (20 = 10 + 10): three fewer than the 37 accepted before that check
    assert accepted == 34

"""The models layer speaks the language in use: Chinese by default, English on request
(``set_language('en')``, the ``english`` fixture), for its table headers, its table words and
its messages; field paths and JSON keys stay as they are.

The tiny scenario (tests/data/tiny) scored at its forecasts, worked by hand:

- A's exports 4.5 lie between basic 4.0 and full 5.0 (higher is better): 0.6·10 at basic, linear
  to 10 at full, 6 + 4·0.5 = 8 points, more than 5 % of the span above the basic points →
  基本至满分之间 / "Between basic and full";
- A's energy 0.82 is short of basic 0.8 (lower is better): 0.02 short at 1 point per 0.01 →
  −2 points → 未达基本 / "Short of basic";
- totals: A 8 − 2 = 6, B 10 + 1 (over-full 0.2/0.1·0.5, in the bonus block) + (6 + 4·0.5) = 19,
  C 70 (its total forecast): ranks C 1, B 2, A 3.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.i18n import language
from models.projection import simulate
from models.scenario import ScenarioError, load_scenario
from models.scorecard import scorecard, status_counts
from models.warning import warn

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny"
BROKEN = ROOT / "tests" / "broken"
FIELD = "assessments[main].indicators[exports].rule.basic"


def problems_of(case: str):
    with pytest.raises(ScenarioError) as err:
        load_scenario(BROKEN / case)
    return err.value.problems


def test_chinese_is_the_default():
    assert language() == "zh"
    card = scorecard(load_scenario(TINY))
    counties, home = card["main/counties"], card["main/home"]
    assert list(counties.columns) == ["县市区", "总分 [分]", "排名", "等次", "本县", "与本县同组"]
    assert list(counties["县市区"]) == ["C", "B", "A"] and list(counties["总分 [分]"]) == pytest.approx([70, 19, 6])
    assert list(home["状态"]) == ["基本至满分之间", "未达基本"]
    assert list(home["方向"]) == ["正向", "逆向"]
    assert status_counts(home) == {"基本至满分之间": 1, "未达基本": 1}
    (p,) = problems_of("basic_beyond_full_higher")
    assert str(p) == f"scenario.yaml 第 23 行 [{FIELD}]：正向指标的基本任务（5.0）必须低于满分目标（4.0）"


def test_english_scorecard_headers_and_statuses(english):
    card = scorecard(load_scenario(TINY))
    counties, home = card["main/counties"], card["main/home"]
    assert list(counties.columns) == ["County", "Total [points]", "Rank", "Grade", "Home", "Ranked with home"]
    assert list(counties["County"]) == ["C", "B", "A"] and list(counties["Rank"]) == [1, 2, 3]
    assert list(counties["Total [points]"]) == pytest.approx([70, 19, 6])
    assert list(counties["Grade"]) == ["一等", "二等", "三等"]  # the scenario's own names stay as written
    assert list(home.columns) == [
        "Indicator", "Unit", "Direction", "Block", "Lead department", "Forecast", "Basic target", "Full score",
        "Max points [points]", "Points [points]", "Over-full bonus [points]", "Points lost [points]",
        "Next breakpoint", "To next breakpoint", "Status", "Scored value", "Points last year [points]",
        "Lost last year [points]", "Years losing points"]
    assert list(home["Status"]) == ["Between basic and full", "Short of basic"]
    assert list(home["Direction"]) == ["higher is better", "lower is better"]
    assert list(home["Points [points]"]) == pytest.approx([8.0, -2.0])
    assert status_counts(home) == {"Between basic and full": 1, "Short of basic": 1}


def test_english_projection_tables(english):
    proj = simulate(load_scenario(TINY), draws=2048, seed=1).assessment("main")
    assert list(proj.summary.columns) == [
        "County", "Home", "Mean score [points]", "Median score [points]", "5th percentile score [points]",
        "95th percentile score [points]", "Mean rank", "Median rank", "5th percentile rank", "95th percentile rank"]
    assert list(proj.rank_probs.columns) == ["County", "Rank", "Probability", "Std. error"]
    assert list(proj.beat_probs.columns) == ["County", "Rival", "P(ranks above)", "Std. error"]
    assert list(proj.grade_probs.columns) == ["County", "Grade index", "Grade", "Probability", "Std. error",
                                              "P(at least this grade)", "At least: std. error"]
    m = proj.rank_matrix()  # pivots on the translated headers
    assert list(m.index) == ["A", "B", "C"] and list(m.columns) == [1, 2, 3]
    assert m.sum(axis=1).tolist() == pytest.approx([1.0, 1.0, 1.0])


def test_english_warning_words(english):
    w = warn(load_scenario(TINY), draws=512, seed=3)
    ind = w.indicators.set_index("Indicator")
    assert ind.loc["energy", "Warning"] == "Red" and ind.loc["energy", "Lead department"] == "(not given)"
    assert ind.loc["energy", "Note"].startswith("basic points at risk (P(basic) ")
    assert list(w.summary.columns) == ["Assessment", "Red", "Yellow", "Green", "Expected total [points]", "P(rank 1)"]
    assert w.departments.loc[0, "Red warnings"] == "energy"


def test_english_validation_message_and_json(english):
    (p,) = problems_of("basic_beyond_full_higher")
    assert str(p) == f"scenario.yaml line 23 [{FIELD}]: basic (5.0) must be below full (4.0) for a higher-is-better indicator"
    assert json.loads(json.dumps(p.to_dict())) == {
        "file": "scenario.yaml", "line": 23, "row": None, "field": FIELD,
        "message": "basic (5.0) must be below full (4.0) for a higher-is-better indicator"}


def test_json_keys_and_field_paths_stay_ascii_in_chinese():
    (p,) = problems_of("basic_beyond_full_higher")
    assert p.to_dict() == {"file": "scenario.yaml", "line": 23, "row": None, "field": FIELD,
                           "message": "正向指标的基本任务（5.0）必须低于满分目标（4.0）"}
    (q,) = problems_of("bad_true_false")
    assert str(q) == "forecasts.csv 第 3 行 [assumption]：应为 true 或 false，实际为文字 'maybe'"

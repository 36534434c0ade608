"""The notebooks' one-line what-ifs (kaoping/notebook.py): names a planner writes become the override
paths of scenario.yaml, and a what-if is scored exactly as the scenario written with that change."""
from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from kaoping.notebook import compare, patches, sliders, what_if
from models.projection import simulate
from models.scenario import load_scenario, with_patches
from models.scorecard import scorecard

A = "发展目标考核"


@pytest.fixture(scope="module")
def scn(request):
    return load_scenario(request.config.rootpath / "scenarios" / "sanmen")


def test_names_become_the_override_paths(scn):
    assert patches(scn, 三门={"外贸自营出口": 4.6}, 天台={A: 41.42}, 基本任务={"规模上亩均税收": 7},
                   满分={"规模上亩均税收": 9}, 预算=12) == [
        ("forecasts[三门/外贸自营出口].mean", 4.6),
        (f"counties[天台].totals[{A}].mean", 41.42),
        (f"assessments[{A}].indicators[规模上亩均税收].rule.basic", 7.0),
        (f"assessments[{A}].indicators[规模上亩均税收].rule.full", 9.0),
        ("effort.budget", 12.0)]


def test_a_forecast_what_if_scores_as_the_edited_forecasts_csv(scn, tmp_path):
    """外贸自营出口: threshold, 3 points, basic 3.8 亿美元 (60 % of the points), full 5.03. At 4.6:
    3·(0.6 + 0.4·(4.6 − 3.8)/(5.03 − 3.8)) = 1.8 + 1.2·0.8/1.23 = 2.580487804878…; at the forecast 4.2
    it earns 1.8 + 1.2·0.4/1.23 = 2.190243902439…, so 三门's total rises by 1.2·0.4/1.23 = 0.390243902439…
    The same change written by hand in a copy of forecasts.csv gives the same scorecard, cell for cell."""
    v = what_if(scn, 三门={"外贸自营出口": 4.6})
    assert v.applied == ("三门·外贸自营出口=4.6",)
    card, base = scorecard(v), scorecard(scn)
    home = card[f"{A}/home"].set_index("指标")
    assert home.loc["外贸自营出口", "得分 [分]"] == pytest.approx(1.8 + 1.2 * 0.8 / 1.23, abs=1e-9)
    total = lambda c: c[f"{A}/counties"].set_index("县市区").loc["三门", "总分 [分]"]  # noqa: E731
    assert total(card) - total(base) == pytest.approx(1.2 * 0.4 / 1.23, abs=1e-9)

    folder = tmp_path / "sanmen"
    shutil.copytree(scn.path, folder)
    text = (folder / "forecasts.csv").read_text(encoding="utf-8")
    assert text.count("三门,外贸自营出口,normal,4.2,") == 1
    (folder / "forecasts.csv").write_text(text.replace("三门,外贸自营出口,normal,4.2,", "三门,外贸自营出口,normal,4.6,"),
                                          encoding="utf-8")
    by_hand = scorecard(load_scenario(folder))
    for key in (f"{A}/counties", f"{A}/home"):
        pd.testing.assert_frame_equal(card[key], by_hand[key])


def test_a_target_and_a_rival_total(scn):
    """Lowering 规模上亩均税收's basic target to its forecast (7 万元) gives it exactly its basic points
    (60 % of its points: the forecast sits on the basic target); 天台, known by its total over the items
    we cannot see, gains exactly the 0.8 points given to that total."""
    rule = scn.indicator("规模上亩均税收")
    v = what_if(scn, 基本任务={"规模上亩均税收": 7})
    home = scorecard(v)[f"{A}/home"].set_index("指标").loc["规模上亩均税收"]
    assert home["基本任务"] == 7 and home["得分 [分]"] == pytest.approx(0.6 * rule.points, abs=1e-9)
    t = scn.county("天台").totals[A].mean
    v = what_if(scn, "天台发力", 天台={A: t + 0.8})
    assert v.applied == ("天台发力",)
    total = lambda s: scorecard(s)[f"{A}/counties"].set_index("县市区").loc["天台", "总分 [分]"]  # noqa: E731
    assert total(v) - total(scn) == pytest.approx(0.8, abs=1e-9)
    assert v.spec.counties == with_patches(scn, [(f"counties[天台].totals[{A}].mean", t + 0.8)], "x").spec.counties


@pytest.mark.parametrize("kwargs, words", [
    ({"三门x": {"外贸自营出口": 1}}, "三门x"),
    ({"三门": {"没有的指标": 1}}, "没有的指标"),
    ({"三门": {A: 40}}, A),  # 三门 is scored item by item, not known by its total
    ({"基本任务": {"没有的指标": 1}}, "没有的指标"),
])
def test_unknown_names_are_refused_by_name(scn, kwargs, words):
    with pytest.raises(ValueError, match=words):
        patches(scn, **kwargs)


def test_compare_is_the_projection_of_each_variant_on_the_same_draws(scn):
    """The base row is simulate()'s own summary; a rival's surge can only lower P(beating it), draw by
    draw (the same draws); P(rank r) over the class's ranks sums to 1."""
    v = what_if(scn, 天台={A: scn.county("天台").totals[A].mean + 0.8})
    table = compare({"基准": scn, "天台发力": v}, draws=400)
    ap = simulate(scn, draws=400).assessment(A)
    assert table.loc["基准", "平均分 [分]"] == pytest.approx(ap.totals[:, ap.home].mean(), abs=1e-9)
    assert table.loc["基准", "平均排名"] == pytest.approx(ap.ranks[:, ap.home].mean(), abs=1e-9)
    assert np.allclose(table[["P(第1名)", "P(第2名)", "P(第3名)"]].sum(axis=1), 1)
    assert table.loc["天台发力", "P(胜天台)"] <= table.loc["基准", "P(胜天台)"]
    assert list(table.index) == ["基准", "天台发力"] and table.index.name == "情景"


def test_sliders_span_each_forecast_and_start_at_it(scn):
    """外贸自营出口 is normal(4.2, 0.15) with min 0: its slider spans 4.2 ± 3·0.15 = [3.75, 4.65]."""
    box = sliders(scn, draws=50, 三门=["外贸自营出口"])
    s = box.children[0]
    assert (s.value, s.min, s.max) == pytest.approx((4.2, 3.75, 4.65), abs=1e-9)


def test_labels_and_messages_follow_the_language(scn, english):
    """Chinese is the default (the tests above read Chinese labels); in English the same table reads
    in English and a refused name is explained in English."""
    table = compare({"base": scn}, draws=50)
    assert table.index.name == "Scenario"
    assert {"P(rank 1)", "P(beat 天台)", "P(一等 or better)"} <= set(table.columns)
    with pytest.raises(ValueError, match="unknown indicator '没有的指标'"):
        patches(scn, 基本任务={"没有的指标": 1})

"""The synthetic province generator (models/synth.py) and ``kaoping synth``."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from kaoping.cli import main
from models.scenario import load_scenario
from models.synth import SINGLE, synthetic_province
from models.scoring import compile_scenario


@pytest.fixture(scope="module")
def medium():
    return synthetic_province(40, 3, 60, seed=5).scenario()


def test_same_arguments_same_scenario_byte_for_byte():
    a, b = synthetic_province(12, 3, 20, seed=7), synthetic_province(12, 3, 20, seed=7)
    assert a.data == b.data and a.forecasts_csv() == b.forecasts_csv() and a.effort_csv() == b.effort_csv()
    assert synthetic_province(12, 3, 20, seed=8).forecasts_csv() != a.forecasts_csv()


def test_structure_classes_and_grades(medium):
    """40 counties in 3 classes of 14, 13, 13; one assessment ranked within class on 100 points,
    grades by quota; the home county is the first, in the first class."""
    scn = medium
    sizes = Counter(c.peer_class for c in scn.spec.counties)
    assert sorted(sizes.values()) == [13, 13, 14] and sizes["一类"] == 14
    a = scn.spec.assessments[0]
    assert a.ranking == "within_class" and a.grades.by == "quota" and a.total_points == 100
    core = sum(i.points for i in a.indicators if i.block not in ("加分", "扣分"))
    assert core == pytest.approx(100.0)
    assert scn.home == "县001" and scn.county("县001").peer_class == "一类"
    assert {v.effect for v in a.vetoes} == {"cap_grade", "disqualify"}


def test_every_rule_kind_and_forecast_kind_in_their_shares(medium):
    kinds = Counter(i.rule.kind for i in medium.indicators())
    assert set(kinds) == {"threshold", "binary", "ratio", "base_step", "bands", "efficacy", "best_ratio",
                          "rank_points", "vs_average", "growth_bonus", "survey", "per_event"}
    assert kinds["threshold"] >= 0.5 * 60 and kinds["per_event"] == 2 and kinds["survey"] == 1
    dists = Counter(f.dist for f in medium.forecasts)
    assert set(dists) == {"normal", "triangular", "pert", "fixed", "bernoulli"}
    cont = [f for f in medium.forecasts if f.dist != "bernoulli"]
    n = len(cont)  # shares within 5 standard errors of the documented ones
    for dist, share in (("triangular", 0.12), ("pert", 0.12), ("fixed", 0.03)):
        got = sum(f.dist == dist for f in cont) / n
        assert abs(got - share) <= 5 * np.sqrt(share * (1 - share) / n), dist
    truncated = sum(f.dist == "normal" and (f.min is not None or f.max is not None) for f in cont) / n
    assert abs(truncated - 0.10) <= 5 * np.sqrt(0.09 / n)


def test_every_cell_has_a_forecast_marked_synthetic_and_home_effort_is_convex(medium):
    scn = medium
    assert len(scn.forecasts) == len(scn.counties) * len(scn.indicators())
    assert all(f.assumption and f.note == "synthetic" for f in scn.forecasts)
    assert "合成" in scn.spec.scenario.title and scn.spec.scenario.sources[0].startswith("synthetic: kaoping synth")
    by = {}
    for r in scn.effort_rows:
        by.setdefault(r.indicator, []).append(r)
    pushable = {i.name for i in scn.indicators() if i.rule.kind not in ("survey", "per_event")}
    assert set(by) == pushable
    for rows in by.values():
        assert len(rows) == 2 and rows[0].upto < rows[1].upto and rows[0].cost < rows[1].cost


def test_small_instances_keep_every_single_item():
    kinds = Counter(i.rule.kind for i in synthetic_province(4, 2, 14, seed=0).scenario().indicators())
    assert kinds["per_event"] == 2 and kinds["survey"] == 1 and kinds["growth_bonus"] == 1
    assert len(SINGLE) == 4
    one = synthetic_province(2, 1, 1, seed=0).scenario()
    assert [i.rule.kind for i in one.indicators()] == ["threshold"]


def test_it_scores(medium):
    from models.projection import simulate

    cs = compile_scenario(medium)
    p = simulate(medium, draws=300, seed=1, cs=cs).assessment()
    assert np.isfinite(p.summary["平均分 [分]"]).all()
    assert (p.grade_probs.groupby("县市区")["概率"].sum() - 1).abs().max() < 1e-12


def test_cli_writes_a_folder_that_loads_and_refuses_a_full_one(tmp_path, capsys, english):
    out = tmp_path / "p"
    assert main(["synth", "--counties", "10", "--classes", "2", "--indicators", "16", "--seed", "3", "-o", str(out)]) == 0
    scn = load_scenario(out)
    assert len(scn.counties) == 10 and len(scn.indicators()) == 16
    assert scn.forecasts == synthetic_province(10, 2, 16, seed=3).scenario().forecasts
    assert main(["synth", "--counties", "10", "-o", str(out)]) == 2
    assert "not an empty folder" in capsys.readouterr().err
    assert main(["synth", "--counties", "3", "--classes", "2", "-o", str(tmp_path / "q")]) == 2
    assert "two counties per class" in capsys.readouterr().err

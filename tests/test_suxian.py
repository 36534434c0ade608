"""The shipped real scheme, scenarios/suxian (《苏仙区2015年产业项目建设考核实施细则》): it validates,
scores (checked by hand), simulates and optimises; every rule quotes its sentence and every
invented number is marked."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kaoping.cli import main
from models.projection import simulate
from models.scenario import load_scenario
from models.scorecard import central_values, scorecard
from models.scoring import compile_scenario, score_all
from optimizer.plan import optimize
from optimizer.request import Request

SUXIAN = Path(__file__).resolve().parents[1] / "scenarios" / "suxian"
UNITS = ["甲镇", "乙镇", "丙镇", "丁镇", "戊镇", "己乡", "庚街道", "辛街道"]
INVEST = [52000, 68000, 41000, 36000, 58000, 18500, 27500, 31000]  # 产业项目投资, forecasts.csv [万元]
BASE = [45000, 60000, 33000, 31500, 52500, 15200, 24000, 25800]  # 2014, targets.csv [万元]


@pytest.fixture(scope="module")
def scn():
    return load_scenario(SUXIAN)


def test_validates(capsys):
    assert main(["validate", str(SUXIAN)]) == 0


def test_scores_by_hand(scn):
    """甲镇 at the forecasts. 产业项目投资总量: 16 × 52000/68000 (乙镇 is the best) = 12.235294….
    增长率: growth over each unit's own 2014 base, 甲镇 52000/45000 − 1 = 15.5556 %; the district
    average of the eight rates is 16.7928 %; 24 × 15.5556/16.7928 = 22.2323… (under the cap 36).
    完成程度: 21000 of its own plan 24000 = 87.5 % → 10 × 0.875 = 8.75."""
    cs = compile_scenario(scn)
    res = score_all(central_values(scn, cs), cs)[0]
    ca = cs.assessments[0]
    h = cs.home
    pts = dict(zip(ca.names, res.points[h]))
    assert pts["产业项目投资总量"] == pytest.approx(16 * 52000 / 68000, abs=1e-9)
    g = 100 * (np.array(INVEST) / np.array(BASE) - 1)
    assert g.mean() == pytest.approx(16.7928, abs=1e-4)
    assert pts["产业项目投资增长率"] == pytest.approx(min(24 * g[0] / g.mean(), 36), abs=1e-9)
    assert pts["工业重点项目完成程度"] == pytest.approx(8.75, abs=1e-9)
    best = int(np.argmax(g))  # 丙镇 24.24 %: 24 × 24.24/16.79 = 34.65, under the cap
    assert res.points[best, 1] == pytest.approx(min(24 * g[best] / g.mean(), 36), abs=1e-9)
    home = scorecard(scn)["产业项目建设考核/home"].set_index("指标")
    assert home.loc["工业重点项目完成程度", "下一断点"] == pytest.approx(24000, abs=1e-9)  # its own plan


def test_simulates(scn):
    """500 draws: the home ranks 1 … 8 and its probabilities sum to 1."""
    proj = simulate(scn, draws=500)
    a = proj.assessment()
    p = a.home_rank_probs()
    assert len(p) == 8 and p.sum() == pytest.approx(1.0, abs=1e-12)
    assert 0 < p[0] < 1


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_optimises(scn, solver):
    """P(first) on 60 draws within 12 人月: the plan is verified by re-scoring (optimize raises
    otherwise), stays within the budget and does not lose to doing nothing out of sample."""
    res = optimize(scn, Request(objective="rank-prob", rank=1, budget=12.0), n_draws=60, solver=solver,
                   n_fresh=500, warm_seconds=1.0, with_baselines=False)
    assert res.status == "optimal"
    assert abs(res.objective - res.rescored) <= 1e-6
    assert res.levels.plan_effort(res.plan) <= 12.0 + 1e-9
    assert res.plan.sum() > 0


def test_every_rule_quotes_the_document_and_every_invention_is_marked(scn):
    a = scn.assessment()
    assert a.source and all(i.source for i in a.indicators)
    assert all(f.assumption and f.note for f in scn.forecasts)
    assert all(t.assumption and t.note for t in scn.target_rows)
    assert all(e.assumption and e.note for e in scn.effort_rows)
    assert "czsx.smehn.cn/Policy/Detail?id=40160" in " ".join(scn.spec.scenario.sources)
    assert all(c.assumed for c in scn.spec.counties)


def test_workbook_round_trip_keeps_own_bases(scn, tmp_path):
    """export-excel then import-excel gives the same points for every unit: the 2014 bases travel in
    the 县市区目标 sheet, what each item scores (增长率, 完成率) in the 指标 sheet's 计分对象."""
    assert main(["export-excel", str(SUXIAN), "-o", str(tmp_path / "s.xlsx")]) == 0
    assert main(["import-excel", str(tmp_path / "s.xlsx"), "-o", str(tmp_path / "back")]) == 0
    back = load_scenario(tmp_path / "back")
    assert [t.base for t in back.target_rows] == [t.base for t in scn.target_rows]
    a, b = (score_all(central_values(s, compile_scenario(s)), compile_scenario(s))[0] for s in (scn, back))
    assert (a.points + a.over).tolist() == (b.points + b.over).tolist()


def test_patches_keep_the_own_targets(scn):
    """A what-if patch (as the aids and compare apply them) keeps every unit's own bases: a no-op
    patch scores exactly as the scenario does, and the target rows are all still there."""
    from models.scenario import with_patches

    name = scn.indicators()[0].name
    points = scn.indicator(name).points
    patched = with_patches(scn, [(f"assessments[{scn.assessment().name}].indicators[{name}].points", points)], "no-op")
    assert patched.target_rows == scn.target_rows and len(patched.target_rows) == 24
    a = scorecard(scn)[f"{scn.assessment().name}/counties"]
    b = scorecard(patched)[f"{scn.assessment().name}/counties"]
    assert np.array_equal(a["总分 [分]"].to_numpy(), b["总分 [分]"].to_numpy())

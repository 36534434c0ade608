"""The second shipped real scheme, scenarios/monthly (经济发展指标月度评估办法, 2020): it validates,
scores (checked by hand: the GDP target plus rank part, the award gate across three indicators),
simulates and optimises."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kaoping.cli import main
from models.projection import simulate
from models.scenario import build_scenario, load_scenario
from models.scorecard import central_values
from models.scoring import compile_scenario, score_all
from optimizer.plan import optimize
from optimizer.request import Request

MONTHLY = Path(__file__).resolve().parents[1] / "scenarios" / "monthly"


@pytest.fixture(scope="module")
def scn():
    return load_scenario(MONTHLY)


def _scores(scn):
    cs = compile_scenario(scn)
    return cs, cs.assessments[0], score_all(central_values(scn, cs), cs)[0]


def test_validates():
    assert main(["validate", str(MONTHLY)]) == 0


def test_gdp_target_and_rank_part_by_hand(scn):
    """GDP growth (forecasts.csv): 甲县 9.80, 戊区 9.49, 经开区 9.38, then 己市 8.74, 丙县 8.56, 丁区
    8.41, 乙县 8.31, 庚县 8.25: every unit reaches 8 % → 4 points; the rank part (2 points, 5 % less
    per place): 甲县 2, 戊区 1.9, 经开区 1.8, 庚县 (eighth) 2·0.65 = 1.3. With 乙县 at 7.9 instead:
    no target points and no rank part (未完成 → 不参与争先)."""
    cs, ca, res = _scores(scn)
    k_t, k_r = ca.names.index("地区生产总值增速"), ca.names.index("地区生产总值争先")
    idx = {c: cs.counties.index(c) for c in ("甲县", "戊区", "经开区", "庚县", "乙县")}
    assert [res.points[idx[c], k_t] for c in idx] == [4.0] * 5
    got = [res.points[idx[c], k_r] for c in ("甲县", "戊区", "经开区", "庚县")]
    assert got == pytest.approx([2.0, 1.9, 1.8, 1.3], abs=1e-9)
    data = yaml.safe_load((MONTHLY / "scenario.yaml").read_text(encoding="utf-8"))
    f = (MONTHLY / "forecasts.csv").read_text(encoding="utf-8").replace("乙县,地区生产总值增速,normal,8.31",
                                                                        "乙县,地区生产总值增速,normal,7.90")
    low = build_scenario(data, f, (MONTHLY / "effort.csv").read_text(encoding="utf-8"))
    _, _, res = _scores(low)
    assert (res.points[idx["乙县"], k_t], res.points[idx["乙县"], k_r]) == (0.0, 0.0)


def test_award_gate_across_three_indicators(scn):
    """戊区 ranks third at the forecasts (86.40 points) but its 固定资产投资增速 7.79 is below the 8 %
    gate: no award (无), and no refill (the fourth, 丁区, gets none either); 经开区 first and 甲县
    second keep theirs."""
    cs, ca, res = _scores(scn)
    grade = {c: ca.grade_names[res.grade[cs.counties.index(c)]] for c in cs.counties}
    rank = {c: int(res.rank[cs.counties.index(c)]) for c in cs.counties}
    assert (rank["经开区"], rank["甲县"], rank["戊区"], rank["丁区"]) == (1, 2, 3, 4)
    assert (grade["经开区"], grade["甲县"], grade["戊区"], grade["丁区"]) == ("第一名", "第二名", "无", "无")
    assert res.vetoed[cs.counties.index("戊区")].tolist() == [False, False, True, False]


def test_simulates(scn):
    a = simulate(scn, draws=500).assessment()
    g = a.grade_probs
    p = g[(g["县市区"] == "甲县")]["概率"].to_numpy()
    assert p.sum() == pytest.approx(1.0, abs=1e-12) and 0 < p[-1] < 1  # 无 sometimes: the gate binds


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_optimises_the_chance_of_an_award(scn, solver):
    """P(at least 第三名) on 60 draws within 6 人月, verified by re-scoring."""
    res = optimize(scn, Request(objective="grade-prob", grade=2, budget=6.0), n_draws=60, solver=solver,
                   n_fresh=500, warm_seconds=1.0, with_baselines=False)
    assert res.status == "optimal" and abs(res.objective - res.rescored) <= 1e-6
    assert res.levels.plan_effort(res.plan) <= 6.0 + 1e-9


def test_every_rule_quotes_the_document_and_every_invention_is_marked(scn):
    a = scn.assessment()
    assert a.source and all(i.source for i in a.indicators) and all(v.source for v in a.vetoes)
    assert all(f.assumption and f.note for f in scn.forecasts)
    assert all(e.assumption and e.note for e in scn.effort_rows)


def test_workbook_round_trip_keeps_value_of_and_conditions(tmp_path):
    """export-excel then import-excel gives the same totals, ranks and grades (value_of and the
    conditions with targets travel in the 高级 sheet, the rule kinds in 规则)."""
    assert main(["export-excel", str(MONTHLY), "-o", str(tmp_path / "m.xlsx")]) == 0
    assert main(["import-excel", str(tmp_path / "m.xlsx"), "-o", str(tmp_path / "back")]) == 0
    (_, _, a), (_, _, b) = _scores(load_scenario(MONTHLY)), _scores(load_scenario(tmp_path / "back"))
    assert a.total.tolist() == b.total.tolist() and a.grade.tolist() == b.grade.tolist()

"""The optimizer layer speaks the language in use: Chinese by default, English on request
(``set_language('en')``, the ``english`` fixture), for its table headers, its table words (solver
statuses, level kinds, baseline names, verdicts) and its messages; status codes and JSON keys stay
as they are.

Worked by hand:

- the tiny scenario (tests/data/tiny) with its home A's energy (lower is better, basic 0.8, 1 point
  per 0.01 short) forecast at 0.82 [吨标准煤]: a budget of 0.02 at 1 effort unit per unit of push
  buys at most a push of 0.02, which reaches the rule's breakpoint 0.8 (a level of kind
  'breakpoint'; the score only grows with the push, so the most push is best), and no push on
  exports (its first level, 0.125, costs 0.125 > 0.02); so the plan table lists energy, then
  exports (status quo), then the totals row, and the budget binds;
- min-effort for rank 1 against C (total 70 ± 2, A's best about 20 points): no draw can be won, so
  "at most 0.000 of the draws";
- the head-to-head of tests/test_aids.py::test_head_to_head_by_hand (fixed values): R leads on x by
  3 points (a weakness), H on y by 2 (a strength); totals H 18, R 19.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from models.i18n import language, set_language
from models.scenario import load_scenario
from optimizer.aids import rivals
from optimizer.aids.common import push_vector, study
from optimizer.errors import BadInput, Infeasible
from optimizer.plan import baseline_plans, optimize, prepare
from optimizer.request import Request
from optimizer.solver import status_word
from test_aids import scenario

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny"
EFFORT = "indicator,upto,cost\nexports,0.5,1\nexports,1.0,2\nenergy,0.05,1\nenergy,0.15,3\n"
PLAN_ZH = ["指标", "考核", "牵头单位", "预测值", "目标值", "推进量", "档位", "档位类型", "工作量", "预期得分增加 [分]", "理由"]
PLAN_EN = ["Indicator", "Assessment", "Lead department", "Forecast", "Target value", "Push", "Level", "Level kind",
           "Effort", "Expected gain [points]", "Reason"]


@pytest.fixture()
def tiny(tmp_path):
    d = tmp_path / "tiny"
    shutil.copytree(TINY, d)
    (d / "effort.csv").write_text(EFFORT, encoding="utf-8")
    return load_scenario(d)


def plan_of(scn):
    return optimize(scn, Request(objective="score", budget=0.02), n_draws=30, n_fresh=50, with_baselines=False)


def head_to_head():
    over = {"steps": {"per": 0.1, "points": 0.5}, "cap": 3, "pool": "bonus"}
    scn = scenario([("x", {"kind": "threshold", "basic": 4.0, "full": 5.0, "over": over}),
                    ("y", {"kind": "threshold", "basic": 0.8, "full": 0.7}, {"direction": "lower"})],
                   ["H,x,fixed,4.5,", "H,y,fixed,0.70,", "R,x,fixed,5.2,", "R,y,fixed,0.75,"])
    return rivals.head_to_head(study(scn, Request(assessment="main"), push_vector(scn, {}), n_draws=20))


def test_chinese_is_the_default(tiny):
    assert language() == "zh"
    res = plan_of(tiny)
    t = res.table
    assert list(t.columns) == PLAN_ZH
    assert t["指标"].tolist() == ["energy", "exports", "合计"]
    assert t["档位类型"].tolist() == ["规则断点", "现状", ""]
    assert t["目标值"].iloc[0] == pytest.approx(0.8, abs=1e-12) and t["推进量"].iloc[0] == pytest.approx(0.02, abs=1e-12)
    assert t["理由"].iloc[0] == f"推到规则断点 0.8 吨标准煤: 预期得分 +{t['预期得分增加 [分]'].iloc[0]:.3g}"
    assert t["理由"].iloc[1] == "维持现状: 推进的得分不抵工作量"
    assert res.status == "optimal" and status_word(res.status) == "最优"  # the code stays, the word is shown
    assert status_word("time_limit_feasible") == "时限内可行" and status_word("infeasible") == "不可行"
    hh = head_to_head()
    assert hh.items.set_index("指标")["判断"].to_dict() == {"x": "避短", "y": "扬长"}


def test_english_plan_table_and_statuses(tiny, english):
    res = plan_of(tiny)
    t = res.table
    assert list(t.columns) == PLAN_EN
    assert t["Indicator"].tolist() == ["energy", "exports", "Total"]
    assert t["Level kind"].tolist() == ["breakpoint", "status quo", ""]
    gain = t["Expected gain [points]"].iloc[0]
    assert t["Reason"].iloc[0] == f"to the rule breakpoint 0.8 吨标准煤: expected points +{gain:.3g}"
    assert t["Reason"].iloc[1] == "status quo: the points of a push are not worth its effort"
    assert t["Reason"].iloc[2] == "indicators pushed / total effort / sum of expected gains"
    assert res.status == "optimal" and status_word(res.status) == "optimal"
    assert status_word("time_limit_feasible") == "feasible within the time limit"
    assert status_word("failed") == "solver failed" and status_word("saa") == "SAA recommended plan"
    assert res.reasons[0] == "total budget 0.02, used 0.02 (the budget binds)"


def test_english_baselines(tiny, english):
    req = Request(objective="score", budget=0.02)
    names = [name for name, _plan in baseline_plans(tiny, prepare(tiny, 30, 1, req)[3], req)]
    assert names == ["The speech's rule", "Greedy by points per effort", "Even split"]


def test_english_aid_table_and_words(english):
    hh = head_to_head()
    assert list(hh.items.columns) == [
        "Rival", "Indicator", "Block", "Max points [points]", "Home expected points [points]",
        "Rival expected points [points]", "Lead [points]", "P(home scores more on the item)", "Std. error",
        "P(same points on the item)", "Verdict"]
    items = hh.items.set_index("Indicator")
    assert items["Verdict"].to_dict() == {"x": "weakness", "y": "strength"}
    assert items["Lead [points]"].to_dict() == pytest.approx({"x": -3.0, "y": 2.0}, abs=1e-9)
    tot = hh.totals.iloc[0]
    assert tot["Known by"] == "by indicator" and tot["P(home ranks above)"] == 0.0
    assert tot["Home mean score [points]"] == pytest.approx(18.0) and tot["Rival mean score [points]"] == pytest.approx(19.0)
    assert hh.words[1] == "  Strengths (where we lead most): y +2.00 points"
    assert hh.words[2] == "  Weaknesses (where the rival leads most): x -3.00 points"


def test_error_messages_in_both_languages(tiny, english):
    with pytest.raises(BadInput) as err:
        optimize(load_scenario(TINY), Request(objective="score"), n_draws=10)
    assert str(err.value) == "no home indicator can be pushed: add cost-curve rows to effort.csv"
    req = Request(objective="min-effort", rank=1, prob=0.5)
    with pytest.raises(Infeasible) as err:
        optimize(tiny, req, n_draws=20, with_baselines=False)
    assert str(err.value) == ("rank ≤ 1 with probability 0.5 is out of reach: even pushing every indicator to its limit "
                              "wins at most 0.000 of the draws")
    set_language("zh")
    with pytest.raises(BadInput) as err:
        optimize(load_scenario(TINY), Request(objective="score"), n_draws=10)
    assert str(err.value) == "本县没有可推进的指标：请在 effort.csv 中添加工作量曲线"
    with pytest.raises(Infeasible) as err:
        optimize(tiny, req, n_draws=20, with_baselines=False)
    assert str(err.value) == "以 0.5 的概率达到名次≤1做不到：即使每个指标都推到上限，最多也只在 0.000 的抽样中达到"

"""The decision aids (optimizer/aids/) on tiny scenarios whose answers are worked out by hand.

Each scenario is built here: a home county H and one rival R, threshold rules, no shared shocks;
the hand computations read the same draws (models.projection.draw, stream 3) the aids use, and
apply the rule's formula directly (not the scoring code), so every assertion is to 1e-9."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaoping.cli import main
from models import warning
from models.i18n import set_language
from models.options import option_levels
from models.projection import draw
from models.scenario import build_scenario
from models.scorecard import central_values
from models.scoring import compile_scenario
from optimizer.aids import adjust, attribution, goalseek, rivals, robustness
from optimizer.aids.common import EVAL_STREAM, push_vector, study
from optimizer.request import Request
from test_milp import random_instance

SEED = 7


def scenario(indicators, forecasts, rival_total=None, effort=None, departments=None):
    """H (home) against R; R known only by its total when ``rival_total`` = (mean, sd). Rank 1 = 一等."""
    counties = [{"name": "H", "peer_class": "k"}, {"name": "R", "peer_class": "k"}]
    if rival_total is not None:
        counties[1]["totals"] = {"main": {"mean": rival_total[0], "sd": rival_total[1]}}
    inds = []
    for name, rule, *rest in indicators:
        ind = {"name": name, "block": "core", "points": 10.0, "rule": rule}
        if rest:
            ind.update(rest[0])
        inds.append(ind)
    data = {"scenario": {"name": "aid", "year": 2024, "elapsed": 0.7, "home": "H"}, "counties": counties,
            "assessments": [{"name": "main", "blocks": [{"name": "core"}, {"name": "bonus", "cap": 2}], "indicators": inds,
                             "grades": {"by": "rank", "levels": [{"grade": "一等", "max_rank": 1}, {"grade": "二等"}]}}],
            "simulation": {"seed": SEED}}
    if departments:
        data["effort"] = {"budget": 10}
    f = "county,indicator,dist,mean,sd\n" + "\n".join(forecasts) + "\n"
    return build_scenario(data, f, effort)


THR = {"kind": "threshold", "basic": 4.6, "full": 5.0}  # 6 points at 4.6, linear to 10 at 5.0, 0 below


def jump():
    """H's x ~ N(4.5, 0.2) on a threshold 4.6 → 6 points (10 at 5.0); R's total is 5.9 for sure: H
    ranks first exactly when x (plus its push) reaches 4.6."""
    return scenario([("x", THR)], ["H,x,normal,4.5,0.2"], rival_total=(5.9, 0.0),
                    effort="indicator,upto,cost\nx,0.5,1\n")


def home_x(scn, n):
    return draw(scn, n, SEED, stream=EVAL_STREAM).values[:, 0, 0]


# --------------------------------------------------------------------------- target adjustment


def test_adjustment_across_the_forecast_gains_the_draws_in_between():
    """Basic 4.6 → 4.4 (across the forecast 4.5): H now ranks first when x ≥ 4.4 instead of 4.6, so
    P(rank 1) and P(一等) gain the share of draws with 4.4 ≤ x < 4.6 (≈ Φ(0.5) − Φ(−0.5) = 0.383),
    with the paired standard error √(p(1 − p)/(S − 1)). The expected total gains, per draw, the
    points of the new rule (6 + 4·(x − 4.4)/0.6 from 4.4, 10 from 5.0) less those of the old
    (6 + 4·(x − 4.6)/0.4 from 4.6)."""
    scn, S = jump(), 4000
    st_ = study(scn, Request(assessment="main"), push_vector(scn, {}), n_draws=S)
    adv = adjust.advise(st_, {"x": adjust.Adjustment(value=4.4)}, resolve=0)
    row = adv.table.iloc[0]
    x = home_x(scn, S)
    p = float(((x >= 4.4) & (x < 4.6)).mean())
    assert row["P(名次≤1)增加(保持方案)"] == pytest.approx(p, abs=1e-12)
    assert row["P(等次≥一等)增加(保持方案)"] == pytest.approx(p, abs=1e-12)
    assert row["P(名次≤1)增加(保持方案)标准误"] == pytest.approx(math.sqrt(p * (1 - p) * S / (S - 1) / S), abs=1e-12)
    new = np.where(x >= 4.4, np.minimum(6 + 4 * (x - 4.4) / 0.6, 10), 0.0)
    old = np.where(x >= 4.6, np.minimum(6 + 4 * (x - 4.6) / 0.4, 10), 0.0)
    assert row["期望总分增加(保持方案) [分]"] == pytest.approx(float((new - old).mean()), abs=1e-9)
    assert abs(p - 0.3829) < 4 * row["P(名次≤1)增加(保持方案)标准误"]  # the normal's mass within ±0.5 sd
    assert row["调整"] == "基本任务 4.6→4.4"


def test_adjustment_by_share_and_with_the_plan_resolved():
    """A 5 % easier basic target is 4.6 × 0.95 = 4.37. Re-optimised (here: a plan pushing x by 0.1),
    H ranks first when x + 0.1 ≥ 4.37: the gain over the kept plan (no push, basic 4.6) is the share
    of draws with 4.27 ≤ x < 4.6."""
    scn, S = jump(), 3000
    st_ = study(scn, Request(assessment="main"), push_vector(scn, {}), n_draws=S)
    adv = adjust.advise(st_, {"x": adjust.Adjustment(share=0.05)}, resolve=1,
                        plan_fn=lambda s, r: push_vector(s, {"x": 0.1}))
    row = adv.table.iloc[0]
    x = home_x(scn, S)
    assert row["调整"] == "基本任务 4.6→4.37"
    assert row["P(名次≤1)增加(保持方案)"] == pytest.approx(float(((x >= 4.37) & (x < 4.6)).mean()), abs=1e-12)
    assert row["P(名次≤1)增加(重新优化)"] == pytest.approx(float(((x + 0.1 >= 4.37) & (x < 4.6)).mean()), abs=1e-12)
    assert "4.6→4.37" in adv.words[0]


def test_adjustment_that_breaks_the_rule_is_reported_not_raised():
    """Easing the full target 5.0 by 10 % gives 4.5, below basic 4.6: a row says it cannot be."""
    scn = jump()
    st_ = study(scn, Request(assessment="main"), push_vector(scn, {}), n_draws=50)
    adv = adjust.advise(st_, {"x": adjust.Adjustment(share=0.1)}, which="full", resolve=0)
    assert "不可行" in adv.table.iloc[0]["调整"] and "必须低于满分目标" in adv.table.iloc[0]["调整"]
    with pytest.raises(Exception, match="并未放宽目标值 4.6"):
        adjust.advise(st_, {"x": adjust.Adjustment(value=4.8)}, resolve=0)
    set_language("en")
    with pytest.raises(Exception, match="does not ease"):
        adjust.advise(st_, {"x": adjust.Adjustment(value=4.8)}, resolve=0)


# --------------------------------------------------------------------------- head-to-head


def test_head_to_head_by_hand():
    """Fixed values. x (threshold 4/5, over-full 0.5 per 0.1 to the bonus block, capped at 2): H 4.5
    earns 6 + 4·0.5 = 8; R 5.2 earns 10 + 1 = 11. y (lower is better, basic 0.8, full 0.7): H 0.70
    earns 10; R 0.75 earns 6 + 4·0.5 = 8. So R leads on x by 3 (避短), H on y by 2 (扬长); totals
    H 18, R 10 + 8 + min(1, 2) = 19: H never ranks above R."""
    over = {"steps": {"per": 0.1, "points": 0.5}, "cap": 3, "pool": "bonus"}
    scn = scenario([("x", {"kind": "threshold", "basic": 4.0, "full": 5.0, "over": over}),
                    ("y", {"kind": "threshold", "basic": 0.8, "full": 0.7}, {"direction": "lower"})],
                   ["H,x,fixed,4.5,", "H,y,fixed,0.70,", "R,x,fixed,5.2,", "R,y,fixed,0.75,"])
    hh = rivals.head_to_head(study(scn, Request(assessment="main"), push_vector(scn, {}), n_draws=20))
    items = hh.items.set_index("指标")
    assert items.loc["x", "本县期望得分 [分]"] == pytest.approx(8.0, abs=1e-9)
    assert items.loc["x", "对手期望得分 [分]"] == pytest.approx(11.0, abs=1e-9)
    assert items.loc["x", "差 [分]"] == pytest.approx(-3.0, abs=1e-9) and items.loc["x", "判断"] == "避短"
    assert items.loc["y", "差 [分]"] == pytest.approx(2.0, abs=1e-9) and items.loc["y", "判断"] == "扬长"
    assert items.loc["x", "P(本县该项得分更高)"] == 0.0 and items.loc["y", "P(本县该项得分更高)"] == 1.0
    tot = hh.totals.iloc[0]
    assert tot["本县平均分 [分]"] == pytest.approx(18.0) and tot["对手平均分 [分]"] == pytest.approx(19.0)
    assert tot["P(本县排名在前)"] == 0.0 and tot["已知方式"] == "按指标"
    assert "扬长 (本县领先最多): y +2.00 分" in "\n".join(hh.words)


def test_head_to_head_rival_known_by_its_total():
    """R known only by its total N(18.5, 1): H (fixed 18) ranks above R in the draws where R's
    drawn total is below 18 (ties share the rank, so R = 18 would not count)."""
    scn = scenario([("x", {"kind": "threshold", "basic": 4.0, "full": 5.0})], ["H,x,fixed,5.5,"],
                   rival_total=(8.5, 1.0))  # H: 10 points; R: 8.5 + noise
    S = 2000
    hh = rivals.head_to_head(study(scn, Request(assessment="main"), push_vector(scn, {}), n_draws=S))
    r = draw(scn, S, SEED, stream=EVAL_STREAM).totals["main"][:, 1]
    tot = hh.totals.iloc[0]
    assert tot["P(本县排名在前)"] == pytest.approx(float((r < 10).mean()), abs=1e-12)
    assert tot["对手平均分 [分]"] == pytest.approx(float(r.mean()), abs=1e-9)
    assert tot["分差中位 [分]"] == pytest.approx(float(np.median(10 - r)), abs=1e-9)
    assert tot["已知方式"].startswith("按总分") and hh.items.empty


# --------------------------------------------------------------------------- attribution


def two_departments():
    """a (d1): 4.9 → push 0.1 reaches basic 5: 0 → 6 points; b (d2): 5.5 → push 0.5 reaches full 6:
    8 → 10; c (d3): 5.0, not pushed, 6 points. R's total is 21: the status quo (14), a alone (20) and
    b alone (16) lose; both (22) win."""
    thr = {"kind": "threshold", "basic": 5.0, "full": 6.0}
    return scenario([("a", thr, {"department": "d1"}), ("b", thr, {"department": "d2"}), ("c", thr, {"department": "d3"})],
                    ["H,a,fixed,4.9,", "H,b,fixed,5.5,", "H,c,fixed,5.0,"], rival_total=(21.0, 0.0),
                    effort="indicator,upto,cost\na,1,1\nb,1,1\nc,1,1\n")


def test_shapley_by_hand():
    """P(rank 1): only the grand coalition wins, so each of the two departments gets 1/2; the total
    is additive here, so each gets its own gain (6 and 2 points); d3 (nothing pushed) gets 0 even
    when made a player. Sampling both orders of two players (a permutation and its reverse) is
    exact. Points against full: d1 10 − 6 = 4, d2 0, d3 4."""
    scn = two_departments()
    st_ = study(scn, Request(assessment="main"), push_vector(scn, {"a": 0.1, "b": 0.5}), n_draws=10)
    for kw in ({}, {"players": ["d3"]}, {"max_exact": 1, "permutations": 2}):
        at = attribution.attribute(st_, **kw)
        t = at.table.set_index("牵头单位")
        assert t.loc["d1", "P(名次≤1)贡献"] == pytest.approx(0.5, abs=1e-12)
        assert t.loc["d2", "P(名次≤1)贡献"] == pytest.approx(0.5, abs=1e-12)
        assert t.loc["d1", "期望总分贡献 [分]"] == pytest.approx(6.0, abs=1e-9)
        assert t.loc["d2", "期望总分贡献 [分]"] == pytest.approx(2.0, abs=1e-9)
        assert t.loc["d3", "期望总分贡献 [分]"] == 0.0 and t.loc["d3", "P(名次≤1)贡献"] == 0.0
        assert list(t.loc[["d1", "d2", "d3"], "较满分失分 [分]"]) == pytest.approx([4.0, 0.0, 4.0], abs=1e-9)
        assert at.gain["rank"][0] == 1.0 and at.gain["score"][0] == pytest.approx(8.0)
    assert at.method == "sampled"


@settings(max_examples=12, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), share=st.floats(0.2, 1.0), exact=st.booleans())
def test_shapley_efficiency_and_dummy_on_random_instances(seed, share, exact):
    """Random tiny instances (tests/test_milp.py's generator: caps, pools, vetoes, promotion, peer
    rules), a random plan: the Shapley values of every measure sum to the plan's gain over the status
    quo, per draw (efficiency; exactly, also when sampled); a department made a player without a
    pushed indicator gets exactly 0 (dummy); the gain is the scoring model's (checked inside)."""
    data, f, e = random_instance(seed)
    scn = build_scenario(data, f, e)
    cs = compile_scenario(scn)
    L = option_levels(scn, cs, central_values(scn, cs))
    if L.n == 0:
        return
    rng = np.random.default_rng(seed)
    plan = {n: float(p[-1]) * share for n, p in zip(L.names, L.push) if rng.random() < 0.8}
    st_ = study(scn, Request(assessment="main", rank=1, grade=1), push_vector(scn, plan), n_draws=40, seed=seed % 1000)
    at = attribution.attribute(st_, players=["nobody"], **({} if exact else {"max_exact": 0, "permutations": 6}))
    gains = np.array([at.gain[m][0] for m in attribution.MEASURES])
    np.testing.assert_allclose(at.phi.sum(axis=1), gains, atol=1e-9)
    t = at.table.set_index("牵头单位")
    assert t.loc["nobody", "期望总分贡献 [分]"] == 0.0 and t.loc["nobody", "P(名次≤1)贡献"] == 0.0
    assert at.phi[:, at.players.index("nobody")].tolist() == [0.0, 0.0, 0.0]


# --------------------------------------------------------------------------- goal seek and break-even


def test_goal_seek_finds_the_smallest_push():
    """H ranks first when x + push ≥ 4.6, so P(push) ≥ 0.8 first holds at push* = 4.6 − x₍ₖ₎, x₍ₖ₎
    the k-th largest draw, k = ⌈0.8·S⌉: goal seek returns it within its tolerance, P there is ≥ 0.8
    and a tolerance less is below 0.8. Its effort is push* × 1 人月. Here ranking first is reaching
    basic, so the goal 'basic' (models.warning.push_for, exact) gives push* itself. 99.9 % needs
    more than the largest push (0.5): no push within reach does."""
    scn, S = jump(), 2000
    st_ = study(scn, Request(assessment="main"), push_vector(scn, {}), n_draws=S)
    row = goalseek.goal_seek(st_, "x", 0.8)
    x = np.sort(home_x(scn, S))[::-1]
    exact = 4.6 - x[math.ceil(0.8 * S) - 1]
    assert exact <= row["最小推进量"] <= exact + row["精度"] + 1e-12
    assert row["该推进量下概率"] >= 0.8 and row["少推一点的概率"] < 0.8
    assert row["工作量"] == pytest.approx(row["最小推进量"], abs=1e-12)
    assert row["达到值"] == pytest.approx(4.5 + row["最小推进量"], abs=1e-12)
    assert row["不推进该项概率"] == pytest.approx(float((x >= 4.6).mean()), abs=1e-12)
    same = goalseek.goal_seek(st_, "x", 0.8, goal="basic")  # x's own basic target, solved as kaoping warn does
    assert same["最小推进量"] == warning.push_for(x, 4.6, 0.8) and abs(same["最小推进量"] - exact) < 1e-12
    out = goalseek.goal_seek(st_, "x", 0.999)
    assert out["结论"] == "推到可达上限也达不到" and out["上限处概率"] == pytest.approx(float((x + 0.5 >= 4.6).mean()))
    assert goalseek.goal_seek(st_, "x", 0.01)["最小推进量"] == 0.0  # already met


def test_breakeven_of_a_rival_total():
    """H has 8 points for sure (x = 4.8: 6 + 4·0.2/0.4); R's total is N(7, 1). H keeps rank 1 while
    R's total + δ ≤ 8 (ties share the rank), so P(δ) ≥ 0.5 up to δ* = 8 − R₍ₖ₎, R₍ₖ₎ the k-th
    smallest drawn total, k = ⌈S/2⌉. Re-simulating with R's forecast total moved by δ* ∓ 1e-5
    (a scenario patch) keeps and loses the goal (checked inside)."""
    scn = scenario([("x", THR)], ["H,x,fixed,4.8,"], rival_total=(7.0, 1.0))
    S = 1001
    st_ = study(scn, Request(assessment="main"), push_vector(scn, {}), n_draws=S)
    row = goalseek.breakeven(st_, "R", 0.5)
    r = np.sort(draw(scn, S, SEED, stream=EVAL_STREAM).totals["main"][:, 1])
    exact = 8 - r[math.ceil(0.5 * S) - 1]
    assert exact - 1e-6 <= row["盈亏平衡增分 [分]"] <= exact
    assert row["现在的概率"] == pytest.approx(float((r <= 8).mean()), abs=1e-12)
    assert row["对手总分达到 [分]"] == pytest.approx(r.mean() + row["盈亏平衡增分 [分]"])


# --------------------------------------------------------------------------- robustness


def test_prim_peels_to_the_failures_by_hand():
    """X = 0, 1, …, 99, failures where X ≥ 80, α = 0.1, failures at high values (peel the low end):
    each peel keeps X ≥ the box's 10 % quantile: 9.9, 18.9, 27, 34.2, 41.4, 47.7, 53.1, 58.5, 63,
    66.6, 70.2, 73.8, 76.5, 79.2; the next (81.9) cannot raise the density above 1 and peeling
    stops. The box kept (highest coverage with density ≥ 0.8) is X ≥ 79.2 (coverage 1, density 1:
    X ≥ 76.5 has 20/23); rounded inward (sd 28.9 → whole numbers) it reads X ≥ 80, mass 0.2."""
    X = np.arange(100.0)[:, None]
    y = X[:, 0] >= 80
    traj = robustness.peel(X, y, alpha=0.1, min_mass=0.05, bad=np.array([1.0]))
    lows = [b.lo[0] for b in traj[1:]]
    assert lows == pytest.approx([9.9, 18.9, 27, 34.2, 41.4, 47.7, 53.1, 58.5, 63, 66.6, 70.2, 73.8, 76.5, 79.2], abs=1e-9)
    boxes = robustness.discover(X, y, bad=np.array([1.0]), alpha=0.1, n_rules=3)
    assert len(boxes) == 1 and boxes[0].lo[0] == 80.0 and boxes[0].hi[0] == np.inf
    assert robustness.stats(boxes[0], X, y) == (1.0, 1.0, 0.2)


def test_robustness_rule_names_the_rival():
    """H has 8 points for sure; R's total N(7, 1): the plan fails exactly when R gains more than 1
    point over its forecast. The total-level rule is "R 总分较预测 ≥ a" with a ≤ 1 (all failures
    inside: coverage 1), its coverage and density those of the stated threshold on the draws."""
    scn = scenario([("x", THR)], ["H,x,fixed,4.8,"], rival_total=(7.0, 1.0))
    S = 3000
    rb = robustness.robustness(study(scn, Request(assessment="main"), push_vector(scn, {}), n_draws=S))
    gain = draw(scn, S, SEED, stream=EVAL_STREAM).totals["main"][:, 1] - 7.0
    fail = gain > 1.0
    assert rb.p_fail == pytest.approx(float(fail.mean()))
    row = rb.rules[rb.rules["层次"] == "总分"].iloc[0]
    level, box = rb.boxes[0]
    a = box.lo[rb.features[level].names.index("R 总分较预测")]
    assert row["条件"] == f"R 总分较预测(7.00 分) ≥ {a:+.6g} 分" and a <= 1.0
    inside = gain >= a
    assert row["覆盖率"] == 1.0 and row["密度"] == pytest.approx(fail.sum() / inside.sum(), abs=1e-12)
    assert row["密度"] >= 0.8 and row["抽样占比"] == pytest.approx(inside.mean(), abs=1e-12)
    assert "保得住名次≤1, 除非 R 总分较预测" in rb.words[1]


# --------------------------------------------------------------------------- the commands


@pytest.fixture()
def jump_dir(tmp_path):
    d = tmp_path / "jump"
    d.mkdir()
    scn = jump()
    import yaml

    (d / "scenario.yaml").write_text(yaml.safe_dump(scn.raw, allow_unicode=True), encoding="utf-8")
    (d / "forecasts.csv").write_text("county,indicator,dist,mean,sd\nH,x,normal,4.5,0.2\n", encoding="utf-8")
    (d / "effort.csv").write_text("indicator,upto,cost\nx,0.5,1\n", encoding="utf-8")
    return d


@pytest.mark.parametrize("cmd, extra", [("adjust", ["--set", "x=4.4", "--resolve", "1"]), ("rivals", []),
                                        ("attribute", []), ("goal-seek", ["--prob", "0.8"]), ("robust", [])])
def test_commands_json_and_run_folder(jump_dir, tmp_path, capsys, cmd, extra):
    """Each aid's command: --json on stdout (the plan optimised here, one MILP), a run folder with
    a report section; a bad --plan exits 2."""
    import json

    out = tmp_path / f"run-{cmd}"
    code = main([cmd, str(jump_dir), "--draws", "300", "--replications", "1", "--opt-draws", "30", "--json",
                 "--out", str(out), *extra])
    res = json.loads(capsys.readouterr().out)
    assert code == 0 and res["scenario"] == "aid" and res["draws"] == 300
    assert (out / "report.html").is_file() and "<h2>" in (out / "report.html").read_text(encoding="utf-8")
    assert main([cmd, str(jump_dir), "--plan", str(tmp_path / "nowhere")]) == 2


def test_plan_read_from_an_optimize_run(jump_dir, tmp_path, capsys):
    """``--plan RUN_DIR`` studies the plan ``kaoping optimize --out RUN_DIR`` wrote."""
    import json

    run = tmp_path / "opt"
    assert main(["optimize", str(jump_dir), "--draws", "30", "--out", str(run)]) == 0
    capsys.readouterr()
    assert main(["rivals", str(jump_dir), "--plan", str(run), "--draws", "100", "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    import pandas as pd

    plan = pd.read_csv(run / "plan.csv", encoding="utf-8-sig")
    pushed = plan[(plan["指标"] == "x")]["推进量"].iloc[0]
    assert res["plan_source"].startswith("读自") and pushed > 0
    assert [r["push"] for r in res["plan"]] == [pytest.approx(pushed, abs=1e-9)]

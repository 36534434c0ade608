"""Graded warnings and the two lists (models/warning.py, ``kaoping warn``): hand-worked grading and
pushes, the pushes checked by the scoring model, the speech's count reproduced at the July actuals
of scenarios/sanmen, the district's deduction two years running, and the outputs (JSON, the Excel
lists with their colours read back, the report section rendered in Chromium)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from PIL import Image
from test_report import render
from test_sanmen import BASIC_INVENTED, BASIC_NAMED, KEY_BASIC, KEY_SHORT, SHORT_NAMED

from kaoping.cli import main
from kaoping.excel.style import LEVEL_FILLS
from models.projection import apply_push
from models.scenario import load_scenario
from models.scoring import compile_scenario, score_all
from models.tracking import NO_HISTORY
from models.warning import GREEN, RED, YELLOW, Reach, Thresholds, colour, home_draws, push_for, reach, warn

ROOT = Path(__file__).resolve().parents[1]
SANMEN = ROOT / "scenarios" / "sanmen"
DISTRICT = ROOT / "scenarios" / "district"
A = "发展目标考核"
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def sanmen():
    return load_scenario(SANMEN)


@pytest.fixture(scope="module")
def sanmen_warnings(sanmen):
    return warn(sanmen, draws=4000)


# --------------------------------------------------------------------------- hand-worked


def test_push_for_a_probability_hand_worked():
    """Good-direction draws 1, 2, 3, 4, 5 and the target 4.5: for 80 % (⌈0.8·5⌉ = 4 draws) the 4th
    largest, 2, must reach it: push 2.5; for 40 % (2 draws) the 2nd largest, 4: push 0.5; a target
    already reached by 4 of 5 draws at 80 %: push 0."""
    g = np.array([3.0, 1.0, 5.0, 2.0, 4.0])
    assert push_for(g, 4.5, 0.8) == 2.5 and push_for(g, 4.5, 0.4) == 0.5
    assert push_for(g, 2.0, 0.8) == 0.0
    p = push_for(g, 0.3 + 4.0, 0.4)  # rounding: 4 + p must reach 4.3 itself
    assert 4.0 + p >= 0.3 + 4.0 and ((g + p) >= 4.3).sum() == 2


def test_grading_hand_worked():
    """A threshold indicator (basic 80, full 90, 5 % margin: more than basic from 80.5): draws
    79, 80, 80.4, 85, 91 → P(basic) = 4/5, P(more) = 2/5, P(full) = 1/5: yellow at the default
    thresholds (0.5, 0.5), red when ``red`` is 0.9, green when ``yellow`` is 0.4. A deduction
    item (per_event, −2 per event): points 0, 0, −2 → P(basic) = P(full) = 2/3: green."""
    from models.schema import Indicator

    ind = Indicator(name="x", block="b", points=10, rule={"kind": "threshold", "basic": 80, "full": 90})
    x = np.array([79, 80, 80.4, 85, 91.0])
    r = reach(ind, 1.0, x, np.zeros(5))
    assert (r.basic.mean(), r.more.mean(), r.full.mean()) == (0.8, 0.4, 0.2)
    assert colour(0.8, 0.4, Thresholds()) == YELLOW
    assert colour(0.8, 0.4, Thresholds(red=0.9)) == RED and colour(0.8, 0.4, Thresholds(yellow=0.4)) == GREEN
    ev = Indicator(name="e", block="b", points=4, direction="lower", rule={"kind": "per_event", "points": -2, "cap": 4})
    r = reach(ev, -1.0, np.array([0, 0, 1.0]), np.array([0, 0, -2.0]))
    assert isinstance(r, Reach) and r.basic.mean() == r.more.mean() == r.full.mean() == pytest.approx(2 / 3)
    lower = Indicator(name="y", block="b", points=10, direction="lower", rule={"kind": "threshold", "basic": 0.8, "full": 0.7})
    r = reach(lower, -1.0, np.array([0.81, 0.8, 0.795, 0.69]), np.zeros(4))  # more than basic: ≤ 0.795
    assert list(r.basic) == [False, True, True, True] and list(r.more) == [False, False, True, True]


def test_pushes_reach_basic_in_80_percent_of_draws_by_the_scoring_model(sanmen, sanmen_warnings):
    """Each red indicator's push, applied to the same draws and re-scored by models.scoring, earns
    at least the basic points in ≥ 80 % of them; a push 1 % smaller in fewer."""
    cs = compile_scenario(sanmen)
    hd = home_draws(sanmen, 4000, sanmen.spec.simulation.seed, cs=cs)
    ind = sanmen_warnings.indicators.set_index("指标")
    from models.projection import draw

    d = draw(sanmen, 4000, sanmen.spec.simulation.seed, cs=cs)
    assert np.array_equal(d.values[:, cs.home, :], hd.values)
    ca = cs.assessment(A)
    checked = 0
    for name in ind.index[(ind["预警"] == RED) & (ind["考核"] == A)]:
        push = ind.loc[name, "达基本所需推进"]
        i = sanmen.indicator(name)
        k = list(ca.names).index(name)
        basic_points = i.rule.basic_share * i.points
        for scale, at_least in ((1.0, True), (0.99, False)):
            p = np.zeros(len(cs.indicators))
            p[cs.indicators.index(name)] = push * scale
            pts = score_all(apply_push(d.values, cs, p), cs, drawn_totals=d.totals)[0].points[:, cs.home, k]
            share = (pts >= basic_points - 1e-9).mean()
            assert (share >= 0.8) == at_least, (name, scale, share)
        checked += 1
    assert checked == 10


# --------------------------------------------------------------------------- the seed scenarios


def test_july_actuals_reproduce_the_speechs_10_red_and_16_yellow(sanmen, sanmen_warnings):
    """"1-7月份……36项指标,其中10项连基本分也得不到,16项只能拿基本分": at the July actuals (the
    projection where the speech gives no forecast) the warnings are 10 red (the 8 named 综合指标 and 2
    key-work items short of basic) and 16 yellow (basic points only); the other 10 green."""
    w = sanmen_warnings.indicators
    dev = w[w["考核"] == A]
    assert len(dev) == 36
    level = dict(zip(dev["指标"], dev["预警"]))
    assert {n for n, v in level.items() if v == RED} == SHORT_NAMED | KEY_SHORT
    assert {n for n, v in level.items() if v == YELLOW} == BASIC_NAMED | BASIC_INVENTED | KEY_BASIC | {"满意指数"}
    s = sanmen_warnings.summary.set_index("考核").loc[A]
    assert (s[RED], s[YELLOW], s[GREEN]) == (10, 16, 10)
    # the projection replaced the invented forecasts (24 of them) and the speech's 12 hand forecasts stay
    used = {e.indicator for e in sanmen.year_ends if e.county == "三门" and not e.hand}
    assert len(used) == 24 and set(dev.loc[dev["预测来源"] == "推算", "指标"]) == used
    assert "年年扣分（连续2年）" in dev.set_index("指标").loc["食品安全抽检合格率", "说明"]


def test_sanmen_actuals_are_quoted_or_marked(sanmen):
    """Every this-year actual the speech quotes is in its row's source (and the source is in the
    speech); every other row is an assumption with a note; each projected indicator has two past
    years and its spread from them."""
    from seedref import speech, squash
    from test_sanmen import _numbers

    text = speech()
    for a in sanmen.actuals:
        if a.source:
            assert squash(a.source) in text, a.source
        if not a.assumption:
            assert a.value in _numbers(a.source), (a.indicator, a.value)
        else:
            assert a.note
    quoted = {a.indicator: a.value for a in sanmen.actuals if not a.assumption}
    assert quoted["农转用土地供地率(批次四)"] == 1.41 and quoted["规模上亩均税收"] == 3.8 and quoted["食品安全抽检合格率"] == 83.8
    for e in sanmen.year_ends:
        if not e.hand:
            assert e.years == (2008, 2009) and e.projected.spread_history and e.month == 7


def test_district_deduction_two_years_running_shows_in_warnings_and_scorecard():
    """Speech B: the circular '连续两年被扣分' (2022 and 2021): the scorecard's home table says 2 years
    in a row and 10 points lost last year; the warnings say 年年扣分."""
    from models.scorecard import scorecard

    scn = load_scenario(DISTRICT)
    home = scorecard(scn)["综合绩效考评/home"].set_index("指标")
    assert home.loc["上级通报批评", "连续失分年数"] == 2 and home.loc["上级通报批评", "去年失分 [分]"] == 10
    w = warn(scn, draws=500, assessment="综合绩效考评")
    row = w.indicators.set_index("指标").loc["上级通报批评"]
    assert row["连续失分年数"] == 2 and "年年扣分（连续2年）" in row["说明"]
    dept = w.departments.set_index("牵头单位").loc["区委办"]
    assert "上级通报批评" in dept["年年扣分指标"]


# --------------------------------------------------------------------------- the command and its outputs


def test_warn_prints_the_lists_writes_json_excel_and_a_report_section(tmp_path, capsys):
    xlsx, out = tmp_path / "两个清单.xlsx", tmp_path / "run"
    assert main(["warn", str(SANMEN), "--draws", "1000", "--assessment", A, "--excel", str(xlsx), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "指标清单 · 发展目标考核：红 10，黄 16，绿 10" in text and "== 部门清单 ==" in text
    assert main(["warn", str(SANMEN), "--draws", "1000", "--assessment", A, "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["summary"][0]["red"] == 10 and res["thresholds"] == {"red": 0.5, "yellow": 0.5, "secure": 0.8}
    assert len(res["indicators"]) == 36 and {d["department"] for d in res["departments"]} >= {"国土资源局", "发改局"}
    # Excel: a sheet per list, every 预警 cell filled with its colour
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["说明", "指标清单", "部门清单"]
    fills = {}
    for sheet in ("指标清单", "部门清单"):
        ws = wb[sheet]
        col = [c.value for c in ws[1]].index("预警")
        for row in ws.iter_rows(min_row=2):
            c = row[col]
            assert c.fill.fill_type == "solid" and c.fill.fgColor.rgb[-6:] == LEVEL_FILLS[c.value], (sheet, c.value)
            fills.setdefault(sheet, []).append(c.value)
        assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$1"
    assert fills["指标清单"].count(RED) == 10 and fills["指标清单"].count(YELLOW) == 16
    # the run folder's report: both lists, coloured, rendered by Chromium
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "warn-report.png"
    dom = render(out / "report.html", tmp_path / "profile", shot)
    for words in ("预警汇总", "指标清单", "部门清单", "按月度实绩推算年终值", "往年名次", "基本分难保", "只能拿基本分"):
        assert words in dom, words
    n_red = dom.count(f'style="background:#{LEVEL_FILLS[RED]}"')
    assert n_red == 10 + sum(1 for d in res["departments"] if d["warning"] == RED)
    with Image.open(shot) as im:  # the fills are drawn, not only written
        colours = {px for _, px in im.convert("RGB").getcolors(maxcolors=1 << 20)}
    assert {tuple(int(LEVEL_FILLS[lv][i:i + 2], 16) for i in (0, 2, 4)) for lv in (RED, YELLOW)} <= colours


def test_thresholds_are_parameters(sanmen, sanmen_warnings):
    """Raising ``red`` to 0.9 turns red exactly the yellow items with P(reach basic) below 0.9."""
    base = sanmen_warnings.indicators
    strict = warn(sanmen, draws=4000, thresholds=Thresholds(red=0.9)).indicators
    newly = set(strict.loc[strict["预警"] == RED, "指标"]) - set(base.loc[base["预警"] == RED, "指标"])
    expect = set(base.loc[(base["预警"] != RED) & (base["达基本概率"] < 0.9), "指标"])
    assert newly == expect and len(newly) > 5
    assert main(["warn", str(SANMEN), "--red", "1.5"]) == 2


def test_a_fallback_projection_is_said_in_the_output(tmp_path, capsys):
    """A scenario whose actuals have no past years: the warn output says the projection fell back."""
    from test_tracking import _tiny_with_actuals

    d = _tiny_with_actuals(tmp_path, "county,indicator,year,month,value\nA,exports,2024,7,2.8\n")
    assert main(["warn", str(d), "--draws", "200"]) == 0
    out = capsys.readouterr().out
    assert NO_HISTORY in out and "exports" in out.split(NO_HISTORY)[1]

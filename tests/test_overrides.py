"""Named overrides (models/overrides.py): each changes exactly the value it names, an empty
set changes nothing, unknown names are validation errors with their place (exit 2), and the
shipped what-ifs move the scorecard the expected way by hand-checked amounts."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kaoping.cli import main
from models.overrides import apply_overrides, parse_path
from models.scenario import ScenarioError, build_scenario, load_scenario
from models.scorecard import central_values
from models.scoring import compile_scenario, score_all

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny"
DISTRICT = ROOT / "scenarios" / "district"
SANMEN = ROOT / "scenarios" / "sanmen"
SHIPPED = ("target-adjusted", "rival-surge", "budget-cut", "rule-change")


def flat(obj, prefix="") -> dict:
    """Leaves of a nested dump keyed by a readable path (list items by their name)."""
    out = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.update(flat(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(obj, list) and obj and all(isinstance(x, dict) and ("name" in x or "grade" in x) for x in obj):
        for x in obj:
            out.update(flat(x, f"{prefix}[{x.get('name', x.get('grade'))}]"))
    elif isinstance(obj, list):
        for k, x in enumerate(obj):
            out.update(flat(x, f"{prefix}[{k}]"))
    else:
        out[prefix] = obj
    return out


def changed(a, b) -> dict:
    """{path: (before, after)} of every leaf that differs (spec, forecast rows, effort rows)."""
    fa, fb = _dump(a), _dump(b)
    return {k: (fa.get(k), fb.get(k)) for k in fa.keys() | fb.keys() if fa.get(k) != fb.get(k)}


def _dump(s) -> dict:
    spec = s.spec.model_dump()
    spec.pop("overrides")
    d = flat(spec)
    for f in s.forecasts:
        d.update(flat(f.model_dump(), f"forecasts[{f.county}/{f.indicator}]"))
    for k, e in enumerate(s.effort_rows):
        d.update(flat(e.model_dump(), f"effort_rows#{k}"))
    return d


def tiny_data(overrides: dict) -> tuple[dict, str, str]:
    data = yaml.safe_load((TINY / "scenario.yaml").read_text(encoding="utf-8"))
    data["overrides"] = overrides
    ftext = (TINY / "forecasts.csv").read_text(encoding="utf-8")
    etext = "indicator,upto,cost\nexports,0.5,2\nexports,1.0,3\n"
    return data, ftext, etext


def build(overrides: dict, names=()):
    data, f, e = tiny_data(overrides)
    return build_scenario(data, f, e, overrides=list(names))


# --------------------------------------------------------------------------- the mechanism


def test_parse_path_reads_brackets_with_dots_and_slashes():
    assert parse_path("assessments[发展目标考核].indicators[PM2.5浓度].rule.basic") == [
        ("assessments", ["发展目标考核"]), ("indicators", ["PM2.5浓度"]), ("rule", []), ("basic", [])]
    assert parse_path("forecasts[仙居/外贸自营出口].mean") == [("forecasts", ["仙居/外贸自营出口"]), ("mean", [])]
    assert parse_path("counties[C].totals[main].mean") == [("counties", ["C"]), ("totals", ["main"]), ("mean", [])]


def test_empty_override_set_changes_nothing():
    base = build({"noop": {"description": "nothing", "set": []}})
    assert changed(base, build({"noop": {"set": []}}, ["noop"])) == {}
    data, f, e = tiny_data({})
    rows = [(2, r) for r in base.forecasts]
    d2, f2, e2, probs = apply_overrides(data, rows, [], [])
    assert d2 == data and f2 == rows and e2 == [] and probs == []
    assert d2 is not data  # a copy: the caller's dict is never touched


def test_each_kind_of_path_changes_exactly_its_value():
    ovs = {
        "basic": {"set": [{"path": "assessments[main].indicators[exports].rule.basic", "value": 3.5}]},
        "weight": {"set": [{"path": "assessments[main].blocks[core].weight", "value": 1.5}]},
        "total": {"set": [{"path": "counties[C].totals[main].mean", "value": 75}]},
        "budget": {"set": [{"path": "effort.budget", "value": 6}]},
        "fc": {"set": [{"path": "forecasts[B/exports].mean", "value": 5.6}]},
        "seg": {"set": [{"path": "effort_rows[exports/1].cost", "value": 4}]},
    }
    base = build(ovs)
    expect = {
        "basic": {"assessments[main].indicators[exports].rule.basic": (4.0, 3.5)},
        "weight": {"assessments[main].blocks[core].weight": (1.0, 1.5)},
        "total": {"counties[C].totals.main.mean": (70.0, 75.0)},
        "budget": {"effort.budget": (10.0, 6.0)},
        "fc": {"forecasts[B/exports].mean": (5.2, 5.6)},
        "seg": {"effort_rows#1.cost": (3.0, 4.0)},
    }
    for name, diff in expect.items():
        assert changed(base, build(ovs, [name])) == diff, name


def test_later_override_wins_and_both_apply():
    ovs = {"a": {"set": [{"path": "effort.budget", "value": 6}]},
           "b": {"set": [{"path": "effort.budget", "value": 4}, {"path": "forecasts[A/energy].sd", "value": 0.05}]}}
    s = build(ovs, ["a", "b"])
    assert s.spec.effort.budget == 4 and s.forecast("A", "energy").sd == 0.05
    assert build(ovs, ["b", "a"]).spec.effort.budget == 6


@pytest.mark.parametrize("path, words", [
    ("counties[无此县].totals[main].mean", "no '无此县' in counties"),
    ("assessments[main].indicators[无此指标].rule.basic", "no '无此指标' in assessments[main].indicators"),
    ("assessments[无此考核].blocks[core].weight", "no '无此考核' in assessments"),
    ("counties[B].totals[main].mean", "no 'totals' in counties[B]"),
    ("forecasts[无此县/exports].mean", "unknown county '无此县'"),
    ("forecasts[B/无此指标].mean", "unknown indicator '无此指标'"),
    ("forecasts[C/exports].mean", "no forecast rows for county 'C'"),
    ("forecasts[B/exports].colour", "'colour' is not a column"),
    ("forecasts[B/exports].sd", "refuses sd = -1"),
    ("effort_rows[energy/0].cost", "no effort rows for indicator 'energy'"),
    ("effort_rows[exports/2].cost", "has 2 effort segment(s)"),
    ("assessments[main].indicators[exports", "cannot read path"),
    ("scenario.home.x", "is not a mapping"),
])
def test_bad_patch_is_a_problem_on_the_override_never_a_keyerror(path, words, english):
    value = -1 if path.endswith(".sd") else 1
    with pytest.raises(ScenarioError) as exc:
        build({"bad": {"set": [{"path": path, "value": value}]}}, ["bad"])
    probs = [p for p in exc.value.problems if p.field == "overrides[bad]"]
    assert len(probs) == 1 and probs[0].file == "scenario.yaml"
    assert words in probs[0].message and "set[0]" in probs[0].message


def test_declared_but_broken_override_fails_validation_even_unapplied():
    with pytest.raises(ScenarioError) as exc:
        build({"bad": {"set": [{"path": "counties[Z].totals[main].mean", "value": 1}]}})
    assert [p.field for p in exc.value.problems] == ["overrides[bad]"]


def test_unknown_override_name_is_reported(english):
    with pytest.raises(ScenarioError) as exc:
        build({"a": {"set": []}}, ["nope"])
    (p,) = exc.value.problems
    assert (p.file, p.field) == ("scenario.yaml", "overrides[nope]") and "use one of a" in p.message


@settings(max_examples=25, deadline=None)
@given(st.floats(min_value=0, max_value=1e6, allow_nan=False), st.floats(min_value=0.01, max_value=3.99))
def test_property_only_the_patched_leaves_move(budget, basic):
    ovs = {"x": {"set": [{"path": "effort.budget", "value": budget},
                         {"path": "assessments[main].indicators[exports].rule.basic", "value": basic}]}}
    diff = changed(build(ovs), build(ovs, ["x"]))
    assert set(diff) <= {"effort.budget", "assessments[main].indicators[exports].rule.basic"}
    assert diff.get("effort.budget", (10.0, 10.0))[1] == budget


# --------------------------------------------------------------------------- CLI


def test_cli_unknown_override_exits_2_with_the_place(capsys, english):
    rc = main(["validate", str(DISTRICT), "--overrides", "budget-cut,no-such"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "scenario.yaml [overrides[no-such]]: unknown override 'no-such'" in err


def test_cli_unknown_county_in_a_declared_override_exits_2(tmp_path, capsys, english):
    data, f, _ = tiny_data({"surge": {"set": [{"path": "counties[仙居].totals[main].mean", "value": 80}]}})
    (tmp_path / "scenario.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (tmp_path / "forecasts.csv").write_text(f, encoding="utf-8")
    assert main(["validate", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "[overrides[surge]]" in err and "no '仙居' in counties" in err


# --------------------------------------------------------------------------- shipped overrides


def _home(s):
    cs = compile_scenario(s)
    res = score_all(central_values(s, cs), cs)
    return [(float(r.total[cs.home]), int(r.rank[cs.home]), ca.grade_names[r.grade[cs.home]])
            for ca, r in zip(cs.assessments, res)]


@pytest.fixture(scope="module")
def district_base():
    return load_scenario(DISTRICT)


def test_district_ships_the_four_overrides(district_base):
    assert set(district_base.spec.overrides) == set(SHIPPED)


def test_district_overrides_change_exactly_their_values(district_base):
    A = "assessments[综合绩效考评]"
    expect = {
        "target-adjusted": {f"{A}.indicators[规模以上工业增加值增速].rule.basic": (6.0, 5.0),
                            f"{A}.indicators[规模以上工业增加值增速].rule.full": (9.0, 8.0)},
        "rival-surge": {"counties[庚县].totals.综合绩效考评.mean": (995.0, 1030.0)},
        "budget-cut": {"effort.budget": (40.0, 25.0)},
        "rule-change": {f"{A}.blocks[两个高于加分].weight": (1.0, 0.5)},
    }
    for name in SHIPPED:
        assert changed(district_base, load_scenario(DISTRICT, [name])) == expect[name], name


def test_district_overrides_move_the_scorecard(district_base):
    """Home comprehensive total 1013.5917, rank 7 of 8, 一等 (see test_district).
    target-adjusted: 工业增加值增速 5.4 against basic 5 / full 8 earns 15 + 10·0.4/3 = 16.3333
      instead of the floored deduction −5: +21.3333 → 1034.9251, passing 戊县 (1030) and 己县 → rank 5.
    rival-surge: 庚县 995 → 1030 passes the district: rank 7 → 8, total unchanged.
    budget-cut: the scorecard does not depend on the budget: unchanged.
    rule-change: 两个高于 60 points × 0.5 = 30: −30 → 983.5917 < 1000: 二等, rank 8.
    The specials are untouched by all four."""
    base = _home(district_base)
    assert base[0][1:] == (7, "一等") and base[0][0] == pytest.approx(1013.5917, abs=1e-4)
    got = {n: _home(load_scenario(DISTRICT, [n])) for n in SHIPPED}
    assert got["target-adjusted"][0][0] - base[0][0] == pytest.approx(21.33333, abs=1e-4)
    assert got["target-adjusted"][0][1:] == (5, "一等")
    assert got["rival-surge"][0] == (base[0][0], 8, "一等")
    assert got["budget-cut"] == base
    assert got["rule-change"][0][0] == pytest.approx(983.5917, abs=1e-4) and got["rule-change"][0][1:] == (8, "二等")
    for n in SHIPPED:
        assert got[n][1:] == base[1:], n


def test_sanmen_overrides_change_exactly_their_values_and_move_the_scorecard():
    """scenarios/sanmen ships the same four names (appended to its overrides).
    target-adjusted: 亩均工业总产值 basic 168.7 → 150; the forecast 155 then earns
      0.6·1.5 + 0.4·1.5·(155 − 150)/(202.44 − 150) = 0.9572 instead of 0 (short of basic);
    rival-surge: 仙居's total +0.8 (whatever its base), 三门's score unchanged, its rank no better;
    budget-cut: 24 → 16, scorecard unchanged; rule-change: 满意指数 × 0.8 takes 0.2 of that block."""
    base = load_scenario(SANMEN)
    assert set(SHIPPED) <= set(base.spec.overrides)
    A = "assessments[发展目标考核]"
    ind = base.indicator("规模以上企业亩均工业总产值")
    old_basic = ind.rule.basic
    expect = {
        "target-adjusted": {f"{A}.indicators[规模以上企业亩均工业总产值].rule.basic": (old_basic, 150.0)},
        "rival-surge": {"counties[仙居].totals.发展目标考核.mean": (m0 := base.county("仙居").totals["发展目标考核"].mean,
                                                                 pytest.approx(m0 + 0.8, abs=1e-9))},
        "budget-cut": {"effort.budget": (base.spec.effort.budget, 16.0)},
        "rule-change": {f"{A}.blocks[满意指数].weight": (1.0, 0.8)},
    }
    got = {n: load_scenario(SANMEN, [n]) for n in SHIPPED}
    for name in SHIPPED:
        assert changed(base, got[name]) == expect[name], name
    cs = compile_scenario(base)
    r0 = score_all(central_values(base, cs), cs)[0]
    h = cs.home
    x = base.forecast("三门", ind.name).centre
    r = ind.rule
    gain = r.basic_share * ind.points + (1 - r.basic_share) * ind.points * (x - 150) / (r.full - 150)
    if x < old_basic and 150 <= x:  # the forecast sits between the new and the old basic
        assert _home(got["target-adjusted"])[0][0] - r0.total[h] == pytest.approx(gain, abs=1e-9)
    assert _home(got["rival-surge"])[0][0] == pytest.approx(float(r0.total[h]))
    assert _home(got["rival-surge"])[0][1] >= int(r0.rank[h])
    assert _home(got["budget-cut"]) == _home(base)
    sat = float(r0.blocks[h, cs.assessment("发展目标考核").block_names.index("满意指数")])
    assert _home(got["rule-change"])[0][0] - r0.total[h] == pytest.approx(-0.2 * sat, abs=1e-9)
    _ = copy

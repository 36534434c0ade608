"""Every rule kind: a worked example computed by hand (in the docstring), asserted to 1e-9,
through the compiled scoring path; and hypothesis properties (monotone in the good direction,
within [floor, points + bonus cap], vectorised = element by element)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.schema import Assessment, Indicator
from models.scoring import compile_assessment, indicator_points

COUNTIES = ["甲", "乙", "丙"]


def score(rule: dict, x, points=10.0, direction="higher", counties=COUNTIES):
    """Points of one indicator for values ``x`` (…, C): returns core + over."""
    ind = Indicator(name="指标", block="b", points=points, direction=direction, rule=rule)
    a = Assessment(name="a", blocks=[{"name": "b"}], indicators=[ind],
                   grades={"by": "rank", "levels": [{"grade": "一等", "max_rank": 1}, {"grade": "二等"}]})
    ca = compile_assessment(a, counties, counties[0], {c: "k" for c in counties}, [0], {})
    x = np.asarray(x, dtype=float)[..., None]
    core, over = indicator_points(x, ca)
    return (core + over)[..., 0]


def one(rule, x, **kw):
    """Score a single county's value (a non-peer rule scores each county on its own)."""
    return float(score(rule, [x, x, x], **kw)[0])


THR = {"kind": "threshold", "basic": 4.0, "full": 5.0}


class TestThreshold:
    def test_linear_between_anchors(self):
        """basic 4 → 0.6·10 = 6; full 5 → 10; x = 4.5 → 6 + 4·0.5 = 8."""
        assert one(THR, 4.5) == pytest.approx(8.0, abs=1e-9)
        assert one(THR, 4.0) == pytest.approx(6.0, abs=1e-9)
        assert one(THR, 5.0) == pytest.approx(10.0, abs=1e-9)

    def test_jump_at_basic_and_flat_above_full(self):
        """Just short of basic earns 0 (the jump is real); above full stays 10."""
        assert one(THR, 3.999999) == 0.0
        assert one(THR, 7.0) == pytest.approx(10.0, abs=1e-9)

    def test_lower_is_better_energy(self):
        """Energy per 10k yuan, basic 0.80, full 0.7322, 4 points: x = 0.78 →
        2.4 + 1.6·(0.80 − 0.78)/(0.80 − 0.7322) = 2.4 + 1.6·0.02/0.0678 = 2.871976401…;
        x = 0.80 exactly earns the basic 2.4; x = 0.8001 earns 0."""
        r = {"kind": "threshold", "basic": 0.80, "full": 0.7322}
        assert one(r, 0.78, points=4, direction="lower") == pytest.approx(2.4 + 1.6 * 0.02 / 0.0678, abs=1e-9)
        assert one(r, 0.80, points=4, direction="lower") == pytest.approx(2.4, abs=1e-9)
        assert one(r, 0.8001, points=4, direction="lower") == 0.0

    @pytest.mark.parametrize("rounding, expected", [("prorata", -0.75), ("floor", -0.5), ("ceil", -1.0)])
    def test_deduction_below_basic(self, rounding, expected):
        """倒扣分: basic 90, 0.5 points per percentage point short, floor −2. x = 88.5 is 1.5 pp
        short: pro rata −0.75, whole steps −0.5, started steps −1.0."""
        r = {"kind": "threshold", "basic": 90, "full": 98,
             "below": {"mode": "deduct", "steps": {"per": 1, "points": 0.5, "rounding": rounding}, "floor": -2}}
        assert one(r, 88.5, points=3) == pytest.approx(expected, abs=1e-9)
        assert one(r, 80.0, points=3) == pytest.approx(-2.0, abs=1e-9)  # 10 pp short → −5, floored at −2

    def test_deduction_relative_to_target(self):
        """每少目标值4%扣1分: basic 1.2, a step is 4 % of 1.2 = 0.048; x = 1.1 is 0.1 short =
        2.0833… steps → −2.08333… pro rata (floor −5)."""
        r = {"kind": "threshold", "basic": 1.2, "full": 2.0,
             "below": {"mode": "deduct", "steps": {"per": 4, "points": 1, "basis": "relative"}, "floor": -5}}
        assert one(r, 1.1, points=5) == pytest.approx(-0.1 / 0.048, abs=1e-9)

    def test_linear_below_from_zero_anchor(self):
        """Linear from 0 at 90 to the basic 0.6·7 = 4.2 at 95: x = 92 → 4.2·2/5 = 1.68."""
        r = {"kind": "threshold", "basic": 95, "full": 100, "below": {"mode": "linear", "zero_at": 90}}
        assert one(r, 92, points=7) == pytest.approx(1.68, abs=1e-9)
        assert one(r, 89, points=7) == 0.0

    @pytest.mark.parametrize("rounding, expected", [("prorata", 11.25), ("floor", 11.0), ("ceil", 11.5)])
    def test_over_full_bonus(self, rounding, expected):
        """超额加分 0.5 per 0.1 beyond full 5, cap 3: x = 5.25 is 2.5 steps → +1.25 / +1.0 / +1.5."""
        r = dict(THR, over={"steps": {"per": 0.1, "points": 0.5, "rounding": rounding}, "cap": 3})
        assert one(r, 5.25) == pytest.approx(expected, abs=1e-9)
        assert one(r, 9.0) == pytest.approx(13.0, abs=1e-9)  # capped at +3


def test_binary():
    """R1 取水总量 (lower, 10 points): ≤ 10 earns 10, 10.01 earns 0."""
    r = {"kind": "binary", "target": 10}
    assert one(r, 10, direction="lower") == 10.0
    assert one(r, 10.01, direction="lower") == 0.0
    assert one(r, 10, direction="higher") == 10.0 and one(r, 9.99) == 0.0


def test_ratio():
    """R2 招商引资: target 80, 50 points, actual 70 → 50·70/80 = 43.75; over target capped at 50;
    lower-is-better 50·80/100 = 40."""
    r = {"kind": "ratio", "target": 80}
    assert one(r, 70, points=50) == pytest.approx(43.75, abs=1e-9)
    assert one(r, 120, points=50) == pytest.approx(50.0, abs=1e-9)
    assert one(r, 100, points=50, direction="lower") == pytest.approx(40.0, abs=1e-9)


def test_base_step():
    """R3 控规编制率: target 98 %, base 5; +1 per pp above, at most +2; −1 per pp below, floor 0.
    99.5 → 6.5 pro rata; 95 → 2; 90 → 0 (floored); 101 → 7 (capped)."""
    r = {"kind": "base_step", "target": 98, "up": {"per": 1, "points": 1}, "up_cap": 2,
         "down": {"per": 1, "points": 1}, "floor": 0}
    assert one(r, 99.5, points=5) == pytest.approx(6.5, abs=1e-9)
    assert one(r, 95, points=5) == pytest.approx(2.0, abs=1e-9)
    assert one(r, 90, points=5) == pytest.approx(0.0, abs=1e-9)
    assert one(r, 101, points=5) == pytest.approx(7.0, abs=1e-9)


def test_base_step_whole_steps_at_80_percent():
    """供销社: 80 % of 10 at target, ±0.5 per pp in whole steps: 102.7 → 8 + 2·0.5 = 9."""
    r = {"kind": "base_step", "target": 100, "base_share": 0.8, "up": {"per": 1, "points": 0.5, "rounding": "floor"},
         "up_cap": 10, "down": {"per": 1, "points": 0.5, "rounding": "floor"}}
    assert one(r, 102.7) == pytest.approx(9.0, abs=1e-9)
    assert one(r, 97.5) == pytest.approx(7.0, abs=1e-9)


def test_bands_energy_total_right_closed():
    """R5 能源消费总量 (15 points, plan 100): ≤ 100 → 15; (100, 110) → 10; [110, 120) → 5; ≥ 120 → 0.
    With closed: right, 100 exactly earns 15 and 110 earns 10 (at most the edge)."""
    r = {"kind": "bands", "closed": "right", "bands": [{"upper": 100, "points": 15}, {"lower": 100, "upper": 110, "points": 10},
                                                       {"lower": 110, "upper": 120, "points": 5}, {"lower": 120, "points": 0}]}
    got = [one(r, v, points=15, direction="lower") for v in (90, 100, 105, 110, 119, 130)]
    assert got == [15, 15, 10, 10, 5, 0]


def test_bands_left_closed():
    r = {"kind": "bands", "bands": [{"upper": 70, "points": 0}, {"lower": 70, "upper": 80, "points": 5}, {"lower": 80, "points": 8}]}
    assert [one(r, v, points=8) for v in (69.9, 70, 79.99, 80)] == [0, 5, 5, 8]


def test_efficacy_textbook():
    """功效系数 with fixed anchors: x = 5.81, 满意值 12, 不允许值 6 → 60 + 40·(5.81−6)/6 = 58.7333…"""
    r = {"kind": "efficacy", "worst": 6, "best": 12}
    assert one(r, 5.81, points=100) == pytest.approx(60 + 40 * (5.81 - 6) / 6, abs=1e-9)


def test_efficacy_class_anchors():
    """Class values 10, 20, 15 (higher): d = 60, 100, 80 → 5 points × d/100 = 3, 5, 4.
    Lower-is-better flips: 5, 3, 4."""
    np.testing.assert_allclose(score({"kind": "efficacy"}, [10, 20, 15], points=5), [3, 5, 4], atol=1e-9)
    np.testing.assert_allclose(score({"kind": "efficacy"}, [10, 20, 15], points=5, direction="lower"), [5, 3, 4], atol=1e-9)


def test_best_ratio():
    """Ratio to the best, 6 points: 10, 20, 15 → 3, 6, 4.5; lower: 6, 3, 4."""
    np.testing.assert_allclose(score({"kind": "best_ratio"}, [10, 20, 15], points=6), [3, 6, 4.5], atol=1e-9)
    np.testing.assert_allclose(score({"kind": "best_ratio"}, [10, 20, 15], points=6, direction="lower"), [6, 3, 4], atol=1e-9)


def test_rank_points_step_and_table():
    """月度评估: first 100 %, then −5 % a place; 6 points, values 10, 20, 15 → ranks 3, 1, 2 →
    5.4, 6, 5.7. Table 60/57/54 (shares 1, .95, .9) of 60 points: 54, 60, 57. Ties share the better rank."""
    np.testing.assert_allclose(score({"kind": "rank_points"}, [10, 20, 15], points=6), [5.4, 6, 5.7], atol=1e-9)
    np.testing.assert_allclose(score({"kind": "rank_points", "table": [1, 0.95, 0.9]}, [10, 20, 15], points=60),
                               [54, 60, 57], atol=1e-9)
    np.testing.assert_allclose(score({"kind": "rank_points"}, [10, 10, 5], points=6), [6, 6, 5.4], atol=1e-9)


def test_vs_class_average():
    """滁州: ±0.1 point per 0.1 pp against the class mean; values 8, 9, 10 → mean 9; base 0.6·10 = 6:
    8 → 5, 9 → 6, 10 → 7."""
    r = {"kind": "vs_average", "steps": {"per": 0.1, "points": 0.1}}
    np.testing.assert_allclose(score(r, [8, 9, 10]), [5, 6, 7], atol=1e-9)


def test_vs_fixed_reference_capped():
    r = {"kind": "vs_average", "reference": 9.0, "steps": {"per": 0.1, "points": 0.1}, "cap": 6.5}
    assert one(r, 10) == pytest.approx(6.5, abs=1e-9)


def test_growth_bonus_two_above():
    """"两个高于" [UNVERIFIED]: national 5 %, regional 6 %; both 2, regional only 1:
    7 → 2; 5.5 → 0 (above national only); 6.5 with national 7 → 1."""
    r = {"kind": "growth_bonus", "national": 5, "regional": 6, "both": 2, "one": 1, "unverified": True}
    assert one(r, 7, points=2) == 2 and one(r, 5.5, points=2) == 0
    r2 = dict(r, national=7)
    assert one(r2, 6.5, points=2) == 1


def test_survey():
    """满意度 index 85 on 10 points → 8.5; clipped to [0, 100]."""
    assert one({"kind": "survey"}, 85) == pytest.approx(8.5, abs=1e-9)
    assert one({"kind": "survey"}, 130) == pytest.approx(10.0, abs=1e-9)


def test_per_event_deduction_and_bonus():
    """−0.5 per accident, at most 2: 3 → −1.5, 5 → −2; 表彰 +1 per item, at most 3: 4 → 3."""
    assert one({"kind": "per_event", "points": -0.5, "cap": 2}, 3, points=2) == pytest.approx(-1.5, abs=1e-9)
    assert one({"kind": "per_event", "points": -0.5, "cap": 2}, 5, points=2) == pytest.approx(-2.0, abs=1e-9)
    assert one({"kind": "per_event", "points": 1, "cap": 3}, 4, points=3) == pytest.approx(3.0, abs=1e-9)


# --------------------------------------------------------------------------- properties

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
rounding = st.sampled_from(["prorata", "floor", "ceil"])


@st.composite
def threshold_rules(draw):
    basic = draw(st.floats(-100, 100))
    span = draw(st.floats(0.01, 100))
    direction = draw(st.sampled_from(["higher", "lower"]))
    s = 1 if direction == "higher" else -1
    rule = {"kind": "threshold", "basic": basic, "full": basic + s * span, "basic_share": draw(st.floats(0, 1))}
    mode = draw(st.sampled_from(["zero", "deduct", "linear"]))
    if mode == "deduct":
        rule["below"] = {"mode": "deduct", "steps": {"per": draw(st.floats(0.01, 10)), "points": draw(st.floats(0, 5)),
                                                      "rounding": draw(rounding)}, "floor": -draw(st.floats(0, 10))}
    elif mode == "linear":
        rule["below"] = {"mode": "linear", "zero_at": basic - s * draw(st.floats(0.01, 50))}
    if draw(st.booleans()):
        rule["over"] = {"steps": {"per": draw(st.floats(0.01, 10)), "points": draw(st.floats(0, 5)), "rounding": draw(rounding)},
                        "cap": draw(st.floats(0.01, 5))}
    return rule, direction


@settings(max_examples=150, deadline=None)
@given(threshold_rules(), st.lists(finite, min_size=2, max_size=30), st.floats(0.1, 50))
def test_threshold_properties(rd, xs, points):
    """Monotone in the good direction; within [floor, points + bonus cap]; vectorised = one by one."""
    rule, direction = rd
    s = 1 if direction == "higher" else -1
    xs = sorted(xs, key=lambda v: s * v)  # from worst to best
    x = np.array(xs)
    got = score(rule, np.repeat(x[:, None], 3, axis=1), points=points, direction=direction)[:, 0]
    assert np.all(np.diff(got) >= -1e-9)
    floor = rule.get("below", {}).get("floor", 0.0) if rule.get("below", {}).get("mode") == "deduct" else 0.0
    cap = points + rule.get("over", {}).get("cap", 0.0)
    assert got.min() >= floor - 1e-9 and got.max() <= cap + 1e-9
    single = [one(rule, v, points=points, direction=direction) for v in xs]
    np.testing.assert_array_equal(got, single)


@st.composite
def scalar_rules(draw):
    kind = draw(st.sampled_from(["binary", "ratio", "base_step", "bands", "survey", "per_event", "growth_bonus"]))
    direction = draw(st.sampled_from(["higher", "lower"]))
    points = draw(st.floats(0.5, 20))
    t = draw(st.floats(1, 100))
    if kind == "binary":
        return {"kind": kind, "target": t}, direction, points, 0.0, points
    if kind == "ratio":
        cap = draw(st.floats(0.5, 2))
        return {"kind": kind, "target": t, "cap": cap}, direction, points, 0.0, points * cap
    if kind == "base_step":
        up_cap, floor = draw(st.floats(0.01, 5)), -draw(st.floats(0, 5))  # up steps need up_cap > 0 (else refused)
        r = {"kind": kind, "target": t, "base_share": draw(st.floats(0, 1)), "up_cap": up_cap, "floor": floor,
             "up": {"per": draw(st.floats(0.1, 5)), "points": draw(st.floats(0, 2)), "rounding": draw(rounding)},
             "down": {"per": draw(st.floats(0.1, 5)), "points": draw(st.floats(0, 2)), "rounding": draw(rounding)}}
        return r, direction, points, min(floor, 0.0), points + up_cap
    if kind == "bands":
        edges = sorted(set(draw(st.lists(st.floats(-50, 150), min_size=1, max_size=4))))
        pts = sorted(draw(st.lists(st.floats(0, points), min_size=len(edges) + 1, max_size=len(edges) + 1)))
        if direction == "lower":
            pts = pts[::-1]
        bands = [{"lower": lo, "upper": hi, "points": p} for lo, hi, p in zip([None] + edges, edges + [None], pts)]
        for b in bands:
            if b["lower"] is None:
                del b["lower"]
            if b["upper"] is None:
                del b["upper"]
        return {"kind": kind, "bands": bands, "closed": draw(st.sampled_from(["left", "right"]))}, direction, points, 0.0, points
    if kind == "survey":
        return {"kind": kind}, "higher", points, 0.0, points
    if kind == "per_event":
        p = draw(st.floats(0.1, 3))
        return {"kind": kind, "points": p, "cap": points}, "higher", points, 0.0, points
    nat, reg = draw(st.floats(-5, 15)), draw(st.floats(-5, 15))
    return ({"kind": kind, "national": nat, "regional": reg, "both": points, "one": draw(st.floats(0, points)),
             "unverified": True}, "higher", points, 0.0, points)


@settings(max_examples=200, deadline=None)
@given(scalar_rules(), st.lists(st.floats(-100, 300), min_size=2, max_size=30))
def test_scalar_rule_properties(spec, xs):
    rule, direction, points, lo, hi = spec
    s = 1 if direction == "higher" else -1
    xs = sorted(xs, key=lambda v: s * v)
    x = np.array(xs)
    got = score(rule, np.repeat(x[:, None], 3, axis=1), points=points, direction=direction)[:, 0]
    assert np.all(np.diff(got) >= -1e-9), (rule, xs, got)
    assert got.min() >= lo - 1e-9 and got.max() <= hi + 1e-9
    np.testing.assert_array_equal(got, [one(rule, v, points=points, direction=direction) for v in xs])


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["efficacy", "best_ratio", "rank_points", "vs_average"]), st.sampled_from(["higher", "lower"]),
       st.lists(st.lists(st.floats(1, 100), min_size=3, max_size=3), min_size=1, max_size=10), st.floats(0.01, 50))
def test_peer_rules_monotone_in_own_value(kind, direction, rows, bump):
    """Improving one's own value (others fixed) never lowers one's points; draws score independently."""
    rule = {"kind": kind} if kind != "vs_average" else {"kind": kind, "steps": {"per": 1, "points": 0.5}}
    s = 1 if direction == "higher" else -1
    x = np.array(rows)
    better = x.copy()
    better[:, 0] = x[:, 0] + s * bump
    a = score(rule, x, direction=direction)
    b = score(rule, better, direction=direction)
    assert np.all(b[:, 0] >= a[:, 0] - 1e-9)
    assert np.all((a >= 0) & (a <= 10 + 1e-9))
    for k in range(len(rows)):
        np.testing.assert_array_equal(a[k], score(rule, x[k], direction=direction))


def test_quota_rounding():
    from models.scoring import quota_size
    assert quota_size(0.3, 10) == 3 and quota_size(0.34, 3) == 2 and quota_size(1 / 3, 3) == 1
    assert math.isclose(0.3 * 10, 3.0000000000000004)  # the tolerance in quota_size is needed

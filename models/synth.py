"""Seeded synthetic province scenarios: many counties in peer classes, every rule kind, every
forecast kind, effort curves, all marked synthetic.

:func:`synthetic_province` returns the scenario as data (the ``scenario.yaml`` mapping and the
rows of ``forecasts.csv`` and ``effort.csv``); :meth:`Synthetic.scenario` validates it in memory,
and ``kaoping synth`` writes it to a folder. Same arguments → the same scenario, byte for byte.

The structure is the default scenario's (发展性 / 约束性 / 重点工作 / 满意指数 blocks on 100 points,
a capped bonus block fed by over-full bonuses, a deduction block with a floor), at province scale:
the counties are split into peer classes of nearly equal size, each ranked within its class, and
grades go by quota within the class (一等 the top 30 %, 二等 the next 40 %), as a province awards
them. Rule kinds in these shares (at least one of each from 14 indicators on): threshold (R4)
the rest, about 60 %; ratio, base_step, bands, efficacy 5 % each; binary, rank_points,
vs_average 3 % each; best_ratio 2 %; one growth_bonus (unverified), one survey, one bonus and one
deduction item (per_event). Forecast kinds: normal 63 %, normal truncated near its mean 10 %,
triangular 12 %, PERT 12 %, fixed 3 % for the continuous indicators, Bernoulli for the one-off
events; a county's level (its class's and its own) moves all its forecasts together. Two vetoes:
missing the basic target of the first binding indicator caps the grade at 二等; three or more
deduction events disqualify. The home county (the first) has a convex two-segment effort curve on
every indicator but the survey, bonus and deduction items, and department budgets.

Pure functions; no I/O.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np

from .i18n import _

CLASS_NAMES = ("一类", "二类", "三类", "四类", "五类", "六类", "七类", "八类", "九类", "十类")
DEPARTMENTS = ("发改局", "经信局", "财政局", "自然资源局", "生态环境局", "住建局", "农业农村局", "商务局")
SHARES = {"ratio": 0.05, "base_step": 0.05, "bands": 0.05, "efficacy": 0.05, "binary": 0.03, "rank_points": 0.03,
          "vs_average": 0.03, "best_ratio": 0.02}
SINGLE = ("growth_bonus", "survey", "bonus", "deduction")
FORECAST_KINDS = (("normal", 0.63), ("truncated", 0.10), ("triangular", 0.12), ("pert", 0.12), ("fixed", 0.03))
ASSESSMENT = "综合考核"
FORECAST_COLUMNS = ("county", "indicator", "dist", "mean", "sd", "low", "likely", "high", "min", "max", "assumption",
                    "note")
EFFORT_COLUMNS = ("indicator", "upto", "cost", "assumption", "note")
NOTE = "synthetic"


@dataclass(frozen=True)
class Synthetic:
    """A synthetic scenario: ``data`` (the scenario.yaml mapping), ``forecasts`` and ``effort``
    (rows of forecasts.csv and effort.csv as dicts)."""

    data: dict
    forecasts: list[dict]
    effort: list[dict]

    def forecasts_csv(self) -> str:
        return _csv(self.forecasts, FORECAST_COLUMNS)

    def effort_csv(self) -> str:
        return _csv(self.effort, EFFORT_COLUMNS)

    def scenario(self):
        """The validated :class:`models.scenario.Scenario`."""
        from .scenario import build_scenario

        return build_scenario(self.data, self.forecasts_csv(), self.effort_csv())


def _csv(rows: list[dict], columns) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: _cell(r.get(k)) for k in columns})
    return buf.getvalue()


def _cell(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (float, np.floating)):
        return repr(round(float(v), 6))
    return v


def rule_kinds(n: int) -> list[str]:
    """The rule kind of each of ``n`` indicators, in the shares of the module docstring, spread
    through the list (the first binding indicators are thresholds, the last four the singles)."""
    if n < 1:
        raise ValueError(_("a synthetic scenario needs at least one indicator"))
    singles = [k for k in SINGLE][: max(0, min(len(SINGLE), n - 1))]
    rest = n - len(singles)
    counts = {k: max(1, round(s * n)) if rest > len(SHARES) else 0 for k, s in SHARES.items()}
    others = []
    for k, c in counts.items():
        others += [k] * c
    kinds = ["threshold"] * max(rest - len(others), 0) + others
    # spread the other kinds through the thresholds, deterministically
    order = np.argsort((np.arange(len(kinds)) * 0.6180339887) % 1.0, kind="stable")
    kinds = [kinds[i] for i in order][:rest]
    if "threshold" in kinds:  # the first indicator is a threshold (the binding veto reads it)
        i = kinds.index("threshold")
        kinds[0], kinds[i] = kinds[i], kinds[0]
    return kinds + singles


def _class_sizes(n_counties: int, n_classes: int) -> list[int]:
    base, extra = divmod(n_counties, n_classes)
    return [base + (k < extra) for k in range(n_classes)]


def synthetic_province(counties: int = 183, classes: int = 4, indicators: int = 100, seed: int = 0) -> Synthetic:
    """A synthetic province of ``counties`` counties in ``classes`` peer classes scored on
    ``indicators`` indicators (see the module docstring), seeded by ``seed``."""
    if counties < 2 or classes < 1 or counties < 2 * classes:
        raise ValueError(_("need at least two counties per class (got {counties} counties in {classes} classes)").format(
            counties=counties, classes=classes))
    if classes > len(CLASS_NAMES):
        raise ValueError(_("at most {n} classes").format(n=len(CLASS_NAMES)))
    if seed < 0:
        raise ValueError(_("the seed must be a non-negative integer"))
    rng = np.random.default_rng(np.random.SeedSequence([seed, counties, classes, indicators]))
    names = [f"县{c + 1:03d}" for c in range(counties)]
    cls = np.repeat(np.arange(classes), _class_sizes(counties, classes))
    kinds = rule_kinds(indicators)
    # a county's level: its class's and its own, in units of an indicator's basic-to-full span
    level = rng.normal(0.0, 0.25, classes)[cls] + rng.normal(0.0, 0.35, counties)
    level[0] = 0.0  # the home county sits in the middle of its class
    core = [k for k in kinds if k not in ("bonus", "deduction", "growth_bonus")]  # the 100 points
    n_survey = sum(k == "survey" for k in kinds)
    points_core = (100.0 - 10.0 * n_survey) / max(len(core) - n_survey, 1)
    inds, rows, effort = [], [], []
    blocks = ("发展性指标", "约束性指标", "重点工作")
    for i, kind in enumerate(kinds):
        name = f"指标{i + 1:03d}"
        lower = kind == "threshold" and i % 4 == 3
        ind, centre, spread = _indicator(kind, name, i, lower, points_core, blocks, rng)
        inds.append(ind)
        for c in range(counties):
            rows.append(_forecast(kind, names[c], name, float(centre(level[c])), spread, lower, rng))
        if kind not in ("survey", "bonus", "deduction"):
            effort += _effort(name, spread, rng)
    thresholds = [d for d in inds if d["rule"]["kind"] == "threshold"]
    binding = [d for d in thresholds if d["block"] == "约束性指标"] or thresholds
    # the 100 points exactly: the last core indicator takes what rounding left
    core_inds = [d for d in inds if d["block"] in blocks]
    if core_inds:
        rest = 100.0 - 10.0 * n_survey - sum(d["points"] for d in core_inds[:-1])
        core_inds[-1]["points"] = rest
    vetoes = [{"name": "约束性指标否优", "indicator": binding[0]["name"], "when": "misses_basic", "effect": "cap_grade",
               "grade": "二等"}] if binding else []
    if "deduction" in kinds:
        vetoes.append({"name": "重大事故取消评优", "indicator": inds[kinds.index("deduction")]["name"], "when": "at_least",
                       "value": 3, "effect": "disqualify"})
    used = {d["department"] for d in inds if any(r["indicator"] == d["name"] for r in effort)}
    depts = {d: round(6.0 + 2.0 * k, 1) for k, d in enumerate(DEPARTMENTS) if d in used}
    data = {
        "scenario": {"name": f"synth-{counties}x{indicators}-{seed}", "title": f"合成省级考核（{counties} 县 × {indicators} 指标，合成数据）",
                     "year": 2024, "elapsed": 0.67, "home": names[0],
                     "sources": [f"synthetic: kaoping synth --counties {counties} --classes {classes} "
                                 f"--indicators {indicators} --seed {seed}"],
                     "assumed": {"everything": "synthetic: generated by models/synth.py, no source"}},
        "counties": [{"name": n, "peer_class": CLASS_NAMES[k]} for n, k in zip(names, cls)],
        "assessments": [{
            "name": ASSESSMENT, "total_points": 100,
            "blocks": [{"name": b} for b in blocks] + [{"name": "满意指数"}, {"name": "加分", "cap": 5},
                                                       {"name": "扣分", "floor": -5}],
            "indicators": inds,
            "vetoes": vetoes,
            "grades": {"by": "quota", "levels": [{"grade": "一等", "share": 0.3}, {"grade": "二等", "share": 0.7},
                                                 {"grade": "三等"}]},
        }],
        "effort": {"unit": "人月", "budget": 24.0, "departments": depts, "grid": 2},
        "simulation": {"draws": 10_000, "seed": seed, "shocks": {"common": 0.1, "county": 0.2}},
    }
    return Synthetic(data, rows, effort)


def _indicator(kind, name, i, lower, points, blocks, rng):
    """(indicator mapping, centre(level) → forecast centre [unit], spread [unit])."""
    block = blocks[i % 3]
    dept = DEPARTMENTS[i % len(DEPARTMENTS)]
    basic = float(np.round(rng.uniform(50, 150), 2))
    span = float(np.round(basic * rng.uniform(0.05, 0.15), 3))
    ind = {"name": name, "unit": "万元", "block": block, "points": round(points, 6), "department": dept,
           "kind": "binding" if block == "约束性指标" else "developmental"}
    centre = lambda lv: basic + span * (0.5 + lv)  # noqa: E731 - a county at level 0 sits halfway to full
    if kind == "threshold":
        if lower:
            basic, span = float(np.round(rng.uniform(0.8, 1.2), 3)), float(np.round(rng.uniform(0.05, 0.12), 3))
            ind.update(unit="吨标准煤/万元", direction="lower")
            centre = lambda lv: basic - span * (0.5 + lv)  # noqa: E731
            rule = {"kind": "threshold", "basic": basic, "full": round(basic - span, 6)}
        else:
            rule = {"kind": "threshold", "basic": basic, "full": round(basic + span, 6)}
        if i % 2 == 0:
            rule["below"] = {"mode": "deduct", "steps": {"per": round(span / 4, 6), "points": round(points / 4, 6)},
                             "floor": -round(points / 2, 6)}
        if i % 3 == 0:
            rule["over"] = {"steps": {"per": round(span / 2, 6), "points": 0.25}, "cap": 1.0, "pool": "加分"}
    elif kind == "binary":
        rule = {"kind": "binary", "target": round(basic + span, 6)}
    elif kind == "ratio":
        rule = {"kind": "ratio", "target": round(basic + span, 6), "cap": 1.1}
    elif kind == "base_step":
        rule = {"kind": "base_step", "target": round(basic + span, 6), "base_share": 0.8,
                "up": {"per": round(span / 2, 6), "points": round(points / 10, 6)}, "up_cap": round(points / 5, 6),
                "down": {"per": round(span / 2, 6), "points": round(points / 5, 6)}, "floor": 0.0}
    elif kind == "bands":
        edges = [basic, basic + span / 2, basic + span]
        rule = {"kind": "bands", "bands": [{"upper": edges[0], "points": 0.0},
                                           {"lower": edges[0], "upper": edges[1], "points": round(points * 0.6, 6)},
                                           {"lower": edges[1], "upper": edges[2], "points": round(points * 0.8, 6)},
                                           {"lower": edges[2], "points": round(points, 6)}]}
    elif kind == "efficacy":
        rule = {"kind": "efficacy"}
    elif kind == "best_ratio":
        rule = {"kind": "best_ratio"}
    elif kind == "rank_points":
        rule = {"kind": "rank_points", "step": 0.02}
    elif kind == "vs_average":
        rule = {"kind": "vs_average", "base_share": 0.6, "steps": {"per": 1.0, "points": round(points / 10, 6),
                                                                   "basis": "relative"}}
    elif kind == "growth_bonus":
        ind.update(unit="%", block="加分", kind="bonus", points=1.0)
        rule = {"kind": "growth_bonus", "national": 5.0, "regional": 6.0, "both": 1.0, "one": 0.5, "unverified": True}
        return ind | {"rule": rule}, (lambda lv: 6.0 + 1.5 * lv), 1.0
    elif kind == "survey":
        ind.update(unit="分", block="满意指数", kind="survey", points=10.0)
        return ind | {"rule": {"kind": "survey"}}, (lambda lv: 85.0 + 3.0 * lv), 2.0
    elif kind == "bonus":
        ind.update(unit="项", block="加分", kind="bonus", points=2.0)
        return ind | {"rule": {"kind": "per_event", "points": 0.5, "cap": 2.0}}, (lambda lv: 0.3 + 0.1 * lv), 0.0
    elif kind == "deduction":
        ind.update(unit="起", block="扣分", kind="deduction", points=3.0, direction="lower")
        return ind | {"rule": {"kind": "per_event", "points": -1.0, "cap": 3.0}}, (lambda lv: 0.1), 0.0
    else:  # pragma: no cover - rule_kinds makes no other kind
        raise ValueError(kind)
    return ind | {"rule": rule}, centre, span


def _forecast(kind, county, name, centre, spread, lower, rng) -> dict:
    row = {"county": county, "indicator": name, "assumption": True, "note": NOTE}
    if kind in ("bonus", "deduction"):
        return row | {"dist": "bernoulli", "mean": round(min(max(centre, 0.01), 0.99), 6)}
    sd = spread * float(rng.uniform(0.2, 0.6))
    u = rng.random()
    acc = 0.0
    for style, share in FORECAST_KINDS:
        acc += share
        if u < acc:
            break
    if style == "normal":
        return row | {"dist": "normal", "mean": round(centre, 6), "sd": round(sd, 6)}
    if style == "truncated":  # a bound within 1.5 sd: a real truncation
        side = rng.random() < 0.5
        bound = round(centre + (1 if side else -1) * sd * float(rng.uniform(0.3, 1.5)), 6)
        return row | {"dist": "normal", "mean": round(centre, 6), "sd": round(sd, 6),
                      "max" if side else "min": bound}
    if style == "fixed":
        return row | {"dist": "fixed", "mean": round(centre, 6)}
    low = centre - 2.0 * sd * float(rng.uniform(0.6, 1.4))
    high = centre + 2.0 * sd * float(rng.uniform(0.6, 1.4))
    return row | {"dist": style, "low": round(low, 6), "likely": round(centre, 6), "high": round(high, 6)}


def _effort(name, spread, rng) -> list[dict]:
    """A convex two-segment cost curve: up to 40 % of the span at one cost, up to 90 % at twice it."""
    cost = float(np.round(rng.uniform(2.0, 8.0) / max(spread, 1e-9), 6))
    first, second = round(0.4 * spread, 6), round(0.9 * spread, 6)
    return [{"indicator": name, "upto": first, "cost": cost, "assumption": True, "note": NOTE},
            {"indicator": name, "upto": second, "cost": round(2 * cost, 6), "assumption": True, "note": NOTE}]


def class_size(counties: int, classes: int, k: int = 0) -> int:
    """Counties in class k (0: the home county's)."""
    return _class_sizes(counties, classes)[k]

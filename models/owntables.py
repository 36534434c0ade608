"""Cross-references of what makes a scheme each county's own: targets.csv (per-county targets and
bases), surveys.csv (answer counts), ``value_of`` (one figure scored twice) and the targets of
conditions across items (a veto zeroing another indicator or a block).

Checked on the raw data like :mod:`models.crosscheck`, every problem located (file, line or row,
field) and none raised alone; a check is skipped when what it relies on is malformed.
"""
from __future__ import annotations

from .crosscheck import _d, _l, _names, _one_of, first_few, unknown_block, unknown_county, unknown_indicator, \
    unknown_indicator_in
from .i18n import _
from .locate import field_path, line_of
from .problems import EFFORT_FILE, FORECASTS_FILE, SCENARIO_FILE, SURVEYS_FILE, TARGETS_FILE, Problem
from .reading import Table
from .schema import TARGETED


class _Ctx:
    def __init__(self, data, lines):
        self.data, self.lines, self.problems = data, lines, []
        self.inds: dict[str, tuple[int, int, dict, str]] = {}  # name -> (assessment, position, dict, assessment name)
        for ai, a in enumerate(_l(data.get("assessments"))):
            for ii, ind in enumerate(_l(_d(a).get("indicators"))):
                if isinstance(ind, dict) and isinstance(ind.get("name"), str):
                    self.inds.setdefault(ind["name"], (ai, ii, ind, _d(a).get("name")))
        self.counties, self.counties_ok = _names(data.get("counties"))
        self.home = _d(data.get("scenario")).get("home")
        self.below_base: set[str] = set()  # triggers of conditions when: below_base

    def yaml(self, loc, msg):
        ln = line_of(self.lines, loc) if self.lines is not None else None
        self.problems.append(Problem(SCENARIO_FILE, f"line {ln}" if ln else "", field_path(loc, self.data), msg))

    def known_county(self, file: str, where: str, county: str) -> None:
        if self.counties_ok and county not in self.counties:
            self.problems.append(Problem(file, where, "county", unknown_county(county, self.counties)))

    def rule(self, name) -> dict:
        return _d(self.inds[name][2].get("rule")) if name in self.inds else {}

    def scored(self, name) -> dict:
        return _d(self.inds[name][2].get("scored")) if name in self.inds else {}

    def scored_by_values(self, county: str, aname) -> bool:
        """Whether a county is scored from indicator values in an assessment (not only by its total)."""
        c = next((c for c in _l(self.data.get("counties")) if isinstance(c, dict) and c.get("name") == county), {})
        return county == self.home or aname not in _d(c.get("totals"))


def check_own_tables(data: dict, ftab: Table, etab: Table, ttab: Table, stab: Table, lines,
                     atab: Table | None = None) -> list[Problem]:
    """Every problem of value_of, condition targets, targets.csv and surveys.csv (``atab``: the
    monthly actuals, whose cells of the scenario's year are projected, so they have values)."""
    x = _Ctx(data, lines)
    _check_value_of(x, ftab, etab)
    _check_condition_targets(x)
    year = _d(data.get("scenario")).get("year")
    valued = {(f.county, f.indicator) for _, f in ftab.rows}
    valued |= {(a.county, a.indicator) for _, a in (atab.rows if atab else []) if a.year == year}
    _check_targets(x, valued, ttab)
    _check_surveys(x, ftab, stab)
    return x.problems


def _source(x: _Ctx, name: str) -> str:
    src = x.inds[name][2].get("value_of") if name in x.inds else None
    return src if isinstance(src, str) else name


def _check_value_of(x: _Ctx, ftab: Table, etab: Table) -> None:
    """value_of names a known indicator that takes its own value; a derived indicator has no
    forecast and no cost curve of its own."""
    derived = set()
    for name, (ai, ii, ind, _aname) in x.inds.items():
        src = ind.get("value_of")
        if not isinstance(src, str):
            continue
        derived.add(name)
        loc = ("assessments", ai, "indicators", ii, "value_of")
        if src not in x.inds:
            x.yaml(loc, unknown_indicator(src, list(x.inds)))
        elif isinstance(x.inds[src][2].get("value_of"), str):
            x.yaml(loc, _("'{indicator}' itself takes the value of '{source}': name that one instead").format(
                indicator=src, source=x.inds[src][2]["value_of"]))
    for row, f in ftab.rows:
        if f.indicator in derived:
            x.problems.append(Problem(FORECASTS_FILE, f"row {row}", "indicator", _(
                "{indicator} takes the value of {source} (value_of): forecast that one and remove this row").format(
                indicator=f.indicator, source=_source(x, f.indicator))))
    for row, e in etab.rows:
        if e.indicator in derived:
            x.problems.append(Problem(EFFORT_FILE, f"row {row}", "indicator", _(
                "{indicator} takes the value of {source} (value_of): give the cost curve to that one").format(
                indicator=e.indicator, source=_source(x, e.indicator))))


def _check_condition_targets(x: _Ctx) -> None:
    """A condition's target is an indicator (zero_indicator) or a block (zero_block, cap_block) of its
    assessment; below_base needs a base."""
    for ai, a in enumerate(_l(x.data.get("assessments"))):
        a = _d(a)
        inames, inds_ok = _names(a.get("indicators"))
        blocks, blocks_ok = _names(a.get("blocks"))
        for vi, v in enumerate(_l(a.get("vetoes", []))):
            v = _d(v)
            tgt, eff = v.get("target"), v.get("effect")
            loc = ("assessments", ai, "vetoes", vi)
            if isinstance(tgt, str) and eff == "zero_indicator" and inds_ok and tgt not in inames:
                x.yaml(loc + ("target",), unknown_indicator_in(tgt, a.get("name"), inames))
            if isinstance(tgt, str) and eff in ("zero_block", "cap_block") and blocks_ok and tgt not in blocks:
                x.yaml(loc + ("target",), unknown_block(tgt, blocks))
            ind = v.get("indicator")
            if v.get("when") == "below_base" and isinstance(ind, str) and ind in x.inds:
                x.below_base.add(ind)


def _has_base(x: _Ctx, name: str) -> bool:
    return x.scored(name).get("of") in ("growth", "change") or name in x.below_base


def _check_targets(x: _Ctx, valued: set, ttab: Table) -> None:
    """targets.csv rows name known counties and indicators once, give only what the indicator's rule
    uses, keep basic and full in the indicator's direction; counties scored from values have the
    targets and bases their scored quantity needs (``valued``: the (county, indicator) cells with a
    forecast or this year's actuals)."""
    T = TARGETS_FILE
    seen: dict[tuple, int] = {}
    given: dict[tuple, object] = {}
    for row, t in ttab.rows:
        where = f"row {row}"
        x.known_county(T, where, t.county)
        if t.indicator not in x.inds:
            if x.inds:
                x.problems.append(Problem(T, where, "indicator", unknown_indicator(t.indicator, list(x.inds))))
            continue
        key = (t.county, t.indicator)
        if key in seen:
            x.problems.append(Problem(T, where, "indicator", _("duplicate targets for {county}/{indicator} (first on row "
                                                               "{first}): keep one").format(
                county=t.county, indicator=t.indicator, first=seen[key])))
            continue
        seen[key] = row
        given[key] = t
        ind = x.inds[t.indicator][2]
        rule, m = x.rule(t.indicator), x.scored(t.indicator)
        kind = rule.get("kind")
        if (t.basic is not None or t.full is not None) and kind != "threshold":
            x.problems.append(Problem(T, where, "basic" if t.basic is not None else "full",
                                      _("{indicator} has a {kind} rule: basic and full are targets of a threshold "
                                        "rule").format(indicator=t.indicator, kind=kind)))
        if t.target is not None and kind not in TARGETED and m.get("of") != "completion":
            x.problems.append(Problem(T, where, "target", _("{indicator} has no target to replace ({kind} rule, scored "
                                                            "of {of}): leave the cell empty").format(
                indicator=t.indicator, kind=kind, of=m.get("of", "value"))))
        if t.base is not None and not _has_base(x, t.indicator):
            x.problems.append(Problem(T, where, "base", _("{indicator} does not use a base: score it of growth or change "
                                                          "(scored: {{of: growth}}), give a condition when: below_base, or "
                                                          "leave the cell empty").format(indicator=t.indicator)))
        if t.base == 0 and m.get("of") == "growth":
            x.problems.append(Problem(T, where, "base", _("a growth rate needs a non-zero base")))
        if kind == "threshold":
            b = rule.get("basic") if t.basic is None else t.basic
            f = rule.get("full") if t.full is None else t.full
            if all(isinstance(v, (int, float)) for v in (b, f)):
                higher = ind.get("direction", "higher") == "higher"
                if (higher and not b < f) or (not higher and not b > f):
                    msg = (_("{county}'s basic ({basic}) must be below its full ({full}) for a higher-is-better "
                             "indicator") if higher else
                           _("{county}'s basic ({basic}) must be above its full ({full}) for a lower-is-better indicator"))
                    x.problems.append(Problem(T, where, "basic" if t.basic is not None else "full",
                                              msg.format(county=t.county, basic=b, full=f)))
    # counties scored from values need what their scored quantity needs
    have = valued
    for name, (ai, ii, ind, aname) in x.inds.items():
        m = x.scored(name)
        need = ("target" if m.get("of") == "completion" and m.get("target") is None else
                "base" if (m.get("of") in ("growth", "change") or name in x.below_base)
                and m.get("base") is None else None)
        if need is None:
            continue
        src = _source(x, name)
        missing = [c for c in x.counties if isinstance(c, str) and (c, src) in have and x.scored_by_values(c, aname)
                   and getattr(given.get((c, name)), need, None) is None]
        if missing:
            x.yaml(("assessments", ai, "indicators", ii, "name"),
                   _("{indicator} needs each county's own {need} (scored of {of}): add {need} to targets.csv for "
                     "{counties}, or a default under scored").format(indicator=name, need=need, of=m.get("of", "value"),
                                                                      counties=first_few(missing)))


def _check_surveys(x: _Ctx, ftab: Table, stab: Table) -> None:
    """surveys.csv rows name a survey indicator with answers, one of its channels and answers;
    every county scored from values has counts for every channel; no forecast row for such a survey."""
    S = SURVEYS_FILE
    counted = {n for n in x.inds if x.rule(n).get("kind") == "survey" and isinstance(x.rule(n).get("answers"), dict)}
    for row, f in ftab.rows:
        if f.indicator in counted:
            x.problems.append(Problem(FORECASTS_FILE, f"row {row}", "indicator", _(
                "{indicator} is a survey from answer counts: give its counts in surveys.csv and remove this row").format(
                indicator=f.indicator)))
    seen: dict[tuple, int] = {}
    total: dict[tuple, int] = {}
    for row, r in stab.rows:
        where = f"row {row}"
        x.known_county(S, where, r.county)
        if r.indicator not in counted:
            x.problems.append(Problem(S, where, "indicator", _("'{indicator}' is no survey with answers: {hint}").format(
                indicator=r.indicator, hint=_one_of(r.indicator, sorted(counted)) if counted
                else _("give the survey rule its answers and weights first"))))
            continue
        rule = x.rule(r.indicator)
        channels = list(_d(rule.get("channels"))) or [""]
        answers = list(_d(rule.get("answers"))) + [a for a in _l(rule.get("excluded")) if isinstance(a, str)]
        if r.channel not in channels:
            x.problems.append(Problem(S, where, "channel", _("unknown channel '{channel}' of {indicator}: {hint}").format(
                channel=r.channel, indicator=r.indicator, hint=_("leave it empty (the rule has one channel)")
                if channels == [""] else _one_of(r.channel, channels))))
        if r.answer not in answers:
            x.problems.append(Problem(S, where, "answer", _("unknown answer '{answer}' of {indicator}: {hint}").format(
                answer=r.answer, indicator=r.indicator, hint=_one_of(r.answer, answers))))
        key = (r.county, r.indicator, r.channel, r.answer)
        if key in seen:
            x.problems.append(Problem(S, where, "answer", _("duplicate count for {cell} (first on row {first}): keep "
                                                            "one").format(cell="/".join(k for k in key if k),
                                                                          first=seen[key])))
        seen.setdefault(key, row)
        total[key[:3]] = total.get(key[:3], 0) + r.count
    if not x.counties_ok:
        return
    for name in sorted(counted):
        ai, ii, _ind, aname = x.inds[name]
        channels = list(_d(x.rule(name).get("channels"))) or [""]
        missing = [f"{c}{'/' + ch if ch else ''}" for c in x.counties if x.scored_by_values(c, aname)
                   for ch in channels if total.get((c, name, ch), 0) <= 0]
        if missing:
            x.yaml(("assessments", ai, "indicators", ii, "name"),
                   _("{indicator} needs answer counts in surveys.csv for {counties} (at least one answer per "
                     "channel)").format(indicator=name, counties=first_few(missing)))

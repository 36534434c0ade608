"""Cross-references of a scenario: names that refer to each other (blocks, pools, indicators,
counties, grades, forecasts, effort curves, departments, monthly actuals).

Checked on the raw data, so that they are found even when the schema check fails elsewhere; a
check is skipped when what it relies on is malformed (the schema check reports that).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .i18n import _, listing
from .locate import did_you_mean, field_path, line_of
from .problems import ACTUALS_FILE, EFFORT_FILE, FORECASTS_FILE, SCENARIO_FILE, Problem
from .reading import Table
from .schema import NOT_IN_TOTAL, PEER_RELATIVE, TARGETED
from .tracking import cumulative


def _d(x) -> dict:
    return x if isinstance(x, dict) else {}


def _l(x) -> list:
    return x if isinstance(x, list) else []


def _names(items) -> tuple[list, bool]:
    """Names of the mappings of a list, and whether every item has a text name."""
    names = [i.get("name") if isinstance(i, dict) else None for i in _l(items)]
    return names, isinstance(items, list) and all(isinstance(n, str) for n in names)


def _one_of(word, choices) -> str:
    s = did_you_mean(word, choices)
    return _("did you mean '{hint}'?").format(hint=s) if s else _("use one of {choices}").format(choices=listing(choices))


def first_few(names, n: int = 5) -> str:
    """The first ``n`` names, and … when there are more."""
    names = list(names)
    return listing(names[:n]) + (" …" if len(names) > n else "")


def unknown_county(county, counties) -> str:
    return _("unknown county '{county}': {hint}").format(county=county, hint=_one_of(county, counties))


def unknown_indicator(indicator, indicators) -> str:
    return _("unknown indicator '{indicator}': {hint}").format(indicator=indicator, hint=_one_of(indicator, indicators))


def unknown_indicator_in(indicator, assessment, indicators) -> str:
    return _("unknown indicator '{indicator}' in assessment '{assessment}': {hint}").format(
        indicator=indicator, assessment=assessment, hint=_one_of(indicator, indicators))


def unknown_block(block, blocks) -> str:
    return _("unknown block '{block}': {hint}").format(block=block, hint=_one_of(block, blocks))


def unknown_department(department, known) -> str:
    return _("no indicator is led by '{department}': {hint}").format(
        department=department, hint=_one_of(department, known) if known else
        _("set 'department' on the indicators it leads"))


def _peer_relative(rule: dict) -> bool:
    kind = rule.get("kind")
    if not isinstance(kind, str):
        return False
    return (kind in PEER_RELATIVE or (kind == "vs_average" and rule.get("reference", "class") == "class")
            or (kind == "piecewise" and rule.get("reference") == "class"))


def own_value_indicators(data: dict) -> set:
    """Indicators that take no forecasts.csv row: ``value_of`` another, or a survey from answer counts."""
    out = set()
    for a in _l(data.get("assessments")):
        for ind in _l(_d(a).get("indicators")):
            if not isinstance(ind, dict) or not isinstance(ind.get("name"), str):
                continue
            rule = _d(ind.get("rule"))
            if ind.get("value_of") is not None or (rule.get("kind") == "survey" and rule.get("answers") is not None):
                out.add(ind["name"])
    return out


@dataclass
class _Refs:
    """What the checks share: the raw data, the YAML node tree (for lines), the problems found so
    far, and the names every check refers to (each with whether it could be read)."""

    data: dict
    lines: object
    problems: list = field(default_factory=list)
    counties: list = field(default_factory=list)
    counties_ok: bool = False
    home: object = None
    anames: list = field(default_factory=list)
    anames_ok: bool = False
    ind_home: dict = field(default_factory=dict)  # indicator name -> loc of its first definition
    all_inds_ok: bool = False  # every indicator of every assessment is known by name
    per_assessment: list = field(default_factory=list)  # [(assessment name, [(indicator, rule dict)])]

    def yaml(self, loc: tuple, msg: str) -> None:
        """A problem of scenario.yaml at ``loc`` (a path of keys and list positions)."""
        ln = line_of(self.lines, loc) if self.lines is not None else None
        self.problems.append(Problem(SCENARIO_FILE, f"line {ln}" if ln else "", field_path(loc, self.data), msg))

    def line(self, loc: tuple):
        return line_of(self.lines, loc) if self.lines is not None else None


def cross_check(data: dict, ftab: Table, etab: Table, lines, atab: Table | None = None) -> list[Problem]:
    """Every cross-reference problem of a scenario, in the order: counties, assessments (blocks,
    indicators, vetoes, promotion), county totals, forecasts, effort curves, departments, actuals."""
    atab = atab or Table()
    r = _Refs(data, lines)
    r.counties, r.counties_ok = _names(data.get("counties"))
    r.anames, r.anames_ok = _names(data.get("assessments"))
    r.home = _d(data.get("scenario")).get("home")
    _check_counties(r)
    al = _l(data.get("assessments"))
    r.all_inds_ok = bool(al)
    for ai, a in enumerate(al):
        if not isinstance(a, dict):
            r.all_inds_ok = False
            continue
        _check_assessment(r, ai, a)
    _check_totals(r)
    _check_forecasts(r, ftab, _this_year(r, atab))
    _check_percent_scale(r, ftab)
    _check_effort(r, etab)
    _check_departments(r)
    _check_actuals(r, atab, ftab)
    _check_past(r)
    _check_constraint_sets(r)
    return r.problems


def _check_counties(r: _Refs) -> None:
    """Counties listed once; the home county among them and with at least one rival in its class."""
    cl = r.data.get("counties")
    for i, c in enumerate(r.counties):
        if isinstance(c, str) and c in r.counties[:i]:
            first = line_of(r.lines, ("counties", r.counties.index(c), "name"))
            msg = (_("duplicate county '{county}' (first on line {first}): list each county once") if first
                   else _("duplicate county '{county}': list each county once"))
            r.yaml(("counties", i, "name"), msg.format(county=c, first=first))
    if r.counties_ok and isinstance(r.home, str) and r.home not in r.counties:
        r.yaml(("scenario", "home"), _("home county '{county}' is not among the counties: {hint}").format(
            county=r.home, hint=_one_of(r.home, r.counties)))
    home_item = next((c for c in _l(cl) if isinstance(c, dict) and c.get("name") == r.home), None)
    if home_item is not None and isinstance(home_item.get("peer_class"), str):
        rivals = [c for c in _l(cl) if isinstance(c, dict) and c.get("peer_class") == home_item["peer_class"]]
        if len(rivals) < 2:
            r.yaml(("counties",), _("the home county's peer class '{peer_class}' has no rival: add rivals of that "
                                    "class").format(peer_class=home_item["peer_class"]))


def _check_assessment(r: _Refs, ai: int, a: dict) -> None:
    aname = a.get("name")
    if isinstance(aname, str) and aname in r.anames[:ai]:
        r.yaml(("assessments", ai, "name"), _("duplicate assessment '{assessment}': each assessment once").format(
            assessment=aname))
    blocks, blocks_ok = _check_blocks(r, ai, a)
    names_here = _check_indicators(r, ai, a, blocks, blocks_ok)
    r.per_assessment.append((aname, names_here))
    inds = _l(a.get("indicators"))
    inds_ok = all(isinstance(i, dict) and isinstance(i.get("name"), str) for i in inds)
    _check_vetoes(r, ai, a, names_here, inds_ok)
    prom = _d(a.get("promotion")).get("indicator")
    inames = [n for n, _ in names_here]
    if inds_ok and isinstance(prom, str) and prom not in inames:
        r.yaml(("assessments", ai, "promotion", "indicator"), unknown_indicator(prom, inames))


def _check_blocks(r: _Refs, ai: int, a: dict) -> tuple[list, bool]:
    """Blocks named once, their pools known, cap not below floor; returns the block names."""
    blocks, blocks_ok = _names(a.get("blocks"))
    pools, pools_ok = _names(a.get("pools", []))
    for bi, b in enumerate(_l(a.get("blocks"))):
        if not isinstance(b, dict):
            continue
        if isinstance(b.get("name"), str) and b["name"] in blocks[:bi]:
            r.yaml(("assessments", ai, "blocks", bi, "name"), _("duplicate block '{block}': each block once").format(
                block=b["name"]))
        pool = b.get("pool")
        if pools_ok and isinstance(pool, str) and pool not in pools:
            r.yaml(("assessments", ai, "blocks", bi, "pool"), _("unknown pool '{pool}': {hint}").format(
                pool=pool, hint=_one_of(pool, pools) if pools else _("define it under 'pools'")))
        cap, floor = b.get("cap"), b.get("floor")
        if all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (cap, floor)) and cap < floor:
            r.yaml(("assessments", ai, "blocks", bi, "cap"), _("cap ({cap}) is below floor ({floor}): swap them").format(
                cap=cap, floor=floor))
    return blocks, blocks_ok


def _check_indicators(r: _Refs, ai: int, a: dict, blocks: list, blocks_ok: bool) -> list[tuple[str, dict]]:
    """Indicator names unique across the scenario; their blocks (and over-full pools) known.
    Returns this assessment's (name, rule) pairs."""
    if not isinstance(a.get("indicators"), list):
        r.all_inds_ok = False
    names_here: list[tuple[str, dict]] = []
    for ii, ind in enumerate(_l(a.get("indicators"))):
        if not isinstance(ind, dict) or not isinstance(ind.get("name"), str):
            r.all_inds_ok = False
            continue
        loc = ("assessments", ai, "indicators", ii)
        name = ind["name"]
        rule = _d(ind.get("rule"))
        if name in r.ind_home:
            first = r.line(r.ind_home[name] + ("name",))
            msg = (_("duplicate indicator '{indicator}' (first on line {first}): indicator names must be unique; rename "
                     "or remove one") if first else
                   _("duplicate indicator '{indicator}': indicator names must be unique; rename or remove one"))
            r.yaml(loc + ("name",), msg.format(indicator=name, first=first))
        else:
            r.ind_home[name] = loc
        names_here.append((name, rule))
        block = ind.get("block")
        if blocks_ok and isinstance(block, str) and block not in blocks:
            r.yaml(loc + ("block",), unknown_block(block, blocks))
        opool = _d(rule.get("over")).get("pool") if rule.get("kind") == "threshold" else None
        if blocks_ok and isinstance(opool, str) and opool not in blocks:
            r.yaml(loc + ("rule", "over", "pool"), unknown_block(opool, blocks))
    return names_here


def _check_vetoes(r: _Refs, ai: int, a: dict, names_here: list, inds_ok: bool) -> None:
    """A veto names an indicator of its assessment (a threshold one for misses_basic) and a known grade."""
    aname = a.get("name")
    inames = [n for n, _ in names_here]
    levels = _l(_d(a.get("grades")).get("levels"))
    gnames = [g.get("grade") for g in levels if isinstance(g, dict)]
    gnames_ok = bool(levels) and all(isinstance(g, str) for g in gnames)
    for vi, v in enumerate(_l(a.get("vetoes", []))):
        if not isinstance(v, dict):
            continue
        vloc = ("assessments", ai, "vetoes", vi)
        vind = v.get("indicator")
        if inds_ok and isinstance(vind, str) and vind not in inames:
            r.yaml(vloc + ("indicator",), unknown_indicator_in(vind, aname, inames))
        elif isinstance(vind, str) and v.get("when", "misses_basic") == "misses_basic":
            vrule = dict(names_here).get(vind, {})
            if vrule and vrule.get("kind") != "threshold" and vrule.get("kind") not in TARGETED:
                r.yaml(vloc + ("when",) if "when" in v else vloc + ("indicator",),
                       _("misses_basic needs a rule with a target ('{indicator}' is {kind}): use when: below/above with "
                         "a value").format(indicator=vind, kind=vrule.get("kind")))
        g = v.get("grade")
        if gnames_ok and isinstance(g, str) and g not in gnames:
            r.yaml(vloc + ("grade",), _("unknown grade '{grade}': {hint}").format(grade=g, hint=_one_of(g, gnames)))


def _check_totals(r: _Refs) -> None:
    """A county's total forecasts name known assessments."""
    for ci, c in enumerate(_l(r.data.get("counties"))):
        for an in _d(_d(c).get("totals")):
            if r.anames_ok and an not in r.anames:
                r.yaml(("counties", ci, "totals", an), _("unknown assessment '{assessment}': {hint}").format(
                    assessment=an, hint=_one_of(an, r.anames)))


def _this_year(r: _Refs, atab: Table) -> set[tuple]:
    """(county, indicator) pairs with actuals of the scenario's year: projected, so covered."""
    year = _d(r.data.get("scenario")).get("year")
    return {(a.county, a.indicator) for _, a in atab.rows if a.year == year} | {
        (d.get("county"), d.get("indicator")) for _, d in atab.bad if str(d.get("year")) == str(year)}


def _check_forecasts(r: _Refs, ftab: Table, projected: set[tuple] = frozenset()) -> None:
    """Forecast rows name known counties and indicators, once each; every county has a forecast
    for every indicator (or a total, but never for a class-relative indicator), or this year's
    actuals to project one from."""
    F = FORECASTS_FILE
    P = r.problems
    inds = list(r.ind_home)
    seen: dict[tuple, int] = {}
    for row, f in ftab.rows:
        if r.counties_ok and f.county not in r.counties:
            P.append(Problem(F, f"row {row}", "county", unknown_county(f.county, r.counties)))
        if r.all_inds_ok and f.indicator not in r.ind_home:
            P.append(Problem(F, f"row {row}", "indicator", unknown_indicator(f.indicator, inds)))
        key = (f.county, f.indicator)
        if key in seen:
            P.append(Problem(F, f"row {row}", "indicator", _("duplicate forecast for {county}/{indicator} (first on row "
                                                             "{first}): keep one").format(
                county=f.county, indicator=f.indicator, first=seen[key])))
        seen.setdefault(key, row)
    covered = set(seen) | {(d.get("county"), d.get("indicator")) for _, d in ftab.bad} | set(projected)
    own = own_value_indicators(r.data)  # scored from another indicator's value or from survey counts
    covered |= {(c, n) for c in r.counties for n in own}
    if not (ftab.usable and r.counties_ok and r.all_inds_ok and r.anames_ok):
        return
    for c in _l(r.data.get("counties")):
        for aname, names_here in r.per_assessment:
            missing = [n for n, _ in names_here if (c["name"], n) not in covered]
            if not missing:
                continue
            shown = first_few(missing)
            if c["name"] == r.home:
                P.append(Problem(F, "", "", _("home county {county} has no forecast for {indicators}: add rows (or this "
                                              "year's actuals to {file})").format(
                    county=r.home, indicators=shown, file=ACTUALS_FILE)))
            elif aname not in _d(c.get("totals")):
                P.append(Problem(F, "", "", _("{county} has no forecast for {n} indicator(s) of {assessment} "
                                              "({indicators}) and no total forecast: add rows, or 'totals' for the county "
                                              "in scenario.yaml").format(
                    county=c["name"], n=len(missing), assessment=aname, indicators=shown)))
            else:
                lacking = set(missing)  # a set: a list here made validation quadratic in the indicators
                peer = [n for n, rule in names_here if n in lacking and _peer_relative(rule)]
                if peer:
                    P.append(Problem(F, "", "", _("{county} needs forecasts for the class-relative indicator(s) "
                                                  "{indicators} of {assessment}: add rows").format(
                        county=c["name"], indicators=listing(peer), assessment=aname)))


PERCENT = ("%", "％")
TARGET_KEYS = ("basic", "full", "target")


def _check_percent_scale(r: _Refs, ftab: Table) -> None:
    """A % indicator's forecast and its targets on the same scale: one about 100× the other (71 against a
    target of 0.7) is a value written as a fraction where the unit says percent, or the reverse."""
    targets: dict[str, list[float]] = {}
    for a in _l(r.data.get("assessments")):
        for i in map(_d, _l(_d(a).get("indicators"))):
            if isinstance(i.get("name"), str) and str(i.get("unit", "")).strip() in PERCENT:
                rule = _d(i.get("rule"))
                ts = [abs(rule[k]) for k in TARGET_KEYS if _number(rule.get(k)) and rule[k] != 0]
                if ts:
                    targets[i["name"]] = ts
    for row, f in ftab.rows:
        ts = targets.get(f.indicator)
        if not ts or f.dist == "bernoulli":
            continue
        key = "likely" if f.dist in ("triangular", "pert") else "mean"
        v = abs(getattr(f, key))
        t = max(ts)
        if v == 0:
            continue
        ratio = v / t
        if (30 <= ratio <= 300 and t <= 1.5) or (30 <= 1 / ratio <= 300 and v <= 1.5):
            r.problems.append(Problem(FORECASTS_FILE, f"row {row}", key, _(
                "{county}'s forecast {value:g} of {indicator} and its target {target:g} differ about {ratio:.0f}×, but "
                "the unit is %: a percentage is written in percent (write 70 for 70 %, not 0.7); write every value of "
                "{indicator} in percent").format(county=f.county, value=getattr(f, key), indicator=f.indicator, target=t,
                                                  ratio=max(ratio, 1 / ratio))))


def _check_effort(r: _Refs, etab: Table) -> None:
    """Effort rows name known indicators; each curve's segments grow and cost more per unit (convex)."""
    E = EFFORT_FILE
    P = r.problems
    last: dict[str, tuple[float, float, int]] = {}
    for row, e in etab.rows:
        if r.all_inds_ok and e.indicator not in r.ind_home:
            P.append(Problem(E, f"row {row}", "indicator", unknown_indicator(e.indicator, list(r.ind_home))))
            continue
        if e.indicator in last:
            up, cost, prow = last[e.indicator]
            if e.upto <= up:
                P.append(Problem(E, f"row {row}", "upto", _("segments of {indicator} must grow: upto {upto} after "
                                                            "{previous} (row {row}): order the rows by upto").format(
                    indicator=e.indicator, upto=e.upto, previous=up, row=prow)))
            if e.cost < cost:
                P.append(Problem(E, f"row {row}", "cost", _("the cost curve of {indicator} must be convex: cost per unit "
                                                            "{cost} after {previous} (row {row}); each segment must cost at "
                                                            "least as much per unit as the one before").format(
                    indicator=e.indicator, cost=e.cost, previous=cost, row=prow)))
        last[e.indicator] = (e.upto, e.cost, row)


def _check_departments(r: _Refs) -> None:
    """A department budget names a department that leads at least one indicator."""
    al = _l(r.data.get("assessments"))
    depts = {i.get("department") for a in al if isinstance(a, dict) for i in _l(a.get("indicators"))
             if isinstance(i, dict) and isinstance(i.get("department"), str)}
    if not r.all_inds_ok:
        return
    for d in _d(_d(r.data.get("effort")).get("departments")):
        if d not in depts:
            known = sorted(x for x in depts if isinstance(x, str))
            r.yaml(("effort", "departments", d), unknown_department(d, known))


def _check_actuals(r: _Refs, atab: Table, ftab: Table) -> None:
    """Actual rows name known counties and indicators whose ``measure`` is given, once per month;
    monthly amounts only for flows and counts, every month from January, one basis per year; no
    year after the scenario's; a forecast row's ``actual`` agrees with this year's latest actual."""
    A = ACTUALS_FILE
    P = r.problems
    year = _d(r.data.get("scenario")).get("year")
    measure = {i.get("name"): i.get("measure") for a in _l(r.data.get("assessments")) if isinstance(a, dict)
               for i in _l(a.get("indicators")) if isinstance(i, dict) and isinstance(i.get("name"), str)}
    seen: dict[tuple, int] = {}
    basis: dict[tuple, tuple[str, int]] = {}
    told: set[str] = set()
    for row, a in atab.rows:
        if r.counties_ok and a.county not in r.counties:
            P.append(Problem(A, f"row {row}", "county", unknown_county(a.county, r.counties)))
        if r.all_inds_ok and a.indicator not in r.ind_home:
            P.append(Problem(A, f"row {row}", "indicator", unknown_indicator(a.indicator, list(r.ind_home))))
            continue
        m = measure.get(a.indicator)
        if m is None and a.indicator in measure and a.indicator not in told:
            told.add(a.indicator)
            ln = r.line(r.ind_home[a.indicator] + ("name",)) if a.indicator in r.ind_home else None
            msg = (_("indicator '{indicator}' has actuals but no 'measure' (scenario.yaml line {line}): add measure: "
                     "flow, stock, rate or count to it") if ln else
                   _("indicator '{indicator}' has actuals but no 'measure': add measure: flow, stock, rate or count to it"))
            P.append(Problem(A, f"row {row}", "indicator", msg.format(indicator=a.indicator, line=ln)))
        if a.basis == "monthly" and m in ("stock", "rate"):
            P.append(Problem(A, f"row {row}", "basis", _("monthly amounts do not add up for a {measure} ({indicator}): "
                                                         "give its level at the end of each month (basis cumulative)").format(
                measure=m, indicator=a.indicator)))
        if isinstance(year, int) and a.year > year:
            P.append(Problem(A, f"row {row}", "year", _("year {year} is after the scenario's year {scenario_year}: "
                                                        "actuals are this year's or past years'").format(
                year=a.year, scenario_year=year)))
        key = (a.county, a.indicator, a.year, a.month)
        if key in seen:
            P.append(Problem(A, f"row {row}", "month", _("duplicate actual for {county}/{indicator} {year}-{month:02d} "
                                                         "(first on row {first}): keep one").format(
                county=a.county, indicator=a.indicator, year=a.year, month=a.month, first=seen[key])))
        seen.setdefault(key, row)
        series = key[:3]
        if series in basis and basis[series][0] != a.basis:
            P.append(Problem(A, f"row {row}", "basis", _("{county}/{indicator} {year} mixes cumulative and monthly values "
                                                         "(row {row} is {basis}): use one basis per year").format(
                county=a.county, indicator=a.indicator, year=a.year, row=basis[series][1], basis=basis[series][0])))
        basis.setdefault(series, (a.basis, row))
    for (county, ind, y), (b, row) in basis.items():
        if b != "monthly":
            continue
        months = sorted(k[3] for k in seen if k[:3] == (county, ind, y))
        gaps = [m for m in range(1, months[-1] + 1) if m not in months]
        if gaps:
            P.append(Problem(A, f"row {row}", "month", _("monthly amounts of {county}/{indicator} {year} miss month(s) "
                                                         "{months}: they are summed from January, so give every "
                                                         "month").format(
                county=county, indicator=ind, year=y, months=listing(gaps))))
    latest = {(c, i): ms[max(ms)] for (c, i, y), ms in cumulative([a for _, a in atab.rows]).items() if y == year and ms}
    for row, f in ftab.rows:
        now = latest.get((f.county, f.indicator))
        if f.actual is not None and now is not None and abs(f.actual - now) > 1e-9 * max(1.0, abs(now)):
            P.append(Problem(FORECASTS_FILE, f"row {row}", "actual", _(
                "actual {actual:g} of {county}/{indicator} disagrees with {file} ({latest:g} at this year's latest "
                "month): make them agree, or leave this cell empty").format(
                actual=f.actual, county=f.county, indicator=f.indicator, file=ACTUALS_FILE, latest=now)))


def _check_past(r: _Refs) -> None:
    """Past years' indicator results name known indicators."""
    if not r.all_inds_ok:
        return
    for ci, c in enumerate(_l(r.data.get("counties"))):
        for hi, h in enumerate(_l(_d(c).get("history"))):
            for name in _d(_d(h).get("indicators")):
                if name not in r.ind_home:
                    r.yaml(("counties", ci, "history", hi, "indicators", name),
                           _("unknown indicator '{indicator}': {hint} (past years are matched to this year's "
                             "indicators by name)").format(indicator=name, hint=_one_of(name, list(r.ind_home))))


TARGET_KINDS = ("threshold", "binary", "ratio", "base_step")  # rules with a basic target (保基本分)


def _check_constraint_sets(r: _Refs) -> None:
    """A constraint set names known indicators and departments; 保基本分 needs a rule with a basic target."""
    if not r.all_inds_ok:
        return
    rules = {n: rule for _, names_here in r.per_assessment for n, rule in names_here}
    inds = list(r.ind_home)
    depts = sorted({i.get("department") for a in _l(r.data.get("assessments")) if isinstance(a, dict)
                    for i in _l(a.get("indicators")) if isinstance(i, dict) and isinstance(i.get("department"), str)})
    for name, cset in _d(r.data.get("constraints")).items():
        loc = ("constraints", name)
        cset = _d(cset)
        for key in ("lock", "basic"):
            for k, ind in enumerate(_l(cset.get(key))):
                if isinstance(ind, str) and ind not in rules:
                    r.yaml(loc + (key, k), unknown_indicator(ind, inds))
                elif key == "basic" and isinstance(ind, str) and rules[ind].get("kind") not in TARGET_KINDS:
                    r.yaml(loc + (key, k), _("'{indicator}' has no basic target (rule {kind}): keeping the basic points "
                                             "(basic:) needs a rule of kind {kinds}").format(indicator=ind, kind=rules[ind].get("kind"),
                                                                    kinds=listing(TARGET_KINDS)))
        for ind in _d(cset.get("force")):
            if ind not in rules:
                r.yaml(loc + ("force", ind), unknown_indicator(ind, inds))
        for d in _d(cset.get("department_share")):
            if d not in depts:
                r.yaml(loc + ("department_share", d), unknown_department(d, depts))


def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and x == x and abs(x) != float("inf")


def total_points_problems(data: dict, lines) -> list[Problem]:
    """An assessment's total_points equals the weighted points of its indicators (bonus and deduction
    kinds apart), on the scenario as written: an override may change points or weights without it."""
    r = _Refs(data, lines)
    for ai, a in enumerate(_l(data.get("assessments"))):
        a = _d(a)
        tp = a.get("total_points")
        if not _number(tp):
            continue
        weight = {b["name"]: b.get("weight", 1.0) for b in map(_d, _l(a.get("blocks"))) if isinstance(b.get("name"), str)}
        parts = [(weight.get(i["block"], 1.0) if isinstance(i.get("block"), str) else 1.0, i.get("points"))
                 for i in map(_d, _l(a.get("indicators"))) if i.get("kind", "other") not in NOT_IN_TOTAL]
        if not parts or not all(_number(w) and _number(p) and w > 0 and p > 0 for w, p in parts):
            continue  # the schema check reports what is malformed
        counted = sum(w * p for w, p in parts)
        if abs(counted - tp) > 1e-9 * max(1.0, abs(tp)):
            r.yaml(("assessments", ai, "total_points"),
                   _("total_points ({total:g}) is not the sum of the points of the indicators ({counted:g}, block "
                     "weights applied; kinds bonus and deduction not counted): correct total_points or the "
                     "points").format(total=tp, counted=counted))
    return r.problems

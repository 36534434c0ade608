"""Named what-if overrides (``overrides:`` in scenario.yaml) applied on top of the base scenario.

An override is a list of patches, each a ``path`` and a ``value``. A path walks the YAML
(keys separated by dots, list items selected by their name in brackets) or selects a row of
``forecasts.csv`` by ``county/indicator``::

    assessments[发展目标考核].indicators[外贸自营出口].rule.basic
    assessments[X].blocks[Y].weight
    counties[仙居].totals[发展目标考核].mean
    effort.budget
    forecasts[仙居/外贸自营出口].mean
    effort_rows[外贸自营出口/1].cost          (the 2nd cost segment, counted from 0)

A bracket selects, in a list, the item whose ``name`` (or ``grade``) equals it, or by position
when it is a whole number; in a mapping, the key. Only the last key of a path may be new (so
``effort.budget`` can be set when the file gives none); everything before it must exist.
Overrides apply in the order named; a later one sees the earlier ones' changes. Every problem
(unknown override, county, indicator, key, or a value the row's model refuses) becomes a
:class:`~models.scenario.Problem` of ``scenario.yaml`` with field ``overrides[name]``: never a
``KeyError``.
"""
from __future__ import annotations

import copy
import re

from pydantic import ValidationError

from .i18n import _, listing
from .locate import _message, translated
from .problems import SCENARIO_FILE, Problem
from .schema import EffortRow, ForecastRow, Override

_SEGMENT = re.compile(r"([^.\[\]]+)((?:\[[^\[\]]*\])*)")
_SELECTOR = re.compile(r"\[([^\[\]]*)\]")


class _PathError(Exception):
    """A patch that cannot be applied; the message says why in words."""


def parse_path(path: str) -> list[tuple[str, list[str]]]:
    """Split ``a[x].b.c[y][z]`` into ``[('a', ['x']), ('b', []), ('c', ['y', 'z'])]``.

    Raises ``_PathError`` for a malformed path (empty segment, stray bracket)."""
    if not isinstance(path, str) or not path.strip():
        raise _PathError(_("empty path"))
    out, pos = [], 0
    while True:
        m = _SEGMENT.match(path, pos)
        if m is None or m.start() != pos:
            raise _PathError(unreadable(path, pos))
        out.append((m.group(1).strip(), _SELECTOR.findall(m.group(2))))
        pos = m.end()
        if pos == len(path):
            return out
        if path[pos] != "." or pos + 1 == len(path):
            raise _PathError(unreadable(path, pos))
        pos += 1


def unreadable(path: str, pos: int) -> str:
    return _("cannot read path '{path}' at character {n}: write key.key[name].key").format(path=path, n=pos + 1)


def _no_such(sel: str, where: str, choices) -> str:
    """No ``sel`` in ``where`` (a path, or the file): the choices."""
    where = _("the file") if where == _FILE else where
    return _("no '{key}' in {where}: one of {choices}").format(key=sel, where=where, choices=listing(choices))


_FILE = ""  # ``where`` at the top of the file


def _names(items: list) -> list[str]:
    return [str(it.get("name", it.get("grade"))) for it in items if isinstance(it, dict)]


def _select(cur, sel: str, where: str):
    """The child of ``cur`` chosen by a bracket selector."""
    if isinstance(cur, list):
        for it in cur:
            if isinstance(it, dict) and (str(it.get("name")) == sel or str(it.get("grade")) == sel):
                return it
        if re.fullmatch(r"\d+", sel) and int(sel) < len(cur):
            return cur[int(sel)]
        raise _PathError(_no_such(sel, where, _names(cur)))
    if isinstance(cur, dict):
        if sel in cur:
            return cur[sel]
        raise _PathError(_no_such(sel, where, sorted(map(str, cur))))
    raise _PathError(_("{where} is not a list or mapping: cannot select [{key}]").format(
        where=_("the file") if where == _FILE else where, key=sel))


def _set_yaml(data: dict, parts: list[tuple[str, list[str]]], value) -> None:
    """Set the value at a YAML path in place; only the last key may be new."""
    steps = [(False, key) if j < 0 else (True, sels[j]) for key, sels in parts for j in range(-1, len(sels))]
    cur, where = data, _FILE
    for n, (is_sel, key) in enumerate(steps):
        last = n == len(steps) - 1
        if is_sel:
            if last:
                if isinstance(cur, dict):
                    if key not in cur:
                        raise _PathError(_no_such(key, where, sorted(map(str, cur))))
                    cur[key] = copy.deepcopy(value)
                else:
                    child = _select(cur, key, where)
                    cur[cur.index(child)] = copy.deepcopy(value)
                return
            cur = _select(cur, key, where)
            where = f"{where}[{key}]"
            continue
        if not isinstance(cur, dict):
            raise _PathError(_("{where} is not a mapping: cannot read '{key}'").format(
                where=_("the file") if where == _FILE else where, key=key))
        if last:
            cur[key] = copy.deepcopy(value)
            return
        if key not in cur:
            if key == "effort" and n == 0:  # no effort section yet: effort.budget may still be set
                cur[key] = {}
            else:
                raise _PathError(_no_such(key, where, sorted(map(str, cur))))
        cur = cur[key]
        where = key if where == _FILE else f"{where}.{key}"


def _set_row(rows: list, model, sel: str, field: str, value, table: str, key_of) -> list:
    """A copy of ``rows`` (row number, model) with ``field`` of the selected row set to ``value``."""
    allowed = [f for f in model.model_fields if f not in ("county", "indicator")]
    if field not in allowed:
        raise _PathError(_("'{column}' is not a column of {table} that can be overridden: one of {choices}").format(
            column=field, table=table, choices=listing(allowed)))
    idx = key_of(rows, sel)
    n, row = rows[idx]
    try:
        new = model.model_validate({**row.model_dump(exclude_unset=True), field: value})
    except ValidationError as err:
        msgs = "; ".join(translated(e["ctx"]) if e["type"] == "kaoping" else _message(e, model, row.model_dump())
                         for e in err.errors())
        raise _PathError(_("{table} row {row} refuses {column} = {value}: {reason}").format(
            table=table, row=n, column=field, value=repr(value), reason=msgs)) from None
    out = list(rows)
    out[idx] = (n, new)
    return out


def _forecast_index(frows, sel: str) -> int:
    if "/" not in sel:
        raise _PathError(_("select a forecast as forecasts[county/indicator], not [{key}]").format(key=sel))
    county, indicator = (s.strip() for s in sel.split("/", 1))
    for k, (_n, r) in enumerate(frows):
        if r.county == county and r.indicator == indicator:
            return k
    counties = sorted({r.county for _, r in frows})
    if county not in counties:
        raise _PathError(_("no forecast rows for county '{county}' in forecasts.csv: one of {choices}").format(
            county=county, choices=listing(counties)))
    raise _PathError(_("no forecast row for {county}/{indicator} in forecasts.csv (unknown indicator, or the county has "
                       "none)").format(county=county, indicator=indicator))


def _effort_index(erows, sel: str) -> int:
    name, _slash, seg = sel.partition("/")
    name, seg = name.strip(), (seg.strip() or "0")
    if not re.fullmatch(r"\d+", seg):
        raise _PathError(_("select an effort segment as effort_rows[indicator/k] with k = 0, 1, …, not [{key}]").format(
            key=sel))
    hits = [k for k, (_, r) in enumerate(erows) if r.indicator == name]
    if not hits:
        raise _PathError(_("no effort rows for indicator '{indicator}' in effort.csv").format(indicator=name))
    if int(seg) >= len(hits):
        raise _PathError(_("indicator '{indicator}' has {n} effort segment(s) (0 … {last}), not {k}").format(
            indicator=name, n=len(hits), last=len(hits) - 1, k=seg))
    return hits[int(seg)]


def _known_names(data: dict) -> tuple[set[str], set[str]]:
    counties = {str(c.get("name")) for c in data.get("counties") or [] if isinstance(c, dict)}
    inds = {str(i.get("name")) for a in data.get("assessments") or [] if isinstance(a, dict)
            for i in a.get("indicators") or [] if isinstance(i, dict)}
    return counties, inds


def apply_patch(data: dict, frows: list, erows: list, path: str, value) -> tuple[list, list]:
    """Apply one patch in place to ``data`` (the YAML dict); returns the (possibly new) row lists.

    Raises ``_PathError`` with a message in words when the patch does not fit the scenario."""
    parts = parse_path(path)
    head, sels = parts[0]
    if head in ("forecasts", "effort_rows"):
        if len(sels) != 1 or len(parts) != 2 or parts[1][1]:
            raise _PathError(_("write {table}[…].column, e.g. forecasts[county/indicator].mean").format(table=head))
        field = parts[1][0]
        if head == "forecasts":
            counties, inds = _known_names(data)
            c, _slash, i = sels[0].partition("/")
            if c.strip() not in counties:
                raise _PathError(_("unknown county '{county}': one of {choices}").format(
                    county=c.strip(), choices=listing(sorted(counties))))
            if i.strip() not in inds:
                raise _PathError(_("unknown indicator '{indicator}'").format(indicator=i.strip()))
            return _set_row(frows, ForecastRow, sels[0], field, value, "forecasts.csv", _forecast_index), erows
        return frows, _set_row(erows, EffortRow, sels[0], field, value, "effort.csv", _effort_index)
    if head == "overrides":
        raise _PathError(_("an override cannot change the overrides"))
    _set_yaml(data, parts, value)
    return frows, erows


def apply_overrides(data: dict, frows: list, erows: list, names) -> tuple[dict, list, list, list]:
    """Apply the named overrides of a scenario, in order.

    Parameters
    ----------
    data : the parsed ``scenario.yaml`` (not modified: a patched deep copy is returned).
    frows, erows : lists of ``(row number, ForecastRow)`` and ``(row number, EffortRow)``.
    names : override names, in the order to apply them.

    Returns
    -------
    ``(data, frows, erows, problems)``: the patched copies and a list of
    :class:`~models.scenario.Problem` (file ``scenario.yaml``, field ``overrides[name]``), empty
    when every override applied.
    """
    if isinstance(names, str):  # "a,b" as typed on the command line
        names = [n.strip() for n in names.split(",") if n.strip()]
    data = copy.deepcopy(data)
    frows, erows = list(frows), list(erows)
    problems: list = []
    declared = data.get("overrides") if isinstance(data, dict) else None
    if declared is None:
        declared = {}
    if not isinstance(declared, dict):
        return data, frows, erows, [Problem(SCENARIO_FILE, "", "overrides",
                                            _("must be a mapping: name -> {{description, set}}"))]
    for name in names:
        fld = f"overrides[{name}]"
        if name not in declared:
            known = sorted(map(str, declared))
            msg = (_("unknown override '{name}': use one of {choices}") if known else
                   _("unknown override '{name}': none is declared: declare it under overrides: in scenario.yaml"))
            problems.append(Problem(SCENARIO_FILE, "", fld, msg.format(name=name, choices=listing(known))))
            continue
        try:
            ov = Override.model_validate(declared[name] or {})
        except ValidationError as err:
            msgs = "; ".join(f"{'.'.join(map(str, e['loc']))}: {_message(e, Override, declared[name])}"
                             for e in err.errors())
            problems.append(Problem(SCENARIO_FILE, "", fld, _("malformed override: {reason}").format(reason=msgs)))
            continue
        for k, patch in enumerate(ov.set):
            try:
                frows, erows = apply_patch(data, frows, erows, patch.path, patch.value)
            except _PathError as err:
                problems.append(Problem(SCENARIO_FILE, "", fld, _("set[{k}] path '{path}': {reason}").format(
                    k=k, path=patch.path, reason=err)))
    return data, frows, erows, problems


def check_declared(data: dict, frows: list, erows: list, skip=()) -> list:
    """Problems of every declared override not in ``skip``, each tried alone on the base.

    So that ``kaoping validate`` catches an override naming an unknown county, indicator or key
    before anyone asks for it. Only paths and row values are checked here; the scenario an
    override produces is validated in full when it is applied."""
    declared = data.get("overrides") if isinstance(data, dict) else None
    if not isinstance(declared, dict):
        return []
    names = [n for n in declared if n not in set(skip)]
    return apply_overrides(data, frows, erows, names)[3] if names else []

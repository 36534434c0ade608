"""A planner's own constraints on the plan: lock an indicator (no push), force a push or a level
already promised, require the basic points of a list of indicators (保基本分), cap a department's
share of the total budget. Named sets live in the scenario (``constraints:``); the CLI adds flags.

Each constraint is an :class:`Item` with a label in words. Lock, force and basic restrict an
indicator's option levels to the pushes they allow (a required push that is no level yet is added
as one, of kind ``required``), so the MILP, the warm start and the baselines all honour them
exactly; a department's share becomes a department budget (share × total budget). A set that no
plan can meet raises :class:`~optimizer.errors.Infeasible` naming a small clashing subset, found
by deletion filtering (Chinneck & Dravnieks 1991): drop each constraint in turn and keep it out
when the rest still clash; what remains clashes, and dropping any one of it resolves the clash.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from models.breakpoints import value_targets
from models.options import Levels, curve_cost, option_levels
from models.schema import BaseStep, Binary, Ratio, Threshold
from models.scorecard import central_values

from models.options import kind_word

from .errors import BadInput, Infeasible
from .i18n import N_, _, listing, translate

TOL = 1e-9
REQUIRED = "required"  # the kind of an option level added for a forced push or a basic target
COMMAND_LINE = N_("命令行")  # the source of the constraints given as options, in their labels


def level_kind_word(kind: str) -> str:
    """A push level's kind (a code: models.options' or :data:`REQUIRED`) as a table shows it."""
    return _("约束要求") if kind == REQUIRED else kind_word(kind)


@dataclass(frozen=True)
class Item:
    """One constraint. ``kind``: 'lock' (no push), 'push' (at least ``value`` [indicator unit]),
    'share' (department ``department`` uses at most ``value`` [0–1] of the total budget),
    'budget' (total effort ≤ ``value``), 'department' (a department budget), 'target' (min-effort's
    probability target); ``label`` says it in words, naming its set. ``budget``: for a share
    applied to a request, the department's own budget it tightened (None: none)."""

    kind: str
    label: str
    indicator: str | None = None
    department: str | None = None
    value: float = 0.0
    budget: float | None = None


def basic_target(ind, own=None) -> float | None:
    """The target that earns an indicator's basic points (threshold ``basic``; binary, ratio and
    base_step ``target``), or None for rules without one. ``own`` (models.breakpoints.Own): a
    county's own numbers, the target then turned into a value (the rule may score a completion
    rate or a growth over the county's own base)."""
    r = ind.rule
    if own is not None and isinstance(r, (Threshold, Binary, Ratio, BaseStep)):
        return value_targets(ind, own)[0]
    if isinstance(r, Threshold):
        return r.basic
    if isinstance(r, (Binary, Ratio, BaseStep)):
        return r.target
    return None


def _indicator(scn, name: str, where: str):
    names = [i.name for i in scn.indicators()]
    if name not in names:
        from models.locate import did_you_mean

        hint = did_you_mean(name, names)
        raise BadInput((_("{where}: unknown indicator '{name}': did you mean '{hint}'?") if hint else
                        _("{where}: unknown indicator '{name}'")).format(where=where, name=name, hint=hint))
    return scn.indicator(name)


def _push_to(scn, centre: float, name: str, level: float) -> float:
    """The push [indicator unit, ≥ 0] that brings the home's forecast centre to ``level``."""
    s = 1.0 if scn.indicator(name).direction == "higher" else -1.0
    return max(0.0, s * (level - centre))


def items_from(scn, sets=(), *, lock=(), force=None, force_push=None, basic=(), share=None,
               source: str | None = None) -> list[Item]:
    """The constraints of the named sets of the scenario, then those given directly (``source``
    names them in messages; default: the command line, in the language in use): ``force`` indicator → level [unit], ``force_push`` indicator → push
    [unit], ``share`` department → share [0–1]. Unknown names raise BadInput (exit 2)."""
    from models.scoring import compile_scenario

    cs = compile_scenario(scn)
    centre = central_values(scn, cs)[cs.home]
    col = {n: k for k, n in enumerate(cs.indicators)}
    depts = sorted({i.department for i in scn.indicators() if i.department})
    out: list[Item] = []

    def add(tag, lock_, force_, push_, basic_, share_):
        for n in lock_:
            _indicator(scn, n, tag)
            out.append(Item("lock", _("{source}: 锁定 {indicator} (不推进)").format(source=tag, indicator=n), indicator=n))
        for n, lv in force_.items():
            _indicator(scn, n, tag)
            p = _push_to(scn, centre[col[n]], n, lv)
            out.append(Item("push", _("{source}: {indicator} 推进到 {level:g}{unit} (推进 {push:.4g})").format(
                source=tag, indicator=n, level=lv, unit=scn.indicator(n).unit, push=p), indicator=n, value=p))
        for n, p in push_.items():
            _indicator(scn, n, tag)
            if p < 0:
                raise BadInput(_("{source}: the push of '{indicator}' must be ≥ 0 (it is measured in the good direction), "
                                 "got {push:g}").format(source=tag, indicator=n, push=p))
            out.append(Item("push", _("{source}: {indicator} 至少推进 {push:g}{unit}").format(
                source=tag, indicator=n, push=p, unit=scn.indicator(n).unit), indicator=n, value=float(p)))
        for n in basic_:
            ind = _indicator(scn, n, tag)
            b = basic_target(ind, cs.own_of(n, cs.home))  # the home's own basic target, in values
            if b is None:
                raise BadInput(_("{source}: '{indicator}' has no basic target (rule {kind}): keeping its basic points needs a "
                                 "threshold, binary, ratio or base_step rule").format(source=tag, indicator=n, kind=ind.rule.kind))
            p = _push_to(scn, centre[col[n]], n, b)
            out.append(Item("push", _("{source}: 保基本分 {indicator} (基本任务 {basic:g}{unit}, 推进 {push:.4g})").format(
                source=tag, indicator=n, basic=b, unit=ind.unit, push=p), indicator=n, value=p))
        for d, sh in share_.items():
            if d not in depts:
                raise BadInput(_("{source}: no indicator is led by '{department}': one of {departments}").format(
                    source=tag, department=d, departments=listing(depts)))
            if not 0 < sh <= 1:
                raise BadInput(_("{source}: the share of '{department}' must be in (0, 1], got {share:g}").format(
                    source=tag, department=d, share=sh))
            out.append(Item("share", _("{source}: {department} 至多用总预算的 {share:.0%}").format(
                source=tag, department=d, share=sh), department=d, value=float(sh)))

    for name in sets:
        if name not in scn.spec.constraints:
            known = listing(scn.spec.constraints) or _("(none declared)")
            raise BadInput(_("unknown constraint set '{name}': one of {known} (under 'constraints:' in scenario.yaml)")
                           .format(name=name, known=known))
        c = scn.spec.constraints[name]
        add(_("约束集 {name}").format(name=name), c.lock, {k: f.level for k, f in c.force.items() if f.level is not None},
            {k: f.push for k, f in c.force.items() if f.push is not None}, c.basic, c.department_share)
    add(translate(COMMAND_LINE) if source is None else source, lock, force or {}, force_push or {}, basic, share or {})
    return out


# --------------------------------------------------------------------------- what a set allows


def _curves(scn) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Cost curve (segment ends [unit], cost per unit) of every pushable indicator."""
    out: dict[str, list] = {}
    for r in scn.effort_rows:
        out.setdefault(r.indicator, []).append((r.upto, r.cost))
    return {k: (np.array([u for u, _ in v]), np.array([c for _, c in v])) for k, v in out.items()}


def _bounds(items) -> tuple[dict[str, float], set[str]]:
    """Smallest push per indicator and the locked indicators."""
    least: dict[str, float] = {}
    for it in items:
        if it.kind == "push":
            least[it.indicator] = max(least.get(it.indicator, 0.0), it.value)
    return least, {it.indicator for it in items if it.kind == "lock"}


def feasible(scn, items, budget: float | None) -> bool:
    """Whether some plan meets every item (not the min-effort target): each indicator keeps an
    allowed push, and the cheapest allowed plan (every indicator at its smallest allowed push: efforts
    rise with the push) stays within every budget, department budget and share cap among ``items``."""
    curves = _curves(scn)
    least, locked = _bounds(items)
    effort: dict[str, float] = {}
    for n, p in least.items():
        if p <= TOL:
            continue
        if n in locked or n not in curves or p > curves[n][0][-1] + TOL:
            return False
        effort[n] = float(curve_cost(p, *curves[n]))
    dept = {i.name: i.department for i in scn.indicators()}
    spent: dict[str | None, float] = {}
    for n, e in effort.items():
        spent[dept[n]] = spent.get(dept[n], 0.0) + e
    for it in items:
        if it.kind == "budget" and sum(effort.values()) > it.value + TOL:
            return False
        if it.kind == "department" and spent.get(it.department, 0.0) > it.value + TOL:
            return False
        if it.kind == "share" and spent.get(it.department, 0.0) > it.value * (budget or 0.0) + TOL:
            return False
    return True


def clash(items: list[Item], ok) -> list[Item]:
    """A small subset of ``items`` that ``ok`` (subset → bool) refuses, by deletion filtering:
    dropping any one member of the result makes ``ok`` accept it (given ``ok`` is monotone)."""
    keep = list(items)
    for it in list(items):
        rest = [x for x in keep if x is not it]
        if not ok(rest):
            keep = rest
    return keep


def budget_items(req, unit: str = "") -> list[Item]:
    """The request's total budget and department budgets as items (so that they can clash too)."""
    out = []
    if req.budget is not None:
        out.append(Item("budget", _("总预算 {budget:g}{unit}").format(budget=req.budget, unit=unit), value=float(req.budget)))
    for d, b in (req.departments or {}).items():
        out.append(Item("department", _("部门预算 {department} {budget:g}{unit}").format(department=d, budget=b, unit=unit),
                        department=d, value=float(b)))
    return out


def clash_message(found: list[Item]) -> str:
    labels = "; ".join(it.label for it in found)
    if len(found) > 1:
        return _("the constraints clash, no plan meets them all: {constraints} (dropping any one of these resolves it)"
                 ).format(constraints=labels)
    return _("the constraints clash, no plan meets them all: {constraints}").format(constraints=labels)


def apply(scn, req, items: list[Item]):
    """The request with the planner's constraints: ``constraints`` set and every department's
    share turned into a department budget (the smaller of its budget and share × total budget).

    Raises BadInput for a share without a total budget, Infeasible naming the clashing
    constraints when no plan meets them."""
    if not items and not req.constraints:
        return req
    if any(it.kind == "share" for it in items) and req.budget is None:
        raise BadInput(_("a department's share of the budget needs a total budget (effort.budget or --budget)"))
    every = budget_items(replace(req, departments=_own(req)), scn.spec.effort.unit) + list(items)
    if not feasible(scn, every, req.budget):
        raise Infeasible(clash_message(clash(every, lambda sub: feasible(scn, sub, req.budget))))
    return _with(req, items)


def _own(req) -> dict:
    """The request's department budgets before any share cap tightened them."""
    deps = dict(req.departments or {})
    for it in req.constraints:
        if it.kind == "share":
            deps.pop(it.department, None)
            if it.budget is not None:
                deps[it.department] = it.budget
    return deps


def _with(req, items):
    """``req`` with ``items`` in force instead of its own constraints (department caps undone first)."""
    deps = _own(req)
    kept = []
    for it in items:
        if it.kind == "share":
            cap = it.value * req.budget
            it = replace(it, budget=deps.get(it.department))
            deps[it.department] = cap if it.budget is None else min(it.budget, cap)
        kept.append(it)
    return replace(req, constraints=tuple(kept), departments=deps)


def with_budget(scn, req, budget: float | None):
    """``req`` with another total budget, its departments' share caps recomputed (and checked)."""
    return apply(scn, replace(req, budget=budget), list(req.constraints))


def target_clash(req, best) -> str:
    """Why min-effort's probability target is out of reach under the planner's constraints: the
    constraints that clash with it (deletion filtering over them; the budgets held), or, when the
    budgets alone already miss it, that. ``best``: request → its greatest probability (a MILP)."""
    want = (_("P ≥ {prob:g} (rank ≤ {rank})") if req.target == "rank" else _("P ≥ {prob:g} (grade target)")).format(
        prob=req.prob, rank=req.rank)
    items = list(req.constraints)
    if best(_with(req, [])) < req.prob - 1e-12:
        return _("{target} is out of reach within the budgets even without the planner's constraints").format(target=want)
    found = clash(items, lambda sub: best(_with(req, sub)) >= req.prob - 1e-12)
    return _("{target} clashes with: {constraints} (with the budgets)").format(
        target=want, constraints="; ".join(it.label for it in found))


# --------------------------------------------------------------------------- option levels


def restrict(levels: Levels, scn, items) -> Levels:
    """Option levels allowed by lock/force/basic items: a locked indicator keeps only its status quo;
    a required push p keeps the levels ≥ p, p added (kind 'required') when no level is there."""
    least, locked = _bounds(items)
    if not least and not locked:
        return levels
    curves = _curves(scn)
    push, effort, value, kind = list(levels.push), list(levels.effort), list(levels.value), list(levels.kind)
    for j, name in enumerate(levels.names):
        p, k, v = levels.push[j], np.array(levels.kind[j], dtype=object), levels.value[j]
        if name in locked:
            keep = np.array([0])
        else:
            lo = least.get(name, 0.0)
            keep = np.flatnonzero(p >= lo - TOL)
            if lo > TOL and not np.any(np.abs(p - lo) <= TOL):
                p = np.sort(np.r_[p, lo])
                at = int(np.searchsorted(p, lo))
                k = np.insert(k, at, REQUIRED)
                s = 1.0 if scn.indicator(name).direction == "higher" else -1.0
                v = np.insert(v, at, v[0] + s * lo)  # v[0]: the forecast centre (push 0)
                keep = np.flatnonzero(p >= lo - TOL)
        push[j] = p[keep]
        effort[j] = curve_cost(push[j], *curves[name])
        value[j] = v[keep]
        kind[j] = tuple(k[keep])
    return replace(levels, push=tuple(push), effort=tuple(effort), value=tuple(value), kind=tuple(kind))


def plan_levels(scn, cs, req=None) -> Levels:
    """The option levels a plan chooses from: every home indicator's levels (models.options),
    restricted by the request's constraints."""
    levels = option_levels(scn, cs, central_values(scn, cs))
    items = getattr(req, "constraints", ()) if req is not None else ()
    return restrict(levels, scn, items) if items else levels

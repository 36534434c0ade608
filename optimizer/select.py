"""Choose and polish a plan on common random numbers.

Candidate plans (the SAA replications' plans, the baselines, the warm starts) are compared on
one large evaluation sample (:class:`optimizer.sample.Sample`), draw by draw: the difference
of two plans is measured on the same draws (paired), so its noise is that of the draws where
they differ, not of the whole sample. The winner is then polished by local search on the same
sample: move one indicator to another level, or exchange budget between two indicators (one up
a level, another down as far as the budgets need), keeping a move only when its paired gain
exceeds ``z`` times its standard error; then rounds of simulated annealing reach plans several
moves away, and the best plan an annealing meets is kept under the same test. Its value must
then be reported on a third, untouched sample (optimizer.saa): the selection sample flatters
whatever was chosen on it.

The polish is bounded by work (``EVALUATIONS`` neighbours screened by each polish,
``ANNEAL_STEPS`` moves per annealing round, seeded), never by the clock: a safety
:class:`~optimizer.clock.Cap` only stops it past its moment, and says so (``Polish.cut``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .clock import Cap
from .i18n import _, listing
from .sample import Sample

Z_NOISE = 2.0  # a move is kept when its paired gain exceeds this many standard errors
ANNEAL_STEPS, ROUNDS, ANNEAL_DRAWS = 2000, 2, 2000  # annealing after the local search: moves per round,
# rounds, draws it looks at
EVALUATIONS = 2000  # neighbours one polish screens at most (sanmen: ~230 until no move passes; district: ~700-3 200)


def paired(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Mean and standard error of the per-draw difference a − b (same draws)."""
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    n = len(d)
    return float(d.mean()), float(d.std(ddof=1) / np.sqrt(n)) if n > 1 else float("inf")


@dataclass
class Ranking:
    """Candidates on the selection sample: value, and paired difference from the winner."""

    labels: list
    plans: list
    values: list  # mean on the selection sample
    diffs: list  # (mean, se) of candidate − winner, paired
    best: int

    def rows(self, levels) -> list[dict]:
        return [{"label": lab, "plan": [int(o) for o in p], "effort": levels.plan_effort(p), "selection": v,
                 "diff_vs_best": d, "diff_se": se, "best": k == self.best}
                for k, (lab, p, v, (d, se)) in enumerate(zip(self.labels, self.plans, self.values, self.diffs))]


def rank_candidates(sample: Sample, candidates: list[tuple[str, np.ndarray]]) -> Ranking:
    """Every candidate's value on the sample; the best (ties: the least effort, then the first)."""
    L = sample.levels
    labels, plans, per = [], [], []
    seen: dict = {}
    for lab, p in candidates:
        p = np.asarray(p, dtype=int)
        key = tuple(p.tolist())
        if key in seen:  # the same plan twice: one row, both names
            labels[seen[key]] += f" = {lab}"
            continue
        seen[key] = len(plans)
        labels.append(lab)
        plans.append(p)
        per.append(sample.values(p))
    vals = [float(v.mean()) for v in per]
    order = sorted(range(len(plans)), key=lambda k: (-vals[k], L.plan_effort(plans[k]), k))
    best = order[0]
    diffs = [paired(per[k], per[best]) if k != best else (0.0, 0.0) for k in range(len(plans))]
    return Ranking(labels, plans, vals, diffs, best)


class Budgets:
    """The request's budgets (total and per department) as arrays: ``fits(plan)`` in a few
    microseconds, the same answer as baselines.within_budget."""

    def __init__(self, levels, req):
        self.levels = levels
        depts = [d for d in (req.departments or {}) if any(levels.department[j] == d for j in range(levels.n))]
        self.dept = np.array([depts.index(levels.department[j]) if levels.department[j] in depts else len(depts)
                              for j in range(levels.n)], dtype=int)
        self.limit = np.r_[[float(req.departments[d]) for d in depts], np.inf]
        self.total = np.inf if req.budget is None else float(req.budget)
        self.off = levels.offsets
        self.eff = levels.var_effort

    def effort(self, plan) -> np.ndarray:
        return self.eff[self.off[:-1] + np.asarray(plan, dtype=int)]

    def fits(self, plan) -> bool:
        e = self.effort(plan)
        if e.sum() > self.total + 1e-9:
            return False
        return bool((np.bincount(self.dept, weights=e, minlength=len(self.limit)) <= self.limit + 1e-9).all())


@dataclass
class Polish:
    """The outcome of :func:`polish`."""

    plan: np.ndarray
    start: np.ndarray
    moves: list = field(default_factory=list)  # accepted: text, gain, se
    converged: bool = False  # stopped because no move passed (not by its EVALUATIONS, not by the clock)
    cut: bool = False  # stopped by the clock (the safety cap): the plan depends on the machine's speed
    evaluated: int = 0
    best_rejected: np.ndarray | None = None  # the neighbour with the largest paired gain that was not kept
    # (measured on the whole sample; those the screen rejected are not candidates)
    best_rejected_gain: tuple = (0.0, 0.0)


def polish(sample: Sample, plan, req, *, cap: Cap | None = None, z: float = Z_NOISE, screen: int = 5000,
           anneal_steps: int = ANNEAL_STEPS, rounds: int = ROUNDS, seed: int = 0, evaluations: int = EVALUATIONS,
           progress=None) -> Polish:
    """Local search on the sample from ``plan`` (see the module docstring), then up to ``rounds``
    rounds of simulated annealing (``anneal_steps`` moves each, on the screen draws) whose best
    plan is kept when it passes the same paired test, each followed by the local search again.

    Moves are screened on the first ``screen`` draws and, when they gain there, measured on the
    whole sample; one is kept when the paired gain exceeds ``z`` standard errors, or when it
    changes no draw and saves effort. At most ``evaluations`` neighbours are screened in all;
    ``cap`` is the safety cap. ``progress(passes, kept)`` after each pass."""
    budgets = Budgets(sample.levels, req)
    S = sample.n_draws
    sl = slice(0, min(screen, S)) if screen and screen < S else None
    out = Polish(plan=np.asarray(plan, dtype=int).copy(), start=np.asarray(plan, dtype=int).copy())
    rng = np.random.default_rng(seed)
    state = _State(sample, out.plan, sl)
    cap = cap or Cap(None)
    count = [0]
    done = _descend(sample, state, budgets, out, z, cap, progress, count, evaluations)
    for _round in range(rounds if done else 0):
        hot = _anneal(sample, state, budgets, rng, anneal_steps, cap)
        if hot is None:
            done = False  # stopped by the clock
            break
        cand_vals = sample.values(hot)
        gain, se = paired(cand_vals, state.cur)
        if not (gain > z * se and gain > 0):
            continue
        out.moves.append({"move": _("退火: {moves}").format(moves=_diff_words(sample.levels, state.plan, hot)), "gain": gain, "se": se,
                          "effort": sample.levels.plan_effort(hot)})
        state = _State(sample, hot, sl)
        done = _descend(sample, state, budgets, out, z, cap, progress, count, evaluations)
        if not done:
            break
    out.plan = state.plan
    out.converged = done
    out.cut = cap.bit
    return out


class _State:
    """A plan with its raw block sums and values on the whole sample and on the screen draws."""

    def __init__(self, sample: Sample, plan, sl):
        self.plan = np.asarray(plan, dtype=int).copy()
        self.sl = sl
        self.raws = sample.raws(self.plan)
        self.cur = sample.values(self.plan, self.raws)
        self.sraws = sample.raws(self.plan, sl) if sl else self.raws
        self.scur = self.cur[sl] if sl else self.cur


def _apply(sample: Sample, raws, plan, moves, sl=None):
    p0 = plan
    for j, o in moves:
        raws = sample.shift(raws, p0, j, o, sl)
        p0 = p0.copy()
        p0[j] = o
    return raws


def _descend(sample: Sample, state: _State, budgets: Budgets, out: Polish, z, cap: Cap, progress, count,
             evaluations: int) -> bool:
    """Local search from ``state`` (updated in place) until no move passes: True; or until
    ``out.evaluated`` reaches ``evaluations``, or the cap: False."""
    L = sample.levels
    sl = state.sl
    while True:
        count[0] += 1
        kept = False
        best_rej = (-np.inf, 0.0, None)
        for moves in _moves(L, state.plan, budgets):
            if cap.over() or out.evaluated >= evaluations:
                out.best_rejected, out.best_rejected_gain = best_rej[2], best_rej[:2]
                return False
            plan = state.plan
            cand = plan.copy()
            for j, o in moves:
                cand[j] = o
            if not budgets.fits(cand):
                continue
            sv = sample.values(cand, _apply(sample, state.sraws, plan, moves, sl), sl)
            out.evaluated += 1
            sg = float((sv - state.scur).mean())
            saves = L.plan_effort(cand) < L.plan_effort(plan) - 1e-9
            if sg < 0 or (sg == 0 and not saves):
                continue
            fv = sample.values(cand, _apply(sample, state.raws, plan, moves))
            gain, se = paired(fv, state.cur)
            if (gain > z * se and gain > 0) or (saves and np.array_equal(fv, state.cur)):
                out.moves.append({"move": listing(f"{L.names[j]} {plan[j]}→{o}" for j, o in moves), "gain": gain,
                                  "se": se, "effort": L.plan_effort(cand)})
                state.__init__(sample, cand, sl)  # afresh: no rounding drift from a chain of shifts
                kept = True
            elif gain > best_rej[0]:
                best_rej = (gain, se, cand)
        if progress:
            progress(count[0], len(out.moves))
        if not kept:
            out.best_rejected, out.best_rejected_gain = best_rej[2], (best_rej[:2] if best_rej[2] is not None
                                                                      else (0.0, 0.0))
            return True


def _anneal(sample: Sample, state: _State, budgets: Budgets, rng, steps: int, cap: Cap,
            draws: int = ANNEAL_DRAWS) -> np.ndarray | None:
    """Simulated annealing on the first ``draws`` draws from ``state``: a random indicator to a
    random level, others lowered at random until the budgets hold; worse plans accepted with
    probability exp(Δ/T), T from 4 draws' worth down to 0.2 of one. The best plan met, or None
    when the clock stops it."""
    L = sample.levels
    sl = slice(0, min(draws, sample.n_draws))
    plan = state.plan.copy()
    raws = sample.raws(plan, sl)
    vals = sample.values(plan, raws, sl)
    n = len(vals)
    cur = best_v = float(vals.mean())
    best = plan.copy()
    t_hi, t_lo = 4.0 / n, 0.2 / n
    for k in range(steps):
        if cap.over():
            return None
        temp = t_hi * (t_lo / t_hi) ** (k / max(steps - 1, 1))
        j = int(rng.integers(L.n))
        o = int(rng.integers(len(L.push[j])))
        if o == plan[j]:
            continue
        cand = plan.copy()
        cand[j] = o
        moves = [(j, o)]
        while not budgets.fits(cand):
            pushed = np.flatnonzero(cand > 0)
            pushed = pushed[pushed != j]
            if not len(pushed):
                break
            i = int(pushed[rng.integers(len(pushed))])
            cand[i] -= 1
            moves.append((i, int(cand[i])))
        if not budgets.fits(cand):
            continue
        r = _apply(sample, raws, plan, moves, sl)
        v = float(sample.values(cand, r, sl).mean())
        if v >= cur or rng.random() < np.exp((v - cur) / temp):
            plan, raws, cur = cand, r, v
            if v > best_v + 1e-12:
                best, best_v = cand.copy(), v
    return best


def _diff_words(L, old, new) -> str:
    return listing(f"{L.names[j]} {old[j]}→{new[j]}" for j in np.flatnonzero(np.asarray(old) != np.asarray(new)))


def _moves(L, plan, budgets: Budgets):
    """The neighbourhood: one indicator to any other level; then one indicator up a level with
    another down to the highest level the budgets then allow."""
    for j in range(L.n):
        for o in range(len(L.push[j])):
            if o != plan[j]:
                yield ((j, o),)
    pushed = [k for k in range(L.n) if plan[k] > 0]
    for j in range(L.n):
        if plan[j] + 1 >= len(L.push[j]):
            continue
        up = plan.copy()
        up[j] += 1
        if budgets.fits(up):
            continue  # a single move, already tried
        for k in pushed:
            if k == j:
                continue
            for o in range(plan[k] - 1, -1, -1):
                cand = up.copy()
                cand[k] = o
                if budgets.fits(cand):
                    yield ((j, plan[j] + 1), (k, o))
                    break

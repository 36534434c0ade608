"""The effort frontier: for each budget, the plan maximising P(rank ≤ r) and what it gives
(expected score, expected rank, P(rank ≤ r), P(grade ≥ g)), and the marginal value of effort
(the gain in P(rank ≤ r) per unit of extra budget between consecutive budgets)."""
from __future__ import annotations

import pandas as pd

from .constraints import with_budget
from .i18n import _
from .plan import optimize, prepare
from .request import Request
from .solver import status_word


def frontier(scn, req: Request, budgets: list[float], *, n_draws: int = 200, seed: int | None = None,
             solver: str | None = "highs", time_limit: float = 60.0, progress=None) -> pd.DataFrame:
    """One optimised, verified plan per budget (same in-sample draws for all), as a table (headers and
    status words in the language in use). ``progress(k, n, incumbent, bound)``: budget k of n begun
    (incumbent and bound None), then the solver's search on it; (n, n, None, None) at the end."""
    say = progress or (lambda *a: None)
    seed = scn.spec.simulation.seed if seed is None else seed
    budgets = sorted(budgets)
    say(0, len(budgets), None, None)
    prepared = prepare(scn, n_draws, seed, req)
    rows = []
    a = req.assessment
    gname = scn.assessment(a).grades.names[req.grade]
    budget, col = _("预算"), _("P(名次≤{rank})").format(rank=req.rank)
    for k, b in enumerate(budgets):
        say(k, len(budgets), None, None)
        res = optimize(scn, with_budget(scn, req, b), n_draws=n_draws, seed=seed, solver=solver, time_limit=time_limit,
                       with_baselines=False, prepared=prepared,
                       progress=lambda inc, bd, k=k: say(k, len(budgets), inc, bd))
        o = res.out_of_sample[a]
        rows.append({budget: b, _("用去工作量"): res.effort, _("求解状态"): status_word(res.status),
                     _("目标值(样本内)"): res.objective, _("界"): res.bound, _("期望得分 [分]"): o["expected_score"],
                     _("期望名次"): o["expected_rank"], col: o["p_rank"],
                     _("P(等次≥{grade})").format(grade=gname): o["p_grade"]})
    say(len(budgets), len(budgets), None, None)
    df = pd.DataFrame(rows)
    db = df[budget].diff()
    df[_("边际价值 [概率/单位工作量]")] = (df[col].diff() / db).where(db > 0)
    return df


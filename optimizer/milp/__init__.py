"""The MILP over option tables, exact with respect to the scoring model.

Decision: binaries ``x[j,o]`` (one option per pushable indicator). Everything a plan changes is
read from the option tables (models.options), so the model is exact by construction:

* each county's raw block sums are affine in x (indicators are separable); per draw and
  block (then pool) the weighted sum's range over all plans is computed from the tables.
  A cap or floor that cannot bind is dropped; one that always binds makes the block a
  constant; one that may bind while a single indicator varies is folded into that
  indicator's option coefficients (exact); otherwise a clip variable with one binary is
  used, relaxed in the direction that never flatters the home county (home: y ≤ clip(e);
  rivals: y ≥ clip(e)), which the optimum tightens to equality where it matters;
* "home not beaten by rival c" in draw s: a binary b with ``H − R_c ≥ ε·[home_loses]``
  when b = 1; when the rivals do not depend on the plan the r-th best rival total is
  compared instead (one binary per draw). Conditions purely in x use per-draw coefficient
  strengthening ``Σ min(d_jo, need)·x_jo ≥ need·z`` (no big-M); draws decided whatever the
  plan get no binary at all;
* grades: ``u_j`` = "the score/rank grade is j or better"; promotion and the home's vetoes
  (cap, drop, disqualify: activations are affine in x) combine through the exact grade
  function: for every pattern of the draw's undecided activations, the pre-veto grade the
  pattern requires is enforced unless the pattern is not the current one (a 0/1 mismatch sum).

Objectives (DESIGN §6): score, expected-rank, rank-prob, grade-prob, joint-grade, min-effort.

The pieces: :mod:`.forms` (affine totals with caps, "≥" conditions), :mod:`.conditions` (rank
and grade per draw), :mod:`.build` (budgets and objectives), :mod:`.model` (the problem as solved).
"""
from .build import Builder, build, cond_for
from .conditions import EPS_TIE
from .model import Model

__all__ = ["Builder", "EPS_TIE", "Model", "build", "cond_for"]

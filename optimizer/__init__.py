"""kaoping optimizer, the decisions: the MILP over indicator pushes behind one solver seam, plans
(optimise, SAA, explain), baselines, the effort frontier and what-if comparisons. No CLI, no
files written; it imports only :mod:`models`."""

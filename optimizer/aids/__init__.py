"""Decision aids the speeches ask for, each on one plan and one set of draws (common random numbers),
every number they report the scoring model's:

* :mod:`.adjust`: the target-adjustment advisor (申报调整指标): the gain in P(rank), P(grade) if a
  target were adjusted, the plan held or re-optimised;
* :mod:`.rivals`: head-to-head with each rival (扬长避短);
* :mod:`.attribution`: each department's Shapley share of the plan's gain (绩效奖励二次分配);
* :mod:`.goalseek`: the smallest push on one indicator for a probability; a rival's break-even total;
* :mod:`.robustness`: the conditions under which the plan fails (scenario discovery, PRIM).

:mod:`.common` holds what they share: the plan under study (:class:`~.common.Study`) and its draws.
A planner's own constraints on the plan are in :mod:`optimizer.constraints`.
"""

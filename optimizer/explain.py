"""A plan in words: the plan table (Chinese headers) and the reasons (which budgets bind, which
rivals block)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from models.options import OptionTables

from . import baselines
from .request import Request


def explain(scn, cs, tables: OptionTables, req: Request, plan, scores, status_quo=None) -> tuple[pd.DataFrame, list[str]]:
    """The plan table (Chinese headers) and plain-language reasons. ``status_quo``: scores (with
    points) of the same draws unpushed, needed when a constraint makes an indicator's lowest
    option a push (its gain is then counted from the status quo)."""
    L = tables.levels
    name = req.assessment or cs.assessments[0].name
    if req.objective == "joint-grade":
        name = (req.assessments or (cs.assessments[0].name,))[0]
    ca = cs.assessment(name)
    h = ca.home
    rows = []
    reasons = []
    for j in range(L.n):
        o = int(plan[j])
        ind = scn.indicator(L.names[j])
        gain = 0.0
        a_name = next(a.ca.name for a in tables.assessments if j in a.inds)
        t = tables.assessment(a_name)
        if L.push[j][0] > 0 and status_quo is not None:  # lowest option required: gain from the status quo
            k = t.ca.names.index(ind.name)
            now = next(s for s in scores if s.name == a_name)
            was = next(s for s in status_quo if s.name == a_name)
            gain = float((now.points[:, h, k] + now.over[:, h, k] - was.points[:, h, k] - was.over[:, h, k]).mean())
        elif o > 0:
            pos = {int(x): k for k, x in enumerate(t.xs)}
            k1, k0 = pos[int(L.offsets[j] + o)], pos[int(L.offsets[j])]
            pts = t.option_points()[:, h]
            gain = float((pts[:, k1] - pts[:, k0]).mean())
        kind = L.kind[j][o]
        if kind == "required":
            why = f"约束要求: 推进到 {L.value[j][o]:.4g} {ind.unit} (推进 {L.push[j][o]:.4g}): 预期得分 +{gain:.3g}"
        elif L.push[j][o] == 0 and len(L.push[j]) == 1 and any(c.kind == "lock" and c.indicator == ind.name
                                                                  for c in req.constraints):
            why = "约束要求: 锁定, 不推进"
        elif o == 0 and L.push[j][0] > 0:
            why = f"约束要求的最低档位: 推进 {L.push[j][0]:.4g} {ind.unit}: 预期得分 +{gain:.3g}"
        elif o == 0:
            why = "维持现状: 推进的得分不抵工作量" if len(L.push[j]) > 1 else "无可选推进"
        elif kind == "breakpoint":
            why = f"推到规则断点 {L.value[j][o]:.4g} {ind.unit}: 预期得分 +{gain:.3g}"
        elif kind == "max":
            why = f"推到年底可达上限 (推进 {L.push[j][o]:.4g}): 预期得分 +{gain:.3g}"
        else:
            why = f"推进 {L.push[j][o]:.4g} {ind.unit}: 预期得分 +{gain:.3g}"
        centre = L.value[j][0] - (1.0 if ind.direction == "higher" else -1.0) * L.push[j][0]  # lowest option may be a push
        rows.append({"指标": ind.name, "考核": a_name, "牵头单位": ind.department or "", "预测值": centre,
                     "目标值": L.value[j][o], "推进量": L.push[j][o], "档位": o, "档位类型": kind,
                     "工作量": L.effort[j][o], "预期得分增加 [分]": gain, "理由": why})
    df = pd.DataFrame(rows)
    if len(df):  # the pushed indicators first, each group in the scheme's order
        df = df.sort_values("档位", key=lambda o: o == 0, kind="stable").reset_index(drop=True)
        df.loc[len(df)] = {"指标": "合计", "考核": "", "牵头单位": "", "预测值": np.nan, "目标值": np.nan, "推进量": np.nan,
                           "档位": int((df["推进量"] > 0).sum()), "档位类型": "", "工作量": df["工作量"].sum(),
                           "预期得分增加 [分]": df["预期得分增加 [分]"].sum(), "理由": "推进的指标数 / 总工作量 / 预期得分增加之和"}
    tot = L.plan_effort(plan)
    if req.budget is not None:
        slack = req.budget - tot
        reasons.append(f"总预算 {req.budget:g}, 用去 {tot:.4g}" + ("(预算约束起作用)" if _binding(L, plan, req, None) else f", 余 {slack:.4g}"))
    for d, b in (req.departments or {}).items():
        used = sum(L.effort[j][plan[j]] for j in range(L.n) if L.department[j] == d)
        if not any(L.department[j] == d for j in range(L.n)):
            continue  # no pushable indicator of this department: its budget cannot matter
        tail = ""
        if _binding(L, plan, req, d):
            tail = ("(约束起作用: 余下的预算不够任何一项的下一档)" if used > 1e-9
                    else "(约束起作用: 预算不够其任何一项的第一档推进)")
        reasons.append(f"{d} 预算 {b:g}, 用去 {used:.4g}" + tail)
    s = next(x for x in scores if x.name == ca.name)
    riv = [c for c in range(len(cs.counties)) if c != h and ca.class_of[c] == ca.class_of[h]]
    for c in riv:
        p_beat = float((s.total[:, c] >= s.total[:, h]).mean()) if ca.tie_home_loses else float((s.total[:, c] > s.total[:, h]).mean())
        if p_beat > 0.05:
            reasons.append(f"{cs.counties[c]} 在 {p_beat:.0%} 的抽样中仍领先本县 (挡住名次)")
    return df, reasons


def _binding(L, plan, req, dept) -> bool:
    """A budget binds when raising any indicator by one level would break it."""
    for j in range(L.n):
        if plan[j] + 1 >= len(L.push[j]):
            continue
        if dept is not None and L.department[j] != dept:
            continue
        cand = plan.copy()
        cand[j] += 1
        r = replace(req, departments={dept: req.departments[dept]} if dept else {}, budget=req.budget if dept is None else None)
        if baselines.within_budget(L, cand, r.budget, r.departments):
            return False
    return True

"""A plan in words: the plan table (headers and words in the language in use) and the reasons
(which budgets bind, which rivals block)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from models.options import OptionTables

from . import baselines
from .constraints import level_kind_word
from .i18n import _
from .request import Request


def explain(scn, cs, tables: OptionTables, req: Request, plan, scores, status_quo=None) -> tuple[pd.DataFrame, list[str]]:
    """The plan table and plain-language reasons, in the language in use. ``status_quo``: scores (with
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
            why = _("约束要求: 推进到 {value:.4g} {unit} (推进 {push:.4g}): 预期得分 +{gain:.3g}").format(
                value=L.value[j][o], unit=ind.unit, push=L.push[j][o], gain=gain)
        elif L.push[j][o] == 0 and len(L.push[j]) == 1 and any(c.kind == "lock" and c.indicator == ind.name
                                                                  for c in req.constraints):
            why = _("约束要求: 锁定, 不推进")
        elif o == 0 and L.push[j][0] > 0:
            why = _("约束要求的最低档位: 推进 {push:.4g} {unit}: 预期得分 +{gain:.3g}").format(
                push=L.push[j][0], unit=ind.unit, gain=gain)
        elif o == 0:
            why = _("维持现状: 推进的得分不抵工作量") if len(L.push[j]) > 1 else _("无可选推进")
        elif kind == "breakpoint":
            why = _("推到规则断点 {value:.4g} {unit}: 预期得分 +{gain:.3g}").format(value=L.value[j][o], unit=ind.unit,
                                                                               gain=gain)
        elif kind == "max":
            why = _("推到年底可达上限 (推进 {push:.4g}): 预期得分 +{gain:.3g}").format(push=L.push[j][o], gain=gain)
        else:
            why = _("推进 {push:.4g} {unit}: 预期得分 +{gain:.3g}").format(push=L.push[j][o], unit=ind.unit, gain=gain)
        centre = L.value[j][0] - (1.0 if ind.direction == "higher" else -1.0) * L.push[j][0]  # lowest option may be a push
        rows.append({_("指标"): ind.name, _("考核"): a_name, _("牵头单位"): ind.department or "", _("预测值"): centre,
                     _("目标值"): L.value[j][o], _("推进量"): L.push[j][o], _("档位"): o, _("档位类型"): level_kind_word(kind),
                     _("工作量"): L.effort[j][o], _("预期得分增加 [分]"): gain, _("理由"): why})
    df = pd.DataFrame(rows)
    level, push, effort, gained = _("档位"), _("推进量"), _("工作量"), _("预期得分增加 [分]")
    if len(df):  # the pushed indicators first, each group in the scheme's order
        df = df.sort_values(level, key=lambda o: o == 0, kind="stable").reset_index(drop=True)
        df.loc[len(df)] = {_("指标"): total_word(), _("考核"): "", _("牵头单位"): "", _("预测值"): np.nan, _("目标值"): np.nan,
                           push: np.nan, level: int((df[push] > 0).sum()), _("档位类型"): "", effort: df[effort].sum(),
                           gained: df[gained].sum(), _("理由"): _("推进的指标数 / 总工作量 / 预期得分增加之和")}
    tot = L.plan_effort(plan)
    if req.budget is not None:
        slack = req.budget - tot
        reasons.append((_("总预算 {budget:g}, 用去 {used:.4g}(预算约束起作用)") if _binding(L, plan, req, None)
                        else _("总预算 {budget:g}, 用去 {used:.4g}, 余 {left:.4g}")).format(budget=req.budget, used=tot,
                                                                                        left=slack))
    for d, b in (req.departments or {}).items():
        used = sum(L.effort[j][plan[j]] for j in range(L.n) if L.department[j] == d)
        if not any(L.department[j] == d for j in range(L.n)):
            continue  # no pushable indicator of this department: its budget cannot matter
        if not _binding(L, plan, req, d):
            line = _("{department} 预算 {budget:g}, 用去 {used:.4g}")
        elif used > 1e-9:
            line = _("{department} 预算 {budget:g}, 用去 {used:.4g}(约束起作用: 余下的预算不够任何一项的下一档)")
        else:
            line = _("{department} 预算 {budget:g}, 用去 {used:.4g}(约束起作用: 预算不够其任何一项的第一档推进)")
        reasons.append(line.format(department=d, budget=b, used=used))
    s = next(x for x in scores if x.name == ca.name)
    riv = [c for c in range(len(cs.counties)) if c != h and ca.class_of[c] == ca.class_of[h]]
    for c in riv:
        p_beat = float((s.total[:, c] >= s.total[:, h]).mean()) if ca.tie_home_loses else float((s.total[:, c] > s.total[:, h]).mean())
        if p_beat > 0.05:
            reasons.append(_("{county} 在 {share:.0%} 的抽样中仍领先本县 (挡住名次)").format(county=cs.counties[c],
                                                                                     share=p_beat))
    return df, reasons


def total_word() -> str:
    """The word in the 指标 column of the plan table's last row (the sums), in the language in use."""
    return _("合计")


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

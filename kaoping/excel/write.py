"""A scenario → a planner's workbook (every sheet, with drop-down hints), and the template."""
from __future__ import annotations

import json
from pathlib import Path

import yaml

from models.scenario import build_scenario
from models.schema import Scored

from .style import cell_value, style_sheet
from .words import (
    ACTUAL_COLS,
    BASIS,
    BELOW,
    COLUMNS,
    DIRECTION,
    DIST,
    FORECAST_COLS,
    GRADE_BY,
    KIND,
    MEASURE,
    RANKING,
    REQUIRED_SHEETS,
    RULE,
    SCORED_OF,
    SHEETS,
    SURVEY_COLS,
    TARGET_COLS,
    TIE,
)

FLAG = ["是", "否"]
#: sheets written even when empty, so that a planner sees where each kind of row goes
ALWAYS = {*REQUIRED_SHEETS, "考核", "板块", "等次", "县市区", "县市区目标", "满意度调查", "月度实绩"}


def _choices() -> dict[str, dict[str, list[str]]]:
    """Drop-down lists offered in the workbook (the Chinese words; English ones are accepted too)."""
    return {
        "指标": {"方向": DIRECTION.choices, "规则": RULE.choices, "低于基本": BELOW.choices, "类别": KIND.choices,
               "计量": MEASURE.choices, "计分对象": SCORED_OF.choices},
        "考核": {"排名方式": RANKING.choices, "同分处理": TIE.choices, "等次依据": GRADE_BY.choices},
        "县市区数值": {"分布": DIST.choices, "假设": FLAG},
        "县市区目标": {"假设": FLAG},
        "满意度调查": {"假设": FLAG},
        "工作量": {"假设": FLAG},
        "月度实绩": {"口径": BASIS.choices, "假设": FLAG},
    }


def _rows_to_sheet(wb, name: str, rows: list[dict]) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = wb.create_sheet(name)
    cols = COLUMNS[name]
    ws.append(cols)
    for r in rows:
        ws.append([cell_value(r.get(c)) for c in cols])
    style_sheet(ws)
    for col, words in _choices().get(name, {}).items():
        letter = get_column_letter(cols.index(col) + 1)
        dv = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True,
                            showErrorMessage=False)  # a hint, not a lock: English words stay allowed
        dv.add(f"{letter}2:{letter}1000")
        ws.add_data_validation(dv)


def _notes_text(d: dict) -> str | None:
    return "\n".join(f"{k}: {v}" for k, v in d.items()) if d else None


def _dump(model) -> dict:
    return model.model_dump(mode="json", exclude_defaults=True)


def _table_row(row, cols: dict[str, str]) -> dict:
    """One row of a CSV table (targets, surveys, actuals) as a row of its sheet: 假设 as 是, the fields
    left at their default left empty."""
    d = _dump(row)
    if d.get("assumption"):
        d["assumption"] = "是"
    return {c: d.get(k) for c, k in cols.items()}


def scenario_workbook_rows(scn) -> dict[str, list[dict]]:
    """The rows of each sheet of the workbook that represents ``scn`` (see the module docstring)."""
    spec = scn.spec
    meta = spec.scenario
    sheets: dict[str, list[dict]] = {s: [] for s in SHEETS}
    sim = spec.simulation
    settings = [("名称", meta.name), ("标题", meta.title or None), ("年份", meta.year), ("已过时间比例", meta.elapsed),
                ("本县", meta.home), ("来源", "\n".join(meta.sources) or None), ("工作量单位", spec.effort.unit),
                ("总预算", spec.effort.budget), ("细分档数", spec.effort.grid), ("模拟次数", sim.draws),
                ("随机种子", sim.seed), ("分块", sim.chunk), ("共同冲击", sim.shocks.common), ("县内冲击", sim.shocks.county)]
    sheets["设置"] = [{"项目": k, "值": v} for k, v in settings if v is not None]
    advanced: list[tuple[str, object]] = []
    if meta.source is not None:
        advanced.append(("scenario.source", meta.source))
    if meta.assumed:
        advanced.append(("scenario.assumed", dict(meta.assumed)))
    home_fc = {}
    for f in scn.forecasts:
        if f.county == scn.home and set(_dump(f)) <= {"county", "indicator", "mean", "sd"} and f.dist == "normal":
            home_fc[f.indicator] = f
    for a in spec.assessments:
        sheets["考核"].append({"名称": a.name, "总分": a.total_points, "排名方式": RANKING[a.ranking],
                              "同分处理": TIE[a.tie_break], "等次依据": GRADE_BY[a.grades.by], "来源": a.source})
        for b in a.blocks:
            sheets["板块"].append({"考核": a.name, "名称": b.name, "权重": b.weight, "上限": b.cap, "下限": b.floor, "计入池": b.pool})
        for g in a.grades.levels:
            sheets["等次"].append({"考核": a.name, "等次": g.grade, "最低分": g.min_score, "最高名次": g.max_rank, "比例": g.share})
        for ind in a.indicators:
            rule = ind.rule.model_dump(mode="json", exclude_defaults=True)
            rule["kind"] = ind.rule.kind
            row = {"考核": a.name, "名称": ind.name, "单位": ind.unit or None, "方向": DIRECTION[ind.direction],
                   "分值": ind.points, "板块": ind.block, "类别": KIND[ind.kind], "规则": RULE[rule.pop("kind")],
                   "牵头单位": ind.department, "责任领导": ind.leader, "来源": ind.source, "假设说明": _notes_text(ind.assumed),
                   "计量": MEASURE.out.get(ind.measure)}
            if ind.scored != Scored():
                m = ind.scored
                row.update({"计分对象": SCORED_OF[m.of], "完成率分母": m.target, "基数": m.base, "取整位数": m.round})
            if ind.rule.kind == "threshold":
                row["基本任务"], row["满分"] = rule.pop("basic"), rule.pop("full")
                row["基本分比例"] = ind.rule.basic_share
                rule.pop("basic_share", None)
                below = rule.pop("below", {})
                row["低于基本"] = BELOW[ind.rule.below.mode]
                below.pop("mode", None)
                st = below.pop("steps", {}) if isinstance(below.get("steps"), dict) else {}
                row["倒扣步长"], row["倒扣分"] = st.pop("per", None), st.pop("points", None)
                row["倒扣下限"], row["零分值"] = below.pop("floor", None), below.pop("zero_at", None)
                if st:
                    below["steps"] = st
                if below:
                    rule["below"] = below
                over = rule.pop("over", None)
                if over:
                    ost = over.pop("steps", {})
                    row["超额步长"], row["超额加分"] = ost.pop("per", None), ost.pop("points", None)
                    row["超额上限"], row["超额计入板块"] = over.pop("cap", None), over.pop("pool", None)
                    if ost:
                        over["steps"] = ost
                    if over:
                        rule["over"] = over
            elif "target" in rule:
                row["目标"] = rule.pop("target")
            if rule:
                row["规则参数"] = json.dumps(rule, ensure_ascii=False)
            f = home_fc.get(ind.name)
            if f is not None:
                row["预测值"], row["标准差"] = f.mean, f.sd
            sheets["指标"].append(row)
            if ind.value_of is not None:  # one figure scored twice
                advanced.append((f"assessments[{a.name}].indicators[{ind.name}].value_of", ind.value_of))
        for key in ("pools", "vetoes", "promotion", "assumed"):
            v = getattr(a, key)
            if v:
                val = [x.model_dump(mode="json", exclude_defaults=True) for x in v] if isinstance(v, list) else (
                    dict(v) if isinstance(v, dict) else v.model_dump(mode="json", exclude_defaults=True))
                advanced.append((f"assessments[{a.name}].{key}", val))
    for c in spec.counties:
        base = {"县市区": c.name, "同类": c.peer_class, "来源": c.source, "假设说明": _notes_text(c.assumed)}
        if not c.totals:
            sheets["县市区"].append(base)
        for k, (an, t) in enumerate(c.totals.items()):
            row = dict(base) if k == 0 else {"县市区": c.name}
            row.update({"总分预测": t.mean, "总分标准差": t.sd, "总分考核": an})
            sheets["县市区"].append(row)
        if c.history:
            advanced.append((f"counties[{c.name}].history", [h.model_dump(mode="json", exclude_defaults=True) for h in c.history]))
    inv = {v: k for k, v in FORECAST_COLS.items()}
    projected = {(e.county, e.indicator) for e in scn.year_ends if not e.hand}  # from 月度实绩, not typed
    for f in scn.forecasts:
        if (f.county == scn.home and f.indicator in home_fc) or (f.county, f.indicator) in projected:
            continue
        d = _dump(f)
        d["dist"] = DIST[f.dist]
        row = {"县市区": d.pop("county"), "指标": d.pop("indicator")}
        for k, v in d.items():
            row[inv[k]] = ("是" if v else "否") if k == "assumption" else v
        sheets["县市区数值"].append(row)
    sheets["县市区目标"] = [_table_row(t, TARGET_COLS) for t in scn.target_rows]
    sheets["满意度调查"] = [_table_row(t, SURVEY_COLS) for t in scn.survey_rows]
    for e in scn.effort_rows:
        sheets["工作量"].append({"指标": e.indicator, "推进至": e.upto, "单位工作量": e.cost,
                              "假设": "是" if e.assumption else None, "说明": e.note})
    for d, b in spec.effort.departments.items():
        sheets["部门预算"].append({"牵头单位": d, "预算": b})
    sheets["月度实绩"] = [{**_table_row(a, ACTUAL_COLS), "口径": BASIS[a.basis]} for a in scn.actuals]
    if spec.effort.source is not None:
        advanced.append(("effort.source", spec.effort.source))
    if spec.effort.assumed:
        advanced.append(("effort.assumed", dict(spec.effort.assumed)))
    if spec.overrides:
        advanced.append(("overrides", {k: o.model_dump(mode="json", exclude_defaults=True) for k, o in spec.overrides.items()}))
    if spec.constraints:
        advanced.append(("constraints", {k: c.model_dump(mode="json", exclude_defaults=True) for k, c in spec.constraints.items()}))
    sheets["高级"] = [{"路径": p, "YAML": yaml.safe_dump(v, allow_unicode=True, sort_keys=False, width=1000).strip()}
                    for p, v in advanced]
    return sheets


def export_scenario_workbook(scn, path: str | Path) -> None:
    """Write ``scn`` as a planner's workbook that :func:`import_workbook` reads back to the same scenario."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in scenario_workbook_rows(scn).items():
        if rows or name in ALWAYS:
            _rows_to_sheet(wb, name, rows)
    wb.save(path)


TEMPLATE_YAML = """
scenario:
  name: template
  title: 示例县发展目标考核（模板）
  year: 2025
  elapsed: 0.5
  home: 示例县
  sources: [模板数据，均为虚构，请替换为本县数据]
counties:
  - {name: 示例县, peer_class: 一类县}
  - {name: 甲县, peer_class: 一类县}
  - name: 乙县
    peer_class: 一类县
    totals: {发展目标考核: {mean: 31, sd: 2}}
    source: 乙县只知道总分预测
assessments:
  - name: 发展目标考核
    total_points: 40
    blocks:
      - {name: 综合指标}
      - {name: 超额加分, cap: 3}
    indicators:
      - name: 地区生产总值增速
        unit: "%"
        block: 综合指标
        points: 10
        department: 发改局
        leader: 常务副县长
        rule: {kind: threshold, basic: 6.0, full: 7.0, over: {steps: {per: 0.1, points: 0.5}, cap: 2, pool: 超额加分}}
      - name: 外贸自营出口
        unit: 亿美元
        block: 综合指标
        points: 10
        department: 商务局
        rule: {kind: threshold, basic: 4.0, full: 5.0, below: {mode: deduct, steps: {per: 0.1, points: 0.5}, floor: -2}}
      - name: 单位GDP能耗
        unit: 吨标准煤/万元
        block: 综合指标
        direction: lower
        points: 10
        kind: binding
        department: 发改局
        rule: {kind: threshold, basic: 0.80, full: 0.70}
      - name: 一般公共预算收入
        unit: 亿元
        block: 综合指标
        points: 10
        department: 财政局
        rule: {kind: ratio, target: 20, cap: 1.1}
        assumed: {rule: 模板示例：按完成比例计分，封顶110%}
    grades:
      by: rank
      levels: [{grade: 一等, max_rank: 1}, {grade: 二等, max_rank: 2}, {grade: 三等}]
effort:
  unit: 人月
  budget: 12
  departments: {商务局: 8}
simulation: {draws: 2000, seed: 20250101}
overrides:
  出口目标下调:
    description: 调整窗口内申请把外贸自营出口基本任务调到3.8亿美元
    set:
      - {path: "assessments[发展目标考核].indicators[外贸自营出口].rule.basic", value: 3.8}
"""

TEMPLATE_FORECASTS = """county,indicator,dist,mean,sd,low,likely,high,actual,note
示例县,地区生产总值增速,normal,6.6,0.4,,,,,
示例县,外贸自营出口,normal,4.5,0.3,,,,2.4,1-6月实际2.4亿美元
示例县,单位GDP能耗,normal,0.78,0.02,,,,,
示例县,一般公共预算收入,normal,19,1,,,,,
甲县,地区生产总值增速,normal,6.9,0.4,,,,,
甲县,外贸自营出口,triangular,,,4.2,4.8,5.3,,
甲县,单位GDP能耗,normal,0.74,0.02,,,,,
甲县,一般公共预算收入,normal,21,1.5,,,,,
"""

TEMPLATE_EFFORT = """indicator,upto,cost,assumption,note
外贸自营出口,0.5,4,true,模板：前0.5亿美元每亿美元4人月
外贸自营出口,1.0,8,true,模板：再0.5亿美元每亿美元8人月
地区生产总值增速,0.5,10,true,模板
"""


def template_scenario():
    """The template's scenario: three counties (one known by its total only), four indicators, effort curves."""
    return build_scenario(yaml.safe_load(TEMPLATE_YAML), TEMPLATE_FORECASTS, TEMPLATE_EFFORT)


def write_template(path: str | Path) -> None:
    """``scenarios/template.xlsx``: :func:`template_scenario` as a planner's workbook."""
    export_scenario_workbook(template_scenario(), path)


"""Excel in and out: a planner's workbook → a scenario folder, a scenario → a workbook, run results → results.xlsx.

The scenario workbook (``scenarios/template.xlsx``, made by :func:`write_template`) has
these sheets; a header row, then one row per item. Column names are Chinese; words in
cells may be Chinese (正向/逆向, 分数/名次/比例 …) or the scenario format's own English words.

``设置`` (项目, 值)
    名称 (ascii, used for run folders), 标题, 年份, 已过时间比例 [0–1], 本县, 来源 (one per
    line), 工作量单位, 总预算, 细分档数, 模拟次数, 随机种子, 分块, 共同冲击, 县内冲击.
``考核``  名称, 总分, 排名方式 (同类内/全市统一), 同分处理 (并列/本县居后), 等次依据 (分数/名次/比例), 来源
``板块``  考核, 名称, 权重, 上限, 下限, 计入池
``等次``  考核, 等次, 最低分, 最高名次, 比例 — best grade first
``指标``  考核, 名称, 单位, 方向 (正向/逆向), 分值, 板块, 类别, 规则 (基本满分 [default], 达标, 完成比例, 基准加减, 分档,
    功效系数, 与最优比, 按名次, 与平均比, 两个高于, 满意度, 按次 — or the format's English kind), 基本任务, 满分,
    基本分比例, 低于基本 (0分/倒扣/线性), 倒扣步长, 倒扣分, 倒扣下限, 零分值, 超额步长, 超额加分,
    超额上限, 超额计入板块, 目标, 规则参数 (JSON: any other rule field), 牵头单位, 责任领导,
    预测值, 标准差 (the home county's forecast), 来源, 假设说明 ("字段: 说明" per line)
``县市区``  县市区, 同类, 总分预测, 总分标准差, 总分考核, 来源, 假设说明
``县市区数值``  县市区, 指标, 分布, 预测值, 标准差, 低, 最可能, 高, 最小, 最大, 实际完成, 来源, 假设, 说明
``工作量``  指标, 推进至, 单位工作量, 假设, 说明
``部门预算``  牵头单位, 预算
``高级``  路径, YAML — anything else (vetoes, pools, promotion, overrides, history …) as YAML
    under a path such as ``assessments[main].vetoes`` or ``overrides``.

Only 设置, 指标 and 县市区数值 are required. A bad cell is reported with its sheet, row and
column (models.scenario.Problem; exit 2).
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from pathlib import Path

import yaml

from models.scenario import SCENARIO_FILE, FORECASTS_FILE, EFFORT_FILE, Problem, ScenarioError, build_scenario
from models.schema import EffortRow, ForecastRow

# --------------------------------------------------------------------------- formatting helpers

HEADER_FILL = "DDE6F0"


def _display_width(v) -> int:
    s = "" if v is None else (f"{v:.6g}" if isinstance(v, float) else str(v))
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s.split("\n")[0])


def style_sheet(ws, max_width: int = 50) -> None:
    """Bold shaded header, frozen header row, column widths fitted to the content."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=False)
    ws.freeze_panes = "A2"
    for col in ws.iter_cols(min_row=1, max_row=min(ws.max_row, 500)):
        w = max((_display_width(c.value) for c in col), default=8)
        ws.column_dimensions[get_column_letter(col[0].column)].width = max(8, min(max_width, w + 2))


def _cell(v):
    if v is None:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item"):
        v = v.item()
    return v


def _sheet_title(title: str, used: set[str]) -> str:
    t = re.sub(r"[\\/?*\[\]:]", "-", title)[:31] or "表"
    base, k = t, 2
    while t in used:
        suffix = f"~{k}"
        t, k = base[: 31 - len(suffix)] + suffix, k + 1
    used.add(t)
    return t


def write_results_workbook(path: str | Path, tables, about: list[tuple[str, str]] | None = None) -> None:
    """results.xlsx: a sheet 说明 (about the run), then one sheet per table (title as sheet name)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "说明"
    ws.append(["项目", "值"])
    for k, v in about or []:
        ws.append([k, v])
    style_sheet(ws, max_width=80)
    used = {"说明"}
    for _, title, df in tables:
        ws = wb.create_sheet(_sheet_title(title, used))
        ws.append([str(c) for c in df.columns])
        for rec in df.itertuples(index=False, name=None):
            ws.append([_cell(v) for v in rec])
        style_sheet(ws)
    wb.save(path)


# --------------------------------------------------------------------------- words

DIRECTION = {"正向": "higher", "逆向": "lower", "higher": "higher", "lower": "lower"}
DIRECTION_OUT = {"higher": "正向", "lower": "逆向"}
RANKING = {"同类内": "within_class", "全市统一": "unified", "within_class": "within_class", "unified": "unified"}
RANKING_OUT = {"within_class": "同类内", "unified": "全市统一"}
TIE = {"并列": "shared", "本县居后": "home_loses", "shared": "shared", "home_loses": "home_loses"}
TIE_OUT = {"shared": "并列", "home_loses": "本县居后"}
GRADE_BY = {"分数": "score", "名次": "rank", "比例": "quota", "score": "score", "rank": "rank", "quota": "quota"}
GRADE_BY_OUT = {"score": "分数", "rank": "名次", "quota": "比例"}
BELOW = {"0分": "zero", "零分": "zero", "倒扣": "deduct", "线性": "linear", "zero": "zero", "deduct": "deduct", "linear": "linear"}
BELOW_OUT = {"zero": "0分", "deduct": "倒扣", "linear": "线性"}
KIND = {"发展性": "developmental", "约束性": "binding", "重点工作": "key_work", "满意度": "survey", "加分": "bonus",
        "扣分": "deduction", "其他": "other"}
KIND_OUT = {v: k for k, v in KIND.items()}
RULE = {"基本满分": "threshold", "达标": "binary", "完成比例": "ratio", "基准加减": "base_step", "分档": "bands",
        "功效系数": "efficacy", "与最优比": "best_ratio", "按名次": "rank_points", "与平均比": "vs_average",
        "两个高于": "growth_bonus", "满意度": "survey", "按次": "per_event"}
RULE_OUT = {v: k for k, v in RULE.items()}
YES = {"是", "true", "True", "TRUE", "1", "yes", "y", "Y"}
NO = {"否", "false", "False", "FALSE", "0", "no", "n", "N"}

SETTINGS = {  # label -> (path, type)
    "名称": (("scenario", "name"), str),
    "标题": (("scenario", "title"), str),
    "年份": (("scenario", "year"), int),
    "已过时间比例": (("scenario", "elapsed"), float),
    "本县": (("scenario", "home"), str),
    "来源": (("scenario", "sources"), list),
    "工作量单位": (("effort", "unit"), str),
    "总预算": (("effort", "budget"), float),
    "细分档数": (("effort", "grid"), int),
    "模拟次数": (("simulation", "draws"), int),
    "随机种子": (("simulation", "seed"), int),
    "分块": (("simulation", "chunk"), int),
    "共同冲击": (("simulation", "shocks", "common"), float),
    "县内冲击": (("simulation", "shocks", "county"), float),
}

SHEETS = ["设置", "考核", "板块", "等次", "指标", "县市区", "县市区数值", "工作量", "部门预算", "高级"]
REQUIRED_SHEETS = ["设置", "指标", "县市区数值"]
COLUMNS = {
    "设置": ["项目", "值"],
    "考核": ["名称", "总分", "排名方式", "同分处理", "等次依据", "来源"],
    "板块": ["考核", "名称", "权重", "上限", "下限", "计入池"],
    "等次": ["考核", "等次", "最低分", "最高名次", "比例"],
    "指标": ["考核", "名称", "单位", "方向", "分值", "板块", "类别", "规则", "基本任务", "满分", "基本分比例",
           "低于基本", "倒扣步长", "倒扣分", "倒扣下限", "零分值", "超额步长", "超额加分", "超额上限", "超额计入板块",
           "目标", "规则参数", "牵头单位", "责任领导", "预测值", "标准差", "来源", "假设说明"],
    "县市区": ["县市区", "同类", "总分预测", "总分标准差", "总分考核", "来源", "假设说明"],
    "县市区数值": ["县市区", "指标", "分布", "预测值", "标准差", "低", "最可能", "高", "最小", "最大", "实际完成", "来源", "假设", "说明"],
    "工作量": ["指标", "推进至", "单位工作量", "假设", "说明"],
    "部门预算": ["牵头单位", "预算"],
    "高级": ["路径", "YAML"],
}
REQUIRED_COLUMNS = {
    "设置": ["项目", "值"], "考核": ["名称"], "板块": ["名称"], "等次": ["等次"], "指标": ["名称", "分值", "板块"],
    "县市区": ["县市区", "同类"], "县市区数值": ["县市区", "指标"], "工作量": ["指标", "推进至", "单位工作量"],
    "部门预算": ["牵头单位", "预算"], "高级": ["路径", "YAML"],
}
FORECAST_COLS = {"分布": "dist", "预测值": "mean", "标准差": "sd", "低": "low", "最可能": "likely", "高": "high",
                 "最小": "min", "最大": "max", "实际完成": "actual", "来源": "source", "假设": "assumption", "说明": "note"}


# --------------------------------------------------------------------------- reading a workbook


class _Sheet:
    """One sheet as header -> column letter and rows of cells, with typed getters that record problems."""

    def __init__(self, ws, problems: list[Problem], file: str):
        from openpyxl.utils import get_column_letter

        self.name = ws.title
        self.file = file
        self.problems = problems
        rows = list(ws.iter_rows(values_only=True))
        header = list(rows[0]) if rows else []
        self.cols: dict[str, int] = {}
        self.letters: dict[str, str] = {}
        for j, h in enumerate(header):
            if h is None or str(h).strip() == "":
                continue
            h = str(h).strip()
            self.cols[h] = j
            self.letters[h] = get_column_letter(j + 1)
        self.rows = []
        for i, r in enumerate(rows[1:], start=2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in r):
                continue
            self.rows.append((i, r))

    def where(self, row: int, col: str) -> str:
        return f"sheet {self.name} row {row} column {self.letters.get(col, '?')}"

    def bad(self, row: int, col: str, msg: str) -> None:
        self.problems.append(Problem(self.file, self.where(row, col), col, msg))

    def raw(self, r, col):
        j = self.cols.get(col)
        if j is None or j >= len(r):
            return None
        v = r[j]
        if isinstance(v, str):
            v = v.strip()
            if v == "":
                return None
        return v

    def text(self, row, r, col):
        v = self.raw(r, col)
        if v is None:
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v)

    def number(self, row, r, col, kind=float):
        v = self.raw(r, col)
        if v is None:
            return None
        if isinstance(v, bool):
            self.bad(row, col, f"expected a number, found {v!r}")
            return None
        if isinstance(v, (int, float)):
            if kind is int:
                if float(v).is_integer():
                    return int(v)
                self.bad(row, col, f"expected a whole number, found {v!r}")
                return None
            return float(v)
        s = str(v).replace(",", "").replace("，", "").strip()
        pct = s.endswith("%")
        try:
            x = float(s.rstrip("%"))
        except ValueError:
            self.bad(row, col, f"expected a number, found text {v!r}: write a number")
            return None
        if pct:
            x /= 100
        if kind is int:
            if x.is_integer():
                return int(x)
            self.bad(row, col, f"expected a whole number, found {v!r}")
            return None
        return x

    def word(self, row, r, col, table: dict[str, str]):
        v = self.text(row, r, col)
        if v is None:
            return None
        if v not in table:
            self.bad(row, col, f"unknown word {v!r}: use one of {sorted(k for k in table if not k.isascii())}")
            return None
        return table[v]

    def flag(self, row, r, col):
        v = self.raw(r, col)
        if v is None:
            return None
        if isinstance(v, bool):
            return v
        s = str(v).strip()
        if s in YES:
            return True
        if s in NO:
            return False
        self.bad(row, col, f"expected 是 or 否, found {v!r}")
        return None

    def json_obj(self, row, r, col):
        v = self.text(row, r, col)
        if v is None:
            return None
        try:
            obj = json.loads(v)
        except json.JSONDecodeError as err:
            self.bad(row, col, f"not valid JSON ({err.msg}): write e.g. {{\"cap\": 1.2}}")
            return None
        if not isinstance(obj, dict):
            self.bad(row, col, "expected a JSON object {…}")
            return None
        return obj

    def notes(self, row, r, col) -> dict | None:
        """``字段: 说明`` per line (or a JSON object) -> dict."""
        v = self.text(row, r, col)
        if v is None:
            return None
        if v.startswith("{"):
            return self.json_obj(row, r, col)
        out = {}
        for line in v.splitlines():
            if not line.strip():
                continue
            m = re.match(r"\s*([^:：]+?)\s*[:：]\s*(.*)$", line)
            if not m:
                self.bad(row, col, f"write one '字段: 说明' per line, found {line!r}")
                return None
            out[m.group(1)] = m.group(2)
        return out


def _set(d: dict, path: tuple, value) -> None:
    for k in path[:-1]:
        d = d.setdefault(k, {})
    d[path[-1]] = value


def _deep_merge(a: dict, b: dict) -> dict:
    out = dict(a)
    for k, v in b.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _csv_text(rows: list[dict], model) -> str | None:
    """CSV text for the loader: the model's columns that occur, floats written exactly (repr)."""
    if not rows:
        return None
    import csv
    import io

    cols = [c for c in model.model_fields if any(r.get(c) is not None for r in rows)]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in rows:
        w.writerow(["" if r.get(c) is None else (repr(r[c]) if isinstance(r[c], float) else str(r[c])) for c in cols])
    return buf.getvalue()


def read_workbook(path: str | Path) -> tuple[dict, str | None, str | None, dict]:
    """Read a scenario workbook into (scenario.yaml dict, forecasts.csv text, effort.csv text, where).

    ``where`` maps the generated rows back to sheets and rows (for messages).

    Raises ScenarioError naming the sheet, row and column of every bad cell."""
    from openpyxl import load_workbook

    path = Path(path)
    file = path.name
    P: list[Problem] = []
    if not path.is_file():
        raise ScenarioError([Problem(str(path), "", "", "no such workbook")])
    try:
        wb = load_workbook(path, data_only=True, read_only=False)
    except Exception as err:  # noqa: BLE001 - any unreadable file is bad input
        raise ScenarioError([Problem(file, "", "", f"cannot be read as an .xlsx workbook: {err}")]) from None
    unknown = [s for s in wb.sheetnames if s not in SHEETS]
    for s in unknown:
        P.append(Problem(file, f"sheet {s}", "", f"unknown sheet: rename it to one of {SHEETS} or delete it"))
    missing = [s for s in REQUIRED_SHEETS if s not in wb.sheetnames]
    for s in missing:
        P.append(Problem(file, f"sheet {s}", "", f"required sheet is missing: add a sheet named {s} with columns {COLUMNS[s]}"))
    sh: dict[str, _Sheet] = {}
    for s in SHEETS:
        if s in wb.sheetnames:
            sheet = _Sheet(wb[s], P, file)
            for c in REQUIRED_COLUMNS[s]:
                if c not in sheet.cols:
                    P.append(Problem(file, f"sheet {s} row 1", c, f"required column is missing: add a column headed {c}"))
            for c in sheet.cols:
                if c not in COLUMNS[s]:
                    P.append(Problem(file, f"sheet {s} row 1 column {sheet.letters[c]}", c,
                                     f"unknown column: use one of {COLUMNS[s]}"))
            sh[s] = sheet
    if P:
        raise ScenarioError(P)

    data: dict = {}
    # settings
    S = sh["设置"]
    for row, r in S.rows:
        label = S.text(row, r, "项目")
        if label is None:
            continue
        if label not in SETTINGS:
            S.bad(row, "项目", f"unknown setting {label!r}: one of {list(SETTINGS)}")
            continue
        p, typ = SETTINGS[label]
        if typ is list:
            v = S.text(row, r, "值")
            val = [x.strip() for x in v.splitlines() if x.strip()] if v else []
        elif typ is str:
            val = S.text(row, r, "值")
        else:
            val = S.number(row, r, "值", kind=typ)
        if val is not None:
            _set(data, p, val)

    # assessments
    assessments: dict[str, dict] = {}

    def assessment(name: str | None, sheet: _Sheet, row: int) -> dict | None:
        if name is None:
            if len(assessments) == 1:
                return next(iter(assessments.values()))
            if not assessments:
                return assessments.setdefault("考核", {"name": "考核", "blocks": [], "indicators": [], "grades": {"levels": []}})
            sheet.bad(row, "考核", f"several assessments {list(assessments)}: say which one")
            return None
        if name not in assessments:
            if "考核" in sh:
                sheet.bad(row, "考核", f"unknown assessment {name!r}: one of {list(assessments)}")
                return None
            assessments[name] = {"name": name, "blocks": [], "indicators": [], "grades": {"levels": []}}
        return assessments[name]

    if "考核" in sh:
        A = sh["考核"]
        for row, r in A.rows:
            name = A.text(row, r, "名称")
            if name is None:
                A.bad(row, "名称", "missing assessment name")
                continue
            a = {"name": name, "blocks": [], "indicators": [], "grades": {"levels": []}}
            tp = A.number(row, r, "总分")
            if tp is not None:
                a["total_points"] = tp
            for col, key, table in (("排名方式", "ranking", RANKING), ("同分处理", "tie_break", TIE), ("等次依据", None, GRADE_BY)):
                v = A.word(row, r, col, table)
                if v is not None:
                    if key:
                        a[key] = v
                    else:
                        a["grades"]["by"] = v
            src = A.text(row, r, "来源")
            if src is not None:
                a["source"] = src
            assessments[name] = a
    if "板块" in sh:
        B = sh["板块"]
        for row, r in B.rows:
            a = assessment(B.text(row, r, "考核"), B, row)
            b = {"name": B.text(row, r, "名称")}
            for col, key in (("权重", "weight"), ("上限", "cap"), ("下限", "floor")):
                v = B.number(row, r, col)
                if v is not None:
                    b[key] = v
            pool = B.text(row, r, "计入池")
            if pool is not None:
                b["pool"] = pool
            if a is not None:
                a["blocks"].append(b)
    if "等次" in sh:
        G = sh["等次"]
        for row, r in G.rows:
            a = assessment(G.text(row, r, "考核"), G, row)
            g = {"grade": G.text(row, r, "等次")}
            for col, key, kind in (("最低分", "min_score", float), ("最高名次", "max_rank", int), ("比例", "share", float)):
                v = G.number(row, r, col, kind=kind)
                if v is not None:
                    g[key] = v
            if a is not None:
                a["grades"]["levels"].append(g)

    # indicators (and the home county's simple forecasts)
    home = data.get("scenario", {}).get("home")
    forecasts: list[dict] = []
    where_ind: dict[str, int] = {}
    I = sh["指标"]
    for row, r in I.rows:
        a = assessment(I.text(row, r, "考核"), I, row)
        ind: dict = {"name": I.text(row, r, "名称")}
        for col, key in (("单位", "unit"), ("板块", "block"), ("牵头单位", "department"), ("责任领导", "leader"), ("来源", "source")):
            v = I.text(row, r, col)
            if v is not None:
                ind[key] = v
        d = I.word(row, r, "方向", DIRECTION)
        if d is not None:
            ind["direction"] = d
        pts = I.number(row, r, "分值")
        if pts is not None:
            ind["points"] = pts
        k = I.word(row, r, "类别", {**KIND, **{v: v for v in KIND.values()}})
        if k is not None:
            ind["kind"] = k
        notes = I.notes(row, r, "假设说明")
        if notes:
            ind["assumed"] = notes
        kind = I.word(row, r, "规则", {**RULE, **{v: v for v in RULE.values()}}) or "threshold"
        rule: dict = {"kind": kind}
        if kind == "threshold":
            for col, key in (("基本任务", "basic"), ("满分", "full"), ("基本分比例", "basic_share")):
                v = I.number(row, r, col)
                if v is not None:
                    rule[key] = v
            below = I.word(row, r, "低于基本", BELOW)
            if below is not None:
                rule["below"] = {"mode": below}
            step, spts = I.number(row, r, "倒扣步长"), I.number(row, r, "倒扣分")
            if step is not None or spts is not None:
                rule.setdefault("below", {})["steps"] = {k2: v for k2, v in (("per", step), ("points", spts)) if v is not None}
            for col, key in (("倒扣下限", "floor"), ("零分值", "zero_at")):
                v = I.number(row, r, col)
                if v is not None:
                    rule.setdefault("below", {})[key] = v
            ostep, opts, ocap = I.number(row, r, "超额步长"), I.number(row, r, "超额加分"), I.number(row, r, "超额上限")
            opool = I.text(row, r, "超额计入板块")
            if any(v is not None for v in (ostep, opts, ocap, opool)):
                over: dict = {}
                if ostep is not None or opts is not None:
                    over["steps"] = {k2: v for k2, v in (("per", ostep), ("points", opts)) if v is not None}
                if ocap is not None:
                    over["cap"] = ocap
                if opool is not None:
                    over["pool"] = opool
                rule["over"] = over
        else:
            for col in ("基本任务", "满分", "基本分比例", "低于基本", "倒扣步长", "倒扣分", "倒扣下限", "零分值",
                        "超额步长", "超额加分", "超额上限", "超额计入板块"):
                if I.raw(r, col) is not None:
                    I.bad(row, col, f"only for rule 基本满分 (threshold), this row's rule is {RULE_OUT.get(kind, kind)}: clear the cell or put it in 规则参数")
        t = I.number(row, r, "目标")
        if t is not None:
            rule["target"] = t
        extra = I.json_obj(row, r, "规则参数")
        if extra:
            rule = _deep_merge(rule, extra)
        ind["rule"] = rule
        mean, sd = I.number(row, r, "预测值"), I.number(row, r, "标准差")
        if mean is not None or sd is not None:
            if home is None:
                I.bad(row, "预测值", "the home county (设置: 本县) is needed for forecasts in this sheet")
            else:
                forecasts.append({"county": home, "indicator": ind["name"], "dist": "normal",
                                  **({"mean": mean} if mean is not None else {}), **({"sd": sd} if sd is not None else {}),
                                  "_where": (I, row, "预测值")})
        if a is not None:
            a["indicators"].append(ind)
        where_ind[ind["name"]] = row

    # counties
    counties: dict[str, dict] = {}
    where_cty: dict[str, int] = {}
    if "县市区" in sh:
        C = sh["县市区"]
        for row, r in C.rows:
            name = C.text(row, r, "县市区")
            cls = C.text(row, r, "同类")
            c = counties.setdefault(name, {"name": name})
            where_cty.setdefault(name, row)
            if cls is not None:
                if c.get("peer_class", cls) != cls:
                    C.bad(row, "同类", f"{name} is in class {c['peer_class']!r} on an earlier row")
                c["peer_class"] = cls
            mean, sd = C.number(row, r, "总分预测"), C.number(row, r, "总分标准差")
            if mean is not None:
                an = C.text(row, r, "总分考核") or (next(iter(assessments)) if assessments else None)
                c.setdefault("totals", {})[an] = {"mean": mean, **({"sd": sd} if sd is not None else {})}
            elif sd is not None:
                C.bad(row, "总分预测", "a total's sd needs its mean")
            src = C.text(row, r, "来源")
            if src is not None:
                c["source"] = src
            notes = C.notes(row, r, "假设说明")
            if notes:
                c["assumed"] = notes

    V = sh["县市区数值"]
    for row, r in V.rows:
        f: dict = {"county": V.text(row, r, "县市区"), "indicator": V.text(row, r, "指标")}
        for col, key in FORECAST_COLS.items():
            if key in ("dist", "source", "note"):
                v = V.text(row, r, col)
            elif key == "assumption":
                v = V.flag(row, r, col)
            else:
                v = V.number(row, r, col)
            if v is not None:
                f[key] = v
        f["_where"] = (V, row, "指标")
        forecasts.append(f)
        if "县市区" not in sh and f["county"] is not None:
            counties.setdefault(f["county"], {"name": f["county"], "peer_class": "同类"})
    seen: dict[tuple, tuple] = {}
    where: dict = {"forecasts": [], "effort": [], "indicators": {}, "counties": {}, "letters": {k: v.letters for k, v in sh.items()}}
    for f in forecasts:
        sheet, row, col = f.pop("_where")
        where["forecasts"].append((sheet.name, row))
        key = (f["county"], f["indicator"])
        if key in seen:
            s0, r0, _ = seen[key]
            sheet.bad(row, col, f"forecast for {key[0]}/{key[1]} given twice (first in sheet {s0.name} row {r0})")
        seen.setdefault(key, (sheet, row, col))

    # effort and budgets
    effort_rows: list[dict] = []
    if "工作量" in sh:
        E = sh["工作量"]
        for row, r in E.rows:
            e = {"indicator": E.text(row, r, "指标"), "upto": E.number(row, r, "推进至"), "cost": E.number(row, r, "单位工作量")}
            fl = E.flag(row, r, "假设")
            if fl is not None:
                e["assumption"] = fl
            note = E.text(row, r, "说明")
            if note is not None:
                e["note"] = note
            effort_rows.append({k: v for k, v in e.items() if v is not None})
            where["effort"].append(("工作量", row))
    if "部门预算" in sh:
        D = sh["部门预算"]
        for row, r in D.rows:
            dept, b = D.text(row, r, "牵头单位"), D.number(row, r, "预算")
            if dept is not None and b is not None:
                data.setdefault("effort", {}).setdefault("departments", {})[dept] = b

    data["counties"] = list(counties.values())
    data["assessments"] = list(assessments.values())
    for a in data["assessments"]:
        if not a["grades"].get("by"):
            a["grades"].setdefault("by", "rank")

    # advanced: YAML patches
    if "高级" in sh:
        H = sh["高级"]
        for row, r in H.rows:
            p, text = H.text(row, r, "路径"), H.text(row, r, "YAML")
            if p is None:
                H.bad(row, "路径", "missing path, e.g. assessments[main].vetoes or overrides")
                continue
            try:
                val = yaml.safe_load(text) if text is not None else None
            except yaml.YAMLError as err:
                H.bad(row, "YAML", f"not valid YAML: {getattr(err, 'problem', err)}")
                continue
            msg = _patch(data, p, val)
            if msg:
                H.bad(row, "路径", msg)
    if P:
        raise ScenarioError(P)
    where["indicators"], where["counties"] = where_ind, where_cty
    ftext = _csv_text(forecasts, ForecastRow)
    etext = _csv_text(effort_rows, EffortRow)
    return data, ftext, etext, where


#: scenario-format field (suffix of a problem's field path) -> column of the 指标 sheet
INDICATOR_FIELD_COLUMN = {
    "rule.basic": "基本任务", "rule.full": "满分", "rule.basic_share": "基本分比例", "rule.below.mode": "低于基本",
    "rule.below.steps.per": "倒扣步长", "rule.below.steps.points": "倒扣分", "rule.below.floor": "倒扣下限",
    "rule.below.zero_at": "零分值", "rule.over.steps.per": "超额步长", "rule.over.steps.points": "超额加分",
    "rule.over.cap": "超额上限", "rule.over.pool": "超额计入板块", "rule.target": "目标", "rule": "规则", "rule.kind": "规则",
    "name": "名称", "unit": "单位", "direction": "方向", "points": "分值", "block": "板块", "kind": "类别",
    "department": "牵头单位", "leader": "责任领导", "source": "来源", "assumed": "假设说明",
}
COUNTY_FIELD_COLUMN = {"name": "县市区", "peer_class": "同类", "totals": "总分预测", "source": "来源", "assumed": "假设说明"}


def _locate(p: Problem, workbook: str, where: dict) -> Problem:
    """Map a problem found in the generated scenario files back to the workbook's sheet, row and column."""
    letters = where["letters"]

    def cell(sheet: str, row: int, col: str | None) -> str:
        letter = letters.get(sheet, {}).get(col) if col else None
        return f"sheet {sheet} row {row}" + (f" column {letter}" if letter else "")

    m = re.fullmatch(r"row (\d+)", p.where)
    if p.file in (FORECASTS_FILE, EFFORT_FILE) and m:
        rows = where["forecasts" if p.file == FORECASTS_FILE else "effort"]
        k = int(m.group(1)) - 2
        if 0 <= k < len(rows):
            sheet, row = rows[k]
            inv = {v: c for c, v in FORECAST_COLS.items()} if p.file == FORECASTS_FILE else \
                {"indicator": "指标", "upto": "推进至", "cost": "单位工作量", "assumption": "假设", "note": "说明"}
            if sheet == "指标":
                inv = {"mean": "预测值", "sd": "标准差", "indicator": "名称"}
            col = inv.get(p.field, "县市区" if p.field == "county" else ("指标" if p.field == "indicator" else None))
            return Problem(workbook, cell(sheet, row, col), col or p.field, p.message)
    mi = re.search(r"indicators\[([^\]]+)\]\.?(.*)$", p.field)
    if mi and mi.group(1) in where["indicators"]:
        col = INDICATOR_FIELD_COLUMN.get(mi.group(2)) or ("规则参数" if mi.group(2).startswith("rule") else None)
        return Problem(workbook, cell("指标", where["indicators"][mi.group(1)], col), col or mi.group(2), p.message)
    mc = re.search(r"counties\[([^\]]+)\]\.?([a-z_]*)", p.field)
    if mc and mc.group(1) in where["counties"]:
        col = COUNTY_FIELD_COLUMN.get(mc.group(2))
        return Problem(workbook, cell("县市区", where["counties"][mc.group(1)], col), col or mc.group(2), p.message)
    return Problem(workbook, f"({p.file})", p.field, p.message)


_SEG = re.compile(r"([^.\[\]]+)(?:\[([^\]]+)\])?")


def _patch(data: dict, path: str, value) -> str | None:
    """Set ``value`` at ``path`` (``a.b[name].c``: list items selected by their name); None or an error message."""
    segs = [m.groups() for m in _SEG.finditer(path)]
    if not segs:
        return f"cannot read path {path!r}"
    cur = data
    for i, (key, sel) in enumerate(segs):
        last = i == len(segs) - 1
        if sel is None:
            if last:
                cur[key] = value
                return None
            cur = cur.setdefault(key, {})
        else:
            items = cur.get(key)
            if not isinstance(items, list):
                return f"{key} is not a list here"
            hit = next((x for x in items if isinstance(x, dict) and (x.get("name") == sel or x.get("grade") == sel)), None)
            if hit is None:
                return f"no {key} named {sel!r}"
            if last:
                return f"path {path!r} must end with a field, e.g. {path}.vetoes"
            cur = hit
        if not isinstance(cur, dict):
            return f"{key} is not a mapping"
    return None


def import_workbook(path: str | Path, out_dir: str | Path | None = None):
    """Read and validate a workbook; write the scenario folder to ``out_dir`` when given. Returns the Scenario.

    Raises ScenarioError (sheet, row and column of each problem); a scenario problem found
    after reading (e.g. a home county with no forecast) names the scenario file's field."""
    data, ftext, etext, where = read_workbook(path)
    try:
        scn = build_scenario(data, ftext, etext)
    except ScenarioError as err:
        raise ScenarioError([_locate(p, Path(path).name, where) for p in err.problems]) from None
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        (out / SCENARIO_FILE).write_text(
            f"# imported from {Path(path).name} by kaoping import-excel\n"
            + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
        (out / FORECASTS_FILE).write_text(ftext or "county,indicator\n", encoding="utf-8")
        if etext:
            (out / EFFORT_FILE).write_text(etext, encoding="utf-8")
        elif (out / EFFORT_FILE).exists():
            (out / EFFORT_FILE).unlink()
        from models.scenario import load_scenario

        scn = load_scenario(out)
    return scn


# --------------------------------------------------------------------------- writing a scenario workbook


def _choices() -> dict[str, dict[str, list[str]]]:
    """Drop-down lists offered in the workbook (the Chinese words; English ones are accepted too)."""
    return {
        "指标": {"方向": list(DIRECTION_OUT.values()), "规则": list(RULE), "低于基本": list(BELOW_OUT.values()),
               "类别": list(KIND)},
        "考核": {"排名方式": list(RANKING_OUT.values()), "同分处理": list(TIE_OUT.values()), "等次依据": list(GRADE_BY_OUT.values())},
        "县市区数值": {"分布": ["normal", "triangular", "pert", "fixed", "bernoulli"], "假设": ["是", "否"]},
        "工作量": {"假设": ["是", "否"]},
    }


def _rows_to_sheet(wb, name: str, rows: list[dict]) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = wb.create_sheet(name)
    cols = COLUMNS[name]
    ws.append(cols)
    for r in rows:
        ws.append([_cell(r.get(c)) for c in cols])
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
        sheets["考核"].append({"名称": a.name, "总分": a.total_points, "排名方式": RANKING_OUT[a.ranking],
                              "同分处理": TIE_OUT[a.tie_break], "等次依据": GRADE_BY_OUT[a.grades.by], "来源": a.source})
        for b in a.blocks:
            sheets["板块"].append({"考核": a.name, "名称": b.name, "权重": b.weight, "上限": b.cap, "下限": b.floor, "计入池": b.pool})
        for g in a.grades.levels:
            sheets["等次"].append({"考核": a.name, "等次": g.grade, "最低分": g.min_score, "最高名次": g.max_rank, "比例": g.share})
        for ind in a.indicators:
            rule = ind.rule.model_dump(mode="json", exclude_defaults=True)
            rule["kind"] = ind.rule.kind
            row = {"考核": a.name, "名称": ind.name, "单位": ind.unit or None, "方向": DIRECTION_OUT[ind.direction],
                   "分值": ind.points, "板块": ind.block, "类别": KIND_OUT[ind.kind], "规则": RULE_OUT[rule.pop("kind")],
                   "牵头单位": ind.department, "责任领导": ind.leader, "来源": ind.source, "假设说明": _notes_text(ind.assumed)}
            if ind.rule.kind == "threshold":
                row["基本任务"], row["满分"] = rule.pop("basic"), rule.pop("full")
                row["基本分比例"] = ind.rule.basic_share
                rule.pop("basic_share", None)
                below = rule.pop("below", {})
                row["低于基本"] = BELOW_OUT[ind.rule.below.mode]
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
    for f in scn.forecasts:
        if f.county == scn.home and f.indicator in home_fc:
            continue
        d = _dump(f)
        d["dist"] = f.dist
        row = {"县市区": d.pop("county"), "指标": d.pop("indicator")}
        for k, v in d.items():
            row[inv[k]] = ("是" if v else "否") if k == "assumption" else v
        sheets["县市区数值"].append(row)
    for e in scn.effort_rows:
        sheets["工作量"].append({"指标": e.indicator, "推进至": e.upto, "单位工作量": e.cost,
                              "假设": "是" if e.assumption else None, "说明": e.note})
    for d, b in spec.effort.departments.items():
        sheets["部门预算"].append({"牵头单位": d, "预算": b})
    if spec.effort.source is not None:
        advanced.append(("effort.source", spec.effort.source))
    if spec.effort.assumed:
        advanced.append(("effort.assumed", dict(spec.effort.assumed)))
    if spec.overrides:
        advanced.append(("overrides", {k: o.model_dump(mode="json", exclude_defaults=True) for k, o in spec.overrides.items()}))
    sheets["高级"] = [{"路径": p, "YAML": yaml.safe_dump(v, allow_unicode=True, sort_keys=False, width=1000).strip()}
                    for p, v in advanced]
    return sheets


def export_scenario_workbook(scn, path: str | Path) -> None:
    """Write ``scn`` as a planner's workbook that :func:`import_workbook` reads back to the same scenario."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in scenario_workbook_rows(scn).items():
        if rows or name in REQUIRED_SHEETS or name in ("考核", "板块", "等次", "县市区"):
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


if __name__ == "__main__":  # python -m optimizer.excel [PATH]: regenerate the template
    import sys

    target = sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).resolve().parent.parent / "scenarios" / "template.xlsx")
    write_template(target)
    print(target)

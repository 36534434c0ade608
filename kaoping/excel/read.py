"""A planner's workbook → a scenario: find the sheets, read each table, turn the rows into the
scenario's YAML dict and CSV tables, validate, and map every problem back to its cell."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from models.locate import TooManyValues, parse_yaml
from models.problems import (
    ACTUALS_FILE,
    EFFORT_FILE,
    FORECASTS_FILE,
    SCENARIO_FILE,
    SURVEYS_FILE,
    TARGETS_FILE,
    Problem,
    ScenarioError,
)
from models.scenario import build_scenario, load_scenario
from models.schema import ActualRow, EffortRow, ForecastRow, SurveyRow, TargetRow

from models.i18n import listing

from ..i18n import _
from .sheet import Sheet, place
from .words import (
    ACTUAL_COLS,
    BASIS,
    BELOW,
    COLUMNS,
    COUNTY_FIELD_COLUMN,
    DIRECTION,
    DIST,
    FORECAST_COLS,
    GRADE_BY,
    INDICATOR_FIELD_COLUMN,
    KIND,
    MEASURE,
    RANKING,
    REQUIRED_COLUMNS,
    REQUIRED_SHEETS,
    RULE,
    SCORED_OF,
    SETTINGS,
    SHARE_SETTINGS,
    SHEETS,
    SURVEY_COLS,
    TARGET_COLS,
    TIE,
)

#: the tables a workbook holds besides scenario.yaml: file -> (its row model, its key in ``where``)
TABLES = {FORECASTS_FILE: (ForecastRow, "forecasts"), EFFORT_FILE: (EffortRow, "effort"), ACTUALS_FILE: (ActualRow, "actuals"),
          TARGETS_FILE: (TargetRow, "targets"), SURVEYS_FILE: (SurveyRow, "surveys")}
#: file -> (its sheet, field -> column) for the tables read row for row
SHEET_OF = {ACTUALS_FILE: ("月度实绩", ACTUAL_COLS), TARGETS_FILE: ("县市区目标", TARGET_COLS), SURVEYS_FILE: ("满意度调查", SURVEY_COLS)}


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


def read_workbook(path: str | Path) -> tuple[dict, dict[str, str | None], dict]:
    """Read a scenario workbook into (scenario.yaml dict, tables, where): ``tables`` the text of each
    CSV table (forecasts.csv, effort.csv, actuals.csv, targets.csv, surveys.csv; None when the
    workbook has no row of it), ``where`` maps the generated rows back to sheets and rows (for messages).

    Raises ScenarioError naming the sheet, row and column of every bad cell."""
    path = Path(path)
    problems: list[Problem] = []
    r = _Reader(open_sheets(path, problems), problems)
    r.settings()
    r.assessments_and_parts()
    r.indicators()
    r.counties()
    r.forecast_rows()
    r.effort()
    r.assemble()
    r.advanced()
    r.table_rows()  # after 高级: what an indicator scores (value_of) gives the unit of its base
    if problems:
        raise ScenarioError(problems)
    return r.result()


def open_sheets(path: Path, problems: list[Problem]) -> dict[str, Sheet]:
    """The workbook's known sheets by name (their bad cells go to ``problems``); ScenarioError for an
    unreadable file, an unknown or missing sheet, or a missing or unknown column."""
    from openpyxl import load_workbook

    file = path.name
    P = problems
    if not path.is_file():
        raise ScenarioError([Problem(str(path), "", "", _("no such workbook: check the path"))])
    try:
        wb = load_workbook(path, data_only=True, read_only=False)
        formulas = _formulas(load_workbook(path, data_only=False, read_only=False))
    except Exception as err:  # noqa: BLE001 - any unreadable file is bad input
        raise ScenarioError([Problem(file, "", "", _("cannot be read as an .xlsx workbook ({error}): save it from Excel "
                                                     "or WPS as .xlsx").format(error=err))]) from None
    for s in wb.sheetnames:
        if s not in SHEETS:
            P.append(Problem(file, place(s), "", _("unknown sheet: rename it to one of {sheets} or delete it")
                             .format(sheets=listing(SHEETS))))
    for s in REQUIRED_SHEETS:
        if s not in wb.sheetnames:
            P.append(Problem(file, place(s), "", _("required sheet is missing: add a sheet named {sheet} with columns "
                                                   "{columns}").format(sheet=s, columns=listing(COLUMNS[s]))))
    sh: dict[str, Sheet] = {}
    for s in SHEETS:
        if s in wb.sheetnames:
            sheet = Sheet(wb[s], P, file, formulas.get(s), REQUIRED_COLUMNS[s], COLUMNS[s])
            for c in REQUIRED_COLUMNS[s]:
                if c not in sheet.cols:
                    P.append(Problem(file, place(s, sheet.header_row), c,
                                     _("required column is missing: add a column headed {column}").format(column=c)))
            for c in sheet.cols:
                if c not in COLUMNS[s]:
                    P.append(Problem(file, place(s, sheet.header_row, sheet.letters[c]), c,
                                     _("unknown column: use one of {columns}").format(columns=listing(COLUMNS[s]))))
            sh[s] = sheet
    if P:
        raise ScenarioError(P)
    return sh


def _formulas(wb) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet -> (row, column index) -> formula text, for every formula cell of a workbook loaded with
    formulas (a :class:`~kaoping.excel.sheet.Sheet` uses those Excel saved no value for)."""
    out: dict[str, dict] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    text = getattr(c.value, "text", None) or str(c.value)
                    out.setdefault(ws.title, {})[(c.row, c.column - 1)] = text if text.startswith("=") else "=" + text
    return out


def _new_assessment(name: str) -> dict:
    return {"name": name, "blocks": [], "indicators": [], "grades": {"levels": []}}


class _Reader:
    """Turns the sheets' rows into the scenario's YAML dict, forecast rows and effort rows, one
    table at a time; every bad cell is recorded in the shared problem list."""

    def __init__(self, sh: dict[str, Sheet], problems: list[Problem]):
        self.sh, self.problems = sh, problems
        self.data: dict = {}
        self.assessments: dict[str, dict] = {}
        # rows of each table by file; a forecast row also has "_where": (sheet, row, column) until read
        self.rows: dict[str, list[dict]] = {f: [] for f in TABLES}
        self.forecasts, self.effort_rows = self.rows[FORECASTS_FILE], self.rows[EFFORT_FILE]
        self.counties_by_name: dict[str, dict] = {}
        self.units: dict[str, str] = {}  # indicator -> its 单位, for the percentages of its values
        self.where: dict = {"indicators": {}, "counties": {}, "letters": {k: v.letters for k, v in sh.items()},
                            **{key: [] for _model, key in TABLES.values()}}

    def result(self) -> tuple[dict, dict[str, str | None], dict]:
        return self.data, {f: _csv_text(self.rows[f], model) for f, (model, _key) in TABLES.items()}, self.where

    # ---- 设置
    def settings(self) -> None:
        S = self.sh["设置"]
        for row, r in S.rows:
            label = S.text(row, r, "项目")
            if label is None:
                continue
            if label not in SETTINGS:
                S.bad(row, "项目", _("unknown setting {label}: use one of {settings}").format(
                    label=repr(label), settings=listing(SETTINGS)))
                continue
            p, typ = SETTINGS[label]
            if typ is list:
                v = S.text(row, r, "值")
                val = [x.strip() for x in v.splitlines() if x.strip()] if v else []
            elif typ is str:
                val = S.text(row, r, "值")
            else:
                val = S.number(row, r, "值", kind=typ, share=label in SHARE_SETTINGS)
            if val is not None:
                _set(self.data, p, val)

    # ---- 考核, 板块, 等次
    def assessment(self, name: str | None, sheet: Sheet, row: int) -> dict | None:
        """The assessment a row belongs to (the only one when the 考核 column is empty)."""
        A = self.assessments
        if name is None:
            if len(A) == 1:
                return next(iter(A.values()))
            if not A:
                return A.setdefault("考核", _new_assessment("考核"))
            sheet.bad(row, "考核", _("several assessments ({names}): say which one").format(names=listing(A)))
            return None
        if name not in A:
            if "考核" in self.sh:
                sheet.bad(row, "考核", _("unknown assessment {name}: one of {names}").format(name=repr(name), names=listing(A)))
                return None
            A[name] = _new_assessment(name)
        return A[name]

    def assessments_and_parts(self) -> None:
        sh = self.sh
        if "考核" in sh:
            A = sh["考核"]
            for row, r in A.rows:
                name = A.text(row, r, "名称")
                if name is None:
                    A.bad(row, "名称", _("missing assessment name"))
                    continue
                a = _new_assessment(name)
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
                self.assessments[name] = a
        if "板块" in sh:
            B = sh["板块"]
            for row, r in B.rows:
                a = self.assessment(B.text(row, r, "考核"), B, row)
                b = {"name": B.text(row, r, "名称")}
                for col, key in (("权重", "weight"), ("上限", "cap"), ("下限", "floor")):
                    v = B.number(row, r, col, share=col == "权重")
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
                a = self.assessment(G.text(row, r, "考核"), G, row)
                g = {"grade": G.text(row, r, "等次")}
                for col, key, kind in (("最低分", "min_score", float), ("最高名次", "max_rank", int), ("比例", "share", float)):
                    v = G.number(row, r, col, kind=kind, share=key == "share")
                    if v is not None:
                        g[key] = v
                if a is not None:
                    a["grades"]["levels"].append(g)

    # ---- 指标 (and the home county's simple forecasts)
    def indicators(self) -> None:
        home = self.data.get("scenario", {}).get("home")
        I = self.sh["指标"]
        for row, r in I.rows:
            a = self.assessment(I.text(row, r, "考核"), I, row)
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
            k = I.word(row, r, "类别", KIND)
            if k is not None:
                ind["kind"] = k
            m = I.word(row, r, "计量", MEASURE)
            if m is not None:
                ind["measure"] = m
            scored = _scored(I, row, r, I.text(row, r, "单位") or "")
            if scored:
                ind["scored"] = scored
            notes = I.notes(row, r, "假设说明")
            if notes:
                ind["assumed"] = notes
            unit = I.text(row, r, "单位") or ""
            self.units[ind["name"]] = unit
            ind["rule"] = _rule(I, row, r, unit)
            mean, sd = I.number(row, r, "预测值", unit=unit), I.number(row, r, "标准差", unit=unit)
            if mean is not None or sd is not None:
                if home is None:
                    I.bad(row, "预测值", _("the home county ({setting}) is needed for forecasts in this sheet")
                          .format(setting="设置: 本县"))
                else:
                    self.forecasts.append({"county": home, "indicator": ind["name"], "dist": "normal",
                                           **({"mean": mean} if mean is not None else {}),
                                           **({"sd": sd} if sd is not None else {}), "_where": (I, row, "预测值")})
            if a is not None:
                a["indicators"].append(ind)
            self.where["indicators"][ind["name"]] = row

    # ---- 县市区
    def counties(self) -> None:
        if "县市区" not in self.sh:
            return
        C = self.sh["县市区"]
        for row, r in C.rows:
            name = C.text(row, r, "县市区")
            cls = C.text(row, r, "同类")
            c = self.counties_by_name.setdefault(name, {"name": name})
            self.where["counties"].setdefault(name, row)
            if cls is not None:
                if c.get("peer_class", cls) != cls:
                    C.bad(row, "同类", _("{county} is in class {peer_class} on an earlier row: give each county one class")
                          .format(county=name, peer_class=repr(c["peer_class"])))
                c["peer_class"] = cls
            mean, sd = C.number(row, r, "总分预测"), C.number(row, r, "总分标准差")
            if mean is not None:
                an = C.text(row, r, "总分考核") or (next(iter(self.assessments)) if self.assessments else None)
                c.setdefault("totals", {})[an] = {"mean": mean, **({"sd": sd} if sd is not None else {})}
            elif sd is not None:
                C.bad(row, "总分预测", _("a total's sd needs its mean"))
            src = C.text(row, r, "来源")
            if src is not None:
                c["source"] = src
            notes = C.notes(row, r, "假设说明")
            if notes:
                c["assumed"] = notes

    # ---- 县市区数值
    def forecast_rows(self) -> None:
        V = self.sh["县市区数值"]
        for row, r in V.rows:
            f: dict = {"county": V.text(row, r, "县市区"), "indicator": V.text(row, r, "指标")}
            unit = self.units.get(f["indicator"], "")
            dist = V.word(row, r, "分布", DIST)
            bernoulli = dist == "bernoulli"
            for col, key in FORECAST_COLS.items():
                if key == "dist":
                    v = dist
                elif key in ("source", "note"):
                    v = V.text(row, r, col)
                elif key == "assumption":
                    v = V.flag(row, r, col)
                elif key == "mean" and bernoulli:
                    v = V.number(row, r, col, share=True)  # a probability
                else:
                    v = V.number(row, r, col, unit=unit)
                if v is not None:
                    f[key] = v
            f["_where"] = (V, row, "指标")
            self.forecasts.append(f)
            if "县市区" not in self.sh and f["county"] is not None:
                self.counties_by_name.setdefault(f["county"], {"name": f["county"], "peer_class": "同类"})
        seen: dict[tuple, tuple] = {}
        for f in self.forecasts:
            sheet, row, col = f.pop("_where")
            self.where["forecasts"].append((sheet.name, row))
            key = (f["county"], f["indicator"])
            if key in seen:
                s0, r0, _col = seen[key]
                sheet.bad(row, col, _("forecast for {county}/{indicator} given twice (first in {place}): keep one")
                          .format(county=key[0], indicator=key[1], place=place(s0.name, r0)))
            seen.setdefault(key, (sheet, row, col))

    # ---- 工作量, 部门预算
    def effort(self) -> None:
        if "工作量" in self.sh:
            E = self.sh["工作量"]
            for row, r in E.rows:
                name = E.text(row, r, "指标")
                e = {"indicator": name, "upto": E.number(row, r, "推进至", unit=self.units.get(name, "")),
                     "cost": E.number(row, r, "单位工作量")}
                fl = E.flag(row, r, "假设")
                if fl is not None:
                    e["assumption"] = fl
                note = E.text(row, r, "说明")
                if note is not None:
                    e["note"] = note
                self.effort_rows.append({k: v for k, v in e.items() if v is not None})
                self.where["effort"].append(("工作量", row))
        if "部门预算" in self.sh:
            D = self.sh["部门预算"]
            for row, r in D.rows:
                dept, b = D.text(row, r, "牵头单位"), D.number(row, r, "预算")
                if dept is not None and b is not None:
                    self.data.setdefault("effort", {}).setdefault("departments", {})[dept] = b

    # ---- 月度实绩, 县市区目标, 满意度调查: one row of the sheet, one row of its table
    def table_rows(self) -> None:
        """The rows of each sheet read row for row: 假设 a flag, 口径 a word; counts, years and months whole
        numbers; 基本任务, 满分, 目标 and 数值 in the row's indicator's unit, 基数 and the 目标 of a completion
        rate in the unit of its value (:meth:`value_unit`); the rest text."""
        whole = {"year", "month", "count"}
        for file, (name, cols) in SHEET_OF.items():
            if name not in self.sh:
                continue
            S = self.sh[name]
            for row, r in S.rows:
                ind = S.text(row, r, "指标")
                own, of_value = self.units.get(ind, ""), self.value_unit(ind)
                completion = _scored_of(self.indicator(ind)) == "completion"
                rec = {}
                for col, key in cols.items():
                    v = (S.number(row, r, col, int) if key in whole
                         else S.number(row, r, col, unit=own) if key in ("basic", "full", "value")
                         else S.number(row, r, col, unit=of_value if completion else own) if key == "target"
                         else S.number(row, r, col, unit=of_value) if key == "base"
                         else S.word(row, r, col, BASIS) if key == "basis" else S.flag(row, r, col) if key == "assumption"
                         else S.text(row, r, col))
                    if v is not None:
                        rec[key] = v
                self.rows[file].append(rec)
                self.where[TABLES[file][1]].append((name, row))

    def indicator(self, name: str | None) -> dict:
        """An indicator as read (the 高级 patches applied), or {} for an unknown name."""
        return next((i for a in self.assessments.values() for i in a["indicators"] if i.get("name") == name), {})

    def value_unit(self, name: str | None) -> str | None:
        """The unit of an indicator's value (its own 单位, or its source's when it takes the value of another),
        for reading percentages; None when its 单位 is that of a rate computed from the value (scored of
        completion or growth): the value's unit is then unknown and a percentage is refused."""
        ind = self.indicator(name)
        if _scored_of(ind) in ("completion", "growth"):
            return None
        src = ind.get("value_of")
        return self.units.get(src if isinstance(src, str) else name, "")

    def assemble(self) -> None:
        """Counties and assessments into the YAML dict (grades by rank unless a sheet says otherwise)."""
        self.data["counties"] = list(self.counties_by_name.values())
        self.data["assessments"] = list(self.assessments.values())
        for a in self.data["assessments"]:
            if not a["grades"].get("by"):
                a["grades"].setdefault("by", "rank")

    # ---- 高级: YAML patches
    def advanced(self) -> None:
        if "高级" not in self.sh:
            return
        H = self.sh["高级"]
        for row, r in H.rows:
            p, text = H.text(row, r, "路径"), H.text(row, r, "YAML")
            if p is None:
                H.bad(row, "路径", _("write the path the YAML goes to, e.g. assessments[main].vetoes or overrides"))
                continue
            try:
                val = parse_yaml(text)[0] if text is not None else None
            except TooManyValues as err:
                H.bad(row, "YAML", _("cannot be read: {error}").format(error=err))
                continue
            except (yaml.YAMLError, ValueError) as err:
                H.bad(row, "YAML", _("not valid YAML: {error}").format(error=getattr(err, "problem", None) or err))
                continue
            msg = _patch(self.data, p, val)
            if msg:
                H.bad(row, "路径", msg)


def _rule(I: Sheet, row: int, r, unit: str) -> dict:
    """The rule of one 指标 row: the threshold columns, or 目标 and 规则参数 for the other kinds.
    Targets, steps and zero_at are in the indicator's ``unit``; basic_share is a share; the rest points."""
    kind = I.word(row, r, "规则", RULE) or "threshold"
    rule: dict = {"kind": kind}
    if kind == "threshold":
        for col, key in (("基本任务", "basic"), ("满分", "full"), ("基本分比例", "basic_share")):
            v = I.number(row, r, col, share=key == "basic_share", unit=None if key == "basic_share" else unit)
            if v is not None:
                rule[key] = v
        below = I.word(row, r, "低于基本", BELOW)
        if below is not None:
            rule["below"] = {"mode": below}
        step, spts = I.number(row, r, "倒扣步长", unit=unit), I.number(row, r, "倒扣分")
        if step is not None or spts is not None:
            rule.setdefault("below", {})["steps"] = {k2: v for k2, v in (("per", step), ("points", spts)) if v is not None}
        for col, key in (("倒扣下限", "floor"), ("零分值", "zero_at")):
            v = I.number(row, r, col, unit=unit if key == "zero_at" else None)
            if v is not None:
                rule.setdefault("below", {})[key] = v
        ostep, opts, ocap = I.number(row, r, "超额步长", unit=unit), I.number(row, r, "超额加分"), I.number(row, r, "超额上限")
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
                I.bad(row, col, _("only for rule {threshold} (threshold), this row's rule is {rule}: clear the cell or "
                                  "put it in {params}").format(threshold=RULE["threshold"], rule=RULE.out.get(kind, kind),
                                                               params="规则参数"))
    t = I.number(row, r, "目标", unit=unit)
    if t is not None:
        rule["target"] = t
    extra = I.json_obj(row, r, "规则参数")
    if extra:
        rule = _deep_merge(rule, extra)
    return rule


def _scored_of(ind: dict) -> str | None:
    """What an indicator (a dict as read) scores: value, completion, growth or change."""
    m = ind.get("scored")
    return m.get("of", "value") if isinstance(m, dict) else "value"


def _scored(I: Sheet, row: int, r, unit: str) -> dict:
    """What the rule of one 指标 row scores: 计分对象, 取整位数, and 完成率分母 and 基数 in the unit of the
    value (the indicator's ``unit`` when it scores the value or its change; else a percentage is refused)."""
    of = I.word(row, r, "计分对象", SCORED_OF)
    unit = unit if of in (None, "value", "change") else None
    out = {"of": of, "target": I.number(row, r, "完成率分母", unit=unit), "base": I.number(row, r, "基数", unit=unit),
           "round": I.number(row, r, "取整位数", int)}
    return {k: v for k, v in out.items() if v is not None}


def _locate(p: Problem, workbook: str, where: dict) -> Problem:
    """Map a problem found in the generated scenario files back to the workbook's sheet, row and column."""
    letters = where["letters"]

    def cell(sheet: str, row: int, col: str | None) -> str:
        return place(sheet, row, letters.get(sheet, {}).get(col) if col else None)

    m = re.fullmatch(r"row (\d+)", p.where)
    if p.file in TABLES and m:
        rows = where[TABLES[p.file][1]]
        k = int(m.group(1)) - 2
        if 0 <= k < len(rows):
            sheet, row = rows[k]
            inv = ({v: c for c, v in FORECAST_COLS.items()} if p.file == FORECASTS_FILE else
                   {v: c for c, v in SHEET_OF[p.file][1].items()} if p.file in SHEET_OF else
                   {"indicator": "指标", "upto": "推进至", "cost": "单位工作量", "assumption": "假设", "note": "说明"})
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
        return _("cannot read path {path}").format(path=repr(path))
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
                return _("{key} is not a list here").format(key=key)
            hit = next((x for x in items if isinstance(x, dict) and (x.get("name") == sel or x.get("grade") == sel)), None)
            if hit is None:
                return _("no {key} named {name}: check the name").format(key=key, name=repr(sel))
            if last:
                return _("path {quoted} must end with a field, e.g. {path}.vetoes").format(quoted=repr(path), path=path)
            cur = hit
        if not isinstance(cur, dict):
            return _("{key} is not a mapping").format(key=key)
    return None


def import_workbook(path: str | Path, out_dir: str | Path | None = None):
    """Read and validate a workbook; write the scenario folder to ``out_dir`` when given. Returns the Scenario.

    Raises ScenarioError (sheet, row and column of each problem); a scenario problem found
    after reading (e.g. a home county with no forecast) names the scenario file's field."""
    data, tables, where = read_workbook(path)
    try:
        scn = build_scenario(data, tables[FORECASTS_FILE], tables[EFFORT_FILE], actuals_text=tables[ACTUALS_FILE],
                             targets_text=tables[TARGETS_FILE], surveys_text=tables[SURVEYS_FILE])
    except ScenarioError as err:
        raise ScenarioError([_locate(p, Path(path).name, where) for p in err.problems]) from None
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        (out / SCENARIO_FILE).write_text(
            f"# imported from {Path(path).name} by kaoping import-excel\n"
            + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
        (out / FORECASTS_FILE).write_text(tables[FORECASTS_FILE] or "county,indicator\n", encoding="utf-8")
        for file, text in tables.items():
            if file == FORECASTS_FILE:
                continue
            if text:
                (out / file).write_text(text, encoding="utf-8")
            else:
                (out / file).unlink(missing_ok=True)  # --force over a folder that had one
        scn = load_scenario(out)
    return scn

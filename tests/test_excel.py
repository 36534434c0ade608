"""Excel in and out: the template imports to a valid scenario, round trips lose no value, and a bad
cell is named by sheet, row and column (exit 2).

Template columns of sheet 指标 (A…): 考核 A, 名称 B, 单位 C, 方向 D, 分值 E, 板块 F, 类别 G, 规则 H,
基本任务 I, 满分 J, … 预测值 Y, 标准差 Z. Row 2 is 地区生产总值增速, row 3 外贸自营出口.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kaoping.cli import main
from kaoping.excel import (
    COLUMNS,
    export_scenario_workbook,
    import_workbook,
    template_scenario,
    write_template,
)
from kaoping.shipped import shipped_names
from models.scenario import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "scenarios" / "template.xlsx"


def key(f):
    return (f.county, f.indicator)


def same(a, b) -> None:
    """Every field and row equal: the scheme, forecasts, effort, actuals, own targets, survey counts."""
    assert a.spec == b.spec
    assert sorted(a.forecasts, key=key) == sorted(b.forecasts, key=key)
    assert a.effort_rows == b.effort_rows
    assert a.actuals == b.actuals
    assert a.target_rows == b.target_rows
    assert a.survey_rows == b.survey_rows


#: every scenario kaoping ships, and the tests' tiny one
EVERY = [f"scenarios/{n}" for n in shipped_names()] + ["tests/data/tiny"]


def test_every_shipped_scenario_is_round_tripped():
    assert {"scenarios/sanmen", "scenarios/district", "scenarios/suxian", "scenarios/monthly"} <= set(EVERY)


def test_template_imports_to_the_scenario_it_was_made_from(tmp_path):
    scn = import_workbook(TEMPLATE)
    same(scn, template_scenario())
    # hand-read from the template: the home county's forecast of 外贸自营出口 is 4.5 ± 0.3 亿美元, 2.4 done by June
    f = scn.forecast("示例县", "外贸自营出口")
    assert (f.mean, f.sd, f.actual) == (4.5, 0.3, 2.4)
    assert scn.county("乙县").totals["发展目标考核"].mean == 31
    assert scn.indicator("一般公共预算收入").rule.cap == 1.1
    assert scn.spec.overrides["出口目标下调"].set[0].value == 3.8
    # the shipped file is what the code generates, sheet for sheet and cell for cell
    write_template(tmp_path / "t.xlsx")
    same(import_workbook(tmp_path / "t.xlsx"), scn)
    shipped, made = load_workbook(TEMPLATE), load_workbook(tmp_path / "t.xlsx")
    assert shipped.sheetnames == made.sheetnames
    for name in made.sheetnames:
        assert list(shipped[name].values) == list(made[name].values), name


@pytest.mark.parametrize("folder", EVERY)
def test_round_trip_loses_no_value(folder, tmp_path):
    """scenario → workbook → scenario → workbook → scenario: every field and row equal."""
    if not (ROOT / folder / "scenario.yaml").exists():
        pytest.fail(f"{folder} is missing")
    scn = load_scenario(ROOT / folder)
    export_scenario_workbook(scn, tmp_path / "a.xlsx")
    back = import_workbook(tmp_path / "a.xlsx")
    same(back, scn)
    export_scenario_workbook(back, tmp_path / "b.xlsx")
    same(import_workbook(tmp_path / "b.xlsx"), scn)


def test_import_excel_command_writes_a_scenario_that_scores(tmp_path, capsys):
    out = tmp_path / "scn"
    assert main(["import-excel", str(TEMPLATE), "-o", str(out)]) == 0
    scn = load_scenario(out)
    same(scn, template_scenario())
    capsys.readouterr()
    # 示例县: GDP growth 6.6 → 6 + 0.6·4 = 8.4; exports 4.5 → 6 + 0.5·4 = 8; energy 0.78 (lower, basic 0.80,
    # full 0.70) → 6 + 0.2·4 = 6.8; revenue 19/20 → 0.95·10 = 9.5. Total 32.7.
    assert main(["score", str(out), "--json"]) == 0
    import json
    res = json.loads(capsys.readouterr().out)["assessments"]["发展目标考核"]
    home = {r["county"]: r for r in res["counties"]}["示例县"]
    assert home["total"] == pytest.approx(32.7, abs=1e-9)
    # an existing non-empty folder is refused
    assert main(["import-excel", str(TEMPLATE), "-o", str(out)]) == 2


def broken(tmp_path, edit) -> Path:
    p = tmp_path / "broken.xlsx"
    shutil.copy(TEMPLATE, p)
    wb = load_workbook(p)
    edit(wb)
    wb.save(p)
    return p


def problems_of(path) -> list[str]:
    """Each problem as 'FILE|WHERE [FIELD]: MESSAGE' (independent of Problem.__str__'s layout)."""
    with pytest.raises(ScenarioError) as exc:
        import_workbook(path)
    return [f"{p.file}|{p.where} [{p.field}]: {p.message}" for p in exc.value.problems]


def test_text_in_a_number_cell_names_the_cell(tmp_path, capsys, english):
    p = broken(tmp_path, lambda wb: wb["指标"].cell(row=3, column=5, value="十分"))
    assert problems_of(p) == ["broken.xlsx|sheet 指标 row 3 column E [分值]: expected a number, found text '十分': write a number"]
    assert main(["import-excel", str(p), "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "sheet 指标 row 3 column E" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_missing_sheet_and_missing_column(tmp_path, english):
    p = broken(tmp_path, lambda wb: wb.remove(wb["县市区数值"]))
    [msg] = problems_of(p)
    assert msg.startswith("broken.xlsx|sheet 县市区数值 []: required sheet is missing")

    def drop_points(wb):
        wb["指标"].delete_cols(5)  # 分值
    p = broken(tmp_path, drop_points)
    assert "broken.xlsx|sheet 指标 row 1 [分值]: required column is missing: add a column headed 分值" in problems_of(p)


def test_bad_words_and_rule_problems_point_at_cells(tmp_path):
    """In Chinese (the default): the cell's place and the message."""
    def edit(wb):
        ws = wb["指标"]
        ws.cell(row=2, column=4, value="向上")          # 方向 of 地区生产总值增速
        ws.cell(row=4, column=9, value=0.6)            # 单位GDP能耗 basic 0.6 below full 0.7 (lower is better): invalid
        wb["县市区数值"].cell(row=3, column=5, value="abc")  # 甲县 GDP sd
    probs = problems_of(broken(tmp_path, edit))
    assert probs[0] == ("broken.xlsx|工作表「指标」第 2 行 D 列 [方向]: 未知的词 '向上'：请使用 正向、逆向 之一")
    assert "broken.xlsx|工作表「县市区数值」第 3 行 E 列 [标准差]: 应为数字，实际为文字 'abc'：请填写数字" in probs

    def only_rule(wb):
        wb["指标"].cell(row=4, column=9, value=0.6)
    [msg] = problems_of(broken(tmp_path, only_rule))
    assert msg == "broken.xlsx|工作表「指标」第 4 行 I 列 [基本任务]: 逆向指标的基本任务（0.6）必须高于满分目标（0.7）"


def test_a_forecast_problem_found_by_the_loader_maps_back_to_its_row(tmp_path):
    def edit(wb):
        wb["县市区数值"].cell(row=4, column=7).value = None  # 甲县 外贸自营出口: triangular without 最可能 (column G)
    [msg] = problems_of(broken(tmp_path, edit))
    assert msg.startswith("broken.xlsx|工作表「县市区数值」第 4 行")
    assert "需要 low、likely 和 high" in msg


def test_results_workbook_has_chinese_headers_frozen_row_and_widths(tmp_path):
    out = tmp_path / "run"
    assert main(["score", str(ROOT / "tests" / "data" / "tiny"), "--out", str(out)]) == 0
    wb = load_workbook(out / "results.xlsx")
    assert wb.sheetnames == ["说明", "main 各县市区总分", "main 本县分项得分"]
    ws = wb["main 各县市区总分"]
    assert [c.value for c in ws[1]] == ["县市区", "总分 [分]", "排名", "等次", "本县", "与本县同组"]
    assert [c.value for c in ws[4]] == ["A", pytest.approx(6, abs=1e-9), 3, "三等", "是", "是"]  # True/False as 是/否
    assert ws.freeze_panes == "A2" and ws["A1"].font.b
    home = wb["main 本县分项得分"]
    # widths follow the content: 状态 holds '基本至满分之间' (7 wide characters = 14) → 16
    col = [c.value for c in home[1]].index("状态") + 1
    from openpyxl.utils import get_column_letter
    assert home.column_dimensions[get_column_letter(col)].width == 16
    assert set(COLUMNS) == set(["设置", "考核", "板块", "等次", "指标", "县市区", "县市区数值", "县市区目标", "满意度调查", "工作量",
                                "部门预算", "月度实绩", "高级"])


@pytest.mark.parametrize("name", shipped_names())
def test_export_excel_command_round_trips_every_shipped_scenario(name, tmp_path, capsys):
    """kaoping export-excel NAME → workbook → kaoping import-excel → the same scenario; a second
    export to the same file is refused and leaves it as it was."""
    book = tmp_path / f"{name}.xlsx"
    assert main(["export-excel", name, "-o", str(book)]) == 0
    before = book.read_bytes()
    assert main(["import-excel", str(book), "-o", str(tmp_path / "back")]) == 0
    same(load_scenario(tmp_path / "back"), load_scenario(ROOT / "scenarios" / name))
    capsys.readouterr()
    assert main(["export-excel", name, "-o", str(book)]) == 2
    assert "已存在" in capsys.readouterr().err  # exists
    assert book.read_bytes() == before


def test_results_workbook_formats_numbers_and_filters(tmp_path):
    """Points with two decimals, probabilities as percentages, numbers stored as numbers, an autofilter."""
    out = tmp_path / "run"
    assert main(["simulate", str(ROOT / "tests" / "data" / "tiny"), "--draws", "200", "--out", str(out)]) == 0
    wb = load_workbook(out / "results.xlsx")
    ws = next(wb[s] for s in wb.sheetnames if s.endswith("名次概率"))
    head = [c.value for c in ws[1]]
    p, se = head.index("概率") + 1, head.index("标准误") + 1
    assert ws.cell(2, p).number_format == "0.0%" and isinstance(ws.cell(2, p).value, (int, float))
    assert ws.cell(2, se).number_format == "0.00%"
    assert ws.auto_filter.ref == ws.dimensions
    summary = next(wb[s] for s in wb.sheetnames if s.endswith("得分与名次概况"))
    head = [c.value for c in summary[1]]
    assert summary.cell(2, head.index("平均分 [分]") + 1).number_format == "0.00"


# --------------------------------------------------------------------------- targets and surveys, Chinese words, titles


def handmade(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> Path:
    """A workbook written row by row as given (title rows, blank rows and total rows included)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
        for m in (merges or {}).get(name, ()):
            ws.merge_cells(m)
    wb.save(path)
    return path


def planners_sheets() -> dict[str, list[list]]:
    """A workbook as a planner types it: titles above the headers (one merged across columns), a blank
    row, total rows (合 计, 小计, 总计), Chinese words and their synonyms, English in any case."""
    return {
        "设置": [["2025年示例县考核测算表"], [], ["项目", "值"], ["名称", "hand"], ["年份", 2025],
               ["已过时间比例", "50%"], ["本县", "甲"]],
        "考核": [["考核办法"], ["（单位：分）"], ["名称", "总分", "排名方式", "同分处理", "等次依据"],
               ["考核", 30, "统一排名", "本县居后", "按分数"]],
        "等次": [["考核", "等次", "最低分"], ["考核", "优秀", 25], ["考核", "合格"]],
        "板块": [["考核", "名称"], ["考核", "b"]],
        "指标": [["附表1 指标及计分规则"],
               ["考核", "名称", "单位", "方向", "分值", "板块", "类别", "规则", "基本任务", "满分", "低于基本", "零分值",
                "计量", "计分对象", "基数", "规则参数", "目标"],
               ["考核", "出口", "亿美元", "正向指标", 10, "b", "发展性", "基本满分", 4, 5, "线性递减", 3, "存量"],
               ["考核", "能耗", "吨", "越小越好", 10, "b", "Binding", "threshold", 0.8, 0.7, "零分", None, "流量"],
               ["考核", "增长", "%", "正向", 5, "b", "其他", "分段线性", None, None, None, None, "比率", "比上年增长", 100,
                '{"table": [[0, 0], [10, 5]]}'],
               ["考核", "达标", "个", "正向", 5, "b", "重点工作", "达标", None, None, None, None, "计数", None, None, None, 1],
               ["合 计", None, None, None, 30]],
        "县市区": [["县市区", "同类"], ["甲", "一类"], ["乙", "一类"], ["丙", "一类"]],
        "县市区数值": [["各县市区预测"], ["县市区", "指标", "分布", "预测值", "标准差", "低", "最可能", "高"],
                  ["甲", "出口", "正态分布", 4.5, 0.3], ["乙", "出口", "三角", None, None, 4, 4.6, 5],
                  ["丙", "出口", "PERT", None, None, 4, 4.8, 5.2], ["小计", None, None, 13.9],
                  ["甲", "能耗", "固定", 0.75], ["乙", "能耗", "Normal", 0.78, 0.02], ["丙", "能耗", "fixed", 0.85],
                  ["甲", "增长", "固定", 110], ["乙", "增长", "确定值", 121], ["丙", "增长", "固定值", 105],
                  ["甲", "达标", "伯努利", 0.7], ["乙", "达标", "两点", "50%"], ["丙", "达标", "bernoulli", 0.9]],
        "县市区目标": [["各县市区基数（上年完成值）"], ["县市区", "指标", "基数", "假设", "说明"],
                  ["乙", "增长", 110, "是", "上年实绩"], ["总计", None, 110]],
    }


def test_a_planners_workbook_reads_chinese_words_titles_and_skips_totals(tmp_path):
    """Each word read as the value it names; the title rows, the blank row and the three total rows read as
    nothing. Hand-worked 增长 (growth over the base, 0 → 0 and 10 % → 5 points, linear between): 甲 base 100
    (the 指标 sheet's) 110 → 10 % → 5; 乙 base 110 (县市区目标) 121 → 10 % → 5; 丙 base 100, 105 → 5 % → 2.5."""
    from models.scorecard import central_values
    from models.scoring import compile_scenario, score_all

    scn = import_workbook(handmade(tmp_path / "p.xlsx", planners_sheets(), {"设置": ["A1:B1"], "指标": ["A1:F1"]}))
    assert scn.spec.scenario.elapsed == 0.5 and scn.home == "甲"
    a = scn.assessment()
    assert (a.ranking, a.tie_break, a.grades.by) == ("unified", "home_loses", "score")
    assert [i.name for i in a.indicators] == ["出口", "能耗", "增长", "达标"]
    got = {i.name: (i.direction, i.kind, i.rule.kind, i.measure, i.scored.of) for i in a.indicators}
    assert got == {"出口": ("higher", "developmental", "threshold", "stock", "value"),
                   "能耗": ("lower", "binding", "threshold", "flow", "value"),
                   "增长": ("higher", "other", "piecewise", "rate", "growth"),
                   "达标": ("higher", "key_work", "binary", "count", "value")}
    out = scn.indicator("出口").rule
    assert (out.basic, out.full, out.below.mode, out.below.zero_at) == (4, 5, "linear", 3)
    assert scn.indicator("能耗").rule.below.mode == "zero"
    assert scn.indicator("增长").scored.base == 100 and scn.indicator("达标").rule.target == 1
    dists = {(f.county, f.indicator): f.dist for f in scn.forecasts}
    assert len(scn.forecasts) == 12
    assert dists == {("甲", "出口"): "normal", ("乙", "出口"): "triangular", ("丙", "出口"): "pert",
                     ("甲", "能耗"): "fixed", ("乙", "能耗"): "normal", ("丙", "能耗"): "fixed",
                     ("甲", "增长"): "fixed", ("乙", "增长"): "fixed", ("丙", "增长"): "fixed",
                     ("甲", "达标"): "bernoulli", ("乙", "达标"): "bernoulli", ("丙", "达标"): "bernoulli"}
    assert [scn.forecast(c, "达标").mean for c in "甲乙丙"] == [0.7, 0.5, 0.9]
    [t] = scn.target_rows
    assert (t.county, t.indicator, t.base, t.basic, t.target, t.assumption, t.note) == ("乙", "增长", 110, None, None, True, "上年实绩")
    cs = compile_scenario(scn)
    res = score_all(central_values(scn, cs), cs)[0]
    growth = (res.points + res.over)[:, cs.indicators.index("增长")]
    assert growth.tolist() == pytest.approx([5.0, 5.0, 2.5], abs=1e-9)


def test_rows_are_the_spreadsheets_own_below_titles_and_totals(tmp_path, english):
    """A bad cell below a title row and a 小计 row is named by the row the planner sees (row 7 is 甲 能耗);
    a missing column is named at the header's row, not row 1; a title merged across columns is no problem."""
    sheets = planners_sheets()
    sheets["县市区数值"][6][3] = "零点七五"  # row 7: 甲 能耗 预测值 (column D)
    sheets["县市区目标"][1][0] = "县区"        # the header of 县市区目标 (row 2) lacks 县市区
    probs = problems_of(handmade(tmp_path / "p.xlsx", sheets, {"指标": ["A1:F1"]}))
    assert probs == ["p.xlsx|sheet 县市区目标 row 2 [县市区]: required column is missing: add a column headed 县市区",
                     "p.xlsx|sheet 县市区目标 row 2 column A [县区]: unknown column: use one of "
                     "县市区, 指标, 基本任务, 满分, 目标, 基数, 来源, 假设, 说明"]
    sheets["县市区目标"][1][0] = "县市区"
    assert problems_of(handmade(tmp_path / "q.xlsx", sheets, {"指标": ["A1:F1"]})) == [
        "q.xlsx|sheet 县市区数值 row 7 column D [预测值]: expected a number, found text '零点七五': write a number"]


def test_every_enumeration_is_one_table_read_both_ways():
    """Each table covers exactly the values the scenario format allows; the word written reads back to its
    value, as does the English value in any case; the words written are Chinese and distinct."""
    import typing

    from kaoping.excel import words as W
    from models import schema as S

    def values(model, field):
        t = model.model_fields[field].annotation
        return {a for x in typing.get_args(t) or (t,) for a in (typing.get_args(x) or ()) if isinstance(a, str)} or set(typing.get_args(t))

    rules = {typing.get_args(m.model_fields["kind"].annotation)[0] for m in typing.get_args(typing.get_args(S.Rule)[0])}
    tables = {W.DIRECTION: values(S.Indicator, "direction"), W.RANKING: values(S.Assessment, "ranking"),
              W.TIE: values(S.Assessment, "tie_break"), W.GRADE_BY: values(S.Grades, "by"),
              W.BELOW: values(S.BelowBasic, "mode"), W.KIND: values(S.Indicator, "kind"), W.RULE: rules,
              W.MEASURE: values(S.Indicator, "measure"), W.BASIS: values(S.ActualRow, "basis"),
              W.DIST: values(S.ForecastRow, "dist"), W.SCORED_OF: values(S.Scored, "of")}
    for table, allowed in tables.items():
        assert set(table.out) == allowed
        assert len(set(table.choices)) == len(table.choices) and not any(w.isascii() for w in table.choices)
        for en, word in table.out.items():
            assert (table.read(word), table.read(en), table.read(en.upper()), table.read(f" {word} ")) == (en, en, en, en)
        assert table.read("某某") is None
    assert (W.DIST.read("计划评审"), W.DIST.read("PERT"), W.DIST.read("两点分布"), W.DIST.read("正态")) == (
        "pert", "pert", "bernoulli", "normal")


@pytest.mark.parametrize("folder", EVERY)
def test_export_writes_the_chinese_word_of_every_enumeration(folder, tmp_path):
    """Every cell of a column that holds an enumeration holds one of its Chinese words."""
    from kaoping.excel.write import _choices

    export_scenario_workbook(load_scenario(ROOT / folder), tmp_path / "a.xlsx")
    wb = load_workbook(tmp_path / "a.xlsx")
    for sheet, cols in _choices().items():
        if sheet not in wb.sheetnames:
            continue
        rows = list(wb[sheet].values)
        for col, words in cols.items():
            cells = {r[rows[0].index(col)] for r in rows[1:]} - {None}
            assert cells <= set(words), (sheet, col, cells)


SURVEYED = """
scenario: {name: surveyed, year: 2024, elapsed: 0.5, home: 甲}
counties: [{name: 甲, peer_class: k}, {name: 乙, peer_class: k}]
assessments:
  - name: a
    blocks: [{name: b}]
    indicators:
      - {name: 满意度, block: b, points: 10, kind: survey,
         rule: {kind: survey, answers: {满意: 1.0, 基本满意: 0.75, 不满意: 0.55}, excluded: [不了解]}}
      - {name: 亩均税收, unit: 万元, block: b, points: 10, rule: {kind: threshold, basic: 7.56, full: 9.08}}
      - {name: 完成, unit: 万元, block: b, points: 10, scored: {of: completion, round: 0}, rule: {kind: ratio, target: 100, cap: 1.2}}
    grades: {by: rank, levels: [{grade: 一等, max_rank: 1}, {grade: 二等}]}
"""
SURVEYED_COUNTS = """county,indicator,answer,count,source,assumption,note
甲,满意度,满意,60,2023年测评,,
甲,满意度,基本满意,30,2023年测评,,
甲,满意度,不了解,10,,true,估计
乙,满意度,满意,50,,,
"""
SURVEYED_TARGETS = """county,indicator,basic,full,target,base,source,assumption,note
甲,亩均税收,7.0,8.0,,,下达文件,,
乙,完成,,,120,,,true,按上年
甲,完成,,,90,,,,
"""
SURVEYED_VALUES = "county,indicator,dist,mean\n甲,亩均税收,fixed,7.5\n乙,亩均税收,fixed,8.9\n甲,完成,fixed,99\n乙,完成,fixed,130\n"


def surveyed():
    """A scenario with a survey from answer counts (one unnamed channel) and every column of targets.csv."""
    import yaml

    from models.scenario import build_scenario

    return build_scenario(yaml.safe_load(SURVEYED), SURVEYED_VALUES, None, targets_text=SURVEYED_TARGETS,
                          surveys_text=SURVEYED_COUNTS)


def test_surveys_and_own_targets_round_trip(tmp_path):
    scn = surveyed()
    export_scenario_workbook(scn, tmp_path / "a.xlsx")
    wb = load_workbook(tmp_path / "a.xlsx")
    assert list(wb["满意度调查"].values)[3] == ("甲", "满意度", None, "不了解", 10, None, "是", "估计")
    assert list(wb["县市区目标"].values)[1] == ("甲", "亩均税收", 7, 8, None, None, "下达文件", None, None)
    head, *rows = wb["指标"].values
    assert rows[2][head.index("计分对象"):] == ("完成率", None, None, 0)  # 完成: 计分对象, 完成率分母, 基数, 取整位数
    back = import_workbook(tmp_path / "a.xlsx")
    same(back, scn)
    export_scenario_workbook(back, tmp_path / "b.xlsx")
    same(import_workbook(tmp_path / "b.xlsx"), scn)
    assert main(["import-excel", str(tmp_path / "a.xlsx"), "-o", str(tmp_path / "back")]) == 0
    assert {p.name for p in (tmp_path / "back").iterdir()} == {"scenario.yaml", "forecasts.csv", "targets.csv", "surveys.csv"}
    same(load_scenario(tmp_path / "back"), scn)


def test_a_bad_target_or_count_is_named_by_its_cell(tmp_path, english):
    """The loader's problems in targets.csv and surveys.csv map back to the sheets' rows and columns."""
    export_scenario_workbook(surveyed(), tmp_path / "a.xlsx")

    def edit(wb):
        wb["县市区目标"]["A3"] = "丙"     # 乙 完成 → an unknown county
        wb["县市区目标"]["C2"] = 9        # 甲 亩均税收 basic 9 above its full 8
        wb["满意度调查"]["E2"] = -1       # 甲 满意 count
        wb["满意度调查"]["D5"] = "很满意"  # 乙's answer
    p = tmp_path / "a.xlsx"
    wb = load_workbook(p)
    edit(wb)
    wb.save(p)
    assert problems_of(p) == [
        "a.xlsx|sheet 指标 row 4 column B [名称]: 完成 needs each county's own target (scored of completion): add target "
        "to targets.csv for 乙, or a default under scored",  # 乙's row now says 丙
        "a.xlsx|sheet 县市区目标 row 2 column C [基本任务]: 甲's basic (9.0) must be below its full (8.0) for a "
        "higher-is-better indicator",
        "a.xlsx|sheet 县市区目标 row 3 column A [县市区]: unknown county '丙': use one of 甲, 乙",
        "a.xlsx|sheet 满意度调查 row 2 column E [人数]: must be at least 0, found -1",
        "a.xlsx|sheet 满意度调查 row 5 column D [选项]: unknown answer '很满意' of 满意度: did you mean '满意'?"]

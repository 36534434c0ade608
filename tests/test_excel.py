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
from models.scenario import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "scenarios" / "template.xlsx"


def key(f):
    return (f.county, f.indicator)


def same(a, b) -> None:
    assert a.spec == b.spec
    assert sorted(a.forecasts, key=key) == sorted(b.forecasts, key=key)
    assert a.effort_rows == b.effort_rows


def test_template_imports_to_the_scenario_it_was_made_from(tmp_path):
    scn = import_workbook(TEMPLATE)
    same(scn, template_scenario())
    # hand-read from the template: the home county's forecast of 外贸自营出口 is 4.5 ± 0.3 亿美元, 2.4 done by June
    f = scn.forecast("示例县", "外贸自营出口")
    assert (f.mean, f.sd, f.actual) == (4.5, 0.3, 2.4)
    assert scn.county("乙县").totals["发展目标考核"].mean == 31
    assert scn.indicator("一般公共预算收入").rule.cap == 1.1
    assert scn.spec.overrides["出口目标下调"].set[0].value == 3.8
    # the shipped file is what the code generates
    write_template(tmp_path / "t.xlsx")
    same(import_workbook(tmp_path / "t.xlsx"), scn)


@pytest.mark.parametrize("folder", ["tests/data/tiny", "scenarios/district", "scenarios/sanmen"])
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
    home = {r["县市区"]: r for r in res["counties"]}["示例县"]
    assert home["总分 [分]"] == pytest.approx(32.7, abs=1e-9)
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


def test_text_in_a_number_cell_names_the_cell(tmp_path, capsys):
    p = broken(tmp_path, lambda wb: wb["指标"].cell(row=3, column=5, value="十分"))
    assert problems_of(p) == ["broken.xlsx|sheet 指标 row 3 column E [分值]: expected a number, found text '十分': write a number"]
    assert main(["import-excel", str(p), "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "sheet 指标 row 3 column E" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_missing_sheet_and_missing_column(tmp_path):
    p = broken(tmp_path, lambda wb: wb.remove(wb["县市区数值"]))
    [msg] = problems_of(p)
    assert msg.startswith("broken.xlsx|sheet 县市区数值 []: required sheet is missing")

    def drop_points(wb):
        wb["指标"].delete_cols(5)  # 分值
    p = broken(tmp_path, drop_points)
    assert "broken.xlsx|sheet 指标 row 1 [分值]: required column is missing: add a column headed 分值" in problems_of(p)


def test_bad_words_and_rule_problems_point_at_cells(tmp_path):
    def edit(wb):
        ws = wb["指标"]
        ws.cell(row=2, column=4, value="向上")          # 方向 of 地区生产总值增速
        ws.cell(row=4, column=9, value=0.6)            # 单位GDP能耗 basic 0.6 below full 0.7 (lower is better): invalid
        wb["县市区数值"].cell(row=3, column=5, value="abc")  # 甲县 GDP sd
    probs = problems_of(broken(tmp_path, edit))
    assert probs[0].startswith("broken.xlsx|sheet 指标 row 2 column D [方向]: unknown word '向上'")
    assert "broken.xlsx|sheet 县市区数值 row 3 column E [标准差]: expected a number, found text 'abc': write a number" in probs

    def only_rule(wb):
        wb["指标"].cell(row=4, column=9, value=0.6)
    [msg] = problems_of(broken(tmp_path, only_rule))
    assert msg == "broken.xlsx|sheet 指标 row 4 column I [基本任务]: basic (0.6) must be above full (0.7) for a lower-is-better indicator"


def test_a_forecast_problem_found_by_the_loader_maps_back_to_its_row(tmp_path):
    def edit(wb):
        wb["县市区数值"].cell(row=4, column=7).value = None  # 甲县 外贸自营出口: triangular without 最可能 (column G)
    [msg] = problems_of(broken(tmp_path, edit))
    assert msg.startswith("broken.xlsx|sheet 县市区数值 row 4")
    assert "needs low, likely and high" in msg


def test_results_workbook_has_chinese_headers_frozen_row_and_widths(tmp_path):
    out = tmp_path / "run"
    assert main(["score", str(ROOT / "tests" / "data" / "tiny"), "--out", str(out)]) == 0
    wb = load_workbook(out / "results.xlsx")
    assert wb.sheetnames == ["说明", "main 各县市区总分", "main 本县分项得分"]
    ws = wb["main 各县市区总分"]
    assert [c.value for c in ws[1]] == ["县市区", "总分 [分]", "排名", "等次", "本县", "与本县同组"]
    assert [c.value for c in ws[4]] == ["A", pytest.approx(6, abs=1e-9), 3, "三等", True, True]
    assert ws.freeze_panes == "A2" and ws["A1"].font.b
    home = wb["main 本县分项得分"]
    # widths follow the content: 状态 holds '基本至满分之间' (7 wide characters = 14) → 16
    col = [c.value for c in home[1]].index("状态") + 1
    from openpyxl.utils import get_column_letter
    assert home.column_dimensions[get_column_letter(col)].width == 16
    assert set(COLUMNS) == set(["设置", "考核", "板块", "等次", "指标", "县市区", "县市区数值", "工作量", "部门预算", "月度实绩", "高级"])


@pytest.mark.parametrize("name", ["sanmen", "district"])
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
    assert "exists" in capsys.readouterr().err
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

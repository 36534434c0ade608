"""The application's outputs speak the language in use: report.html, results.xlsx, the figures, the
workbook import's messages and the run folder's messages, in Chinese by default and in English on
request (the ``english`` fixture); the planner's workbook is read the same in either language.

The run below is the tiny scenario (tests/data/tiny, see tests/test_i18n_models.py for its numbers
worked by hand): home county A, counties C 70, B 19, A 6 points (ranks 1–3); A's two indicators have
no points last year, so 去年得分 [分] is missing (NaN) on both rows; 本县 is True for A only.
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kaoping.excel import export_scenario_workbook, import_workbook, template_scenario
from kaoping.excel.style import column_format
from kaoping.manifest import read_manifest
from kaoping.plots import home_rank_probabilities
from kaoping.report import scorecard_figure
from kaoping.runs import RunFolder
from models.i18n import language, set_language
from models.projection import simulate
from models.scenario import ScenarioError, load_scenario
from models.scorecard import scorecard
from optimizer.errors import BadInput

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny"
#: ASCII words an output may hold besides the scenario's own names: allowed terms, the product, the command
ALLOWED = {"HiGHS", "CBC", "SAA", "MILP", "JSON", "Excel", "CSV", "YAML", "UTC", "kaoping", "score"}


def write_run(out: Path, titles: tuple[str, str, str]) -> Path:
    """A run folder of the tiny scenario: the scorecard's two tables and its figure (titles as given)."""
    scn = load_scenario(TINY)
    card = scorecard(scn)
    args = argparse.Namespace(out=str(out), save=False, _argv=["score", "tiny"])
    with RunFolder.open(args, scn, command="score") as run:
        run.figure("home", lambda: scorecard_figure(card["main/home"]), title=titles[0])
        run.table("counties", card["main/counties"], title=titles[1])
        run.table("home", card["main/home"], title=titles[2])
    return out


def scenario_names() -> set[str]:
    scn = load_scenario(TINY)
    a = scn.spec.assessments[0]
    return ({scn.name, a.name} | {c.name for c in scn.spec.counties} | {i.name for i in a.indicators}
            | {b.name for b in a.blocks})


def stray_ascii(texts) -> list[str]:
    """ASCII words of three or more letters that are neither allowed terms nor the scenario's names."""
    allowed = ALLOWED | scenario_names()
    return [w for t in texts for w in re.findall(r"[A-Za-z]{3,}", str(t)) if w not in allowed]


def page(run: Path) -> dict[str, list[str]]:
    html = (run / "report.html").read_text(encoding="utf-8")
    return {"lang": re.findall(r'<html lang="([^"]+)"', html),
            "headings": re.findall(r"<h[12]>(.*?)</h[12]>", html),
            "about": re.findall(r'<tr><th class="t">([^<]*)</th><td>', html),
            "headers": re.findall(r"<th[^>]*>([^<]*)</th>", html),
            "cells": re.findall(r"<td[^>]*>([^<]*)</td>", html),
            "footer": re.findall(r"<footer>(.*?)</footer>", html)}


def test_report_is_chinese_by_default(tmp_path):
    assert language() == "zh"
    p = page(write_run(tmp_path / "run", ("本县分项得分图", "各县市区总分", "本县分项得分")))
    assert p["lang"] == ["zh-CN"]
    assert p["about"] == ["情景", "本县", "年份", "命令", "开始时间 (UTC)", "随机种子", "模拟次数"]
    assert p["headings"] == ["tiny · kaoping score", "本县分项得分图", "各县市区总分", "本县分项得分"]
    assert p["footer"] == ["由 kaoping（考评）生成；本页自包含，无需联网。"]
    # the counties' table: C, B, A; 本县 False, False, True; 与本县同组 True for all
    assert p["cells"][p["cells"].index("C"):][:6] == ["C", "70", "1", "一等", "否", "是"]
    assert "True" not in p["cells"] and "False" not in p["cells"] and "nan" not in p["cells"]
    assert p["cells"].count("—") == 2 * 2 + 2  # last year's points and losses of both rows, 牵头单位 (none given)
    assert not stray_ascii(p["headings"] + p["headers"] + p["footer"])


def test_report_in_english(tmp_path, english):
    p = page(write_run(tmp_path / "run", ("Home points chart", "Counties' totals", "Home points")))
    assert p["lang"] == ["en"]
    assert p["about"] == ["Scenario", "Home county", "Year", "Command", "Started (UTC)", "Seed", "Draws"]
    assert p["footer"] == ["Made by kaoping; this page is self-contained and needs no network."]
    assert p["cells"][p["cells"].index("C"):][:6] == ["C", "70", "1", "一等", "No", "Yes"]  # grade names stay the scenario's
    cjk = re.compile(r"[\u3400-\u9fff]")
    assert not [t for t in p["headers"] + p["about"] + p["footer"] if cjk.search(t) and t not in {"亿美元", "吨标准煤"}]


def sheets(run: Path) -> dict[str, list[list]]:
    wb = load_workbook(run / "results.xlsx")
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb}


def test_results_workbook_is_chinese_by_default(tmp_path):
    book = sheets(write_run(tmp_path / "run", ("图", "各县市区总分", "本县分项得分")))
    assert list(book) == ["说明", "各县市区总分", "本县分项得分"]
    about = book["说明"]
    assert about[0] == ["项目", "值"] and [r[0] for r in about[1:]] == [
        "情景", "本县", "年份", "命令", "开始时间 (UTC)", "随机种子", "模拟次数"]
    counties = book["各县市区总分"]
    assert counties[0] == ["县市区", "总分 [分]", "排名", "等次", "本县", "与本县同组"]
    assert counties[3] == ["A", pytest.approx(6, abs=1e-9), 3, "三等", "是", "是"]
    assert counties[1][4:] == ["否", "是"]
    home = book["本县分项得分"]
    j = home[0].index("去年得分 [分]")
    assert [r[j] for r in home[1:]] == ["—", "—"]
    assert home[1][home[0].index("得分 [分]")] == pytest.approx(8.0, abs=1e-9)  # numbers stay numbers
    assert not stray_ascii([*book, *about[0], *counties[0], *home[0]])


def test_results_workbook_in_english(tmp_path, english):
    run = write_run(tmp_path / "run", ("Chart", "Counties", "Home"))
    book = sheets(run)
    assert list(book) == ["About", "Counties", "Home"]
    assert book["About"][0] == ["Item", "Value"] and book["About"][1][0] == "Scenario"
    assert book["Counties"][0] == ["County", "Total [points]", "Rank", "Grade", "Home", "Ranked with home"]
    assert book["Counties"][3][4:] == ["Yes", "Yes"] and book["Counties"][1][4:] == ["No", "Yes"]
    ws = load_workbook(run / "results.xlsx")["Home"]
    head = [c.value for c in ws[1]]
    assert ws.cell(2, head.index("Points [points]") + 1).number_format == "0.00"


def test_number_formats_follow_the_headers_in_either_language(english):
    assert [column_format(h) for h in ("Probability", "Std. error", "At least: std. error", "P(rank 1)",
                                       "Mean score [points]", "Rank")] == ["0.0%", "0.00%", "0.00%", "0.0%", "0.00", None]


def test_figures_are_labelled_in_the_language_in_use(english):
    scn = load_scenario(TINY)
    proj = simulate(scn, draws=500, seed=1)
    ax = home_rank_probabilities(proj).axes[0]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("main: rank probabilities of A (500 draws)", "Rank", "Probability")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Rank 1", "Rank 2", "Rank 3"]
    ax = scorecard_figure(scorecard(scn)["main/home"]).axes[0]
    assert ax.get_title() == "Home county's points per indicator"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Points at stake", "Points earned", "Points lost"]


def test_figures_are_chinese_by_default():
    proj = simulate(load_scenario(TINY), draws=500, seed=1)
    ax = home_rank_probabilities(proj).axes[0]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("main：A排名概率（500 次模拟）", "排名", "概率")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["第1名", "第2名", "第3名"]


def broken_book(tmp_path) -> Path:
    """The template's workbook with text in a number cell (指标 row 3 column E, 分值 of 外贸自营出口)."""
    p = tmp_path / "b.xlsx"
    export_scenario_workbook(template_scenario(), p)
    wb = load_workbook(p)
    wb["指标"].cell(row=3, column=5, value="十分")
    wb.save(p)
    return p


def test_import_messages_are_chinese_by_default(tmp_path):
    with pytest.raises(ScenarioError) as err:
        import_workbook(broken_book(tmp_path))
    assert [str(p) for p in err.value.problems] == [
        "b.xlsx 工作表「指标」第 3 行 E 列 [分值]：应为数字，实际为文字 '十分'：请填写数字"]


def test_import_messages_in_english(tmp_path, english):
    with pytest.raises(ScenarioError) as err:
        import_workbook(broken_book(tmp_path))
    assert [str(p) for p in err.value.problems] == [
        "b.xlsx sheet 指标 row 3 column E [分值]: expected a number, found text '十分': write a number"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_workbook_is_the_same_format_in_either_language(lang, tmp_path):
    """Exported in English, the workbook is the Chinese one; Chinese words, their synonyms and the format's
    English words (any case) are read whatever the language (the conftest restores the language)."""
    zh = tmp_path / "zh.xlsx"
    export_scenario_workbook(template_scenario(), zh)  # Chinese, the default
    set_language(lang)
    p = tmp_path / "t.xlsx"
    export_scenario_workbook(template_scenario(), p)
    assert load_workbook(p).sheetnames == load_workbook(zh).sheetnames
    assert [c.value for c in load_workbook(p)["指标"][1]] == [c.value for c in load_workbook(zh)["指标"][1]]
    wb = load_workbook(p)
    ws = wb["指标"]
    head = [c.value for c in ws[1]]
    ws.cell(2, head.index("方向") + 1, "越大越好")  # a synonym of 正向
    ws.cell(3, head.index("方向") + 1, "Higher")     # the format's word, any case
    vals = wb["县市区数值"]
    vhead = [c.value for c in vals[1]]
    vals.cell(2, vhead.index("分布") + 1, "Normal")
    wb.save(p)
    scn = import_workbook(p)
    want = template_scenario()
    assert scn.spec == want.spec and sorted(map(str, scn.forecasts)) == sorted(map(str, want.forecasts))


def test_run_folder_messages(tmp_path, english):
    with pytest.raises(BadInput) as err:
        read_manifest(tmp_path / "nothing")
    assert str(err.value) == (f"{tmp_path / 'nothing'} is not a run folder: no such folder; give a folder written "
                              "with --out or --save")


def test_run_folder_messages_are_chinese_by_default(tmp_path):
    with pytest.raises(BadInput) as err:
        read_manifest(tmp_path / "nothing")
    assert str(err.value) == f"{tmp_path / 'nothing'} 不是运行文件夹：没有这个文件夹；请给出用 --out 或 --save 写出的文件夹"
    out = tmp_path / "run"
    out.mkdir()
    with pytest.raises(BadInput) as err:
        with RunFolder.open(argparse.Namespace(out=str(out), save=False, _argv=["score"]), load_scenario(TINY),
                            command="score"):
            pass
    assert str(err.value) == f"运行文件夹 {out} 已存在：一次运行从不覆盖另一次；请另选 --out"

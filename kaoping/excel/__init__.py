"""Excel in and out: a planner's workbook → a scenario folder, a scenario → a workbook, run results → results.xlsx.

The scenario workbook (``scenarios/template.xlsx``, made by :func:`write_template`; ``kaoping
export-excel`` writes any scenario so) has these sheets, each a header row, then one row per item.
Column names are Chinese; a cell holding one of the format's enumerations is written in Chinese and
read in Chinese (synonyms included: 正态分布, 越小越好 …) or the format's English word (one
:class:`~.words.Words` table per enumeration). Title rows above the header are passed over (the
header is the first row holding the sheet's required columns) and so are rows whose first text cell
is 合计, 小计 or 总计; every message names the spreadsheet's own row.

``设置`` (项目, 值)
    名称 (ascii, used for run folders), 标题, 年份, 已过时间比例 [0–1], 本县, 来源 (one per
    line), 工作量单位, 总预算, 细分档数, 模拟次数, 随机种子, 分块, 共同冲击, 县内冲击.
``考核``  名称, 总分, 排名方式 (同类内/全市统一), 同分处理 (并列/本县居后), 等次依据 (分数/名次/比例), 来源
``板块``  考核, 名称, 权重, 上限, 下限, 计入池
``等次``  考核, 等次, 最低分, 最高名次, 比例 — best grade first
``指标``  考核, 名称, 单位, 方向 (正向/逆向), 分值, 板块, 类别, 规则 (基本满分 [default], 达标, 完成比例, 基准加减, 分档,
    功效系数, 与最优比, 按名次, 与平均比, 两个高于, 满意度, 按次, 分段线性), 基本任务, 满分,
    基本分比例, 低于基本 (0分/倒扣/线性), 倒扣步长, 倒扣分, 倒扣下限, 零分值, 超额步长, 超额加分,
    超额上限, 超额计入板块, 目标, 规则参数 (JSON: any other rule field), 牵头单位, 责任领导,
    预测值, 标准差 (the home county's forecast), 来源, 假设说明 ("字段: 说明" per line), 计量 (流量/存量/比率/计数),
    计分对象 (完成值/完成率/增长率/增减量), 完成率分母, 基数, 取整位数 (what the rule scores)
``县市区``  县市区, 同类, 总分预测, 总分标准差, 总分考核, 来源, 假设说明
``县市区数值``  县市区, 指标, 分布 (正态/三角/计划评审/固定/伯努利), 预测值, 标准差, 低, 最可能, 高, 最小, 最大, 实际完成,
    来源, 假设, 说明 (forecasts.csv)
``县市区目标``  县市区, 指标, 基本任务, 满分, 目标, 基数, 来源, 假设, 说明 (targets.csv: a county's own targets and base)
``满意度调查``  县市区, 指标, 渠道, 选项, 人数, 来源, 假设, 说明 (surveys.csv: answer counts)
``工作量``  指标, 推进至, 单位工作量, 假设, 说明 (effort.csv)
``部门预算``  牵头单位, 预算
``月度实绩``  县市区, 指标, 年份, 月份, 数值, 口径 (累计/当月), 来源, 假设, 说明 (actuals.csv)
``高级``  路径, YAML — anything else (vetoes, pools, promotion, value_of, overrides, constraints, history …) as
    YAML under a path such as ``assessments[main].vetoes`` or ``overrides``.

The workbook is a format, as scenario.yaml is: its sheet names, column names and words are Chinese
whatever the language in use (``kaoping --lang en export-excel`` writes the same workbook, and
import-excel reads the same words in either language); its messages are in the language in use and
name each cell as the language says it (工作表「指标」第 3 行 E 列 / sheet 指标 row 3 column E).

Only 设置, 指标 and 县市区数值 are required. A bad cell is reported with its sheet, row and
column (models.problems.Problem; exit 2), a problem the scenario's loader finds in a table with the
sheet's cell the row came from.

The pieces: :mod:`.words` (sheets, columns and the Chinese words), :mod:`.sheet` (typed cells
with located problems), :mod:`.read` (workbook → scenario), :mod:`.write` (scenario → workbook,
the template), :mod:`.style` (results.xlsx and the look of every sheet).
"""
from .read import import_workbook, read_workbook
from .style import style_sheet, write_results_workbook
from .words import COLUMNS, SHEETS
from .write import (
           export_scenario_workbook,
           scenario_workbook_rows,
           template_scenario,
           write_template,
)

__all__ = ["COLUMNS", "SHEETS", "export_scenario_workbook", "import_workbook", "read_workbook", "scenario_workbook_rows",
           "style_sheet", "template_scenario", "write_results_workbook", "write_template"]

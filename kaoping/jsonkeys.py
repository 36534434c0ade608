"""The stable ASCII keys of ``--json`` (and results.json): one registry, table label → key.

A table shown to people has its headers (and some word keys: statuses, warning colours, baseline
names) in the language in use; the same table in JSON has the keys of :data:`KEYS`, the same in
every language. A label is looked up as the translation, in the language in use, of its msgid
(by any layer's catalogue: the labels are written in models, optimizer and kaoping); a templated
label (``P(名次≤{rank})``) matches by pattern and gives its key with the same values
(``p_rank_le_{rank}``). ``docs/results.schema.json`` documents the keys; ``tests/test_json.py``
checks every command's output against it, in Chinese and in English."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from models.i18n import MISSING, language
from models.i18n import translate as _models
from optimizer.i18n import _ as _optimizer

from .i18n import _ as _kaoping

if TYPE_CHECKING:
    import pandas as pd

# label msgid -> key. Templates: {rank} (a number) stays in the key; {unit} and {grade} (a name from the
# scenario) are left out of it (the JSON names them beside the table).
KEYS = {
    # who and where
    "县市区": "county", "本县": "home", "与本县同组": "same_class", "对手": "rival", "考核": "assessment",
    "板块": "block", "指标": "indicator", "单位": "unit", "牵头单位": "department", "责任领导": "leader",
    "方向": "direction", "年份": "year", "月份": "month", "类型": "measure", "指标数": "indicators",
    # scores, ranks, grades
    "总分 [分]": "total", "排名": "rank", "等次": "grade", "等次序号": "grade_index", "名次变化": "rank_change",
    "得分 [分]": "points", "分值 [分]": "max_points", "分值合计 [分]": "max_points_total", "计分值": "scored_value",
    "状态": "status", "失分 [分]": "points_lost", "超额加分 [分]": "bonus", "基本任务": "basic", "满分": "full",
    "下一断点": "next_breakpoint", "距下一断点": "to_next_breakpoint", "去年得分 [分]": "last_year_points",
    "去年失分 [分]": "last_year_lost", "连续失分年数": "lost_streak_years",
    # statuses (status_counts' keys)
    "未达基本": "below_basic", "仅基本分": "basic_only", "基本至满分之间": "between_basic_and_full", "失分": "lost",
    # the Monte Carlo
    "平均分 [分]": "mean_score", "中位分 [分]": "median_score", "5%分位分 [分]": "score_p05", "95%分位分 [分]": "score_p95",
    "平均排名": "mean_rank", "中位排名": "median_rank", "5%分位排名": "rank_p05", "95%分位排名": "rank_p95",
    "概率": "probability", "标准误": "se", "胜出概率": "p_beat", "不低于该等次概率": "p_grade_or_better",
    "不低于标准误": "p_grade_or_better_se",
    # warnings and the two lists
    "红": "red", "黄": "yellow", "绿": "green", "预警": "warning", "说明": "note", "期望总分 [分]": "expected_total",
    "第1名概率": "p_rank_1", "实绩": "actual", "时间进度": "time_share", "完成进度": "done_share",
    "进度": "progress", "年终预测": "year_end_forecast", "预测来源": "forecast_source", "80%区间下限": "interval80_low",
    "80%区间上限": "interval80_high", "达基本概率": "p_basic", "超基本分概率": "p_above_basic", "达满分概率": "p_full",
    "期望得分 [分]": "expected_points", "期望失分 [分]": "expected_lost", "达基本所需推进": "push_for_basic",
    "达基本工作量 [{unit}]": "effort_for_basic", "达满分所需推进": "push_for_full", "达满分工作量 [{unit}]": "effort_for_full",
    "期望失分合计 [分]": "expected_lost_total", "红色预警指标": "red_indicators", "黄色预警指标": "yellow_indicators",
    "年年扣分指标": "lost_every_year_indicators", "达基本工作量合计 [{unit}]": "effort_for_basic_total",
    "推进难达基本指标": "hard_to_basic_indicators", "部门预算 [{unit}]": "department_budget",
    # monthly actuals projected to the year end
    "往年数": "past_years", "季节进度": "seasonal_share", "推算年终值": "projected_year_end", "标准差": "sd",
    "采用": "used", "手工预测值": "manual_forecast", "假设": "assumed", "方法": "method",
    # plans
    "预测值": "forecast", "目标值": "target_value", "推进量": "push", "档位": "level", "档位类型": "level_kind",
    "工作量": "effort", "工作量 [{unit}]": "effort", "预期得分增加 [分]": "expected_gain", "理由": "reason",
    "讲话规则": "speech_rule", "按分/工作量贪心": "greedy_points_per_effort", "平均分配": "even_split",
    "启发式(贪心+局部搜索)": "heuristic",
    # the frontier
    "预算": "budget", "用去工作量": "effort_used", "求解状态": "status", "目标值(样本内)": "objective_in_sample",
    "界": "bound", "P(名次≤{rank})": "p_rank_le_{rank}", "P(等次≥{grade})": "p_grade", "期望名次": "expected_rank",
    "边际价值 [概率/单位工作量]": "marginal_value",
    # compare (the result cells: "<assessment> | <label>")
    "计划": "plan", "联合": "joint", "P(排名≤{rank})": "p_rank_le_{rank}", "P({grade})": "p_grade_{grade}",
    "样本内目标值": "objective_in_sample", "P({assessments} 均为最高等次)": "p_best_grade_in_all",
    # the aids
    "调整": "adjustment",
    "P({goal})增加({how})": "dp_{goal}_{how}", "P({goal})增加({how})标准误": "dp_{goal}_{how}_se",
    "期望总分增加({how}) [分]": "d_expected_total_{how}", "期望总分增加({how})标准误": "d_expected_total_{how}_se",
    "P({goal})贡献": "{goal}_contribution", "P({goal})贡献标准误": "{goal}_contribution_se",
    "P({goal})贡献置换抽样标准误": "{goal}_contribution_perm_se",
    "期望总分贡献 [分]": "score_contribution", "期望总分贡献 [分]标准误": "score_contribution_se",
    "期望总分贡献 [分]置换抽样标准误": "score_contribution_perm_se",
    "推进指标数": "pushed_indicators", "较满分失分 [分]": "points_lost_vs_full", "现状期望得分 [分]": "status_quo_points",
    "方案期望得分 [分]": "plan_points",
    "P(本县排名在前)": "p_ahead", "P(本县该项得分更高)": "p_item_ahead", "P(该项得分相同)": "p_item_tied",
    "分差5%分位 [分]": "margin_p05", "分差95%分位 [分]": "margin_p95", "分差中位 [分]": "margin_median",
    "分差平均 [分]": "margin_mean", "判断": "verdict", "已知方式": "known_by", "对手平均分 [分]": "rival_mean",
    "对手期望得分 [分]": "rival_expected_points", "对手标准差 [分]": "rival_sd", "本县平均分 [分]": "home_mean",
    "本县期望得分 [分]": "home_expected_points", "本县标准差 [分]": "home_sd", "差 [分]": "difference",
    "上限处概率": "p_at_limit", "不推进该项概率": "p_without_push", "可达上限推进量": "push_limit",
    "少推一点的概率": "p_slightly_less", "方案下概率": "p_under_plan", "方案推进量": "plan_push",
    "最小推进量": "min_push", "精度": "tolerance", "达到值": "value_reached", "该推进量下概率": "p_at_push",
    "目标": "goal", "目标概率": "goal_prob", "结论": "verdict", "现在的概率": "p_now",
    "对手总分达到 [分]": "rival_total_reached", "对手期望总分 [分]": "rival_expected_total",
    "盈亏平衡增分 [分]": "breakeven_gain",
    "层次": "level", "规则": "rule", "所述结局": "outcome", "条件": "condition", "覆盖率": "coverage", "密度": "density",
    "抽样占比": "draw_share", "累计覆盖率": "cumulative_coverage",
    # optimize-all
    "同类": "peer_class", "方案": "plan", "现状预期总分 [分]": "status_quo_expected_total",
    "方案预期总分 [分]": "plan_expected_total", "现状平均排名": "status_quo_mean_rank", "方案平均排名": "plan_mean_rank",
    "现状 P(排名≤{rank})": "status_quo_p_rank_le_{rank}", "方案 P(排名≤{rank})": "plan_p_rank_le_{rank}",
    "现状 P({grade})": "status_quo_p_grade_{grade}", "方案 P({grade})": "plan_p_grade_{grade}", "县数": "counties",
    "现状预期县数": "status_quo_expected_counties", "方案预期县数": "plan_expected_counties",
}
# words a label is composed of (optimizer.aids: P({goal})增加({how}) with goal 名次≤{rank}): slot -> inner msgid -> key part
SLOTS = {"goal": {"名次≤{rank}": "rank", "等次≥{grade}": "grade"}, "how": {"保持方案": "held", "重新优化": "replanned"}}
_FIELD = re.compile(r"\{(\w+)\}")
_KEEP = ("rank",)  # placeholders whose value is part of the key (a number)


def _translations(msgid: str) -> set[str]:
    """The label of ``msgid`` in the language in use, as any layer's catalogue gives it (and the msgid)."""
    return {msgid, _models(msgid), _optimizer(msgid), _kaoping(msgid)}


def _pattern(label: str) -> re.Pattern:
    parts, last = [], 0
    for m in _FIELD.finditer(label):
        parts.append(re.escape(label[last:m.start()]))
        parts.append(f"(?P<{m.group(1)}>.+?)")
        last = m.end()
    return re.compile("".join(parts) + re.escape(label[last:]) + r"\Z")


def _labels(msgid: str, key: str):
    """(label in the language in use, key) of a registry entry, its slots filled with every inner word."""
    slots = [f for f in _FIELD.findall(msgid) if f in SLOTS]
    if not slots:
        yield from ((label, key) for label in _translations(msgid))
        return
    slot = slots[0]
    for inner, part in SLOTS[slot].items():
        for outer in _translations(msgid):
            for word in _translations(inner):
                filled = outer.replace("{" + slot + "}", word)
                yield from _labels_filled(filled, msgid, slot, key.replace("{" + slot + "}", part))


def _labels_filled(label: str, msgid: str, slot: str, key: str):
    rest = [f for f in _FIELD.findall(msgid) if f in SLOTS and f != slot]
    if not rest:
        yield label, key
        return
    for inner, part in SLOTS[rest[0]].items():
        for word in _translations(inner):
            yield from _labels_filled(label.replace("{" + rest[0] + "}", word), msgid.replace("{" + rest[0] + "}", inner),
                                      slot, key.replace("{" + rest[0] + "}", part))


@lru_cache(maxsize=None)
def _table(lang: str) -> tuple[dict[str, str], list[tuple[re.Pattern, str]]]:
    exact, patterns = {}, []
    for msgid, key in KEYS.items():
        for label, k in _labels(msgid, key):
            if _FIELD.search(label):
                patterns.append((_pattern(label), k))
            else:
                exact.setdefault(label, k)
    patterns.sort(key=lambda pk: -len(_FIELD.sub("", pk[0].pattern)))  # the most specific first: P(名次≤{rank}) before P({grade})
    return exact, patterns


def key(label: str, grades: list[str] = ()) -> str:
    """The JSON key of a table label in the language in use (a label not in :data:`KEYS` as it is);
    a grade named in the label is given by its index in ``grades`` (0 the best)."""
    exact, patterns = _table(language())
    if label in exact:
        return exact[label]
    for pattern, k in patterns:
        m = pattern.match(label)
        if m is None or ("grade" in _FIELD.findall(k) and m.group("grade") not in grades):
            continue

        def value(f):
            v = m.group(f.group(1))
            return v if f.group(1) in _KEEP else str(list(grades).index(v)) if f.group(1) == "grade" else ""
        return _FIELD.sub(value, k).rstrip("_")
    return label


def keyed(d: dict, grades: list[str] = ()) -> dict:
    """A dict whose keys are labels, with the keys of the registry."""
    return {key(k, grades): v for k, v in d.items()}


def records(df: pd.DataFrame, grades: list[str] = ()) -> list[dict]:
    """A table as JSON records under the registry's keys (NaN, and the "—" a table shows for a missing
    value, as null: an other-class county's rank and grade); ``grades``: the grade names its labels may hold."""
    rows = json.loads(df.rename(columns=lambda c: key(c, grades)).to_json(orient="records", force_ascii=False))
    return [{k: None if v == MISSING else v for k, v in row.items()} for row in rows]


def label(msgid: str) -> str:
    """A table label written by any layer (its msgid, as in :data:`KEYS`) as tables show it in the
    language in use: to read a column by name."""
    return next((t for t in (_models(msgid), _optimizer(msgid), _kaoping(msgid)) if t != msgid), msgid)


def column(df: pd.DataFrame, msgid: str) -> str:
    """The column of ``df`` that shows ``msgid`` in the language in use (whichever layer's catalogue
    translated it), or :func:`label`'s when ``df`` has none."""
    return next((c for c in _translations(msgid) if c in df.columns and c != msgid), msgid if msgid in df.columns
                else label(msgid))

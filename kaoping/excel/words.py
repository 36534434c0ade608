"""The workbook's sheets and columns, and the Chinese words a planner types for the format's own
English words (both are accepted when reading; the Chinese word is written)."""


class Words:
    """One enumeration of the scenario format: the Chinese word the workbook writes for each of its
    English values, and every word a planner may type for it (the written word, its synonyms, the
    English value itself; English in any letter case, spaces ignored)."""

    def __init__(self, **words: str | tuple[str, ...]):
        said = {en: (w,) if isinstance(w, str) else w for en, w in words.items()}
        self.out: dict[str, str] = {en: w[0] for en, w in said.items()}  #: English value -> the word written
        self.accepted: dict[str, str] = {en.lower(): en for en in said}
        self.accepted.update({w: en for en, ws in said.items() for w in ws})

    def __getitem__(self, value: str) -> str:
        """The word written for an English value."""
        return self.out[value]

    def read(self, word: str) -> str | None:
        """The English value of a word a planner typed, or None when it is no word of this enumeration."""
        w = "".join(str(word).split())
        return self.accepted.get(w, self.accepted.get(w.lower()))

    @property
    def choices(self) -> list[str]:
        """The words written, in the format's order (a cell's drop-down list; what an error message offers)."""
        return list(self.out.values())


# One table per enumeration a cell may hold: English value = (the word written, other words accepted …).
DIRECTION = Words(higher=("正向", "正向指标", "越大越好"), lower=("逆向", "逆向指标", "越小越好"))
RANKING = Words(within_class="同类内", unified=("全市统一", "统一排名"))
TIE = Words(shared="并列", home_loses="本县居后")
GRADE_BY = Words(score=("分数", "按分数"), rank=("名次", "按名次"), quota=("比例", "按比例"))
BELOW = Words(zero=("0分", "零分", "不得分"), deduct=("倒扣", "倒扣分"), linear=("线性", "线性递减"))
KIND = Words(developmental="发展性", binding="约束性", key_work="重点工作", survey="满意度", bonus="加分",
             deduction="扣分", other="其他")
RULE = Words(threshold="基本满分", binary="达标", ratio="完成比例", base_step="基准加减", bands="分档",
             efficacy="功效系数", best_ratio="与最优比", rank_points="按名次", vs_average="与平均比",
             growth_bonus="两个高于", survey="满意度", per_event="按次", piecewise="分段线性")
MEASURE = Words(flow="流量", stock="存量", rate="比率", count="计数")
BASIS = Words(cumulative="累计", monthly="当月")
DIST = Words(normal=("正态", "正态分布"), triangular=("三角", "三角分布"),
             pert=("计划评审", "计划评审分布", "PERT分布"), fixed=("固定", "固定值", "确定值"),
             bernoulli=("伯努利", "两点", "两点分布", "伯努利分布", "0-1分布"))
SCORED_OF = Words(value=("完成值", "数值", "实绩"), completion=("完成率", "完成程度"),
                  growth=("增长率", "增幅", "增速", "比上年增长"), change=("增减量", "增减额", "比上年增减"))
YES = {"是", "true", "1", "yes", "y"}  # English in any letter case (Yes, TRUE …): results.xlsx writes 是/否 or Yes/No
NO = {"否", "false", "0", "no", "n"}
TOTAL_ROW = {"合计", "小计", "总计"}  # a row whose first text cell says one of these sums the rows above: skipped

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
SHARE_SETTINGS = {"已过时间比例", "共同冲击", "县内冲击"}  # shares [0–1]: a percentage such as 67% reads 0.67

SHEETS = ["设置", "考核", "板块", "等次", "指标", "县市区", "县市区数值", "县市区目标", "满意度调查", "工作量", "部门预算",
          "月度实绩", "高级"]
REQUIRED_SHEETS = ["设置", "指标", "县市区数值"]
COLUMNS = {
    "设置": ["项目", "值"],
    "考核": ["名称", "总分", "排名方式", "同分处理", "等次依据", "来源"],
    "板块": ["考核", "名称", "权重", "上限", "下限", "计入池"],
    "等次": ["考核", "等次", "最低分", "最高名次", "比例"],
    "指标": ["考核", "名称", "单位", "方向", "分值", "板块", "类别", "规则", "基本任务", "满分", "基本分比例",
           "低于基本", "倒扣步长", "倒扣分", "倒扣下限", "零分值", "超额步长", "超额加分", "超额上限", "超额计入板块",
           "目标", "规则参数", "牵头单位", "责任领导", "预测值", "标准差", "来源", "假设说明", "计量", "计分对象",
           "完成率分母", "基数", "取整位数"],
    "县市区": ["县市区", "同类", "总分预测", "总分标准差", "总分考核", "来源", "假设说明"],
    "县市区数值": ["县市区", "指标", "分布", "预测值", "标准差", "低", "最可能", "高", "最小", "最大", "实际完成", "来源", "假设", "说明"],
    "县市区目标": ["县市区", "指标", "基本任务", "满分", "目标", "基数", "来源", "假设", "说明"],
    "满意度调查": ["县市区", "指标", "渠道", "选项", "人数", "来源", "假设", "说明"],
    "工作量": ["指标", "推进至", "单位工作量", "假设", "说明"],
    "部门预算": ["牵头单位", "预算"],
    "月度实绩": ["县市区", "指标", "年份", "月份", "数值", "口径", "来源", "假设", "说明"],
    "高级": ["路径", "YAML"],
}
REQUIRED_COLUMNS = {
    "设置": ["项目", "值"], "考核": ["名称"], "板块": ["名称"], "等次": ["等次"], "指标": ["名称", "分值", "板块"],
    "县市区": ["县市区", "同类"], "县市区数值": ["县市区", "指标"],
    "县市区目标": ["县市区", "指标"], "满意度调查": ["县市区", "指标", "选项", "人数"], "工作量": ["指标", "推进至", "单位工作量"],
    "部门预算": ["牵头单位", "预算"], "月度实绩": ["县市区", "指标", "年份", "月份", "数值"], "高级": ["路径", "YAML"],
}
FORECAST_COLS = {"分布": "dist", "预测值": "mean", "标准差": "sd", "低": "low", "最可能": "likely", "高": "high",
                 "最小": "min", "最大": "max", "实际完成": "actual", "来源": "source", "假设": "assumption", "说明": "note"}
TARGET_COLS = {"县市区": "county", "指标": "indicator", "基本任务": "basic", "满分": "full", "目标": "target", "基数": "base",
               "来源": "source", "假设": "assumption", "说明": "note"}
SURVEY_COLS = {"县市区": "county", "指标": "indicator", "渠道": "channel", "选项": "answer", "人数": "count", "来源": "source",
               "假设": "assumption", "说明": "note"}
ACTUAL_COLS = {"县市区": "county", "指标": "indicator", "年份": "year", "月份": "month", "数值": "value", "口径": "basis",
               "来源": "source", "假设": "assumption", "说明": "note"}


#: scenario-format field (suffix of a problem's field path) -> column of the 指标 sheet
INDICATOR_FIELD_COLUMN = {
    "rule.basic": "基本任务", "rule.full": "满分", "rule.basic_share": "基本分比例", "rule.below.mode": "低于基本",
    "rule.below.steps.per": "倒扣步长", "rule.below.steps.points": "倒扣分", "rule.below.floor": "倒扣下限",
    "rule.below.zero_at": "零分值", "rule.over.steps.per": "超额步长", "rule.over.steps.points": "超额加分",
    "rule.over.cap": "超额上限", "rule.over.pool": "超额计入板块", "rule.target": "目标", "rule": "规则", "rule.kind": "规则",
    "name": "名称", "unit": "单位", "direction": "方向", "points": "分值", "block": "板块", "kind": "类别",
    "department": "牵头单位", "leader": "责任领导", "source": "来源", "assumed": "假设说明", "measure": "计量",
    "scored": "计分对象", "scored.of": "计分对象", "scored.target": "完成率分母", "scored.base": "基数", "scored.round": "取整位数",
}
COUNTY_FIELD_COLUMN = {"name": "县市区", "peer_class": "同类", "totals": "总分预测", "source": "来源", "assumed": "假设说明"}

"""The workbook's sheets and columns, and the Chinese words a planner types for the format's own
English words (both are accepted when reading)."""

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
        "两个高于": "growth_bonus", "满意度": "survey", "按次": "per_event", "分段线性": "piecewise"}
RULE_OUT = {v: k for k, v in RULE.items()}
MEASURE = {"流量": "flow", "存量": "stock", "比率": "rate", "计数": "count",
           "flow": "flow", "stock": "stock", "rate": "rate", "count": "count"}
MEASURE_OUT = {"flow": "流量", "stock": "存量", "rate": "比率", "count": "计数"}
BASIS = {"累计": "cumulative", "当月": "monthly", "cumulative": "cumulative", "monthly": "monthly"}
BASIS_OUT = {"cumulative": "累计", "monthly": "当月"}
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
SHARE_SETTINGS = {"已过时间比例", "共同冲击", "县内冲击"}  # shares [0–1]: a percentage such as 67% reads 0.67

SHEETS = ["设置", "考核", "板块", "等次", "指标", "县市区", "县市区数值", "工作量", "部门预算", "月度实绩", "高级"]
REQUIRED_SHEETS = ["设置", "指标", "县市区数值"]
COLUMNS = {
    "设置": ["项目", "值"],
    "考核": ["名称", "总分", "排名方式", "同分处理", "等次依据", "来源"],
    "板块": ["考核", "名称", "权重", "上限", "下限", "计入池"],
    "等次": ["考核", "等次", "最低分", "最高名次", "比例"],
    "指标": ["考核", "名称", "单位", "方向", "分值", "板块", "类别", "规则", "基本任务", "满分", "基本分比例",
           "低于基本", "倒扣步长", "倒扣分", "倒扣下限", "零分值", "超额步长", "超额加分", "超额上限", "超额计入板块",
           "目标", "规则参数", "牵头单位", "责任领导", "预测值", "标准差", "来源", "假设说明", "计量"],
    "县市区": ["县市区", "同类", "总分预测", "总分标准差", "总分考核", "来源", "假设说明"],
    "县市区数值": ["县市区", "指标", "分布", "预测值", "标准差", "低", "最可能", "高", "最小", "最大", "实际完成", "来源", "假设", "说明"],
    "工作量": ["指标", "推进至", "单位工作量", "假设", "说明"],
    "部门预算": ["牵头单位", "预算"],
    "月度实绩": ["县市区", "指标", "年份", "月份", "数值", "口径", "来源", "假设", "说明"],
    "高级": ["路径", "YAML"],
}
REQUIRED_COLUMNS = {
    "设置": ["项目", "值"], "考核": ["名称"], "板块": ["名称"], "等次": ["等次"], "指标": ["名称", "分值", "板块"],
    "县市区": ["县市区", "同类"], "县市区数值": ["县市区", "指标"], "工作量": ["指标", "推进至", "单位工作量"],
    "部门预算": ["牵头单位", "预算"], "月度实绩": ["县市区", "指标", "年份", "月份", "数值"], "高级": ["路径", "YAML"],
}
FORECAST_COLS = {"分布": "dist", "预测值": "mean", "标准差": "sd", "低": "low", "最可能": "likely", "高": "high",
                 "最小": "min", "最大": "max", "实际完成": "actual", "来源": "source", "假设": "assumption", "说明": "note"}
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
}
COUNTY_FIELD_COLUMN = {"name": "县市区", "peer_class": "同类", "totals": "总分预测", "source": "来源", "assumed": "假设说明"}

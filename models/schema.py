"""The scenario format: pydantic models for ``scenario.yaml`` and the rows of its CSV tables.

A scenario is a folder::

    scenario.yaml   scheme (assessments, blocks, indicators and their rules, vetoes, grades),
                    counties, effort budgets, simulation settings, named overrides
    forecasts.csv   one row per (county, indicator): forecast distribution of the final value
    effort.csv      one row per cost-curve segment of a home indicator (optional)
    actuals.csv     monthly actuals per (county, indicator, year, month) (optional): this year's
                    project to the year end (models/tracking.py) where forecasts.csv has no row
    targets.csv     one row per (county, indicator) with the county's own targets and base (optional)
    surveys.csv     one row per (county, survey indicator, channel, answer): answer counts (optional)

Every model forbids extra keys. Values invented by the scenario's author (not taken from a
source) are listed under ``assumed`` with a note; values taken from a source quote it in
``source``. Units are stated in field descriptions, in brackets.
"""
from __future__ import annotations

import json
import math
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from .i18n import N_

Direction = Literal["higher", "lower"]
Rounding = Literal["prorata", "floor", "ceil"]
Basis = Literal["absolute", "relative"]
NONE = "none"  # a cap said to be absent (不封顶): ``cap: none``
Uncapped = Literal["none"]


def cap_value(cap) -> float:
    """A cap as a number [points]: ``none`` (uncapped, said explicitly) is +∞."""
    return float("inf") if cap == NONE else float(cap)


def invalid(template: str, **ctx) -> PydanticCustomError:
    """The error a validator raises: ``template`` (English, marked with ``N_``, named placeholders)
    with ``ctx`` its values. pydantic's message is the English text (``models.locate`` reads it to find
    the field a message names); ``models.locate`` shows the template translated, formatted with ``ctx``."""
    return PydanticCustomError("kaoping", "{_en}", {"_template": template, "_en": template.format(**ctx), **ctx})


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Provenance(Strict):
    """Where values come from: a quoted source sentence, and notes for invented values."""

    source: str | None = Field(None, description="The source sentence, quoted verbatim (e.g. from Speech A).")
    assumed: dict[str, str] = Field(
        default_factory=dict,
        description="Invented values: field name -> note saying why this value was chosen.",
    )


# --------------------------------------------------------------------------- rules


class Steps(Strict):
    """A per-unit step: ``points`` per ``per`` units of the indicator.

    ``basis='relative'`` reads ``per`` in percent of the target (每少目标值4%扣1分);
    ``basis='absolute'`` reads it in the indicator's own unit (a rate in % → percentage points).
    ``rounding``: ``prorata`` counts partial steps, ``floor`` only whole ones, ``ceil`` any
    started step as whole.
    """

    per: float = Field(gt=0, description="Step size [indicator unit, or % of target if relative].")
    points: float = Field(ge=0, description="Points per step [points].")
    basis: Basis = "absolute"
    rounding: Rounding = "prorata"


class BelowBasic(Strict):
    """What a value short of the basic target earns (R4 below the lower anchor).

    ``zero``: 0 points. ``deduct`` (倒扣分): minus ``steps`` per unit short, not below
    ``floor`` (a negative number of points). ``linear``: from 0 points at ``zero_at`` up to the
    basic points at the basic target (e.g. 70·r − 63).
    """

    mode: Literal["zero", "deduct", "linear"] = "zero"
    steps: Steps | None = None
    floor: float | None = Field(None, le=0, description="Lowest points after deduction [points, ≤ 0].")
    zero_at: float | None = Field(None, description="Value that earns 0 points with mode=linear [unit].")

    @model_validator(mode="after")
    def _complete(self):
        if self.mode == "deduct" and (self.steps is None or self.floor is None):
            raise invalid(N_("mode 'deduct' needs 'steps' and 'floor' (e.g. floor: -2)"))
        if self.mode == "linear" and self.zero_at is None:
            raise invalid(N_("mode 'linear' needs 'zero_at', the value that earns 0 points"))
        return self

    @model_validator(mode="after")
    def _no_idle_keys(self):
        reads = {"zero": (), "deduct": ("steps", "floor"), "linear": ("zero_at",)}[self.mode]
        for k, mode in (("steps", "deduct"), ("floor", "deduct"), ("zero_at", "linear")):
            if k not in reads and getattr(self, k) is not None:
                raise invalid(N_("{key} has no effect with mode '{mode}' (only mode '{reader}' reads it): "
                                 "set mode: {reader}, or remove {key}"), key=k, mode=self.mode, reader=mode)
        return self


class OverFull(Strict):
    """Over-full bonus (超额加分): ``steps`` beyond the full target, at most ``cap`` points."""

    steps: Steps
    cap: Annotated[float, Field(gt=0)] | Uncapped = Field(
        description="Largest over-full bonus [points]; none = uncapped (不封顶, said explicitly).")
    pool: str | None = Field(None, description="Block that receives the bonus (default: the indicator's own).")


class Threshold(Strict):
    """R4 two-anchor rule: basic target → basic points, linear to full points at the full target."""

    kind: Literal["threshold"]
    basic: float = Field(description="Basic target 基本任务 [unit].")
    full: float = Field(description="Full-score target 满分 [unit].")
    basic_share: float = Field(0.6, ge=0, le=1, description="Share of the points earned at basic [0–1].")
    basic_points: float | None = Field(None, ge=0, description="Points earned at basic, when the text states them "
                                       "in points (基本分25分) [points]; replaces basic_share.")
    below: BelowBasic = BelowBasic()
    over: OverFull | None = None

    @model_validator(mode="after")
    def _one_basic(self):
        if self.basic_points is not None and "basic_share" in self.model_fields_set:
            raise invalid(N_("give basic_share or basic_points, not both"))
        return self


class Binary(Strict):
    """R1: all the points when the target is met, else none."""

    kind: Literal["binary"]
    target: float


class Ratio(Strict):
    """R2: points × completion ratio (x/t, or t/x for lower-is-better), capped at ``cap``."""

    kind: Literal["ratio"]
    target: float = Field(gt=0)
    cap: Annotated[float, Field(gt=0)] | Uncapped = Field(
        1.0, description="Largest completion ratio counted [×]; none = uncapped (得分不封顶).")


class BaseStep(Strict):
    """R3: ``base`` points at the target, ± steps per unit above/below, within caps.

    Short of the target: ``down`` steps from the base (never below ``floor``), or, with ``short``,
    a fixed number of points (未达到目标不计分: 0; 未完成扣3分: −3)."""

    kind: Literal["base_step"]
    target: float
    base_share: float = Field(1.0, ge=0, le=1, description="Share of the points earned at target [0–1].")
    base_points: float | None = Field(None, description="Points earned at target, when the text states them in "
                                      "points (基准分25分) [points]; replaces base_share.")
    up: Steps | None = None
    up_cap: Annotated[float, Field(ge=0)] | Uncapped = Field(
        0.0, description="Largest bonus above the base [points]; none = uncapped (加分不封顶).")
    down: Steps | None = None
    floor: float = Field(0.0, description="Lowest total points for the indicator [points].")
    short: float | None = Field(None, description="Points for any value short of the target [points] (0: "
                                "未达到目标不计分; −3: a fixed deduction 扣3分); replaces down and floor.")

    @model_validator(mode="after")
    def _one_base(self):
        if self.base_points is not None and "base_share" in self.model_fields_set:
            raise invalid(N_("give base_share or base_points, not both"))
        if self.short is not None and (self.down is not None or "floor" in self.model_fields_set):
            raise invalid(N_("'short' gives the points below the target: drop 'down' and 'floor'"))
        return self

    @model_validator(mode="after")
    def _no_idle_keys(self):
        if self.up is not None and self.up_cap == 0:
            raise invalid(N_("up steps give no bonus while up_cap is 0: set up_cap, the largest bonus above the base "
                             "[points], or remove up"))
        if self.up is None and self.up_cap != 0:
            raise invalid(N_("up_cap has no effect without up steps: add up, or remove up_cap"))
        if self.down is None and "floor" in self.model_fields_set:
            raise invalid(N_("floor has no effect without down steps: add down, or remove floor"))
        return self


class Band(Strict):
    lower: float | None = Field(None, description="Band starts here [unit]; none = −∞.")
    upper: float | None = Field(None, description="Band ends here [unit]; none = +∞.")
    points: float


class Bands(Strict):
    """R5: fixed points by the band the value falls in; bands must tile the line without gaps."""

    kind: Literal["bands"]
    bands: list[Band] = Field(min_length=1)
    closed: Literal["left", "right"] = Field(
        "left", description="left: lower ≤ x < upper; right: lower < x ≤ upper (不超过 = at most the edge)."
    )

    @model_validator(mode="after")
    def _tile(self):
        b = self.bands
        if b[0].lower is not None or b[-1].upper is not None:
            raise invalid(N_("the first band must start at -inf (no 'lower') and the last end at +inf (no 'upper')"))
        for a, c in zip(b, b[1:]):
            if a.upper is None or c.lower is None or a.upper != c.lower:
                raise invalid(N_("bands must be contiguous and increasing: {upper} then {lower}"), upper=a.upper,
                              lower=c.lower)
        for a in b:
            if a.lower is not None and a.upper is not None and not a.lower < a.upper:
                if a.lower == a.upper:
                    raise invalid(N_("the band from {lower} to {upper} has zero width: no value falls in it; make "
                                     "lower < upper, or remove the band"), lower=a.lower, upper=a.upper)
                raise invalid(N_("the band from {lower} to {upper} has negative width: no value falls in it; make "
                                 "lower < upper, or remove the band"), lower=a.lower, upper=a.upper)
        return self


class Efficacy(Strict):
    """R7 功效系数: d = base + span·(x − x_s)/(x_h − x_s), points × d/100.

    Anchors default to the peer class's worst (x_s) and best (x_h) value; fixed anchors may be
    given instead (不允许值, 满意值)."""

    kind: Literal["efficacy"]
    base: float = 60.0
    span: float = 40.0
    worst: float | None = Field(None, description="Fixed 不允许值 x_s [unit]; none = class worst.")
    best: float | None = Field(None, description="Fixed 满意值 x_h [unit]; none = class best.")


class BestRatio(Strict):
    """R7 ratio to the best in class: points × x/max (higher) or points × min/x (lower)."""

    kind: Literal["best_ratio"]


class RankPoints(Strict):
    """R8 points by rank in the class: a table of shares by rank, or 1 − step·(rank − 1)."""

    kind: Literal["rank_points"]
    step: float | None = Field(0.05, ge=0, le=1, description="Share lost per place [0–1].")
    table: list[float] | None = Field(None, description="Share of the points for rank 1, 2, … [0–1].")

    @model_validator(mode="after")
    def _no_idle_keys(self):
        if self.table is not None and "step" in self.model_fields_set:
            raise invalid(N_("step has no effect when a table is given (the table sets every rank's share): "
                             "remove step, or the table"))
        return self


class VsAverage(Strict):
    """R9 comparison with an average: ``base_share``·points at the reference, ± steps, within caps.

    The reference is the peer-class mean (``reference: class``) or a fixed value."""

    kind: Literal["vs_average"]
    reference: Literal["class"] | float = "class"
    base_share: float = Field(0.6, ge=0, le=1)
    base_points: float | None = Field(None, description="Points at the reference, when the text states them in "
                                      "points [points]; replaces base_share.")
    steps: Steps
    floor: float = 0.0
    cap: float | Uncapped | None = Field(
        None, description="Largest points [points]; null (absent) = the indicator's points; none = uncapped.")

    @model_validator(mode="after")
    def _one_base(self):
        if self.base_points is not None and "base_share" in self.model_fields_set:
            raise invalid(N_("give base_share or base_points, not both"))
        return self


class GrowthBonus(Strict):
    """R9 "两个高于" growth bonus [UNVERIFIED]: ``both`` points when growth is above both
    references, ``one`` point(s) when above the regional one only. The indicator's ``points``
    must equal ``both``."""

    kind: Literal["growth_bonus"]
    national: float = Field(description="National average growth [%].")
    regional: float = Field(description="Regional (e.g. western) average growth [%].")
    both: float = Field(gt=0)
    one: float = Field(0.0, ge=0)
    unverified: Literal[True] = Field(description="Must be true: no defining text was found for this rule.")


class Survey(Strict):
    """R15 satisfaction survey: points × index/100, the index on [0, 100].

    Without ``answers`` the index is forecast directly (forecasts.csv). With ``answers`` it is
    computed from answer counts (surveys.csv): per channel Σ weight·count / Σ count over the
    answers that count (``excluded`` ones, such as 不了解, are left out of the denominator) × 100,
    then channels mixed by ``channels`` weights; the Monte Carlo draws the counts (multinomial)."""

    kind: Literal["survey"]
    answers: dict[str, Annotated[float, Field(ge=0, le=1)]] | None = Field(
        None, description="Answer → weight [0–1] (满意 1.00, 基本满意 0.75, 不满意 0.55).")
    excluded: list[str] = Field(default_factory=list, description="Answers left out of the denominator (不了解).")
    channels: dict[str, Annotated[float, Field(gt=0, le=1)]] | None = Field(
        None, description="Channel → weight [0–1], summing to 1 (电话 0.6, 问卷 0.4); absent = one channel.")

    @model_validator(mode="after")
    def _complete(self):
        if self.answers is None and (self.excluded or self.channels is not None):
            raise invalid(N_("'excluded' and 'channels' need 'answers' (the weight of each answer)"))
        if self.answers is not None and set(self.excluded) & set(self.answers):
            raise invalid(N_("an excluded answer has no weight: remove it from 'answers'"))
        if self.channels is not None and abs(sum(self.channels.values()) - 1.0) > 1e-9:
            raise invalid(N_("channel weights must sum to 1 (they sum to {total:g})"), total=sum(self.channels.values()))
        return self

    @property
    def channel_weights(self) -> dict[str, float]:
        """Channel → weight; one unnamed channel ('') when none are given."""
        return dict(self.channels) if self.channels else {"": 1.0}


class PerEvent(Strict):
    """R12/R13 bonus items and deduction events: ``points`` per event, within ``cap`` in size.

    Positive ``points`` for a bonus (表彰), negative for a deduction (事故, 通报)."""

    kind: Literal["per_event"]
    points: float = Field(description="Points per event [points]; negative for a deduction.")
    cap: Annotated[float, Field(gt=0)] | Uncapped = Field(
        description="Largest total size of the item [points]; none = uncapped (扣分不封顶).")


class Piecewise(Strict):
    """The escape hatch: points as a piecewise linear function of the scored quantity x (the
    indicator's ``scored``: the value, the completion rate, or the growth or change over the
    county's own base), from a table of breakpoints ``[x, points]`` in increasing x. Between two
    rows the points are linear (equal points: a flat part); an x listed twice is a jump (a step),
    whose value at the edge is given by ``closed``; beyond the first and last rows the points stay
    flat. ``reference: class`` scores the distance to the peer-class mean of x instead (高于全区平均
    每1个百分点…)."""

    kind: Literal["piecewise"]
    table: list[Annotated[list[float], Field(min_length=2, max_length=2)]] = Field(
        min_length=2, description="Rows [x, points]; x non-decreasing [unit of the scored quantity, points or share].")
    share: bool = Field(False, description="true: the second column is a share of the indicator's points [0–1].")
    reference: Literal["none", "class"] = Field("none", description="class: the table's x is the distance to the "
                                                "peer-class mean [unit of the scored quantity].")
    closed: Literal["left", "right"] = Field(
        "left", description="At a jump: left → the edge earns the piece to its right (达到即得); right → the piece "
        "to its left (超过才得).")

    @model_validator(mode="after")
    def _ordered(self):
        xs = [r[0] for r in self.table]
        if any(b < a for a, b in zip(xs, xs[1:])):
            raise invalid(N_("table rows must be in non-decreasing order of x (the first column)"))
        if any(a == b == c for a, b, c in zip(xs, xs[1:], xs[2:])):
            raise invalid(N_("an x may appear at most twice (once on each side of a jump)"))
        return self


Rule = Annotated[
    Union[Threshold, Binary, Ratio, BaseStep, Bands, Efficacy, BestRatio, RankPoints, VsAverage, GrowthBonus, Survey,
          PerEvent, Piecewise],
    Field(discriminator="kind"),
]
PEER_RELATIVE = {"efficacy", "best_ratio", "rank_points"}  # vs_average and piecewise join when reference == 'class'
NOT_IN_TOTAL = ("bonus", "deduction")  # indicator kinds outside an assessment's total_points
TARGETED = {"binary", "ratio", "base_step"}  # rules with a 'target' a county may have its own of


class Scored(Strict):
    """What the rule scores (the indicator's scored quantity), computed from the value x [unit]:

    ``value``       x itself [unit]
    ``completion``  completion rate 100·x/target [%] (完成率), against the county's own target
    ``growth``      growth over the county's own base 100·(x − base)/|base| [%] (比上年增长)
    ``change``      distance to the county's own base x − base [unit] (比上年增减)

    ``target`` and ``base`` here are the defaults; targets.csv gives each county its own (columns
    ``target`` and ``base``: last year's value, the average of the past three years …).
    ``round``: the quantity is rounded half up to this many decimals before scoring (0: a completion
    rate in whole percent)."""

    of: Literal["value", "completion", "growth", "change"] = "value"
    target: float | None = Field(None, gt=0, description="completion: the target [unit], unless targets.csv gives one.")
    base: float | None = Field(None, description="growth/change: the base [unit], unless targets.csv gives one.")
    round: int | None = Field(None, ge=0, le=6, description="Decimals the quantity is rounded to (half up) before scoring.")

    @model_validator(mode="after")
    def _fits(self):
        if self.target is not None and self.of != "completion":
            raise invalid(N_("'target' is the denominator of a completion rate: it has no effect with of: {of}"), of=self.of)
        if self.base is not None and self.of not in ("growth", "change"):
            raise invalid(N_("'base' is used by of: growth or change: it has no effect with of: {of}"), of=self.of)
        if self.base == 0 and self.of == "growth":
            raise invalid(N_("a growth rate needs a non-zero base"))
        return self


# --------------------------------------------------------------------------- scheme


class Indicator(Provenance):
    name: str = Field(min_length=1, description="Unique name, in Chinese as the scheme writes it.")
    unit: str = ""
    block: str
    direction: Direction = "higher"
    points: float = Field(gt=0, description="Points at the full score 分值 [points].")
    rule: Rule
    kind: Literal["developmental", "binding", "key_work", "survey", "bonus", "deduction", "other"] = "other"
    department: str | None = Field(None, description="Lead department 牵头单位.")
    leader: str | None = Field(None, description="Responsible leader 责任领导.")
    measure: Literal["flow", "stock", "rate", "count"] | None = Field(
        None, description="What a monthly actual is (actuals.csv): flow = a cumulative sum over the year (exports, tax), "
        "projected by the seasonal share of the months left; stock or rate = a level (coverage %, pass rate), not scaled "
        "by time; count = events to date, plus the events expected in the months left.")
    scored: Scored = Field(Scored(), description="What the rule scores: the value, the completion rate, or the "
                           "growth or change over the county's own base.")
    value_of: str | None = Field(None, description="Score the value of another indicator (one figure, two items: "
                                 "投资总量 and 增长率): no forecast of its own; a push on that indicator moves both.")

    @model_validator(mode="after")
    def _consistent(self):
        r = self.rule
        if self.value_of == self.name:
            raise invalid(N_("value_of names the indicator itself"))
        if self.scored.of == "completion" and self.direction == "lower":
            raise invalid(N_("a completion rate is higher-is-better: use direction higher, or scored: {{of: change}}"))
        if isinstance(r, Survey) and r.answers is not None and (self.value_of or self.scored.of != "value"):
            raise invalid(N_("a survey from answer counts scores its own index: no value_of or scored"))
        if isinstance(r, Threshold):
            if self.direction == "higher" and not r.basic < r.full:
                raise invalid(N_("basic ({basic}) must be below full ({full}) for a higher-is-better indicator"),
                              basic=r.basic, full=r.full)
            if self.direction == "lower" and not r.basic > r.full:
                raise invalid(N_("basic ({basic}) must be above full ({full}) for a lower-is-better indicator"),
                              basic=r.basic, full=r.full)
            if r.below.mode == "linear":
                z = r.below.zero_at
                if (self.direction == "higher" and not z < r.basic) or (self.direction == "lower" and not z > r.basic):
                    raise invalid(N_("below.zero_at ({zero_at}) must lie on the short side of basic ({basic})"),
                                  zero_at=z, basic=r.basic)
        if isinstance(r, GrowthBonus) and abs(r.both - self.points) > 1e-12:
            raise invalid(N_("points ({points}) must equal rule.both ({both})"), points=self.points, both=r.both)
        if isinstance(r, PerEvent) and r.cap != NONE and r.cap > self.points + 1e-12:
            raise invalid(N_("rule.cap ({cap}) must not exceed points ({points})"), cap=r.cap, points=self.points)
        if isinstance(r, RankPoints) and r.table is not None and any(a < b for a, b in zip(r.table, r.table[1:])):
            raise invalid(N_("rank_points.table must not increase with rank"))
        return self


class Block(Strict):
    """A part of the scheme (综合指标, 重点工作, 满意指数, 加扣分 …): weighted, optionally capped."""

    name: str
    weight: float = Field(1.0, gt=0, description="Multiplier on the block's points [×].")
    cap: float | None = Field(None, description="Largest weighted block score [points].")
    floor: float | None = Field(None, description="Lowest weighted block score [points] (e.g. −10 for a deduction pool).")
    pool: str | None = Field(None, description="Pool whose cap this block also counts against.")


class Pool(Strict):
    """A cap over several blocks (创优争先 300, of which 超额加分 100)."""

    name: str
    cap: float | None = None
    floor: float | None = None

    @model_validator(mode="after")
    def _no_idle_keys(self):
        if self.cap is None and self.floor is None:
            raise invalid(N_("pool '{pool}' has neither cap nor floor: it changes no score; give it a cap "
                             "(or a floor), or remove it and the blocks' pool"), pool=self.name)
        return self


class Veto(Provenance):
    """一票否决 / 一票否优 and every condition across items: when the condition on one indicator
    (or event) holds, the effect applies to its target (R14).

    Conditions: ``misses_basic`` (short of the county's own basic target, or of its target for
    binary/ratio/base_step/piecewise-free rules), ``below``/``above``/``at_least`` a ``value`` (in
    the units the rule scores), ``below_base`` (the value below the county's own
    base: 减产的). Effects: ``zero_indicator`` (the ``target`` indicator, default the trigger,
    scores 0: 本项不计分), ``zero_block`` / ``cap_block`` (the ``target`` block scores 0 / at most
    ``cap``: 该板块不得分), ``cap_grade``, ``drop_grade``, ``disqualify`` (取消评优资格)."""

    name: str
    indicator: str = Field(description="Indicator whose value triggers the condition (an event count for an event).")
    when: Literal["misses_basic", "below", "above", "at_least", "below_base"] = "misses_basic"
    value: float | None = Field(None, description="Threshold for below/above/at_least [unit of the scored quantity].")
    effect: Literal["zero_indicator", "zero_block", "cap_block", "cap_grade", "drop_grade", "disqualify"]
    target: str | None = Field(None, description="zero_indicator: the indicator zeroed (default: the trigger); "
                               "zero_block/cap_block: the block.")
    cap: float | None = Field(None, description="cap_block: the block's largest score when the condition holds [points].")
    grade: str | None = Field(None, description="For cap_grade: the best grade still allowed.")
    drop: int = Field(1, ge=1, description="For drop_grade: grades lost.")

    @model_validator(mode="after")
    def _complete(self):
        if self.when in ("below", "above", "at_least") and self.value is None:
            raise invalid(N_("when '{when}' needs 'value'"), when=self.when)
        if self.when == "below_base" and self.value is not None:
            raise invalid(N_("value has no effect with when: below_base (the county's own base is the threshold): "
                             "remove value, or set when: below, above or at_least"))
        if self.effect == "cap_grade" and self.grade is None:
            raise invalid(N_("effect 'cap_grade' needs 'grade'"))
        if self.effect in ("zero_block", "cap_block") and self.target is None:
            raise invalid(N_("effect '{effect}' needs 'target', the block"), effect=self.effect)
        if self.effect == "cap_block" and self.cap is None:
            raise invalid(N_("effect 'cap_block' needs 'cap', the block's largest score"))
        if self.target is not None and self.effect not in ("zero_indicator", "zero_block", "cap_block"):
            raise invalid(N_("effect '{effect}' acts on the grade: 'target' has no effect"), effect=self.effect)
        if self.cap is not None and self.effect != "cap_block":
            raise invalid(N_("'cap' is for effect cap_block"))
        return self

    @model_validator(mode="after")
    def _no_idle_keys(self):
        if self.when == "misses_basic" and self.value is not None:
            raise invalid(N_("value has no effect with when: misses_basic (the indicator's basic target is the "
                             "threshold): remove value, or set when: below, above or at_least"))
        if self.effect != "cap_grade" and self.grade is not None:
            raise invalid(N_("grade has no effect with effect '{effect}' (only cap_grade reads it): remove grade, "
                             "or set effect: cap_grade"), effect=self.effect)
        if self.effect != "drop_grade" and "drop" in self.model_fields_set:
            raise invalid(N_("drop has no effect with effect '{effect}' (only drop_grade reads it): remove drop, "
                             "or set effect: drop_grade"), effect=self.effect)
        return self


class GradeThreshold(Strict):
    """One grade. By score: ``min_score``. By rank or quota: ``max_rank`` or ``share``, and
    optionally ``min_score`` as well (一等奖2名, 须达90分: both must hold)."""

    grade: str
    min_score: float | None = Field(None, description="Lowest total for the grade [points].")
    max_rank: int | None = Field(None, ge=1)
    share: float | None = Field(None, gt=0, le=1, description="Quota: top share of the class [0–1], rounded up.")


class Grades(Strict):
    """等次 from best to worst. Every grade but the last has exactly one criterion of ``by``;
    grades by rank or quota may also require a ``min_score``."""

    by: Literal["score", "rank", "quota"]
    levels: list[GradeThreshold] = Field(min_length=2)

    @model_validator(mode="after")
    def _complete(self):
        key = {"score": "min_score", "rank": "max_rank", "quota": "share"}[self.by]
        names = [g.grade for g in self.levels]
        if len(set(names)) != len(names):
            raise invalid(N_("grade names must be unique"))
        vals = []
        for g in self.levels[:-1]:
            v = getattr(g, key)
            if v is None:
                raise invalid(N_("grade '{grade}' needs '{key}' (grades by {by})"), grade=g.grade, key=key, by=self.by)
            vals.append(v)
        decreasing = all(a > b for a, b in zip(vals, vals[1:])) if self.by == "score" else all(a < b for a, b in zip(vals, vals[1:]))
        if not decreasing:
            raise invalid(N_("grade criteria '{key}' must get strictly less demanding from best to worst"), key=key)
        if self.by != "score":
            mins = [-1e300 if g.min_score is None else g.min_score for g in self.levels[:-1]]
            if any(a < b for a, b in zip(mins, mins[1:])):
                raise invalid(N_("a grade's min_score must not exceed the min_score of a better grade"))
        return self

    @model_validator(mode="after")
    def _no_idle_keys(self):
        key = {"score": "min_score", "rank": "max_rank", "quota": "share"}[self.by]
        by_of = {"min_score": "score", "max_rank": "rank", "share": "quota"}
        for g in self.levels:
            for other, by in by_of.items():
                if other == "min_score" and self.by != "score":
                    continue  # by rank or quota a grade may also require a minimum score (一等奖2名, 须达90分)
                if other != key and getattr(g, other) is not None:
                    raise invalid(N_("grade '{grade}': {other} has no effect when grades go by {by} (they read "
                                     "{key}): remove {other}, or set by: {reader}"), grade=g.grade, other=other,
                                  by=self.by, key=key, reader=by)
        last = self.levels[-1]
        for k in dict.fromkeys((key, "min_score")):
            if getattr(last, k) is not None:
                raise invalid(N_("grade '{grade}': the last grade takes every county the others do not, so its {key} "
                                 "has no effect: remove {key} from the last grade"), grade=last.grade, key=k)
        return self

    @property
    def names(self) -> list[str]:
        return [g.grade for g in self.levels]


class Promotion(Strict):
    """提档进位: an event (an indicator of kind per_event counting recognised major
    contributions, or a Bernoulli forecast) lifting the grade by ``lift`` classes."""

    indicator: str
    lift: int = Field(1, ge=1)


class Assessment(Provenance):
    name: str
    total_points: float | None = Field(None, gt=0, description="Points of the non-bonus blocks at full score (100 or 1000).")
    ranking: Literal["within_class", "unified"] = "within_class"
    tie_break: Literal["shared", "home_loses"] = Field(
        "shared", description="shared: equal totals share the better rank; home_loses: the home county ranks below any equal rival."
    )
    blocks: list[Block] = Field(min_length=1)
    pools: list[Pool] = Field(default_factory=list)
    indicators: list[Indicator] = Field(min_length=1)
    vetoes: list[Veto] = Field(default_factory=list)
    grades: Grades
    promotion: Promotion | None = None


# --------------------------------------------------------------------------- counties, effort, simulation


class TotalForecast(Strict):
    """A rival known only by its total: the total of all indicators it has no forecast for."""

    mean: float
    sd: float = Field(0.0, ge=0)


class PastIndicator(Strict):
    """One indicator's result in a past year: points earned and points lost (失分, 扣分)."""

    points: float | None = Field(None, description="Points earned that year [points].")
    lost: float | None = Field(None, ge=0, description="Points lost against full, or deducted, that year [points, ≥ 0].")


class History(Strict):
    year: int
    assessment: str
    rank: int | None = Field(None, ge=1)
    score: float | None = None
    grade: str | None = None
    indicators: dict[str, PastIndicator] = Field(
        default_factory=dict, description="Indicator name -> its result that year (where given).")


class County(Provenance):
    name: str
    peer_class: str = Field(description="Peer class 同类 the county is ranked in.")
    totals: dict[str, TotalForecast] = Field(
        default_factory=dict, description="Assessment name -> total forecast, for a county known only by its total."
    )
    history: list[History] = Field(default_factory=list)


class Effort(Provenance):
    unit: str = Field("人月", description="Unit of effort (person-months, 万元, effort points).")
    budget: float | None = Field(None, ge=0, description="Total effort budget [unit].")
    departments: dict[str, float] = Field(default_factory=dict, description="Department -> budget [unit].")
    grid: int = Field(3, ge=0, le=20, description="Extra option levels between breakpoints.")


class Shocks(Strict):
    """Correlation shares of the shared shocks (standardised, in the good direction)."""

    common: float = Field(0.0, ge=0, le=1, description="Share of variance from a shock common to all counties.")
    county: float = Field(0.0, ge=0, le=1, description="Share of variance from a shock shared by a county's indicators.")

    @model_validator(mode="after")
    def _sum(self):
        if self.common + self.county > 1:
            raise invalid(N_("common + county must not exceed 1"))
        return self


class Simulation(Strict):
    draws: int = Field(10_000, ge=1)
    seed: int = Field(20_120_901, ge=0)
    chunk: int | None = Field(None, ge=1, description="Draws scored at once, rounded up to whole random blocks "
                              "(default: from the memory budget; results do not depend on it).")
    shocks: Shocks = Shocks()


class Patch(Strict):
    """One change of an override: ``path`` into the scenario, e.g.
    ``assessments[发展目标考核].indicators[外贸自营出口].rule.basic``, or a forecast row
    ``forecasts[仙居/外贸自营出口].mean``, or ``effort.budget``."""

    path: str
    value: float | int | str | bool | None | dict | list


class Override(Strict):
    description: str = ""
    set: list[Patch] = Field(default_factory=list)


class Force(Strict):
    """A push a leader has already promised: at least ``push`` [indicator unit, in the good
    direction], or at least ``level`` [indicator unit] at the forecast centre. Exactly one of the two."""

    push: float | None = Field(None, ge=0, description="Smallest push [indicator unit, ≥ 0].")
    level: float | None = Field(None, description="Smallest value reached at the forecast centre [indicator unit].")

    @model_validator(mode="after")
    def _one(self):
        if (self.push is None) == (self.level is None):
            raise invalid(N_("give exactly one of 'push' or 'level'"))
        return self


class ConstraintSet(Provenance):
    """A planner's own constraints on the plan, named (``kaoping optimize --constraints NAME``).

    ``lock``: indicators the plan must not push; ``force``: pushes or levels already promised;
    ``basic`` (保基本分): indicators whose basic target (a rule's ``basic`` or ``target``) the
    plan must reach at the forecast centre; ``department_share``: the largest share of the total
    effort budget a department's pushes may use [0–1]."""

    description: str = ""
    lock: list[str] = Field(default_factory=list)
    force: dict[str, Force] = Field(default_factory=dict)
    basic: list[str] = Field(default_factory=list)
    department_share: dict[str, Annotated[float, Field(gt=0, le=1)]] = Field(default_factory=dict)


class ScenarioMeta(Provenance):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$", description="Short ascii name, used for run folders.")
    title: str = ""
    year: int
    elapsed: float = Field(ge=0, le=1, description="Share of the year elapsed at the date of analysis [0–1].")
    home: str
    sources: list[str] = Field(default_factory=list)


class ScenarioFile(Strict):
    """Everything in ``scenario.yaml``."""

    scenario: ScenarioMeta
    counties: list[County] = Field(min_length=2)
    assessments: list[Assessment] = Field(min_length=1)
    effort: Effort = Effort()
    simulation: Simulation = Simulation()
    overrides: dict[str, Override] = Field(default_factory=dict)
    constraints: dict[str, ConstraintSet] = Field(default_factory=dict)


# --------------------------------------------------------------------------- CSV rows


FORECAST_READS = {"normal": ("mean", "sd", "min", "max"), "fixed": ("mean", "min", "max"), "bernoulli": ("mean",),
                  "triangular": ("low", "likely", "high", "min", "max"), "pert": ("low", "likely", "high", "min", "max")}


class ForecastRow(Strict):
    """``forecasts.csv``: the forecast of one county's final value of one indicator."""

    county: str
    indicator: str
    dist: Literal["normal", "triangular", "pert", "fixed", "bernoulli"] = "normal"
    mean: float | None = Field(None, description="normal/fixed: mean [unit]; bernoulli: probability.")
    sd: float | None = Field(None, ge=0)
    low: float | None = None
    likely: float | None = None
    high: float | None = None
    min: float | None = Field(None, description="Truncation: smallest possible value [unit].")
    max: float | None = Field(None, description="Truncation: largest possible value [unit].")
    actual: float | None = Field(None, description="Actual to date (e.g. Jan–Jul) [unit].")
    source: str | None = None
    assumption: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _complete(self):
        if self.dist == "normal" and (self.mean is None or self.sd is None):
            raise invalid(N_("dist 'normal' needs mean and sd"))
        if self.dist == "fixed" and self.mean is None:
            raise invalid(N_("dist 'fixed' needs mean"))
        if self.dist == "bernoulli" and (self.mean is None or not 0 <= self.mean <= 1):
            raise invalid(N_("dist 'bernoulli' needs mean, a probability in [0, 1]"))
        if self.dist in ("triangular", "pert"):
            if None in (self.low, self.likely, self.high):
                raise invalid(N_("dist '{dist}' needs low, likely and high"), dist=self.dist)
            if not self.low <= self.likely <= self.high or self.low == self.high:
                raise invalid(N_("need low ≤ likely ≤ high and low < high"))
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise invalid(N_("min must be below max"))
        self._inside_bounds()
        idle = [k for k in ("mean", "sd", "low", "likely", "high", "min", "max") if k not in FORECAST_READS[self.dist]
                and getattr(self, k) is not None]
        if idle:
            reads = ", ".join(FORECAST_READS[self.dist])
            if len(idle) == 1:
                raise invalid(N_("{key} has no effect with dist '{dist}' (it reads {reads}): clear it, or change dist"),
                              key=idle[0], dist=self.dist, reads=reads)
            raise invalid(N_("{keys} have no effect with dist '{dist}' (it reads {reads}): clear them, or change dist"),
                          keys=", ".join(idle), dist=self.dist, reads=reads)
        if self.assumption and not self.note:
            raise invalid(N_("an assumed forecast needs a note saying where it comes from"))
        return self

    def _inside_bounds(self) -> None:
        """The central value lies within [min, max]: outside it every draw would land on the bound."""
        lo = -math.inf if self.min is None else self.min
        hi = math.inf if self.max is None else self.max
        key = "likely" if self.dist in ("triangular", "pert") else "mean"
        v = getattr(self, key)
        if self.dist != "bernoulli" and v is not None and not lo <= v <= hi:
            raise invalid(N_("{key} {value:g} lies outside [min, max] = [{min}, {max}], so every draw would "
                             "land on the bound: correct {key}, min or max"), key=key, value=v, min=self.min, max=self.max)

    @property
    def centre(self) -> float:
        """The forecast's central value [unit]: mean, or the mode of a three-point forecast."""
        return self.likely if self.dist in ("triangular", "pert") else float(self.mean)


class ActualRow(Strict):
    """``actuals.csv``: one county's actual of one indicator at the end of one month of one year.

    ``basis``: ``cumulative`` (Jan to the month: a flow's sum so far, a rate's level) or
    ``monthly`` (the month's own amount, for a flow or a count; summed from January, so every
    month before must be given too). Rows of past years (year < the scenario's year) give the
    seasonal pattern and the spread of the projection (``models/tracking.py``)."""

    county: str
    indicator: str
    year: int
    month: int = Field(ge=1, le=12, description="Month the value is at the end of [1–12].")
    value: float = Field(description="Actual [indicator unit].")
    basis: Literal["cumulative", "monthly"] = "cumulative"
    source: str | None = None
    assumption: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _noted(self):
        if self.assumption and not self.note:
            raise invalid(N_("an assumed actual needs a note saying where it comes from"))
        return self


class EffortRow(Strict):
    """``effort.csv``: one segment of a home indicator's convex cost curve."""

    indicator: str
    upto: float = Field(gt=0, description="Push at the segment's end [indicator unit, in the good direction].")
    cost: float = Field(ge=0, description="Effort per unit of push on this segment [effort unit / indicator unit].")
    assumption: bool = False
    note: str | None = None


class TargetRow(Strict):
    """``targets.csv``: one county's own targets and base for one indicator (the rule's own numbers
    are the default for every county without a row, or for an empty cell)."""

    county: str
    indicator: str
    basic: float | None = Field(None, description="threshold: the county's basic target 基本任务 [unit].")
    full: float | None = Field(None, description="threshold: the county's full-score target 满分 [unit].")
    target: float | None = Field(None, description="binary/ratio/base_step: the county's target [unit]; when "
                                 "scored of completion: the denominator of its completion rate [unit].")
    base: float | None = Field(None, description="The county's own base (last year's value, the past three years' "
                                 "average) when scored of growth/change, and for when: below_base [unit].")
    source: str | None = None
    assumption: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _complete(self):
        if all(v is None for v in (self.basic, self.full, self.target, self.base)):
            raise invalid(N_("give at least one of basic, full, target, base"))
        if self.assumption and not self.note:
            raise invalid(N_("an assumed target needs a note saying where it comes from"))
        return self


class SurveyRow(Strict):
    """``surveys.csv``: one answer's count in one channel of one county's survey (the last survey's
    counts, or the expected counts of the coming one): the Monte Carlo draws the counts of each
    channel as a multinomial with these shares and their sum as the sample size."""

    county: str
    indicator: str
    channel: str = Field("", description="Channel (电话, 问卷) as named in the rule's channels; empty for one channel.")
    answer: str = Field(description="Answer (满意, 基本满意, 不满意, 不了解) as named in the rule.")
    count: int = Field(ge=0, description="Number of answers [respondents].")
    source: str | None = None
    assumption: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _complete(self):
        if self.assumption and not self.note:
            raise invalid(N_("assumed counts need a note saying where they come from"))
        return self


def schema_text() -> str:
    """The JSON Schema of ``scenario.yaml`` as shipped in ``scenarios/schema.json`` (``kaoping schema``)."""
    schema = ScenarioFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "kaoping scenario.yaml"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

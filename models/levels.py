"""The warning levels (红/黄/绿) and the probabilities that grade them (:mod:`models.warning`
computes the warnings; this light module lets the command line show the defaults without loading
the science)."""
from __future__ import annotations

from dataclasses import dataclass

from .i18n import N_, _

RED, YELLOW, GREEN = N_("红"), N_("黄"), N_("绿")  # msgids: the tables show them through _()
LEVELS = (RED, YELLOW, GREEN)  # worst first
LEVEL_COLUMN = N_("预警")


@dataclass(frozen=True)
class Thresholds:
    """Probabilities that grade a warning [0–1] (models.warning's docstring)."""

    red: float = 0.5  # P(达基本) below: 红
    yellow: float = 0.5  # P(超基本分) below: 黄
    secure: float = 0.8  # the push aims at reaching basic (and full) in this share of the draws

    def __post_init__(self):
        for k in ("red", "yellow", "secure"):
            v = getattr(self, k)
            if not 0 < v <= 1:
                raise ValueError(_("threshold {name} must lie in (0, 1], got {value}").format(name=k, value=v))

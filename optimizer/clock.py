"""The wall clock as a safety cap, never as a budget.

Every stage of a computation is bounded by deterministic work (moves, passes, annealing steps,
branch-and-bound nodes, draws), so its numbers are a function of its inputs alone: the same
scenario, seed and options give the same plan on any machine, loaded or not. A :class:`Cap` only
stops a stage that would still be running past a wall-clock moment (a very slow machine, a tiny
time limit) and remembers that it did: the numbers of that run then depend on the machine's
speed, and the run must say so, naming the stage (``stage``, an ASCII code kept in JSON).
"""
from __future__ import annotations

import time

from models.i18n import listing

from .i18n import N_, translate


# the stages a cap can stop, as recorded (ASCII codes, kept in JSON), and their names
WARM_START, SOLVE, SAMPLE, POLISH = "warm_start", "solve", "selection_sample", "polish"
STAGE_NAMES = {WARM_START: N_("启发式初始解"), SOLVE: N_("求解样本"), SAMPLE: N_("评估样本"), POLISH: N_("局部改进")}


class Cap:
    """A wall-clock moment past which a stage stops; :meth:`over` says whether it has come and
    remembers it (``bit``). ``Cap(None)`` never bites."""

    def __init__(self, seconds: float | None = None, stage: str = ""):
        self.end = None if seconds is None else time.perf_counter() + seconds
        self.stage = stage
        self.bit = False

    @classmethod
    def until(cls, end: float | None, stage: str = "") -> "Cap":
        """A cap at the ``time.perf_counter()`` moment ``end`` [s]."""
        cap = cls(None, stage)
        cap.end = end
        return cap

    def left(self) -> float | None:
        """Seconds until the cap [s] (None: no cap)."""
        return None if self.end is None else self.end - time.perf_counter()

    def over(self) -> bool:
        if not self.bit and self.end is not None and time.perf_counter() > self.end:
            self.bit = True
        return self.bit


def stage_names(stages) -> str:
    """The recorded stage codes in words, in the language in use ('评估样本、局部改进')."""
    return listing(translate(STAGE_NAMES[s]) if s in STAGE_NAMES else str(s) for s in stages)


def bitten(*caps: Cap) -> list[str]:
    """The stages of the caps that bit, in order, each once."""
    out = []
    for c in caps:
        if c is not None and c.bit and c.stage not in out:
            out.append(c.stage)
    return out

"""Argument types shared by the commands, as argparse types: whole numbers and amounts with a bound,
probabilities, scenario folders, memory sizes.

Each number type refuses what would otherwise be read silently as something else (``nan`` as no
budget, a negative time limit as none, ``0`` replications as one): argparse then exits 2 and names
the argument (``argument --time-limit: must be more than 0 seconds, got -5``)."""
from __future__ import annotations

import argparse
import math
from pathlib import Path

from ..i18n import N_, _
from ..i18n import _ as translate
from ..shipped import resolve, shipped_names


def _whole(text: str, least: int, words: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("expected a whole number, got '{text}'").format(text=text)) from None
    if v < least:
        raise argparse.ArgumentTypeError(translate(words).format(value=v))
    return v


def positive(text: str) -> int:
    """A whole number ≥ 1 (draws, chunk size, replications, a rank)."""
    return _whole(text, 1, N_("must be at least 1, got {value}"))


def nonnegative(text: str) -> int:
    """A whole number ≥ 0 (seed, stream)."""
    return _whole(text, 0, N_("must be 0 or more, got {value}"))


def probability(text: str) -> float:
    """A probability in (0, 1] (a warning threshold, a goal to reach)."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("expected a probability such as 0.5, got '{text}'").format(text=text)) from None
    if not 0 < v <= 1:
        raise argparse.ArgumentTypeError(_("must lie in (0, 1], got {value}").format(value=v))
    return v


def _number(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("expected a number, got '{text}'").format(text=text)) from None
    if not math.isfinite(v):
        raise argparse.ArgumentTypeError(_("expected a finite number, got '{text}'").format(text=text))
    return v


def amount(text: str) -> float:
    """A finite number ≥ 0 (an effort budget [effort unit])."""
    v = _number(text)
    if v < 0:
        raise argparse.ArgumentTypeError(_("must be 0 or more, got {value}").format(value=text))
    return v


def amounts(text: str) -> list[float]:
    """Comma-separated finite numbers ≥ 0, at least one (budgets of a frontier)."""
    parts = [p.strip() for p in text.split(",")]
    if not any(parts):
        raise argparse.ArgumentTypeError(_("expected numbers separated by commas, e.g. 8,16,24"))
    out = []
    for p in parts:
        if not p:
            raise argparse.ArgumentTypeError(_("an empty item in '{text}': write numbers separated by single commas").format(text=text))
        out.append(amount(p))
    return out


def wholes(text: str) -> list[int]:
    """Comma-separated whole numbers ≥ 1, at least one (ranks)."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise argparse.ArgumentTypeError(_("expected whole numbers separated by commas, e.g. 1,2,3"))
    return sorted({positive(p) for p in parts})


def seconds(text: str) -> float:
    """A finite number of seconds > 0 (a time limit [s])."""
    v = _number(text)
    if v <= 0:
        raise argparse.ArgumentTypeError(_("must be more than 0 seconds, got {value}").format(value=text))
    return v


def scenario(text: str) -> Path:
    """A scenario folder (or its scenario.yaml), or the name of a shipped scenario (sanmen, district)."""
    return resolve(text)


def scenario_help() -> str:
    """The help of a SCENARIO argument, in the language in use."""
    return _("scenario folder (or its scenario.yaml), or a shipped scenario: {names}").format(names=", ".join(shipped_names()))


def memory_size(text: str) -> int:
    """A memory budget such as ``2GiB`` or ``500MB`` [bytes]."""
    from models.memory import parse_size

    try:
        return parse_size(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


"""Argument types shared by the commands: whole numbers with a bound, probabilities, scenario
folders, as argparse types."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..shipped import resolve, shipped_names


def _whole(text: str, least: int, words: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
    if v < least:
        raise argparse.ArgumentTypeError(f"{words}, got {v}")
    return v


def positive(text: str) -> int:
    """A whole number ≥ 1 (draws, chunk size)."""
    return _whole(text, 1, "must be at least 1")


def nonnegative(text: str) -> int:
    """A whole number ≥ 0 (seed, stream)."""
    return _whole(text, 0, "must be 0 or more")


def probability(text: str) -> float:
    """A probability in (0, 1] (a warning threshold, a goal to reach)."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a probability such as 0.5, got '{text}'") from None
    if not 0 < v <= 1:
        raise argparse.ArgumentTypeError(f"must lie in (0, 1], got {v}")
    return v


def scenario(text: str) -> Path:
    """A scenario folder (or its scenario.yaml), or the name of a shipped scenario (sanmen, district)."""
    return resolve(text)


SCENARIO_HELP = "scenario folder (or its scenario.yaml), or a shipped scenario: " + ", ".join(shipped_names())

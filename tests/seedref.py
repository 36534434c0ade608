"""The source document and the facts drawn from it, for the tests that check the shipped
scenarios against them. A copy lives in tests/data/reference so the checks never depend on
where shared/ sits (tests/test_reference_copy.py keeps it equal to shared/reference)."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REF = ROOT / "tests" / "data" / "reference"
SHARED_CANDIDATES = (ROOT.parent / "shared" / "reference", Path("/work/shared/reference"))


def squash(s: str) -> str:
    """Text without whitespace (the scraped source breaks lines inside words)."""
    return re.sub(r"\s+", "", s)


def facts() -> str:
    return squash((REF / "seed-facts.md").read_text(encoding="utf-8"))


def speech() -> str:
    return squash((REF / "seed-speeches.txt").read_text(encoding="utf-8"))

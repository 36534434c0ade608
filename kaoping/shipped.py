"""The scenarios that ship with kaoping (``scenarios/`` of the repository, packaged as
``kaoping/scenarios``), so that ``kaoping demo`` and ``kaoping score sanmen`` work from any folder
after ``pip install``."""
from __future__ import annotations

from pathlib import Path

SHIPPED = Path(__file__).resolve().parent / "scenarios"
DEFAULT = "sanmen"


def shipped_names() -> list[str]:
    """Names of the shipped scenarios (folders holding a scenario.yaml)."""
    if not SHIPPED.is_dir():
        return []
    return sorted(p.name for p in SHIPPED.iterdir() if (p / "scenario.yaml").is_file())


def resolve(arg: str) -> Path:
    """A scenario argument as a path: the folder (or scenario.yaml) if it exists here, else the
    shipped scenario of that name, else the path as given (the loader then says it is missing)."""
    p = Path(arg)
    if p.exists():
        return p
    shipped = SHIPPED / arg
    if not p.is_absolute() and (shipped / "scenario.yaml").is_file():
        return shipped
    return p

"""kaoping models: the scenario format, the exact scoring rules and the Monte Carlo projection.

Pure functions over numpy arrays with axes (draw, county, indicator); no solver, no files
beyond loading a scenario.

The names below are loaded on first use (PEP 562), so that importing one light module
(``models.i18n``, ``models.problems``) does not compile the scoring rules: the command line
starts in a fraction of a second."""
from __future__ import annotations

import importlib

#: public name -> the module that defines it
_WHERE = {"Problem": "problems", "ScenarioError": "problems", "Scenario": "scenario", "load_scenario": "scenario",
          "compile_scenario": "scoring", "score_all": "scoring", "score_assessment": "scoring"}

__all__ = list(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""kaoping models: the scenario format, the exact scoring rules and the Monte Carlo projection.

Pure functions over numpy arrays with axes (draw, county, indicator); no solver, no files
beyond loading a scenario."""
from .scenario import Problem, Scenario, ScenarioError, load_scenario
from .scoring import compile_scenario, score_all, score_assessment

__all__ = ["Problem", "Scenario", "ScenarioError", "load_scenario", "compile_scenario", "score_all", "score_assessment"]

"""The recommended plan's numbers are a function of the scenario, the seed and the options alone:
every stage of the recipe is bounded by work (moves, evaluations, annealing steps, nodes, draws),
and the wall clock is only a safety cap that, when it bites, is recorded with its stage
(``clock_cut``) and explained by ``kaoping reproduce``.

The clock test runs the recipe twice with fake clocks that advance by random, irregular amounts
on every reading (one run's clock ~50 times faster than the other's, both well below the caps):
before this change the replications' time shares, the warm starts' deadlines and the polish's
"while time is left" read that clock, so the two runs differed; now every figure agrees to the
last digit.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from kaoping.cli import main
from kaoping.commands.optimize import result_json
from models.scenario import load_scenario
from optimizer import clock as clock_mod
from optimizer import plan as plan_mod
from optimizer import recommend as rec
from optimizer import solver as solver_mod
from optimizer.request import Request

ROOT = Path(__file__).resolve().parent.parent
SANMEN = ROOT / "scenarios" / "sanmen"
FAST = ["--replications", "2", "--draws", "20", "--select-draws", "2000", "--report-draws", "1000"]
PATIENT = ["--time-limit", "900"]  # a cap no loaded machine reaches with FAST settings


class FakeTime:
    """A ``time`` module whose perf_counter advances by a random amount at every reading."""

    def __init__(self, seed: int, scale: float):
        self.rng = np.random.default_rng(seed)
        self.scale = scale
        self.now = 1000.0 * seed

    def perf_counter(self) -> float:
        self.now += self.scale * float(self.rng.exponential()) * float(self.rng.choice([0.1, 1.0, 5.0]))
        return self.now

    def __getattr__(self, name):  # anything else from the real module
        import time

        return getattr(time, name)


def _recipe(scn, req, monkeypatch, seed: int, scale: float) -> tuple[dict, list]:
    fake = FakeTime(seed, scale)
    for mod in (clock_mod, rec, plan_mod, solver_mod):
        monkeypatch.setattr(mod, "time", fake)
    res, sa = rec.recommend(scn, req, replications=2, n_draws=20, n_select=2000, n_report=1000, time_limit=600)
    out = result_json(scn, res, sa)
    out.pop("seconds")  # wall-clock: kept in the manifest, not in the results
    return out, sa.cut + [fake.now - 1000.0 * seed]


def test_recipe_gives_the_same_numbers_whatever_the_clock_says(monkeypatch):
    """sanmen, P(rank 1) at its budget: two runs whose clocks run at different, irregular speeds
    (about 1e-4 s and 5e-3 s per reading; neither reaches the 600 s cap: nothing is cut) give
    the same plan, values, baselines, candidates, replications and gap figures, to the last
    digit (the JSON the run folder records, without its wall-clock seconds)."""
    scn = load_scenario(SANMEN)
    req = Request(objective="rank-prob", assessment=scn.spec.assessments[0].name, rank=1,
                  budget=scn.spec.effort.budget, departments=dict(scn.spec.effort.departments))
    a, (*cut_a, elapsed_a) = _recipe(scn, req, monkeypatch, 1, 1e-4)
    b, (*cut_b, elapsed_b) = _recipe(scn, req, monkeypatch, 2, 5e-3)
    assert cut_a == cut_b == []
    assert elapsed_b > 10 * elapsed_a and elapsed_b < 600  # the clocks disagreed, well below the cap
    assert json.dumps(a, sort_keys=True, ensure_ascii=False, default=float) == \
        json.dumps(b, sort_keys=True, ensure_ascii=False, default=float)
    assert a["saa"]["stopped_by_clock"] is False and a["clock_cut"] == []
    assert {r["status"] for r in a["saa"]["replications"]} <= {"optimal", "node_limit_feasible"}


def test_a_polish_stopped_by_the_cap_is_recorded_with_its_stage(monkeypatch):
    """A clock that jumps past the cap once the selection sample is built: the polish is cut
    (its stage is recorded), nothing else is, and the run says it was stopped by the clock."""
    scn = load_scenario(SANMEN)
    req = Request(objective="rank-prob", assessment=scn.spec.assessments[0].name, rank=1,
                  budget=scn.spec.effort.budget, departments=dict(scn.spec.effort.departments))
    real_polish = rec.polish

    def late_polish(*a, **k):
        k["cap"].end = -np.inf  # the cap's moment has passed
        return real_polish(*a, **k)

    monkeypatch.setattr(rec, "polish", late_polish)
    res, sa = rec.recommend(scn, req, replications=2, n_draws=30, n_select=3000, n_report=2000, time_limit=600)
    assert sa.cut == ["polish"] and res.cut == ["polish"] and sa.stopped_by_clock


@pytest.fixture
def sanmen_copy(tmp_path) -> Path:
    d = tmp_path / "sanmen"
    shutil.copytree(SANMEN, d)
    return d


def _burn(seconds: float) -> list:
    """One busy process per core for at most ``seconds``: the machine loaded while the test runs."""
    import os
    import subprocess
    import sys

    code = f"import time\nend = time.time() + {seconds}\nwhile time.time() < end:\n    pass\n"
    return [subprocess.Popen([sys.executable, "-c", code]) for _ in range(os.cpu_count() or 2)]


def test_optimize_then_reproduce_matches_under_load(sanmen_copy, tmp_path, capsys):
    """The recipe on sanmen (fast settings) with every core kept busy by another process: the
    run is not cut by its cap, and reproduce re-runs it to the same numbers (一致 — MATCH —, exit 0)."""
    out = tmp_path / "run"
    procs = _burn(300)
    try:
        assert main(["optimize", str(sanmen_copy), *FAST, *PATIENT, "--out", str(out)]) == 0
        recorded = json.loads((out / "results.json").read_text(encoding="utf-8"))
        assert recorded["results"]["clock_cut"] == [] and not recorded["results"]["saa"]["stopped_by_clock"]
        capsys.readouterr()
        assert main(["reproduce", str(out)]) == 0
    finally:
        for p in procs:
            p.kill()
            p.wait()
    assert capsys.readouterr().out.strip() == "一致"  # MATCH, in the default Chinese


def test_a_run_its_time_limit_stopped_says_so_and_reproduce_explains(sanmen_copy, tmp_path, capsys):
    """--time-limit 0.05: the cap bites (the selection sample is cut after its first chunk at
    the latest); the run records which stages, and reproduce says plainly that the run was
    stopped by its time limit, in which stage, that its numbers depend on the machine's speed,
    and what to do (a larger --time-limit), whether or not the re-run happens to match."""
    out = tmp_path / "run"
    assert main(["optimize", str(sanmen_copy), *FAST, "--time-limit", "0.05", "--out", str(out)]) == 0
    recorded = json.loads((out / "results.json").read_text(encoding="utf-8"))
    cut = recorded["results"]["clock_cut"]
    assert recorded["results"]["saa"]["stopped_by_clock"] and "selection_sample" in cut
    assert set(cut) <= {"warm_start", "solve", "selection_sample", "polish"}
    capsys.readouterr()
    code = main(["reproduce", str(out), "--json"])
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["stopped_by_clock"] is True and code == (0 if verdict["match"] else 1)
    main(["reproduce", str(out)])
    said = capsys.readouterr().out
    assert "评估样本" in said or "selection sample" in said
    assert "--time-limit" in said and "0.05" in said


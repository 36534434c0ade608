"""`kaoping optimize` / `kaoping frontier` and the verification contract."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from kaoping.cli import main
from models.scenario import load_scenario
from models.scoring import compile_scenario
from optimizer import plan as plan_mod
from optimizer import recommend as rec
from optimizer import saa as saa_mod
from optimizer.request import Request
from optimizer.solver import SolveResult

TINY = Path(__file__).parent / "data" / "tiny"
EFFORT = "indicator,upto,cost\nexports,0.5,1\nexports,1.0,2\nenergy,0.05,1\nenergy,0.15,3\n"


@pytest.fixture()
def scen(tmp_path):
    d = tmp_path / "tiny"
    shutil.copytree(TINY, d)
    (d / "effort.csv").write_text(EFFORT, encoding="utf-8")
    return d


def test_optimize_json_verified(scen, capsys):
    """Score objective, budget 0.6: the plan's effort stays within it and the MILP objective
    equals the re-score (the command would fail otherwise)."""
    code = main(["optimize", str(scen), "--objective", "score", "--budget", "0.6", "--draws", "30", "--single", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["status"] == "optimal"
    assert abs(out["objective_value"] - out["rescored"]) <= 1e-6
    assert out["effort"] <= 0.6 + 1e-12
    assert out["objective_value"] >= out["baselines"]["even_split"]["out_of_sample"]["main"]["expected_score"] - 5


def test_optimize_infeasible_exits_3(scen, capsys, english):
    """Rank 1 against C (total 70 ± 2, A's best is about 20 points) cannot be had: exit 3, reason in words."""
    code = main(["optimize", str(scen), "--objective", "min-effort", "--rank", "1", "--prob", "0.5", "--draws", "20"])
    assert code == 3
    assert "out of reach" in capsys.readouterr().err


def test_optimize_bad_grade_exits_2(scen, capsys):
    code = main(["optimize", str(scen), "--objective", "grade-prob", "--grade", "特等", "--draws", "10"])
    assert code == 2
    assert "没有名为「特等」的等次" in capsys.readouterr().err  # unknown grade


def test_verification_raises_on_disagreement(scen, monkeypatch):
    """A solver that claims an objective the scoring model does not reproduce is caught."""
    scn = load_scenario(scen)
    real = plan_mod.solve

    def lying(problem, *a, **k):
        r = real(problem, *a, **k)
        return SolveResult(r.status, r.objective + 0.5, r.bound, r.gap, r.values, r.solver, r.version, r.seconds)

    monkeypatch.setattr(plan_mod, "solve", lying)
    with pytest.raises(plan_mod.VerificationError):
        plan_mod.optimize(scn, Request(objective="score", budget=0.6), n_draws=20, n_fresh=50, with_baselines=False)


def test_frontier_monotone(scen, capsys):
    """More budget never lowers the in-sample optimum (the feasible set only grows)."""
    code = main(["frontier", str(scen), "--budgets", "0,0.3,1.5", "--rank", "2", "--draws", "30", "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert code == 0
    vals = [r["objective_in_sample"] for r in rows]
    assert len(vals) == 3 and all(b >= a - 1e-9 for a, b in zip(vals, vals[1:]))
    assert rows[0]["effort_used"] == 0.0
    _ = np


def test_saa_best_plan_is_the_best_on_fresh_draws(scen):
    """SAA: the kept plan has the highest fresh value of the replications, and its reported
    lower estimate is exactly that value; the gap is upper − lower."""
    scn = load_scenario(scen)
    sa = saa_mod.saa(scn, Request(objective="rank-prob", rank=2, budget=0.6), replications=3, n_draws=20, n_eval=300)
    fresh = [r["fresh"] for r in sa.replications]
    assert sa.lower == max(fresh)
    assert sa.best.plan.tolist() == sa.replications[int(np.argmax(fresh))]["plan"]
    assert abs(sa.gap - (sa.upper - sa.lower)) < 1e-12
    assert all(r["bound"] >= r["objective"] - 1e-9 for r in sa.replications)


def test_saa_gap_terms_are_bounds_minus_the_plan_on_the_same_draws(scen):
    """SAA: each replication's gap term is its MILP bound minus the chosen plan's value on that
    replication's own draws (re-scored here by the scoring model), never negative (the bound
    holds for every plan on that sample); the reported mean is their mean, and the upper
    bound adds a Student-t margin to it."""
    scn = load_scenario(scen)
    req = Request(objective="rank-prob", rank=2, budget=0.6)
    res, sa = rec.recommend(scn, req, replications=3, n_draws=20, n_select=2000, n_report=2000, time_limit=600)
    for m, r in enumerate(sa.replications):
        cs, levels, d, tables = plan_mod.prepare_draws(scn, compile_scenario(scn), res.levels, 20,
                                                       scn.spec.simulation.seed, 0, 20 * m)
        value, _ = plan_mod.rescore(cs, d.values, d.totals, tables, req, res.plan)
        assert r["gap_term"] == pytest.approx(r["bound"] - value, abs=1e-12)
        assert r["gap_term"] >= -1e-9
    g = [r["gap_term"] for r in sa.replications]
    assert sa.gap_mean == pytest.approx(np.mean(g), abs=1e-12)
    assert sa.gap_upper >= sa.gap_mean


def test_optimize_default_is_the_saa_recipe(scen, capsys):
    """`optimize` without --single: M samples solved by the MILP, the candidates compared on the
    selection sample, the value and the baselines' reported on the untouched report sample."""
    code = main(["optimize", str(scen), "--objective", "rank-prob", "--rank", "2", "--budget", "0.6", "--draws", "30",
                 "--replications", "3", "--select-draws", "3000", "--report-draws", "3000", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    reps = out["saa"]["replications"]
    assert len(reps) == 3 and all(r["status"] == "optimal" for r in reps)
    assert out["saa"]["value"] == out["out_of_sample"]["main"]["p_rank"]
    assert out["saa"]["samples"]["report"] == {"stream": 2, "start": 0, "draws": 3000}
    assert set(out["baselines"]) >= {"speech_rule", "greedy_points_per_effort", "even_split"}
    assert out["effort"] <= 0.6 + 1e-12
    best = [c for c in out["saa"]["candidates"] if c["best"]]
    assert len(best) == 1 and best[0]["diff_vs_best"] == 0
    assert all(c["selection"] <= best[0]["selection"] for c in out["saa"]["candidates"])


def test_optimize_min_effort_solves_one_sample(scen, capsys):
    """min-effort has no SAA recipe: the default runs the single-sample solve (no SAA block)."""
    code = main(["optimize", str(scen), "--objective", "min-effort", "--rank", "2", "--prob", "0.3", "--draws", "20",
                 "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["saa"] is None and out["status"] == "optimal"


def test_plan_table_lists_the_pushed_indicators_first(scen):
    """Budget 0.3 buys a push on energy (the scheme's second indicator) but none on exports (the
    first): energy comes first in the plan table, the totals row last."""
    scn = load_scenario(scen)
    res = plan_mod.optimize(scn, Request(objective="score", budget=0.3), n_draws=30, n_fresh=50, with_baselines=False)
    assert res.table["指标"].tolist() == ["energy", "exports", "合计"]
    assert res.table["档位"].iloc[0] > 0 and res.table["档位"].iloc[1] == 0

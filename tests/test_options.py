"""Option levels, effort from the cost curve, and option tables, against hand-computed numbers."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from models.options import curve_cost, evaluate, option_levels, option_tables
from models.scenario import build_scenario
from models.scorecard import central_values
from models.scoring import compile_scenario

TINY = Path(__file__).parent / "data" / "tiny"
EFFORT = "indicator,upto,cost\nexports,0.5,1\nexports,1.0,2\nenergy,0.05,1\nenergy,0.15,3\n"


def tiny(effort: str = EFFORT):
    data = yaml.safe_load((TINY / "scenario.yaml").read_text(encoding="utf-8"))
    return build_scenario(data, (TINY / "forecasts.csv").read_text(encoding="utf-8"), effort)


def test_curve_cost_by_hand():
    """Segments [0, 0.5] at 1 per unit and [0.5, 1.0] at 2: push 0.75 costs 0.5·1 + 0.25·2 = 1.0;
    push 1.0 costs 1.5; push 0.2 costs 0.2."""
    up, cost = np.array([0.5, 1.0]), np.array([1.0, 2.0])
    np.testing.assert_allclose(curve_cost(np.array([0.0, 0.2, 0.75, 1.0]), up, cost), [0.0, 0.2, 1.0, 1.5])


def test_levels_of_tiny():
    """exports: forecast 4.5, full 5.0 → breakpoint push 0.5; over-full staircase ends at 5.6
    (push 1.1) beyond the reach 1.0; grid 3 → 0, .125, …, 1.0 (9 levels). energy (lower is
    better): forecast 0.82, basic 0.80 → push 0.02, full 0.70 → push 0.12, reach 0.15 → 13 levels;
    effort at push 0.12: 0.05·1 + 0.07·3 = 0.26."""
    scn = tiny()
    cs = compile_scenario(scn)
    L = option_levels(scn, cs, central_values(scn, cs))
    np.testing.assert_allclose(L.push[0], np.arange(9) * 0.125)
    assert L.kind[0][4] == "breakpoint" and L.kind[0][0] == "status quo" and L.kind[0][-1] == "max"
    np.testing.assert_allclose(L.push[1][[0, 4, 8, 12]], [0.0, 0.02, 0.12, 0.15])
    np.testing.assert_allclose(L.effort[1][8], 0.26)
    np.testing.assert_allclose(L.value[1][4], 0.80)
    assert L.offsets.tolist() == [0, 9, 22]


def test_no_effort_rows_no_push():
    scn = tiny("indicator,upto,cost\nexports,1.0,1\n")
    cs = compile_scenario(scn)
    L = option_levels(scn, cs, central_values(scn, cs))
    assert L.names == ("exports",)


def test_peer_relative_table_moves_the_rival():
    """Efficacy (base 60, span 40, points 10) between two counties with fixed values: home 10,
    rival 12. Status quo: home is worst → 6 points, rival best → 10. Pushing home by 3 (to 13)
    makes it the best: home 10, rival 6. The table records both counties' points per option."""
    data = {"scenario": {"name": "eff", "year": 2024, "elapsed": 0.5, "home": "H"},
            "counties": [{"name": "H", "peer_class": "k"}, {"name": "R", "peer_class": "k"}],
            "assessments": [{"name": "main", "blocks": [{"name": "core"}],
                             "indicators": [{"name": "e", "block": "core", "points": 10, "rule": {"kind": "efficacy"}}],
                             "grades": {"by": "rank", "levels": [{"grade": "一等", "max_rank": 1}, {"grade": "二等"}]}}],
            "effort": {"grid": 0}}
    f = "county,indicator,dist,mean\nH,e,fixed,10\nR,e,fixed,12\n"
    scn = build_scenario(data, f, "indicator,upto,cost\ne,3,1\n")
    cs = compile_scenario(scn)
    L = option_levels(scn, cs, central_values(scn, cs))
    np.testing.assert_allclose(L.push[0], [0.0, 3.0])
    v = np.broadcast_to(central_values(scn, cs), (4, 2, 1)).copy()
    T = option_tables(v, {}, cs, L)
    t = T.assessments[0]
    np.testing.assert_allclose(t.core[0], [[6.0, 10.0], [10.0, 6.0]])  # [county, option]
    out = evaluate(t, L, np.array([1]))
    np.testing.assert_allclose(out.total[0], [10.0, 6.0])
    assert out.rank[0].tolist() == [1, 2]

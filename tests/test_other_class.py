"""Counties outside the home county's ranking class are not ranked against it: the scorecard and
the projection tables show them without a rank (and the scorecard without a grade), never as tied
first of their own class (issue 18 item 5)."""
from __future__ import annotations

import numpy as np
import pytest

from models.projection import simulate
from models.scenario import load_scenario
from models.scorecard import scorecard

A = "发展目标考核"  # sanmen: 三门 ranked in the class 仙居 天台 三门; six others in another class
MINE = ["仙居", "天台", "三门"]
OTHERS = ["临海", "椒江", "温岭", "玉环", "路桥", "黄岩"]


@pytest.fixture(scope="module")
def scn():
    return load_scenario("scenarios/sanmen")


def test_scorecard_ranks_only_the_home_class(scn):
    """At the forecasts 仙居 48.68, 天台 48.38, 三门 48.08 rank 1, 2, 3 (graded 一等, 二等, 三等 by
    rank); the six others, each at 70 (tied first of their own class before), show "—"."""
    df = scorecard(scn)[f"{A}/counties"].set_index("县市区")
    assert list(df.index) == MINE + sorted(OTHERS)
    assert df.loc[MINE, "排名"].tolist() == [1, 2, 3]
    assert df.loc[MINE, "等次"].tolist() == ["一等", "二等", "三等"]
    assert (df.loc[OTHERS, "排名"] == "—").all() and (df.loc[OTHERS, "等次"] == "—").all()
    assert df.loc[OTHERS, "总分 [分]"].tolist() == pytest.approx([70.0] * 6)


def test_projection_ranks_only_the_home_class(scn):
    a = simulate(scn, draws=400, seed=3, chunk=400).assessment(A)
    s = a.summary.set_index("县市区")
    for col in ("平均排名", "中位排名", "5%分位排名", "95%分位排名"):
        assert s.loc[OTHERS, col].isna().all() and s.loc[MINE, col].notna().all()
    ranks = a.ranks[:, [a.counties.index(c) for c in MINE]]
    np.testing.assert_allclose(s.loc[MINE, "平均排名"].to_numpy(), ranks.mean(axis=0))
    assert set(a.rank_probs["县市区"]) == set(MINE)
    m = a.rank_matrix()
    assert list(m.index) == [c for c in a.counties if c in MINE] and list(m.columns) == [1, 2, 3]
    np.testing.assert_allclose(m.sum(axis=1).to_numpy(), 1.0)
    np.testing.assert_allclose(m.loc["三门"].to_numpy(), a.home_rank_probs())

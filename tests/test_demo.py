"""The demo's story (kaoping/commands/demo.py): the commands it shows are real ones whose options
parse, its light settings are lighter than the commands' defaults that it names as the full ones,
and the figures it narrates are the models' (no command run here: the demo's steps are the
commands, tested on their own)."""
from __future__ import annotations

from argparse import Namespace
from pathlib import Path

import numpy as np
import pytest

from kaoping.cli import build_parser
from kaoping.commands import demo
from kaoping.commands._argtypes import scenario
from kaoping.shipped import DEFAULT
from models.forecast_gap import forecast_gap
from optimizer.aids.common import push_vector, study
from optimizer.request import Request


def story(tmp_path=None, full=False, no_aids=False):
    args = Namespace(scenario=scenario(DEFAULT), full=full, no_aids=no_aids)
    return demo.Story(args, None if no_aids or tmp_path is None else str(tmp_path / "plan"))


def test_every_step_is_a_command_whose_options_parse(tmp_path):
    p = build_parser()
    for full in (False, True):
        s = story(tmp_path, full)
        got = [st.argv[0] for st in demo.steps(s)]
        assert got == ["score", "simulate", "optimize", "rivals", "attribute", "goal-seek", "robust", "adjust"]
        for st in demo.steps(s):
            args = p.parse_args(st.argv)
            if full:  # the full settings are the commands' own defaults: nothing added but the plan and the goal
                assert "--draws" not in st.argv and "--time-limit" not in st.argv
            elif st.argv[0] != "score":
                assert st.argv[0] == "optimize" or args.draws == demo.LIGHT.draws
    assert [st.argv[0] for st in demo.steps(story(no_aids=True))] == ["score", "simulate", "optimize"]


def test_the_full_settings_named_are_the_commands_defaults_and_the_light_ones_lighter():
    from kaoping.commands.optimize import SAA_REPLICATIONS

    p = build_parser()
    opt = p.parse_args(["optimize", "sanmen"])
    adj = p.parse_args(["adjust", "sanmen", "--share", "10%"])
    full = dict(replications=SAA_REPLICATIONS, select_draws=opt.select_draws, report_draws=opt.report_draws,
                time_limit=opt.time_limit, resolve=adj.resolve, aid_replications=adj.replications,
                aid_time_limit=adj.time_limit)
    assert demo.FULL_WORDS == full
    for k, v in full.items():
        assert getattr(demo.LIGHT, k) < v, k
    s = story()
    assert demo.LIGHT.draws < s.scn.spec.simulation.draws


def test_the_gap_told_is_the_models(english):
    """After simulate: the mean total, the total at the forecasts, their difference and the cost of
    uncertainty are models.forecast_gap's on the demo's draws, and the items named are its largest."""
    s = story()
    g = forecast_gap(s.scn, draws=demo.LIGHT.draws)
    text = demo._after_simulate(s)
    for v in (g.mean_total, g.total_at_forecast, g.total_at_forecast - g.mean_total, g.uncertainty.sum()):
        assert f"{v:.2f}" in text
    assert f"first in {g.rank_probs[0]:.0%}" in text
    for k in g.largest(3):
        assert f"{g.indicators[k]} (" in text


def test_the_plan_told_is_scored_on_the_aids_draws(tmp_path, english):
    """After optimize: a plan pushing 满意指数 by 0.5 分 and 沿海产业带 by 2 分 (a hand-written plan.csv):
    P(rank 1) and the expected total without and with it on the aids' draws (optimizer.aids.common.study)."""
    plan = tmp_path / "plan"
    plan.mkdir()
    (plan / "plan.csv").write_text("指标,推进量\n满意指数,0.5\n沿海产业带,2\n", encoding="utf-8")
    s = story(tmp_path)
    text = demo._after_optimize(s)
    push = push_vector(s.scn, {"满意指数": 0.5, "沿海产业带": 2.0})
    st = study(s.scn, Request(assessment=s.assessment), push, n_draws=demo.LIGHT.draws)
    h = st.home
    now, planned = st.scores(push=np.zeros_like(push)), st.plan_scores
    p0, p1 = (now.rank[:, h] <= 1).mean(), (planned.rank[:, h] <= 1).mean()
    assert p1 > p0
    assert f"from {p0:.0%} to {p1:.0%}" in text
    assert f"from {now.total[:, h].mean():.2f} to {planned.total[:, h].mean():.2f}" in text
    assert "pushes 2 indicators (沿海产业带 +2 分, 满意指数 +0.5 分)" in text
    assert "2 of them are just above basic" in text  # both 仅基本分 at the forecasts (85.6 vs 85, 80.3 vs 80)


def test_the_story_is_chinese_by_default():
    s = story()
    assert demo.steps(s)[0].before.startswith("第 1 步")
    assert demo.next_steps(s).startswith("本演示用的是轻量设置")

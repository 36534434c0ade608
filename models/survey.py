"""Satisfaction surveys from answer counts (R15): the index, and its sampling error in the Monte Carlo.

A survey rule with ``answers`` scores an index [0–100] computed from answer counts (surveys.csv):

    index = Σ_channels W_h · 100 · Σ_a w_a·n_ha / Σ_{a counted} n_ha

with the answer weights w_a (满意 1.00, 基本满意 0.75, 不满意 0.55), the answers left out of the
denominator (不了解: excluded, weight 0) and the channel weights W_h (电话 60 %, 问卷 40 %). A
channel without a counted answer scores 0. At the forecast the counts are the table's; in the
Monte Carlo each channel's counts are drawn as Multinomial(n_h, n_ha / n_h), n_h the channel's
sample size, so the sampling error of a survey is part of the projection.

Draws come in blocks of the projection's block size, block b from its own generator
``SeedSequence([seed, stream, b, SURVEY_STREAM])`` (independent of the forecasts' normals), so the
numbers do not depend on the chunking.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SURVEY_STREAM = 0x5355  # "SU": separates the survey generator of a block from the forecasts'


@dataclass(frozen=True)
class SurveyTable:
    """Counted surveys as padded arrays over m cells (county, survey indicator), H channels and K
    answers: ``cells`` (m,) into the flattened (C, I) value array; ``n`` (m, H) sample sizes;
    ``p`` (m, H, K) answer shares; ``weight`` (m, K) answer weights (0 when excluded or padding);
    ``counted`` (m, K) in the denominator; ``channel`` (m, H) channel weights (0 for padding)."""

    cells: np.ndarray
    n: np.ndarray
    p: np.ndarray
    weight: np.ndarray
    counted: np.ndarray
    channel: np.ndarray
    counts: np.ndarray  # (m, H, K) the table's counts


def survey_table(scn, cs) -> SurveyTable | None:
    """Compile the scenario's counted surveys (None when it has none)."""
    rows = getattr(scn, "survey_rows", ())
    if not rows:
        return None
    I = len(cs.indicators)
    by_cell: dict[tuple[str, str], dict] = {}
    for r in rows:
        by_cell.setdefault((r.county, r.indicator), {})[(r.channel, r.answer)] = r.count
    cells, specs = [], []
    for (county, name), counts in sorted(by_cell.items(), key=lambda kv: (cs.counties.index(kv[0][0]),
                                                                           cs.indicators.index(kv[0][1]))):
        rule = scn.indicator(name).rule
        answers = list(rule.answers) + list(rule.excluded)
        channels = list(rule.channel_weights)
        cells.append(cs.counties.index(county) * I + cs.indicators.index(name))
        specs.append((rule, answers, channels, counts))
    m = len(specs)
    H = max(len(s[2]) for s in specs)
    K = max(len(s[1]) for s in specs)
    n = np.zeros((m, H), dtype=np.int64)
    cnt = np.zeros((m, H, K))
    weight = np.zeros((m, K))
    counted = np.zeros((m, K), dtype=bool)
    chw = np.zeros((m, H))
    for i, (rule, answers, channels, counts) in enumerate(specs):
        for k, a in enumerate(answers):
            weight[i, k] = rule.answers.get(a, 0.0)
            counted[i, k] = a in rule.answers
        for h, ch in enumerate(channels):
            chw[i, h] = rule.channel_weights[ch]
            for k, a in enumerate(answers):
                cnt[i, h, k] = counts.get((ch, a), 0)
    n[:] = cnt.sum(axis=-1).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(n[..., None] > 0, cnt / n[..., None], 0.0)
    p[n == 0, 0] = 1.0  # padding channels: a valid share vector, never drawn from (n = 0)
    return SurveyTable(np.array(cells, dtype=np.intp), n, p, weight, counted, chw, cnt)


def survey_index(counts: np.ndarray, st: SurveyTable) -> np.ndarray:
    """Index [0–100] (…, m) from answer counts (…, m, H, K)."""
    num = (counts * st.weight[:, None, :]).sum(axis=-1)
    den = (counts * st.counted[:, None, :]).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(den > 0, 100.0 * num / den, 0.0)
    return (score * st.channel).sum(axis=-1)


def central_indices(st: SurveyTable) -> np.ndarray:
    """(m,) the index at the table's counts [0–100]."""
    return survey_index(st.counts, st)


def draw_indices(st: SurveyTable, n: int, seed: int, stream: int, start: int, block: int) -> np.ndarray:
    """(n, m) indices of draws [start, start + n): each channel's counts drawn multinomially."""
    out = np.empty((n, len(st.cells)))
    pos, end = start, start + n
    while pos < end:
        b = pos // block
        lo, hi = pos - b * block, min(end - b * block, block)
        rng = np.random.default_rng(np.random.SeedSequence([seed, stream, b, SURVEY_STREAM]))
        counts = rng.multinomial(st.n, st.p, size=(block,) + st.n.shape)  # (block, m, H, K)
        out[pos - start:pos - start + hi - lo] = survey_index(counts[lo:hi], st)
        pos += hi - lo
    return out

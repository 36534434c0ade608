"""Chinese labels render: no missing-glyph warning, and the CJK font is the one drawn with.

The figure is saved to test-artifacts/fonts_cjk.png for a look by eye.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from kaoping.fonts import PROBE_TEXT, use_cjk_font  # noqa: E402
from kaoping import fonts  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def _draw_chinese_figure(path: Path) -> None:
    """Title, axis labels, tick labels, legend and a free text, all Chinese, saved as PNG."""
    counties = ["三门县", "天台县", "仙居县", "临海市"]
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    try:
        ax.bar(counties, [92.5, 88.0, -3.5, 85.25], label="综合得分")
        ax.set_title("市对县考核：得分与排名（一等/二等/三等）")
        ax.set_xlabel("竞争县")
        ax.set_ylabel("得分 [分]")
        ax.text(0.5, 0.5, PROBE_TEXT[:12], transform=ax.transAxes, ha="center")
        ax.legend(title="图例")
        fig.savefig(path)
    finally:
        plt.close(fig)


def test_chinese_figure_renders_without_missing_glyphs():
    """Every glyph of the Chinese title, labels and ticks exists in the font that draws it.

    matplotlib warns "Glyph N (...) missing from font(s) DejaVu Sans." for each character it
    cannot draw; as an error (warnings are errors here) that fails the save. Without
    use_cjk_font() this test fails on the first Chinese character.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    out = ARTIFACTS / "fonts_cjk.png"
    name = use_cjk_font()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            _draw_chinese_figure(out)
        finally:
            missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == [], missing[:3]
    # Raise any other warning too, the house rule being warnings-as-errors.
    assert [str(w.message) for w in caught] == []
    assert out.stat().st_size > 10_000  # a real 600x400 picture, not an empty canvas
    # The default sans-serif lookup now lands on the CJK font file.
    assert font_manager.findfont(font_manager.FontProperties(family=["sans-serif"])) == fonts.cjk_font_path()
    assert name == matplotlib.rcParams["font.sans-serif"][0]


def test_use_cjk_font_is_idempotent_and_survives_rcdefaults():
    """A second call registers nothing new and returns the same name; it re-applies after rcdefaults."""
    first = use_cjk_font()
    n_fonts = len(font_manager.fontManager.ttflist)
    sans = list(matplotlib.rcParams["font.sans-serif"])
    assert use_cjk_font() == first
    assert len(font_manager.fontManager.ttflist) == n_fonts
    assert list(matplotlib.rcParams["font.sans-serif"]) == sans
    assert sans.count(first) == 1
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        assert matplotlib.rcParams["font.sans-serif"][0] != first
        assert use_cjk_font() == first
        assert matplotlib.rcParams["font.sans-serif"][0] == first
        assert matplotlib.rcParams["font.family"] == ["sans-serif"]


def test_chosen_font_has_every_probe_glyph_and_dejavu_has_none():
    """The character-map check accepts the chosen font and rejects DejaVu Sans (no CJK at all)."""
    assert fonts._has_glyphs(fonts.cjk_font_path())
    dejavu = font_manager.findfont(font_manager.FontProperties(family=["DejaVu Sans"]))
    assert not fonts._has_glyphs(dejavu)
    assert fonts._has_glyphs(dejavu, "kaoping 0123")


def test_chinese_figure_fails_without_font_setup(monkeypatch):
    """The glyph check has teeth: with rcParams back at matplotlib's defaults (DejaVu Sans),
    drawing the same figure raises the missing-glyph warning as an error."""
    ARTIFACTS.mkdir(exist_ok=True)
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(UserWarning, match=r"Glyph \d+ .* missing from font"):
                _draw_chinese_figure(ARTIFACTS / "fonts_without_setup.png")

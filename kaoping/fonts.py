"""Chinese labels that render: pick a CJK font and make matplotlib use it.

Call :func:`use_cjk_font` once before drawing a figure with Chinese text (titles,
axis labels, tick labels, legends). Without it matplotlib falls back to DejaVu Sans,
which has no CJK glyphs, and every character comes out as an empty box (tofu) with a
``Glyph ... missing from font(s)`` warning.

Where the font comes from, in order:

1. a CJK font already known to matplotlib on this machine (Noto Sans CJK SC, Source Han
   Sans, WenQuanYi, Microsoft YaHei, PingFang, ...), accepted only if it really has the
   glyphs we draw (checked in its character map);
2. otherwise Noto Sans CJK SC (SIL Open Font License) as shipped inside the ``mplfonts``
   wheel, a project dependency, so a fresh machine needs no system font packages.
   The package is not imported; only its font file is read.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from .i18n import _

__all__ = ["use_cjk_font", "cjk_font_path", "FontUnavailable", "PROBE_TEXT"]

#: Characters the project's figures draw; a font must have every one of them.
PROBE_TEXT = "考评县市一二三等次得分排名基本任务满分指标竞争推进工作量概率"

#: Machine fonts tried first, most preferred first (family names as matplotlib reports them).
MACHINE_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "SimHei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
)

#: The font file shipped by the ``mplfonts`` distribution (relative to its package folder).
PACKAGED_DISTRIBUTION = "mplfonts"
PACKAGED_FILE = Path("fonts") / "NotoSansCJKsc-Regular.otf"


class FontUnavailable(RuntimeError):
    """No font with Chinese glyphs could be found."""


_chosen: tuple[str, str] | None = None  # (family name, file path) once found


def _has_glyphs(path: str, text: str = PROBE_TEXT) -> bool:
    """True when the font file at ``path`` maps every character of ``text`` to a glyph."""
    try:
        font = FT2Font(path)
    except (OSError, RuntimeError, ValueError):
        return False
    return all(font.get_char_index(ord(ch)) != 0 for ch in text)


def _machine_font() -> tuple[str, str] | None:
    by_name: dict[str, list[str]] = {}
    for entry in font_manager.fontManager.ttflist:
        by_name.setdefault(entry.name, []).append(entry.fname)
    for family in MACHINE_FAMILIES:
        for path in by_name.get(family, ()):
            if _has_glyphs(path):
                return family, path
    return None


def _packaged_font_file() -> Path | None:
    spec = importlib.util.find_spec(PACKAGED_DISTRIBUTION)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / PACKAGED_FILE
        if candidate.is_file():
            return candidate
    return None


def _register(path: Path) -> str:
    """Add the font file to matplotlib's font manager once; return its family name."""
    path_str = str(path)
    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    if path_str not in known:
        font_manager.fontManager.addfont(path_str)
    return font_manager.FontProperties(fname=path_str).get_name()


def _find() -> tuple[str, str]:
    found = _machine_font()
    if found is not None:
        return found
    packaged = _packaged_font_file()
    if packaged is not None and _has_glyphs(str(packaged)):
        return _register(packaged), str(packaged)
    raise FontUnavailable(_(
        "No font with Chinese glyphs found: no CJK font is installed on this machine and the '{package}' package "
        "(which ships Noto Sans CJK SC) is missing. Run `make install` (or `pip install -e .`) to install the "
        "project's dependencies.").format(package=PACKAGED_DISTRIBUTION))


def cjk_font_path() -> str:
    """Path of the font file :func:`use_cjk_font` uses (found on first call, then cached)."""
    global _chosen
    if _chosen is None:
        _chosen = _find()
    return _chosen[1]


def use_cjk_font() -> str:
    """Make matplotlib draw Chinese text; return the font's family name.

    Registers the font with ``matplotlib.font_manager`` (once), puts it first in
    ``rcParams['font.sans-serif']`` with the previous fonts kept behind it as per-glyph
    fallbacks, selects the sans-serif family and turns off ``axes.unicode_minus`` (the
    Unicode minus sign is missing from some CJK fonts). Idempotent: calling it again
    re-applies the same settings (useful after ``rcdefaults()`` or a style change) and
    registers nothing new.

    Raises
    ------
    FontUnavailable
        when neither a machine font nor the packaged font has the glyphs.
    """
    cjk_font_path()
    assert _chosen is not None
    family, path = _chosen
    if path not in {entry.fname for entry in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(path)
    rest = [name for name in mpl.rcParams["font.sans-serif"] if name != family]
    mpl.rcParams["font.sans-serif"] = [family, *rest]
    mpl.rcParams["font.family"] = ["sans-serif"]
    mpl.rcParams["axes.unicode_minus"] = False
    return family

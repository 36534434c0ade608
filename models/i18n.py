"""Words for people: every string a user reads passes through a layer's ``_`` (gettext).

Chinese by default; English with ``KAOPING_LANG=en``, ``kaoping --lang en`` or
:func:`set_language`. A msgid is the string as first written in the code: Chinese for the words
planners read in tables (headers, statuses, grades), English for messages. Each layer keeps its
own catalogue, ``<layer>/locale/<lang>/LC_MESSAGES/<layer>.po`` (compiled to ``.mo`` by
``make i18n``), which gives the other language, so a string is written once in the code and once
per translation. Placeholders are named (``_("unknown county '{county}'").format(county=c)``)
so that a translation may put them in another order.

Translate at the moment of use, never at import: a module-level constant would freeze the
language of the moment it was imported. Mark such strings with :func:`N_` and pass them through
``translate`` (``_`` by another name: ``_`` itself takes literals only, so that the catalogue has
every string it is given) where they are shown.
"""
from __future__ import annotations

import gettext
import os
import re
from collections.abc import Callable
from pathlib import Path

LANGUAGES = ("zh", "en")
DEFAULT = "zh"
_chosen: list[str | None] = [None]  # set_language's choice; None: the environment decides
_cache: dict[tuple, gettext.NullTranslations] = {}
_CJK = re.compile(r"[\u3400-\u9fff]")
MISSING = "—"  # a word missing from a table (no grade recorded, no progress to tell), in every language


def language() -> str:
    """The language in use: :func:`set_language`'s, else ``KAOPING_LANG`` (``zh``, ``en``, or a locale
    such as ``en_US.UTF-8``), else Chinese."""
    lang = _chosen[0] or os.environ.get("KAOPING_LANG") or DEFAULT
    lang = lang.split(".")[0].split("_")[0].split("-")[0].lower()
    return lang if lang in LANGUAGES else DEFAULT


def set_language(lang: str | None) -> None:
    """Use ``lang`` ('zh' or 'en') from now on; None returns the choice to ``KAOPING_LANG``."""
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: one of {', '.join(LANGUAGES)}")
    _chosen[0] = lang


def source_language(msgid: str) -> str:
    """The language a msgid is written in: 'zh' when it holds Chinese characters, else 'en'."""
    return "zh" if _CJK.search(msgid) else "en"


def catalogue(package_dir: Path, domain: str) -> Callable[[str], str]:
    """The ``_`` of one layer: its strings in the language in use, from
    ``package_dir/locale/<lang>/LC_MESSAGES/<domain>.mo``; a string the catalogue lacks passes
    unchanged (as does every string already in the language in use)."""
    locale = Path(package_dir) / "locale"

    def _(msgid: str) -> str:
        lang = language()
        key = (domain, lang)
        if key not in _cache:
            _cache[key] = gettext.translation(domain, locale, languages=[lang], fallback=True)
        return _cache[key].gettext(msgid)

    return _


def listing(items) -> str:
    """Items named in a message, separated as the language in use separates them ('a, b' or 'a、b')."""
    return _(", ").join(str(i) for i in items)


def N_(msgid: str) -> str:
    """Marks ``msgid`` for the catalogue without translating it now (translate it with ``_``
    where it is shown)."""
    return msgid


_ = catalogue(Path(__file__).resolve().parent, "models")
translate = _  # the same, for a msgid held in a variable (marked with N_ where it is written): ``_`` takes literals only

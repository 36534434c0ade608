"""Words for people: every string a user reads passes through :func:`_` (gettext).

Chinese by default; English with ``KAOPING_LANG=en``, ``kaoping --lang en`` or
:func:`set_language`. A msgid is the string as first written in the code: Chinese for the words
planners read in tables (headers, statuses, grades), English for messages. Each language's
catalogue, ``models/locale/<lang>/LC_MESSAGES/kaoping.po`` (compiled to ``.mo`` by ``make i18n``),
gives the other language, so a string is written once in the code and once per translation.
Placeholders are named (``_("unknown county '{county}'").format(county=c)``) so that a
translation may put them in another order.

Translate at the moment of use, never at import: a module-level constant would freeze the
language of the moment it was imported (mark such strings with :func:`N_` and pass them
through :func:`_` where they are shown).
"""
from __future__ import annotations

import gettext
import os
from pathlib import Path

LOCALE = Path(__file__).resolve().parent / "locale"
DOMAIN = "kaoping"
LANGUAGES = ("zh", "en")
DEFAULT = "zh"
_chosen: list[str | None] = [None]  # set_language's choice; None: the environment decides
_cache: dict[str, gettext.NullTranslations] = {}


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


def translation(lang: str | None = None) -> gettext.NullTranslations:
    """The catalogue of ``lang`` (default: the language in use); strings it lacks pass unchanged."""
    lang = lang or language()
    if lang not in _cache:
        _cache[lang] = gettext.translation(DOMAIN, LOCALE, languages=[lang], fallback=True)
    return _cache[lang]


def _(msgid: str) -> str:
    """``msgid`` in the language in use."""
    return translation().gettext(msgid)


def N_(msgid: str) -> str:
    """Marks ``msgid`` for the catalogue without translating it now (translate it with :func:`_`
    where it is shown)."""
    return msgid

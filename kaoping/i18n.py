"""This layer's words in the language in use (see :mod:`models.i18n`): ``_`` translates a msgid from
``kaoping/locale/<lang>/LC_MESSAGES/kaoping.po``; :func:`N_` marks one for later."""
from __future__ import annotations

from pathlib import Path

from models.i18n import N_, catalogue

_ = catalogue(Path(__file__).resolve().parent, "kaoping")

__all__ = ["N_", "_"]

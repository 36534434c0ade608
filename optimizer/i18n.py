"""This layer's words in the language in use (see :mod:`models.i18n`): ``_`` translates a msgid from
``optimizer/locale/<lang>/LC_MESSAGES/optimizer.po``; :func:`N_` marks one for later, and
``translate`` (``_`` by another name) translates a marked msgid held in a variable."""
from __future__ import annotations

from pathlib import Path

from models.i18n import MISSING, N_, catalogue, listing

_ = catalogue(Path(__file__).resolve().parent, "optimizer")
translate = _  # for a msgid held in a variable (marked with N_ where it is written): ``_`` takes literals only

__all__ = ["MISSING", "N_", "_", "listing", "translate"]

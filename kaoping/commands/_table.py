"""A table as the commands print it: missing values as "—", True/False as words, in the language in use."""
from __future__ import annotations

from typing import TYPE_CHECKING

from models.i18n import MISSING

from ..i18n import _

if TYPE_CHECKING:
    import pandas as pd


def text(df: pd.DataFrame, index: bool = False) -> str:
    """``df`` as text (pandas' layout; the display options of the caller apply)."""
    shown = df.copy()
    for c in shown.columns:
        if shown[c].dtype == bool:
            shown[c] = shown[c].map({True: _("是"), False: _("否")})
    return shown.to_string(index=index, na_rep=MISSING)

"""Progress on stderr for long work: a tqdm bar, shown only when stderr is a terminal.

The science and the decisions never touch the terminal; they take a ``progress`` callback
(called with the amount of work just done) and the application passes :func:`bar`'s.
"""
from __future__ import annotations

import contextlib
import sys

from tqdm import tqdm


@contextlib.contextmanager
def bar(total: int | None, desc: str, unit: str = "draw"):
    """A progress bar over ``total`` units on stderr; yields its ``update`` (a callable taking the
    units just done). Nothing is drawn when stderr is not a terminal."""
    b = tqdm(total=total, unit=unit, unit_scale=True, file=sys.stderr, desc=desc, leave=False,
             disable=None)  # None: no bar when stderr is not a terminal
    try:
        yield b.update
    finally:
        b.close()

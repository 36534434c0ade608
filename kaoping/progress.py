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


class Stages:
    """Progress of a run in stages on stderr: one bar per stage (``progress(stage, done, total,
    note)`` from optimizer/), the note (the solver's incumbent and bound, moves kept) beside it.
    Nothing is drawn when stderr is not a terminal."""

    def __init__(self):
        self.stage = None
        self.bar = None

    def __call__(self, stage: str, done: float, total: float | None = None, note: str = "") -> None:
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(total=total, desc=stage, file=sys.stderr, leave=False, disable=None,
                            bar_format="{desc}: {n_fmt}/{total_fmt} |{bar:20}|{postfix}" if total else "{desc}: {n_fmt}{postfix}")
        self.bar.n = done
        self.bar.set_postfix_str(note, refresh=False)
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        self.bar = self.stage = None


@contextlib.contextmanager
def stages():
    """A :class:`Stages` callback for the duration of a block."""
    s = Stages()
    try:
        yield s
    finally:
        s.close()

"""Progress on stderr for long work: a status line, a tqdm bar or one bar per stage, drawn only when
stderr is a terminal and ``--quiet`` was not given; never on stdout.

The science and the decisions never touch the terminal; they take a ``progress`` callback
(called with the amount of work just done, or ``(stage, done, total, note)``) and the application
passes :func:`bar`'s or a :class:`Stages`. :func:`status` says what a command is doing before its
first bar (``读取情景…`` while the scenario loads): the command line shows one as soon as a command
starts, before the heavy imports, so a long command answers within a fraction of a second.

This module imports tqdm only when a bar is drawn: the command line imports it on start-up."""
from __future__ import annotations

import contextlib
import sys

_quiet = False
_stream = None  # where progress is drawn (None: sys.stderr at the time)
_term = None  # the stream a status line is on (None: no status line shown)


def configure(quiet: bool = False, stream=None) -> None:
    """``quiet`` (``--quiet``): draw nothing at all. ``stream``: draw there (the command line passes
    the stderr it started with, so that a command re-run inside another, its output captured, as
    ``kaoping reproduce`` does, still shows its progress); None: sys.stderr at the time."""
    global _quiet, _stream
    _quiet, _stream = bool(quiet), stream


def _out():
    stream = _stream or sys.stderr
    return stream._stream if isinstance(stream, _ClearsStatus) else stream  # a command run inside another (demo)


def shown() -> bool:
    """Whether progress is drawn: its stream is a terminal and ``--quiet`` was not given."""
    return not _quiet and _isatty(_out())


class _ClearsStatus:
    """sys.stdout or sys.stderr once a status line was shown: a write erases the line first, so that
    a message or a table never starts in the middle of ``读取情景…``. It stays in place until
    :func:`clear` (replacing sys.stdout inside print() would free the stream print is writing to)."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        _erase()
        return self._stream.write(text)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def status(text: str) -> None:
    """Show ``text`` as the one status line on stderr (replacing the previous one) until the next
    status, bar, message or output; nothing when progress is not :func:`shown`."""
    global _term
    if not shown():
        return
    if _term is None:
        _term = _out()
        for name in ("stdout", "stderr"):  # the output and messages on the same terminal
            stream = getattr(sys, name)
            if _isatty(stream) and not isinstance(stream, _ClearsStatus):
                setattr(sys, name, _ClearsStatus(stream))
    _term.write("\r\x1b[K" + text)
    _term.flush()


def _erase() -> None:
    global _term
    if _term is not None:
        term, _term = _term, None
        term.write("\r\x1b[K")
        term.flush()


def clear() -> None:
    """Erase the status line, if one is shown, and give sys.stdout and sys.stderr back (a bar or
    the end of the command follows)."""
    _erase()
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if isinstance(stream, _ClearsStatus):
            setattr(sys, name, stream._stream)


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _tqdm(**kw):
    clear()
    from tqdm import tqdm

    return tqdm(file=_out(), leave=False, disable=not shown(), **kw)


@contextlib.contextmanager
def bar(total: int | None, desc: str, unit: str = "draw"):
    """A progress bar over ``total`` units on stderr; yields its ``update`` (a callable taking the
    units just done). Nothing is drawn when progress is not :func:`shown`."""
    b = _tqdm(total=total, unit=unit, unit_scale=True, desc=desc)
    try:
        yield b.update
    finally:
        b.close()


class Stages:
    """Progress of a run in stages on stderr: one bar per stage (``progress(stage, done, total,
    note)`` from optimizer/), the note (the solver's incumbent and bound, moves kept) beside it.
    Nothing is drawn when progress is not :func:`shown`."""

    def __init__(self):
        self.stage = None
        self.bar = None

    def __call__(self, stage: str, done: float, total: float | None = None, note: str = "") -> None:
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = _tqdm(total=total, desc=stage,
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

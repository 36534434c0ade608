"""The ``kaoping`` command line. Exit codes: 0 done; 2 bad input; 3 infeasible or solver failure; 1 other.

``--json`` output goes alone on stdout; messages and progress go to stderr. SIGTERM is turned
into an exception for the length of a command, so that what a command started (a solver's
child process, its temporary files, a partial run folder) is cleaned up as on Ctrl-C."""
from __future__ import annotations

import argparse
import contextlib
import os
import errno
import importlib
import pkgutil
import signal
import sys
import threading

from models.i18n import LANGUAGES, set_language
from models.problems import ScenarioError
from optimizer.errors import BadInput, Infeasible

from . import commands, progress
from .commands._parser import Parser
from .i18n import N_, _
from .i18n import _ as translate

# what the operating system says of a path, in the language in use (its own words are English)
OS_REASONS = {errno.EACCES: N_("permission denied"), errno.EPERM: N_("permission denied"),
              errno.ENOENT: N_("no such file or folder"), errno.ENOSPC: N_("no space left on the device"),
              errno.EISDIR: N_("is a folder"), errno.ENOTDIR: N_("a part of the path is not a folder"),
              errno.EEXIST: N_("already exists"), errno.EROFS: N_("read-only file system")}


def _command_modules():
    mods = []
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        mod = importlib.import_module(f"{commands.__name__}.{info.name}")
        if hasattr(mod, "NAME") and hasattr(mod, "run"):
            mods.append(mod)
    return sorted(mods, key=lambda m: getattr(m, "ORDER", 50))


class _Commands(argparse._SubParsersAction):
    """The commands' sub-parsers, each given its arguments only when its command is chosen: building
    the parser costs one import of each command module (NAME, HELP), not every command's options."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pending: dict[str, tuple] = {}  # command name -> (its module, its sub-parser)

    def __call__(self, parser, namespace, values, option_string=None):
        if values and values[0] in self.pending:
            mod, sp = self.pending.pop(values[0])
            mod.add_arguments(sp)
        super().__call__(parser, namespace, values, option_string)


def chosen_language(argv: list[str]) -> str | None:
    """The language the last ``--lang zh|en`` of ``argv`` asks for (before or after the command
    name), or None: read before the parser is built, so that ``--help`` is in that language."""
    lang = None
    for k, a in enumerate(argv):
        if a == "--":
            break
        if a == "--lang" and k + 1 < len(argv):
            lang = argv[k + 1]
        elif a.startswith("--lang="):
            lang = a.partition("=")[2]
    return lang if lang in LANGUAGES else None


def _add_language_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS,
                   help=_("language of the output: zh (Chinese, the default) or en (English); also KAOPING_LANG=en"))


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command, in the language in use (set it first: :func:`chosen_language`)."""
    p = Parser(prog="kaoping", description=_("kaoping: score, simulate and optimise a performance assessment."))
    quiet = _("no progress on stderr (it is drawn only when stderr is a terminal)")
    p.add_argument("-q", "--quiet", action="store_true", help=quiet)
    _add_language_argument(p)
    sub = p.add_subparsers(dest="command", metavar="COMMAND", action=_Commands)
    for mod in _command_modules():
        words = translate(mod.HELP)
        sp = sub.add_parser(mod.NAME, help=words, description=words)
        sp.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help=quiet)  # after the command too
        _add_language_argument(sp)
        sp.set_defaults(_run=mod.run)
        sub.pending[mod.NAME] = (mod, sp)
    return p


@contextlib.contextmanager
def _sigterm_raises():
    """SIGTERM raises :class:`Terminated` (a KeyboardInterrupt) inside the block (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    from .runs import Terminated

    def _on_term(signum, frame):
        raise Terminated(_("terminated by signal {signum}").format(signum=signum))

    old = signal.signal(signal.SIGTERM, _on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def execute(args: argparse.Namespace, debug: bool = False) -> int:
    """Run a parsed command; every failure becomes a message on stderr and an exit code, never a traceback
    (``debug``: the message, then the exception raised again, for developers: ``KAOPING_DEBUG=1``)."""
    from threadpoolctl import threadpool_limits

    try:
        # one BLAS thread: the block sums are skinny matrix products, and BLAS threads competing for
        # a shared 2-core machine made them 2.6x slower (measured in benchmarks/bench_projection)
        with _sigterm_raises(), threadpool_limits(limits=1, user_api="blas"):
            return int(args._run(args) or 0)
    except ScenarioError as err:
        print(_("the scenario has {n} problem(s):").format(n=len(err.problems)), file=sys.stderr)
        for p in err.problems:
            print(f"  {p}", file=sys.stderr)
        return 2
    except BadInput as err:
        print(_("error: {message}").format(message=err), file=sys.stderr)
        return 2
    except Infeasible as err:
        print(_("infeasible: {message}").format(message=err), file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print(_("interrupted"), file=sys.stderr)
        return 1
    except OSError as err:  # a path the user gave cannot be read or written (permissions, a full disk)
        reason = translate(OS_REASONS[err.errno]) if err.errno in OS_REASONS else (err.strerror or str(err))
        said = (_("cannot read or write {path}: {reason}: check the path, its permissions and the free space")
                if err.filename else _("cannot read or write a file: {reason}: check the path, its permissions and "
                                       "the free space"))
        print(_("error: {message}").format(message=said.format(path=err.filename, reason=reason)), file=sys.stderr)
        if debug:
            raise
        return 2
    except Exception as err:  # noqa: BLE001 - the last resort: a message, never a traceback
        print(_("error: {message}").format(message=f"{type(err).__name__}: {err}"), file=sys.stderr)
        if debug:
            raise
        return 1
    finally:
        progress.clear()  # a status line still shown (a message above cleared it already)


_depth = 0  # commands running (main inside main: the demo's steps)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = chosen_language(argv)
    if lang is not None:
        set_language(lang)
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # argparse: usage errors exit 2, --help exits 0
            return int(exc.code or 0)
        args._argv = argv  # recorded in run folders' manifests
        if not getattr(args, "_run", None):
            parser.print_help(sys.stderr)
            return 2
        global _depth
        if not _depth:  # a command run inside another (the demo's steps) keeps the outer one's --quiet and stream
            progress.configure(quiet=args.quiet, stream=sys.stderr)
        # the first progress line, before the command imports the science (about a second)
        progress.status(_("reading the scenario…") if getattr(args, "scenario", None) else
                        _("kaoping {command}: starting…").format(command=args.command))
        _depth += 1
        try:
            return execute(args, debug=os.environ.get("KAOPING_DEBUG") == "1")
        finally:
            _depth -= 1
    finally:
        if lang is not None:
            set_language(None)  # the choice returns to KAOPING_LANG (main may run again in this process)

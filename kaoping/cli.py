"""The ``kaoping`` command line. Exit codes: 0 done; 2 bad input; 3 infeasible or solver failure; 1 other.

``--json`` output goes alone on stdout; messages and progress go to stderr."""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from threadpoolctl import threadpool_limits

from models.scenario import ScenarioError
from optimizer.errors import BadInput, Infeasible

from . import commands


def _command_modules():
    mods = []
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        mod = importlib.import_module(f"{commands.__name__}.{info.name}")
        if hasattr(mod, "NAME") and hasattr(mod, "run"):
            mods.append(mod)
    return sorted(mods, key=lambda m: getattr(m, "ORDER", 50))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kaoping", description="考评: score, simulate and optimise a performance assessment.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for mod in _command_modules():
        sp = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(sp)
        sp.set_defaults(_run=mod.run)
    return p


class _Parser(argparse.ArgumentParser):
    pass


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors exit 2, --help exits 0
        return int(exc.code or 0)
    args._argv = list(sys.argv[1:] if argv is None else argv)  # recorded in run folders' manifests
    if not getattr(args, "_run", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        # one BLAS thread: the block sums are skinny matrix products, and BLAS threads competing for
        # a shared 2-core machine made them 2.6x slower (measured in benchmarks/bench_projection)
        with threadpool_limits(limits=1, user_api="blas"):
            return int(args._run(args) or 0)
    except ScenarioError as err:
        print(f"scenario has {len(err.problems)} problem(s):", file=sys.stderr)
        for p in err.problems:
            print(f"  {p}", file=sys.stderr)
        return 2
    except BadInput as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except Infeasible as err:
        print(f"infeasible: {err}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 1
    except Exception as err:  # noqa: BLE001 - the last resort: a message, never a traceback
        print(f"error: {type(err).__name__}: {err}", file=sys.stderr)
        if "--debug" in (argv or sys.argv):
            raise
        return 1

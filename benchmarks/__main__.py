"""Run every ``benchmarks/bench_*.py`` module's ``main()`` and print its figures.

``python -m benchmarks`` runs them all; ``python -m benchmarks projection milp`` runs those whose
name contains one of the words. Exit status 1 if any benchmark raised."""
from __future__ import annotations

import importlib
import pkgutil
import sys
import time
import traceback

import benchmarks


def modules(words: list[str]) -> list[str]:
    names = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_"))
    return [n for n in names if not words or any(w in n for w in words)]


def run(argv: list[str]) -> int:
    failed = []
    names = modules(argv)
    if not names:
        print(f"no benchmark matches {argv}", file=sys.stderr)
        return 2
    for name in names:
        print(f"\n===== {name} =====", flush=True)
        t0 = time.perf_counter()
        saved = sys.argv
        sys.argv = [f"benchmarks/{name}.py"]  # a main() that parses sys.argv sees no runner words
        try:
            mod = importlib.import_module(f"benchmarks.{name}")
            mod.main()
        except (Exception, SystemExit):  # noqa: BLE001 - report and go on with the others
            traceback.print_exc()
            failed.append(name)
        finally:
            sys.argv = saved
        print(f"({name}: {time.perf_counter() - t0:.1f} s)", flush=True)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))

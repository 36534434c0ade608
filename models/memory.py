"""Memory a computation needs, estimated from its size before it starts, against what the machine has.

A request for a billion draws must be refused with the figure, not fail minutes later with a
``MemoryError`` (or be killed by the system). The estimates are upper bounds per draw, measured on
``scenarios/sanmen`` (9 counties × 47 indicators, peak RSS over the start-up's):

- the Monte Carlo keeps totals, ranks and grades per draw, county and assessment (8 + 2 + 2 bytes,
  copied once more for the quantiles), and a chunk of drawn values and scores in flight (measured
  12 bytes per draw and cell; 32 allowed);
- the optimizer's option tables and MILP hold every push level's points per draw and cell
  (measured about 390 bytes per draw and cell; 480 allowed).
"""
from __future__ import annotations

import os

PER_TOTAL = 24  # [bytes per draw × county × assessment] kept by the Monte Carlo
PER_CELL_IN_FLIGHT = 32  # [bytes per draw × county × indicator] of a chunk being scored
PER_CELL_OPTIONS = 480  # [bytes per draw × county × indicator] of the option tables and the MILP
FRESH_DRAWS = 2000  # the optimizer's out-of-sample draws, held beside the in-sample ones


class TooLarge(ValueError):
    """The computation would need more memory than the machine has available."""


def available_bytes() -> int | None:
    """Memory available to a new computation [bytes]: MemAvailable of /proc/meminfo, else the
    physical memory, else None (unknown: nothing is refused)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def size_of(scn) -> tuple[int, int, int]:
    """(counties, indicators, assessments) of a scenario."""
    return len(scn.spec.counties), len(scn.indicators()), len(scn.spec.assessments)


def simulation_bytes(scn, draws: int, chunk: int) -> tuple[int, int]:
    """(bytes needed, bytes per extra draw) of a Monte Carlo projection of ``draws`` draws."""
    C, I, A = size_of(scn)
    per_draw = C * A * PER_TOTAL
    return draws * per_draw + min(chunk, draws) * C * I * PER_CELL_IN_FLIGHT, per_draw + C * I * PER_CELL_IN_FLIGHT


def optimization_bytes(scn, draws: int) -> tuple[int, int]:
    """(bytes needed, bytes per extra draw) of option tables and a MILP over ``draws`` draws."""
    C, I, _ = size_of(scn)
    per_draw = C * I * PER_CELL_OPTIONS
    return (draws + FRESH_DRAWS) * per_draw, per_draw


def _human(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


def require(need: int, per_draw: int, draws: int, what: str, available: int | None = None) -> None:
    """Raise :class:`TooLarge` when ``need`` bytes exceed the memory available, saying how many draws fit.

    ``what`` names the request in the user's words (``--draws 1000000000``)."""
    avail = available_bytes() if available is None else available
    if avail is None or need <= avail:
        return
    fixed = need - draws * per_draw
    most = max(int((avail - fixed) // per_draw), 0)
    raise TooLarge(f"{what} needs about {_human(need)} of memory, more than the {_human(avail)} available on this "
                   f"machine: use at most {most} draws")

"""Memory a computation needs, estimated from its size before it starts, against what the machine has.

A request for a billion draws must be refused with the figure, not fail minutes later with a
``MemoryError`` (or be killed by the system). The estimates are upper bounds per draw, measured on
``scenarios/sanmen`` (9 counties × 47 indicators, peak RSS over the start-up's):

- the Monte Carlo keeps totals, ranks and grades per draw, county and assessment (8 + 2 + 2 bytes,
  copied once more for the quantiles), and a chunk of drawn values and scores in flight (measured
  12 bytes per draw and cell; 32 allowed);
- the optimizer's option tables and MILP hold every push level's points per draw and cell
  (measured about 390 bytes per draw and cell; 480 allowed).

The memory budget of a run (``--memory 2GiB``, issue 17): a run holds, at once, one chunk of
draws per worker being scored (values, the block's normals and the scoring's temporaries: :func:`bytes_per_draw`), and, when the per-draw results are kept,
every draw's totals, ranks and grades (:func:`kept_bytes`). The chunk is the largest whole number
of random blocks whose working set fits the budget, and no larger than a cache-friendly size
(:data:`CACHE_BYTES` of values), since smaller chunks score faster until per-chunk overheads
dominate. Estimates are upper bounds calibrated on measured peaks (benchmarks/bench_province.py).
"""
from __future__ import annotations

import math
import os
import re

from .i18n import _

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


def simulation_bytes(scn, draws: int, chunk: int | None) -> tuple[int, int]:
    """(bytes needed, bytes per extra draw) of a Monte Carlo projection of ``draws`` draws (``chunk``
    None: the chunk the default budget allows, :func:`chunk_draws`)."""
    C, I, A = size_of(scn)
    if chunk is None:
        chunk = chunk_draws(draws, 1, bytes_per_draw(C, I, A), DEFAULT_MEMORY, 1, C * I)
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
            return _("{n:.0f} bytes").format(n=n) if unit == "bytes" else f"{n:.1f} {unit}"
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
    raise TooLarge(_("{what} needs about {need} of memory, more than the {available} available on this machine: use at "
                     "most {most} draws").format(what=what, need=_human(need), available=_human(avail), most=most))


# --------------------------------------------------------------------------- the budget of a run

DEFAULT_MEMORY = 2 * 2**30  # [bytes] 2 GiB: the default budget of a run
BASE_BYTES = 300 * 2**20  # [bytes] the interpreter with numpy, scipy, pandas and the compiled kernels loaded
CACHE_BYTES = 8 * 2**20  # [bytes] values per chunk beyond which larger chunks are no faster
KEEP_SHARE = 1 / 16  # per-draw results are kept when they take at most this share of the budget
KEPT_PER_VALUE = 8 + 2 + 2  # [bytes] total (float64), rank and grade (int16) per county, draw and assessment

_UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "kib": 2**10, "m": 10**6, "mb": 10**6, "mib": 2**20,
          "g": 10**9, "gb": 10**9, "gib": 2**30, "t": 10**12, "tb": 10**12, "tib": 2**40}


def parse_size(text: str | int | float) -> int:
    """Bytes in a size such as ``2GiB``, ``500MB``, ``1.5 GB`` or ``1073741824``.

    Raises ``ValueError`` with what to write for anything else."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value, unit = float(text), ""
    else:
        m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([A-Za-z]*)\s*", str(text))
        if not m or m.group(2).lower() not in _UNITS:
            raise ValueError(_("cannot read the size '{size}': write a number with a unit, e.g. 2GiB, 500MB or "
                               "1.5GB").format(size=text))
        value, unit = float(m.group(1)), m.group(2).lower()
    size = value * _UNITS[unit]
    if not math.isfinite(size) or size <= 0:
        raise ValueError(_("the size '{size}' must be a positive amount of memory, e.g. 2GiB").format(size=text))
    return int(size)


def format_size(n: float) -> str:
    """A byte count for people: ``1.5 GiB``, ``300 MiB``."""
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n:.0f} B"


def bytes_per_draw(counties: int, indicators: int, assessments: int = 1, blocks: int = 8, grades: int = 3,
                   vetoes: int = 4) -> int:
    """Upper bound of the working set of one draw in a chunk being scored [bytes]: the values
    (C·I float64) and the scoring's temporaries (about three more value arrays for the points,
    the C × C comparisons of the ranking, block sums, grade and veto tests)."""
    C, I = counties, indicators
    return 8 * C * I * 4 + 4 * C * C + 8 * C * (blocks + grades + vetoes + assessments) * 4


def kept_bytes(draws: int, counties: int, assessments: int = 1) -> int:
    """Memory of every draw's totals, ranks and grades [bytes]."""
    return draws * counties * assessments * KEPT_PER_VALUE


def keeps_draws(draws: int, counties: int, assessments: int, budget: int = DEFAULT_MEMORY) -> bool:
    """Whether a run keeps its per-draw results: when they take at most KEEP_SHARE of the budget."""
    return kept_bytes(draws, counties, assessments) <= KEEP_SHARE * budget


def estimate_memory(draws: int, counties: int, indicators: int, assessments: int = 1, *, keep: bool | None = None,
                    workers: int = 1, budget: int = DEFAULT_MEMORY, block: int = 2048) -> int:
    """Peak memory of a Monte Carlo run [bytes], an upper bound: the interpreter, one chunk per
    worker (the largest the budget allows, see :func:`chunk_draws`), the per-draw results when
    kept (``keep`` None: as :func:`keeps_draws` decides). Larger than ``budget`` when the run cannot
    fit it: its smallest chunk (one block per worker) or its kept results do not."""
    keep = keeps_draws(draws, counties, assessments, budget) if keep is None else keep
    per = bytes_per_draw(counties, indicators, assessments)
    held = kept_bytes(draws, counties, assessments) if keep else 0
    chunk = chunk_draws(draws, block, per, budget - held, workers, indicators * counties)
    return BASE_BYTES + held + workers * chunk * per


def chunk_draws(draws: int, block: int, per_draw: int, budget: int, workers: int = 1, cells: int = 1) -> int:
    """Draws per chunk: a whole number of blocks (at least one), each worker's chunk within its
    share of ``budget`` beyond :data:`BASE_BYTES`, its values (``cells`` per draw) within
    :data:`CACHE_BYTES`, and no more than the draws asked for (rounded up to a block)."""
    free = max(budget - BASE_BYTES, 0) / max(workers, 1)
    by_memory = free // max(per_draw, 1)
    by_cache = CACHE_BYTES // (8 * max(cells, 1))
    n_blocks = max(1, int(min(by_memory, by_cache) // block))
    return min(n_blocks, math.ceil(draws / block)) * block

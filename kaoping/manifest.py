"""What a run folder's ``manifest.json`` records, and how results are hashed and compared.

A manifest holds everything needed to re-run a command and check its numbers
(``kaoping reproduce``): the SHA-256 of every scenario file, the resolved scenario (after
overrides), seed, draws and chunk size, package and solver versions, the git commit, the
command line, timings and the hash of the results.

Results are compared as *canonical JSON*: numpy and pandas values turned into plain
Python, floats rounded to :data:`SIGNIFICANT` significant digits (so that the last bits
of a sum computed in another order do not count as a difference), NaN and infinities
written as strings.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import importlib.metadata
import json
import math
import platform
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.errors import BadInput
from optimizer.solver import cbc_version

SIGNIFICANT = 12
MANIFEST = "manifest.json"
PACKAGES = ("numpy", "pandas", "scipy", "pulp", "highspy", "pydantic", "matplotlib", "openpyxl")
SCENARIO_FILES = ("scenario.yaml", "forecasts.csv", "effort.csv", "actuals.csv")


# --------------------------------------------------------------------------- files and versions


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, as 64 hex digits."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def scenario_file_hashes(scn) -> dict[str, str]:
    """Absolute path -> SHA-256 of each file of the scenario folder that exists."""
    if scn.path is None:
        return {}
    folder = Path(scn.path).resolve()
    return {str(folder / f): file_sha256(folder / f) for f in SCENARIO_FILES if (folder / f).is_file()}


def resolved_scenario(scn) -> dict:
    """The scenario as used, after overrides: the YAML model, forecast rows (projected ones
    included), effort rows and monthly actuals."""
    return {
        "spec": scn.spec.model_dump(mode="json"),
        "forecasts": [r.model_dump(mode="json") for r in scn.forecasts],
        "effort": [r.model_dump(mode="json") for r in scn.effort_rows],
        "actuals": [r.model_dump(mode="json") for r in scn.actuals],
        "overrides": list(scn.applied),
    }


def versions() -> dict[str, str | None]:
    """Versions of python, the numeric packages and the solvers (HiGHS via highspy, CBC via PuLP)."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for pkg in PACKAGES:
        try:
            out[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            out[pkg] = None
    out["HiGHS"] = out.get("highspy")
    out["CBC"] = cbc_version()
    return out


def git_commit(cwd: str | Path | None = None) -> dict | None:
    """``{"commit": sha, "dirty": bool}`` of the repository holding this package, or None."""
    where = Path(cwd) if cwd else Path(__file__).resolve().parent
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, timeout=10)
        if sha.returncode != 0:
            return None
        st = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=where,
                            capture_output=True, text=True, timeout=10)
        return {"commit": sha.stdout.strip(), "dirty": bool(st.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return None


def utc_now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --------------------------------------------------------------------------- canonical numbers


def _round(x: float) -> float | str:
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return 0.0
    r = float(f"{x:.{SIGNIFICANT}g}")
    return 0.0 if r == 0 else r


def canonical(obj):
    """Plain JSON values: dicts (str keys), lists, str, bool, None, int, rounded floats.

    DataFrames become ``{"columns": [...], "rows": [[...], ...]}`` (index dropped unless it is
    named); Series become dicts; numpy arrays nested lists."""
    if isinstance(obj, pd.DataFrame):
        df = obj.reset_index() if any(n is not None for n in obj.index.names) else obj
        return {"columns": [str(c) for c in df.columns],
                "rows": [[canonical(v) for v in row] for row in df.itertuples(index=False, name=None)]}
    if isinstance(obj, pd.Series):
        return {str(k): canonical(v) for k, v in obj.items()}
    if isinstance(obj, np.ndarray):
        return [canonical(v) for v in obj.tolist()]
    if isinstance(obj, dict):
        return {str(k): canonical(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [canonical(v) for v in obj]
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return _round(float(obj))
    if obj is None or obj is pd.NA or obj is pd.NaT:
        return None
    if isinstance(obj, str):
        return obj
    if hasattr(obj, "model_dump"):
        return canonical(obj.model_dump(mode="json"))
    return str(obj)


def canonical_json(obj) -> str:
    return json.dumps(canonical(obj), ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def results_hash(obj) -> str:
    """SHA-256 of the canonical JSON of ``obj`` (floats to 12 significant digits)."""
    return hashlib.sha256(canonical_json(obj).encode("utf-8")).hexdigest()


def flatten(obj, prefix: str = "") -> list[tuple[str, object]]:
    """Leaves of a canonical structure with readable paths, in a stable order.

    A table's cell reads ``tables.main-home[row 2].得分 [分]``."""
    out: list[tuple[str, object]] = []
    if isinstance(obj, dict) and set(obj) == {"columns", "rows"} and isinstance(obj["rows"], list):
        cols = obj["columns"]
        out.append((f"{prefix}.columns" if prefix else "columns", cols))
        out.append((f"{prefix}.row_count" if prefix else "row_count", len(obj["rows"])))
        for r, row in enumerate(obj["rows"]):
            for c, v in zip(cols, row):
                out.append((f"{prefix}[row {r + 1}].{c}", v))
        return out
    if isinstance(obj, dict):
        for k in sorted(obj):
            out.extend(flatten(obj[k], f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(obj, list) and any(isinstance(v, (dict, list)) for v in obj):
        out.append((f"{prefix}.length", len(obj)))
        for i, v in enumerate(obj):
            out.extend(flatten(v, f"{prefix}[{i}]"))
        return out
    out.append((prefix, obj))
    return out


def first_difference(recorded, now) -> tuple[str, object, object] | None:
    """The first leaf (in :func:`flatten` order) where two canonical structures differ, or None."""
    a = flatten(canonical(recorded))
    b = flatten(canonical(now))
    db = dict(b)
    da = dict(a)
    for path, va in a:
        if path not in db:
            return path, va, "(missing)"
        if db[path] != va:
            return path, va, db[path]
    for path, vb in b:
        if path not in da:
            return path, "(missing)", vb
    return None


def read_manifest(run_dir: str | Path) -> dict:
    """The manifest of a finished run folder; BadInput when it is not one."""
    p = Path(run_dir) / MANIFEST
    if not p.is_file():
        raise BadInput(f"{run_dir} is not a run folder: no {MANIFEST}")
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise BadInput(f"{p} is not valid JSON: {err}") from None

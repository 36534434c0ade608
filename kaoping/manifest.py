"""What a run folder's ``manifest.json`` records, and how results are hashed and compared.

A manifest holds everything needed to re-run a command and check its numbers
(``kaoping reproduce``): the SHA-256 of every scenario file, the resolved scenario (after
overrides), seed, draws and chunk size, package and solver versions, the git commit, the
command line, timings, the hash of the results, the SHA-256 of every file the run wrote
(``outputs_sha256``) and, last, a seal over all of it (``manifest_sha256``).

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

from optimizer.errors import BadInput
from optimizer.solver import cbc_version

from .i18n import _

SIGNIFICANT = 12
MANIFEST = "manifest.json"
PACKAGES = ("numpy", "pandas", "scipy", "pulp", "highspy", "pydantic", "matplotlib", "openpyxl")


# --------------------------------------------------------------------------- files and versions


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, as 64 hex digits."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def resolved_scenario(scn) -> dict:
    """The scenario as used, after overrides: the YAML model, forecast rows (projected ones
    included), effort rows and monthly actuals."""
    return {
        "spec": scn.spec.model_dump(mode="json"),
        "forecasts": [r.model_dump(mode="json") for r in scn.forecasts],
        "effort": [r.model_dump(mode="json") for r in scn.effort_rows],
        "actuals": [r.model_dump(mode="json") for r in scn.actuals],
        "overrides": list(scn.applied),
    } | {k: [r.model_dump(mode="json") for r in rows]  # the optional tables, when the scenario has them
         for k, rows in (("targets", scn.target_rows), ("surveys", scn.survey_rows)) if rows}


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
    import pandas as pd  # here: the command line starts without it

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
            return path, va, _("(missing)")
        if db[path] != va:
            return path, va, db[path]
    for path, vb in b:
        if path not in da:
            return path, _("(missing)"), vb
    return None


SEAL = "manifest_sha256"


def seal(man: dict) -> dict:
    """The manifest with ``manifest_sha256``: the SHA-256 of its canonical JSON without that key,
    so that any later edit (a seed, a command line, a file's hash) is found."""
    body = {k: v for k, v in man.items() if k != SEAL}
    return {**body, SEAL: hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()}


def sealed_intact(man: dict) -> bool | None:
    """True when the seal matches, False when the manifest was edited, None for an unsealed (older) manifest."""
    if SEAL not in man:
        return None
    return seal(man)[SEAL] == man[SEAL]


def _read_json(p: Path, damaged: str):
    """The JSON in ``p``; BadInput with ``damaged`` (a message with {file} and {error}) when it is not JSON."""
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise BadInput(damaged.format(file=p, error=err)) from None
    except OSError as err:
        raise BadInput(_("{file}: cannot be read ({error}): check the file's permissions")
                       .format(file=p, error=err.strerror or err)) from None


def _safe_relative(name, field: str, p: Path) -> str:
    """A file name the manifest gives, refused unless it stays inside the run folder."""
    if not isinstance(name, str) or not name or Path(name).is_absolute() or ".." in Path(name).parts or "\\" in name:
        raise BadInput(_("{file} [{field}]: {name} is not a file inside the run folder: the manifest was edited; "
                         "restore it from a copy, or run the command again").format(file=p, field=field, name=repr(name)))
    return name


def _not_text(p: Path, field: str) -> str:
    return _("{file} [{field}]: missing or not a text: restore the manifest from a copy, or run the command again").format(
        file=p, field=field)


def _not_hashes(p: Path, field: str) -> str:
    return _("{file} [{field}]: expected file -> SHA-256: restore the manifest from a copy").format(file=p, field=field)


def read_manifest(run_dir: str | Path) -> dict:
    """The manifest of a finished run folder, its shape checked; BadInput (naming the file and the
    field) when it is not one: no manifest, not JSON, not a mapping, no command line, file names
    that leave the folder."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise BadInput(_("{folder} is not a run folder: no such folder; give a folder written with --out or --save")
                       .format(folder=run_dir))
    p = run_dir / MANIFEST
    if not p.is_file():
        raise BadInput(_("{folder} is not a run folder: no {manifest}; give a folder written with --out or --save")
                       .format(folder=run_dir, manifest=MANIFEST))
    man = _read_json(p, _("{file}: is not valid JSON ({error}): the manifest is damaged (cut short or edited); "
                          "restore it from a copy, or run the command again to make a new run folder"))
    if not isinstance(man, dict):
        raise BadInput(_("{file}: expected a JSON object {{…}}, found {found}: the manifest was edited; restore it "
                         "from a copy, or run the command again").format(file=p, found=type(man).__name__))
    argv = man.get("argv")
    if not (isinstance(argv, list) and argv and all(isinstance(a, str) for a in argv)):
        raise BadInput(_("{file} [{field}]: the command line is missing or not a list of words: the manifest was "
                         "edited; restore it from a copy, or run the command again").format(file=p, field="argv"))
    if not isinstance(man.get("command"), str):
        raise BadInput(_not_text(p, "command"))
    contents = man.get("contents", [])
    if not isinstance(contents, list) or not all(isinstance(c, dict) and isinstance(c.get("kind"), str) for c in contents):
        raise BadInput(_("{file} [{field}]: expected a list of {{kind, name, title, file}}: restore the manifest from a "
                         "copy").format(file=p, field="contents"))
    for i, c in enumerate(contents):
        _safe_relative(c.get("file"), f"contents[{i}].file", p)
        for k in ("name", "title"):
            if not isinstance(c.get(k), str):
                raise BadInput(_not_text(p, f"contents[{i}].{k}"))
    outputs = man.get("outputs_sha256", {})
    if not isinstance(outputs, dict) or not all(isinstance(v, str) for v in outputs.values()):
        raise BadInput(_not_hashes(p, "outputs_sha256"))
    for name in outputs:
        _safe_relative(name, "outputs_sha256", p)
    scns = man.get("scenarios", [])
    if not isinstance(scns, list) or not all(isinstance(x, dict) for x in scns):
        raise BadInput(_("{file} [{field}]: expected a list of mappings: restore the manifest from a copy")
                       .format(file=p, field="scenarios"))
    for i, x in enumerate(scns):
        if x.get("copy") is not None:
            _safe_relative(x["copy"], f"scenarios[{i}].copy", p)
        if not isinstance(x.get("files_sha256", {}), dict):
            raise BadInput(_not_hashes(p, f"scenarios[{i}].files_sha256"))
    return man


def read_results(run_dir: str | Path) -> dict:
    """A run folder's ``results.json``: a mapping with ``results`` and ``tables``; BadInput naming the file."""
    p = Path(run_dir) / "results.json"
    if not p.is_file():
        raise BadInput(_("{file}: missing: the run folder is incomplete; restore the file, or run the command again")
                       .format(file=p))
    got = _read_json(p, _("{file}: is not valid JSON ({error}): the results file is damaged (cut short or edited); "
                          "restore it from a copy, or run the command again to make a new run folder"))
    if not isinstance(got, dict) or not isinstance(got.get("tables", {}), dict):
        raise BadInput(_("{file}: expected a JSON object with results and tables: the file was edited; restore it, "
                         "or run the command again").format(file=p))
    return got

"""``kaoping reproduce RUN_DIR``: re-run a recorded command and say whether its numbers match.

Re-runs ``manifest.json``'s argv in-process, without ``--out``/``--save``, from the recorded
working folder; compares the results (canonical JSON, 12 significant digits) with
``results.json``. Prints ``MATCH`` (exit 0) or the first number that differs (exit 1).
Scenario files whose SHA-256 changed since the run are named first.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path

from kaoping import manifest as mf
from kaoping.manifest import read_manifest
from kaoping.runs import RESULTS, capture
from optimizer.errors import BadInput

NAME = "reproduce"
HELP = "re-run a run folder's command and print MATCH or the first number that differs"
ORDER = 90


def add_arguments(p):
    p.add_argument("run_dir", metavar="RUN_DIR")
    p.add_argument("--json", action="store_true", help="print the verdict as JSON on stdout")


def strip_run_args(argv: list[str]) -> list[str]:
    """argv without --out DIR / --out=DIR / --save."""
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
            continue
        if a == "--out":
            skip = True
            continue
        if a.startswith("--out=") or a == "--save":
            continue
        out.append(a)
    return out


def changed_files(man: dict) -> list[tuple[str, str, str | None]]:
    """(path, recorded sha256, current sha256 or None when missing) of each scenario file that changed."""
    out = []
    for s in man.get("scenarios", []):
        for path, sha in s.get("files_sha256", {}).items():
            now = mf.file_sha256(path) if Path(path).is_file() else None
            if now != sha:
                out.append((path, sha, now))
    return out


def run(args) -> int:
    from kaoping.cli import main

    run_dir = Path(args.run_dir)
    man = read_manifest(run_dir)
    rec_path = run_dir / RESULTS
    if not rec_path.is_file():
        raise BadInput(f"{run_dir} has no {RESULTS}: cannot compare")
    recorded = json.loads(rec_path.read_text(encoding="utf-8"))
    changed = changed_files(man)
    lines = [f"scenario file changed since the run: {p} (sha256 {a[:12]}… → {(b or 'missing')[:12]}{'…' if b else ''})"
             for p, a, b in changed]
    if man.get("results_sha256") and mf.results_hash(recorded) != man["results_sha256"]:
        lines.insert(0, f"{RESULTS} was edited since the run (its hash is not the manifest's results_sha256)")
    argv = strip_run_args(man["argv"])
    cwd = man.get("cwd")
    buf = io.StringIO()
    with capture() as got, contextlib.chdir(cwd if cwd and Path(cwd).is_dir() else os.getcwd()), contextlib.redirect_stdout(buf):
        code = main(argv)
    verdict: dict = {"run_dir": str(run_dir), "argv": argv, "changed_files": [p for p, _, _ in changed]}
    if code != 0:
        verdict.update(match=False, rerun_exit_code=code)
        lines.append(f"DIFFERENT: the re-run of `kaoping {' '.join(argv)}` failed with exit code {code}")
    elif not got:
        verdict.update(match=False)
        lines.append("DIFFERENT: the re-run recorded no results (the command does not use a run folder)")
    else:
        now = {"results": got[-1]["results"], "tables": got[-1]["tables"]}
        diff = mf.first_difference(recorded, now)
        if diff is None:
            verdict.update(match=True, results_sha256=mf.results_hash(now))
            lines.append("MATCH")
        else:
            path, a, b = diff
            verdict.update(match=False, first_difference={"path": path, "recorded": a, "now": b})
            lines.append(f"DIFFERENT: first difference at {path}: recorded {a!r}, now {b!r}")
    if args.json:
        print(json.dumps(verdict, ensure_ascii=False, indent=1))
    else:
        print("\n".join(lines))
    return 0 if verdict["match"] else 1

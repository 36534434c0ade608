"""``kaoping reproduce RUN_DIR``: check a run folder, re-run its command, say whether its numbers match.

1. The folder is checked first: the manifest's seal (an edited seed or command line), and the
   SHA-256 of every file the run wrote (an edited table, a deleted figure). A folder that is not
   what the run wrote is bad input (exit 2), each file named.
2. Only a computing command (one that writes a run folder) is re-run, from the
   scenario copy in the run folder (``scenario/``; ``--scenario DIR`` re-runs on another folder,
   e.g. the scenario as it is now), into a fresh temporary folder that is the working folder of
   the re-run and is deleted afterwards: nothing is written anywhere else.
3. The re-run's results and tables are compared with ``results.json`` (canonical JSON, 12
   significant digits), and its seed, draws and chunk with the manifest's. Prints ``MATCH``
   (exit 0) or the first difference (exit 1); package versions that differ from the run's and
   scenario files changed since the run are named as notes, and so is a run its time limit
   stopped (``clock_cut``): its numbers depend on the machine's speed, a larger limit fixes it.
"""
from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path

from kaoping import manifest as mf
from kaoping.runs import MANIFEST, RESULTS, capture
from models.i18n import language, set_language
from optimizer.errors import BadInput

from ..i18n import N_, _

NAME = "reproduce"
HELP = N_("check a run folder, re-run its command and say whether its numbers match, or the first that differs")
ORDER = 90
COMPUTING = ("score", "simulate", "warn", "optimize", "frontier", "compare", "adjust", "rivals", "attribute", "goal-seek",
             "robust")
REBUILT = ("report.html",)  # rebuilt by `kaoping report`: a difference is a note, not a damaged folder
WRITES = ("out", "save", "figures", "plot", "excel", "json")  # options that write or print elsewhere: off in the re-run


def add_arguments(p):
    p.add_argument("run_dir", metavar="RUN_DIR", help=_("a run folder (written with --out or --save)"))
    p.add_argument("--scenario", metavar="DIR", default=None,
                   help=_("re-run on this scenario folder instead of the run's own copy (what changed since?)"))
    p.add_argument("--json", action="store_true", help=_("print the verdict as JSON on stdout"))


def damaged_files(run_dir: Path, man: dict) -> list[str]:
    """Messages for every file of the run folder that is not what the run wrote (edited, missing)."""
    out = []
    if mf.sealed_intact(man) is False:
        out.append(_("{path}: edited since the run (its seal manifest_sha256 does not match; a seed, a command line or "
                     "a file hash was changed)").format(path=run_dir / MANIFEST))
    for name, sha in sorted(man.get("outputs_sha256", {}).items()):
        f = run_dir / name
        if name in REBUILT:
            continue
        if not f.is_file():
            out.append(_("{path}: missing (the run wrote it)").format(path=f))
        elif mf.file_sha256(f) != sha:
            out.append(_("{path}: edited since the run (its SHA-256 is not the one in manifest.json)").format(path=f))
    return out


def changed_files(man: dict) -> list[tuple[str, str, str | None]]:
    """(path, recorded sha256, current sha256 or None when missing) of each original scenario file that changed."""
    out = []
    for s in man.get("scenarios", []):
        for path, sha in s.get("files_sha256", {}).items():
            now = mf.file_sha256(path) if Path(path).is_file() else None
            if now != sha:
                out.append((path, sha, now))
    return out


def version_notes(man: dict) -> list[str]:
    """'numpy 2.4.0 → 2.3.1' for each package whose version differs from the run's."""
    then = man.get("versions") if isinstance(man.get("versions"), dict) else {}
    now = mf.versions()
    return [f"{k} {then[k]} → {now.get(k)}" for k in sorted(then) if k in now and then[k] != now[k]]


def _language_of(recorded: dict) -> str | None:
    """The language a run wrote its tables in, told by their headers: a Chinese label is its own msgid."""
    from ..jsonkeys import KEYS

    columns = {c for t in (recorded.get("tables") or {}).values() if isinstance(t, dict) for c in t.get("columns", [])}
    return None if not columns else "zh" if columns & set(KEYS) else "en"


def _cut(results: dict) -> list:
    """The stages a run's safety cap stopped (its results' ``clock_cut``)."""
    res = results.get("results") or {}
    return list(res.get("clock_cut") or (["?"] if (res.get("saa") or {}).get("stopped_by_clock") else []))


def clock_notes(recorded: dict, now: dict | None, rerun) -> list[str]:
    """Why a run, or its re-run, that the safety cap stopped need not reproduce, and what to do."""
    from optimizer.clock import stage_names

    out = []
    stages, limit = _cut(recorded), getattr(rerun, "time_limit", None)
    if stages:
        out.append(_("the run was stopped by its time limit in: {stages}. Its plan and figures then depend on the speed "
             "and load of the machine, so a re-run can give other numbers. Run the command again with a larger "
             "--time-limit (it was {limit} s; try {more} s): a run that finishes its work within the limit "
             "reproduces exactly.").format(stages=stage_names(stages), limit=f"{limit:g}" if limit else "?",
                                           more=f"{4 * limit:g}" if limit else "?"))
    again = _cut(now or {})
    if again and not stages:
        out.append(_("the re-run was stopped by its time limit in: {stages} (this machine is slower or busier now "
                     "than when the run was made), so its numbers cannot be compared: run reproduce again when the "
                     "machine is less busy.").format(stages=stage_names(again)))
    return out


def _scenario_for_rerun(run_dir: Path, man: dict, given: str | None) -> Path:
    if given is not None:
        return Path(given)
    scns = man.get("scenarios") or [{}]
    copy = scns[0].get("copy")
    if copy and (run_dir / copy).is_dir():
        return (run_dir / copy).resolve()
    original = scns[0].get("path")  # a run folder from before scenario copies were kept
    if original and Path(original).is_dir():
        return Path(original)
    raise BadInput(_("{path}: the run folder holds no scenario copy and the scenario folder {original} is gone: give "
                     "the scenario with --scenario DIR").format(path=run_dir / MANIFEST, original=original))


def _parse(run_dir: Path, man: dict):
    """The recorded command line as parsed arguments, refused unless it is a computing command."""
    from kaoping.cli import build_parser

    argv = man["argv"]
    where = f"{run_dir / MANIFEST} [argv]"
    if argv[0] not in COMPUTING or man["command"] != argv[0]:
        raise BadInput(_("{where}: '{command}' is not a command reproduce re-runs (only {commands}); the manifest was "
                         "edited: restore it from a copy").format(where=where, command=argv[0],
                                                                  commands=", ".join(COMPUTING)))
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            args = build_parser().parse_args(argv)
    except SystemExit:
        said = err.getvalue().strip().splitlines()
        raise BadInput(_("{where}: not a command line kaoping reads ({said}); the manifest was edited: restore it from "
                         "a copy").format(where=where, said=said[-1] if said else _("usage error"))) from None
    return args


def run(args) -> int:
    from kaoping.cli import chosen_language, execute

    run_dir = Path(args.run_dir)
    man = mf.read_manifest(run_dir)
    damaged = damaged_files(run_dir, man)
    recorded = mf.read_results(run_dir)
    if man.get("results_sha256") and mf.results_hash(recorded) != man["results_sha256"]:
        damaged.insert(0, _("{path}: edited since the run (its hash is not the manifest's results_sha256)").format(
            path=run_dir / RESULTS))
    if damaged:
        raise BadInput(_("the run folder is not what the run wrote:\n  {files}\nrestore these files from a copy of the "
                         "run folder, or run the command again").format(files="\n  ".join(damaged)))
    rerun = _parse(run_dir, man)
    scenario = _scenario_for_rerun(run_dir, man, args.scenario)
    changed, versions = changed_files(man), version_notes(man)
    notes = [_("scenario file changed since the run: {path} (sha256 {was} → {now})").format(
        path=p, was=f"{a[:12]}…", now=f"{b[:12]}…" if b else _("missing")) for p, a, b in changed]
    notes += [_("package version differs from the run's: {versions}").format(versions=v) for v in versions]
    verdict: dict = {"run_dir": str(run_dir), "argv": man["argv"], "scenario": str(scenario),
                     "changed_files": [p for p, _was, _now in changed], "versions_differ": versions}
    rerun.scenario = str(scenario.resolve())
    for opt in WRITES:
        if hasattr(rerun, opt):
            setattr(rerun, opt, False if opt in ("save", "json") else None)
    rerun._argv = list(man["argv"])
    from kaoping import progress

    progress.status(_("re-running kaoping {command}…").format(command=man["argv"][0]))  # its own progress follows
    buf, err = io.StringIO(), io.StringIO()
    words = language()
    said_in = man.get("language") or chosen_language(man["argv"]) or _language_of(recorded)  # the run's tables' language
    with tempfile.TemporaryDirectory(prefix="kaoping-reproduce-") as tmp:
        rerun.out = str(Path(tmp) / "run")
        try:
            set_language(said_in or words)
            with capture() as got, contextlib.chdir(tmp), contextlib.redirect_stdout(buf), contextlib.redirect_stderr(err):
                code = execute(rerun)
        finally:
            set_language(words)
    lines, now = list(notes), None
    if code != 0:
        said = [ln for ln in err.getvalue().splitlines() if ln.strip()]
        verdict.update(match=False, rerun_exit_code=code)
        failed = _("DIFFERENT: the re-run of `kaoping {argv}` failed with exit code {code}").format(
            argv=" ".join(man["argv"]), code=code)
        lines.append(failed + (f": {said[-1].strip()}" if said else ""))
    elif not got:
        verdict.update(match=False)
        lines.append(_("DIFFERENT: the re-run recorded no results (the command does not use a run folder)"))
    else:
        last = got[-1]
        now = {"results": last["results"], "tables": last["tables"]}
        diff = mf.first_difference(recorded, now)
        settings = [(k, man.get(k), last.get(k)) for k in ("seed", "draws", "chunk")]
        wrong = [(k, a, b) for k, a, b in settings if a != b]
        if diff is None and not wrong:
            verdict.update(match=True, results_sha256=mf.results_hash(now))
            lines.append(_("MATCH"))
        elif diff is None:
            k, a, b = wrong[0]
            verdict.update(match=False, first_difference={"path": k, "recorded": a, "now": b})
            lines.append(_("DIFFERENT: the manifest records {setting} {recorded}, the re-run used {now}").format(
                setting=k, recorded=repr(a), now=repr(b)))
        else:
            path, a, b = diff
            verdict.update(match=False, first_difference={"path": path, "recorded": a, "now": b})
            lines.append(_("DIFFERENT: first difference at {path}: recorded {recorded}, now {now}").format(
                path=path, recorded=repr(a), now=repr(b)))
    clock = clock_notes(recorded, now, rerun)
    verdict.update(stopped_by_clock=bool(_cut(recorded)), rerun_stopped_by_clock=bool(_cut(now or {})))
    lines += clock
    if args.json:
        print(json.dumps(verdict, ensure_ascii=False, indent=1))
    else:
        print("\n".join(lines))
    return 0 if verdict["match"] else 1

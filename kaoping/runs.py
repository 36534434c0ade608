"""Run folders: ``runs/<scenario>-<UTC stamp>/`` (or ``--out DIR``), written atomically.

A command that computes writes its tables, figures, texts and numbers through a
:class:`RunFolder`; at the end the folder holds ``manifest.json`` (see
:mod:`kaoping.manifest`), ``results.json``, one CSV per table, ``figures/*.png``,
``results.xlsx`` (one sheet per table, headers in the language in use) and a self-contained
``report.html``; ``problem.lp`` / ``problem.mps`` when a MILP was passed.

Using it from a command (three lines)::

    from kaoping.runs import RunFolder, add_run_arguments

    def add_arguments(p):
        ...
        add_run_arguments(p)                       # adds --out DIR and --save

    def run(args):
        scn = load_scenario(...)
        with RunFolder.open(args, scn, command=NAME) as run:   # refuses an existing --out (exit 2)
            ...compute...
            run.table("plan", plan_df, title="推进方案")          # CSV + a sheet + a report section
            run.figure("frontier", fig_or_callable, title="工作量前沿")
            run.text("reasons", "…", title="方案理由")           # plain text or Markdown-ish lines
            run.results({"p_rank": 0.62, ...})                 # the numbers reproduce compares
            run.problem(model.problem)                         # solver.Problem or PuLP LpProblem -> problem.lp/.mps
            run.meta(solver={"name": "HiGHS", "status": "Optimal", "gap": 0.0})
            with run.timer("solve"): ...                       # timings in the manifest

A run folder also holds ``scenario/``, a copy of the scenario folder's files as read when the
run opened, so that ``kaoping reproduce`` works after the scenario moved or on another machine;
the manifest records the SHA-256 of every file the run wrote (``outputs_sha256``) and seals
itself (``manifest_sha256``, over everything else in it), so an edited table or seed is found.

Without ``--out``/``--save`` the same calls cost nothing (figures given as callables are
not even drawn), so a command never branches on whether it writes. The results hash
(and ``kaoping reproduce``) covers ``run.results(...)`` and every table; keep wall-clock
times and other non-deterministic values out of them (use :meth:`RunFolder.timer`).

Seed, draws and chunk are read from ``args.seed`` / ``args.draws`` / ``args.chunk`` when the
command has such options and they are set, else from the scenario's ``simulation``; pass
``seed=``/``draws=``/``chunk=`` to :meth:`RunFolder.open` to record other values.

Atomicity, stated once: everything is written into a hidden sibling
``.<name>.partial-<pid>-<random>``, created when the run opens (so an unwritable ``--out`` or ``--save``
is refused before any computing), and renamed to the final name only after ``manifest.json``
is complete. The final name is claimed with an atomic ``mkdir``: when another run took it
meanwhile (four ``--save`` runs in one second), the next free ``<name>-2``, ``-3`` … is used
and said, so no computed result is ever lost. On an exception, Ctrl-C or SIGTERM the partial
folder is deleted (SIGTERM is turned into :class:`Terminated`, exit 1); after SIGKILL or a power cut it may remain, is
never renamed to the final name, and is removed by the next run in the same parent
folder once its process is gone.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import io
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

from optimizer.errors import BadInput
from optimizer.solver import pid_alive

from . import manifest as mf
from .i18n import _
from .preflight import already_exists

RUNS_DIR = "runs"
MANIFEST = mf.MANIFEST
RESULTS = "results.json"
PARTIAL = ".partial-"
SCENARIO_COPY = "scenario"
COPIED_SUFFIXES = (".yaml", ".yml", ".csv", ".json", ".md", ".txt")  # the scenario's own files, copied


class Terminated(KeyboardInterrupt):
    """SIGTERM received while a run folder was open (the CLI reports it and exits 1)."""


def add_run_arguments(p) -> None:
    """Add ``--out DIR`` and ``--save`` to a command's argument parser."""
    g = p.add_argument_group(_("run folder"))
    g.add_argument("--out", metavar="DIR", default=None,
                   help=_("write a run folder here (refused if it exists): manifest.json, tables, results.xlsx, report.html"))
    g.add_argument("--save", action="store_true",
                   help=_("write a run folder {runs}/<scenario>-<UTC stamp>/").format(runs=RUNS_DIR))


def safe_name(name: str) -> str:
    """A file name from a table or figure name: path separators and odd characters become '-'."""
    s = re.sub(r"[\\/:*?\"<>|\s]+", "-", str(name)).strip("-.")
    return s or "table"


# --------------------------------------------------------------------------- capture (for reproduce)

_capture: list | None = None


@contextlib.contextmanager
def capture():
    """Collect what commands pass to run folders opened inside the block (even without --out).

    Yields a list that receives one dict ``{"command", "results", "tables"}`` per run."""
    global _capture
    old, _capture = _capture, []
    try:
        yield _capture
    finally:
        _capture = old


def _remove_stale_partials(parent: Path) -> None:
    if not parent.is_dir():
        return
    for p in parent.iterdir():
        m = re.fullmatch(r"\..+\.partial-(\d+)(?:-[^-]+)?", p.name)
        if m and p.is_dir() and not pid_alive(int(m.group(1))):
            shutil.rmtree(p, ignore_errors=True)


def _free_name(base: Path) -> Path:
    """``base``, or ``base-2``, ``base-3`` …: the first name nothing holds yet."""
    path, k = base, 2
    while path.exists() or path.is_symlink():
        path, k = base.with_name(f"{base.name}-{k}"), k + 1
    return path


def _claim(path: Path, tmp: Path) -> Path:
    """Rename the finished partial folder ``tmp`` to ``path``, or to the next free ``path-2`` … when
    another run took the name meanwhile; returns the name used. The name is claimed with an atomic
    mkdir (which fails on anything already there) and the rename replaces that empty folder."""
    want = path
    while True:
        try:
            path.mkdir()
            break
        except FileExistsError:
            path = _free_name(path)
    try:
        os.rename(tmp, path)
    except BaseException:
        path.rmdir()
        raise
    if path != want:
        print(_("note: run folder {want} was made by another run while this one computed: this run is in {path}")
              .format(want=want, path=path), file=sys.stderr)
    return path


# --------------------------------------------------------------------------- the run folder


class RunFolder:
    """An open run: collects tables, figures, texts and results; writes them atomically.

    ``path`` is the final folder (None when nothing is written); ``writing`` says whether
    files are written."""

    def __init__(self, *, command: str, scenarios: list, argv: list[str], path: Path | None,
                 seed=None, draws=None, chunk=None, capturing: bool = False):
        self.command = command
        self.scenarios = scenarios
        self.argv = argv
        self.path = path
        self.writing = path is not None
        self.capturing = capturing
        self.tmp: Path | None = None
        self.seed, self.draws, self.chunk = seed, draws, chunk
        self._tables: list[tuple[str, str, pd.DataFrame]] = []
        self._figures: list[tuple[str, str, bytes]] = []
        self._texts: list[tuple[str, str, str]] = []
        self._results = None
        self._meta: dict = {}
        self._timings: dict[str, float] = {}
        self._problem_files: list[str] = []
        self._copies: list[tuple[str | None, dict[str, str]]] = []
        self._started = time.perf_counter()
        self._started_utc = mf.utc_now()

    # ---- opening
    @classmethod
    @contextlib.contextmanager
    def open(cls, args, scn, *, command: str, seed=None, draws=None, chunk=None, runs_dir: str | Path = RUNS_DIR):
        """Open a run for ``scn`` (a Scenario, or a list of them for ``compare``).

        Raises BadInput (exit 2) when ``--out`` names an existing path."""
        scns = list(scn) if isinstance(scn, (list, tuple)) else [scn]
        first = scns[0]
        sim = first.spec.simulation

        def pick(given, attr, default):
            if given is not None:
                return given
            v = getattr(args, attr, None)
            return v if v is not None else default

        argv = list(getattr(args, "_argv", None) or sys.argv[1:])
        out = getattr(args, "out", None)
        save = getattr(args, "save", False)
        path = None
        if out:
            path = Path(out)
            if path.exists() or path.is_symlink():
                raise BadInput(already_exists(path))
        elif save:
            stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            path = _free_name(Path(runs_dir) / f"{first.name}-{stamp}")
        run = cls(command=command, scenarios=scns, argv=argv, path=path, capturing=_capture is not None,
                  seed=pick(seed, "seed", sim.seed), draws=pick(draws, "draws", sim.draws),
                  chunk=pick(chunk, "chunk", sim.chunk))
        if not run.writing:
            yield run
            if run.capturing and _capture is not None:
                _capture.append(run._captured())
            return
        parent = path.resolve().parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            _remove_stale_partials(parent)
            run.tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}{PARTIAL}{os.getpid()}-", dir=parent))
        except OSError as err:
            msg = (_("cannot write the run folder {path} ({error}): --out needs a folder you can write to; choose "
                     "another with --out DIR") if out else
                   _("cannot write the run folder {path} ({error}): --save needs a folder you can write to (--save "
                     "writes runs/ in the current folder); choose another with --out DIR"))
            raise BadInput(msg.format(path=path, error=err.strerror or err)) from None
        old_handler = None
        if threading.current_thread() is threading.main_thread():
            def _on_term(signum, frame):
                raise Terminated(_("terminated by signal {signal}; the partial run folder was removed").format(signal=signum))
            old_handler = signal.signal(signal.SIGTERM, _on_term)
        try:
            run._copy_scenarios()
            yield run
            from .progress import status

            status(_("writing the run folder (tables, results.xlsx, figures, report.html)…"))
            run._finish()
        except BaseException:
            shutil.rmtree(run.tmp, ignore_errors=True)
            raise
        finally:
            if old_handler is not None:
                signal.signal(signal.SIGTERM, old_handler)
        if run.capturing and _capture is not None:
            _capture.append(run._captured())
        print(_("run folder: {path}").format(path=run.path), file=sys.stderr)

    # ---- what commands call
    def table(self, name: str, df: pd.DataFrame, title: str | None = None) -> None:
        """A table: ``<name>.csv`` (UTF-8 with BOM, opens in Excel), a sheet of results.xlsx, a report section."""
        import pandas as pd  # here: the command line starts without it

        if not isinstance(df, pd.DataFrame):
            df = pd.DataFrame(df)
        if not (self.writing or self.capturing):
            return
        self._tables.append((str(name), title or str(name), df.copy()))
        if self.writing:
            df.to_csv(self.tmp / f"{safe_name(name)}.csv", index=False, encoding="utf-8-sig")

    def figure(self, name: str, fig, title: str | None = None, dpi: int = 120) -> None:
        """A matplotlib figure (or a callable returning one, drawn only when writing): figures/<name>.png."""
        if not self.writing:
            return
        if callable(fig) and not hasattr(fig, "savefig"):
            from .fonts import use_cjk_font

            use_cjk_font()
            fig = fig()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
        import matplotlib.pyplot as plt

        plt.close(fig)
        png = buf.getvalue()
        (self.tmp / "figures").mkdir(exist_ok=True)
        (self.tmp / "figures" / f"{safe_name(name)}.png").write_bytes(png)
        self._figures.append((str(name), title or str(name), png))

    def text(self, name: str, text: str, title: str | None = None) -> None:
        """A text (reasons, notes): ``<name>.txt`` and a report section."""
        if not self.writing:
            return
        (self.tmp / f"{safe_name(name)}.txt").write_text(text, encoding="utf-8")
        self._texts.append((str(name), title or str(name), text))

    def results(self, obj) -> None:
        """The run's numbers (dicts, lists, numbers, arrays, DataFrames): results.json and the results hash."""
        self._results = obj

    def problem(self, lp_problem, name: str = "problem") -> None:
        """The MILP: ``problem.lp`` and ``problem.mps``.

        Accepts a PuLP ``LpProblem`` or the solver seam's matrix-form ``optimizer.solver.Problem``
        (converted to PuLP here; its column names, made LP-safe, are listed in ``problem_columns.csv``)."""
        if not self.writing:
            return
        if not hasattr(lp_problem, "writeLP") and hasattr(lp_problem, "rows_idx"):
            lp_problem = self._matrix_to_pulp(lp_problem, name)
        lp = self.tmp / f"{safe_name(name)}.lp"
        lp_problem.writeLP(str(lp))
        self._problem_files.append(lp.name)
        try:
            mps = self.tmp / f"{safe_name(name)}.mps"
            lp_problem.writeMPS(str(mps))
            self._problem_files.append(mps.name)
        except Exception as err:  # noqa: BLE001 - MPS cannot hold every model PuLP accepts
            self._meta.setdefault("warnings", []).append(f"problem.mps not written: {err}")  # for the manifest (JSON)

    def _matrix_to_pulp(self, p, name: str):
        import pandas as pd

        names, seen = [], set()
        for k in range(p.n_cols):
            raw = p.col_names[k] if k < len(p.col_names) else f"v{k}"
            nm = re.sub(r"[^A-Za-z0-9_]", "_", str(raw)).strip("_") or f"v{k}"
            if nm in seen or nm[0].isdigit():
                nm = f"v{k}_{nm}"
            seen.add(nm)
            names.append((nm, raw))
        prob, _columns = p.to_pulp(names=[nm for nm, _raw in names])
        pd.DataFrame(names, columns=["LP name", "column"]).to_csv(
            self.tmp / f"{safe_name(name)}_columns.csv", index=False, encoding="utf-8-sig")
        return prob

    def meta(self, **kw) -> None:
        """Extra manifest entries (e.g. ``solver={"name": ..., "status": ..., "gap": ...}``)."""
        self._meta.update(mf.canonical(kw))

    @contextlib.contextmanager
    def timer(self, name: str):
        """Time a stage [s]; recorded under ``timings`` in the manifest."""
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self._timings[name] = self._timings.get(name, 0.0) + time.perf_counter() - t0

    # ---- internals
    def hashed(self) -> dict:
        """What the results hash covers: the results object and every table."""
        return {"results": mf.canonical(self._results),
                "tables": {name: mf.canonical(df) for name, _, df in self._tables}}

    def _captured(self) -> dict:
        return {"command": self.command, "seed": self.seed, "draws": self.draws, "chunk": self.chunk, **self.hashed()}

    def _copy_scenarios(self) -> None:
        """``scenario/`` (``scenario-2/`` … for further scenarios): the scenario folder's own files as
        they are now, with their SHA-256 (recorded in the manifest under the original paths)."""
        for k, s in enumerate(self.scenarios):
            if s.path is None:
                self._copies.append((None, {}))
                continue
            folder = Path(s.path).resolve()
            name = SCENARIO_COPY if k == 0 else f"{SCENARIO_COPY}-{k + 1}"
            (self.tmp / name).mkdir()
            hashes = {}
            for f in sorted(folder.iterdir()):
                if f.suffix.lower() in COPIED_SUFFIXES and f.is_file() and not f.is_symlink():
                    shutil.copyfile(f, self.tmp / name / f.name)
                    hashes[str(folder / f.name)] = mf.file_sha256(self.tmp / name / f.name)
            self._copies.append((name, hashes))

    def _finish(self) -> None:
        from . import excel, report

        hashed = self.hashed()
        (self.tmp / RESULTS).write_text(json.dumps(hashed, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        t0 = time.perf_counter()
        excel.write_results_workbook(self.tmp / "results.xlsx", self._tables, about=self._about())
        html = report.render_report(
            title=report.report_title(self.scenarios[0].spec.scenario.title or self.scenarios[0].name, self.command),
            about=self._about(), tables=self._tables, figures=self._figures, texts=self._texts)
        (self.tmp / "report.html").write_text(html, encoding="utf-8")
        self._timings["write_outputs"] = time.perf_counter() - t0
        man = mf.seal(self._manifest(hashed))
        (self.tmp / MANIFEST).write_text(json.dumps(man, ensure_ascii=False, indent=1), encoding="utf-8")
        self.path = _claim(self.path, self.tmp)

    def _about(self) -> list[tuple[str, str]]:
        from .report import about_rows

        s = self.scenarios[0]
        return about_rows(scenario=f"{s.name} {s.spec.scenario.title}".strip(), home=s.home, year=s.spec.scenario.year,
                          argv=self.argv, started_utc=self._started_utc, seed=self.seed, draws=self.draws,
                          overrides=s.applied, solver=self._meta.get("solver"))

    def _manifest(self, hashed: dict) -> dict:
        total = time.perf_counter() - self._started
        return {
            "kaoping_manifest": 1,
            "command": self.command,
            "argv": self.argv,
            "cwd": os.getcwd(),
            "scenarios": [{"name": s.name, "path": str(Path(s.path).resolve()) if s.path else None,
                           "overrides": list(s.applied), "copy": copy, "files_sha256": hashes}
                          for s, (copy, hashes) in zip(self.scenarios, self._copies)],
            "resolved_scenarios": [mf.resolved_scenario(s) for s in self.scenarios],
            "seed": self.seed,
            "draws": self.draws,
            "chunk": self.chunk,
            "versions": mf.versions(),
            "git": mf.git_commit(),
            "started_utc": self._started_utc,
            "finished_utc": mf.utc_now(),
            "timings_s": {**{k: round(v, 6) for k, v in self._timings.items()}, "total": round(total, 6)},
            "results_sha256": mf.results_hash(hashed),
            "significant_digits": mf.SIGNIFICANT,
            "files": sorted([p.relative_to(self.tmp).as_posix() for p in self.tmp.rglob("*") if p.is_file()] + [MANIFEST]),
            "outputs_sha256": {p.relative_to(self.tmp).as_posix(): mf.file_sha256(p)
                               for p in sorted(self.tmp.rglob("*")) if p.is_file()},
            "contents": ([{"kind": "table", "name": n, "title": t, "file": f"{safe_name(n)}.csv"} for n, t, _ in self._tables]
                         + [{"kind": "figure", "name": n, "title": t, "file": f"figures/{safe_name(n)}.png"} for n, t, _ in self._figures]
                         + [{"kind": "text", "name": n, "title": t, "file": f"{safe_name(n)}.txt"} for n, t, _ in self._texts]),
            "problem_files": self._problem_files,
            **({"meta": self._meta} if self._meta else {}),
        }


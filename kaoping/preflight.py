"""Checks a command makes before it spends time computing: that the memory its draws need is there,
and that every file it will write can be written without replacing one a user has.

Each failure is :class:`~optimizer.errors.BadInput` (exit 2) naming the option or setting and what to do."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from models import memory
from models.i18n import listing
from optimizer.errors import BadInput

from .i18n import _


def _draws_source(draws: int, given: bool) -> str:
    return f"--draws {draws}" if given else _("simulation.draws {draws} in scenario.yaml").format(draws=draws)


def already_exists(path) -> str:
    """The refusal of an ``--out`` that names an existing path (before computing, and when the run opens)."""
    return _("run folder {path} already exists: a run never overwrites another; choose a new --out").format(path=path)


def simulation_memory(scn, draws: int, chunk: int, given: bool) -> None:
    """Refuse a Monte Carlo projection that would not fit in memory."""
    need, per = memory.simulation_bytes(scn, draws, chunk)
    try:
        memory.require(need, per, draws, _draws_source(draws, given))
    except memory.TooLarge as err:
        raise BadInput(str(err)) from None


def optimization_memory(scn, draws: int, flag: str = "--draws") -> None:
    """Refuse an optimisation over ``draws`` in-sample draws that would not fit in memory."""
    need, per = memory.optimization_bytes(scn, draws)
    try:
        memory.require(need, per, draws, f"{flag} {draws}")
    except memory.TooLarge as err:
        raise BadInput(str(err)) from None


def run_destination(args) -> None:
    """For a command that computes long before it opens its run folder: refuse now an ``--out`` that
    exists or a ``--out``/``--save`` folder that cannot be written (nothing is created)."""
    out = getattr(args, "out", None)
    if out:
        if Path(out).exists() or Path(out).is_symlink():
            raise BadInput(already_exists(out))
        writable_folder(Path(out), "--out", create=False)
    elif getattr(args, "save", False):
        writable_folder(Path("runs"), "--save", create=False)


def writable_folder(folder: Path, flag: str, create: bool = True) -> None:
    """Check that a file can be created in ``folder``: made (with its parents) when ``create``, else the
    nearest folder that exists is tried, and nothing is left behind."""
    folder = Path(folder)
    try:
        if create:
            folder.mkdir(parents=True, exist_ok=True)
            where = folder
        else:
            where = next(p for p in (folder, *folder.absolute().parents) if p.exists())
            if not where.is_dir():
                raise NotADirectoryError(20, _("Not a directory"), str(where))
        tempfile.TemporaryFile(dir=where).close()
    except OSError as err:
        raise BadInput(_("{flag} {folder}: cannot write there ({error}): choose a folder you can write to")
                       .format(flag=flag, folder=folder, error=err.strerror or err)) from None


def new_files(folder: str | Path, names: list[str], flag: str) -> list[Path]:
    """The paths ``folder/name``, after checking that none exists and that the folder can be written."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise BadInput(_("{flag} {folder}: is a file, not a folder: choose a folder").format(flag=flag, folder=folder))
    there = [n for n in names if (folder / n).exists() or (folder / n).is_symlink()]
    if there:
        raise BadInput(_("{flag} {folder}: {files} already there: kaoping never overwrites a file; choose another "
                         "folder or move them").format(flag=flag, folder=folder, files=listing(there)))
    writable_folder(folder, flag)
    return [folder / n for n in names]


def new_file(path: str | Path, flag: str) -> Path:
    """``path``, after checking that it does not exist and that its folder can be written."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise BadInput(_("{flag} {path}: already exists: kaoping never overwrites a file; choose another name")
                       .format(flag=flag, path=path))
    writable_folder(path.parent, flag)
    return path


def write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to a file that must not exist yet (checked by the system at creation: no race)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)

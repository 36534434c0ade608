"""Where work runs: in this process, in local processes, or on a Dask cluster (``dask.distributed``).

Every backend is a *map*: ``mapper(fn, items)`` yields ``fn(item)`` for each item, in the order of
the items, so the models' pure block computations (:func:`models.montecarlo.score_blocks`) and the
optimizer's per-county plans give the same results wherever they run. ``--scheduler ADDRESS``
connects to a running cluster (``dask scheduler`` + ``dask worker ADDRESS`` on each machine, the
same kaoping installed on every one); ``--dask`` starts a :class:`~dask.distributed.LocalCluster`
of ``--workers`` processes on this machine.
"""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

from .i18n import _


def add_backend_arguments(p, workers_help: str) -> None:
    """``--workers N``, ``--dask`` and ``--scheduler ADDRESS`` on a command."""
    from .commands._argtypes import positive

    p.add_argument("--workers", type=positive, default=1, help=workers_help)
    p.add_argument("--dask", action="store_true",
                   help=_("run on a Dask LocalCluster of --workers processes (results as a local run)"))
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help=_("run on the Dask cluster whose scheduler is at ADDRESS (e.g. tcp://10.0.0.5:8786)"))


def _apply(fn: Callable, item):
    return fn(item)


@contextlib.contextmanager
def dask_map(address: str | None = None, workers: int = 2) -> Iterator[Callable]:
    """A map on a Dask cluster: the one at ``address``, or a LocalCluster of ``workers`` processes
    (one thread each) started here and closed afterwards. The function is sent to every worker
    once; results come back in the order of the items."""
    from dask.distributed import Client, LocalCluster

    cluster = None
    if address:
        client = Client(address, timeout="30s")
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        def mapper(fn: Callable, items: Iterable):
            items = list(items)
            remote = client.scatter(fn, broadcast=True)
            futures = client.map(_apply, [remote] * len(items), items, pure=False)
            try:
                for f in futures:
                    yield f.result()
            finally:
                client.cancel(futures)
        yield mapper
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


@contextlib.contextmanager
def process_map(workers: int) -> Iterator[Callable]:
    """A map over ``workers`` local processes (spawned: each imports kaoping afresh), in order."""
    import multiprocessing

    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as ex:
        def mapper(fn: Callable, items: Iterable):
            yield from ex.map(fn, list(items))
        yield mapper


@contextlib.contextmanager
def backend(args, *, local=None) -> Iterator[Callable | None]:
    """The map a command's ``--dask`` / ``--scheduler`` / ``--workers`` ask for: a Dask map, or the
    context ``local(workers)`` gives (e.g. :func:`process_map`), or None (the caller's default)."""
    if getattr(args, "scheduler", None) or getattr(args, "dask", False):
        try:
            with dask_map(args.scheduler, args.workers) as m:
                yield m
        except OSError as err:
            from optimizer.errors import BadInput

            raise BadInput(_("cannot reach the Dask scheduler {address}: {error}").format(address=args.scheduler, error=err)) from None
    elif local is not None:
        with local(args.workers) as m:
            yield m
    else:
        yield None

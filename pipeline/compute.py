"""Where the heavy stages run: in this process, in a pool of local worker processes, or on a Dask
cluster (`PIPELINE_BACKEND`).

Cleaning and extraction are shipped in chunks of articles to workers; each worker loads the
spaCy pipeline, the gazetteer and the language models once and keeps them for every chunk it gets.
Results come back in input order, so every backend writes the same tables.

- `local` (default): a pool of `PIPELINE_WORKERS` processes (default: the machine's cores),
  started on first use, or ahead of it by `warm` (a run that will extract starts its workers,
  as many as its largest batch can keep busy, while it plans and reads, so that they have loaded
  the models when the first chunk comes); kept for the life of the process. While no pool is
  running, inputs too small to split (fewer than two chunks) run in this process instead;
- `dask`: a `dask.distributed` client connected to `PIPELINE_DASK_ADDRESS`; the workers there
  need this project installed (the same lock file), and read nothing but what they are sent.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from typing import TypeVar

from pipeline.config import Settings

T = TypeVar("T")
R = TypeVar("R")

#: Articles per chunk sent to a worker: enough to batch the parser well, few enough to balance.
CHUNK_ARTICLES = 24


def chunks(items: Sequence[T], size: int = CHUNK_ARTICLES) -> list[list[T]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


class Backend:
    """Runs a function over items, returning the results in order."""

    name = "inline"

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        return [fn(x) for x in items]

    def warm(self, fn: Callable[[], object], n_chunks: int) -> None:
        """Get the workers that `n_chunks` chunks will use ready: start them and have each run
        `fn` (loading what later tasks need) without waiting, so that they load while the caller
        does other work. Nothing to do for backends whose workers outlive the process (they
        load once, on first use)."""


class LocalPool(Backend):
    name = "local"

    def __init__(self, workers: int):
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._size = 0  # workers the running pool may start
        atexit.register(self.close)

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        if self.workers <= 1 or not items or (self._pool is None and len(items) < 2):
            return [fn(x) for x in items]
        return list(self._started(min(self.workers, len(items))).map(fn, items))

    def warm(self, fn: Callable[[], object], n_chunks: int) -> None:
        if self.workers <= 1 or n_chunks < 1:
            return
        size = min(self.workers, n_chunks)
        pool = self._started(size)
        # One task per worker the pool may start: with the spawn context a submit that finds no
        # idle worker starts another, so a worker left cold would take the first chunk sent while
        # the warm ones are still loading. That is also why the pool is sized to the work: one
        # batch of ten articles warms one worker, not every core, and leaves this process a core.
        # A worker busy loading does not take the next task. An error in `fn` comes back from the
        # first chunk that needs the same load.
        for _ in range(size):
            pool.submit(fn)

    def _started(self, size: int) -> ProcessPoolExecutor:
        if self._pool is not None and size > self._size:
            self.close()  # more work than the pool was warmed for: a full-size one (rare)
            size = self.workers
        if self._pool is None:
            # spawn, not fork: the parent may hold polars/arrow thread pools that fork would copy
            # mid-lock; workers import the pipeline afresh and load their models once.
            self._pool = ProcessPoolExecutor(
                size, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_started
            )
            self._size = size
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool, self._size = None, 0


def _worker_started() -> None:
    atexit.register(_quick_exit)


def _quick_exit() -> None:
    """A local worker's last step: end the process without tearing the interpreter down, which
    frees the loaded models object by object (about a second, which the pool's shutdown and so
    every run would wait for). By then the worker has sent every result; only its own output
    streams need flushing."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


class DaskBackend(Backend):
    name = "dask"

    def __init__(self, address: str):
        from distributed import Client

        self.address = address
        self.client = Client(address, set_as_default=False)

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        if not items:
            return []
        futures = self.client.map(fn, list(items), pure=False)
        return self.client.gather(futures)


@cache
def _backend(kind: str, address: str | None, workers: int) -> Backend:
    if kind == "dask":
        return DaskBackend(address or "")
    return LocalPool(workers)


def backend(settings: Settings) -> Backend:
    """The backend a run's settings ask for (one per process and configuration)."""
    return _backend(settings.backend, settings.dask_address, settings.workers or os.cpu_count() or 1)


def warm(settings: Settings, fn: Callable[[], object], n_items: int) -> None:
    """Start the workers that `n_items` items will keep busy on the configured backend, and have
    each run `fn` now, without waiting."""
    backend(settings).warm(fn, len(range(0, n_items, CHUNK_ARTICLES)))


def run_chunks(
    settings: Settings, fn: Callable[[list[T]], R], items: Iterable[T], small_here: bool = False
) -> list[R]:
    """`fn` over chunks of the items, on the configured backend. `small_here`: input of fewer
    than two chunks runs in this process even when workers are up (cleaning a handful of
    articles here is quicker than waiting for a worker still loading the extractor)."""
    parts = chunks(list(items))
    if small_here and len(parts) < 2:
        return [fn(p) for p in parts]
    return backend(settings).map(fn, parts)

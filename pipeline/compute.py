"""Where the heavy stages run: in this process, in a pool of local worker processes, or on a Dask
cluster (`PIPELINE_BACKEND`).

Cleaning and extraction are shipped in chunks of articles to workers; each worker loads the
spaCy pipeline, the gazetteer and the language models once and keeps them for every chunk it gets.
Results come back in input order, so every backend writes the same tables.

- `local` (default): a pool of `PIPELINE_WORKERS` processes (default: the machine's cores),
  started on first use and kept for the life of the process; inputs too small to split
  (fewer than two chunks) run in this process instead, which costs no start-up;
- `dask`: a `dask.distributed` client connected to `PIPELINE_DASK_ADDRESS`; the workers there
  need this project installed (the same lock file), and read nothing but what they are sent.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
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


class LocalPool(Backend):
    name = "local"

    def __init__(self, workers: int):
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        if self.workers <= 1 or len(items) < 2:
            return [fn(x) for x in items]
        if self._pool is None:
            # spawn, not fork: the parent may hold polars/arrow thread pools that fork would copy
            # mid-lock; workers import the pipeline afresh and load their models once.
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
            atexit.register(self.close)
        return list(self._pool.map(fn, items))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


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


def run_chunks(settings: Settings, fn: Callable[[list[T]], R], items: Iterable[T]) -> list[R]:
    """`fn` over chunks of the items, on the configured backend."""
    return backend(settings).map(fn, chunks(list(items)))

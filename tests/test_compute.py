"""The compute backends write the same tables: in-process, a local pool of worker processes, and a
real Dask cluster (a `distributed.LocalCluster` of worker processes on this machine)."""

from __future__ import annotations

import dataclasses
import os
import time

import pytest

from pipeline import compute, run, storage
from pipeline.config import Settings
from pipeline.schema import TABLES

from .conftest import write

COUNTRIES = ["Kenya", "Ghana", "Russia", "Chile", "Serbia", "Belarus", "India", "Japan", "Brazil", "Egypt"]
TEMPLATES = [
    "{a} accused {b} of shelling a power plant near its border on Monday.",
    "{a} and {b} signed a border security agreement on Tuesday.",
    "{a} recalled its ambassador to {b} after the election dispute.",
    "Police in {a} arrested twelve supporters of an opposition party backed by {b}.",
    "{a} imposed new sanctions on {b} over the crackdown on Wednesday.",
]


def test_chunks_keep_every_item_in_order():
    items = list(range(50))
    parts = compute.chunks(items, 24)
    assert [len(p) for p in parts] == [24, 24, 2]
    assert [x for p in parts for x in p] == items
    assert compute.chunks([], 24) == []


def test_local_pool_returns_results_in_input_order():
    pool = compute.LocalPool(2)
    try:
        assert pool.map(abs, [-3, 1, -2, 5, -8]) == [3, 1, 2, 5, 8]
    finally:
        pool.close()


def _landing(folder, n: int) -> None:
    for i in range(n):
        a, b = COUNTRIES[i % 10], COUNTRIES[(i + 1 + i // 10) % 10]
        body = " ".join(t.format(a=a, b=b) for t in (TEMPLATES[i % 5], TEMPLATES[(i + 2) % 5]))
        write(folder, f"a{i:02d}.txt", f"date 2025-03-{1 + i % 28:02d} Story {i}\n\n{body}\n")


def _tables(settings: Settings) -> dict:
    summary = run.process(settings)
    assert all(f.passed for f in summary.findings), [f.message for f in summary.findings if not f.passed]
    return {name: storage.read_table(settings.output_dir, name) for name in TABLES}


def test_dask_cluster_and_local_pool_write_identical_tables(tmp_path):
    distributed = pytest.importorskip("distributed")
    (tmp_path / "in").mkdir()
    # 30 articles in one batch: two chunks, so the local pool really uses its two workers.
    _landing(tmp_path / "in", 30)
    base = Settings(input_dir=tmp_path / "in", output_dir=tmp_path / "local", batch_size=100, workers=2)
    local = _tables(base)
    assert local["articles"].height == 30 and local["events"].height >= 10

    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as cluster:
        on_dask = dataclasses.replace(
            base, output_dir=tmp_path / "dask", backend="dask", dask_address=cluster.scheduler_address
        )
        try:
            backend = compute.backend(on_dask)
            assert isinstance(backend, compute.DaskBackend)
            dask = _tables(on_dask)
            # The work really went to the cluster's workers.
            assert any(
                backend.client.run(
                    lambda: __import__("sys").modules.get("pipeline.events") is not None
                ).values()
            )
        finally:
            compute.backend(on_dask).client.close()
            compute._backend.cache_clear()

    for name in TABLES:
        assert dask[name].equals(local[name]), name


_loaded = False


def _load() -> None:
    """Stands for a model load: takes a while, and marks the worker as loaded."""
    global _loaded
    time.sleep(0.5)
    _loaded = True


def _where(_item: int) -> tuple[int, bool]:
    return os.getpid(), _loaded


def test_a_pool_warmed_for_one_chunk_sends_it_to_the_worker_that_loaded():
    pool = compute.LocalPool(2)
    try:
        pool.warm(_load, 1)
        # The chunk queues behind the load in the one worker the work needs; a cold worker
        # started for it (or this process) would say it has not loaded.
        ((pid, loaded),) = pool.map(_where, [0])
        assert pid != os.getpid() and loaded
        # More chunks than it was warmed for: the pool grows to every worker and runs them all.
        results = pool.map(_where, list(range(6)))
        assert len(results) == 6 and all(pid != os.getpid() for pid, _ in results)
    finally:
        pool.close()


def test_a_pool_never_started_runs_a_single_chunk_in_this_process():
    pool = compute.LocalPool(2)
    try:
        assert pool.map(_where, [0]) == [(os.getpid(), False)]
    finally:
        pool.close()

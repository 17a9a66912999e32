"""Running over a landing folder that changes: batches, idempotent re-runs, additions that write only
new files, removals and fixes reflected with no orphan rows, copies across batches, stale versions,
and one run at a time."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import threading
import time

import polars as pl
import pytest

from pipeline import inventory, run, storage
from pipeline.config import Settings
from pipeline.schema import TABLES

from .conftest import ROOT, write

STORY = "date 2025-03-{day:02d} {title}\n\n{body}\n"
BODIES = [
    "Kenyan police arrested twelve opposition supporters in Nairobi on Monday.",
    "Ghana and Togo signed a border security agreement in Accra on Tuesday.",
    "Russia accused Ukraine of shelling a power plant near Zaporizhzhia.",
    "Chile recalled its ambassador to Venezuela after the election dispute.",
]


def story(i: int, body: str | None = None) -> str:
    return STORY.format(day=i + 1, title=f"Story {i}", body=body or BODIES[i % len(BODIES)])


def files_with_mtime(out) -> dict[str, int]:
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in (out / "tables").rglob("*.parquet")}


def tables(out) -> dict[str, pl.DataFrame]:
    return {name: storage.read_table(out, name) for name in TABLES}


@pytest.fixture
def settings(tmp_path) -> Settings:
    (tmp_path / "in").mkdir()
    return Settings(input_dir=tmp_path / "in", output_dir=tmp_path / "out", batch_size=2)


def test_rerun_on_the_same_input_rewrites_nothing_and_gives_identical_rows(settings):
    for i in range(3):
        write(settings.input_dir, f"s{i}.txt", story(i))
    first = run.process(settings)
    assert all(f.passed for f in first.findings), [f.message for f in first.findings if not f.passed]
    before, rows = files_with_mtime(settings.output_dir), tables(settings.output_dir)
    again = run.process(settings)
    assert "0 batches to build" in again.plan
    batch_files = {k: v for k, v in before.items() if "year=" in k or "quarantine" in k}
    assert {k: v for k, v in files_with_mtime(settings.output_dir).items() if k in batch_files} == batch_files
    for name, frame in tables(settings.output_dir).items():
        assert frame.equals(rows[name]), name


def test_adding_files_writes_new_batch_files_only(settings):
    for i in range(2):
        write(settings.input_dir, f"s{i}.txt", story(i))
    run.process(settings)
    before = files_with_mtime(settings.output_dir)
    old_batch_files = {k: v for k, v in before.items() if "year=" in k or k.startswith("tables/quarantine")}
    write(settings.input_dir, "s9.txt", story(9))
    summary = run.process(settings)
    assert "1 batches to build (1 files)" in summary.plan
    after = files_with_mtime(settings.output_dir)
    assert {k: after[k] for k in old_batch_files} == old_batch_files  # untouched, byte for byte
    assert len(inventory.registry(settings.output_dir)["batch_id"].unique()) == 2
    assert storage.read_table(settings.output_dir, "articles").height == 3


def test_removing_and_fixing_files_leave_no_orphan_rows(settings):
    for i in range(4):
        write(settings.input_dir, f"s{i}.txt", story(i))
    run.process(settings)
    old = storage.read_table(settings.output_dir, "articles")
    (settings.input_dir / "s0.txt").unlink()
    write(settings.input_dir, "s1.txt", story(1, "Japan and South Korea held talks in Seoul on Friday."))
    summary = run.process(settings)
    assert all(f.passed for f in summary.findings), [f.message for f in summary.findings if not f.passed]
    t = tables(settings.output_dir)
    assert sorted(t["articles"]["source_file"].to_list()) == ["s1.txt", "s2.txt", "s3.txt"]
    fixed = t["articles"].filter(pl.col("source_file") == "s1.txt")["article_id"][0]
    assert fixed not in old["article_id"].to_list()
    assert set(t["events"]["article_id"]) <= set(t["articles"]["article_id"])
    assert set(t["event_mentions"]["event_id"]) <= set(t["events"]["event_id"])
    assert set(t["event_cluster_members"]["event_id"]) == set(t["events"]["event_id"])


def test_a_copy_in_a_later_batch_points_at_the_earlier_original_until_it_goes(settings):
    write(settings.input_dir, "z-original.txt", story(0))
    run.process(settings)
    write(settings.input_dir, "a-copy.txt", story(0))  # sorts first, but arrives later
    run.process(settings)
    articles = storage.read_table(settings.output_dir, "articles")
    by_file = dict(zip(articles["source_file"], articles["duplicate_of"], strict=True))
    original = articles.filter(pl.col("source_file") == "z-original.txt")["article_id"][0]
    assert by_file == {"z-original.txt": None, "a-copy.txt": original}
    events = storage.read_table(settings.output_dir, "events")
    assert set(events["article_id"]) == {original}  # events come from the original only
    (settings.input_dir / "z-original.txt").unlink()
    summary = run.process(settings)
    assert all(f.passed for f in summary.findings), [f.message for f in summary.findings if not f.passed]
    articles = storage.read_table(settings.output_dir, "articles")
    assert articles["source_file"].to_list() == ["a-copy.txt"] and articles["duplicate_of"][0] is None
    assert storage.read_table(settings.output_dir, "events").height > 0


def test_batches_of_another_version_are_rebuilt(settings, monkeypatch):
    write(settings.input_dir, "s0.txt", story(0))
    run.process(settings)
    plan = inventory.plan(settings.input_dir, settings.output_dir, settings.batch_size)
    assert plan.unchanged and not plan.batches  # the registry was written by the current version
    monkeypatch.setattr(inventory, "version", lambda: "9.9.9+new-extractor")
    plan = inventory.plan(settings.input_dir, settings.output_dir, settings.batch_size)
    assert [b.files for b in plan.batches] == [("s0.txt",)]


def test_touched_files_with_the_same_bytes_are_not_rebuilt(settings):
    write(settings.input_dir, "s0.txt", story(0))
    run.process(settings)
    path = settings.input_dir / "s0.txt"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    plan = inventory.plan(settings.input_dir, settings.output_dir, settings.batch_size)
    assert not plan.batches and plan.restat
    run.process(settings)
    assert not inventory.plan(settings.input_dir, settings.output_dir, settings.batch_size).restat


def test_a_second_run_waits_for_the_first(settings):
    write(settings.input_dir, "s0.txt", story(0))
    holding, released = threading.Event(), threading.Event()

    def hold():
        with storage.run_lock(settings.output_dir):
            holding.set()
            released.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    holding.wait(10)
    with (
        pytest.raises(storage.LockTimeout, match=r"\.lock"),
        storage.run_lock(settings.output_dir, timeout=0.5),
    ):
        pass
    released.set()
    t.join()
    with storage.run_lock(settings.output_dir, timeout=5):
        pass


def test_two_processes_at_once_give_the_tables_of_one(tmp_path):
    landing = tmp_path / "in"
    for i in range(3):
        write(landing, f"s{i}.txt", story(i))
    env = {**os.environ, "PIPELINE_INPUT_DIR": str(landing), "PIPELINE_BATCH_SIZE": "1"}
    cmd = [sys.executable, "-m", "pipeline", "process", "--output"]
    procs = [
        subprocess.Popen(
            [*cmd, str(tmp_path / "both")],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(2)
    ]
    time.sleep(0.1)
    outputs = [p.communicate(timeout=300)[0].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    alone = run.process(Settings(input_dir=landing, output_dir=tmp_path / "alone", batch_size=1))
    assert all(f.passed for f in alone.findings)
    for name in TABLES:
        assert storage.read_table(tmp_path / "both", name).equals(
            storage.read_table(tmp_path / "alone", name)
        ), name


def test_an_article_whose_extraction_raises_is_kept_and_reported_and_the_batch_goes_on(settings, monkeypatch):
    """A bug in the extractor on one article must not stop a backfill: the article keeps its row,
    a quarantine row (stage `extract`) says what failed, every other article gets its events."""
    from pipeline import events

    for i in range(4):
        write(settings.input_dir, f"s{i}.txt", story(i))
    real = events.extract_article

    def fails_on_ghana(article, docs):
        if "Ghana" in article.text:
            raise ValueError("injected fault")
        return real(article, docs)

    monkeypatch.setattr(events, "extract_article", fails_on_ghana)
    # The fault is injected into this process, so the work must run here, not in workers.
    settings = dataclasses.replace(settings, workers=1)
    summary = run.process(settings)
    t = tables(settings.output_dir)
    assert t["articles"].height == 4
    bad = t["quarantine"].filter(pl.col("stage") == "extract")
    assert bad.select("source_file", "reason_code").rows() == [("s1.txt", "extract_failed")]
    assert "ValueError: injected fault" in bad["reason"][0]
    ghana = t["articles"].filter(pl.col("source_file") == "s1.txt")["article_id"][0]
    assert ghana not in set(t["events"]["article_id"])
    assert t["events"]["article_id"].n_unique() == 3
    failed = {f.check: f for f in summary.findings if not f.passed}
    assert set(failed) == {"extraction_failures"}, [f.message for f in failed.values()]
    assert "1 of 4 articles" in failed["extraction_failures"].message


def test_a_folder_that_yields_no_events_passes_its_checks_and_reads_as_empty_tables(settings):
    write(
        settings.input_dir,
        "fr.txt",
        "date 2025-03-02 Grève\n\nLes syndicats ont appelé à une grève générale.\n",
    )
    write(settings.input_dir, "bad.txt", "no header\n")
    summary = run.process(settings)
    assert all(f.passed for f in summary.findings), [f.message for f in summary.findings if not f.passed]
    t = tables(settings.output_dir)
    assert (t["articles"].height, t["quarantine"].height, t["events"].height) == (1, 1, 0)
    import duckdb

    con = duckdb.connect(str(settings.output_dir / "events.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM events").fetchone() == (0,)

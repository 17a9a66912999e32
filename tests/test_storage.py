"""Atomic, schema-true Parquet writes."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import storage
from pipeline.schema import QUARANTINE


def row(name: str, code: str = "empty") -> dict:
    return {
        "source_file": name,
        "stage": "ingest",
        "reason_code": code,
        "reason": "r",
        "content_sha256": None,
        "size_bytes": 0,
        "detected_encoding": None,
    }


def test_write_replaces_the_table_and_leaves_no_temporary_files(tmp_path):
    storage.write_table(tmp_path, QUARANTINE, [row("b.txt"), row("a.txt")])
    storage.write_table(tmp_path, QUARANTINE, [row("c.txt")])
    folder = storage.table_dir(tmp_path, "quarantine")
    assert [p.name for p in folder.iterdir()] == ["part-00000.parquet"]
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]
    assert storage.read_table(tmp_path, "quarantine")["source_file"].to_list() == ["c.txt"]


def test_rows_sorted_by_key_with_schema_and_zstd(tmp_path):
    storage.write_table(tmp_path, QUARANTINE, [row("b.txt"), row("a.txt")])
    path = storage.table_dir(tmp_path, "quarantine") / "part-00000.parquet"
    meta = pq.ParquetFile(path).metadata
    assert meta.row_group(0).column(0).compression == "ZSTD"
    assert pq.read_schema(path).equals(QUARANTINE.arrow_schema(), check_metadata=False)
    assert storage.read_table(tmp_path, "quarantine")["source_file"].to_list() == ["a.txt", "b.txt"]


def test_failed_write_keeps_the_old_table(tmp_path):
    storage.write_table(tmp_path, QUARANTINE, [row("a.txt")])
    with pytest.raises(pa.ArrowInvalid):
        storage.write_table(tmp_path, QUARANTINE, [row("b.txt", code=None)])  # null in a required column
    assert storage.read_table(tmp_path, "quarantine")["source_file"].to_list() == ["a.txt"]
    assert not [p for p in storage.table_dir(tmp_path, "x").parent.iterdir() if p.name.startswith(".")]


def test_unwritten_table_reads_empty_with_schema(tmp_path):
    frame = storage.read_table(tmp_path, "events")
    assert frame.height == 0 and "event_id" in frame.columns

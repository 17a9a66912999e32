"""Atomic Parquet writes: a table is written to a temporary folder and renamed into place.

A reader (or a killed run) sees the old table or the new one, never half of one. Every file
carries the table's Arrow schema, with column descriptions and versions in its metadata.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.schema import TABLES, Table

TABLES_DIR = "tables"
STAGING_DIR = "staging"
COMPRESSION = "zstd"
ROW_GROUP_SIZE = 100_000


def table_dir(output_dir: Path, name: str) -> Path:
    return Path(output_dir) / TABLES_DIR / name


def to_arrow(table: Table, data: pl.DataFrame | Iterable[dict]) -> pa.Table:
    """Rows (a DataFrame or dicts) as an Arrow table with exactly the table's schema, sorted by key."""
    schema = table.arrow_schema()
    if isinstance(data, pl.DataFrame):
        missing = [c for c in table.column_names if c not in data.columns]
        if missing:
            raise ValueError(f"table {table.name}: missing columns {missing}")
        arrow = data.select(table.column_names).to_arrow()
        arrow = arrow.cast(schema)
    else:
        arrow = pa.Table.from_pylist(list(data), schema=schema)
    if table.key and arrow.num_rows:
        arrow = arrow.sort_by([(k, "ascending") for k in table.key])
    return arrow.replace_schema_metadata(schema.metadata)


def write_table(output_dir: Path, table: Table, data: pl.DataFrame | Iterable[dict]) -> Path:
    """Write a whole table atomically to `<output>/tables/<name>/part-00000.parquet`."""
    arrow = to_arrow(table, data)
    final = table_dir(output_dir, table.name)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f".tmp-{table.name}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        path = tmp / "part-00000.parquet"
        pq.write_table(
            arrow, path, compression=COMPRESSION, row_group_size=ROW_GROUP_SIZE, write_statistics=True
        )
        _fsync(path)
        _swap(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return final


def _swap(new: Path, final: Path) -> None:
    """Rename `new` into `final`, replacing an existing folder with two renames."""
    if final.exists():
        trash = final.parent / f".trash-{final.name}-{uuid.uuid4().hex[:8]}"
        os.rename(final, trash)
        os.rename(new, final)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        os.rename(new, final)
    _fsync_dir(final.parent)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # some filesystems cannot fsync a folder
        _fsync(path)


def read_table(output_dir: Path, name: str) -> pl.DataFrame:
    """A table as a DataFrame (empty, with the right schema, when it was never written)."""
    folder = table_dir(output_dir, name)
    files = sorted(folder.rglob("*.parquet")) if folder.exists() else []
    if not files:
        return TABLES[name].empty()
    return pl.read_parquet([str(f) for f in files])


def parquet_schema(output_dir: Path, name: str) -> pa.Schema | None:
    """The Arrow schema stored in a table's files (None when it has none)."""
    folder = table_dir(output_dir, name)
    files = sorted(folder.rglob("*.parquet")) if folder.exists() else []
    return pq.read_schema(files[0]) if files else None


def write_staging(output_dir: Path, name: str, frame: pl.DataFrame) -> Path:
    """Write an intermediate result (passed between Dagster assets) atomically."""
    folder = Path(output_dir) / STAGING_DIR
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{name}.parquet"
    tmp = folder / f".tmp-{name}-{uuid.uuid4().hex[:8]}.parquet"
    try:
        frame.write_parquet(tmp, compression=COMPRESSION)
        _fsync(tmp)
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    return final


def read_staging(output_dir: Path, name: str) -> pl.DataFrame:
    path = Path(output_dir) / STAGING_DIR / f"{name}.parquet"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: materialize the upstream asset first")
    return pl.read_parquet(path)

"""Parquet datasets on disk, written so that a reader or a killed run never sees half a file.

Layout under the output folder:

    tables/<table>/year=YYYY/month=MM/<batch_id>.parquet   articles, events, event_mentions
    tables/quarantine/<batch_id>.parquet                    one file per batch (may be empty)
    tables/<table>/part-00000.parquet                       tables derived from all batches
                                                            (event_clusters, event_cluster_members, actors)
    staging/<batch_id>/<name>.parquet                       what Dagster assets hand on
    state/                                                  the registry of batches (`inventory`)

Every file is written to a temporary name in its folder, flushed to disk and renamed into place.
Files carry the table's Arrow schema with column descriptions, dataset and pipeline versions in
their metadata, zstd compression, row groups of 100,000 rows and column statistics; rows are sorted
by the table's key, so the same rows always give the same bytes.

`run_lock` serialises runs over one output folder (an advisory `flock` on `<output>/.lock`): two
runs at once wait for each other instead of interleaving their writes.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.schema import TABLES, Table

TABLES_DIR = "tables"
STAGING_DIR = "staging"
COMPRESSION = "zstd"
ROW_GROUP_SIZE = 100_000
#: Tables split by the publication month of their rows, with the column that decides the month
#: (mentions have none: they follow their article's).
MONTH_COLUMN = {"articles": "publication_date", "events": "publication_date", "event_mentions": None}
BATCHED = ("articles", "events", "event_mentions", "quarantine")
LOCK_FILE = ".lock"


class LockTimeout(RuntimeError):
    """Another run holds the output folder's lock for longer than we were willing to wait."""


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


# --------------------------------------------------------------------------------------------
# Atomic files


#: Name prefixes of what a write puts beside its target until it is renamed into place (and of an
#: old folder being swapped out); `sweep` removes what a killed run left under these names.
TMP_PREFIX = ".tmp-"
TRASH_PREFIX = ".trash-"


def tmp_beside(path: Path, prefix: str = TMP_PREFIX) -> Path:
    """A fresh name beside `path` for writing it aside."""
    return path.parent / f"{prefix}{path.name}-{uuid.uuid4().hex[:8]}"


def write_parquet(path: Path, arrow: pa.Table) -> Path:
    """Write one Parquet file atomically (temporary name, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = tmp_beside(path)
    try:
        pq.write_table(
            arrow, tmp, compression=COMPRESSION, row_group_size=ROW_GROUP_SIZE, write_statistics=True
        )
        _fsync(tmp)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_file(path: Path, frame: pl.DataFrame) -> Path:
    """Write a frame (state, staging) as one Parquet file, atomically."""
    return write_parquet(path, frame.to_arrow())


def write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = tmp_beside(path)
    try:
        tmp.write_text(text, encoding="utf-8")
        _fsync(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # some filesystems cannot fsync a folder
        _fsync(path)


# --------------------------------------------------------------------------------------------
# Batch files of the partitioned tables


def batch_files(output_dir: Path, name: str, batch_id: str) -> list[Path]:
    """The files of one batch in a table."""
    folder = table_dir(output_dir, name)
    if not folder.exists():
        return []
    return sorted(folder.rglob(f"{batch_id}.parquet"))


def write_batch(
    output_dir: Path, table: Table, batch_id: str, data: pl.DataFrame, dates: pl.Series | None = None
) -> list[Path]:
    """Write one batch's rows of a table: a file per publication month (`dates` decides each row's
    month when the table has no date of its own, as for mentions, which follow their article), then
    remove the batch's files that no longer hold rows. Other batches' files are never touched."""
    if table.name not in BATCHED:
        raise ValueError(f"table {table.name} is not written by batch")
    folder = table_dir(output_dir, table.name)
    month_col = MONTH_COLUMN.get(table.name)
    if dates is None and month_col is not None:
        dates = data[month_col]
    groups: dict[Path, pl.DataFrame] = {}
    if table.name in MONTH_COLUMN and dates is not None and data.height:
        keyed = data.with_columns(dates.dt.year().alias("_y"), dates.dt.month().alias("_m"))
        for (y, m), part in keyed.group_by(["_y", "_m"], maintain_order=True):
            groups[folder / _month_dir(y, m) / f"{batch_id}.parquet"] = part.drop("_y", "_m")
    elif data.height or table.name not in MONTH_COLUMN:
        groups[folder / f"{batch_id}.parquet"] = data
    written = [write_parquet(path, to_arrow(table, part)) for path, part in sorted(groups.items())]
    for old in batch_files(output_dir, table.name, batch_id):
        if old not in written:
            old.unlink(missing_ok=True)
            _prune_empty(old.parent, folder)
    return written


def _month_dir(year: int, month: int) -> str:
    return f"year={year:04d}/month={month:02d}"


def delete_batch(output_dir: Path, batch_id: str) -> None:
    """Remove a batch's files from every table and its staging folder."""
    for name in BATCHED:
        folder = table_dir(output_dir, name)
        for path in batch_files(output_dir, name, batch_id):
            path.unlink(missing_ok=True)
            _prune_empty(path.parent, folder)
    shutil.rmtree(staging_dir(output_dir, batch_id), ignore_errors=True)


def _prune_empty(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


# --------------------------------------------------------------------------------------------
# Whole tables (derived from every batch)


def write_table(output_dir: Path, table: Table, data: pl.DataFrame | Iterable[dict]) -> Path:
    """Write a whole table atomically to `<output>/tables/<name>/part-00000.parquet`: the new
    folder is built beside the old one and swapped in with two renames."""
    arrow = to_arrow(table, data)
    final = table_dir(output_dir, table.name)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = tmp_beside(final)
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
        trash = tmp_beside(final, TRASH_PREFIX)
        os.rename(final, trash)
        os.rename(new, final)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        os.rename(new, final)
    _fsync_dir(final.parent)


# --------------------------------------------------------------------------------------------
# Reading


def table_files(output_dir: Path, name: str) -> list[Path]:
    """Every committed Parquet file of a table (temporary files are not)."""
    folder = table_dir(output_dir, name)
    if not folder.exists():
        return []
    return sorted(p for p in folder.rglob("*.parquet") if not p.name.startswith("."))


def scan_table(output_dir: Path, name: str) -> pl.LazyFrame:
    """A table as a lazy frame over its files (the file columns only, no Hive columns)."""
    files = table_files(output_dir, name)
    if not files:
        return TABLES[name].empty().lazy()
    return pl.scan_parquet([str(f) for f in files], hive_partitioning=False)


def read_table(output_dir: Path, name: str, columns: list[str] | None = None) -> pl.DataFrame:
    """A table as a DataFrame (empty, with the right schema, when it was never written)."""
    frame = scan_table(output_dir, name)
    return (frame.select(columns) if columns else frame).collect()


def parquet_schemas(output_dir: Path, name: str) -> list[pa.Schema]:
    """The Arrow schema stored in each of a table's files."""
    return [pq.read_schema(f) for f in table_files(output_dir, name)]


def parquet_schema(output_dir: Path, name: str) -> pa.Schema | None:
    """The Arrow schema of a table's files when they all agree (the first one otherwise; None when
    there are none): `quality.schema_matches` compares it with the codebook."""
    return file_schema(table_files(output_dir, name))


def file_schema(files: list[Path]) -> pa.Schema | None:
    """The Arrow schema of the given files when they all agree, else the first that differs."""
    schemas = [pq.read_schema(f) for f in files]
    if not schemas:
        return None
    for s in schemas[1:]:
        if not s.equals(schemas[0], check_metadata=False):
            return s
    return schemas[0]


# --------------------------------------------------------------------------------------------
# Staging (what Dagster assets hand on, per batch)


def staging_dir(output_dir: Path, batch_id: str) -> Path:
    return Path(output_dir) / STAGING_DIR / batch_id


def write_staging(output_dir: Path, batch_id: str, name: str, frame: pl.DataFrame) -> Path:
    """Write an intermediate result of a batch atomically."""
    return write_file(staging_dir(output_dir, batch_id) / f"{name}.parquet", frame)


def read_staging(output_dir: Path, batch_id: str, name: str) -> pl.DataFrame:
    path = staging_dir(output_dir, batch_id) / f"{name}.parquet"
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: materialize the upstream asset of batch {batch_id} first"
        )
    return pl.read_parquet(path)


def sweep(output_dir: Path) -> int:
    """Remove what a killed run left behind in `tables/` and `state/` (temporary files and folders,
    trash of a swap); call with the run lock held. Returns how many entries were removed."""
    removed = 0
    for top in (Path(output_dir) / TABLES_DIR, Path(output_dir) / "state"):
        if not top.exists():
            continue
        for path in sorted(top.rglob(f"{TMP_PREFIX}*"), reverse=True) + sorted(
            top.rglob(f"{TRASH_PREFIX}*"), reverse=True
        ):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed += 1
    for path in Path(output_dir).glob(f"{TMP_PREFIX}*"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed


# --------------------------------------------------------------------------------------------
# One run at a time


#: Seconds a Dagster step waits for another run's lock on the output folder before failing.
LOCK_TIMEOUT = 600.0


@contextlib.contextmanager
def run_lock(output_dir: Path, timeout: float | None = None, poll: float = 0.2) -> Iterator[None]:
    """Hold the output folder's lock: a second run waits (up to `timeout` seconds, then raises
    `LockTimeout` naming the lock file) instead of writing beside the first."""
    Path(output_dir).mkdir(parents=True, exist_ok=True)
    path = Path(output_dir) / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        start = time.monotonic()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if timeout is not None and time.monotonic() - start > timeout:
                    raise LockTimeout(
                        f"another run holds {path} (waited {timeout:.0f} s); wait for it to finish"
                    ) from None
                time.sleep(poll)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

"""The landing folder and what has been made of it: which files are new, changed or gone, and the
batches they are processed in.

A batch is the unit of work (and a Dagster partition): a set of input files whose rows are written
as their own Parquet files (`tables/<table>/year=YYYY/month=MM/<batch_id>.parquet`). Each batch
ends by writing its part of the registry, `state/inputs/<batch_id>.parquet` (one row per file:
path, size, modification time, content hash, pipeline version); that file is the batch's commit
mark. Comparing the folder with the registry tells what to do next:

- files not in the registry, or whose size, time or content changed, go into new batches;
- a batch that lost files (removed or changed) is rebuilt from the files it still has, or deleted
  when it has none left;
- a batch written by another pipeline version is rebuilt (changed logic marks it stale);
- everything else is left alone, so adding ten articles costs ten articles, not the corpus.

Batch ids are derived from the sorted paths of their first set of files, so the same folder
always gives the same batches through the CLI and through Dagster.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline import EXTRACTOR_VERSION, __version__, storage
from pipeline.ids import stable_id
from pipeline.ingest import discover, source_name, source_path

STATE_DIR = "state"
REGISTRY_DIR = "inputs"
MANIFEST_DIR = "batches"
#: Files per batch: big enough to amortise the work around a batch, small enough to bound memory.
BATCH_FILES = 500

REGISTRY_SCHEMA = {
    "source_file": pl.String,
    "size_bytes": pl.Int64,
    "mtime_ns": pl.Int64,
    "content_sha256": pl.String,
    "batch_id": pl.String,
    "version": pl.String,
}


def version() -> str:
    """The version a batch is written with: a batch of another version is stale."""
    return f"{__version__}+{EXTRACTOR_VERSION}"


@dataclass(frozen=True)
class InputFile:
    """A file in the landing folder, as the file system describes it."""

    source_file: str  # relative to the input folder, as `ingest.source_name` reports it
    size_bytes: int
    mtime_ns: int


@dataclass(frozen=True)
class Batch:
    batch_id: str
    files: tuple[str, ...]  # source files, sorted

    def to_json(self) -> dict:
        return {"batch_id": self.batch_id, "files": list(self.files)}


@dataclass
class Plan:
    """What a run has to do to bring the tables in line with the landing folder."""

    batches: list[Batch] = field(default_factory=list)  # new or rebuilt, in order
    deleted: list[str] = field(default_factory=list)  # batches with no file left
    unchanged: list[str] = field(default_factory=list)
    n_files: int = 0
    #: Unchanged batches whose files were touched (same bytes, new time: a copy, a `touch`): their
    #: registry rows with the new stat, so the next plan does not hash them again.
    restat: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.batches and not self.deleted

    def describe(self) -> str:
        files = sum(len(b.files) for b in self.batches)
        return (
            f"{self.n_files} files in the landing folder: {len(self.batches)} batches to build "
            f"({files} files), {len(self.deleted)} to delete, {len(self.unchanged)} unchanged"
        )


def scan(input_dir: Path) -> list[InputFile]:
    """Every input file with its size and modification time (no content is read)."""
    root = Path(input_dir)
    found = []
    for path in discover(root):
        try:
            st = path.stat()
        except OSError:
            try:
                st = path.lstat()  # a dangling link: ingest records why
            except OSError:
                st = None  # vanished meanwhile
        name = source_name(path, root)
        found.append(InputFile(name, st.st_size if st else -1, st.st_mtime_ns if st else -1))
    return found


def state_dir(output_dir: Path) -> Path:
    return Path(output_dir) / STATE_DIR


def registry(output_dir: Path) -> pl.DataFrame:
    """The registry of every committed batch: one row per input file."""
    folder = state_dir(output_dir) / REGISTRY_DIR
    files = sorted(folder.glob("*.parquet")) if folder.exists() else []
    if not files:
        return pl.DataFrame(schema=REGISTRY_SCHEMA)
    return pl.concat([pl.read_parquet(f) for f in files]).cast(REGISTRY_SCHEMA)


def commit(output_dir: Path, batch_id: str, rows: list[dict]) -> None:
    """Record a batch as done: its registry rows, written last and atomically."""
    frame = pl.DataFrame(rows, schema=REGISTRY_SCHEMA) if rows else pl.DataFrame(schema=REGISTRY_SCHEMA)
    storage.write_file(state_dir(output_dir) / REGISTRY_DIR / f"{batch_id}.parquet", frame)


def forget(output_dir: Path, batch_id: str) -> None:
    """Drop a batch from the registry and its manifest (its table files are removed by storage)."""
    for path in (
        state_dir(output_dir) / REGISTRY_DIR / f"{batch_id}.parquet",
        state_dir(output_dir) / MANIFEST_DIR / f"{batch_id}.json",
    ):
        path.unlink(missing_ok=True)


def save_manifest(output_dir: Path, batch: Batch) -> None:
    """Write which files a batch holds, so a run started later (a Dagster partition) can find them."""
    path = state_dir(output_dir) / MANIFEST_DIR / f"{batch.batch_id}.json"
    storage.write_text(path, json.dumps(batch.to_json(), indent=1) + "\n")


def manifest_digest(batch: Batch) -> str:
    """A short digest of a batch's file list (a new digest means the batch has to run again)."""
    return stable_id("files", *batch.files)


def load_manifest(output_dir: Path, batch_id: str) -> Batch:
    path = state_dir(output_dir) / MANIFEST_DIR / f"{batch_id}.json"
    if not path.exists():
        raise FileNotFoundError(
            f"batch {batch_id} has no manifest at {path}: plan it first (the landing-folder sensor, "
            "`python -m pipeline process`, or `make run` do)"
        )
    data = json.loads(path.read_text(encoding="utf-8"))
    return Batch(data["batch_id"], tuple(data["files"]))


def _sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def plan(input_dir: Path, output_dir: Path, batch_files: int = BATCH_FILES) -> Plan:
    """Compare the landing folder with the registry and say which batches to build or delete."""
    current = {f.source_file: f for f in scan(input_dir)}
    reg = registry(output_dir)
    out = Plan(n_files=len(current))
    known: dict[str, dict] = {r["source_file"]: r for r in reg.iter_rows(named=True)}
    stale_version = set(reg.filter(pl.col("version") != version())["batch_id"].unique().to_list())

    kept_by_batch: dict[str, list[str]] = {}
    lost: set[str] = set()  # batches that lost a file
    new_files: list[str] = []
    touched: set[str] = set()
    for name, f in current.items():
        row = known.get(name)
        same = row is not None and (row["size_bytes"], row["mtime_ns"]) == (f.size_bytes, f.mtime_ns)
        if (
            row is not None
            and not same
            and row["content_sha256"]
            and _sha256(source_path(input_dir, name)) == row["content_sha256"]
        ):
            same = True  # the same bytes with a new time
            touched.add(row["batch_id"])
            row = {**row, "size_bytes": f.size_bytes, "mtime_ns": f.mtime_ns}
            known[name] = row
        if same:
            kept_by_batch.setdefault(row["batch_id"], []).append(name)
        else:
            new_files.append(name)
            if row is not None:
                lost.add(row["batch_id"])
    for name, row in known.items():
        if name not in current:
            lost.add(row["batch_id"])

    for batch_id in sorted(set(reg["batch_id"].unique().to_list())):
        kept = kept_by_batch.get(batch_id, [])
        if not kept:
            out.deleted.append(batch_id)
        elif batch_id in lost or batch_id in stale_version:
            out.batches.append(Batch(batch_id, tuple(sorted(kept))))
        else:
            out.unchanged.append(batch_id)
            if batch_id in touched:
                out.restat[batch_id] = [r for r in known.values() if r["batch_id"] == batch_id]
    new_files.sort()
    for i in range(0, len(new_files), batch_files):
        chunk = tuple(new_files[i : i + batch_files])
        out.batches.append(Batch("b" + stable_id("batch", *chunk), chunk))
    return out

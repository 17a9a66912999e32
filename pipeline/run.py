"""The stages chained without Dagster, and the frames that pass between them.

`process` brings the tables in line with the landing folder (the CLI's `process` command and what
`make run` does through Dagster): it plans batches (`inventory.plan`: new and changed files,
batches that lost files, batches of another pipeline version), builds each batch
(`process_batch`: ingest, clean with duplicates marked against earlier batches, extract, write
the batch's files, commit it in the registry), deletes batches with no file left, rebuilds the
dataset-wide tables (`dataset.build`) and the DuckDB catalog, and runs the table checks. The
Dagster assets call the same stage functions for one batch (a partition) at a time and hand
results on through `storage.write_staging`, so both paths write identical tables. One run at a
time writes to an output folder (`storage.run_lock`).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

import polars as pl

from pipeline import compute, dataset, inventory, quality, storage, work
from pipeline.clean import Article, Sentence
from pipeline.config import Settings
from pipeline.dedup import SIGNATURE_SCHEMA, Prior, mark_duplicates, signatures
from pipeline.ingest import Quarantined, RawArticle, discover, read_articles, source_name, source_path
from pipeline.schema import ARTICLES, EVENT_MENTIONS, EVENTS, QUARANTINE, TABLES

log = logging.getLogger("pipeline")

Progress = Callable[[str], None]
SIGNATURES_DIR = "signatures"


@dataclass
class Ingested:
    """Result of reading input files."""

    raw: list[RawArticle]
    quarantined: list[Quarantined]
    n_files: int
    registry: list[dict] = field(default_factory=list)  # one row per file, for `inventory.commit`


@dataclass
class Tables:
    """The batch-written tables of one batch (or run), as DataFrames."""

    articles: pl.DataFrame
    events: pl.DataFrame
    event_mentions: pl.DataFrame
    quarantine: pl.DataFrame

    def as_dict(self) -> dict[str, pl.DataFrame]:
        return {
            "articles": self.articles,
            "events": self.events,
            "event_mentions": self.event_mentions,
            "quarantine": self.quarantine,
        }


@dataclass
class RunSummary:
    n_files: int
    rows: dict[str, int]
    paths: dict[str, str]
    findings: list[quality.Finding] = field(default_factory=list)
    seconds: float = 0.0
    plan: str = ""


# --------------------------------------------------------------------------------------------
# Stages


def ingest(settings: Settings, today: dt.date | None = None) -> Ingested:
    """Read and validate every input file of the landing folder."""
    root = Path(settings.input_dir)
    files = [source_name(p, root) for p in discover(root)]
    return ingest_files(settings, files, today)


def ingest_files(
    settings: Settings, files: list[str] | tuple[str, ...], today: dt.date | None = None
) -> Ingested:
    """Read and validate the given input files (named as `ingest.source_name` names them)."""
    root = Path(settings.input_dir)
    raw, quarantined, rows = [], [], []
    for rel in files:
        path = source_path(root, rel)
        try:
            st = path.stat()
            size, mtime = st.st_size, st.st_mtime_ns
        except OSError:
            size = mtime = -1
        (item,) = read_articles([path], root, settings, today)
        (raw if isinstance(item, RawArticle) else quarantined).append(item)
        rows.append(
            {
                "source_file": rel,
                "size_bytes": size,
                "mtime_ns": mtime,
                "content_sha256": item.content_sha256,
                "version": inventory.version(),
            }
        )
    return Ingested(raw, quarantined, len(files), rows)


def clean(
    raw: list[RawArticle], settings: Settings, prior: Prior | None = None
) -> tuple[list[Article], list[Quarantined]]:
    """Clean validated articles and mark duplicates (of each other and of `prior` batches'
    originals); articles that fail cleaning are quarantined."""
    articles, quarantined = [], []
    for part in compute.run_chunks(
        settings, partial(work.clean_chunk, settings=settings), raw, small_here=True
    ):
        for item in part:
            (articles if isinstance(item, Article) else quarantined).append(item)
    return mark_duplicates(articles, prior=prior), quarantined


def warm_workers(settings: Settings, n_articles: int) -> None:
    """Have the workers that `n_articles` articles keep busy load extraction (the spaCy model,
    gazetteer, lexicons) now, while this process reads files, cleans a small batch and does its
    bookkeeping; the chunks sent to them later queue behind the load, and even a single chunk
    to extract then goes to a worker rather than loading the model in this process. Call it
    first in a flow that extracts."""
    compute.warm(settings, work.warm_up, n_articles)


def extract_rows(
    articles: list[Article], settings: Settings | None = None
) -> tuple[list[dict], list[dict], list[Quarantined]]:
    """Event and mention rows of the articles (English originals only), on the configured backend,
    and a quarantine row (stage `extract`) for each article whose extraction raised: that article
    keeps its `articles` row but has no events, and the rest of the batch goes on."""
    todo = [a for a in articles if a.extractable]
    events: list[dict] = []
    mentions: list[dict] = []
    failed: list[Quarantined] = []
    for e, m, f in compute.run_chunks(settings or Settings(), work.extract_chunk, todo):
        events += e
        mentions += m
        failed += f
    return events, mentions, failed


def extract(
    articles: list[Article], settings: Settings | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, list[Quarantined]]:
    """Event and mention frames for the articles, and the articles whose extraction failed."""
    events, mentions, failed = extract_rows(articles, settings)
    return events_frame(events), mentions_frame(mentions), failed


def build_tables(
    articles: list[Article], quarantined: list[Quarantined], events: pl.DataFrame, mentions: pl.DataFrame
) -> Tables:
    return Tables(articles_frame(articles), events, mentions, quarantine_frame(quarantined))


# --------------------------------------------------------------------------------------------
# One batch


def prior(output_dir: Path, exclude: str | None = None) -> Prior:
    """The originals of every committed batch but `exclude`, for marking duplicates."""
    folder = inventory.state_dir(output_dir) / SIGNATURES_DIR
    files = [f for f in sorted(folder.glob("*.parquet")) if f.stem != exclude] if folder.exists() else []
    sigs = pl.concat([pl.read_parquet(f) for f in files]) if files else pl.DataFrame(schema=SIGNATURE_SCHEMA)

    def bodies(ids: list[str]) -> dict[str, str]:
        found = (
            storage.scan_table(output_dir, "articles")
            .filter(pl.col("article_id").is_in(ids))
            .select("article_id", "body")
            .collect()
        )
        return dict(found.iter_rows())

    return Prior(sigs.cast(SIGNATURE_SCHEMA), bodies)


def write_batch(
    output_dir: Path, batch_id: str, tables: Tables, articles: list[Article], registry: list[dict]
) -> None:
    """Write a batch's rows of every table, its duplicate signatures, then commit it."""
    frames = tables.as_dict()
    dates = tables.articles.select("article_id", "publication_date")
    mention_dates = tables.event_mentions.join(dates, on="article_id", how="left")["publication_date"]
    storage.write_batch(output_dir, ARTICLES, batch_id, frames["articles"])
    storage.write_batch(output_dir, EVENTS, batch_id, frames["events"])
    storage.write_batch(output_dir, EVENT_MENTIONS, batch_id, frames["event_mentions"], dates=mention_dates)
    storage.write_batch(output_dir, QUARANTINE, batch_id, frames["quarantine"])
    storage.write_file(
        inventory.state_dir(output_dir) / SIGNATURES_DIR / f"{batch_id}.parquet", signatures(articles)
    )
    inventory.commit(output_dir, batch_id, [{**r, "batch_id": batch_id} for r in registry])


def process_batch(
    settings: Settings, batch: inventory.Batch, today: dt.date | None = None, say: Progress | None = None
) -> Tables:
    """Build one batch end to end: read, clean, extract, write, commit."""
    say = say or (lambda msg: log.info(msg))
    out = Path(settings.output_dir)
    warm_workers(settings, len(batch.files))
    ing = ingest_files(settings, batch.files, today)
    articles, rejected = clean(ing.raw, settings, prior(out, exclude=batch.batch_id))
    events, mentions, failed = extract(articles, settings)
    tables = build_tables(articles, ing.quarantined + rejected + failed, events, mentions)
    write_batch(out, batch.batch_id, tables, articles, ing.registry)
    say(
        f"batch {batch.batch_id}: {ing.n_files} files, {len(articles)} articles, "
        f"{tables.quarantine.height} quarantined, {events.height} events"
    )
    return tables


def delete_batch(output_dir: Path, batch_id: str) -> None:
    """Remove a batch whose files are all gone: its table files, signatures and registry part."""
    storage.delete_batch(output_dir, batch_id)
    (inventory.state_dir(output_dir) / SIGNATURES_DIR / f"{batch_id}.parquet").unlink(missing_ok=True)
    inventory.forget(output_dir, batch_id)


def orphaned_batches(output_dir: Path) -> list[inventory.Batch]:
    """Batches holding a copy whose original is no longer an article (its file was removed or
    changed): rebuilt, the copy becomes an original or points at another copy's original."""
    articles = storage.read_table(output_dir, "articles", ["article_id", "source_file", "duplicate_of"])
    dangling = articles.filter(
        pl.col("duplicate_of").is_not_null() & ~pl.col("duplicate_of").is_in(articles["article_id"].implode())
    )
    if not dangling.height:
        return []
    reg = inventory.registry(output_dir)
    ids = reg.filter(pl.col("source_file").is_in(dangling["source_file"].implode()))["batch_id"].unique()
    return [
        inventory.Batch(b, tuple(sorted(reg.filter(pl.col("batch_id") == b)["source_file"].to_list())))
        for b in sorted(ids.to_list())
    ]


# --------------------------------------------------------------------------------------------
# The whole folder


def check_tables(output_dir: Path, n_files: int | None = None) -> list[quality.Finding]:
    """The dataset-wide checks over what was written."""
    t = {name: storage.read_table(output_dir, name) for name in TABLES}
    if n_files is None:
        n_files = inventory.registry(output_dir).height
    findings = [quality.schema_matches(name, storage.parquet_schema(output_dir, name)) for name in t]
    findings += [quality.unique_ids(name, t[name]) for name in ("articles", "events", "event_mentions")]
    findings.append(
        quality.counts_reconcile(n_files, t["articles"], t["quarantine"], t["events"], t["event_mentions"])
    )
    findings.append(quality.foreign_keys(t["articles"], t["events"], t["event_mentions"]))
    findings.append(quality.extraction_failures(t["quarantine"], t["articles"].height))
    findings.append(quality.cluster_types_agree(t["events"], t["event_clusters"], t["event_cluster_members"]))
    findings.append(
        quality.cluster_members_reconcile(t["events"], t["event_clusters"], t["event_cluster_members"])
    )
    return findings


def finish(output_dir: Path, say: Progress) -> dict[str, int]:
    """Rebuild the dataset-wide tables and the DuckDB catalog."""
    rows = dataset.build(output_dir)
    dataset.write_catalog(output_dir)
    say(f"dataset: {rows['event_clusters']} event clusters, {rows['actors']} actors; catalog written")
    return rows


def prepare(settings: Settings, say: Progress, lock_timeout: float | None = None) -> inventory.Plan:
    """Get the output ready for building what the landing folder needs, under the output's lock
    (waiting up to `lock_timeout` seconds for another run): sweep what a killed run left behind,
    plan the batches, record touched files, delete batches whose files are all gone and save the
    manifest of each batch to build. When there are batches, the workers start loading the
    models now (`warm_workers`). The Dagster runs build the batches of the plan it returns."""
    with storage.run_lock(settings.output_dir, timeout=lock_timeout):
        return _prepare(settings, say)


def _prepare(settings: Settings, say: Progress) -> inventory.Plan:
    out = Path(settings.output_dir)
    if storage.sweep(out):
        say("removed what an interrupted run left behind")
    plan = inventory.plan(settings.input_dir, out, settings.batch_size)
    say(plan.describe())
    if plan.batches:
        warm_workers(settings, max(len(b.files) for b in plan.batches))
    apply_plan(out, plan, say)
    return plan


def apply_plan(output_dir: Path, plan: inventory.Plan, say: Progress | None = None) -> None:
    """Record a plan's bookkeeping (under the output's lock): the new stat of touched files, the
    deletion of batches whose files are all gone, the manifest of each batch to build."""
    for batch_id, rows in plan.restat.items():
        inventory.commit(output_dir, batch_id, rows)
    for batch_id in plan.deleted:
        delete_batch(output_dir, batch_id)
        if say:
            say(f"batch {batch_id}: every file gone, deleted")
    for batch in plan.batches:
        inventory.save_manifest(output_dir, batch)


def process(settings: Settings, progress: Progress | None = None, today: dt.date | None = None) -> RunSummary:
    """Bring the output tables in line with the landing folder, without Dagster."""
    say = progress or (lambda msg: log.info(msg))
    t0 = time.perf_counter()
    out = Path(settings.output_dir)
    with storage.run_lock(out):
        plan = _prepare(settings, say)
        for batch in plan.batches:
            process_batch(settings, batch, today, say)
        for _ in range(3):  # copies whose original went away
            orphans = orphaned_batches(out)
            for batch in orphans:
                process_batch(settings, batch, today, say)
            if not orphans:
                break
        finish(out, say)
        findings = check_tables(out, plan.n_files)
    rows = {name: storage.read_table(out, name, [TABLES[name].column_names[0]]).height for name in TABLES}
    paths = {name: str(storage.table_dir(out, name)) for name in TABLES}
    return RunSummary(plan.n_files, rows, paths, findings, time.perf_counter() - t0, plan.describe())


# --------------------------------------------------------------------------------------------
# Frames

_SENTENCES = pl.List(pl.Struct({"start": pl.Int32, "end": pl.Int32, "section": pl.String}))


def article_row(a: Article) -> dict:
    return {c: getattr(a, c) for c in ARTICLES.column_names}


def articles_frame(articles: list[Article]) -> pl.DataFrame:
    """The `articles` table rows."""
    return pl.from_arrow(storage.to_arrow(ARTICLES, [article_row(a) for a in articles]))


def staged_articles_frame(articles: list[Article]) -> pl.DataFrame:
    """Articles plus their sentence spans and band keys, as passed from the cleaning asset on."""
    frame = articles_frame(articles)
    spans = {
        a.article_id: [{"start": s.start, "end": s.end, "section": s.section} for s in a.sentences]
        for a in articles
    }
    bands = {a.article_id: a.bands for a in articles}
    return frame.with_columns(
        pl.Series("sentences", [spans[i] for i in frame["article_id"]], dtype=_SENTENCES),
        pl.Series("bands", [bands[i] for i in frame["article_id"]], dtype=pl.List(pl.Int64)),
    )


def articles_table_frame(staged: pl.DataFrame) -> pl.DataFrame:
    """The `articles` table rows of a staged frame (without what only the stages need)."""
    return staged.select(ARTICLES.column_names)


def articles_from_frame(frame: pl.DataFrame) -> list[Article]:
    """Rebuild articles from a staged frame (inverse of `staged_articles_frame`)."""
    out = []
    for row in frame.iter_rows(named=True):
        sentences = [Sentence(i, s["start"], s["end"], s["section"]) for i, s in enumerate(row["sentences"])]
        fields = {c: row[c] for c in ARTICLES.column_names if c != "n_sentences"}
        out.append(Article(**fields, sentences=sentences, bands=row.get("bands")))
    return out


def quarantine_frame(items: list[Quarantined]) -> pl.DataFrame:
    rows = [{k: v for k, v in asdict(q).items() if k in QUARANTINE.column_names} for q in items]
    return pl.from_arrow(storage.to_arrow(QUARANTINE, rows))


def raw_frame(raw: list[RawArticle]) -> pl.DataFrame:
    return pl.DataFrame(
        [asdict(r) for r in raw],
        schema={
            "source_file": pl.String,
            "content_sha256": pl.String,
            "size_bytes": pl.Int64,
            "detected_encoding": pl.String,
            "publication_date": pl.Date,
            "title": pl.String,
            "body": pl.String,
        },
    )


def raw_from_frame(frame: pl.DataFrame) -> list[RawArticle]:
    return [RawArticle(**row) for row in frame.iter_rows(named=True)]


def registry_frame(rows: list[dict]) -> pl.DataFrame:
    """Registry rows of a batch not yet committed (their `batch_id` is set on commit)."""
    schema = {k: v for k, v in inventory.REGISTRY_SCHEMA.items() if k != "batch_id"}
    return pl.DataFrame([{k: r[k] for k in schema} for r in rows], schema=schema)


def events_frame(rows: list[dict]) -> pl.DataFrame:
    return pl.from_arrow(storage.to_arrow(EVENTS, rows))


def mentions_frame(rows: list[dict]) -> pl.DataFrame:
    return pl.from_arrow(storage.to_arrow(EVENT_MENTIONS, rows))

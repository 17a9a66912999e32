"""Tables: the Parquet datasets users query, written atomically under `<output>/tables/<table>/`."""

from collections.abc import Callable
from pathlib import Path

import dagster as dg
import polars as pl

from assets.articles import CLEANED
from assets.checks import result, specs
from assets.events import EXTRACTED
from assets.ingest import RAW
from assets.metadata import counts_markdown, table_metadata
from assets.resources import PipelineConfig
from pipeline import __version__, quality, storage
from pipeline.schema import ARTICLES, EVENT_MENTIONS, EVENTS, QUARANTINE, Table

TABLE_CHECKS = [
    (quality.SCHEMA_MATCHES, True, "The Parquet files' columns and types equal the codebook."),
    (quality.ROWS_VALID, True, "Every row follows the codebook."),
]


def _articles(out: Path) -> pl.DataFrame:
    return storage.read_staging(out, "cleaned_articles").drop("sentences")


def _quarantine(out: Path) -> pl.DataFrame:
    return pl.concat(
        [storage.read_staging(out, "raw_quarantine"), storage.read_staging(out, "clean_quarantine")]
    )


def _events(out: Path) -> pl.DataFrame:
    return storage.read_staging(out, "events")


def _mentions(out: Path) -> pl.DataFrame:
    return storage.read_staging(out, "event_mentions")


def table_asset(
    table: Table,
    build: Callable[[Path], pl.DataFrame],
    deps: list[str],
    preview: list[str],
    description: str,
    extra_metadata: Callable[[pl.DataFrame], dict] | None = None,
):
    """An asset that writes one output table and checks it against the codebook."""

    @dg.asset(
        name=table.name,
        deps=deps,
        group_name="tables",
        kinds={"parquet", "polars"},
        owners=["team:data-engineering"],
        tags={"stage": "tables"},
        code_version=__version__,
        check_specs=specs(table.name, TABLE_CHECKS),
        description=description,
    )
    def _asset(context: dg.AssetExecutionContext, pipeline: PipelineConfig) -> dg.MaterializeResult:
        frame = build(pipeline.output)
        path = storage.write_table(pipeline.output, table, frame)
        written = storage.read_table(pipeline.output, table.name)
        context.log.info(f"wrote {written.height} rows to {path}")
        findings = [
            quality.schema_matches(table.name, storage.parquet_schema(pipeline.output, table.name)),
            quality.rows_valid(table.name, written),
        ]
        metadata = table_metadata(table, written, path, preview)
        if extra_metadata:
            metadata.update(extra_metadata(written))
        return dg.MaterializeResult(metadata=metadata, check_results=[result(f) for f in findings])

    return _asset


def _event_distributions(frame: pl.DataFrame) -> dict:
    return {
        "by_type": dg.MetadataValue.md(counts_markdown(frame, "event_type")),
        "by_status": dg.MetadataValue.md(counts_markdown(frame, "status")),
    }


articles_table = table_asset(
    ARTICLES,
    _articles,
    [CLEANED],
    ["article_id", "source_file", "publication_date", "title", "language"],
    "The `articles` table: one row per cleaned article, with its canonical text.",
)
events_table = table_asset(
    EVENTS,
    _events,
    [EXTRACTED],
    ["event_type", "source_name", "source_country", "target_name", "target_country", "status", "event_date"],
    "The `events` table: one row per event and dyad per article (PLOVER 2.0).",
    _event_distributions,
)
event_mentions_table = table_asset(
    EVENT_MENTIONS,
    _mentions,
    [EXTRACTED],
    ["event_id", "section", "trigger_text", "sentence_text"],
    "The `event_mentions` table: every textual mention of an event, with offsets into the article text.",
)
quarantine_table = table_asset(
    QUARANTINE,
    _quarantine,
    [RAW, CLEANED],
    ["source_file", "stage", "reason_code", "reason"],
    "The `quarantine` table: every input file that did not become an article, with the reason.",
)


@dg.asset_check(
    asset=EVENTS.name,
    blocking=True,
    name=quality.FOREIGN_KEYS,
    additional_deps=[ARTICLES.name, EVENT_MENTIONS.name],
    description="Every event's article exists, every mention's event exists, every event has a mention.",
)
def foreign_keys_hold(pipeline: PipelineConfig) -> dg.AssetCheckResult:
    out = pipeline.output
    return result(
        quality.foreign_keys(
            storage.read_table(out, "articles"),
            storage.read_table(out, "events"),
            storage.read_table(out, "event_mentions"),
        )
    )


@dg.asset_check(
    asset=EVENTS.name,
    blocking=True,
    name=quality.COUNTS_RECONCILE,
    additional_deps=[ARTICLES.name, EVENT_MENTIONS.name, QUARANTINE.name],
    description="Inputs = articles + quarantine; mentions >= events; mention counts add up.",
)
def counts_reconcile(pipeline: PipelineConfig) -> dg.AssetCheckResult:
    out = pipeline.output
    n_inputs = storage.read_staging(out, "inputs").height
    return result(
        quality.counts_reconcile(
            n_inputs,
            storage.read_table(out, "articles"),
            storage.read_table(out, "quarantine"),
            storage.read_table(out, "events"),
            storage.read_table(out, "event_mentions"),
        )
    )


@dg.asset_check(
    asset=EVENT_MENTIONS.name,
    blocking=True,
    name=quality.OFFSETS_MATCH,
    additional_deps=[ARTICLES.name],
    description="Each mention's sentence and trigger offsets point at the quoted text.",
)
def mention_offsets(pipeline: PipelineConfig) -> dg.AssetCheckResult:
    out = pipeline.output
    return result(
        quality.offsets_match(
            storage.read_table(out, "event_mentions"), storage.read_table(out, "articles"), trigger=True
        )
    )


TABLE_ASSETS = [articles_table, events_table, event_mentions_table, quarantine_table]
TABLE_CHECKS_DEFS = [foreign_keys_hold, counts_reconcile, mention_offsets]

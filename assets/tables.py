"""Tables: the Parquet datasets users query, written batch by batch under `<output>/tables/<table>/`.

One multi-asset writes a batch's rows of the four batch-written tables (articles, events,
event_mentions, quarantine) as files of their own, `year=YYYY/month=MM/<batch>.parquet`, and then
commits the batch in the registry. Other batches' files are never touched, so re-processing one
partition leaves the others as they were.
"""

from collections.abc import Iterator

import dagster as dg
import polars as pl

from assets.articles import CLEANED
from assets.checks import result
from assets.events import EXTRACTED
from assets.ingest import RAW
from assets.metadata import counts_markdown, table_metadata
from assets.partitions import BATCHES
from assets.resources import PipelineConfig
from pipeline import __version__, quality, run, storage
from pipeline.schema import ARTICLES, EVENT_MENTIONS, EVENTS, QUARANTINE, Table

BATCH_TABLES: list[tuple[Table, list[str], list[str], str]] = [
    (
        ARTICLES,
        [CLEANED],
        ["article_id", "source_file", "publication_date", "title", "language"],
        "The `articles` table: one row per cleaned article, with its canonical text.",
    ),
    (
        EVENTS,
        [EXTRACTED],
        [
            "event_type",
            "source_name",
            "source_country",
            "target_name",
            "target_country",
            "status",
            "event_date",
        ],
        "The `events` table: one row per event and dyad per article (PLOVER 2.0).",
    ),
    (
        EVENT_MENTIONS,
        [EXTRACTED],
        ["event_id", "section", "trigger_text", "sentence_text"],
        "The `event_mentions` table: every textual mention of an event, with offsets into the article text.",
    ),
    (
        QUARANTINE,
        [RAW, CLEANED],
        ["source_file", "stage", "reason_code", "reason"],
        "The `quarantine` table: every input file that did not become an article, with the reason.",
    ),
]
TABLE_CHECKS = [
    (quality.SCHEMA_MATCHES, True, "The batch's Parquet files have the codebook's columns and types."),
    (quality.ROWS_VALID, True, "Every row of the batch follows the codebook."),
]
BATCH_CHECKS = [
    (
        quality.COUNTS_RECONCILE,
        True,
        "The batch's files = its articles + quarantine rows; mention counts add up.",
    ),
    (quality.FOREIGN_KEYS, True, "Every event of the batch has its article, every mention its event."),
]


def _specs() -> tuple[list[dg.AssetSpec], list[dg.AssetCheckSpec]]:
    assets, checks = [], []
    for table, deps, _, description in BATCH_TABLES:
        assets.append(
            dg.AssetSpec(
                table.name,
                deps=deps,
                group_name="tables",
                kinds={"parquet", "polars"},
                owners=["team:data-engineering"],
                tags={"stage": "tables"},
                code_version=__version__,
                description=description,
                partitions_def=BATCHES,
            )
        )
        checks += [
            dg.AssetCheckSpec(name, asset=table.name, blocking=blocking, description=desc)
            for name, blocking, desc in TABLE_CHECKS
        ]
    checks += [
        dg.AssetCheckSpec(name, asset=EVENTS.name, blocking=blocking, description=desc)
        for name, blocking, desc in BATCH_CHECKS
    ]
    return assets, checks


_ASSET_SPECS, _CHECK_SPECS = _specs()


@dg.multi_asset(
    name="batch_tables",
    specs=_ASSET_SPECS,
    check_specs=_CHECK_SPECS,
    partitions_def=BATCHES,
    description="Write the batch's rows of articles, events, event_mentions and quarantine, then commit "
    "the batch in the registry.",
)
def batch_tables(
    context: dg.AssetExecutionContext, pipeline: PipelineConfig
) -> Iterator[dg.MaterializeResult]:
    out, key = pipeline.output, context.partition_key
    staged = storage.read_staging(out, key, "cleaned_articles")
    articles = run.articles_from_frame(staged)
    quarantine = pl.concat(
        [
            storage.read_staging(out, key, name)
            for name in ("raw_quarantine", "clean_quarantine", "extract_quarantine")
        ]
    )
    tables = run.Tables(
        run.articles_table_frame(staged),
        storage.read_staging(out, key, "events"),
        storage.read_staging(out, key, "event_mentions"),
        quarantine,
    )
    registry = storage.read_staging(out, key, "registry")
    with storage.run_lock(out, timeout=pipeline.lock_timeout):
        run.write_batch(out, key, tables, articles, registry.to_dicts())
    frames = tables.as_dict()
    for table, _, preview, _ in BATCH_TABLES:
        frame = frames[table.name]
        files = storage.batch_files(out, table.name, key)
        findings = [
            quality.schema_matches(table.name, storage.file_schema(files)),
            quality.rows_valid(table.name, frame),
        ]
        if table is EVENTS:
            findings += [
                quality.counts_reconcile(
                    registry.height, tables.articles, tables.quarantine, tables.events, tables.event_mentions
                ),
                quality.foreign_keys(tables.articles, tables.events, tables.event_mentions),
            ]
        metadata = table_metadata(table, frame, storage.table_dir(out, table.name), preview)
        metadata["files"] = dg.MetadataValue.md(
            "\n".join(f"- `{f.relative_to(out)}`" for f in files) or "_none_"
        )
        if table is EVENTS:
            metadata["by_type"] = dg.MetadataValue.md(counts_markdown(frame, "event_type"))
            metadata["by_status"] = dg.MetadataValue.md(counts_markdown(frame, "status"))
        context.log.info(f"batch {key}: wrote {frame.height} rows to {len(files)} files of {table.name}")
        yield dg.MaterializeResult(
            asset_key=table.name, metadata=metadata, check_results=[result(f, table.name) for f in findings]
        )

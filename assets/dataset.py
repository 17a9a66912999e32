"""Analytics: the dataset-wide tables rebuilt from every batch, and the DuckDB catalog over all tables.

These assets are not partitioned: they read every batch's events. They update after each batch
run (the batch job includes them), and after a backfill of partitions through declarative
automation: each is `eager`, so it is requested once its upstream partitions have changed.
"""

from collections.abc import Iterator

import dagster as dg

from assets.checks import result
from assets.metadata import counts_markdown, table_metadata
from assets.resources import PipelineConfig
from pipeline import __version__, dataset, quality, run, storage
from pipeline.schema import ACTORS, EVENT_CLUSTER_MEMBERS, EVENT_CLUSTERS, EVENTS, TABLES

CATALOG_ASSET = "events_duckdb"
DERIVED = [
    (
        EVENT_CLUSTERS,
        ["cluster_id", "event_type", "source_country", "target_country", "first_event_date", "num_articles"],
        "Real-world events across articles: event rows of different articles that report the same "
        "event (type, compatible actors, overlapping dates, compatible place), with how many articles "
        "and mentions report it and a representative event.",
    ),
    (
        EVENT_CLUSTER_MEMBERS,
        ["cluster_id", "event_id", "article_id", "score"],
        "Which event rows make up each cluster (membership kept apart from `events`).",
    ),
    (
        ACTORS,
        ["name", "country", "sector", "num_events", "first_seen", "last_seen"],
        "Canonical actors of the events, with the words the articles used for them.",
    ),
]
DERIVED_CHECKS = [
    (quality.SCHEMA_MATCHES, True, "The Parquet file's columns and types equal the codebook."),
    (quality.ROWS_VALID, True, "Every row follows the codebook."),
]
CLUSTER_CHECKS = [
    (quality.CLUSTER_TYPES, True, "Members of a cluster share its event type."),
    (quality.CLUSTER_MEMBERS, True, "Every event is in one cluster; member counts match the clusters."),
]
DATASET_CHECKS = [
    (quality.SCHEMA_MATCHES, True, "Every Parquet file of every table has the codebook's columns and types."),
    (quality.UNIQUE_IDS, True, "Ids are unique across all batches (articles, events, mentions)."),
    (quality.COUNTS_RECONCILE, True, "Input files = articles + quarantine rows over all batches."),
    (quality.FOREIGN_KEYS, True, "Every event has its article and every mention its event, across batches."),
]
_EAGER = dg.AutomationCondition.eager()


@dg.multi_asset(
    name="dataset_tables",
    specs=[
        dg.AssetSpec(
            table.name,
            deps=[EVENTS.name],
            group_name="analytics",
            kinds={"parquet", "polars"},
            owners=["team:data-engineering"],
            tags={"stage": "analytics"},
            code_version=__version__,
            description=description,
            automation_condition=_EAGER,
        )
        for table, _, description in DERIVED
    ],
    check_specs=[
        dg.AssetCheckSpec(name, asset=table.name, blocking=blocking, description=desc)
        for table, _, _ in DERIVED
        for name, blocking, desc in DERIVED_CHECKS
    ]
    + [
        dg.AssetCheckSpec(name, asset=EVENT_CLUSTERS.name, blocking=blocking, description=desc)
        for name, blocking, desc in CLUSTER_CHECKS
    ],
    description="Rebuild event clusters, their members and the actors from every batch's events.",
)
def dataset_tables(
    context: dg.AssetExecutionContext, pipeline: PipelineConfig
) -> Iterator[dg.MaterializeResult]:
    out = pipeline.output
    with storage.run_lock(out, timeout=pipeline.lock_timeout):
        rows = dataset.build(out)
    context.log.info(f"{rows['event_clusters']} clusters, {rows['actors']} actors")
    events = storage.read_table(out, "events")
    for table, preview, _ in DERIVED:
        frame = storage.read_table(out, table.name)
        findings = [
            quality.schema_matches(table.name, storage.parquet_schema(out, table.name)),
            quality.rows_valid(table.name, frame),
        ]
        metadata = table_metadata(table, frame, storage.table_dir(out, table.name), preview)
        if table is EVENT_CLUSTERS:
            members = storage.read_table(out, EVENT_CLUSTER_MEMBERS.name)
            findings += [
                quality.cluster_types_agree(events, frame, members),
                quality.cluster_members_reconcile(events, frame, members),
            ]
            metadata["by_type"] = dg.MetadataValue.md(counts_markdown(frame, "event_type"))
            metadata["multi_article_clusters"] = int((frame["num_articles"] > 1).sum()) if frame.height else 0
        yield dg.MaterializeResult(
            asset_key=table.name, metadata=metadata, check_results=[result(f, table.name) for f in findings]
        )


@dg.asset(
    name=CATALOG_ASSET,
    deps=[t for t in TABLES],
    group_name="analytics",
    kinds={"duckdb"},
    owners=["team:data-engineering"],
    tags={"stage": "analytics"},
    code_version=__version__,
    automation_condition=_EAGER,
    check_specs=[
        dg.AssetCheckSpec(name, asset=CATALOG_ASSET, blocking=blocking, description=desc)
        for name, blocking, desc in DATASET_CHECKS
    ],
    description="`<output>/events.duckdb`: a DuckDB database of views over every table's Parquet files "
    "(no copy). Its checks look at the whole dataset across batches.",
)
def events_duckdb(context: dg.AssetExecutionContext, pipeline: PipelineConfig) -> dg.MaterializeResult:
    out = pipeline.output
    with storage.run_lock(out, timeout=pipeline.lock_timeout):
        path = dataset.write_catalog(out)
        findings = run.check_tables(out)
    wanted = {name for name, _, _ in DATASET_CHECKS}
    merged = _merge_by_check([f for f in findings if f.check in wanted])
    counts = {name: storage.read_table(out, name, [TABLES[name].column_names[0]]).height for name in TABLES}
    context.log.info(f"catalog {path}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "tables": dg.MetadataValue.md(
                "\n".join(["| table | rows |", "|---|---|"] + [f"| {k} | {v} |" for k, v in counts.items()])
            ),
            "open with": dg.MetadataValue.text(f"duckdb {path}"),
        },
        check_results=[result(f) for f in merged],
    )


def _merge_by_check(findings: list[quality.Finding]) -> list[quality.Finding]:
    """One result per check name (several tables report the same check): passed when all passed."""
    by_name: dict[str, list[quality.Finding]] = {}
    for f in findings:
        by_name.setdefault(f.check, []).append(f)
    merged = []
    for name, group in by_name.items():
        failed = [f for f in group if not f.passed]
        message = "; ".join(f.message for f in (failed or group))
        merged.append(
            quality.Finding(
                name, not failed, group[0].severity, message, {"findings": [f.metadata for f in group]}
            )
        )
    return merged

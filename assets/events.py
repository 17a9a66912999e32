"""Events: PLOVER-coded events with actors, status, date, place and provenance, from cleaned articles."""

import dagster as dg

from assets.articles import CLEANED
from assets.checks import result, specs
from assets.metadata import counts_markdown, markdown_preview
from assets.partitions import BATCHES
from assets.resources import PipelineConfig
from pipeline import EXTRACTOR_VERSION, quality, run, storage

EXTRACTED = "extracted_events"
CHECKS = [
    (
        quality.ROWS_VALID,
        True,
        "Event types in PLOVER, country codes in the reference list, confidence in [0, 1].",
    ),
    (
        quality.EXTRACTION_FAILURES,
        False,
        "Extraction raised on no article (those it did are kept without events, in quarantine as stage extract).",
    ),
    (quality.UNIQUE_IDS, True, "No two events share an event_id."),
    (quality.OFFSETS_MATCH, True, "Each event's sentence offsets point at the quoted sentence."),
    (quality.FUTURE_EVENTS, False, "Events dated after their article are planned or possible."),
    (
        quality.PUBLICATION_FALLBACK,
        False,
        "Share of events dated by the publication date (no time expression).",
    ),
]


@dg.asset(
    name=EXTRACTED,
    deps=[CLEANED],
    partitions_def=BATCHES,
    group_name="events",
    kinds={"python", "spacy", "parquet"},
    owners=["team:nlp"],
    tags={"stage": "extract"},
    code_version=EXTRACTOR_VERSION,
    check_specs=specs(EXTRACTED, CHECKS),
    description="Who did what to whom: events coded in PLOVER 2.0 (type, mode, quad class) with source and "
    "target actors (name, country, sector), status and claimant, event date interval, place, the "
    "sentence and trigger that say so, and a confidence. One row per event and dyad per article; its "
    "mentions in headline, dek, summary and body are merged.",
)
def extracted_events(context: dg.AssetExecutionContext, pipeline: PipelineConfig) -> dg.MaterializeResult:
    out, key = pipeline.output, context.partition_key
    staged = storage.read_staging(out, key, "cleaned_articles")
    articles = run.articles_from_frame(staged)
    events, mentions, failed = run.extract(articles, pipeline.settings())
    failed_frame = run.quarantine_frame(failed)
    storage.write_staging(out, key, "events", events)
    storage.write_staging(out, key, "event_mentions", mentions)
    storage.write_staging(out, key, "extract_quarantine", failed_frame)
    context.log.info(
        f"batch {key}: extracted {events.height} events ({mentions.height} mentions) from {len(articles)} articles"
    )
    for q in failed:
        context.log.error(f"batch {key}: extraction failed on {q.source_file}: {q.reason}")
    findings = [
        quality.extraction_failures(failed_frame, len(articles)),
        quality.rows_valid("events", events),
        quality.unique_ids("events", events),
        quality.offsets_match(events, staged),
        quality.future_events(events),
        quality.publication_fallback(events),
    ]
    return dg.MaterializeResult(
        metadata={
            "events": events.height,
            "mentions": mentions.height,
            "extraction_failures": len(failed),
            "by_type": dg.MetadataValue.md(counts_markdown(events, "event_type")),
            "by_status": dg.MetadataValue.md(counts_markdown(events, "status")),
            "preview": dg.MetadataValue.md(
                markdown_preview(
                    events,
                    ["event_type", "source_name", "target_name", "status", "event_date", "trigger_text"],
                )
            ),
        },
        check_results=[result(f) for f in findings],
    )

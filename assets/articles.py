"""Articles: clean each raw article (structure, boilerplate, normalisation, language, duplicates)."""

import dagster as dg

from assets.checks import result, specs
from assets.ingest import RAW
from assets.metadata import counts_markdown, markdown_preview, removed_markdown
from assets.partitions import BATCHES
from assets.resources import PipelineConfig
from pipeline import __version__, quality, run, storage
from pipeline.clean import removed_summary

CLEANED = "cleaned_articles"
CHECKS = [
    (quality.ROWS_VALID, True, "Every article row follows the codebook (types, nulls, vocabularies)."),
    (quality.UNIQUE_IDS, True, "No two articles share an article_id."),
    (quality.DATES_VALID, True, "Publication dates lie between 1900 and today (bad ones were quarantined)."),
    (quality.BODIES_PRESENT, True, "No article has an empty body."),
    (quality.SHORT_BODIES, False, "Articles whose body is under 200 characters (often a failed scrape)."),
    (
        quality.BOILERPLATE_GONE,
        False,
        "No line of page chrome (captions, share lines, ...) is left in a body.",
    ),
    (quality.BOILERPLATE_SHARE, False, "Articles that lost over half their text to boilerplate removal."),
    (quality.LANGUAGE_MIX, False, "Languages of the articles; only English ones are extracted."),
    (quality.DUPLICATE_RATE, False, "Share of articles that repeat another (events come from the original)."),
]


@dg.asset(
    name=CLEANED,
    deps=[RAW],
    partitions_def=BATCHES,
    group_name="articles",
    kinds={"python", "parquet"},
    owners=["team:data-engineering"],
    tags={"stage": "clean"},
    code_version=__version__,
    check_specs=specs(CLEANED, CHECKS),
    description="Cleaned articles: title, dek, summary bullets and body recovered from the scraped page, "
    "page chrome removed and counted, text repaired and normalised, language identified, duplicates "
    "pointing at their original (in this batch or an earlier one). One canonical `text` per article; "
    "every offset indexes into it.",
)
def cleaned_articles(context: dg.AssetExecutionContext, pipeline: PipelineConfig) -> dg.MaterializeResult:
    settings = pipeline.settings()
    out, key = pipeline.output, context.partition_key
    raw = run.raw_from_frame(storage.read_staging(out, key, "raw_articles"))
    articles, rejected = run.clean(raw, settings, run.prior(out, exclude=key))
    staged = run.staged_articles_frame(articles)
    storage.write_staging(out, key, "cleaned_articles", staged)
    storage.write_staging(out, key, "clean_quarantine", run.quarantine_frame(rejected))
    frame = run.articles_table_frame(staged)
    context.log.info(f"batch {key}: cleaned {frame.height} articles, quarantined {len(rejected)}")
    findings = [
        quality.rows_valid("articles", frame),
        quality.unique_ids("articles", frame),
        quality.publication_dates_valid(frame),
        quality.bodies_present(frame),
        quality.short_bodies(frame),
        quality.boilerplate_gone(frame),
        quality.boilerplate_share(frame),
        quality.language_mix(frame),
        quality.duplicate_rate(frame),
    ]
    return dg.MaterializeResult(
        metadata={
            "articles": frame.height,
            "quarantined_while_cleaning": len(rejected),
            "boilerplate_chars": int(frame["boilerplate_chars"].sum() or 0),
            "languages": dg.MetadataValue.md(counts_markdown(frame, "language")),
            "boilerplate_removed": dg.MetadataValue.md(removed_markdown(removed_summary(articles))),
            "preview": dg.MetadataValue.md(
                markdown_preview(
                    frame, ["source_file", "publication_date", "title", "language", "n_sentences"]
                )
            ),
        },
        check_results=[result(f) for f in findings],
    )

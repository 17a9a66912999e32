"""Ingest: read every file in the landing folder and validate it (article or quarantine)."""

import dagster as dg
import polars as pl

from assets.checks import result, specs
from assets.metadata import counts_markdown, markdown_preview
from assets.resources import PipelineConfig
from pipeline import __version__, quality, run, storage

RAW = "raw_articles"
CHECKS = [
    (
        quality.FILES_ACCOUNTED,
        True,
        "Every file in the landing folder became a raw article or a quarantine row.",
    ),
    (
        quality.QUARANTINE_REASONS_CHECK,
        True,
        "Share of files quarantined, by reason; reasons from the fixed list.",
    ),
]


@dg.asset(
    name=RAW,
    group_name="ingest",
    kinds={"python", "parquet"},
    owners=["team:data-engineering"],
    tags={"stage": "ingest"},
    code_version=__version__,
    check_specs=specs(RAW, CHECKS),
    description="Raw article files from the landing folder (PIPELINE_INPUT_DIR), read and validated: "
    "publication date and title from the header line, the body still raw. Files that are empty, "
    "binary, undecodable, header-less, undated or too large become quarantine rows with a reason.",
)
def raw_articles(context: dg.AssetExecutionContext, pipeline: PipelineConfig) -> dg.MaterializeResult:
    settings = pipeline.settings()
    ing = run.ingest(settings)
    inputs = pl.DataFrame(
        {"source_file": [r.source_file for r in ing.raw] + [q.source_file for q in ing.quarantined]},
        schema={"source_file": pl.String},
    )
    raw = run.raw_frame(ing.raw)
    quarantine = run.quarantine_frame(ing.quarantined)
    storage.write_staging(pipeline.output, "inputs", inputs)
    storage.write_staging(pipeline.output, "raw_articles", raw)
    storage.write_staging(pipeline.output, "raw_quarantine", quarantine)
    context.log.info(
        f"read {ing.n_files} files from {settings.input_dir}: {raw.height} valid, "
        f"{quarantine.height} quarantined"
    )
    findings = [
        quality.files_accounted(ing.n_files, raw.height, quarantine.height),
        quality.quarantine_summary(quarantine, ing.n_files),
    ]
    return dg.MaterializeResult(
        metadata={
            "files": ing.n_files,
            "valid": raw.height,
            "quarantined": quarantine.height,
            "input_dir": dg.MetadataValue.path(str(settings.input_dir)),
            "quarantine_by_reason": dg.MetadataValue.md(counts_markdown(quarantine, "reason_code")),
            "preview": dg.MetadataValue.md(
                markdown_preview(raw, ["source_file", "publication_date", "title"])
            ),
        },
        check_results=[result(f) for f in findings],
    )

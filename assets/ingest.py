"""Ingest: read a batch of files from the landing folder and validate them (article or quarantine)."""

import dagster as dg

from assets.checks import result, specs
from assets.metadata import counts_markdown, markdown_preview
from assets.partitions import BATCHES
from assets.resources import PipelineConfig
from pipeline import __version__, inventory, quality, run, storage

RAW = "raw_articles"
CHECKS = [
    (
        quality.FILES_ACCOUNTED,
        True,
        "Every file of the batch became a raw article or a quarantine row.",
    ),
    (
        quality.QUARANTINE_REASONS_CHECK,
        True,
        "Share of files quarantined, by reason; reasons from the fixed list.",
    ),
]


@dg.asset(
    name=RAW,
    partitions_def=BATCHES,
    group_name="ingest",
    kinds={"python", "parquet"},
    owners=["team:data-engineering"],
    tags={"stage": "ingest"},
    code_version=__version__,
    check_specs=specs(RAW, CHECKS),
    retry_policy=dg.RetryPolicy(max_retries=2, delay=5),  # a file system hiccup is worth a retry
    description="The batch's raw article files from the landing folder (PIPELINE_INPUT_DIR), read and "
    "validated: publication date and title from the header line, the body still raw. Files that are "
    "empty, binary, undecodable, header-less, undated, too large or links out of the folder become "
    "quarantine rows with a reason.",
)
def raw_articles(context: dg.AssetExecutionContext, pipeline: PipelineConfig) -> dg.MaterializeResult:
    settings = pipeline.settings()
    batch = inventory.load_manifest(pipeline.output, context.partition_key)
    run.warm_workers(settings, len(batch.files))  # they load the models while this run goes on
    ing = run.ingest_files(settings, batch.files)
    raw = run.raw_frame(ing.raw)
    quarantine = run.quarantine_frame(ing.quarantined)
    out, key = pipeline.output, context.partition_key
    storage.write_staging(out, key, "raw_articles", raw)
    storage.write_staging(out, key, "raw_quarantine", quarantine)
    storage.write_staging(out, key, "registry", run.registry_frame(ing.registry))
    context.log.info(
        f"batch {key}: read {ing.n_files} files from {settings.input_dir}: {raw.height} valid, "
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

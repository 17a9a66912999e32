"""The Dagster definitions: `dagster dev` (via workspace.yaml) and `make run` load this module."""

from __future__ import annotations

import dagster as dg

from assets.articles import cleaned_articles
from assets.dataset import dataset_tables, events_duckdb
from assets.events import extracted_events
from assets.ingest import raw_articles
from assets.resources import PipelineConfig
from assets.sensors import INGEST_JOB, REFRESH_JOB, landing_folder_sensor
from assets.tables import batch_tables

BATCH_ASSETS = [raw_articles, cleaned_articles, extracted_events, batch_tables]
DATASET_ASSETS = [dataset_tables, events_duckdb]
ALL_ASSETS = [*BATCH_ASSETS, *DATASET_ASSETS]
ALL_CHECKS: list = []  # every check is declared with its asset

ingest_batch = dg.define_asset_job(
    INGEST_JOB,
    selection=dg.AssetSelection.assets(*BATCH_ASSETS, *DATASET_ASSETS),
    description="Process one batch of input files (a partition) and refresh the dataset tables.",
)
process_batches = dg.define_asset_job(
    "process_batches",
    selection=dg.AssetSelection.assets(*BATCH_ASSETS),
    description="Process batches (partitions) only: what a backfill over many batches runs.",
)
refresh_dataset = dg.define_asset_job(
    REFRESH_JOB,
    selection=dg.AssetSelection.assets(*DATASET_ASSETS),
    description="Rebuild the clusters, actors and the DuckDB catalog from every batch.",
)

#: Refreshes the dataset assets (`eager`) after batches change outside a batch run, such as a
#: backfill of partitions from the UI; on by default, unlike Dagster's own default sensor.
dataset_automation = dg.AutomationConditionSensorDefinition(
    "dataset_automation",
    target=dg.AssetSelection.assets(*DATASET_ASSETS),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Rebuild clusters, actors and the catalog once batches have changed (after a backfill).",
)

defs = dg.Definitions(
    assets=ALL_ASSETS,
    jobs=[ingest_batch, process_batches, refresh_dataset],
    sensors=[landing_folder_sensor, dataset_automation],
    resources={"pipeline": PipelineConfig.from_env()},
    # One process per run: the steps of a batch share one spaCy load (a process per step would
    # load the model four times); batches run in parallel as separate runs.
    executor=dg.in_process_executor,
)

"""The Dagster definitions: `dagster dev` (via workspace.yaml) and `make run` load this module."""

from __future__ import annotations

import dagster as dg

from assets.articles import cleaned_articles
from assets.events import extracted_events
from assets.ingest import raw_articles
from assets.resources import PipelineConfig
from assets.tables import TABLE_ASSETS, TABLE_CHECKS_DEFS

ALL_ASSETS = [raw_articles, cleaned_articles, extracted_events, *TABLE_ASSETS]
ALL_CHECKS = list(TABLE_CHECKS_DEFS)

materialize_all = dg.define_asset_job(
    "materialize_all",
    selection=dg.AssetSelection.all(),
    description="Read the landing folder and rebuild every table.",
)

defs = dg.Definitions(
    assets=ALL_ASSETS,
    asset_checks=ALL_CHECKS,
    jobs=[materialize_all],
    resources={"pipeline": PipelineConfig.from_env()},
)

"""The Dagster project: definitions load, every asset materializes over seeds/ with its checks,
partitions are batches the sensor plans, the tables equal the CLI's, and a blocking check stops
bad data."""

from __future__ import annotations

import shutil

import dagster as dg
import polars as pl
import pytest

from assets.definitions import ALL_ASSETS, defs
from assets.partitions import BATCHES
from assets.resources import PipelineConfig
from assets.run_all import materialize_everything
from assets.sensors import landing_folder_sensor
from pipeline import inventory, run, storage
from pipeline.config import Settings
from pipeline.schema import TABLES

from .conftest import SEEDS, write


def test_definitions_load():
    dg.Definitions.validate_loadable(defs)
    keys = {key.to_user_string() for a in ALL_ASSETS for key in a.keys}
    assert keys == {
        "raw_articles",
        "cleaned_articles",
        "extracted_events",
        *TABLES,
        "events_duckdb",
    }
    for job in ("ingest_batch", "process_batches", "refresh_dataset"):
        assert defs.resolve_job_def(job)
    assert defs.resolve_sensor_def("landing_folder_sensor")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    root = tmp_path_factory.mktemp("seeded")
    landing = root / "in"
    shutil.copytree(SEEDS, landing)
    write(landing, "broken/empty.txt", "")
    write(landing, "broken/no-header.txt", "Just words.\n\nMore words.")
    config = PipelineConfig(input_dir=str(landing), output_dir=str(root / "dagster"))
    instance = dg.DagsterInstance.ephemeral()
    return root, config, instance, materialize_everything(config, instance, log_level="WARNING")


def test_every_asset_and_check_succeeds_over_seeds(seeded):
    _, config, instance, results = seeded
    assert all(r.success for r in results)
    evaluations = [e for r in results for e in r.get_asset_check_evaluations()]
    assert len(evaluations) >= 30
    failed = [
        (e.asset_key.to_user_string(), e.check_name)
        for e in evaluations
        if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    ]
    assert failed == []
    quarantine = storage.read_table(config.output, "quarantine")
    assert sorted(quarantine["reason_code"].to_list()) == ["empty", "no_header"]
    n_inputs = len(list(SEEDS.glob("*.txt"))) + 2
    assert storage.read_table(config.output, "articles").height + quarantine.height == n_inputs
    assert storage.read_table(config.output, "events").height > 0
    assert (
        instance.get_dynamic_partitions(BATCHES.name)
        == inventory.registry(config.output)["batch_id"].unique().to_list()
    )


def test_dagster_and_cli_process_write_identical_tables(seeded):
    root, config, _, _ = seeded
    settings = Settings(input_dir=config.input_dir, output_dir=root / "cli")
    run.process(settings)
    for table in TABLES:
        a = storage.read_table(config.output, table)
        b = storage.read_table(settings.output_dir, table)
        assert a.equals(b), table
    files = {p.relative_to(config.output / "tables") for p in (config.output / "tables").rglob("*.parquet")}
    assert files == {
        p.relative_to(root / "cli" / "tables") for p in (root / "cli" / "tables").rglob("*.parquet")
    }


def test_sensor_plans_new_files_as_a_partition_and_a_run(tmp_path):
    landing = tmp_path / "in"
    landing.mkdir()
    shutil.copy(SEEDS / "000_21979369e48d99d7.txt", landing / "a.txt")
    config = PipelineConfig(input_dir=str(landing), output_dir=str(tmp_path / "out"))
    instance = dg.DagsterInstance.ephemeral()
    context = dg.build_sensor_context(instance=instance, resources={"pipeline": config})
    first = landing_folder_sensor(context)
    assert len(first.run_requests) == 1
    key = first.run_requests[0].partition_key
    assert first.dynamic_partitions_requests[0].partition_keys == [key]
    assert inventory.load_manifest(config.output, key).files == ("a.txt",)
    # Until the batch is committed, the same files plan the same batch (and the same run key).
    again = landing_folder_sensor(context)
    assert [r.run_key for r in again.run_requests] == [first.run_requests[0].run_key]


def test_blocking_check_stops_bad_data(tmp_path, monkeypatch):
    landing = tmp_path / "in"
    landing.mkdir()
    shutil.copy(SEEDS / "000_21979369e48d99d7.txt", landing / "a.txt")
    config = PipelineConfig(input_dir=str(landing), output_dir=str(tmp_path / "out"))

    # A defect in extraction: offsets that no longer point at the sentence.
    real = run.extract

    def broken(articles, settings=None):
        events, mentions, failed = real(articles, settings)
        return events.with_columns(pl.col("sentence_start") + 1), mentions, failed

    monkeypatch.setattr(run, "extract", broken)
    results = materialize_everything(config, dg.DagsterInstance.ephemeral(), log_level="WARNING")
    assert not results[0].success
    offsets = [
        e
        for e in results[0].get_asset_check_evaluations()
        if e.asset_key.to_user_string() == "extracted_events" and e.check_name == "offsets_point_at_sentences"
    ]
    assert offsets and not offsets[0].passed
    assert not storage.table_files(config.output, "events")  # the events table was never written
    assert inventory.registry(config.output).height == 0  # nor the batch committed

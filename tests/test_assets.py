"""The Dagster project: definitions load, every asset materializes over seeds/ with its checks, the
tables equal the CLI's, and a blocking check stops bad data."""

from __future__ import annotations

import shutil

import dagster as dg
import polars as pl
import pytest

from assets.definitions import ALL_ASSETS, ALL_CHECKS, defs
from assets.resources import PipelineConfig
from pipeline import run, storage
from pipeline.config import Settings

from .conftest import SEEDS, write

TABLES = ("articles", "events", "event_mentions", "quarantine")


def materialize(config: PipelineConfig, selection=None) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [*ALL_ASSETS, *ALL_CHECKS], resources={"pipeline": config}, selection=selection, raise_on_error=False
    )


def test_definitions_load():
    dg.Definitions.validate_loadable(defs)
    keys = {key.to_user_string() for a in ALL_ASSETS for key in a.keys}
    assert keys == {
        "raw_articles",
        "cleaned_articles",
        "extracted_events",
        "articles",
        "events",
        "event_mentions",
        "quarantine",
    }
    assert defs.resolve_job_def("materialize_all")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    root = tmp_path_factory.mktemp("seeded")
    landing = root / "in"
    shutil.copytree(SEEDS, landing)
    write(landing, "broken/empty.txt", "")
    write(landing, "broken/no-header.txt", "Just words.\n\nMore words.")
    config = PipelineConfig(input_dir=str(landing), output_dir=str(root / "dagster"))
    return root, config, materialize(config)


def test_every_asset_and_check_succeeds_over_seeds(seeded):
    _, config, result = seeded
    assert result.success
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) >= 20
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


def test_dagster_and_cli_process_write_identical_tables(seeded):
    root, config, _ = seeded
    settings = Settings(input_dir=config.input_dir, output_dir=root / "cli")
    run.process(settings)
    for table in TABLES:
        a = storage.read_table(config.output, table)
        b = storage.read_table(settings.output_dir, table)
        assert a.equals(b), table


def test_blocking_check_stops_bad_data(tmp_path, monkeypatch):
    landing = tmp_path / "in"
    landing.mkdir()
    shutil.copy(SEEDS / "000_21979369e48d99d7.txt", landing / "a.txt")
    config = PipelineConfig(input_dir=str(landing), output_dir=str(tmp_path / "out"))

    # A defect in extraction: offsets that no longer point at the sentence.
    real = run.extract

    def broken(articles, settings=None):
        events, mentions = real(articles, settings)
        return events.with_columns(pl.col("sentence_start") + 1), mentions

    monkeypatch.setattr(run, "extract", broken)
    result = materialize(config)
    assert not result.success
    offsets = [
        e
        for e in result.get_asset_check_evaluations()
        if e.asset_key.to_user_string() == "extracted_events" and e.check_name == "offsets_point_at_sentences"
    ]
    assert offsets and not offsets[0].passed
    assert not storage.table_dir(config.output, "events").exists()  # the events table was never written

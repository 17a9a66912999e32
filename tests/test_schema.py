"""The schema is defined once: Arrow types, row rules and the codebook all derive from it."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipeline.reference import COUNTRY_CODES, EVENT_TYPES, GROUP_CODES, QUARANTINE_REASONS
from pipeline.schema import EVENTS, TABLES, codebook_markdown, row_schema

from .conftest import ROOT


def test_tables_have_the_design_columns():
    assert set(TABLES) == {
        "articles",
        "events",
        "event_mentions",
        "event_clusters",
        "event_cluster_members",
        "actors",
        "quarantine",
    }
    assert {
        "actor_id",
        "name",
        "country",
        "sector",
        "aliases",
        "first_seen",
        "last_seen",
        "num_events",
    } <= set(TABLES["actors"].column_names)
    must = {
        "event_id",
        "article_id",
        "event_type",
        "event_mode",
        "quad_class",
        "status",
        "claimant",
        "source_country",
        "target_country",
        "event_date",
        "event_date_end",
        "date_precision",
        "date_basis",
        "geonames_id",
        "sentence_start",
        "sentence_end",
        "sentence_text",
        "trigger_text",
        "mention_count",
        "confidence",
        "extractor_version",
    }
    assert must <= set(EVENTS.column_names)
    assert str(EVENTS.column("geonames_id").type) == "int64"
    assert str(EVENTS.column("event_date").type) == "date32[day]"
    assert TABLES["event_clusters"].column_names == [
        "cluster_id",
        "event_type",
        "source_country",
        "target_country",
        "first_event_date",
        "last_event_date",
        "location_name",
        "first_reported",
        "last_reported",
        "num_articles",
        "num_mentions",
        "representative_event_id",
    ]
    assert TABLES["event_cluster_members"].column_names == ["cluster_id", "event_id", "article_id", "score"]


def test_arrow_schema_carries_descriptions_and_versions():
    schema = EVENTS.arrow_schema()
    assert schema.field("confidence").metadata[b"description"].startswith(b"Extractor's confidence")
    assert b"dataset_version" in schema.metadata


def test_reference_lists():
    assert len(EVENT_TYPES) == 16
    assert {"USA", "RUS", "UKR", "HUN"} <= set(COUNTRY_CODES)
    assert set(GROUP_CODES) == {"EUR", "WST", "AFR", "ASA", "MEA", "IGO"}
    assert {
        "empty",
        "binary",
        "encoding",
        "no_header",
        "no_date",
        "bad_date",
        "future_date",
        "too_large",
        "too_long",
        "symlink_outside",
        "unreadable",
        "not_article",
    } <= set(QUARANTINE_REASONS)


def test_row_rules_catch_real_defects():
    good = {c.name: None for c in EVENTS.columns}
    good.update(
        event_id="e1",
        article_id="a1",
        publication_date=dt.date(2025, 1, 1),
        event_type="CONSULT",
        quad_class="VERBAL_COOPERATION",
        status="occurred",
        event_date=dt.date(2025, 1, 1),
        event_date_end=dt.date(2025, 1, 1),
        date_precision="day",
        date_basis="publication",
        section="body",
        sentence_index=0,
        sentence_start=0,
        sentence_end=5,
        sentence_text="Hello",
        trigger_text="met",
        mention_count=1,
        confidence=0.5,
        extractor_version="x",
        source_country="USA",
    )
    bad = dict(good, event_id="e2", event_type="HUG", source_country="XXX", confidence=1.5)
    frame = pl.DataFrame([good, bad], schema=EVENTS.polars_schema())
    valid, failures = row_schema("events").filter(frame)
    assert valid["event_id"].to_list() == ["e1"]
    counts = failures.counts()
    assert {"event_type|check", "source_country|check", "confidence|max"} <= set(counts)


def test_codebook_file_is_generated_from_the_schema():
    assert (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8") == codebook_markdown(), (
        "docs/codebook.md is stale: run `make codebook`"
    )

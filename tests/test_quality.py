"""Quality rules fire on real defects and pass on good data."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipeline import quality


def test_files_accounted():
    assert quality.files_accounted(5, 3, 2).passed
    lost = quality.files_accounted(5, 3, 1)
    assert not lost.passed and "1 lost" in lost.message


def test_boilerplate_gone_flags_leaked_chrome():
    articles = pl.DataFrame({"source_file": ["a.txt"], "body": ["Real text.\n\nMORE FROM THE AUTHOR"]})
    finding = quality.boilerplate_gone(articles)
    assert not finding.passed and finding.metadata["leaks"][0]["line"] == "MORE FROM THE AUTHOR"


def test_future_events_need_planned_or_possible_status():
    events = pl.DataFrame(
        {
            "event_id": ["a", "b"],
            "event_date": [dt.date(2025, 2, 1)] * 2,
            "publication_date": [dt.date(2025, 1, 1)] * 2,
            "status": ["planned", "occurred"],
        }
    )
    finding = quality.future_events(events)
    assert not finding.passed and finding.metadata["events"][0]["event_id"] == "b"


def test_offsets_match_catches_shifted_offsets():
    articles = pl.DataFrame({"article_id": ["x"], "text": ["Title\n\nThey met."]})
    good = pl.DataFrame(
        {"article_id": ["x"], "sentence_start": [7], "sentence_end": [16], "sentence_text": ["They met."]}
    )
    assert quality.offsets_match(good, articles).passed
    assert not quality.offsets_match(good.with_columns(pl.col("sentence_start") + 1), articles).passed


def test_event_rows_must_use_a_mode_of_their_type():
    from tests.test_events import events_of

    events = pl.DataFrame(events_of("Russian jets bombed a market in Idlib on Friday."))
    assert quality.rows_valid("events", events).passed
    wrong_mode = events.with_columns(pl.lit("phone").alias("event_mode"))
    finding = quality.rows_valid("events", wrong_mode)
    assert not finding.passed and "mode_fits_type" in finding.message
    wrong_quad = events.with_columns(pl.lit("VERBAL_COOPERATION").alias("quad_class"))
    assert "quad_class_fits_type" in quality.rows_valid("events", wrong_quad).message

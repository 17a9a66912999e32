"""Time expressions: TIMEX3 values, intervals and precision against the publication date."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.temporal import find_times

ANCHOR = dt.date(2025, 10, 17)  # a Friday


def one(text: str, **kw):
    found = find_times(text, ANCHOR, **kw)
    assert len(found) == 1, found
    t = found[0]
    assert text[t.start : t.end] == t.text
    return t


@pytest.mark.parametrize(
    ("text", "span", "type_", "value", "start", "end", "precision"),
    [
        (
            "a phone call on October 16, where",
            "October 16",
            "DATE",
            "2025-10-16",
            "2025-10-16",
            "2025-10-16",
            "day",
        ),
        ("signed on 3 March 2024.", "3 March 2024", "DATE", "2024-03-03", "2024-03-03", "2024-03-03", "day"),
        ("on 2025-10-16 the", "2025-10-16", "DATE", "2025-10-16", "2025-10-16", "2025-10-16", "day"),
        ("in May 2024 there", "May 2024", "DATE", "2024-05", "2024-05-01", "2024-05-31", "month"),
        ("They met yesterday.", "yesterday", "DATE", "2025-10-16", "2025-10-16", "2025-10-16", "day"),
        ("Troops withdrew last week.", "last week", "DATE", "2025-W41", "2025-10-06", "2025-10-12", "week"),
        ("Talks resume next month.", "next month", "DATE", "2025-11", "2025-11-01", "2025-11-30", "month"),
        (
            "could occur within two weeks or",
            "within two weeks",
            "DURATION",
            "P2W",
            "2025-10-17",
            "2025-10-31",
            "window",
        ),
        (
            "earlier this year, prices",
            "earlier this year",
            "DATE",
            "2025",
            "2025-01-01",
            "2025-10-17",
            "year",
        ),
        (
            "elections in early December",
            "early December",
            "DATE",
            "2025-12",
            "2025-12-01",
            "2025-12-10",
            "window",
        ),
        (
            "a deal by the end of the year",
            "by the end of the year",
            "DATE",
            "2025",
            "2025-10-17",
            "2025-12-31",
            "window",
        ),
        ("this summer the", "this summer", "DATE", "2025-SU", "2025-06-01", "2025-08-31", "season"),
        ("the war began in 2022.", "2022", "DATE", "2022", "2022-01-01", "2022-12-31", "year"),
        ("at 8 p.m. on the", "8 p.m.", "TIME", "2025-10-17T20:00", "2025-10-17", "2025-10-17", "time"),
    ],
)
def test_expressions(text, span, type_, value, start, end, precision):
    t = one(text)
    assert (t.text, t.type, t.value, t.precision) == (span, type_, value, precision)
    assert (t.start_date.isoformat(), t.end_date.isoformat()) == (start, end)


def test_weekday_reads_past_for_past_tense_and_future_for_future():
    assert one("The ministers met on Thursday.").value == "2025-10-16"
    assert one("The ministers will meet on Thursday.").value == "2025-10-23"
    assert one("They met on Friday.").value == "2025-10-17"  # the publication day itself


def test_durations_are_kept_apart_from_dates():
    t = one("a ceasefire that lasted for three years")
    assert (t.type, t.value, t.start_date) == ("DURATION", "P3Y", None)


@pytest.mark.parametrize(
    "text",
    [
        "Putin-Trump Summit May Happen Soonish",  # "May" the modal
        "both agreed to a second summit after Alaska meeting",  # an ordinal, not a time
        "2,000 troops and 1,500 tanks",
        "The Kremlin on indicated that",  # a lost weekday invents nothing
    ],
)
def test_no_false_hits(text):
    assert [t.text for t in find_times(text, ANCHOR) if t.type in ("DATE", "TIME")] == []

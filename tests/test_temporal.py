"""Time expressions: TIMEX3 types, values, extents, intervals and precision, one test per rule
family, on wire-style sentences."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.temporal import find_times

ANCHOR = dt.date(2025, 10, 17)  # a Friday


def one(text: str, anchor: dt.date = ANCHOR, **kw):
    found = find_times(text, anchor, **kw)
    assert len(found) == 1, found
    t = found[0]
    assert text[t.start : t.end] == t.text
    return t


def values(text: str, anchor: dt.date = ANCHOR) -> list[tuple[str, str, str]]:
    return [(t.text, t.type, t.value) for t in find_times(text, anchor)]


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
            "the end of the year",
            "DATE",
            "2025",
            "2025-10-17",
            "2025-12-31",
            "window",
        ),
        ("this summer the", "this summer", "DATE", "2025-SU", "2025-06-01", "2025-08-31", "season"),
        ("the war began in 2022.", "2022", "DATE", "2022", "2022-01-01", "2022-12-31", "year"),
        ("at 8 p.m. on the", "8 p.m.", "TIME", "2025-10-17T20:00", "2025-10-17", "2025-10-17", "time"),
        (
            "Exports fell over the past year.",
            "the past year",
            "DURATION",
            "P1Y",
            "2024-10-17",
            "2025-10-17",
            "window",
        ),
        (
            "profits in the third quarter of 2025",
            "the third quarter of 2025",
            "DATE",
            "2025-Q3",
            "2025-07-01",
            "2025-09-30",
            "window",
        ),
        ("inflation in the 1990s", "the 1990s", "DATE", "199", "1990-01-01", "1999-12-31", "window"),
    ],
)
def test_expressions(text, span, type_, value, start, end, precision):
    t = one(text)
    assert (t.text, t.type, t.value, t.precision) == (span, type_, value, precision)
    assert (t.start_date.isoformat(), t.end_date.isoformat()) == (start, end)


def test_extents_leave_out_signal_prepositions_but_keep_within():
    assert values("They met on Thursday and will talk within two weeks.") == [
        ("Thursday", "DATE", "2025-10-16"),
        ("within two weeks", "DURATION", "P2W"),
    ]
    assert one("The index hit its lowest level since 2004.").text == "2004"


def test_weekday_reads_past_for_past_tense_and_future_for_future():
    assert one("The ministers met on Thursday.").value == "2025-10-16"
    assert one("The ministers will meet on Thursday.").value == "2025-10-23"
    assert one("They met on Friday.").value == "2025-10-17"  # the publication day itself
    assert one("Markets will remain closed until Monday.").value == "2025-10-20"
    assert one("Schools were closed until Monday after the floods.").value == "2025-10-20"
    assert one("Trading resumes Tuesday, the exchange said.").value == "2025-10-21"


def test_reporting_verbs_set_the_tense_only_right_after_them():
    # "said" is past, but the clause it reports looks ahead: June is the next June
    assert (
        find_times("Officials said the fire season starts in June.", dt.date(2025, 5, 14))[0].value
        == "2025-06"
    )
    assert one("The minister said on Tuesday that talks had stalled.").value == "2025-10-14"


def test_month_names_and_the_modal_may():
    assert one("The plant is scheduled to open in June.", dt.date(2008, 3, 6)).value == "2008-06"
    assert one("Output fell sharply in September.").value == "2025-09"
    assert one("Deliveries are not due until October.", dt.date(2007, 3, 19)).value == "2007-10"
    assert values("Georgia May Hold Snap Vote") == []
    assert values("The two leaders may meet again, and Theresa May said so.") == []


def test_seasons_follow_the_calendar_around_the_anchor():
    assert one("A sawmill closed last spring.", dt.date(2024, 12, 4)).value == "2024-SP"
    assert one("The plan was delayed until next spring.", dt.date(2024, 1, 10)).value == "2024-SP"
    assert one("Lawmakers approved the money last winter.", dt.date(2025, 9, 30)).value == "2024-WI"
    assert one("Work should finish by the fall of 2026.").value == "2026-FA"
    assert [
        t.text for t in find_times("Prices could fall further, and the fall in prices hurt.", ANCHOR)
    ] == []


def test_quarters_halves_and_fiscal_years():
    assert one("Sales rose in the fourth quarter.", dt.date(2010, 1, 28)).value == "2009-Q4"
    assert one("It expects growth in the fourth quarter.", dt.date(2010, 1, 28)).value == "2010-Q4"
    assert (
        one("GM lost $381 million in the first quarter of last year.", dt.date(2009, 5, 7)).value == "2008-Q1"
    )
    assert one("Apple's profits rose in the last quarter.", dt.date(2007, 1, 18)).value == "2006-Q4"
    assert one("second-quarter 1987 earnings", dt.date(1987, 3, 12)).value == "1987-Q2"
    assert one("growth in the first half of 2024").value == "2024-H1"
    assert one("the Pentagon's fiscal 1991 budget", dt.date(1991, 1, 16)).value == "1991"
    assert one("paid from the current financial year's budget").value == "2025"


def test_years_decades_and_short_forms():
    assert values("Nikkei at lowest level since '82", dt.date(2008, 10, 27)) == [("'82", "DATE", "1982")]
    assert one("In the late 1980's Apple added audio.").value == "198"
    assert one("a town named in the 1840s").value == "184"
    assert values("Steve Jobs 1955-2011") == [("1955", "DATE", "1955"), ("2011", "DATE", "2011")]
    assert values("2,000 troops, 1,500 tanks and 2024 votes") == []


def test_reference_time_for_anaphoric_expressions():
    assert values("The planes start delivering in 2011 and end two years later.", dt.date(2009, 6, 18)) == [
        ("2011", "DATE", "2011"),
        ("two years later", "DATE", "2013"),
    ]
    t = find_times("He founded it in 2001, and the following year it was sold.", ANCHOR)
    assert t[-1].value == "2002"
    t = find_times("Exports fell 3.2 pct in the fourth quarter from a year earlier.", dt.date(1987, 3, 12))
    assert [x.value for x in t] == ["1986-Q4", "1985-Q4"]
    t = find_times(
        "On Monday, stocks slid. For the day, the Nikkei closed down 6.4 percent.", dt.date(2008, 10, 27)
    )
    assert [x.value for x in t] == ["2008-10-27", "2008-10-27"]


def test_relative_durations_are_durations_unless_the_clause_looks_ahead():
    assert one("The Dow closed at its lowest level in six years.").value == "P6Y"
    assert one("The talks will resume in two weeks.").value == "2025-W44"
    assert one("GM's move comes a day after Chrysler released its list.").value == "P1D"
    assert one("has bolstered the economy for several years").value == "PXY"
    assert one("the highest level in years").value == "PXY"
    assert one("talks could start within days").value == "PXD"


def test_clock_times_take_their_day():
    assert one("The deadline expired at midnight EST.", dt.date(1991, 1, 16)).value == "1991-01-16T00:00"
    assert values("It lands at 12:30 EST (16:30 UTC).", dt.date(2007, 3, 19)) == [
        ("12:30 EST", "TIME", "2007-03-19T12:30"),
        ("16:30 UTC", "TIME", "2007-03-19T16:30"),
    ]
    assert one("trades at or around 2.40 PM were cancelled").value == "2025-10-17T14:40"
    assert values("A meeting will be held at 7pm next Thursday.", dt.date(2023, 8, 3)) == [
        ("7pm", "TIME", "2023-08-10T19:00"),
        ("next Thursday", "DATE", "2023-08-10"),
    ]
    found = find_times("Gunmen attacked late on Monday. They arrived at about 10 p.m.", dt.date(2022, 4, 6))
    assert found[-1].value == "2022-04-04T22:00"


def test_vague_references():
    assert one("The store currently sells music.").value == "PRESENT_REF"
    assert one("as Apple has done in the past").value == "PAST_REF"
    assert one("Boeing believes the future of flight is in large aircraft.").value == "FUTURE_REF"
    assert one("It had been taken years ago.").value == "PAST_REF"
    assert one("At the moment, GM has 6,246 dealers.").value == "PRESENT_REF"
    assert values("As soon as the results were out, he left, and soon after he resigned.") == []


def test_sets():
    assert values("workers earn $28 an hour and the firm reports quarterly") == [
        ("an hour", "SET", "PT1H"),
        ("quarterly", "SET", "P3M"),
    ]
    assert one("Boats will leave every 90 minutes.").value == "PT90M"
    assert one("a move to three-weekly collections").value == "P3W"
    assert values("The China Daily newspaper reported it.") == []


def test_holidays_and_weekends():
    assert values("Lines were long on Election Day.", dt.date(2024, 11, 8)) == [
        ("Election Day", "DATE", "2024-11-05")
    ]
    assert one("Temperatures stay above 40 until the weekend.", dt.date(2025, 6, 18)).value == "2025-W25-WE"
    assert values("the Christmas sales period") == []


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
        "protests entered a third week",
        "nearly three quarters of its value",
        "about 900 year-round island residents",
    ],
)
def test_no_false_hits(text):
    assert [t.text for t in find_times(text, ANCHOR)] == []


def test_held_out_cases_last_fall_overnight_forecasts_and_reported_clauses():
    assert one("State officials agreed last fall to pay 80 percent.", dt.date(2025, 3, 6)).value == "2024-FA"
    t = one("Heavy rain overnight flooded dozens of homes.", dt.date(2024, 2, 13))
    assert (t.type, t.value) == ("TIME", "2024-02-12TNI")
    assert one("More rain was forecast for Thursday.", dt.date(2024, 2, 13)).value == "2024-02-15"
    t = one("Officials meeting in Tokyo on Thursday said they would decide.", dt.date(1996, 6, 14))
    assert t.value == "1996-06-13"


def test_possessive_periods_centuries_and_bare_decades():
    assert values("This week's talks and this year's budget", dt.date(1998, 3, 12)) == [
        ("This week", "DATE", "1998-W11"),
        ("this year", "DATE", "1998"),
    ]
    assert values("in the 20th century and in the 80s", dt.date(1998, 3, 12)) == [
        ("the 20th century", "DATE", "19"),
        ("the 80s", "DATE", "198"),
    ]


def test_days_that_exist_in_no_nearby_year_are_not_dates():
    # "September 31" (a real typo in Reuters-21578) used to crash the year guess.
    assert values("Its fiscal year ending September 31 and February 30 were cited on March 3.") == [
        ("March 3", "DATE", "2025-03-03")
    ]
    assert values("Results for the year to September 31, 1987.") == [("1987", "DATE", "1987")]


def test_every_rule_gate_holds_a_word_of_each_of_its_matches():
    """The rules' gates skip texts without their words; a gate that misses a word its rule can
    match would silently drop times. Every match of every rule, over the gold articles and the
    sentences of this file, must contain one of its gate's words."""
    import inspect
    import json

    from pipeline.temporal import RULES, _gate_words

    from .conftest import ROOT

    gold = ROOT / "evaluation" / "time_places_gold" / "gold.jsonl"
    texts = [
        json.loads(line)["text"] for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    texts.append(inspect.getsource(inspect.getmodule(test_expressions)))  # every example above
    checked = 0
    for pattern, _handler, needs in RULES:
        for text in texts:
            for m in pattern.finditer(text):
                assert not needs.isdisjoint(_gate_words(m.group(0))), (pattern.pattern[:60], m.group(0))
                checked += 1
    assert checked > 500

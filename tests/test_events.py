"""Event extraction on real sentences: types, roles, status, claimant, dates and merging."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.clean import clean_article
from pipeline.config import Settings
from pipeline.events import extract
from pipeline.ingest import RawArticle


def events_of(body: str, title: str = "", date: dt.date = dt.date(2025, 10, 17)) -> list[dict]:
    raw = RawArticle("t.txt", "0" * 64, len(body), "utf-8", date, title, body)
    article = clean_article(raw, Settings())
    return extract([article])[0]


def dyads(events: list[dict]) -> set[tuple]:
    return {(e["event_type"], e["source_country"], e["target_country"], e["status"]) for e in events}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Russian troops attacked Ukrainian positions near Kharkiv.", ("ASSAULT", "RUS", "UKR", "occurred")),
        ("The French president accused Iran of supplying drones.", ("ACCUSE", "FRA", "IRN", "occurred")),
        ("China will send humanitarian aid to Pakistan.", ("AID", "CHN", "PAK", "planned")),
        ("Germany could impose sanctions on Belarus.", ("SANCTION", "DEU", "BLR", "possible")),
        ("Turkey did not meet Greek officials.", ("CONSULT", "TUR", "GRC", "negated")),
        ("Japan is considering sanctions against North Korea.", ("SANCTION", "JPN", "PRK", "hypothetical")),
        ("The Israeli government rejected the Egyptian proposal.", ("REJECT", "ISR", "EGY", "occurred")),
        ("Kenyan police arrested dozens of Somali protesters.", ("COERCE", "KEN", "SOM", "occurred")),
    ],
)
def test_single_events(sentence, expected):
    assert expected in dyads(events_of(sentence))


def test_coordinated_targets_give_one_row_per_dyad():
    events = events_of("Peskov blamed Ukraine and European allies for the stalled talks.")
    assert {("ACCUSE", "RUS", "UKR", "occurred"), ("ACCUSE", "RUS", "EUR", "occurred")} <= dyads(events)


def test_nominal_trigger_with_between_and_explicit_date():
    events = events_of("A phone call between Putin and Trump on October 16 lasted two hours.")
    call = next(e for e in events if e["event_type"] == "CONSULT")
    assert {call["source_country"], call["target_country"]} == {"RUS", "USA"}
    assert call["event_mode"] == "phone"
    assert (call["event_date"], call["date_basis"]) == (dt.date(2025, 10, 16), "explicit")


def test_claimant_and_window():
    events = events_of("The Kremlin said that Putin and Trump could meet within two weeks.")
    meet = next(e for e in events if e["event_type"] == "CONSULT")
    assert meet["claimant"] == "Kremlin" and meet["claimant_country"] == "RUS"
    assert meet["status"] == "possible" and meet["date_precision"] == "window"
    assert (meet["event_date"], meet["event_date_end"]) == (dt.date(2025, 10, 17), dt.date(2025, 10, 31))


def test_no_date_falls_back_to_publication_openly():
    e = events_of("Hungary criticized the European Commission.")[0]
    assert (e["event_date"], e["date_basis"]) == (dt.date(2025, 10, 17), "publication")


def test_headline_and_body_mentions_merge():
    events = events_of("Putin met Orban in Budapest on Thursday.", title="Putin meets Orban in Budapest")
    consult = [e for e in events if e["event_type"] == "CONSULT"]
    assert len(consult) == 1
    assert consult[0]["mention_count"] == 2 and consult[0]["section"] == "body"
    assert consult[0]["location_name"] == "Budapest"


def test_offsets_index_the_article_text():
    raw = RawArticle(
        "t.txt",
        "0" * 64,
        0,
        "utf-8",
        dt.date(2025, 10, 17),
        "Talks",
        "Intro line.\n\nFrance and Germany agreed on a new treaty.",
    )
    article = clean_article(raw, Settings())
    events, mentions = extract([article])
    assert events
    for e in events:
        assert article.text[e["sentence_start"] : e["sentence_end"]] == e["sentence_text"]
    for m in mentions:
        assert article.text[m["trigger_start"] : m["trigger_end"]] == m["trigger_text"]


def test_non_english_and_duplicates_are_not_extracted():
    raw = RawArticle(
        "t.txt",
        "0" * 64,
        0,
        "utf-8",
        dt.date(2025, 10, 17),
        "Treffen",
        "Der Kanzler traf den Präsidenten am Montag in Berlin zu langen Gesprächen über die Lage.",
    )
    article = clean_article(raw, Settings())
    assert article.language == "de"
    assert extract([article]) == ([], [])


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # generic actors take the country of the place they act in
        (
            "Police detained 25 opposition supporters in Lusaka on Monday.",
            ("COERCE", "ZMB", "ZMB", "occurred"),
        ),
        # the verb's object decides the type
        ("Peru recalled its ambassador to Mexico on Tuesday.", ("SANCTION", "PER", "MEX", "occurred")),
        ("Kenya sent 400 police officers to Haiti last year.", ("MOBILIZE", "KEN", "HTI", "occurred")),
        # the agent of "is expected to" / "is scheduled to" is the governor's subject, not a target
        (
            "Chile's foreign minister is scheduled to meet Bolivia's president in La Paz next week.",
            ("CONSULT", "CHL", "BOL", "planned"),
        ),
        # a material act with no named target lands on the country of its place
        (
            "Sudanese troops pulled out of the Chadian town of Adre on Sunday.",
            ("RETREAT", "SDN", "TCD", "occurred"),
        ),
        # a target named inside the complement
        ("Ghana criticised Togo's handling of the border dispute.", ("ACCUSE", "GHA", "TGO", "occurred")),
        # "denied attacking": the attack, negated
        ("Rwandan troops denied attacking Burundian villages.", ("ASSAULT", "RWA", "BDI", "negated")),
    ],
)
def test_general_patterns(sentence, expected):
    assert expected in dyads(events_of(sentence))


def test_content_of_another_event_is_not_an_event():
    found = dyads(events_of("Vietnam agreed to cut tariffs on Thai rice imports."))
    assert {t for t, *_ in found} == {"AGREE"}
    found = dyads(events_of("Ecuador urged Colombia to suspend its air strikes near the border."))
    assert {t for t, *_ in found} == {"REQUEST"}


@pytest.mark.parametrize(
    ("sentence", "event_type"),
    [
        ("Teachers in Nairobi began a nationwide strike on Monday.", "PROTEST"),
        ("Rail workers in France went on strike over pensions.", "PROTEST"),
        ("An Israeli air strike hit a building in southern Lebanon.", "ASSAULT"),
    ],
)
def test_strike_is_read_by_its_modifiers(sentence, event_type):
    assert event_type in {e["event_type"] for e in events_of(sentence)}


def test_confidence_is_a_probability_and_ranks_complete_dyads_higher():
    full = events_of("Russian troops attacked Ukrainian positions near Kharkiv.")
    bare = events_of("Troops attacked positions overnight.")
    assert all(0 <= e["confidence"] <= 1 for e in full + bare)
    if bare:
        assert max(e["confidence"] for e in full) > max(e["confidence"] for e in bare)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # headline verbs the parser reads as modifiers of their object
        ("Senegal arrests opposition mayor ahead of vote", ("COERCE", "SEN", "SEN", "occurred")),
        # a particle after the object of a phrasal verb
        ("Chad will pull its soldiers back from the Niger border.", ("RETREAT", "TCD", None, "planned")),
        # a verb whose subject is the recipient
        ("Moldova received 40 armoured vehicles from Romania on Friday.", ("AID", "ROU", "MDA", "occurred")),
        # a verb, a preposition and its object that make an event together
        (
            "Guyana took Venezuela to the International Court of Justice.",
            ("ACCUSE", "GUY", "VEN", "occurred"),
        ),
        # a conditional threat: a conflict act that will happen unless something else does
        (
            "The rebels said they would attack the capital unless Bamako freed their leaders.",
            ("THREATEN", "MLI", None, "occurred"),
        ),
        # a pronoun subject of a reported clause is the reporting verb's subject
        ("Algeria said it would expel two French diplomats.", ("SANCTION", "DZA", "FRA", "planned")),
        # the transfer's moved thing is not its target: a passive with "from" and "to"
        (
            "A Serbian fugitive was extradited from Spain to Montenegro.",
            ("COOPERATE", "ESP", "MNE", "occurred"),
        ),
        # a state acting on its own people with no named target
        (
            "Ethiopia blocked access to social media in the Tigray region.",
            ("COERCE", "ETH", "ETH", "occurred"),
        ),
    ],
)
def test_more_general_patterns(sentence, expected):
    assert expected in dyads(events_of(sentence))


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # civilians who block a road protest; an army that takes a town assaults it
        ("Truck drivers blocked the main highway into Lima.", "PROTEST"),
        ("Rebel fighters took control of the town of Kidal.", "ASSAULT"),
        # an exercise with one party is a show of force; a joint one is cooperation
        ("The Iranian navy held exercises in the Gulf of Oman.", "MOBILIZE"),
        ("Indian and French warships held joint exercises off Goa.", "COOPERATE"),
        # a vow takes its type from what is promised
        ("Pakistan vowed to retaliate against Afghan militants.", "THREATEN"),
        ("Japan pledged to cooperate with South Korea on missile warnings.", "AGREE"),
    ],
)
def test_type_depends_on_who_acts_and_what_is_promised(sentence, expected):
    assert expected in {e["event_type"] for e in events_of(sentence)}


def test_coordinated_demonyms_keep_the_head_and_pair_for_mutual_acts():
    events = events_of("Thai and Cambodian soldiers clashed near the temple on Sunday.")
    clash = next(e for e in events if e["event_type"] == "ASSAULT")
    assert {clash["source_country"], clash["target_country"]} == {"THA", "KHM"}
    assert clash["source_sector"] == "MIL"


def test_partial_mention_joins_the_event_it_belongs_to():
    body = (
        "Ghana and Togo withdrew troops from the disputed border post on Tuesday.\n\n"
        "Nigeria welcomed the withdrawal, which the two countries agreed in August."
    )
    retreat = [e for e in events_of(body) if e["event_type"] == "RETREAT"]
    assert len(retreat) == 1
    assert {retreat[0]["source_country"], retreat[0]["target_country"]} == {"GHA", "TGO"}


def test_states_named_with_an_organisation_outrank_the_dictionary():
    e = events_of("Zambia's Democratic Progressive Party accused the police of bias.")[0]
    assert e["source_country"] == "ZMB"


def test_words_of_longer_names_are_not_actors():
    events = events_of("Malian troops withdrew from a base in West Darfur.")
    assert all("WST" not in (e["source_country"], e["target_country"]) for e in events)

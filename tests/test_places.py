"""Places: gazetteer lookups and place mentions in real sentences."""

from __future__ import annotations

import json
import time
from itertools import pairwise

import pytest

from pipeline import places
from pipeline.places import Place, find_places, places_in_text, resolve

DC, WASHINGTON_STATE, GEORGIA_STATE, GEORGIA_COUNTRY = 4140963, 5815135, 4197000, 614540


def _by_text(text: str) -> dict[str, Place]:
    return {p.text: p for p in places_in_text(text)}


def _check_offsets(text: str, found: list[Place]) -> None:
    for p in found:
        assert text[p.start : p.end] == p.text
    assert [p.start for p in found] == sorted(p.start for p in found)
    for a, b in pairwise(found):
        assert a.end <= b.start, (a, b)


# --------------------------------------------------------------------------------------------
# Gazetteer


def test_gazetteer_builds_quickly_and_is_hash_based():
    places.gazetteer.cache_clear()
    t = time.perf_counter()
    g = places.gazetteer()
    assert time.perf_counter() - t < 2.0
    assert isinstance(g.names, dict) and len(g.names) > 50_000
    assert places.gazetteer() is g  # cached


def test_resolve_city():
    p = resolve("Budapest")
    assert p is not None
    assert (p.name, p.country, p.precision, p.geonames_id) == ("Budapest", "HUN", "city", 3054643)
    assert p.latitude == pytest.approx(47.5, abs=0.1) and p.longitude == pytest.approx(19.04, abs=0.1)


def test_resolve_country_has_coordinates():
    p = resolve("Russia")
    assert p is not None and (p.country, p.precision, p.geonames_id) == ("RUS", "country", 2017370)
    assert 40 < p.latitude < 80 and 30 < p.longitude < 180


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("U.S.", "USA"),
        ("United States", "USA"),
        ("Britain", "GBR"),
        ("UK", "GBR"),
        ("Russian Federation", "RUS"),
        ("Czechia", "CZE"),
        ("Iran", "IRN"),
        ("South Korea", "KOR"),
        ("Democratic Republic of the Congo", "COD"),
        ("Bosnia and Herzegovina", "BIH"),
    ],
)
def test_resolve_country_names_and_aliases(name, code):
    p = resolve(name)
    assert p is not None and p.country == code and p.precision == "country"


def test_resolve_georgia_by_context():
    assert resolve("Georgia").geonames_id == GEORGIA_COUNTRY
    assert resolve("Georgia", frozenset({"USA"})).geonames_id == GEORGIA_STATE
    assert resolve("Georgia", frozenset({"USA", "GEO"})).geonames_id == GEORGIA_COUNTRY


def test_resolve_washington_is_the_capital():
    p = resolve("Washington")
    assert p.geonames_id == DC and p.precision == "city"
    assert resolve("Washington", frozenset({"USA"})).geonames_id == DC


def test_resolve_prefers_context_then_population():
    assert resolve("Valencia", frozenset({"ESP"})).country == "ESP"
    assert resolve("Valencia", frozenset({"VEN"})).country == "VEN"
    assert resolve("Paris").country == "FRA"
    assert resolve("Paris", frozenset({"USA"})).country == "FRA"  # a US mention alone is not enough
    assert resolve("Birmingham").country == "GBR"


def test_resolve_city_in_container():
    p = resolve("Paris, Texas")
    assert p is not None and p.country == "USA" and p.precision == "city"
    assert resolve("Atlanta, Georgia").country == "USA"
    assert resolve("Washington, D.C.").geonames_id == DC
    assert resolve("the United States").country == "USA"


def test_resolve_rejects_demonyms_and_unknown_names():
    assert resolve("Russian") is None
    assert resolve("Americans") is None
    assert resolve("Nowhereville") is None


def test_us_state_coordinates_inside_the_state():
    alaska = resolve("Alaska")
    assert alaska.precision == "region" and alaska.country == "USA" and alaska.geonames_id == 5879092
    assert 54 < alaska.latitude < 72 and -170 < alaska.longitude < -130
    texas = resolve("Texas")
    assert 26 < texas.latitude < 36.5 and -106.6 < texas.longitude < -93.5


# --------------------------------------------------------------------------------------------
# Places in text


def test_budapest_as_summit_site():
    text = "Trump proposed Budapest as the site of his next meeting with Putin."
    found = places_in_text(text)
    assert [p.text for p in found] == ["Budapest"]
    p = found[0]
    assert (p.country, p.precision, p.geonames_id) == ("HUN", "city", 3054643)
    assert p.latitude == pytest.approx(47.5, abs=0.05) and p.longitude == pytest.approx(19.04, abs=0.05)
    assert p.start == text.index("Budapest") and p.end == p.start + len("Budapest")


def test_country():
    found = places_in_text("Russia launched a wave of drones overnight, officials said.")
    assert [(p.text, p.country, p.precision) for p in found] == [("Russia", "RUS", "country")]
    assert found[0].latitude and found[0].longitude


def test_us_state():
    found = places_in_text("He flew to Alaska for the meeting.")
    assert len(found) == 1
    p = found[0]
    assert (p.text, p.country, p.precision) == ("Alaska", "USA", "region")
    assert 54 < p.latitude < 72 and -170 < p.longitude < -130


def test_georgia_the_country():
    found = _by_text("Tbilisi is the capital of Georgia.")
    assert found["Georgia"].country == "GEO" and found["Georgia"].geonames_id == GEORGIA_COUNTRY
    assert found["Tbilisi"].country == "GEO" and found["Tbilisi"].precision == "city"
    text = "In the aftermath of Russia's invasion of neighboring Georgia, the US markets fell."
    assert _by_text(text)["Georgia"].country == "GEO"


def test_georgia_the_us_state():
    text = "The rally was held in Atlanta, Georgia, on Monday."
    found = _by_text(text)
    assert found["Georgia"].country == "USA" and found["Georgia"].precision == "region"
    assert found["Georgia"].geonames_id == GEORGIA_STATE
    assert found["Atlanta"].country == "USA" and found["Atlanta"].precision == "city"
    found = _by_text("Voters in Georgia and Texas went to the polls.")
    assert found["Georgia"].geonames_id == GEORGIA_STATE


def test_demonyms_are_not_places():
    text = "Russian officials said the talks with Ukrainian and American negotiators would continue."
    assert all(p.text not in ("Russian", "Ukrainian", "American") for p in places_in_text(text))
    assert places_in_text("Russian officials said the talks would continue.") == []


def test_washington():
    found = places_in_text("Officials in Washington said the US would respond.")
    assert (found[0].text, found[0].geonames_id) == ("Washington", DC)
    found = _by_text("Seattle police said the storm hit Washington state hardest.")
    assert found["Washington"].geonames_id == WASHINGTON_STATE
    found = places_in_text("The meeting took place in Washington, D.C. last week.")
    assert [(p.text, p.geonames_id) for p in found] == [("Washington, D.C.", DC)]


def test_new_york_is_the_city():
    found = _by_text("A summit in New York drew leaders from South Korea and the United States.")
    assert found["New York"].geonames_id == 5128581 and found["New York"].precision == "city"
    assert found["South Korea"].country == "KOR"
    assert found["United States"].country == "USA"


def test_city_in_container():
    found = _by_text("He lives in Paris, Texas.")
    assert found["Paris"].country == "USA" and found["Texas"].precision == "region"
    found = _by_text("KYIV, Ukraine (AP) — Russian forces shelled the city overnight.")
    assert found["KYIV"].name == "Kyiv" and found["KYIV"].country == "UKR"
    assert found["Ukraine"].country == "UKR"


def test_context_disambiguates_cities():
    found = _by_text("The airline flies to Frankfurt and Chicago in the U.S.")
    assert found["Frankfurt"].country == "DEU"
    found = _by_text("The airline flies from Dublin to New York, Boston and Chicago.")
    assert found["Dublin"].country == "IRL" and found["Boston"].country == "USA"


def test_ruler_country_names_labelled_norp_are_places():
    found = _by_text("Iran and Pakistan agreed to reopen the border, Japan said.")
    assert {t: p.country for t, p in found.items()} == {"Iran": "IRN", "Pakistan": "PAK", "Japan": "JPN"}


def test_joined_entities_and_subspans():
    found = _by_text("Officials from the Democratic Republic of the Congo met in Kinshasa.")
    assert found["Democratic Republic of the Congo"].country == "COD"
    assert found["Kinshasa"].country == "COD"
    found = _by_text("Protests spread from Kharkiv Oblast to eastern Ukraine.")
    assert found["Kharkiv"].precision == "city" and found["Ukraine"].precision == "country"


def test_province_falls_back_to_country():
    text = "Loans will come from the government of Canada and the provincial government of Ontario."
    found = _by_text(text)
    assert found["Ontario"].country == "CAN" and found["Ontario"].precision == "country"


def test_mislabelled_city_after_preposition():
    found = _by_text("The minister travelled to Kramatorsk on Tuesday.")
    assert found["Kramatorsk"].country == "UKR"


def test_guards_against_names_that_are_not_places():
    assert places_in_text("Lewis Hamilton won the race.") == []
    assert places_in_text("The Washington Post reported the story.") == []
    assert places_in_text("He visited the Lincoln Memorial.") == []
    assert places_in_text("Chad Smith said Jordan Peterson was wrong.") == []
    assert places_in_text("Singapore Airlines ordered ten jets.") == []
    assert [p.text for p in places_in_text("Kyiv Mayor Vitali Klitschko said the city was calm.")] == ["Kyiv"]
    assert all(
        p.text != "Henderson"
        for p in places_in_text(
            "The board named Fritz Henderson chief executive. Henderson said the plan would work."
        )
    )


def test_scan_finds_names_the_model_missed():
    # "The Hague" is not an entity for the small model; the scan finds it
    found = places_in_text("The Hague hosts the court.")
    assert [(p.text, p.country, p.precision) for p in found] == [("The Hague", "NLD", "city")]


def test_scan_skips_common_words():
    from pipeline.nlp import get_nlp

    doc = get_nlp()("Reading the report, he said it was a Nice idea to Split the bill.")
    assert find_places(doc) == []


def test_offsets_sorted_non_overlapping():
    text = (
        "Ukrainian President Volodymyr Zelensky met leaders in Brussels on Monday before flying to "
        "Washington, while Russian drones struck Kharkiv and Odesa. Hungary's Viktor Orban, speaking "
        "in Budapest, said Moscow and Kyiv should meet in Istanbul, Turkey."
    )
    found = places_in_text(text)
    _check_offsets(text, found)
    assert {p.text for p in found} >= {
        "Brussels",
        "Washington",
        "Kharkiv",
        "Odesa",
        "Hungary",
        "Budapest",
        "Moscow",
        "Kyiv",
        "Istanbul",
        "Turkey",
    }
    assert "Russian" not in {p.text for p in found} and "Ukrainian" not in {p.text for p in found}


def test_find_places_on_doc_offsets():
    from pipeline.nlp import get_nlp

    text = "\n\nSummit in Budapest\n\nLeaders met in Budapest, Hungary, and later in Vienna."
    found = find_places(get_nlp()(text))
    _check_offsets(text, found)
    assert [p.text for p in found] == ["Budapest", "Budapest", "Hungary", "Vienna"]


def test_to_json():
    p = places_in_text("Trump proposed Budapest as the site")[0]
    d = p.to_json()
    assert set(d) == {
        "start",
        "end",
        "text",
        "name",
        "country",
        "latitude",
        "longitude",
        "geonames_id",
        "precision",
    }
    assert json.loads(json.dumps(d)) == d
    assert isinstance(d["geonames_id"], int) and isinstance(d["latitude"], float)

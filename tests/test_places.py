"""Places: gazetteer lookups and place mentions in real sentences."""

from __future__ import annotations

import json
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


def test_gazetteer_is_built_once_and_hash_based():
    from collections.abc import Mapping

    g = places.gazetteer()
    assert places.gazetteer() is g  # cached
    assert isinstance(g.names, Mapping) and len(g.names) > 250_000
    assert "USA" in g.dense and g.abbreviations["Ga."] == "GA"


def test_the_disk_cache_gives_the_gazetteer_the_build_gives(tmp_path, monkeypatch):
    from pipeline import gazetteer as gz

    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(tmp_path))
    built = gz._build()
    path = gz._cache_path()
    assert path.parent == tmp_path
    gz._write_cache(path, gz._compact(built))
    cached = gz._from_compact(__import__("pickle").loads(path.read_bytes()))
    for key in ("Georgia", "Paris", "Alexandria", "Lamar County", "Kraków", "Krakow", "U.S."):
        assert cached.names.get(key) == built.names.get(key), key
    assert len(cached.names) == len(built.names) and cached.folded == built.folded
    assert (cached.countries, cached.states, cached.dense) == (built.countries, built.states, built.dense)


def test_gazetteer_has_small_towns_counties_continents_and_features():
    g = places.gazetteer()
    assert any(h.entry.name == "Dahlonega" and h.entry.admin1 == "USA.GA" for h in g.names["Dahlonega"])
    assert {h.entry.admin1 for h in g.names["Lamar County"]} >= {"USA.TX", "USA.GA", "USA.AL"}
    europe = g.names["Europe"][0].entry
    assert (europe.kind, europe.country, europe.geonames_id) == ("continent", "EUR", 6255148)
    assert g.names["Lake Chad"][0].entry.kind == "feature"
    scotland = next(h.entry for h in g.names["Scotland"] if h.entry.kind == "region")
    assert scotland.country == "GBR" and 55 < scotland.latitude < 58


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


def test_provinces_are_regions_and_unknown_divisions_fall_back_to_the_country():
    text = "Loans will come from the government of Canada and the provincial government of Ontario."
    found = _by_text(text)
    assert found["Ontario"].country == "CAN" and found["Ontario"].precision == "region"
    assert 45 < found["Ontario"].latitude < 55 and -95 < found["Ontario"].longitude < -75
    found = _by_text("Floods hit Canada, and Nunavik and Saguenay in Quebec were cut off.")
    assert found["Quebec"].precision == "region"


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


# --------------------------------------------------------------------------------------------
# Article context, datelines, abbreviations, counties, small towns, government, features


def test_article_context_picks_the_local_namesake():
    texas = (
        "PARIS, Texas - The city council in this northeast Texas town voted on Monday to build a water "
        "plant. Officials in Dallas and Sherman approved similar plants, and Texarkana raised its rates."
    )
    assert _by_text(texas)["PARIS"].country == "USA"
    louisiana = (
        "Alexandria mill to add 300 jobs, Louisiana governor says\n\nThe mill, between Alexandria and "
        "Pineville, employs 900 people; the governor had met business leaders in Baton Rouge."
    )
    found = places_in_text(louisiana)
    assert {p.country for p in found if p.text == "Alexandria"} == {"USA"}
    egypt = "Egypt opened a metro line in Alexandria on Wednesday; Cairo and Port Said were hot."
    assert _by_text(egypt)["Alexandria"].country == "EGY"
    assert resolve("Paris", frozenset({"USA"})).country == "FRA"  # a US mention alone is not enough


def test_dateline_in_capitals_and_container():
    found = _by_text("PORTLAND, Maine - Ferry service to the islands of Casco Bay will resume on Thursday.")
    assert found["PORTLAND"].name == "Portland" and found["PORTLAND"].latitude == pytest.approx(
        43.66, abs=0.1
    )
    assert found["Maine"].precision == "region"
    assert found["Casco Bay"].precision == "region"


def test_state_abbreviations_after_a_place():
    found = _by_text("Voters in Macon, Ga., approved the tax, and a council member from Hugo, Okla., spoke.")
    assert (found["Ga."].name, found["Okla."].name) == ("Georgia", "Oklahoma")
    assert found["Hugo"].country == "USA" and found["Hugo"].latitude == pytest.approx(34.0, abs=0.1)
    assert "Miss." not in {p.text for p in places_in_text("Miss. Smith won the race.")}


def test_counties_are_placed_by_the_article():
    found = _by_text("ATLANTA - Workers in Cobb County finished a hand count, officials in Marietta said.")
    cobb = found["Cobb County"]
    assert (cobb.country, cobb.precision, cobb.geonames_id) == ("USA", "region", None)
    assert cobb.latitude == pytest.approx(33.9, abs=0.3) and cobb.longitude == pytest.approx(-84.5, abs=0.3)


def test_small_towns_need_their_state_in_the_article():
    found = _by_text(
        "Residents of Lamar County, Texas, boiled water, and schools in nearby Paris, Texas, and Reno closed."
    )
    assert found["Reno"].country == "USA" and found["Reno"].latitude == pytest.approx(33.66, abs=0.05)
    assert _by_text("Schools in Reno closed.")["Reno"].latitude == pytest.approx(39.53, abs=0.05)  # Nevada
    assert "Blossom" not in {p.text for p in places_in_text("The cherry trees Blossom in spring.")}


def test_weak_entities_need_support():
    # the small model tags these PERSON or ORG; a list of places, a cue or the state supports them
    found = _by_text("Residents in Pontefract, Castleford and Featherstone complained.")
    assert {"Pontefract", "Castleford"} <= set(found)
    found = _by_text("The worst-hit areas are around the lakeside city of Kisumu, Kenya.")
    assert found["Kisumu"].country == "KEN"
    assert places_in_text("Sherman said the deal was good.") == []


def test_washington_the_government_is_not_a_place():
    assert places_in_text("Washington has pressed Japan to cut rates.")[0].text == "Japan"
    assert [p.text for p in places_in_text('"Washington cannot walk away," he said.')] == []
    found = _by_text("The attorney general flew to Washington last week to meet members of Congress.")
    assert found["Washington"].geonames_id == DC


def test_washington_state_elsewhere_makes_bare_washington_the_city():
    text = (
        "SEATTLE - Washington state sued the federal government on Tuesday. The attorney general "
        "flew to Washington last week to meet members of Congress."
    )
    found = places_in_text(text)
    ids = [p.geonames_id for p in found if p.text == "Washington"]
    assert ids == [WASHINGTON_STATE, DC]


def test_continents_regions_and_features():
    found = _by_text("Stock prices dropped sharply in Europe and Asia, and in the Middle East.")
    assert (found["Europe"].country, found["Asia"].country) == ("EUR", "ASA")
    assert found["Middle East"].precision == "region"
    found = _by_text("The army killed insurgents in the Lake Chad region and in England.")
    assert found["Lake Chad"].name == "Lake Chad" and found["England"].precision == "region"


def test_country_points_near_geonames():
    us = resolve("United States")
    assert us.latitude == pytest.approx(39.76, abs=0.01) and us.longitude == pytest.approx(-98.5, abs=0.01)


def test_places_in_texts_batches_in_order():
    texts = ["Talks in Kyiv.", "Nothing here.", "Floods in Kenya and Uganda."]
    assert [[p.text for p in ps] for ps in places.places_in_texts(texts)] == [
        ["Kyiv"],
        [],
        ["Kenya", "Uganda"],
    ]


def test_external_context_from_the_extractor():
    from pipeline.nlp import get_nlp

    doc = get_nlp()("Officials in Georgia said turnout was high.")
    assert find_places(doc)[0].country == "GEO"
    assert find_places(doc, context={"USA"})[0].country in ("GEO", "USA")


def test_held_out_cases_directions_headlines_and_sentence_states():
    assert "South" not in {p.text for p in places_in_text("Pyongyang has accepted rice from the South.")}
    found = _by_text("SOUTH KOREA TO SEND RICE TO NORTH, OFFICIALS SAY\n\nThe shipment leaves next month.")
    assert found["SOUTH KOREA"].country == "KOR"
    text = (
        "LINCOLN, Neb. - Nebraska lawmakers met in Omaha. Meanwhile, Illinois sued the federal rail "
        "agency in Springfield over plans to reroute trains through Peoria."
    )
    spring = _by_text(text)["Springfield"]
    assert spring.latitude == pytest.approx(39.8, abs=0.1) and spring.longitude == pytest.approx(
        -89.64, abs=0.1
    )
    found = places_in_text("Nebraska's revenue department in Lincoln said tax bills had doubled.")
    assert [p.name for p in found] == ["Nebraska", "Lincoln"]

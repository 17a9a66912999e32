"""Actors resolve to a canonical name, a country code and a sector."""

from __future__ import annotations

import pytest

from pipeline.actors import lookup, resolve
from pipeline.nlp import get_nlp


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("Zelenskiy", "Volodymyr Zelenskyy", "UKR"),
        ("Zelensky", "Volodymyr Zelenskyy", "UKR"),
        ("the Kremlin", "Kremlin", "RUS"),
        ("Moscow", "Russia", "RUS"),
        ("Washington", "United States", "USA"),
        ("the West", "The West", "WST"),
        ("European allies", "Europe", "EUR"),
        ("ICC", "International Criminal Court", "IGO"),
        ("Hungarian", "Hungary", "HUN"),
        ("U.S.", "United States", "USA"),
    ],
)
def test_lookup(text, name, country):
    actor = lookup(text)
    assert (actor.name, actor.country) == (name, country)


def _resolve_in(sentence: str, word: str):
    doc = get_nlp()(sentence)
    tok = next(t for t in doc if t.text == word)
    ent = next((e for e in doc.ents if e.start <= tok.i < e.end), None)
    return resolve(tok, ent)


def test_actors_missing_from_dictionary_are_composed_from_modifiers():
    officials = _resolve_in("Hungarian officials rejected the plan.", "officials")
    assert (officials.country, officials.sector) == ("HUN", "GOV")
    minister = _resolve_in("Ukrainian Foreign Minister Ivan Petrenko met reporters.", "Petrenko")
    assert (minister.name, minister.country, minister.sector) == ("Ivan Petrenko", "UKR", "GOV")
    police = _resolve_in("Kenyan police arrested dozens of protesters.", "police")
    assert (police.country, police.sector) == ("KEN", "POL")

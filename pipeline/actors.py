"""Actors: resolve a noun phrase to a canonical name, a country code and a sector.

Three sources, one lexicon: the actor dictionary shipped in `pipeline/data/actors.json`
(persons with name variants, institutions, groups, generic actor nouns, titles); country
names, alternative spellings, demonyms and capitals from pycountry and countryinfo; and the
few country aliases and metonyms those libraries lack (also in actors.json). Actors missing
from the dictionary are composed from their modifiers: "Ukrainian President X" is UKR/GOV,
"Hungarian officials" HUN/GOV, "Hungary's X" HUN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pycountry
from countryinfo import all_countries
from spacy.tokens import Span, Token

from pipeline.reference import GROUP_CODES, ISO3_CODES, load_json


@dataclass(frozen=True)
class Actor:
    """A resolved actor. `country` is ISO 3166-1 alpha-3 or a group code."""

    name: str
    country: str | None
    sector: str | None
    kind: str  # person, institution, group, country, generic
    text: str = ""  # as written

    def with_text(self, text: str) -> Actor:
        return Actor(self.name, self.country, self.sector, self.kind, text)


@dataclass(frozen=True)
class _Entry:
    name: str
    country: str | None
    sector: str | None
    kind: str


# --------------------------------------------------------------------------------------------
# The lexicon, built once


@dataclass
class Lexicon:
    names: dict[str, _Entry]  # exact surface form -> entry (persons, institutions, groups, countries)
    lower: dict[str, _Entry]  # lower-cased surface form -> entry, for forms safe to match caselessly
    generic: dict[str, str]  # generic actor noun (lemma or plural) -> sector
    titles: dict[str, str]  # title words -> sector
    country_names: dict[str, str]  # ISO3 -> short display name
    demonyms: frozenset[str]  # surface forms that are demonyms ("Russian", "Hungarians")


def _clean_name(name: str) -> str:
    return re.sub(r"\s*\(.*?\)|,.*$", "", name).strip()


@cache
def lexicon() -> Lexicon:
    """Build the lexicon from the libraries and actors.json (cached; about 50 ms)."""
    data = load_json("actors.json")
    names: dict[str, _Entry] = {}
    lower: dict[str, _Entry] = {}
    country_names: dict[str, str] = {}
    demonyms: set[str] = set()

    def add(surface: str, entry: _Entry, caseless: bool = True) -> None:
        surface = surface.strip()
        if len(surface) < 2:
            return
        names.setdefault(surface, entry)
        if caseless and len(surface) > 3:
            lower.setdefault(surface.lower(), entry)

    # Dictionary actors first: they win over library names for the same string.
    for p in data["persons"]:
        entry = _Entry(p["name"], p["country"], p["sector"], "person")
        for alias in [p["name"], *p["aliases"]]:
            add(alias, entry, caseless=False)
    for i in data["institutions"]:
        entry = _Entry(i["name"], i["country"], i["sector"], "institution")
        for alias in [i["name"], *i["aliases"]]:
            add(alias, entry, caseless=False)
            add(f"the {alias}", entry, caseless=False)
    for g in data["groups"]:
        entry = _Entry(g["name"], g["country"], g["sector"], "group")
        for alias in [g["name"], *g["aliases"]]:
            add(alias, entry)
            add(alias[0].upper() + alias[1:], entry)

    # Countries: pycountry names, then the aliases that libraries lack, then countryinfo.
    pycountry_names: set[str] = set()
    for c in pycountry.countries:
        display = getattr(c, "common_name", None) or _clean_name(c.name)
        country_names[c.alpha_3] = display
        entry = _Entry(display, c.alpha_3, "GOV", "country")
        for n in {c.name, display, getattr(c, "official_name", c.name), _clean_name(c.name)}:
            add(n, entry)
            pycountry_names.add(n)
    # countryinfo lists territories and old names beside their states (Wales, Burma, British
    # Indian Ocean Territory, Martinique...): a country's display name comes from its entry named
    # as in pycountry, else its most populous one ("Russia"), and a form
    # that several entries share ("Indian", "French", "Congolese") goes to the most populous one.
    infos = sorted((ci.info() for ci in all_countries()), key=lambda i: -(i.get("population") or 0))
    named: set[str] = set()
    for info in sorted(infos, key=lambda i: i.get("name") not in pycountry_names):
        code = (info.get("ISO") or {}).get("alpha3")
        if code in ISO3_CODES and code not in named and info.get("name") and str(info["name"]).isascii():
            country_names[code] = info["name"]
            named.add(code)
    for code, forms in data["country_demonyms"].items():
        entry = _Entry(country_names.get(code, code), code, "GOV", "country")
        for form in forms:
            names[form] = entry
            lower[form.lower()] = entry
            demonyms.add(form)
    for code, aliases in data["country_aliases"].items():
        entry = _Entry(country_names.get(code, code), code, "GOV", "country")
        for alias in aliases:
            names[alias] = entry
            if len(alias) > 3:
                lower[alias.lower()] = entry
    for info in infos:
        code = (info.get("ISO") or {}).get("alpha3")
        if code not in ISO3_CODES:
            continue
        entry = _Entry(country_names.get(code, code), code, "GOV", "country")
        for alt in info.get("altSpellings") or []:
            if len(alt) > 3 and alt.isascii():
                add(alt, entry)
        demonym = info.get("demonym")
        if demonym and demonym.isascii():
            for form in (demonym, demonym + "s"):
                add(form, entry)
                demonyms.add(form)
        capitals = info.get("capital") or []
        for capital in [capitals] if isinstance(capitals, str) else capitals:
            if capital and capital.isascii():
                add(capital, entry)

    generic = {k: v["sector"] for k, v in data["generic"].items()}
    demonyms -= pycountry_names  # countryinfo gives some countries' names as their demonym
    return Lexicon(names, lower, generic, dict(data["titles"]), country_names, frozenset(demonyms))


# Aliases looked up when they head a noun phrase ("the West") but not marked as entities in text,
# where they mostly begin other names ("West Kordofan", "West Bank").
_NOT_PATTERNS = frozenset({"West"})


def entity_patterns() -> list[dict]:
    """Patterns for spaCy's EntityRuler: dictionary names and country names as entities."""
    labels = {"person": "PERSON", "institution": "ORG", "group": "NORP", "country": "GPE"}
    patterns = []
    for surface, entry in lexicon().names.items():
        if surface.startswith("the ") or surface in _NOT_PATTERNS:
            continue
        label = "NORP" if surface in lexicon().demonyms else labels[entry.kind]
        patterns.append({"label": label, "pattern": surface, "id": entry.country or ""})
    return patterns


# --------------------------------------------------------------------------------------------
# Resolution

_STRIP = re.compile(r"^(?:the|a|an)\s+|['’]s$|['’]$", re.IGNORECASE)


def lookup(text: str) -> Actor | None:
    """An actor for a name exactly as written ("the Kremlin", "Zelenskiy", "Hungarian"), or None."""
    lex = lexicon()
    t = text.strip()
    for cand in (t, _STRIP.sub("", t), _STRIP.sub("", _STRIP.sub("", t))):
        e = lex.names.get(cand) or lex.lower.get(cand.lower())
        if e:
            return Actor(e.name, e.country, e.sector, e.kind, text)
    return None


def country_of(text: str) -> str | None:
    """The country or group code a word or name stands for ("Russian", "U.S.", "Hungary's")."""
    actor = lookup(text)
    return actor.country if actor else None


def country_name(code: str | None) -> str | None:
    if code is None:
        return None
    return lexicon().country_names.get(code) or GROUP_CODES.get(code)


def title_sector(words: str) -> str | None:
    """Sector for a title ("Foreign Minister", "spokesman"), trying the longest suffix first."""
    titles = lexicon().titles
    parts = words.lower().split()
    for i in range(len(parts)):
        sector = titles.get(" ".join(parts[i:]))
        if sector:
            return sector
    return None


def resolve(head: Token, ent: Span | None = None) -> Actor | None:
    """Resolve the noun phrase headed by `head` (with its named entity, if any) to an actor.

    Named entities are looked up in the dictionary; unknown persons and generic nouns get their
    country from modifiers (demonyms, country names, possessives) and their sector from titles.
    """
    phrase = phrase_of(head)
    text = phrase.text
    if ent is not None:
        known = lookup(ent.text)
        if known:
            if known.kind in ("institution", "group") and known.country not in GROUP_CODES:
                # "Malawi's opposition Democratic Progressive Party", "the Nigeria Labour Congress":
                # a country named with the organisation outranks the dictionary's one.
                named = _country_from_mods(phrase, exclude=ent)
                if named and named != known.country and named not in GROUP_CODES:
                    name = _STRIP.sub("", head.doc[_name_start(phrase, ent) : ent.end].text)
                    return Actor(name, named, known.sector, known.kind, text)
            return Actor(known.name, known.country, known.sector, known.kind, text)
        if ent.label_ == "PERSON":
            country = _country_from_mods(phrase, exclude=ent)
            return Actor(ent.text, country, _sector_from_mods(phrase), "person", text)
    lex = lexicon()
    country = _country_from_mods(phrase, exclude=ent)
    lemma = head.lemma_.lower()
    sector = lex.generic.get(head.lower_) or lex.generic.get(lemma) or lex.generic.get(lemma + "s")
    if sector not in ("MIL", "REB"):  # "opposition supporters", "army officers", "party members"
        sector = _compound_sector(head) or sector
    sector = sector or _sector_from_mods(phrase)
    if sector and ent is None:
        name = f"{country_name(country)} {lemma}" if country else lemma
        return Actor(name, country, sector, "generic", text)
    if ent is not None and ent.label_ in ("ORG", "NORP"):
        return Actor(ent.text, country, sector, "institution", text)
    return None


def phrase_of(head: Token) -> Span:
    """The noun phrase of `head` up to the head: its left modifiers (titles, adjectives, possessives)."""
    return head.doc[head.left_edge.i : head.i + 1]


def _country_from_mods(phrase: Span, exclude: Span | None) -> str | None:
    """Country named by a modifier in the phrase ("Russian", "US", "Hungary's"), left to right."""
    for ent in phrase.doc.ents:
        if ent.start >= phrase.start and ent.end <= phrase.end and ent != exclude:
            code = country_of(ent.text)
            if code:
                return code
    for tok in phrase:
        if exclude is not None and exclude.start <= tok.i < exclude.end:
            continue
        if tok.ent_iob_ == "I" or (
            tok.ent_iob_ == "B" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].ent_iob_ == "I"
        ):
            continue  # a word of a longer name tried whole above ("West Kordofan", "West African")
        if tok.pos_ == "PROPN" and tok.dep_ == "compound" and tok.head.pos_ == "PROPN" and not tok.ent_type_:
            continue  # part of a proper name the model did not mark
        code = country_of(tok.text)
        if code:
            return code
    return None


def _name_start(phrase: Span, ent: Span) -> int:
    """Where an organisation's name starts: the proper nouns compounded before the entity
    ("Nigeria Labour" in "the Nigeria Labour Congress")."""
    start = ent.start
    while (
        start > phrase.start
        and phrase.doc[start - 1].pos_ == "PROPN"
        and phrase.doc[start - 1].dep_ == "compound"
    ):
        start -= 1
    return start


def _compound_sector(head: Token) -> str | None:
    """Sector given by a generic noun modifying the head ("opposition supporters": OPP)."""
    generic = lexicon().generic
    for c in head.children:
        if c.dep_ in ("compound", "amod") and c.i < head.i:
            sector = generic.get(c.lower_) or generic.get(c.lemma_.lower())
            if sector:
                return sector
    return None


def _sector_from_mods(phrase: Span) -> str | None:
    words = [
        t.text for t in phrase if t.ent_type_ not in ("PERSON", "GPE", "NORP") and t.pos_ in ("NOUN", "PROPN")
    ]
    return title_sector(" ".join(words))

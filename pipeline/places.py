"""Places: find place mentions in text and resolve them to GeoNames ids and coordinates.

Mentions come from

* the spaCy entities labelled GPE, LOC and FAC (plus country names, capitals and continents the
  entity ruler labels NORP), widened by a capitalised neighbour when together they are a name
  ("Lake" + "Chad"); places the small model tags PERSON or ORG: after "in", "to", "from" ..., or
  when the entity is exactly a place name and a cue ("the city of Kisumu", "the Uttar Pradesh
  government", a list with other places) or the article's own state supports it;
* wire datelines in capitals at the start of a paragraph ("KYIV, Ukraine (AP) -", "LUCKNOW:");
* AP state abbreviations and postal codes after a place and a comma ("Macon, Ga.", "Hugo, OK");
* a gazetteer scan over the text for names the model missed: capitalised proper nouns that are
  not part of a longer name, not common English words (spaCy's stop words and the model's
  lemmatizer lists of adjectives, adverbs and verbs, plus a short list of place names that are
  everyday words or person names), not sentence-initial common nouns; a city found this way needs
  `SCAN_MIN_POPULATION` inhabitants, or, once the article has placed other mentions in its
  first-level division, `SMALL_TOWN_MIN` (a small town of the county the story is about). On a
  headline in capitals, multi-word names skip the proper-noun guard ("SOUTH KOREA TO SEND ...").

Demonyms ("Russian") are never places, nor is "Washington" as the subject of a verb ("Washington
has said", the US government: an actor, not the city).

Resolution uses `pipeline.gazetteer` (GeoNames populated places of 500 or more, countries,
continents, US states and counties, the project's regions and features; see its docstring for the
sources and licences). Disambiguation reads the whole text given (an article, for the CLI; the
events extractor passes the countries of the article's earlier sentences as `context`):

* "City, Container" ("Paris, Texas", "Atlanta, Georgia", "KYIV, Ukraine", "Macon, Ga.") or "X
  state" forces a consistent reading;
* countries beat regions beat cities of the same name, except that a US state beats a same-named
  country ("Georgia") when the text has US places below the national level and none inside that
  country, and a US city of 500,000 or more beats its same-named state ("Washington", "New York")
  unless the text places something in that state, or unless the text writes "X state" elsewhere
  (then the bare name is the city);
* cities are scored in two passes: log10 of the population (a tenth of it for alternate names),
  +1 for a national capital, +0.5 when the country is in the article, +0.7 for each other
  mention in the same first-level division and +0.5 for each within 300 km (up to 4 each), +1
  for the division of the article's dateline, +2.5 when a state or county of the same sentence
  contains it ("Illinois sued ... in Springfield"). One mention of the US does not make Paris, Texas
  beat Paris, France; a story about northeast Texas does. Places under 15,000 inhabitants are
  candidates only when their country is in the article (in countries with over 10,000 such
  places, such as the US, their first-level division); a region of another country from
  `places.json` beats a same-named city of its country ("Quebec", "England");
* a US county is placed at the nearest (in the text) place of the article in its state, else at
  its state's point; a name of another country's first-level division that the gazetteer lacks
  resolves to the country (precision "country") when that country is in context.

Precision is "city", "region" (US states, counties, regions, continents, seas: anything between
a city and a country) or "country". An "X region/province/oblast" built on a city's name keeps the
city's point with precision "region".
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from itertools import pairwise

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span

from pipeline.gazetteer import Entry, Hit, fold, gazetteer
from pipeline.gazetteer import subdivisions as _subdivisions
from pipeline.reference import ISO3_CODES

_Entry, _Hit, _fold = Entry, Hit, fold

#: Entity labels that can be places.
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
#: Scan-only matches (names the NER model did not mark) of cities need this many inhabitants.
SCAN_MIN_POPULATION = 100_000
#: ... or this many, when the article places other mentions in the same first-level division.
SMALL_TOWN_MIN = 1_000
#: A US city this large beats its same-named state ("Washington", "New York") without state context.
BIG_CITY = 500_000
#: Longest name looked for in the scan, in tokens ("Saint Vincent and the Grenadines").
MAX_NAME_TOKENS = 7
#: Distance within which another mention of the article supports a city candidate.
NEAR_KM = 300.0

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
_STATE_WORDS = frozenset({"state", "State"})
#: Subdivisions named by a direction ("South", "Centre"): words, not places, in English text.
_DIRECTIONS = frozenset(
    [
        "north",
        "south",
        "east",
        "west",
        "centre",
        "center",
        "central",
        "northern",
        "southern",
        "eastern",
        "western",
        "north-east",
        "north-west",
        "south-east",
        "south-west",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "littoral",
        "coast",
    ]
)
#: Lower-case words after a name that make it a region ("the Donetsk region").
_REGION_WORDS = frozenset(
    {"region", "province", "oblast", "governorate", "district", "state", "prefecture", "county"}
)
#: Feature names that are also adjectives: only as NER-marked entities.
_ENTITY_ONLY = frozenset(
    {
        "Atlantic",
        "Pacific",
        "Arctic",
        "Baltic",
        "Caspian",
        "Mediterranean",
        "Caribbean",
        "Gulf",
        "Alps",
        "Andes",
    }
)


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
    geonames_id: int | None
    precision: str  # city, region, country

    def to_json(self) -> dict:
        return asdict(self)


# --------------------------------------------------------------------------------------------
# Context and disambiguation


@dataclass(frozen=True)
class _Context:
    """What the rest of the article says about where it is."""

    countries: frozenset[str] = frozenset()
    admin1: frozenset[str] = frozenset()  # "USA.GA": regions mentioned or containing mentioned cities
    state_hint: bool = False  # "Washington state", "the state of Georgia"
    # whether the mere mention of the US makes a US state beat a same-named country; find_places
    # asks for US states or cities instead, as most English news mentions the US
    national_us: bool = True
    admin1_n: dict = field(default_factory=dict, hash=False, compare=False)  # "USA.GA" -> mentions
    points: tuple = ()  # (lat, lon) of the other sub-national mentions
    sentence_admin1: frozenset[str] = frozenset()  # states and counties named in the same sentence
    home_admin1: str = ""  # the dateline's first-level division
    home_country: str = ""
    city_preferred: bool = False  # the text writes "X state" elsewhere: bare "X" is the city
    strict_small: bool = True  # places under 15,000 need their country in context

    def sub(self, country: str) -> bool:
        """Whether the context has places inside `country` below the national level."""
        return any(a.startswith(country + ".") for a in self.admin1)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


def _strength(h: _Hit, ctx: _Context) -> int:
    if h.entry.admin1 and h.entry.admin1 in ctx.admin1:
        return 2
    return 1 if h.entry.country in ctx.countries else 0


def _score(h: _Hit, ctx: _Context) -> float:
    """A city candidate's score (see the module docstring): log-population, capital, country in
    the article, other mentions in its first-level division and near it, the dateline's division."""
    e = h.entry
    near = sum(1 for lat, lon in ctx.points if _km(e.latitude, e.longitude, lat, lon) <= NEAR_KM)
    return (
        math.log10(h.weight + 10)
        + (1.0 if e.capital else 0.0)
        + (0.5 if e.country in ctx.countries else 0.0)
        + 0.7 * min(ctx.admin1_n.get(e.admin1, 0), 4)
        + 0.5 * min(near, 4)
        + (1.0 if e.admin1 and e.admin1 == ctx.home_admin1 else 0.0)
        + (0.3 if e.country == ctx.home_country else 0.0)
        + (2.5 if e.admin1 and e.admin1 in ctx.sentence_admin1 else 0.0)
    )


def _best_city(cities: list[_Hit], ctx: _Context) -> _Hit | None:
    return max(cities, key=lambda h: _score(h, ctx), default=None)


def _eligible(h: _Hit, ctx: _Context) -> bool:
    """Small places (under 15,000) only when their country (in dense countries, their
    first-level division) is in the article."""
    e = h.entry
    if not e.small:
        return True
    if ctx.strict_small:
        return False
    if e.country in gazetteer().dense:
        return e.admin1 in ctx.admin1
    return e.country in ctx.countries


def _choose(hits: Sequence[_Hit], ctx: _Context) -> _Hit | None:
    """The best candidate for one mention given its context."""
    hits = [h for h in hits if _eligible(h, ctx)]
    if not hits:
        return None
    if ctx.state_hint and any(h.entry.kind == "region" and h.entry.country == "USA" for h in hits):
        hits = [h for h in hits if h.entry.kind == "region" and h.entry.country == "USA"]
    by_kind: dict[str, list[_Hit]] = defaultdict(list)
    for h in hits:
        by_kind[h.entry.precision].append(h)
    rank = lambda h: (_strength(h, ctx), not h.alt, h.entry.kind != "county", h.entry.population)  # noqa: E731
    country = max(by_kind["country"], key=rank, default=None)
    region = max(by_kind["region"], key=rank, default=None)
    city = _best_city(by_kind["city"], ctx)
    if country is not None:
        # "Georgia": the US state only with US context the country lacks
        r, c = region.entry.country if region else "", country.entry.country
        if region is not None and (
            ctx.state_hint
            or (ctx.sub(r) and not ctx.sub(c) and region.entry.kind == "region")
            or (ctx.national_us and r in ctx.countries and c not in ctx.countries)
            or (r == c and region.entry.kind == "region" and not region.alt)  # "England", "Scotland"
        ):
            return region
        return country
    if region is not None:
        if city is None:
            return region
        c, r = city.entry, region.entry
        if r.kind == "continent" or r.kind == "feature":
            return region if not city.alt or _strength(city, ctx) < 1 else city
        if c.country == r.country == "USA" and r.kind == "region":
            if ctx.city_preferred and c.population >= BIG_CITY:
                return city
            if ctx.state_hint or (r.admin1 in ctx.admin1 and c.admin1 not in ctx.admin1):
                return region
            # "New York" is New York City (an alternate name), "Oklahoma" is not Oklahoma City
            return city if c.population >= (10 * BIG_CITY if city.alt else BIG_CITY) else region
        if c.country == r.country and r.kind == "region":  # "Quebec" the province, not Québec City
            return region
        if r.kind == "county":  # "Lamar County" is the county, not a city that goes by that name
            return region
        strong = _strength(city, ctx)
        if not city.alt and (not c.small or strong == 2) and strong > _strength(region, ctx):
            return city
        return region
    return city


def _contains(outer: _Entry, inner: _Entry) -> bool:
    if outer.precision == "country":
        return inner.country == outer.country and inner.precision != "country"
    if outer.kind in ("region", "county") and outer.admin1:
        return inner.kind in ("city", "county") and inner.admin1 == outer.admin1 and inner != outer
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
        out: dict[_Entry, _Hit] = {}
        for k in g.folded.get(key.casefold(), ()):
            for h in g.names[k]:
                if h.entry not in out or (out[h.entry].alt and not h.alt):
                    out[h.entry] = h
        return tuple(out.values())
    return ()


def _to_place(entry: _Entry, start: int, end: int, text: str, precision: str | None = None) -> Place:
    return Place(
        start,
        end,
        text,
        entry.name,
        entry.country,
        entry.latitude,
        entry.longitude,
        entry.geonames_id,
        precision or entry.precision,
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
        first, rest = _candidates(parts[0]), _candidates(parts[1]) or _abbreviation_hits(parts[1])
        pair = _pair(first, rest, _Context(countries=frozenset(context_countries), strict_small=False))
        if pair is None:  # "Washington, D.C.": the second part is context for the first
            second = _choose(rest, ctx)
            if second is not None:
                ctx = _Context(ctx.countries | {second.entry.country}, frozenset({second.entry.admin1}))
            pair = (_choose(first, ctx), None)
        if pair[0] is not None:
            return _to_place(pair[0].entry, 0, len(name), name)
    return None


def _abbreviation_hits(text: str) -> tuple[_Hit, ...]:
    """A US state from its AP abbreviation or postal code ("Ga.", "GA")."""
    g = gazetteer()
    t = text.strip()
    code = g.abbreviations.get(t) or (t if len(t) == 2 and t.isupper() and t in g.states else None)
    state = g.states.get(code) if code else None
    return (_Hit(state, True),) if state is not None else ()


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
    home: bool = False  # the article's dateline
    weak: bool = False  # an ORG/PERSON entity that matches a place: kept only with support
    cue: bool = False  # "the city of X", "X government", "in A, X and B"


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
        "Airlines",
        "Airways",
        "Air",
        "Bank",
        "Railways",
        "Motors",
        "Electric",
        "Holdings",
        "Group",
        "Corp",
        "Corp.",
        "Corporation",
        "Inc",
        "Inc.",
        "Ltd",
        "Company",
        "International",
        "Exchange",
        "Daily",
        "News",
        "Standard",
        "Orchestra",
        "FC",
        "United",
        "Airport",
        "Council",
        "Index",
        "Composite",
    }
)
#: Currency words: "US $2.63 billion", "$9.99 US dollars".
_CURRENCY_NEXT = frozenset({"$", "US$"})
_SKIP_START = frozenset({'"', "“", "‘", "'", "(", "-", "—", "–", ":", "[", "*", "•"})


@cache
def _common_words() -> tuple[frozenset[str], frozenset[str]]:
    """(lower-case adjectives, adverbs, verbs and stop words; lower-case nouns) from the model's
    lemmatizer tables. The noun list contains proper names too ("paris"), so it only guards
    sentence-initial matches."""
    from pipeline.nlp import get_nlp, get_places_nlp

    # whichever pipeline this process already loaded (the extractor's or the places one)
    nlp = get_nlp() if get_nlp.cache_info().currsize else get_places_nlp()
    words: set[str] = set(STOP_WORDS)
    nouns: set[str] = set()
    try:
        table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
        for pos in ("adj", "adv", "verb"):
            words.update(table.get(pos, []))
        nouns.update(table.get("noun", []))
    except (KeyError, ValueError):  # a model without lookup tables: the stop words only
        pass
    return frozenset(words), frozenset(nouns)


def _text(doc: Doc) -> str:
    """`doc.text`, built once per Doc (spaCy joins the tokens on every access)."""
    text = doc.user_data.get("places_text")
    if text is None:
        text = doc.user_data["places_text"] = doc.text
    return text


def _is_propn(t) -> bool:
    """A proper noun: by the tagger's fine tag where a tagger ran (the extractor's pipeline), else
    (the places pipeline) a capitalised word that is not a common word at the start of a
    sentence."""
    if t.tag_:
        return t.tag_ in ("NNP", "NNPS") or t.pos_ == "PROPN"
    if not t.is_alpha or not t.text[:1].isupper():
        return False
    if t.text.isupper() and len(t.text) > 1:  # a headline in capitals: "SOUTH KOREA TO SEND ..."
        return t.lower_ not in _common_words()[0]
    return not (_sentence_initial(t.doc, t.i) and t.lower_ in _common_words()[0])


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
    if _sentence_initial(doc, start - 1) and prev.lower_ in _common_words()[0]:
        return False  # "Neighbouring Leeds", "Nearby Reno"
    return (
        prev.is_alpha
        and _is_cap(prev.text)
        and _is_propn(prev)
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
        and _is_propn(t)
        and t.ent_type_ in ("", "PERSON", "ORG")
        and t.lower_ not in _title_words()
        and t.text not in _GENERIC_WORDS | _STATE_WORDS
    )


def _guarded(
    doc: Doc, start: int, end: int, hits: Sequence[_Hit], level: str, local: frozenset[str] = frozenset()
) -> tuple[_Hit, ...]:
    """The candidates of a match that survive the guards for its level, or () to drop it.

    Levels: "marked" (a whole GPE/LOC/FAC entity), "ruler" (the same, labelled by the entity
    ruler, which matches capitals anywhere), "inside" (a name inside a place entity),
    "mislabelled" (a person/organisation entity after a locative word), "scan" (no entity; with
    `local` first-level divisions, small towns in them count too).
    """
    if (end < len(doc) and doc[end].text in _ORG_NEXT | _CURRENCY_NEXT) or _name_after(doc, end):
        return ()
    if start >= 2 and doc[start - 1].lower_ == "of" and _is_cap(doc[start - 2].text):
        before = doc[start - 2]
        if (
            before.lower_ not in _title_words()
            and before.ent_type_ not in ("GPE", "LOC")
            and level != "marked"
        ):
            return ()  # "Bank of America", "University of Texas"
    if level == "marked":
        return tuple(hits)
    if level == "ruler":
        return () if _name_before(doc, start) else tuple(hits)
    name = doc[start:end].text
    words, nouns = _common_words()
    caps_line = level == "scan" and end - start > 1 and name.isupper() and _in_caps_line(doc, start)
    if caps_line:
        return tuple(
            h
            for h in hits
            if not h.alt and (h.entry.kind != "city" or h.entry.population >= SCAN_MIN_POPULATION)
        )
    if not _is_cap(name) or (name in _SCAN_STOP and level != "located") or name.lower() in words:
        return ()
    if level == "inside":
        return tuple(h for h in hits if not h.alt)
    if name in _ENTITY_ONLY and level != "inside":
        return ()
    if local:
        big = [
            h
            for h in hits
            if h.entry.kind == "city" and h.entry.admin1 in local and h.entry.population >= SMALL_TOWN_MIN
        ]
    else:
        big = [h for h in hits if h.entry.precision != "city" or h.entry.population >= SCAN_MIN_POPULATION]
    if level == "located":
        return tuple(
            h for h in hits if (not h.alt and h.entry.kind != "city") or h.entry.population >= 15_000
        )
    if level in ("mislabelled", "named"):
        if big:
            return tuple(h for h in hits if not h.alt or h in big)
        return tuple(h for h in hits if not h.alt and h.entry.population >= 15_000)
    # scan
    if not any(not h.alt for h in big):
        return ()
    tokens = [t for t in doc[start:end] if t.is_alpha]
    if tokens and tokens[0].lower_ == "the":
        tokens = tokens[1:]  # "The Hague"
    if not all(_is_propn(t) for t in tokens):
        return ()
    if _sentence_initial(doc, start) and name.lower() in nouns:
        return ()
    if _name_before(doc, start):
        return ()
    if end < len(doc):
        nxt = doc[end]
        if nxt.is_alpha and _is_cap(nxt.text) and nxt.ent_type_ not in ("DATE", "TIME"):
            return ()
    return tuple(h for h in (big if local else hits) if not h.alt)


def _in_caps_line(doc: Doc, i: int) -> bool:
    """Whether token i is on a line written in capitals (a wire headline)."""
    text = _text(doc)
    pos = doc[i].idx
    line = text[text.rfind("\n", 0, pos) + 1 : (text.find("\n", pos) + 1 or len(text) + 1) - 1]
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def _longest_match(doc: Doc, i: int, limit: int) -> tuple[int, tuple[_Hit, ...]] | None:
    """The longest gazetteer name starting at token i and ending before token `limit`; names in
    capitals ("KYIV," in a dateline) match caselessly."""
    g = gazetteer()
    first = doc[i]
    for j in range(min(limit, i + MAX_NAME_TOKENS), i, -1):
        last = doc[j - 1]
        text = _text(doc)[first.idx : last.idx + len(last.text)]
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
        if not _is_cap(span.text):
            continue  # "metro"
        raw = _candidates(span.text, caseless=level != "mislabelled")
        hits = _guarded(doc, s, e, raw, level)
        subdiv = (
            _subdivisions().get(span.text, frozenset())
            if level in ("marked", "ruler") and span.text.lower() not in _DIRECTIONS
            else frozenset()
        )
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


def _scan_mentions(
    doc: Doc, taken: set[int], local: frozenset[str] | set[str] = frozenset()
) -> Iterable[_Mention]:
    """Gazetteer names outside every entity, longest first (small towns in `local` divisions)."""
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
        hits = _guarded(doc, i, m[0], m[1], "scan", frozenset(local)) if m else ()
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
        if ent.label_ in PLACE_LABELS or ent.label_ == "NORP":
            ent = _extended(doc, ent, out[-1].end if out else 0)
        out.append(ent)
    return out


def _extended(doc: Doc, ent: Span, floor: int) -> Span:
    """The entity with a capitalised word before or after it when together they are a gazetteer
    name: "Lake" + "Chad", "Gaza" + "Strip"."""
    names = gazetteer().names
    start, end = ent.start, ent.end
    before = doc[start - 1] if start - 1 >= floor else None
    if before is not None and before.is_alpha and _is_cap(before.text) and not before.ent_type_:
        start -= 1 if names.get(doc[start - 1 : end].text) else 0
    after = doc[end] if end < len(doc) else None
    if after is not None and after.is_alpha and _is_cap(after.text) and not after.ent_type_:
        end += 1 if names.get(doc[start : end + 1].text) else 0
    return ent if (start, end) == (ent.start, ent.end) else Span(doc, start, end, label=ent.label_)


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
    """Whether `text` is exactly the name of a country, a national capital, a continent or a
    world region: the entity ruler labels those ending like demonyms ("Iran", "Pakistan",
    "Tbilisi", "Helsinki") or group names ("Europe", "Asia") NORP."""
    g = gazetteer()
    return text not in g.demonyms and any(
        not h.alt and (h.entry.kind in ("country", "continent", "feature") or h.entry.capital)
        for h in g.names.get(text, ())
    )


# --------------------------------------------------------------------------------------------
# Datelines, state abbreviations, "Washington" the government


_DATELINE = re.compile(
    r"(?:^|\n)[ \t]*(?P<place>[A-Z][A-Z.'’\-]+(?: [A-Z][A-Z.'’\-]+){0,3})(?=\s*(?:,|\(|—|–|-\s|:\s))"
)
_ABBREVIATION_AFTER = re.compile(
    r",\s*(?P<abbr>(?:[A-Z][a-z]{1,4}\.|[A-Z]\.(?:[A-Z]\.|\s?[A-Z][a-z]\.)?|N\.Mex\.|W\. ?Va\.)|[A-Z]{2})(?=[\s,;:)!?'\"]|$)"
)
_GOVERNMENT_VERBS = frozenset(
    [
        "has",
        "have",
        "is",
        "was",
        "will",
        "would",
        "can",
        "cannot",
        "could",
        "must",
        "should",
        "says",
        "said",
        "wants",
        "wanted",
        "insists",
        "insisted",
        "accused",
        "warned",
        "urged",
        "demanded",
        "offered",
        "imposed",
        "announced",
        "pressed",
        "rejected",
        "opposed",
        "supports",
        "backed",
        "threatened",
        "sanctioned",
        "condemned",
        "welcomed",
        "believes",
        "hopes",
        "expects",
        "plans",
        "intends",
    ]
)


def _dateline_mentions(doc: Doc) -> Iterable[_Mention]:
    """Places in capitals that open a paragraph and are followed by a comma, dash, bracket or
    colon: "KYIV, Ukraine (AP) -", "NEW YORK, March 3 -", "LUCKNOW:"."""
    for m in _DATELINE.finditer(_text(doc)):
        name = m.group("place").rstrip(".")
        if len(name) < 3 or not any(c.isalpha() for c in name):
            continue
        hits = tuple(h for h in _candidates(name.title() if name.isupper() else name) if not h.alt)
        hits = hits or tuple(h for h in _candidates(name) if not h.alt)
        if not hits:
            continue
        s = m.start("place")
        span = doc.char_span(s, s + len(name), alignment_mode="expand")
        if span is None:
            continue
        yield _Mention(s, s + len(name), hits, home=True)


#: Words before a name that say it is a place ("the city of Kisumu").
_PLACE_CUE_BEFORE = re.compile(
    r"\b(?:city|town|village|capital|port|province|region|state|county|district|suburb|island|"
    r"municipality|township|borough|hamlet)\s+of\s+$|\b(?:cities|towns|villages|townships)\s+(?:of|like|such\s+as)\s+$",
    re.IGNORECASE,
)
#: Lower-case words after a name that say it is a place ("the Uttar Pradesh government").
_PLACE_CUE_AFTER = frozenset(
    [
        "government",
        "governments",
        "police",
        "officials",
        "authorities",
        "residents",
        "administration",
        "council",
        "district",
        "county",
        "province",
        "region",
        "state",
        "city",
        "town",
        "area",
        "villagers",
        "lawmakers",
        "legislature",
        "voters",
        "schools",
        "hospital",
        "airport",
        "port",
    ]
)


def _mislabelled(doc: Doc, ent: Span) -> list[_Mention]:
    """Places the small model tags PERSON or ORG ("Kisumu", "Castleford", "Uttar Pradesh"):
    after a locative word as before; otherwise only an entity that is exactly a place name (one
    word for a person), kept as a weak mention that needs support from the article (its first-
    level division) or a cue ("the city of X", "the X government", a list of places)."""
    if ent.start > 0 and doc[ent.start - 1].lower_ in _LOCATIVE:
        out = list(_entity_mentions(doc, ent, "mislabelled"))
        if not out and len(ent) == 1 and ent.text in _SCAN_STOP:  # "in Lincoln": needs its state
            hits = _guarded(doc, ent.start, ent.end, _candidates(ent.text, caseless=False), "located")
            return [_Mention(ent.start_char, ent.end_char, hits, weak=True)] if hits else []
        for m in out:
            m.weak = not any(
                h.entry.precision != "city" or h.entry.population >= SCAN_MIN_POPULATION for h in m.hits
            )
            m.cue = True
        return out
    tokens = list(ent)
    while tokens and tokens[0].lower_ == "the":
        tokens = tokens[1:]
    if not tokens or (ent.label_ == "PERSON" and len(tokens) > 1):
        return []
    s, e = tokens[0].i, tokens[-1].i + 1
    hits = _guarded(doc, s, e, _candidates(doc[s:e].text, caseless=False), "named")
    if not hits:
        return []
    span = doc[s:e]
    before = _text(doc)[max(0, span.start_char - 30) : span.start_char]
    nxt = doc[e] if e < len(doc) else None
    cue = bool(_PLACE_CUE_BEFORE.search(before)) or (
        nxt is not None and nxt.lower_ in _PLACE_CUE_AFTER and nxt.text.islower()
    )
    strong = any(h.entry.precision != "city" or h.entry.population >= SCAN_MIN_POPULATION for h in hits)
    return [
        _Mention(
            span.start_char, span.end_char, hits, _state_hint(doc, s, e), weak=not (strong and cue), cue=cue
        )
    ]


def _list_cue(doc: Doc, mentions: list[_Mention]) -> None:
    """A weak mention in a list with other places ("in Pontefract, Castleford and Featherstone")."""
    for i, m in enumerate(mentions):
        if not m.weak or m.cue:
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(mentions):
                o = mentions[j]
                a, b = (o, m) if j < i else (m, o)
                if re.fullmatch(r"\s*(?:,|,?\s*and|,?\s*or)\s*", _text(doc)[a.end : b.start]):
                    m.cue = True


def _is_government(doc: Doc, m: _Mention) -> bool:
    """ "Washington" as the subject of a verb ("Washington has said", "Washington cannot ..."): the
    US government, an actor, not the city; "in Washington said" stays a place."""
    if _text(doc)[m.start : m.end] != "Washington" or m.state_hint:
        return False
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None or span.end >= len(doc):
        return False
    nxt = doc[span.end]
    prev = doc[span.start - 1] if span.start > 0 else None
    if prev is not None and ((prev.tag_ == "IN" or prev.pos_ == "ADP") or prev.lower_ in _LOCATIVE):
        return False
    return nxt.tag_ in ("VBZ", "VBD", "VBP", "MD") or nxt.lower_ in _GOVERNMENT_VERBS


def _abbreviation_mentions(
    doc: Doc, mentions: list[_Mention], taken_chars: list[tuple[int, int]]
) -> list[_Mention]:
    """ "Macon, Ga.", "Hugo, OK": the state after a place and a comma."""
    out = []
    for a in mentions:
        m = _ABBREVIATION_AFTER.match(_text(doc), a.end)
        if not m:
            continue
        hits = _abbreviation_hits(m.group("abbr"))
        if not hits:
            continue
        s, e = m.span("abbr")
        if any(s < te and ts < e for ts, te in taken_chars):
            continue
        out.append(_Mention(s, e, hits))
    return out


# --------------------------------------------------------------------------------------------
# The document


def _article_context(
    mentions: list[_Mention],
    base: frozenset[str],
    hinted: set[str],
    exclude: _Mention | None = None,
    text: str = "",
) -> _Context:
    """The context one mention gets from all the others' current readings (and, given the text,
    from the places in its own sentence)."""
    countries = set(base)
    admin1_n: Counter = Counter()
    points = []
    home_admin1 = home_country = ""
    sentence_admin1: set[str] = set()
    if exclude is not None and text:
        s0 = max(text.rfind(". ", 0, exclude.start), text.rfind("\n", 0, exclude.start))
        e0 = min(
            i for i in (text.find(". ", exclude.end), text.find("\n", exclude.end), len(text)) if i != -1
        )
    for o in mentions:
        if o.chosen is None or (exclude is not None and o.key == exclude.key):
            continue
        e = o.chosen.entry
        if e.country:
            countries.add(e.country)
        if e.kind in ("city", "region", "county") and e.admin1:
            admin1_n[e.admin1] += 1
        if e.kind == "city":
            points.append((e.latitude, e.longitude))
        if exclude is not None and text and s0 < o.start < e0 and e.kind in ("region", "county") and e.admin1:
            sentence_admin1.add(e.admin1)
        if o.home and not home_country:
            home_admin1, home_country = e.admin1 if e.kind != "country" else "", e.country or ""
    return _Context(
        frozenset(countries),
        frozenset(admin1_n),
        exclude.state_hint if exclude else False,
        national_us=False,
        admin1_n=dict(admin1_n),
        points=tuple(points),
        home_admin1=home_admin1,
        home_country=home_country,
        city_preferred=exclude is not None and not exclude.state_hint and exclude.key in hinted,
        strict_small=False,
        sentence_admin1=frozenset(sentence_admin1),
    )


def _place_county(e: _Entry, m: _Mention, mentions: list[_Mention]) -> _Entry:
    """A county at the nearest (in the text) city the article places in its state."""
    best = None
    for o in mentions:
        if o.chosen is None or o is m:
            continue
        c = o.chosen.entry
        if c.kind == "city" and c.admin1 == e.admin1:
            d = abs(o.start - m.start)
            if best is None or d < best[0]:
                best = (d, c)
    if best is None:
        return e
    return e._replace(latitude=best[1].latitude, longitude=best[1].longitude)


def find_places(doc: Doc, context: Iterable[str] | None = None) -> list[Place]:
    """Places mentioned in a spaCy Doc (from `pipeline.nlp.get_nlp()` or `get_places_nlp()`),
    non-overlapping, sorted. `context`: ISO3 codes of countries the rest of the article mentions
    (the events extractor reads an article sentence by sentence)."""
    g = gazetteer()
    mentions: list[_Mention] = []
    taken: set[int] = set()
    demonym_countries: set[str] = set()
    for m in _dateline_mentions(doc):
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        mentions.append(m)
        taken.update(range(span.start, span.end))
    for ent in _place_entities(doc):
        if any(i in taken for i in range(ent.start, ent.end)):
            continue
        taken.update(range(ent.start, ent.end))
        if ent.label_ == "NORP" and not _is_place_name(ent.text):
            if ent.ent_id_ in ISO3_CODES:
                demonym_countries.add(ent.ent_id_)
        elif ent.label_ in PLACE_LABELS or ent.label_ == "NORP":  # the ruler tags "Iran", "Tbilisi" NORP
            if ent.text not in g.demonyms:
                mentions.extend(_entity_mentions(doc, ent, "ruler" if ent.ent_id_ else "marked"))
        elif ent.label_ in ("PERSON", "ORG"):
            mentions.extend(_mislabelled(doc, ent))
    mentions.extend(_scan_mentions(doc, taken))
    # a city name that is also the name of a person in the text ("Fritz Henderson ... Henderson said")
    persons = {
        w for ent in doc.ents if ent.label_ == "PERSON" and len(ent) > 1 for w in (ent.text, ent[-1].text)
    }
    mentions = [
        m
        for m in mentions
        if (_text(doc)[m.start : m.end] not in persons or any(h.entry.precision != "city" for h in m.hits))
        and not _is_government(doc, m)
    ]
    mentions.extend(_abbreviation_mentions(doc, mentions, [(m.start, m.end) for m in mentions]))
    mentions.sort(key=lambda m: m.start)
    for m in mentions:
        m.key = _text(doc)[m.start : m.end]
    base = frozenset(demonym_countries) | frozenset(c for c in (context or ()) if c)
    hinted = {m.key for m in mentions if m.state_hint}

    # "A, B" where B contains A: fix both to a consistent reading.
    for a, b in pairwise(mentions):
        if re.fullmatch(r",\s*", _text(doc)[a.end : b.start]):
            inner = (a.chosen,) if a.fixed and a.chosen else a.hits
            outer = b.hits + tuple(_Hit(g.countries[c], True) for c in b.subdiv if c in g.countries)
            pair = _pair(inner, outer, _Context(base, strict_small=False))
            if pair is not None:
                a.chosen, b.chosen = pair
                a.fixed = b.fixed = True

    # Two passes: first with demonyms (and the caller's context) only, then with the article.
    for m in mentions:
        if not m.fixed:
            m.chosen = _decide(m, _Context(base, state_hint=m.state_hint, national_us=False))
    first = [
        _Mention(
            m.start,
            m.end,
            m.hits,
            m.state_hint,
            None if m.weak else m.chosen,
            m.fixed,
            m.key,
            m.subdiv,
            m.home,
        )
        for m in mentions
    ]
    for m in mentions:
        if not m.fixed:
            m.chosen = _decide(m, _article_context(first, base, hinted, exclude=m, text=_text(doc)))

    # Weak mentions (PERSON/ORG entities that match places) need a cue or their division in the article.
    _list_cue(doc, mentions)
    for m in mentions:
        if m.weak and m.chosen is not None and not m.cue:
            c = _article_context(mentions, base, hinted, exclude=m)
            if _strength(m.chosen, c) < 2:
                m.chosen = None

    # Small towns the model missed, in the divisions the article is about.
    ctx = _article_context(mentions, base, hinted)
    local = {a for a, n in ctx.admin1_n.items() if n >= 1}
    if local:
        covered = set(taken)
        for m in mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is not None:
                covered.update(range(span.start, span.end))
        for m in _scan_mentions(doc, covered, local):
            m.key = _text(doc)[m.start : m.end]
            if m.key in persons:
                continue
            m.chosen = _choose(m.hits, _article_context(mentions, base, hinted, exclude=m, text=_text(doc)))
            if m.chosen is not None:
                mentions.append(m)
        mentions.sort(key=lambda m: m.start)

    places: list[Place] = []
    for m in mentions:
        if m.chosen is None:
            continue
        e = m.chosen.entry
        if e.kind == "county":
            e = _place_county(e, m, mentions)
        precision = None
        if e.kind == "city" and re.match(
            r"\s+(?:region|province|oblast|governorate|prefecture)\b", _text(doc)[m.end : m.end + 15]
        ):
            precision = "region"
        if (
            places
            and places[-1].geonames_id == e.geonames_id
            and e.geonames_id is not None
            and re.fullmatch(r",\s*", _text(doc)[places[-1].end : m.start])
        ):
            prev = places.pop()  # "Washington, D.C." is one place
            places.append(_to_place(e, prev.start, m.end, _text(doc)[prev.start : m.end]))
            continue
        places.append(_to_place(e, m.start, m.end, _text(doc)[m.start : m.end], precision))
    return places


def places_in_text(text: str) -> list[Place]:
    """Run the places pipeline (no parser) on `text` and return the places it mentions."""
    from pipeline.nlp import get_places_nlp

    return find_places(get_places_nlp()(text))


def places_in_texts(texts: Iterable[str], batch_size: int = 32) -> Iterator[list[Place]]:
    """`places_in_text` over many texts, parsed in batches (the `places --jsonl` command)."""
    from pipeline.nlp import get_places_nlp

    for doc in get_places_nlp().pipe(texts, batch_size=batch_size):
        yield find_places(doc)

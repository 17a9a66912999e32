"""Closed vocabularies shared by the schema, the extractor and the checks, loaded once.

The PLOVER ontology, group codes, sectors and quarantine reasons live in
`pipeline/data/plover.json`; ISO 3166-1 alpha-3 codes come from pycountry.
"""

from __future__ import annotations

import json
from importlib import resources

import pycountry


def load_json(name: str) -> dict:
    """Read a JSON file shipped in `pipeline/data/`."""
    return json.loads(resources.files("pipeline").joinpath("data", name).read_text(encoding="utf-8"))


_PLOVER = load_json("plover.json")

EVENT_TYPES: tuple[str, ...] = tuple(_PLOVER["types"])
QUAD_OF_TYPE: dict[str, str] = {t: v["quad_class"] for t, v in _PLOVER["types"].items()}
MODES_OF_TYPE: dict[str, tuple[str, ...]] = {t: tuple(v["modes"]) for t, v in _PLOVER["types"].items()}
QUAD_CLASSES: tuple[str, ...] = (
    "VERBAL_COOPERATION",
    "MATERIAL_COOPERATION",
    "VERBAL_CONFLICT",
    "MATERIAL_CONFLICT",
)
GROUP_CODES: dict[str, str] = dict(_PLOVER["group_codes"])
SECTORS: tuple[str, ...] = tuple(_PLOVER["sectors"])
QUARANTINE_REASONS: dict[str, str] = dict(_PLOVER["quarantine_reasons"])
ISO3_CODES: frozenset[str] = frozenset(c.alpha_3 for c in pycountry.countries) | {"XKX"}
COUNTRY_CODES: tuple[str, ...] = tuple(sorted(ISO3_CODES)) + tuple(GROUP_CODES)

STATUSES: tuple[str, ...] = ("occurred", "planned", "possible", "hypothetical", "negated")
DATE_PRECISIONS: tuple[str, ...] = ("time", "day", "week", "month", "season", "year", "window")
DATE_BASES: tuple[str, ...] = ("explicit", "relative", "publication")
LOCATION_PRECISIONS: tuple[str, ...] = ("city", "region", "country")
SECTIONS: tuple[str, ...] = ("title", "dek", "summary", "body")

assert set(QUAD_OF_TYPE.values()) <= set(QUAD_CLASSES), "plover.json names an unknown quad class"

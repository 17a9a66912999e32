"""Seeded synthetic `events` tables with known truth, for scoring and timing `pipeline.clusters`.

`generate(n, seed)` draws true events and lets several "articles" report each one, with the kinds of
noise the extractor produces, until there are `n` event rows:

- **World**: 251 country and group codes with Zipf popularity (a few countries are in most news,
  so their blocks are crowded), four cities per country, five actor names per country in
  different sectors, PLOVER types with uneven frequencies and their modes.
- **True events**: a type, a dyad (some one-country, some with no target at all), a day in the
  corpus span, often a city, sometimes a mode. Reports per event: one for about half, a long tail
  up to 40. Decoys are drawn as true events of their own: the same dyad and type a few days
  apart, the same day and type with another target, the same dyad and day with another type.
- **Reports** (one row each): published 0-6 days after the event, some previews before it
  (status planned). Dated by the publication date only in 35% of reports written the same or
  the next day, 15% two or three days later, 5% after that (about 26% overall); the others by
  the text, as a day (75%), a week (14%), a month (7%), or wrongly by up to a week (4%). Actor names vary by outlet; a
  target is missing in 15% of rows and a source in 5%; symmetric types come in either order;
  2% of rows have a wrong country and 3% of asymmetric ones the roles swapped. Places are
  dropped, mis-geocoded or invented; modes dropped or wrong.
- **Articles**: reports published on one day are packed 1-3 to an article (never two reports of
  one true event), and 2% of reports also leave a second, partial row in their article (the
  headline row the extractor did not merge).

The span grows with `n` (`events_per_day` rows a day) so a bigger corpus is a longer one, as a
growing archive is; `span_days` fixes it instead, to make the corpus denser.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from bisect import bisect
from itertools import accumulate

import polars as pl

from pipeline.ids import stable_id
from pipeline.reference import COUNTRY_CODES, EVENT_TYPES, MODES_OF_TYPE, QUAD_OF_TYPE
from pipeline.schema import EVENTS

START = dt.date(2024, 1, 1)
SECTORS = ("GOV", "GOV", "MIL", "OPP", "CVL")
ROLES = ("government", "president", "army", "opposition", "protesters")
#: Relative frequency of the event types (CONSULT and conflict events dominate news).
TYPE_WEIGHTS = {
    "CONSULT": 20, "ACCUSE": 10, "ASSAULT": 10, "AGREE": 6, "SUPPORT": 6, "COOPERATE": 5, "REQUEST": 6,
    "REJECT": 5, "THREATEN": 5, "PROTEST": 6, "SANCTION": 4, "AID": 4, "COERCE": 5, "MOBILIZE": 3,
    "CONCEDE": 2, "RETREAT": 2,
}  # fmt: skip
ONE_COUNTRY_TYPES = {"PROTEST", "COERCE", "ASSAULT"}


class World:
    """Countries, their cities and actor names, drawn once per seed."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.countries = list(COUNTRY_CODES)
        rng.shuffle(self.countries)
        self._cum = list(accumulate(1 / (k + 1) ** 1.1 for k in range(len(self.countries))))
        self.cities = {}
        for c in self.countries:
            lat, lon = rng.uniform(-45, 60), rng.uniform(-120, 140)
            self.cities[c] = [
                (f"{c} city {k}", round(lat + rng.uniform(-3, 3), 4), round(lon + rng.uniform(-3, 3), 4))
                for k in range(4)
            ]
        self._types = list(TYPE_WEIGHTS)
        self._type_cum = list(accumulate(TYPE_WEIGHTS.values()))
        assert set(self._types) == set(EVENT_TYPES)

    def country(self, other_than: str | None = None) -> str:
        while True:
            c = self.countries[bisect(self._cum, self.rng.random() * self._cum[-1])]
            if c != other_than:
                return c

    def event_type(self, other_than: str | None = None) -> str:
        while True:
            t = self._types[bisect(self._type_cum, self.rng.random() * self._type_cum[-1])]
            if t != other_than:
                return t


def _true_event(world: World, rng: random.Random, span: int) -> dict:
    etype = world.event_type()
    source = world.country()
    r = rng.random()
    if etype in ONE_COUNTRY_TYPES and r < 0.3:
        target, tsec = source, rng.choice(SECTORS)
    elif r < 0.05:
        target, tsec = None, None
    else:
        target, tsec = world.country(other_than=source), rng.choice(SECTORS[:3])
    place = rng.choice(world.cities[target or source]) if rng.random() < 0.7 else None
    modes = MODES_OF_TYPE[etype]
    return {
        "type": etype,
        "source": source,
        "ssec": rng.choice(SECTORS[:3]),
        "target": target,
        "tsec": tsec,
        "day": START + dt.timedelta(days=rng.randrange(span)),
        "place": place,
        "mode": rng.choice(modes) if modes and rng.random() < 0.6 else None,
    }


def _decoys(base: dict, world: World, rng: random.Random) -> list[dict]:
    """Look-alike true events: same dyad another day, same day another target, same day another type."""
    out = []
    if rng.random() < 0.15:
        shift = rng.choice((-1, 1)) * rng.randint(2, 6)
        out.append(dict(base, day=base["day"] + dt.timedelta(days=shift)))
    if rng.random() < 0.10 and base["target"] is not None:
        out.append(dict(base, target=world.country(other_than=base["source"])))
    if rng.random() < 0.10:
        etype = world.event_type(other_than=base["type"])
        modes = MODES_OF_TYPE[etype]
        out.append(dict(base, type=etype, mode=rng.choice(modes) if modes and rng.random() < 0.6 else None))
    return out


def _n_reports(rng: random.Random) -> int:
    if rng.random() < 0.05:
        return rng.randint(10, 40)
    return 1 + int(math.log(1 - rng.random()) / math.log(0.55))  # geometric, mean about 2.2


def _date_fields(day: dt.date, published: dt.date, rng: random.Random) -> tuple:
    """(start, end, precision, basis) of a report. The later the report, the likelier it names
    the day: a text with no time expression is mostly about today or yesterday."""
    lag = (published - day).days
    undated = 0.35 if lag <= 1 else 0.15 if lag <= 3 else 0.05
    r = rng.random()
    if r < undated:
        return published, published, "day", "publication"
    r = rng.random()
    if r < 0.04:
        wrong = day + dt.timedelta(days=rng.choice((-1, 1)) * rng.randint(1, 7))
        return wrong, wrong, "day", "wrong"  # `wrong` is replaced by `relative` in the row
    if r < 0.18:
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=6), "week", "relative"
    if r < 0.25:
        first = day.replace(day=1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return first, last, "month", "relative"
    return day, day, "day", rng.choice(("relative", "explicit"))


def _actor(world: World, rng: random.Random, country: str | None, sector: str | None, keep: float) -> tuple:
    """(name, country, sector, wrong) of one actor of a report."""
    if country is None or rng.random() > keep:
        return None, None, None, False
    wrong = rng.random() < 0.02
    if wrong:
        country = world.country(other_than=country)
    if sector is None or rng.random() < 0.2:
        k = rng.randrange(len(ROLES))
    else:
        k = rng.choice([i for i, s in enumerate(SECTORS) if s == sector])
    return f"{country} {ROLES[k]}", country, SECTORS[k], wrong


def _report(truth: dict, true_id: int, world: World, rng: random.Random) -> dict:
    day = truth["day"]
    preview = rng.random() < 0.08
    lag = -rng.randint(1, 4) if preview else rng.choice((0, 1, 1, 1, 2, 2, 3, 4, 6))
    published = day + dt.timedelta(days=lag)
    start, end, precision, basis = _date_fields(day, published, rng)
    status = "planned" if preview else ("possible" if rng.random() < 0.02 else "occurred")
    src = _actor(world, rng, truth["source"], truth["ssec"], 0.95)
    tgt = _actor(world, rng, truth["target"], truth["tsec"], 0.85)
    symmetric = truth["type"] in ("CONSULT", "COOPERATE", "AGREE")
    swapped = not symmetric and rng.random() < 0.03 and truth["source"] != truth["target"]
    if swapped or (symmetric and rng.random() < 0.5):
        src, tgt = tgt, src
    place = truth["place"] if truth["place"] and rng.random() < 0.55 else None
    if place and rng.random() < 0.1:
        place = rng.choice(world.cities[world.country()])
    elif truth["place"] is None and rng.random() < 0.1:
        place = rng.choice(world.cities[truth["source"]])
    mode = truth["mode"] if rng.random() < 0.6 else None
    if mode and rng.random() < 0.05:
        mode = rng.choice(MODES_OF_TYPE[truth["type"]])
    return {
        "true_event": true_id,
        # False for a row the clusterer cannot place: a wrong day, a wrong country, swapped roles.
        "clean": basis != "wrong" and not src[3] and not tgt[3] and not swapped,
        "publication_date": published,
        "event_type": truth["type"],
        "event_mode": mode,
        "quad_class": QUAD_OF_TYPE[truth["type"]],
        "status": status,
        "source_name": src[0],
        "source_country": src[1],
        "source_sector": src[2],
        "target_name": tgt[0],
        "target_country": tgt[1],
        "target_sector": tgt[2],
        "event_date": start,
        "event_date_end": end,
        "date_precision": precision,
        "date_basis": "relative" if basis == "wrong" else basis,
        "location_name": place[0] if place else None,
        "location_country": place[0].split()[0] if place else None,
        "latitude": place[1] if place else None,
        "longitude": place[2] if place else None,
        "section": "body",
        "mention_count": rng.randint(1, 3),
        "confidence": round(rng.uniform(0.4, 0.99), 3),
    }


def _articles(reports: list[dict], rng: random.Random, seed: int) -> None:
    """Pack reports of one publication day into articles of 1-3, never two of one true event."""
    by_day: dict[dt.date, list[dict]] = {}
    for r in reports:
        by_day.setdefault(r["publication_date"], []).append(r)
    n_article = 0
    for day in sorted(by_day):
        todo = by_day[day]
        rng.shuffle(todo)
        while todo:
            size, article, seen = rng.randint(1, 3), [], set()
            for r in list(todo):
                if len(article) == size:
                    break
                if r["true_event"] not in seen:
                    article.append(r)
                    seen.add(r["true_event"])
                    todo.remove(r)
            art = stable_id("synthetic-article", seed, n_article)
            n_article += 1
            for r in article:
                r["article_id"] = art


def generate(
    n: int, seed: int = 0, events_per_day: int = 40, span_days: int | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """About `n` event rows (`events` schema) and their truth (`event_id`, `truth`, `clean`).

    `clean` is false for the rows given a contradiction on purpose (a wrong day or country,
    swapped roles): no clusterer that keeps look-alike events apart can place them.
    """
    rng = random.Random(seed)
    world = World(rng)
    span = span_days or max(30, n // events_per_day)
    reports: list[dict] = []
    true_id = 0
    while len(reports) < n:
        base = _true_event(world, rng, span)
        for truth in [base, *_decoys(base, world, rng)]:
            for _ in range(_n_reports(rng)):
                reports.append(_report(truth, true_id, world, rng))
            true_id += 1
    reports = reports[:n]
    _articles(reports, rng, seed)
    # The extractor's unmerged headline rows: a partial second row in the same article.
    extra = []
    for r in reports:
        if rng.random() < 0.02 and r["target_country"] is not None:
            published = r["publication_date"]
            extra.append(
                dict(
                    r,
                    target_name=None,
                    target_country=None,
                    target_sector=None,
                    event_date=published,
                    event_date_end=published,
                    date_precision="day",
                    date_basis="publication",
                    section="title",
                )
            )
    rows = reports + extra
    for k, r in enumerate(rows):
        r["event_id"] = stable_id("synthetic-event", seed, k)
    schema = EVENTS.polars_schema()
    truth = pl.DataFrame(
        {
            "event_id": [r["event_id"] for r in rows],
            "truth": [r["true_event"] for r in rows],
            "clean": [r["clean"] for r in rows],
        },
        schema={"event_id": pl.String, "truth": pl.Int64, "clean": pl.Boolean},
    )
    filled = [{c: r.get(c) for c in schema} for r in rows]
    events = pl.DataFrame(filled, schema=schema).with_columns(
        sentence_index=pl.lit(0, pl.Int32),
        sentence_start=pl.lit(0, pl.Int32),
        sentence_end=pl.lit(1, pl.Int32),
        sentence_text=pl.lit("synthetic"),
        trigger_text=pl.lit("synthetic"),
        extractor_version=pl.lit("synthetic"),
    )
    return events, truth

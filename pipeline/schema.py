"""The output tables, defined once.

Every table the pipeline writes is declared here as a list of `Column`s: name, Arrow type,
description and the row rules that hold for it. Everything else derives from these
declarations: the Arrow schemas that `storage` writes, the dataframely schemas that
`quality` validates rows with, the Dagster column metadata, and `docs/codebook.md`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa

from pipeline import __version__ as PIPELINE_VERSION
from pipeline.reference import (
    COUNTRY_CODES,
    DATE_BASES,
    DATE_PRECISIONS,
    EVENT_TYPES,
    LOCATION_PRECISIONS,
    MODES_OF_TYPE,
    QUAD_CLASSES,
    QUAD_OF_TYPE,
    QUARANTINE_REASONS,
    SECTIONS,
    SECTORS,
    STATUSES,
)

if TYPE_CHECKING:
    import dataframely as dy

#: Bumped when a table's columns change in a way readers must notice.
DATASET_VERSION = "1.0.0"


@dataclass(frozen=True)
class Column:
    """One column of an output table."""

    name: str
    type: pa.DataType
    description: str
    nullable: bool = True
    allowed: Sequence[str] | None = None  # closed vocabulary for a string column
    minimum: float | None = None
    maximum: float | None = None
    unique: bool = False

    @property
    def type_name(self) -> str:
        return str(self.type)


@dataclass(frozen=True)
class Rule:
    """A rule over several columns of a row (`check` returns true for valid rows)."""

    name: str
    description: str
    check: Callable[[], pl.Expr]


@dataclass(frozen=True)
class Table:
    """An output table: a folder of Parquet files under `<output>/tables/<name>/`."""

    name: str
    description: str
    grain: str  # what one row is
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default=())
    rules: tuple[Rule, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name!r} has no column {name!r}")

    def arrow_schema(self) -> pa.Schema:
        """The Arrow schema, with descriptions and versions in the field/schema metadata."""
        fields = [
            pa.field(c.name, c.type, nullable=c.nullable, metadata={"description": c.description})
            for c in self.columns
        ]
        meta = {
            "table": self.name,
            "description": self.description,
            "dataset_version": DATASET_VERSION,
            "pipeline_version": PIPELINE_VERSION,
        }
        return pa.schema(fields, metadata=meta)

    def polars_schema(self) -> pl.Schema:
        return pl.DataFrame(self.arrow_schema().empty_table()).schema

    def empty(self) -> pl.DataFrame:
        return pl.DataFrame(self.arrow_schema().empty_table())


def _c(name: str, type_: pa.DataType, description: str, **kw) -> Column:
    return Column(name, type_, description, **kw)


STR = pa.string()
I32 = pa.int32()
I64 = pa.int64()
F64 = pa.float64()
DATE = pa.date32()

_PROVENANCE = (
    _c("section", STR, "Part of the article the sentence is in.", nullable=False, allowed=SECTIONS),
    _c("sentence_index", I32, "0-based index of the sentence in the article's cleaned text.", nullable=False),
    _c("sentence_start", I32, "Character offset of the sentence in the article's `text`.", nullable=False),
    _c(
        "sentence_end",
        I32,
        "Character offset just past the sentence: `text[start:end]` is the sentence.",
        nullable=False,
    ),
    _c("sentence_text", STR, "The sentence, exactly as it stands in the article's `text`.", nullable=False),
)

ARTICLES = Table(
    name="articles",
    description="Cleaned articles, duplicates included (pointing at their original).",
    grain="cleaned article",
    key=("article_id",),
    columns=(
        _c(
            "article_id",
            STR,
            "Stable id from the file's path (relative to the input folder) and its content hash.",
            nullable=False,
            unique=True,
        ),
        _c("source_file", STR, "Path of the raw file relative to the input folder.", nullable=False),
        _c("content_sha256", STR, "SHA-256 of the raw file's bytes.", nullable=False),
        _c("publication_date", DATE, "Publication date from the header line.", nullable=False),
        _c("title", STR, "Headline (may be empty when the header line has none).", nullable=False),
        _c("dek", STR, "Standfirst/dek when the page has one, not repeated in `body`."),
        _c(
            "summary",
            pa.list_(STR),
            "Summary bullet lines, in order, without the bullet marks.",
            nullable=False,
        ),
        _c("body", STR, "Body paragraphs joined by blank lines.", nullable=False),
        _c(
            "text",
            STR,
            "Canonical cleaned text: title, dek, summary bullets and body paragraphs joined "
            "by blank lines. Every offset in every table indexes into it.",
            nullable=False,
        ),
        _c(
            "language",
            STR,
            "ISO 639-1 code of the article's language, `und` when undetermined.",
            nullable=False,
        ),
        _c("n_sentences", I32, "Number of sentences in `text`.", nullable=False, minimum=0),
        _c(
            "boilerplate_chars",
            I32,
            "Characters of page chrome (captions, alt text, share lines, ...) removed while cleaning.",
            nullable=False,
            minimum=0,
        ),
        _c(
            "duplicate_of",
            STR,
            "article_id of the article this one repeats (an exact copy or the same story with small edits), else null.",
        ),
        _c("pipeline_version", STR, "Version of the pipeline that produced the row.", nullable=False),
    ),
)

EVENTS = Table(
    name="events",
    description="Events coded in PLOVER 2.0; all mentions of an event in an article are merged into its row.",
    grain="event and dyad in an article",
    key=("event_id",),
    columns=(
        _c(
            "event_id",
            STR,
            "Stable id from the article id and the event's content.",
            nullable=False,
            unique=True,
        ),
        _c("article_id", STR, "The article the event was extracted from.", nullable=False),
        _c("publication_date", DATE, "The article's publication date.", nullable=False),
        _c("event_type", STR, "PLOVER 2.0 event type.", nullable=False, allowed=EVENT_TYPES),
        _c(
            "event_mode",
            STR,
            "PLOVER mode of the event type (e.g. phone for CONSULT), when the text gives one.",
        ),
        _c("quad_class", STR, "Quad class of the event type.", nullable=False, allowed=QUAD_CLASSES),
        _c(
            "status",
            STR,
            "Whether the event occurred, is planned, possible, hypothetical or negated.",
            nullable=False,
            allowed=STATUSES,
        ),
        _c("claimant", STR, "Who the text attributes the event to (reported speech), when it does."),
        _c("claimant_country", STR, "Country or group code of the claimant.", allowed=COUNTRY_CODES),
        _c("source_text", STR, "Source actor as written in the sentence."),
        _c("source_name", STR, "Canonical name of the source actor."),
        _c(
            "source_country",
            STR,
            "ISO 3166-1 alpha-3 or group code of the source actor.",
            allowed=COUNTRY_CODES,
        ),
        _c("source_sector", STR, "Sector of the source actor.", allowed=SECTORS),
        _c("target_text", STR, "Target actor as written in the sentence."),
        _c("target_name", STR, "Canonical name of the target actor."),
        _c(
            "target_country",
            STR,
            "ISO 3166-1 alpha-3 or group code of the target actor.",
            allowed=COUNTRY_CODES,
        ),
        _c("target_sector", STR, "Sector of the target actor.", allowed=SECTORS),
        _c("event_date", DATE, "First day the event may have happened on (interval start).", nullable=False),
        _c("event_date_end", DATE, "Last day the event may have happened on (interval end).", nullable=False),
        _c("date_precision", STR, "Precision of the event date.", nullable=False, allowed=DATE_PRECISIONS),
        _c(
            "date_basis",
            STR,
            "Where the date came from: an explicit date, a relative expression, or the "
            "publication date when the text gives none.",
            nullable=False,
            allowed=DATE_BASES,
        ),
        _c("date_text", STR, "The time expression the date was read from."),
        _c("location_name", STR, "Place the event happened at, when the text gives one."),
        _c("location_country", STR, "ISO 3166-1 alpha-3 code of the place's country.", allowed=COUNTRY_CODES),
        _c("latitude", F64, "Latitude of the place (WGS84).", minimum=-90, maximum=90),
        _c("longitude", F64, "Longitude of the place (WGS84).", minimum=-180, maximum=180),
        _c("geonames_id", I64, "GeoNames id of the place."),
        _c("location_precision", STR, "Precision of the place.", allowed=LOCATION_PRECISIONS),
        *_PROVENANCE,
        _c("trigger_text", STR, "The words that signal the event.", nullable=False),
        _c("mention_count", I32, "Number of mentions merged into this row.", nullable=False, minimum=1),
        _c(
            "confidence",
            F64,
            "Extractor's confidence in the row, in [0, 1].",
            nullable=False,
            minimum=0,
            maximum=1,
        ),
        _c("extractor_version", STR, "Version of the extractor that produced the row.", nullable=False),
    ),
    rules=(
        Rule(
            "mode_fits_type",
            "`event_mode` is one of the modes of the row's `event_type` (see the ontology below).",
            lambda: (
                pl.col("event_mode").is_null()
                | pl.concat_str([pl.col("event_type"), pl.col("event_mode")], separator="/").is_in(
                    [f"{t}/{m}" for t, modes in MODES_OF_TYPE.items() for m in modes]
                )
            ),
        ),
        Rule(
            "quad_class_fits_type",
            "`quad_class` is the quad class of the row's `event_type`.",
            lambda: pl.concat_str([pl.col("event_type"), pl.col("quad_class")], separator="/").is_in(
                [f"{t}/{q}" for t, q in QUAD_OF_TYPE.items()]
            ),
        ),
    ),
)

EVENT_MENTIONS = Table(
    name="event_mentions",
    description="Mentions of events in the headline, dek, summary or body, with offsets.",
    grain="textual mention of an event",
    key=("mention_id",),
    columns=(
        _c("mention_id", STR, "Stable id of the mention.", nullable=False, unique=True),
        _c("event_id", STR, "The event this mention belongs to.", nullable=False),
        _c("article_id", STR, "The article the mention is in.", nullable=False),
        *_PROVENANCE,
        _c("trigger_start", I32, "Character offset of the trigger in the article's `text`.", nullable=False),
        _c("trigger_end", I32, "Character offset just past the trigger.", nullable=False),
        _c("trigger_text", STR, "The trigger words: `text[trigger_start:trigger_end]`.", nullable=False),
    ),
)

QUARANTINE = Table(
    name="quarantine",
    description="Input files that could not become articles, with the reason (and articles whose "
    "event extraction failed, stage `extract`).",
    grain="rejected input file",
    key=("source_file",),
    columns=(
        _c(
            "source_file",
            STR,
            "Path of the raw file relative to the input folder.",
            nullable=False,
            unique=True,
        ),
        _c(
            "stage",
            STR,
            "Stage that rejected the file; `extract` marks an article that was kept but whose events "
            "could not be extracted.",
            nullable=False,
            allowed=("ingest", "clean", "extract"),
        ),
        _c(
            "reason_code",
            STR,
            "Machine-readable reason (fixed list, see the codebook).",
            nullable=False,
            allowed=tuple(QUARANTINE_REASONS),
        ),
        _c("reason", STR, "Readable explanation.", nullable=False),
        _c("content_sha256", STR, "SHA-256 of the file's bytes, when they could be read."),
        _c("size_bytes", I64, "File size in bytes.", minimum=0),
        _c("detected_encoding", STR, "Text encoding detected, when one was."),
    ),
)

EVENT_CLUSTERS = Table(
    name="event_clusters",
    description="Real-world events across articles: the event rows of different articles that report "
    "one event (same type, compatible actors, overlapping dates, compatible place), linked by "
    "`pipeline.clusters`. Every event is in exactly one cluster; a cluster of one is an event "
    "no other article reported.",
    grain="real-world event across articles (one event type)",
    key=("cluster_id",),
    columns=(
        _c(
            "cluster_id",
            STR,
            "Stable id from the cluster's earliest-reported member event: re-runs give the same id, "
            "and articles published later join a cluster without renaming it.",
            nullable=False,
            unique=True,
        ),
        _c(
            "event_type",
            STR,
            "PLOVER 2.0 event type, shared by every member.",
            nullable=False,
            allowed=EVENT_TYPES,
        ),
        _c(
            "source_country",
            STR,
            "Source actor's country or group code: the representative's, else the one members agree on.",
            allowed=COUNTRY_CODES,
        ),
        _c(
            "target_country",
            STR,
            "Target actor's country or group code: the representative's, else the one members agree on.",
            allowed=COUNTRY_CODES,
        ),
        _c(
            "first_event_date",
            DATE,
            "Earliest `event_date` of the members dated by the text (of all members when none is).",
            nullable=False,
        ),
        _c(
            "last_event_date",
            DATE,
            "Latest `event_date_end` of the members dated by the text (of all members when none is).",
            nullable=False,
        ),
        _c("location_name", STR, "Place of the representative event, else the members' most frequent place."),
        _c(
            "first_reported",
            DATE,
            "Earliest publication date of the member events' articles.",
            nullable=False,
        ),
        _c("last_reported", DATE, "Latest publication date of the member events' articles.", nullable=False),
        _c(
            "num_articles",
            I32,
            "Distinct articles among the members: how many articles reported the event.",
            nullable=False,
            minimum=1,
        ),
        _c("num_mentions", I32, "Mentions over all member events.", nullable=False, minimum=1),
        _c(
            "representative_event_id",
            STR,
            "The member that best stands for the cluster: linked to most members, then most "
            "complete (both actor countries, a date from the text, a place), most confident.",
            nullable=False,
        ),
    ),
)

EVENT_CLUSTER_MEMBERS = Table(
    name="event_cluster_members",
    description="Which event rows make up each cluster. Kept apart from `events`, so clustering "
    "again after new articles arrive never rewrites an event partition.",
    grain="event in a cluster",
    key=("cluster_id", "event_id"),
    columns=(
        _c("cluster_id", STR, "The cluster (`event_clusters.cluster_id`).", nullable=False),
        _c(
            "event_id",
            STR,
            "The member event (`events.event_id`); each event is in one cluster.",
            nullable=False,
            unique=True,
        ),
        _c(
            "article_id",
            STR,
            "The member event's article. Two members share one only when the extractor left one event as "
            "two rows of that article (a headline row and a body row) and other articles tie both to the event.",
            nullable=False,
        ),
        _c(
            "score",
            F64,
            "How well the event fits its cluster: mean pair score against the members it was "
            "compared with, in [0, 1]; 1 for a cluster of one.",
            nullable=False,
            minimum=0,
            maximum=1,
        ),
    ),
)

ACTORS = Table(
    name="actors",
    description="Canonical actors: every source and target of the events, resolved to one name, "
    "country and sector, with the words the articles used for them.",
    grain="canonical actor (name, country and sector)",
    key=("actor_id",),
    columns=(
        _c(
            "actor_id",
            STR,
            "Stable id from the actor's name, country and sector.",
            nullable=False,
            unique=True,
        ),
        _c("name", STR, "Canonical name (as in `events.source_name` / `target_name`).", nullable=False),
        _c("country", STR, "ISO 3166-1 alpha-3 or group code.", allowed=COUNTRY_CODES),
        _c("sector", STR, "Sector type.", allowed=SECTORS),
        _c(
            "aliases",
            pa.list_(STR),
            "The words the articles used for the actor (`source_text` / `target_text`), sorted.",
            nullable=False,
        ),
        _c(
            "first_seen",
            DATE,
            "Earliest publication date of an article with an event of the actor.",
            nullable=False,
        ),
        _c(
            "last_seen",
            DATE,
            "Latest publication date of an article with an event of the actor.",
            nullable=False,
        ),
        _c("num_events", I32, "Events in which the actor is source or target.", nullable=False, minimum=1),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (ARTICLES, EVENTS, EVENT_MENTIONS, EVENT_CLUSTERS, EVENT_CLUSTER_MEMBERS, ACTORS, QUARANTINE)
}


# --------------------------------------------------------------------------------------------
# Row rules: dataframely schemas derived from the same declarations. dataframely is imported
# when a schema is first asked for: it imports sqlalchemy, and worker processes and the CLI's
# stages that validate nothing should not pay for it at start-up.


def _dy_column(c: Column) -> dy.Column:
    import dataframely as dy

    types: dict[pa.DataType, Callable[..., dy.Column]] = {
        STR: dy.String,
        I32: dy.Int32,
        I64: dy.Int64,
        F64: dy.Float64,
        DATE: dy.Date,
    }
    kw: dict = {"nullable": c.nullable, "unique": c.unique, "description": c.description}
    if pa.types.is_list(c.type):
        return dy.List(types[c.type.value_type](nullable=False), **kw)
    if c.allowed is not None:
        allowed = list(c.allowed)
        kw["check"] = lambda col, allowed=allowed: col.is_in(allowed)
    if c.minimum is not None:
        kw["min"] = dt.date.min if c.type == DATE else c.minimum
    if c.maximum is not None:
        kw["max"] = c.maximum
    return types[c.type](**kw)


@cache
def row_schema(table_name: str) -> type[dy.Schema]:
    """The dataframely schema that validates a table's rows (types, nulls, vocabularies, ranges)."""
    import dataframely as dy

    table = TABLES[table_name]
    attrs: dict = {c.name: _dy_column(c) for c in table.columns}
    for r in table.rules:
        attrs[r.name] = dy.rule()(lambda cls, r=r: r.check())
    return type(f"{table.name.title().replace('_', '')}Rows", (dy.Schema,), attrs)


# --------------------------------------------------------------------------------------------
# Codebook


def codebook_markdown() -> str:
    """The codebook users read: every table, every column, and the closed vocabularies."""
    out = [
        "# Codebook",
        "",
        "Generated from `pipeline/schema.py` by `python -m pipeline codebook`; do not edit by hand.",
        "",
        f"Dataset version {DATASET_VERSION}. Each table is a folder `<output>/tables/<table>/` of "
        "Parquet files: `read_parquet('data/tables/events/**/*.parquet')` reads one in DuckDB. "
        "Column descriptions also travel in each Parquet file's field metadata.",
        "",
    ]
    for t in TABLES.values():
        out += [f"## `{t.name}`", "", f"{t.description} One row per {t.grain}.", ""]
        out += ["| column | type | null | description |", "|---|---|---|---|"]
        for c in t.columns:
            desc = c.description
            if c.allowed is not None and len(c.allowed) <= 20:
                desc += " One of: " + ", ".join(f"`{v}`" for v in c.allowed) + "."
            elif c.allowed is not None:
                desc += " See the vocabulary below."
            out.append(f"| `{c.name}` | {c.type_name} | {'yes' if c.nullable else 'no'} | {desc} |")
        out.append("")
        if t.rules:
            out += ["Rules over several columns:", ""]
            out += [f"- `{r.name}`: {r.description}" for r in t.rules]
            out.append("")
    out += ["## Quarantine reason codes", "", "| code | meaning |", "|---|---|"]
    out += [f"| `{code}` | {text} |" for code, text in QUARANTINE_REASONS.items()]
    out += [
        "",
        "## Country and group codes",
        "",
        "ISO 3166-1 alpha-3 codes (from pycountry), plus these group codes for actors that are not "
        "one country:",
        "",
        "| code | meaning |",
        "|---|---|",
    ]
    from pipeline.reference import GROUP_CODES

    out += [f"| `{code}` | {text} |" for code, text in GROUP_CODES.items()]
    out += [
        "",
        "## Event types and modes (PLOVER 2.0)",
        "",
        "| event_type | quad_class | modes |",
        "|---|---|---|",
    ]
    out += [
        f"| `{t}` | {QUAD_OF_TYPE[t]} | {', '.join(f'`{m}`' for m in modes) or '-'} |"
        for t, modes in MODES_OF_TYPE.items()
    ]
    out.append("")
    return "\n".join(out)

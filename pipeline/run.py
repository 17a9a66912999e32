"""The stages chained without Dagster, and the frames that pass between them.

`process` runs everything (the CLI's `process` command); the Dagster assets call the same stage
functions one by one and hand results on through `storage.write_staging`. Both end in
`write_tables`, so both produce identical tables.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polars as pl

from pipeline import quality, storage
from pipeline.clean import Article, Sentence, clean_article
from pipeline.config import Settings
from pipeline.dedup import mark_duplicates
from pipeline.ingest import Quarantined, RawArticle, discover, read_articles
from pipeline.schema import ARTICLES, EVENT_MENTIONS, EVENTS, QUARANTINE

log = logging.getLogger("pipeline")

Progress = Callable[[str], None]


@dataclass
class Ingested:
    """Result of reading the landing folder."""

    raw: list[RawArticle]
    quarantined: list[Quarantined]
    n_files: int


@dataclass
class Tables:
    """The output tables of one run, as DataFrames."""

    articles: pl.DataFrame
    events: pl.DataFrame
    event_mentions: pl.DataFrame
    quarantine: pl.DataFrame

    def as_dict(self) -> dict[str, pl.DataFrame]:
        return {
            "articles": self.articles,
            "events": self.events,
            "event_mentions": self.event_mentions,
            "quarantine": self.quarantine,
        }


@dataclass
class RunSummary:
    n_files: int
    rows: dict[str, int]
    paths: dict[str, str]
    findings: list[quality.Finding] = field(default_factory=list)
    seconds: float = 0.0


# --------------------------------------------------------------------------------------------
# Stages


def ingest(settings: Settings, today: dt.date | None = None) -> Ingested:
    """Read and validate every input file."""
    root = Path(settings.input_dir)
    paths = discover(root)
    raw, quarantined = [], []
    for item in read_articles(paths, root, settings, today):
        (raw if isinstance(item, RawArticle) else quarantined).append(item)
    return Ingested(raw, quarantined, len(paths))


def clean(raw: list[RawArticle], settings: Settings) -> tuple[list[Article], list[Quarantined]]:
    """Clean validated articles and mark duplicates; articles that fail cleaning are quarantined."""
    articles, quarantined = [], []
    for r in raw:
        item = clean_article(r, settings)
        (articles if isinstance(item, Article) else quarantined).append(item)
    return mark_duplicates(articles), quarantined


def extract(articles: list[Article], settings: Settings | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Event and mention frames for the articles."""
    from pipeline.events import extract as extract_events

    events, mentions = extract_events(articles)
    return events_frame(events), mentions_frame(mentions)


def build_tables(
    articles: list[Article], quarantined: list[Quarantined], events: pl.DataFrame, mentions: pl.DataFrame
) -> Tables:
    return Tables(articles_frame(articles), events, mentions, quarantine_frame(quarantined))


def write_tables(output_dir: Path, tables: Tables) -> dict[str, Path]:
    """Write every table atomically; returns the folder of each."""
    specs = {
        "articles": ARTICLES,
        "events": EVENTS,
        "event_mentions": EVENT_MENTIONS,
        "quarantine": QUARANTINE,
    }
    return {
        name: storage.write_table(output_dir, specs[name], frame) for name, frame in tables.as_dict().items()
    }


def check_tables(output_dir: Path, n_files: int) -> list[quality.Finding]:
    """The table-level checks over what was written."""
    t = {
        name: storage.read_table(output_dir, name)
        for name in ("articles", "events", "event_mentions", "quarantine")
    }
    findings = [quality.schema_matches(name, storage.parquet_schema(output_dir, name)) for name in t]
    findings.append(
        quality.counts_reconcile(n_files, t["articles"], t["quarantine"], t["events"], t["event_mentions"])
    )
    findings.append(quality.foreign_keys(t["articles"], t["events"], t["event_mentions"]))
    return findings


def process(settings: Settings, progress: Progress | None = None, today: dt.date | None = None) -> RunSummary:
    """All stages, without Dagster: landing folder in, tables out."""
    say = progress or (lambda msg: log.info(msg))
    t0 = time.perf_counter()
    ing = ingest(settings, today)
    say(f"read {ing.n_files} files: {len(ing.raw)} valid, {len(ing.quarantined)} quarantined")
    articles, rejected = clean(ing.raw, settings)
    say(f"cleaned {len(articles)} articles ({len(rejected)} more quarantined)")
    events, mentions = extract(articles, settings)
    say(f"extracted {events.height} events from {mentions.height} mentions")
    tables = build_tables(articles, ing.quarantined + rejected, events, mentions)
    paths = write_tables(settings.output_dir, tables)
    findings = check_tables(settings.output_dir, ing.n_files)
    rows = {name: frame.height for name, frame in tables.as_dict().items()}
    return RunSummary(
        ing.n_files, rows, {k: str(v) for k, v in paths.items()}, findings, time.perf_counter() - t0
    )


# --------------------------------------------------------------------------------------------
# Frames

_SENTENCES = pl.List(pl.Struct({"start": pl.Int32, "end": pl.Int32, "section": pl.String}))


def article_row(a: Article) -> dict:
    return {c: getattr(a, c) for c in ARTICLES.column_names}


def articles_frame(articles: list[Article]) -> pl.DataFrame:
    """The `articles` table rows."""
    return pl.from_arrow(storage.to_arrow(ARTICLES, [article_row(a) for a in articles]))


def staged_articles_frame(articles: list[Article]) -> pl.DataFrame:
    """Articles plus their sentence spans, as passed from the cleaning asset to extraction."""
    frame = articles_frame(articles)
    spans = {
        a.article_id: [{"start": s.start, "end": s.end, "section": s.section} for s in a.sentences]
        for a in articles
    }
    return frame.with_columns(
        pl.Series("sentences", [spans[i] for i in frame["article_id"]], dtype=_SENTENCES)
    )


def articles_from_frame(frame: pl.DataFrame) -> list[Article]:
    """Rebuild articles from a staged frame (inverse of `staged_articles_frame`)."""
    out = []
    for row in frame.iter_rows(named=True):
        sentences = [Sentence(i, s["start"], s["end"], s["section"]) for i, s in enumerate(row["sentences"])]
        fields = {c: row[c] for c in ARTICLES.column_names if c != "n_sentences"}
        out.append(Article(**fields, sentences=sentences))
    return out


def quarantine_frame(items: list[Quarantined]) -> pl.DataFrame:
    rows = [{k: v for k, v in asdict(q).items() if k in QUARANTINE.column_names} for q in items]
    return pl.from_arrow(storage.to_arrow(QUARANTINE, rows))


def raw_frame(raw: list[RawArticle]) -> pl.DataFrame:
    return pl.DataFrame(
        [asdict(r) for r in raw],
        schema={
            "source_file": pl.String,
            "content_sha256": pl.String,
            "size_bytes": pl.Int64,
            "detected_encoding": pl.String,
            "publication_date": pl.Date,
            "title": pl.String,
            "body": pl.String,
        },
    )


def raw_from_frame(frame: pl.DataFrame) -> list[RawArticle]:
    return [RawArticle(**row) for row in frame.iter_rows(named=True)]


def events_frame(rows: list[dict]) -> pl.DataFrame:
    return pl.from_arrow(storage.to_arrow(EVENTS, rows))


def mentions_frame(rows: list[dict]) -> pl.DataFrame:
    return pl.from_arrow(storage.to_arrow(EVENT_MENTIONS, rows))

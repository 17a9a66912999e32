"""What the compute workers run: chunks of articles to clean or to extract, and the warm-up that
loads extraction.

Kept light: a worker imports this module, cleaning (with the band keys of deduplication) and
extraction, and not the rest of the pipeline (the checks, storage and the dataset pull in
dataframely and more, which a worker would pay for at start-up and never use). `pipeline.run`
sends these functions to the backend.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from pipeline.clean import Article, Sentence, clean_article
from pipeline.config import Settings
from pipeline.ingest import Quarantined, RawArticle


def clean_chunk(raw: list[RawArticle], settings: Settings) -> list[Article | Quarantined]:
    """Clean the articles, with the band keys that finding near-duplicates needs."""
    from pipeline.dedup import with_bands

    cleaned = [clean_article(r, settings) for r in raw]
    at = [i for i, item in enumerate(cleaned) if isinstance(item, Article)]
    for i, article in zip(at, with_bands([cleaned[i] for i in at]), strict=True):
        cleaned[i] = article
    return cleaned


def extract_chunk(articles: list[Article]) -> tuple[list[dict], list[dict], list[Quarantined]]:
    from pipeline.events import extract as extract_events

    failures: list[tuple[Article, str]] = []
    events, mentions = extract_events(articles, failures=failures)
    return events, mentions, [extraction_failed(a, error) for a, error in failures]


def extraction_failed(article: Article, error: str) -> Quarantined:
    return Quarantined(
        article.source_file,
        "extract",
        "extract_failed",
        f"events could not be extracted ({error}); the article is kept, without events",
        article.content_sha256,
    )


@cache
def warm_up() -> None:
    """Extract one made-up article, which loads everything extraction uses (once per process):
    the spaCy model, the gazetteer, the lexicons. Cleaning loads its own (lighter) parts on the
    first chunk a worker cleans; a handful of articles is cleaned by the caller (`run.clean`)."""
    body = "The government of Kenya said on Monday that it had arrested 12 protesters in Nairobi."
    article = Article(
        article_id="warm-up",
        source_file="warm-up.txt",
        content_sha256="",
        publication_date=dt.date(2020, 1, 6),
        title="",
        dek=None,
        summary=[],
        body=body,
        text=body,
        language="en",
        sentences=[Sentence(0, 0, len(body), "body")],
        boilerplate_chars=0,
    )
    extract_chunk([article])

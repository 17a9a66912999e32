"""What the compute workers run: chunks of articles to clean or to extract, and the warm-up that
loads both stages.

Kept light: a worker imports this module, cleaning (with the band keys of deduplication) and
extraction, and not the rest of the pipeline (the checks, storage and the dataset pull in
dataframely and more, which a worker would pay for at start-up and never use). `pipeline.run` sends these
functions to the backend.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from pipeline.clean import Article, clean_article
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
    """Clean and extract one made-up article, which loads everything both stages use (once per
    process). English function words decide its language, so the language models stay unloaded."""
    body = "The government of Kenya said on Monday that it had arrested 12 protesters in Nairobi."
    raw = RawArticle("warm-up.txt", "", len(body), "utf-8", dt.date(2020, 1, 6), "Warm-up", body)
    article = clean_article(raw, Settings())
    if isinstance(article, Article):
        extract_chunk([article])

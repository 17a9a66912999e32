"""Duplicate articles: the copy points at its original (`duplicate_of`); events come from the original.

Exact duplicates are found by a hash of the cleaned text, so copies that differ only in
encoding, whitespace or page chrome are caught too. The original is the copy already processed
in an earlier run (`known`), else the one whose path sorts first, so the same input always
gives the same tables.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from pipeline.clean import Article


def text_hash(article: Article) -> str:
    return hashlib.sha256(article.text.encode("utf-8")).hexdigest()


def mark_duplicates(articles: list[Article], known: dict[str, str] | None = None) -> list[Article]:
    """Articles with `duplicate_of` set on every copy; `known` maps text hash -> earlier article id."""
    originals: dict[str, str] = dict(known or {})
    out: list[Article] = []
    for article in sorted(articles, key=lambda a: a.source_file):
        h = text_hash(article)
        original = originals.get(h)
        if original is None or original == article.article_id:
            originals[h] = article.article_id
            out.append(replace(article, duplicate_of=None))
        else:
            out.append(replace(article, duplicate_of=original))
    return out

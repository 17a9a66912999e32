"""Exact duplicates point at their original, chosen the same way on every run."""

from __future__ import annotations

import datetime as dt

from pipeline.clean import clean_article
from pipeline.config import Settings
from pipeline.dedup import mark_duplicates, text_hash
from pipeline.ingest import RawArticle


def article(name: str, body: str):
    raw = RawArticle(name, name * 4, len(body), "utf-8", dt.date(2025, 1, 1), "T", body)
    return clean_article(raw, Settings())


def test_copy_points_at_the_first_path_and_earlier_runs_win():
    a, b = article("b.txt", "Same body text."), article("a.txt", "Same body  text.")
    c = article("c.txt", "Other text.")
    marked = {x.source_file: x for x in mark_duplicates([a, b, c])}
    assert marked["a.txt"].duplicate_of is None
    assert marked["b.txt"].duplicate_of == marked["a.txt"].article_id
    assert marked["c.txt"].duplicate_of is None
    again = {x.source_file: x for x in mark_duplicates([a, b], known={text_hash(a): a.article_id})}
    assert again["b.txt"].duplicate_of is None and again["a.txt"].duplicate_of == a.article_id

"""Exact and near duplicates point at their original, chosen the same way on every run."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.clean import clean_article
from pipeline.config import Settings
from pipeline.dedup import jaccard, mark_duplicates, near_duplicate_pairs, shingles
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
    again = {x.source_file: x for x in mark_duplicates([a, b], earlier={a.article_id})}
    assert again["b.txt"].duplicate_of is None and again["a.txt"].duplicate_of == a.article_id


# --- near-duplicates, on a corpus built from the bundled Wikinews articles -----------------------

SAME_TOPIC = ["wikinews-123881.txt", "wikinews-118175.txt", "wikinews-264435.txt"]  # US auto rescue


def _seed_body(name: str) -> str:
    from .conftest import SEEDS

    return SEEDS.joinpath(name).read_text(encoding="utf-8").split("\n", 1)[1]


def _reword(body: str, every: int, salt: int) -> str:
    """A republished copy: every `every`-th word replaced, one sentence added at the end."""
    words = body.split(" ")
    edited = [f"edit{salt}{i}" if i % every == every // 2 else w for i, w in enumerate(words)]
    return " ".join(edited) + f"\n\nThis story was updated at {salt} o'clock."


@pytest.mark.parametrize("every", [60, 40, 25])
def test_rewordings_of_a_few_words_are_caught(every):
    base = _seed_body("wikinews-123881.txt")
    copies = [article(f"{k}.txt", _reword(base, every, k)) for k in range(1, 4)]
    marked = {a.source_file: a for a in mark_duplicates([article("0.txt", base), *copies])}
    original = marked["0.txt"].article_id
    assert marked["0.txt"].duplicate_of is None
    assert [marked[f"{k}.txt"].duplicate_of for k in range(1, 4)] == [original] * 3


def test_different_stories_on_the_same_topic_are_not_duplicates():
    marked = mark_duplicates([article(n, _seed_body(n)) for n in SAME_TOPIC])
    assert [a.duplicate_of for a in marked] == [None, None, None]


def test_scraped_republication_of_a_wire_story_is_a_near_duplicate():
    plain = article("wikinews-113267.txt", _seed_body("wikinews-113267.txt"))
    scraped = article("wikinews-113267-scraped.txt", _seed_body("wikinews-113267-scraped.txt"))
    assert jaccard(shingles(plain.body), shingles(scraped.body)) > 0.9
    marked = {a.source_file: a for a in mark_duplicates([plain, scraped])}
    assert marked["wikinews-113267.txt"].duplicate_of == scraped.article_id  # its path sorts first


def test_near_duplicate_pairs_only_confirmed_pairs():
    texts = ["alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho"] * 2
    texts.append("one two three four five six seven eight nine ten eleven twelve thirteen fourteen")
    assert near_duplicate_pairs(texts) == [(0, 1)]


def test_built_corpus_of_republications(shared):
    from evaluation.dedup import evaluate

    report = evaluate(shared / "data" / "wikinews")
    assert report["precision"] == 1.0  # no two different stories merged
    assert report["recall"] >= 0.95

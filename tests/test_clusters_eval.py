"""The cluster evaluation's own parts: the pairwise scorer, the seeded synthetic corpus and the
article corpus builder (the article-level run itself needs the spaCy model and is a script)."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl

from evaluation.clusters import build_corpus, load_stories, pairwise, when_phrase
from evaluation.clusters_synthetic import generate
from pipeline import quality
from pipeline.clusters import cluster_events
from pipeline.temporal import find_times


def test_pairwise_counts_pairs_of_one_true_event():
    labelled = pl.DataFrame(
        {
            "truth": ["x", "x", "x", "y", "y"],
            "cluster": ["c1", "c1", "c2", "c2", "c2"],
        }
    )
    s = pairwise(labelled)
    # predicted pairs: c1 (1) + c2 (3) = 4; true pairs: x (3) + y (1) = 4; right: x in c1 (1) + y in c2 (1)
    assert (s["predicted"], s["true"], s["hits"]) == (4, 4, 2)
    assert s["precision"] == s["recall"] == s["f1"] == 0.5


def test_synthetic_corpus_is_seeded_follows_the_codebook_and_clusters_well():
    events, truth = generate(1000, seed=0)
    again, truth_again = generate(1000, seed=0)
    assert events.equals(again) and truth.equals(truth_again)
    assert events.height >= 1000 and truth.height == events.height
    assert quality.rows_valid("events", events).passed
    _, members = cluster_events(events)
    labelled = members.select("event_id", pl.col("cluster_id").alias("cluster")).join(truth, on="event_id")
    assert pairwise(labelled.filter("clean"))["f1"] > 0.85  # seeded: a regression guard, not a benchmark


def test_when_phrases_resolve_to_the_event_day():
    event = dt.date(2025, 3, 11)  # a Tuesday
    rng = random.Random(0)
    for lag in (-3, -1, 0, 1, 2, 5):
        for _ in range(5):
            phrase = when_phrase(event, lag, rng)
            sentence = f"They will meet {phrase}." if lag < 0 else f"They met {phrase}."
            found = find_times(sentence, event + dt.timedelta(days=lag))
            assert found and found[0].start_date <= event <= found[0].end_date, (lag, phrase)


def test_article_corpus_has_one_raw_file_per_report_with_a_dated_header():
    stories = load_stories()
    reports = build_corpus(stories, seed=0)
    assert len(reports) == sum(len(s["reports"]) for s in stories["stories"])
    assert len({r.stem for r in reports}) == len(reports)
    assert {s.get("set") for s in stories["stories"]} == {"dev", "test"}
    for r in reports:
        header = r.text.splitlines()[0]
        assert header.startswith("date ") and dt.date.fromisoformat(header.split()[1])
        assert "{when}" not in r.text

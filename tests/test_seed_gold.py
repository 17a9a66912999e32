"""The seed article against the hand-made gold in ../shared/gold (matching rules in its "about")."""

from __future__ import annotations

import json
import subprocess
import sys

from pipeline.clean import Article, clean_article
from pipeline.config import Settings
from pipeline.ingest import read_article

from .conftest import ROOT, SEED_ARTICLE, SEEDS, TODAY


def test_seed_cleaning_matches_gold(shared):
    gold = json.loads((shared / "gold" / "seed-events.json").read_text(encoding="utf-8"))
    article = clean_article(read_article(SEED_ARTICLE, SEEDS, Settings(), TODAY), Settings())
    assert isinstance(article, Article)
    want = gold["cleaning"]
    assert article.title == want["title"]
    assert article.dek == want["dek"]
    assert len(article.summary) == want["summary_bullets"]
    assert len(article.body.split("\n\n")) == want["body_paragraphs"]
    for junk in want["removed"]:
        assert junk not in article.body


def test_seed_events_pass_the_gold_check(shared):
    """Every required gold event found with type, countries, status, date and place; <= 2 extra; no
    duplicates. (The shared checker runs `python -m pipeline clean/extract` on the seed.)"""
    proc = subprocess.run(
        [sys.executable, str(shared / "tools" / "check_seed.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    verdict = proc.stdout.strip().splitlines()[-1]
    assert proc.returncode == 0, verdict + "\n" + proc.stderr
    assert "required 9/9" in verdict and "extra 0" in verdict

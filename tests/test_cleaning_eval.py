"""Cleaning holds on the hand-made gold in evaluation/cleaning_gold (issue goal: every field right on
at least 95% of the articles, no boilerplate leakage)."""

from __future__ import annotations

from evaluation.cleaning import GOLD_DIR, evaluate


def test_cleaning_gold():
    report = evaluate(GOLD_DIR)
    assert report["n"] >= 20
    assert report["quarantined"] == []
    assert report["fields"]["all"]["share"] >= 0.95, report["failing"]
    assert report["leaks"]["lines"] == 0

"""Dagster wiring for the pipeline: assets, checks and resources over `pipeline/` (no NLP here)."""

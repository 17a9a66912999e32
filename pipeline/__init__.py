"""newsevents: raw news-article text to a structured dataset of political events.

A plain library (no Dagster import). Stages: `ingest` (read + validate), `clean` (sections,
boilerplate, normalisation), `nlp` (one spaCy pipeline), `actors`, `events`, `temporal`,
`places`, `dedup`, `schema`, `quality`, `storage`; `run` chains them and `cli` exposes them.
"""

__version__ = "0.1.0"

#: Bumped whenever extraction logic or its lexicons change; stored on every event row.
EXTRACTOR_VERSION = "0.1.0"

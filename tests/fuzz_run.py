"""Read and clean a landing folder as users do, and report what became of every file, as JSON.

    python -m tests.fuzz_run --input DIR --output DIR --today YYYY-MM-DD --report OUT.json
        [--per-file] [--extract N]

`tests/test_fuzz.py` and `benchmarks/fuzz.py` run this in a subprocess, so that its peak memory
(`ru_maxrss`) is the run's own and a read that blocks (a FIFO opened, /dev/zero followed) ends in
a timeout instead of a hung suite. The run is `pipeline.run.ingest` then `pipeline.run.clean`,
then the tables are built, written and checked as `pipeline.run.process` does; `--extract N`
also runs the event extractor over N of the articles. `--per-file` times each file on its own
(read, validate, clean) through the same library functions instead, to find the slowest inputs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
import time
from pathlib import Path


def _peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux


def _warm_up(settings) -> None:
    """Load what every run loads once (spaCy's sentencizer, lingua's models) before measuring."""
    from pipeline.clean import clean_article
    from pipeline.ingest import parse_bytes

    raw = parse_bytes(
        b"date 2025-10-17 Warm up\n\nThe two leaders met on Thursday in Budapest to discuss the war.\n",
        "warm-up.txt",
        settings,
        dt.date(2025, 10, 18),
    )
    clean_article(raw, settings)


def _per_file(settings, today: dt.date) -> tuple[list, list, int, list[dict]]:
    from pipeline.clean import Article, clean_article
    from pipeline.dedup import mark_duplicates
    from pipeline.ingest import RawArticle, discover, read_article, source_name

    root = Path(settings.input_dir)
    paths = discover(root)
    articles, quarantined, timings = [], [], []
    for path in paths:
        t0 = time.perf_counter()
        item = read_article(path, root, settings, today)
        t1 = time.perf_counter()
        if isinstance(item, RawArticle):
            item = clean_article(item, settings)
        t2 = time.perf_counter()
        (articles if isinstance(item, Article) else quarantined).append(item)
        timings.append({"source_file": source_name(path, root), "read": t1 - t0, "clean": t2 - t1})
    return mark_duplicates(articles), quarantined, len(paths), timings


def run(settings, today: dt.date, per_file: bool, extract: int) -> dict:
    from pipeline import run as stages

    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    timings: list[dict] = []
    if per_file:
        articles, quarantined, n_files, timings = _per_file(settings, today)
        seconds["ingest+clean"] = time.perf_counter() - t0
    else:
        ingested = stages.ingest(settings, today)
        seconds["ingest"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        articles, rejected = stages.clean(ingested.raw, settings)
        seconds["clean"] = time.perf_counter() - t1
        quarantined, n_files = ingested.quarantined + rejected, ingested.n_files
    rss_after_clean = _peak_rss_kb()
    t2 = time.perf_counter()
    events, mentions = stages.events_frame([]), stages.mentions_frame([])
    sample = (
        [a for a in articles if a.duplicate_of is None][:: max(1, len(articles) // extract)]
        if extract
        else []
    )
    sample = sample[:extract]
    if sample:
        events, mentions, failed = stages.extract(sample, settings)
        quarantined = quarantined + failed
        seconds["extract"] = time.perf_counter() - t2
    t3 = time.perf_counter()
    tables = stages.build_tables(articles, quarantined, events, mentions)
    # One batch holding every file (the registry is left empty: these folders are never re-run).
    stages.write_batch(settings.output_dir, "fuzz", tables, articles, [])
    stages.finish(settings.output_dir, say=lambda msg: None)
    findings = stages.check_tables(settings.output_dir, n_files)
    seconds["tables"] = time.perf_counter() - t3
    outcomes = [
        {
            "source_file": a.source_file,
            "outcome": "article",
            "duplicate_of": a.duplicate_of,
            "text": a.text[:2000],
        }
        for a in articles
    ] + [
        {"source_file": q.source_file, "outcome": q.reason_code, "stage": q.stage, "reason": q.reason}
        for q in quarantined
    ]
    return {
        "n_files": n_files,
        "outcomes": outcomes,
        "findings": [{"check": f.check, "passed": f.passed, "message": f.message} for f in findings],
        "extracted": {"articles": len(sample), "events": events.height, "mentions": mentions.height},
        "seconds": seconds,
        "rss_kb": {"after_clean": rss_after_clean},
        "timings": timings,
    }


def problems(corpus, report: dict) -> list[str]:
    """What a report says went wrong with a corpus from `tests.fuzz_inputs` (empty: nothing)."""
    from pipeline.ingest import source_name
    from pipeline.reference import QUARANTINE_REASONS
    from tests.fuzz_inputs import OUTSIDE_MARKER, allowed

    expected = {source_name(corpus.folder / c.name, corpus.folder): c for c in corpus.cases}
    names = [o["source_file"] for o in report["outcomes"]]
    found = []
    if not report["n_files"] == len(names) == len(expected) or set(names) != set(expected):
        found.append(f"{len(expected)} inputs, {report['n_files']} read, {len(names)} accounted for")
    for o in report["outcomes"]:
        case = expected.get(o["source_file"])
        if case is not None and not allowed(case, o["outcome"]):
            found.append(f"{o['source_file']} ({case.family}): {o['outcome']} {o.get('reason', '')}")
        if o["outcome"] != "article" and (o["outcome"] not in QUARANTINE_REASONS or not o["reason"]):
            found.append(f"{o['source_file']}: bad quarantine row {o}")
        if OUTSIDE_MARKER in o.get("text", ""):
            found.append(f"{o['source_file']}: text from outside the input folder")
    found += [f"check {f['check']}: {f['message']}" for f in report["findings"] if not f["passed"]]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", required=True, type=Path)
    parser.add_argument("--output", required=True, type=Path)
    parser.add_argument("--today", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--report", required=True, type=Path)
    parser.add_argument("--per-file", action="store_true")
    parser.add_argument("--extract", type=int, default=0, metavar="N")
    args = parser.parse_args(argv)
    t_start = time.perf_counter()
    from pipeline.config import Settings

    settings = Settings.from_env(input_dir=args.input, output_dir=args.output)
    _warm_up(settings)
    baseline = _peak_rss_kb()
    report = run(settings, args.today, args.per_file, args.extract)
    report["rss_kb"].update({"baseline": baseline, "peak": _peak_rss_kb()})
    report["seconds"]["process"] = time.perf_counter() - t_start
    report["settings"] = {
        "max_file_bytes": settings.max_file_bytes,
        "max_article_chars": settings.max_article_chars,
        "max_sentence_chars": settings.max_sentence_chars,
    }
    args.report.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Command-line interface: `python -m pipeline <command>` (also installed as `pipeline`).

Commands: clean, extract, dates, places, process, codebook. Output is JSON lines on stdout;
diagnostics go to stderr. Exit status: 0 when every input was handled (as an article or a
quarantine row), 2 for a usage error, 1 for an internal failure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
import traceback
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline import __version__
from pipeline.config import ConfigError, Settings

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments or input lines: exit status 2."""


def _json_default(value: object) -> object:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _emit(rows: Iterable[dict]) -> None:
    out = sys.stdout
    for row in rows:
        out.write(json.dumps(row, default=_json_default, ensure_ascii=False) + "\n")
    out.flush()


def _input_files(paths: list[str]) -> list[tuple[Path, Path]]:
    """(file, root) pairs: folders are scanned like the landing folder, files stand for themselves."""
    from pipeline.ingest import discover

    pairs = []
    for p in map(Path, paths):
        if p.is_dir():
            pairs += [(f, p) for f in discover(p)]
        elif p.exists() or p.is_symlink():
            pairs.append((p, p.parent))
        else:
            raise UsageError(f"no such file or folder: {p}")
    return pairs


def _load(paths: list[str], settings: Settings, then_extract: bool = False):
    """Clean the given files: (articles, quarantined). When the articles are extracted next and
    are enough to keep workers busy, the workers load the extractor while this process reads."""
    from pipeline.compute import CHUNK_ARTICLES
    from pipeline.ingest import RawArticle, read_article
    from pipeline.run import clean, warm_workers

    files = _input_files(paths)
    if then_extract and len(files) >= 2 * CHUNK_ARTICLES:
        warm_workers(settings, len(files))
    raw, quarantined = [], []
    for f, root in files:
        item = read_article(f, root, settings)
        (raw if isinstance(item, RawArticle) else quarantined).append(item)
    articles, rejected = clean(raw, settings)
    return articles, quarantined + rejected


def cmd_clean(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.run import article_row

    articles, quarantined = _load(args.files, settings)
    _emit(article_row(a) for a in articles)
    _emit(q.__dict__ for q in quarantined)
    return EXIT_OK


def cmd_extract(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.run import extract_rows

    articles, quarantined = _load(args.paths, settings, then_extract=True)
    for q in quarantined:
        print(f"quarantined {q.source_file}: {q.reason_code} ({q.reason})", file=sys.stderr)
    events, _, failed = extract_rows(articles, settings)
    source = {a.article_id: a.source_file for a in articles}
    _emit({**e, "source_file": source[e["article_id"]]} for e in events)
    for q in failed:
        print(f"extraction failed on {q.source_file}: {q.reason}", file=sys.stderr)
    return EXIT_FAILURE if failed else EXIT_OK


def _jsonl_lines(stream: Iterable[str], need: tuple[str, ...]) -> Iterator[dict]:
    for n, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UsageError(f"stdin line {n} is not JSON: {exc.msg}") from None
        if not isinstance(obj, dict) or any(k not in obj for k in need):
            raise UsageError(f"stdin line {n} needs the keys {', '.join(need)}")
        yield obj


def _parse_anchor(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise UsageError(f"not a YYYY-MM-DD date: {value!r}") from None


def cmd_dates(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.temporal import iter_json

    if args.jsonl:
        for obj in _jsonl_lines(sys.stdin, ("id", "text", "date")):
            _emit([{"id": obj["id"], "dates": list(iter_json(str(obj["text"]), _parse_anchor(obj["date"])))}])
        return EXIT_OK
    if not args.anchor:
        raise UsageError("dates needs --anchor YYYY-MM-DD (or --jsonl)")
    _emit(iter_json(sys.stdin.read(), _parse_anchor(args.anchor)))
    return EXIT_OK


def cmd_places(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.places import places_in_text, places_in_texts

    if args.jsonl:
        # parsed in batches, written as each batch is done (input order kept)
        batch: list[dict] = []
        for obj in _jsonl_lines(sys.stdin, ("id", "text")):
            batch.append(obj)
            if len(batch) == 64:
                _emit_places(batch, places_in_texts)
                batch = []
        _emit_places(batch, places_in_texts)
        return EXIT_OK
    _emit(p.to_json() for p in places_in_text(sys.stdin.read()))
    return EXIT_OK


def _emit_places(batch: list[dict], places_in_texts) -> None:
    if batch:
        found = places_in_texts([str(o["text"]) for o in batch])
        _emit(
            {"id": o["id"], "places": [p.to_json() for p in ps]} for o, ps in zip(batch, found, strict=True)
        )


def cmd_process(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.run import process

    summary = process(settings, progress=lambda m: print(m, file=sys.stderr))
    for name, n in summary.rows.items():
        print(f"{name:16} {n:7d} rows  {summary.paths[name]}")
    failed = [f for f in summary.findings if not f.passed]
    for f in summary.findings:
        print(f"check {f.check:34} {'ok' if f.passed else f.severity.upper()}  {f.message}")
    print(f"done in {summary.seconds:.1f} s")
    return EXIT_FAILURE if any(f.severity == "error" for f in failed) else EXIT_OK


def cmd_codebook(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.schema import codebook_markdown

    text = codebook_markdown()
    if args.write:
        Path(args.write).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pipeline", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("clean", help="clean raw article files: one JSON line per article or quarantined file")
    p.add_argument("files", nargs="+")
    p.set_defaults(func=cmd_clean)
    p = sub.add_parser(
        "extract", help="extract events from raw article files or folders: one JSON line per event"
    )
    p.add_argument("paths", nargs="+")
    p.set_defaults(func=cmd_extract)
    p = sub.add_parser("dates", help="time expressions in text on stdin")
    p.add_argument("--anchor", help="reference (publication) date, YYYY-MM-DD")
    p.add_argument("--jsonl", action="store_true", help='stdin lines {"id", "text", "date"}')
    p.set_defaults(func=cmd_dates)
    p = sub.add_parser("places", help="place mentions in text on stdin")
    p.add_argument("--jsonl", action="store_true", help='stdin lines {"id", "text"}')
    p.set_defaults(func=cmd_places)
    p = sub.add_parser("process", help="run every stage over a folder and write the tables")
    p.add_argument("--input", help="landing folder (default: PIPELINE_INPUT_DIR or seeds/)")
    p.add_argument("--output", help="output folder (default: PIPELINE_OUTPUT_DIR or data/)")
    p.set_defaults(func=cmd_process)
    p = sub.add_parser("codebook", help="print (or --write) the codebook generated from pipeline/schema.py")
    p.add_argument("--write", metavar="PATH")
    p.set_defaults(func=cmd_codebook)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env(
            input_dir=getattr(args, "input", None), output_dir=getattr(args, "output", None)
        )
        return args.func(args, settings)
    except (UsageError, ConfigError) as exc:
        print(f"pipeline {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # an internal failure (a bug): the traceback to report, then what it was
        traceback.print_exc(file=sys.stderr)
        print(f"pipeline {args.command}: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())

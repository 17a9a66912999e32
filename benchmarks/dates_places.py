"""Throughput of `pipeline dates --jsonl` and `pipeline places --jsonl` on Reuters articles.

    .venv/bin/python benchmarks/dates_places.py            # 1,000 articles
    .venv/bin/python benchmarks/dates_places.py -n 200     # fewer
    .venv/bin/python benchmarks/dates_places.py --data DIR # another folder of raw articles

Each command runs as users run it, in its own process (`python -m pipeline ... --jsonl`), fed
one JSON line per article (`{"id", "text", "date"}`: title, blank line, body; the publication
date from the header). Wall time includes the process start, the spaCy model load and the
gazetteer build, which happen once per process. The Reuters-21578 files are read from
`shared/data/reuters/` and never copied (research-only terms); nothing is written but stdout.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evaluation.spans import run_cli  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "reuters"
HEADER = re.compile(r"\s*date (\d{4}-\d{2}-\d{2}) ?(.*)")


def load(folder: Path, n: int) -> list[dict]:
    files = sorted(folder.glob("*.txt"), key=lambda p: int(re.sub(r"\D", "", p.stem) or 0))[:n]
    rows = []
    for f in files:
        raw = f.read_text(encoding="utf-8", errors="replace")
        first, _, body = raw.partition("\n")
        m = HEADER.match(first)
        if not m:
            continue
        rows.append({"id": f.stem, "date": m.group(1), "text": f"{m.group(2)}\n\n{body.strip()}"})
    return rows


def run(command: str, rows: list[dict]) -> tuple[float, int, int]:
    """(seconds, articles answered, expressions or places found) of one command over the rows."""
    try:
        out, wall = run_cli(command, rows)
    except RuntimeError as exc:
        raise SystemExit(str(exc)) from None
    key = "dates" if command == "dates" else "places"
    return wall, len(out), sum(len(o[key]) for o in out.values())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=1000, help="number of articles (default 1,000)")
    ap.add_argument(
        "--data", type=Path, default=DATA, help="folder of raw articles (default shared/data/reuters)"
    )
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        raise SystemExit(f"no folder {args.data}")
    rows = load(args.data, args.n)
    words = sum(len(r["text"].split()) for r in rows)
    print(f"{len(rows)} articles, {words} words, from {args.data}")
    for command in ("dates", "places"):
        wall, n, found = run(command, rows)
        print(
            f"pipeline {command:6} --jsonl: {wall:6.1f} s wall, {n / wall:6.1f} articles/s, "
            f"{found} {'expressions' if command == 'dates' else 'places'} found"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

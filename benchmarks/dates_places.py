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
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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
    payload = "".join(json.dumps(r) + "\n" for r in rows)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", command, "--jsonl"],
        input=payload,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"pipeline {command} failed: {proc.stderr.strip()}")
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    key = "dates" if command == "dates" else "places"
    return wall, len(out), sum(len(o[key]) for o in out)


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

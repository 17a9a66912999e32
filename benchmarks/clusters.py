"""Runtime and pairwise accuracy of `pipeline.clusters` on synthetic events tables from 1k to 50k rows.

    .venv/bin/python benchmarks/clusters.py                      # 1k 5k 10k 20k 50k, seed 2
    .venv/bin/python benchmarks/clusters.py --sizes 1000 50000 --seed 3
    .venv/bin/python benchmarks/clusters.py --span-days 365      # one year: denser as it grows
    .venv/bin/python benchmarks/clusters.py --sizes 20000 --incremental   # old rows moved by new ones

The corpus comes from `evaluation/clusters_synthetic.py` (seed 1 was used while choosing the
clusterer's settings, so the default seed 2 is held out). By default its span grows with its
size (40 rows a day), as an archive grows; `--span-days` fixes the span, so a bigger corpus is
a denser one and its blocks get crowded. Each row of the table is one run of `cluster_events`
(blocking, scoring, linking and the output tables), the best of three runs timed with
`time.perf_counter`, in one process.
"Clean" figures leave out the rows generated with a contradiction on purpose (a wrong day or
country, swapped roles), which no clusterer that keeps look-alike events apart can place.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from evaluation.clusters import pairwise  # noqa: E402
from evaluation.clusters_synthetic import generate  # noqa: E402
from pipeline.clusters import DEFAULT, candidate_pairs, cluster_events, prepare  # noqa: E402

SIZES = (1_000, 5_000, 10_000, 20_000, 50_000)
REPEAT = 3


def run(n: int, seed: int, span_days: int | None) -> dict:
    events, truth = generate(n, seed=seed, span_days=span_days)
    seconds = float("inf")
    for _ in range(REPEAT):  # the best of a few runs: the machine is shared
        t0 = time.perf_counter()
        clusters, members = cluster_events(events)
        seconds = min(seconds, time.perf_counter() - t0)
    n_pairs = candidate_pairs(prepare(events, DEFAULT), DEFAULT).height
    labelled = members.select("event_id", pl.col("cluster_id").alias("cluster")).join(truth, on="event_id")
    return {
        "events": events.height,
        "clusters": clusters.height,
        "multi": clusters.filter(pl.col("num_articles") > 1).height,
        "pairs": n_pairs,
        "seconds": seconds,
        "all": pairwise(labelled),
        "clean": pairwise(labelled.filter("clean")),
    }


def incremental(n: int, seed: int, span_days: int | None) -> str:
    """Cluster the rows published before the median day, then all rows: how many of the earlier
    rows changed cluster id (moved, or their cluster renamed) when the later half arrived?"""
    events, _ = generate(n, seed=seed, span_days=span_days)
    cut = events["publication_date"].sort()[events.height // 2]
    _, before = cluster_events(events.filter(pl.col("publication_date") < cut))
    _, after = cluster_events(events)
    changed = before.join(after, on="event_id", suffix="_after").filter(
        pl.col("cluster_id") != pl.col("cluster_id_after")
    )
    return (
        f"incremental: {before.height:,} rows published before {cut}, then {events.height:,}; "
        f"{changed.height} earlier rows ({changed.height / before.height:.2%}) changed cluster id"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument(
        "--span-days", type=int, default=None, help="fix the corpus span (default: grows with size)"
    )
    ap.add_argument("--incremental", action="store_true", help="also cluster in two halves, for each size")
    args = ap.parse_args(argv)
    cluster_events(generate(500, seed=0)[0])  # warm up polars before timing
    span = f"{args.span_days} days" if args.span_days else "40 rows a day"
    print(f"seed {args.seed}, span {span}")
    print(
        "| events | candidate pairs | clusters (>1 article) | P | R | F1 | clean P | clean R | clean F1 | seconds | µs/event |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        r = run(n, args.seed, args.span_days)
        a, c = r["all"], r["clean"]
        print(
            f"| {r['events']:,} | {r['pairs']:,} | {r['clusters']:,} ({r['multi']:,}) | "
            f"{a['precision']:.3f} | {a['recall']:.3f} | {a['f1']:.3f} | "
            f"{c['precision']:.3f} | {c['recall']:.3f} | {c['f1']:.3f} | "
            f"{r['seconds']:.2f} | {r['seconds'] / r['events'] * 1e6:.0f} |",
            flush=True,
        )
        if args.incremental:
            print(incremental(n, args.seed, args.span_days), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

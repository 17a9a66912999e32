"""Score cross-article event clusters (`pipeline.clusters`) against known truth, at two levels.

    .venv/bin/python evaluation/clusters.py                 # article corpus (seed 0) + synthetic 10k
    .venv/bin/python evaluation/clusters.py --set test      # only the held-back stories
    .venv/bin/python evaluation/clusters.py --seeds 0 1 2 3 4 --errors 10
    .venv/bin/python evaluation/clusters.py --synthetic 0   # article corpus only

- **Articles** (`clusters_gold/stories.json`): invented events, each rewritten by several outlets,
  dates given relatively ("yesterday", "on Tuesday") against publication dates a few days apart,
  plus decoy stories (same actors another day, same day other actors, same actors and day another
  type). A seeded generator turns each report into a raw article file; the files go through the
  real pipeline (ingest, clean, extract) and the extracted events are clustered. An extracted event
  is *on-story* when it has its story's type and countries (in order, for asymmetric types); its
  truth is the story. Figures are pairwise over on-story events of different articles.
- **Synthetic** (`clusters_synthetic.py`): seeded `events` rows with extraction-like noise and
  known truth; `benchmarks/clusters.py` runs it from 1k to 50k events with runtimes.

Pairwise precision = pairs of events put in one cluster that report one true event / all pairs
put in one cluster; recall = pairs reporting one true event that were put in one cluster / all
such pairs. Reports, never a gate: exit status 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from pipeline import run  # noqa: E402
from pipeline.clusters import DEFAULT, ClusterConfig, cluster_events, symmetric_types  # noqa: E402
from pipeline.config import Settings  # noqa: E402

STORIES = ROOT / "evaluation" / "clusters_gold" / "stories.json"
OUTLETS = ("herald", "courier", "wire", "post", "tribune", "observer")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")  # fmt: skip


# --------------------------------------------------------------------------------------------
# Pairwise scores


def pairs(sizes: pl.Series) -> int:
    """Number of unordered pairs inside groups of these sizes."""
    return int((sizes * (sizes - 1) // 2).sum()) if sizes.len() else 0


def pairwise(labelled: pl.DataFrame) -> dict:
    """Pairwise precision, recall and F1 of a clustering against the truth.

    `labelled` has one row per event: `truth` (the true event) and `cluster`. Every pair of rows
    counts, two rows of one article included: when the extractor left one event as two rows of an
    article, a clusterer that keeps them apart misses that pair.
    """
    predicted = pairs(labelled.group_by("cluster").len()["len"])
    true = pairs(labelled.group_by("truth").len()["len"])
    hits = pairs(labelled.group_by("cluster", "truth").len()["len"])
    p = hits / predicted if predicted else 1.0
    r = hits / true if true else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "hits": hits, "predicted": predicted, "true": true}


# --------------------------------------------------------------------------------------------
# The article corpus


@dataclass(frozen=True)
class Report:
    story: str
    stem: str
    text: str  # the raw article file


def load_stories(path: Path = STORIES) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    for s in data["stories"]:
        for k in ("id", "type", "countries", "date", "reports"):
            if k not in s:
                raise ValueError(f"story {s.get('id')!r} has no {k!r}")
    return data


def when_phrase(event: dt.date, lag: int, rng: random.Random) -> str:
    """A way a reporter writing `lag` days after (negative: before) the event names its day."""
    weekday, explicit = WEEKDAYS[event.weekday()], f"on {MONTHS[event.month - 1]} {event.day}"
    published = event + dt.timedelta(days=lag)
    same_week = event.isocalendar()[:2] == published.isocalendar()[:2]
    if lag == 0:
        forms = ["today", f"on {weekday}", explicit]
    elif lag == 1:
        forms = ["yesterday", f"on {weekday}", explicit, f"late on {weekday}"]
    elif 2 <= lag <= 6:
        forms = [f"on {weekday}", explicit] + (["earlier this week"] if same_week else [])
    elif lag == -1:
        forms = ["tomorrow", f"on {weekday}"]
    else:
        forms = [f"on {weekday}", explicit]
    return rng.choice(forms)


def build_corpus(stories: dict, seed: int = 0) -> list[Report]:
    """One raw article per report: `date <published> <title>`, the report, a filler sentence."""
    rng = random.Random(seed)
    fillers = stories["fillers"]
    out = []
    for story in stories["stories"]:
        event = dt.date.fromisoformat(story["date"])
        for k, rep in enumerate(story["reports"]):
            lag = rep.get("lag", 1)
            published = event + dt.timedelta(days=lag)
            body = rep["text"]
            if "{when}" in body:
                body = body.replace("{when}", when_phrase(event, lag, rng))
            title = rep["title"]
            paragraphs = [body, rng.choice(fillers)]
            text = f"date {published.isoformat()} {title}\n\n" + "\n\n".join(paragraphs) + "\n"
            out.append(Report(story["id"], f"{story['id']}_{k}_{OUTLETS[k % len(OUTLETS)]}", text))
    return out


def extract_events(reports: list[Report]) -> tuple[pl.DataFrame, dict[str, str], dict]:
    """Run the real pipeline (ingest, clean, extract) over the reports.

    Returns the events, the story of each article id, and what got lost on the way.
    """
    with tempfile.TemporaryDirectory() as tmp:
        for r in reports:
            (Path(tmp) / f"{r.stem}.txt").write_text(r.text, encoding="utf-8")
        settings = Settings(input_dir=Path(tmp), output_dir=Path(tmp) / "out")
        ing = run.ingest(settings)
        articles, rejected = run.clean(ing.raw, settings)
    story_of = {r.stem: r.story for r in reports}
    by_id = {a.article_id: story_of[Path(a.source_file).stem] for a in articles}
    lost = {
        "quarantined": [q.source_file for q in ing.quarantined + rejected],
        "duplicates": [a.source_file for a in articles if a.duplicate_of],
    }
    events, _, _ = run.extract(articles, settings)
    return events, by_id, lost


def label_events(events: pl.DataFrame, story_of: dict[str, str], stories: dict) -> pl.DataFrame:
    """Each event with its article's story as truth when it is on-story, else null."""
    spec = {s["id"]: s for s in stories["stories"]}
    sym = symmetric_types()
    truths = []
    for art, etype, sc, tc in events.select(
        "article_id", "event_type", "source_country", "target_country"
    ).iter_rows():
        s = spec[story_of[art]]
        countries = s["countries"]
        known = [c for c in (sc, tc) if c is not None]
        if etype != s["type"] or not known:
            truths.append(None)
        elif len(countries) == 1 or etype in sym:
            truths.append(s["id"] if set(known) <= set(countries) else None)
        else:
            ok = sc in (None, countries[0]) and tc in (None, countries[1])
            truths.append(s["id"] if ok else None)
    return events.with_columns(truth=pl.Series(truths, dtype=pl.String))


def evaluate_articles(seed: int = 0, stories: dict | None = None, config: ClusterConfig = DEFAULT) -> dict:
    """Figures for the article corpus with one seed of the generator."""
    stories = stories or load_stories()
    reports = build_corpus(stories, seed)
    events, story_of, lost = extract_events(reports)
    labelled = label_events(events, story_of, stories)
    t0 = time.perf_counter()
    _, members = cluster_events(events, config)
    seconds = time.perf_counter() - t0
    labelled = labelled.join(members.select("event_id", pl.col("cluster_id").alias("cluster")), on="event_id")
    on_story = labelled.filter(pl.col("truth").is_not_null())
    story_clusters = on_story["cluster"].unique()
    off = labelled.filter(pl.col("truth").is_null())
    covered = on_story.select("article_id").unique().height
    return {
        "seed": seed,
        "stories": len(stories["stories"]),
        "articles": len(reports),
        "events": events.height,
        "on_story": on_story.height,
        "articles_with_on_story_event": covered,
        "off_story": off.height,
        "off_story_in_story_clusters": off.filter(pl.col("cluster").is_in(story_clusters.implode())).height,
        "lost": lost,
        "seconds": seconds,
        "scores": pairwise(on_story),
        "labelled": labelled,
    }


def errors(labelled: pl.DataFrame, limit: int) -> list[str]:
    """Readable lines for split stories and mixed clusters."""
    on = labelled.filter(pl.col("truth").is_not_null())
    lines = []

    def show(rows: pl.DataFrame) -> None:
        for r in rows.iter_rows(named=True):
            lines.append(
                f"   {r['cluster'][:6]} {r['truth']} {r['article_id'][:4]} {r['event_type']} "
                f"{r['source_country']}->{r['target_country']} {r['event_date']}..{r['event_date_end']} "
                f"{r['date_basis']} {r['status']} {r['location_name']} | {r['sentence_text'][:80]}"
            )

    split = on.group_by("truth").agg(pl.col("cluster").n_unique().alias("n")).filter(pl.col("n") > 1)
    for (story,) in split.select("truth").sort("truth").iter_rows():
        lines.append(f"split {story}:")
        show(on.filter(pl.col("truth") == story).sort("cluster", "article_id"))
    mixed = on.group_by("cluster").agg(pl.col("truth").unique().alias("t")).filter(pl.col("t").list.len() > 1)
    for (c,) in mixed.select("cluster").sort("cluster").iter_rows():
        lines.append(f"mixed {c[:6]}:")
        show(on.filter(pl.col("cluster") == c).sort("truth", "article_id"))
    return lines[:limit] if limit > 0 else []


# --------------------------------------------------------------------------------------------
# Report


def _fmt(s: dict) -> str:
    return (
        f"P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  "
        f"({s['hits']} right of {s['predicted']} predicted pairs, {s['true']} true pairs)"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0], help="generator seeds of the article corpus")
    ap.add_argument("--set", choices=("dev", "test", "all"), default="all", help="which stories")
    ap.add_argument("--synthetic", type=int, default=10_000, help="synthetic events (0 = skip)")
    ap.add_argument("--synthetic-seed", type=int, default=2)
    ap.add_argument("--errors", type=int, default=0, help="print up to N split/mixed lines")
    ap.add_argument("--one-per-article", action="store_true", help="at most one row per article in a cluster")
    ap.add_argument("--threshold", type=float, default=DEFAULT.threshold)
    args = ap.parse_args(argv)
    config = ClusterConfig(threshold=args.threshold, one_event_per_article=args.one_per_article)

    stories = load_stories()
    if args.set != "all":
        stories = dict(stories, stories=[s for s in stories["stories"] if s.get("set") == args.set])
    print(f"Article corpus ({args.set}): {len(stories['stories'])} stories, "
          f"{sum(len(s['reports']) for s in stories['stories'])} reports")  # fmt: skip
    totals = {"hits": 0, "predicted": 0, "true": 0}
    for seed in args.seeds:
        res = evaluate_articles(seed, stories, config)
        for k in totals:
            totals[k] += res["scores"][k]
        print(
            f"  seed {seed}: {res['events']} events extracted, {res['on_story']} on-story from "
            f"{res['articles_with_on_story_event']}/{res['articles']} articles; {res['off_story']} off-story "
            f"({res['off_story_in_story_clusters']} in a story's cluster); "
            f"{len(res['lost']['quarantined'])} quarantined, {len(res['lost']['duplicates'])} duplicates"
        )
        print(f"          {_fmt(res['scores'])}  clustering {res['seconds'] * 1000:.0f} ms")
        for line in errors(res["labelled"], args.errors):
            print("          " + line)
    if len(args.seeds) > 1:
        p = totals["hits"] / totals["predicted"] if totals["predicted"] else 1.0
        r = totals["hits"] / totals["true"] if totals["true"] else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"  all seeds (micro): P {p:.3f}  R {r:.3f}  F1 {f:.3f}")

    if args.synthetic:
        from evaluation.clusters_synthetic import generate

        events, truth = generate(args.synthetic, seed=args.synthetic_seed)
        t0 = time.perf_counter()
        _, members = cluster_events(events, config)
        seconds = time.perf_counter() - t0
        labelled = (
            events.select("event_id", "article_id")
            .join(truth, on="event_id")
            .join(members.select("event_id", pl.col("cluster_id").alias("cluster")), on="event_id")
        )
        print(f"Synthetic: {events.height} events, seed {args.synthetic_seed}")
        print(f"  {_fmt(pairwise(labelled))}  clustering {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

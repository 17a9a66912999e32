"""Score event extraction on the hand-made gold in `evaluation/events_gold/`, and print figures.

    .venv/bin/python evaluation/events.py                 # every set
    .venv/bin/python evaluation/events.py --set dev       # one sentence set (dev, test) or articles
    .venv/bin/python evaluation/events.py --errors 20     # plus up to 20 misses/false alarms per set
    .venv/bin/python evaluation/events.py --title sentence   # each sentence is also the article's title

Two kinds of gold (see `evaluation/README.md`):

- **Sentences** (`sentences_dev.jsonl`, `sentences_test.jsonl`): one event per sentence. Each
  sentence becomes its own raw article (header `date <publication date> <title>`) and goes through
  the whole pipeline: reading, cleaning, language identification, extraction. Type recall is the
  share of sentences whose gold type is among the sentence's events; type precision is the share of
  predicted events that have their sentence's gold type. On the type hits, the best-matching event
  of the gold type is compared with the gold actors (country, sector), status and mode.
- **Articles** (`articles/*.txt` + `.json`): gold events in the format of `shared/gold`, matched one
  to one by type, actor countries (either order when symmetric), status, date (exact day or inside
  the window) and place (within 50 km), as `shared/tools/check_seed.py` does.

Calibration: predicted events are binned by `confidence` and the share of correct ones (of the
gold type for sentences, matched for articles) is printed per bin and above thresholds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from pipeline import run  # noqa: E402
from pipeline.config import Settings  # noqa: E402
from pipeline.events import extract  # noqa: E402
from pipeline.reference import EVENT_TYPES  # noqa: E402

GOLD = ROOT / "evaluation" / "events_gold"
SENTENCE_DATE = "2024-06-14"
#: Sentence sets: dev, dev2 and dev3 are used while building the rules; test, test2 and test3
#: are held back.
SENTENCE_SETS = ("dev", "test", "dev2", "test2", "dev3", "test3")
SYMMETRIC = {"CONSULT", "COOPERATE", "AGREE"}
THRESHOLDS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9)


class GoldError(ValueError):
    """A gold file is malformed."""


# --------------------------------------------------------------------------------------------
# Running the pipeline


@dataclass
class Prediction:
    rows: dict[str, list[dict]]  # file stem -> event rows
    seconds: float  # extraction only (parsing + rules), model already loaded
    words: int
    languages: Counter = field(default_factory=Counter)
    quarantined: list[str] = field(default_factory=list)


def predict(files: dict[str, str]) -> Prediction:
    """Run reading, cleaning and extraction over raw article texts keyed by file stem."""
    from pipeline.nlp import get_nlp

    nlp = get_nlp()
    with tempfile.TemporaryDirectory() as tmp:
        for stem, text in files.items():
            (Path(tmp) / f"{stem}.txt").write_text(text, encoding="utf-8")
        settings = Settings(input_dir=Path(tmp), output_dir=Path(tmp) / "out")
        ing = run.ingest(settings)
        articles, rejected = run.clean(ing.raw, settings)
    by_id = {a.article_id: Path(a.source_file).stem for a in articles}
    start = time.perf_counter()
    events, _ = extract(articles, nlp)
    seconds = time.perf_counter() - start
    rows: dict[str, list[dict]] = {stem: [] for stem in files}
    for e in events:
        rows[by_id[e["article_id"]]].append(e)
    return Prediction(
        rows,
        seconds,
        sum(len(a.text.split()) for a in articles),
        Counter(a.language for a in articles),
        [q.source_file for q in ing.quarantined + rejected],
    )


# --------------------------------------------------------------------------------------------
# Shared helpers


def _codes(value) -> list | None:
    """Gold codes as a list; None (or an empty list) accepts anything."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return list(value) or None


def _ok(accepted: list | None, predicted) -> bool:
    return accepted is None or predicted in accepted


def _ratio(n: int, d: int) -> str:
    return f"{n}/{d} {n / d:.3f}" if d else "0/0   -  "


def _prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> tuple[float, float, float]:
    p = tp_pred / n_pred if n_pred else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _print_types(per_type: dict[str, list[int]]) -> None:
    """per_type[T] = [predicted T correct, predicted T, gold T found, gold T]."""
    print(f"  {'type':<10} {'P':>6} {'R':>6} {'F1':>6}   pred  gold")
    totals = [0, 0, 0, 0]
    for t in EVENT_TYPES:
        c = per_type.get(t, [0, 0, 0, 0])
        totals = [a + b for a, b in zip(totals, c, strict=True)]
        p, r, f = _prf(*c)
        print(f"  {t:<10} {p:6.3f} {r:6.3f} {f:6.3f}  {c[1]:5d} {c[3]:5d}")
    p, r, f = _prf(*totals)
    print(f"  {'all':<10} {p:6.3f} {r:6.3f} {f:6.3f}  {totals[1]:5d} {totals[3]:5d}")


def _print_calibration(scored: list[tuple[float, bool]]) -> None:
    if not scored:
        return
    print("  calibration: precision of events with confidence >= t")
    cells = []
    for t in THRESHOLDS:
        kept = [ok for c, ok in scored if c >= t]
        cells.append(f"{t:.1f}: {sum(kept) / len(kept):.3f} (n={len(kept)})" if kept else f"{t:.1f}: -")
    print("   ", " | ".join(cells))
    bins = defaultdict(list)
    for c, ok in scored:
        bins[min(int(c * 10), 9)].append(ok)
    print(
        "    bins:",
        " | ".join(
            f"[{b / 10:.1f},{(b + 1) / 10:.1f}) {sum(v) / len(v):.2f} n={len(v)}"
            for b, v in sorted(bins.items())
        ),
    )


# --------------------------------------------------------------------------------------------
# Sentences


def load_sentences(path: Path) -> list[dict]:
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(f"{path.name}:{n}: {exc}") from exc
        if item.get("type") not in EVENT_TYPES or not item.get("text") or not item.get("id"):
            raise GoldError(f"{path.name}:{n}: needs an id, a text and a PLOVER type")
        items.append(item)
    return items


def sentence_article(item: dict, title: str) -> str:
    heading = item["text"] if title == "sentence" else f"Report {item['id']}"
    return f"date {item.get('publication_date', SENTENCE_DATE)} {heading}\n\n{item['text']}\n"


def _actor_score(g: dict, e: dict, swap: bool) -> tuple[bool, bool, bool, bool]:
    s, t = ("target", "source") if swap else ("source", "target")
    return (
        _ok(_codes(g.get("source")), e.get(f"{s}_country")),
        _ok(_codes(g.get("target")), e.get(f"{t}_country")),
        _ok(_codes(g.get("source_sector")), e.get(f"{s}_sector")),
        _ok(_codes(g.get("target_sector")), e.get(f"{t}_sector")),
    )


def _best_hit(g: dict, rows: list[dict]) -> tuple[dict, tuple[bool, bool, bool, bool]]:
    best = None
    for e in rows:
        swaps = (False, True) if g["type"] in SYMMETRIC else (False,)
        for swap in swaps:
            score = _actor_score(g, e, swap)
            key = (score[0] and score[1], sum(score), e.get("status") == g.get("status"))
            if best is None or key > best[0]:
                best = (key, e, score)
    return best[1], best[2]


def score_sentences(items: list[dict], pred: Prediction) -> dict:
    per_type: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    hits, n_rows, right_rows = 0, 0, 0
    counts = Counter()
    scored: list[tuple[float, bool]] = []
    misses, wrong, wrong_actors = [], [], []
    by_tag = defaultdict(lambda: [0, 0])
    for g in items:
        rows = pred.rows.get(g["id"], [])
        gtype = g["type"]
        per_type[gtype][3] += 1
        typed = [e for e in rows if e["event_type"] == gtype]
        for e in rows:
            per_type[e["event_type"]][1] += 1
            scored.append((e["confidence"], e["event_type"] == gtype))
        per_type[gtype][0] += len(typed)
        n_rows += len(rows)
        right_rows += len(typed)
        for tag in [*g.get("tags", []), "all"]:
            by_tag[tag][1] += 1
            by_tag[tag][0] += bool(typed)
        wrong += [(g, e) for e in rows if e["event_type"] != gtype]
        if not typed:
            misses.append((g, rows))
            continue
        hits += 1
        per_type[gtype][2] += 1
        e, (src, tgt, ssec, tsec) = _best_hit(g, typed)
        for key, ok, given in (
            ("source_country", src, _codes(g.get("source"))),
            ("target_country", tgt, _codes(g.get("target"))),
            ("source_sector", ssec, _codes(g.get("source_sector"))),
            ("target_sector", tsec, _codes(g.get("target_sector"))),
        ):
            if given is not None:
                counts[key + "_n"] += 1
                counts[key] += ok
        counts["countries"] += src and tgt
        if not (src and tgt):
            wrong_actors.append((g, e))
        counts["status"] += e.get("status") == g.get("status")
        if g.get("mode"):
            counts["mode_n"] += 1
            counts["mode"] += e.get("event_mode") == g["mode"]
        if g.get("status") != "occurred":
            counts["status_marked_n"] += 1
            counts["status_marked"] += e.get("status") == g.get("status")
    return {
        "n": len(items),
        "hits": hits,
        "rows": n_rows,
        "right_rows": right_rows,
        "per_type": dict(per_type),
        "counts": counts,
        "by_tag": dict(by_tag),
        "scored": scored,
        "misses": misses,
        "wrong": wrong,
        "wrong_actors": wrong_actors,
    }


def print_sentences(name: str, s: dict, pred: Prediction, errors: int) -> None:
    c = s["counts"]
    print(f"\n== sentences: {name} ({s['n']} sentences, {pred.words} words) ==")
    print(f"  type recall    {_ratio(s['hits'], s['n'])}   (gold type among the sentence's events)")
    print(
        f"  type precision {_ratio(s['right_rows'], s['rows'])}   (events of the gold type among all events)"
    )
    print(f"  on the {s['hits']} type hits:")
    print(f"    both actor countries right   {_ratio(c['countries'], s['hits'])}")
    for key in ("source_country", "target_country", "source_sector", "target_sector"):
        print(f"    {key:<28} {_ratio(c[key], c[key + '_n'])}")
    print(f"    status right                 {_ratio(c['status'], s['hits'])}")
    print(f"    status right (not occurred)  {_ratio(c['status_marked'], c['status_marked_n'])}")
    print(f"    mode right (gold has one)    {_ratio(c['mode'], c['mode_n'])}")
    print("  type recall by tag: " + ", ".join(f"{t} {v[0]}/{v[1]}" for t, v in sorted(s["by_tag"].items())))
    _print_types(s["per_type"])
    _print_calibration(s["scored"])
    langs = ", ".join(f"{k} {v}" for k, v in pred.languages.most_common())
    print(f"  languages: {langs}; quarantined: {len(pred.quarantined)}")
    print(
        f"  throughput: {pred.words / pred.seconds:,.0f} words/s, {s['n'] / pred.seconds:,.1f} sentences/s (extraction, 1 process)"
    )
    if errors:
        print(f"  -- misses (first {errors}) --")
        for g, rows in s["misses"][:errors]:
            got = ", ".join(e["event_type"] for e in rows) or "nothing"
            print(f"    [{g['id']} {g['type']}] {g['text']}\n        got: {got}")
        print(f"  -- events of another type (first {errors}) --")
        for g, e in s["wrong"][:errors]:
            print(f"    [{g['id']} {g['type']}] got {e['event_type']} on {e['trigger_text']!r}: {g['text']}")
        print(f"  -- type hits with an actor country wrong (first {errors}) --")
        for g, e in s["wrong_actors"][:errors]:
            print(
                f"    [{g['id']} {g['type']}] gold {g.get('source')} -> {g.get('target')}, got "
                f"{e['source_country']} ({e['source_text']}) -> {e['target_country']} ({e['target_text']}): {g['text']}"
            )


# --------------------------------------------------------------------------------------------
# Articles


def load_articles(folder: Path) -> dict[str, tuple[str, dict]]:
    out = {}
    for gold_path in sorted(folder.glob("*.json")):
        text_path = gold_path.with_suffix(".txt")
        if not text_path.exists():
            raise GoldError(f"{gold_path.name}: no {text_path.name} beside it")
        try:
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise GoldError(f"{gold_path.name}: {exc}") from exc
        for g in gold.get("events", []):
            if not set(g.get("types", [])) <= set(EVENT_TYPES) or not g.get("status"):
                raise GoldError(f"{gold_path.name}: event {g.get('id')} needs PLOVER types and statuses")
        out[gold_path.stem] = (text_path.read_text(encoding="utf-8"), gold)
    return out


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


def _actors_match(g: dict, e: dict) -> bool:
    src, tgt = _codes(g.get("source")), _codes(g.get("target"))
    if _ok(src, e.get("source_country")) and _ok(tgt, e.get("target_country")):
        return True
    return (
        bool(g.get("symmetric")) and _ok(src, e.get("target_country")) and _ok(tgt, e.get("source_country"))
    )


def matches(g: dict, e: dict, strict: bool = True) -> bool:
    """The matching rule of shared/gold; `strict=False` checks type and actors only."""
    if e["event_type"] not in g["types"] or not _actors_match(g, e):
        return False
    if not strict:
        return True
    if e["status"] not in g["status"]:
        return False
    start, end = str(e["event_date"]), str(e["event_date_end"])
    if g.get("event_date") and start != g["event_date"]:
        return False
    if g.get("event_date_window"):
        lo, hi = g["event_date_window"]
        if not (lo <= start and end <= hi):
            return False
    loc = g.get("location") or {}
    if loc.get("lat") is not None:
        if e.get("latitude") is None:
            return False
        if _haversine_km(loc["lat"], loc["lon"], e["latitude"], e["longitude"]) > 50:
            return False
    return True


def assign(gold: list[dict], rows: list[dict], strict: bool = True) -> dict[int, int]:
    """Pair gold events with predictions one to one (augmenting paths, required events first)."""
    pair: dict[int, int] = {}  # prediction -> gold

    def grab(gi: int, seen: set[int]) -> bool:
        for pi, e in enumerate(rows):
            if pi in seen or not matches(gold[gi], e, strict):
                continue
            seen.add(pi)
            if pi not in pair or grab(pair[pi], seen):
                pair[pi] = gi
                return True
        return False

    order = sorted(range(len(gold)), key=lambda i: not gold[i].get("required", True))
    for gi in order:
        grab(gi, set())
    return {g: p for p, g in pair.items()}


def score_articles(items: dict[str, tuple[str, dict]], pred: Prediction) -> dict:
    per_type: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    totals = Counter()
    scored: list[tuple[float, bool]] = []
    rows_out = []
    for stem, (_, gold) in items.items():
        events, rows = gold.get("events", []), pred.rows.get(stem, [])
        matched = assign(events, rows)
        loose = assign(events, rows, strict=False)
        matched_preds = set(matched.values())
        required = [i for i, g in enumerate(events) if g.get("required", True)]
        extra = dup = 0
        for pi, e in enumerate(rows):
            per_type[e["event_type"]][1] += 1
            ok = pi in matched_preds
            if ok:
                per_type[e["event_type"]][0] += 1
            elif any(matches(g, e) for g in events):
                dup += 1
            elif not any(matches(g, e, strict=False) for g in events):
                extra += 1
            scored.append((e["confidence"], ok))
        for gi in required:
            per_type[events[gi]["types"][0]][3] += 1
            per_type[events[gi]["types"][0]][2] += gi in matched
        row = {
            "article": stem,
            "required": len(required),
            "found": sum(gi in matched for gi in required),
            "found_loose": sum(gi in loose for gi in required),
            "optional_found": sum(gi in matched for gi in range(len(events)) if gi not in required),
            "predicted": len(rows),
            "extra": extra,
            "duplicates": dup,
        }
        rows_out.append(row)
        totals.update(row)
    return {"articles": rows_out, "totals": totals, "per_type": dict(per_type), "scored": scored}


def print_articles(s: dict, pred: Prediction, errors: int, items) -> None:
    t = s["totals"]
    print(f"\n== articles ({len(s['articles'])} articles, {pred.words} words) ==")
    print(f"  {'article':<22} {'req found':>10} {'loose':>6} {'opt':>4} {'pred':>5} {'extra':>6} {'dup':>4}")
    for r in s["articles"]:
        print(
            f"  {r['article']:<22} {r['found']:>4}/{r['required']:<5} {r['found_loose']:>6} {r['optional_found']:>4}"
            f" {r['predicted']:>5} {r['extra']:>6} {r['duplicates']:>4}"
        )
    print(f"  required events found (all fields)  {_ratio(t['found'], t['required'])}")
    print(f"  required events found (type+actors) {_ratio(t['found_loose'], t['required'])}")
    matched_preds = sum(v[0] for v in s["per_type"].values())
    print(f"  predictions matched (all fields)    {_ratio(matched_preds, t['predicted'])}")
    print(
        f"  predictions matching no gold event even loosely (extra): {t['extra']}; duplicates: {t['duplicates']}"
    )
    _print_types(s["per_type"])
    _print_calibration(s["scored"])
    print(f"  throughput: {pred.words / pred.seconds:,.0f} words/s (extraction, 1 process)")
    if errors:
        for stem, (_, gold) in items.items():
            rows = pred.rows.get(stem, [])
            events = gold.get("events", [])
            matched = assign(events, rows)
            loose = assign(events, rows, strict=False)
            for gi, g in enumerate(events):
                if gi not in matched and g.get("required", True):
                    kind = "MISS (type+actors found)" if gi in loose else "MISS"
                    print(
                        f"    {kind} {stem} {g['id']} {g['types']} {g.get('source')}->{g.get('target')} {g['status']}: {g.get('evidence', '')[:110]}"
                    )
            used = set(matched.values())
            for pi, e in enumerate(rows):
                if pi not in used and not any(matches(g, e, strict=False) for g in events):
                    print(
                        f"    EXTRA {stem} {e['event_type']} {e['source_country']}->{e['target_country']} {e['status']}"
                        f" {e['trigger_text']!r}: {e['sentence_text'][:100]}"
                    )


def _dump(path: Path, items: list[dict], pred: Prediction) -> None:
    with path.open("a", encoding="utf-8") as out:
        for g in items:
            rows = [
                f"{e['event_type']} {e['source_country']}>{e['target_country']} {e['status']}"
                for e in pred.rows.get(g["id"], [])
            ]
            out.write(json.dumps({"id": g["id"], "gold": g["type"], "events": rows}) + "\n")


# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--set", choices=(*SENTENCE_SETS, "articles", "all"), default="all")
    parser.add_argument("--title", choices=("neutral", "sentence"), default="neutral")
    parser.add_argument("--errors", type=int, default=0, help="print up to N errors per set")
    parser.add_argument(
        "--dump", type=Path, help="write each sentence's predicted events as JSON lines (to diff two runs)"
    )
    args = parser.parse_args(argv)
    print(f"event extraction evaluation, {dt.date.today()}, gold {args.gold}")
    for name in SENTENCE_SETS:
        path = args.gold / f"sentences_{name}.jsonl"
        if args.set in (name, "all") and path.exists():
            items = load_sentences(path)
            pred = predict({g["id"]: sentence_article(g, args.title) for g in items})
            print_sentences(name, score_sentences(items, pred), pred, args.errors)
            if args.dump:
                _dump(args.dump, items, pred)
    folder = args.gold / "articles"
    if args.set in ("articles", "all") and folder.exists():
        items = load_articles(folder)
        pred = predict({stem: text for stem, (text, _) in items.items()})
        print_articles(score_articles(items, pred), pred, args.errors, items)
    return 0


if __name__ == "__main__":
    sys.exit(main())

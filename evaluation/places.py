"""Score toponyms (`pipeline places --jsonl`) on the hand-made gold.

    .venv/bin/python evaluation/places.py              # the figures
    .venv/bin/python evaluation/places.py --errors 30  # plus up to 30 errors of each kind
    .venv/bin/python evaluation/places.py --set own    # one part: wikinews, own, heldout

Every gold article (`time_places_gold/gold.jsonl`) goes to the `places` command as one JSON line
`{"id", "text"}`, the whole article at once, as a user would send it. Then:

- toponym span P/R/F1, relaxed (any overlap, one to one) and strict (same start and end);
- on the toponyms found (relaxed matches): accuracy within 161 km (100 miles) of the gold
  coordinate, mean and median error in km, and the share with the gold GeoNames id (where the gold
  has one);
- a breakdown: misses by the gold referent's kind (city, region, country, continent, other),
  wrong referents (over 161 km), and false alarms, with those on words the gold marks as not
  places (demonyms, "Washington" the government) counted apart.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from evaluation.spans import GOLD, PARTS, fmt_prf, load_gold, match, overlap, part_of, prf, run_cli, subsets  # noqa: E402

KM_OK = 161.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, a)))


def predict(rows: list[dict]) -> tuple[dict[str, list[dict]], float]:
    out, seconds = run_cli("places", [{"id": r["id"], "text": r["text"]} for r in rows])
    return {k: v["places"] for k, v in out.items()}, seconds


def score(rows: list[dict], pred: dict[str, list[dict]]) -> dict:
    c: Counter = Counter()
    km: list[float] = []
    errors: list[tuple[str, str, str]] = []
    for r in rows:
        gold, sys_ = r["places"], pred.get(r["id"], [])
        c["gold"] += len(gold)
        c["pred"] += len(sys_)
        c["strict"] += len(match(gold, sys_, strict=True))
        relaxed = match(gold, sys_, strict=False)
        c["relaxed"] += len(relaxed)
        for i, j in relaxed:
            g, p = gold[i], sys_[j]
            d = haversine_km(g["latitude"], g["longitude"], p["latitude"], p["longitude"])
            km.append(d)
            c[f"found_{g['kind']}"] += 1
            if d <= KM_OK:
                c["within"] += 1
                c[f"within_{g['kind']}"] += 1
            else:
                errors.append(
                    (
                        "wrong",
                        r["id"],
                        f"{g['text']!r} gold {g['name'] or g['ref']} ({g['kind']}) "
                        f"got {p['name']} ({p['country']}, {p['precision']}) {d:.0f} km",
                    )
                )
            if g["geonames_id"] is not None:
                c["with_id"] += 1
                c["id_ok"] += g["geonames_id"] == p["geonames_id"]
        hit_g = {i for i, _ in relaxed}
        hit_p = {j for _, j in relaxed}
        for i, g in enumerate(gold):
            c[f"gold_{g['kind']}"] += 1
            if i not in hit_g:
                errors.append(("missed", r["id"], f"{g['text']!r} ({g['kind']}, {g['name'] or g['ref']})"))
        for j, p in enumerate(sys_):
            if j in hit_p:
                continue
            neg = any(overlap(n, p) for n in r.get("not_places", []))
            c["false_marked" if neg else "false_other"] += 1
            left = max(0, p["start"] - 25)
            ctx = r["text"][left : p["end"] + 25].replace("\n", " ")
            errors.append(
                (
                    "false",
                    r["id"],
                    f"{p['text']!r} -> {p['name']} {'[marked not a place] ' if neg else ''}...{ctx}...",
                )
            )
    c["errors"] = errors  # type: ignore[assignment]
    c["km"] = km  # type: ignore[assignment]
    return c


def report(rows: list[dict], pred: dict[str, list[dict]], n_errors: int = 0) -> dict:
    c = score(rows, pred)
    km = c["km"]
    print(fmt_prf("toponym span, relaxed", c["relaxed"], c["pred"], c["gold"]))
    print(fmt_prf("toponym span, strict", c["strict"], c["pred"], c["gold"]))
    found = c["relaxed"]
    print(
        f"{'accuracy within 161 km (found)':<34} {c['within'] / max(found, 1):.3f}   ({c['within']}/{found})"
    )
    if km:
        print(f"{'error km: mean / median':<34} {statistics.mean(km):.0f} / {statistics.median(km):.1f}")
    print(
        f"{'same GeoNames id (found, with id)':<34} {c['id_ok'] / max(c['with_id'], 1):.3f}   ({c['id_ok']}/{c['with_id']})"
    )
    kinds = ("city", "region", "country", "continent", "other")
    print(
        "by gold kind (found/gold, within 161 km/found): "
        + ", ".join(
            f"{k} {c[f'found_{k}']}/{c[f'gold_{k}']} {c[f'within_{k}']}/{c[f'found_{k}']}"
            for k in kinds
            if c[f"gold_{k}"]
        )
    )
    print(
        f"false alarms: {c['false_other'] + c['false_marked']} ({c['false_marked']} on words marked not places)"
    )
    if n_errors:
        for kind in ("missed", "wrong", "false"):
            some = [e for e in c["errors"] if e[0] == kind]
            print(f"\n{kind} ({len(some)}):")
            for _, doc, msg in some[:n_errors]:
                print(f"  {doc}: {msg}")
    return {
        "relaxed": prf(c["relaxed"], c["pred"], c["gold"]),
        "accuracy_161": c["within"] / max(found, 1),
        "median_km": statistics.median(km) if km else None,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=GOLD)
    ap.add_argument("--set", choices=PARTS, default=None, help="only this part")
    ap.add_argument("--errors", type=int, default=0, metavar="N", help="print up to N errors of each kind")
    args = ap.parse_args(argv)
    rows = load_gold(args.gold)
    pred, seconds = predict(rows)
    parts = subsets(rows, part_of)
    for name in PARTS if args.set is None else (args.set,):
        part = parts.get(name, [])
        n = sum(len(r["places"]) for r in part)
        print(f"== {name}: {len(part)} articles, {n} gold toponyms")
        report(part, pred, args.errors if name == (args.set or "all") else 0)
        print()
    print(
        f"pipeline places --jsonl: {len(rows)} articles in {seconds:.2f} s (process start and model load included)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Score time expressions (`pipeline dates --jsonl`) on the hand-made gold, TempEval-3 style.

    .venv/bin/python evaluation/temporal.py              # the figures
    .venv/bin/python evaluation/temporal.py --errors 30  # plus up to 30 span and value errors
    .venv/bin/python evaluation/temporal.py --set own    # one part: wikinews, own, heldout

Every gold article (`time_places_gold/gold.jsonl`) goes to the `dates` command as one JSON line
`{"id", "text", "date"}` (the text is the title, a blank line and the body; the date is the
publication date), exactly as a user would send it. Then, TempEval-3 style:

- span P/R/F1, strict (same start and end) and relaxed (any overlap, one to one), for DATE and
  TIME expressions (gold and predicted restricted to those types) and for all types;
- type accuracy: the share of relaxed matches (all types) whose type is the gold type;
- value accuracy: the share of relaxed matches whose TIMEX3 value is the gold value, and value
  P/R/F1: matches with the right value over predicted and over gold expressions.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from evaluation.spans import GOLD, PARTS, fmt_prf, load_gold, match, part_of, prf, run_cli, subsets  # noqa: E402

DATE_TIME = ("DATE", "TIME")


def predict(rows: list[dict]) -> tuple[dict[str, list[dict]], float]:
    out, seconds = run_cli("dates", [{"id": r["id"], "text": r["text"], "date": r["date"]} for r in rows])
    return {k: v["dates"] for k, v in out.items()}, seconds


def score(rows: list[dict], pred: dict[str, list[dict]], types: tuple[str, ...] | None) -> dict:
    """Counts for one subset of types (None: all)."""
    c = Counter()
    errors: list[tuple[str, str, str]] = []
    for r in rows:
        gold = [t for t in r["times"] if types is None or t["type"] in types]
        sys_ = [t for t in pred.get(r["id"], []) if types is None or t["type"] in types]
        c["gold"] += len(gold)
        c["pred"] += len(sys_)
        strict = match(gold, sys_, strict=True)
        relaxed = match(gold, sys_, strict=False)
        c["strict"] += len(strict)
        c["relaxed"] += len(relaxed)
        for i, j in relaxed:
            g, p = gold[i], sys_[j]
            c["type_ok"] += g["type"] == p["type"]
            ok = g["value"] == p["value"]
            c["value_ok"] += ok
            if not ok:
                errors.append(
                    ("value", r["id"], f"{g['text']!r} gold {g['value']} got {p['value']} ({p['text']!r})")
                )
        hit_g = {i for i, _ in relaxed}
        hit_p = {j for _, j in relaxed}
        for i, g in enumerate(gold):
            if i not in hit_g:
                errors.append(("missed", r["id"], f"{g['text']!r} {g['type']} {g['value']}"))
        for j, p in enumerate(sys_):
            if j not in hit_p:
                left = max(0, p["start"] - 25)
                ctx = r["text"][left : p["end"] + 25].replace("\n", " ")
                errors.append(("false", r["id"], f"{p['text']!r} {p['type']} {p['value']}  ...{ctx}..."))
    c["errors"] = errors  # type: ignore[assignment]
    return c


def report(rows: list[dict], pred: dict[str, list[dict]], n_errors: int = 0) -> dict:
    dt = score(rows, pred, DATE_TIME)
    al = score(rows, pred, None)
    print(fmt_prf("DATE+TIME span, strict", dt["strict"], dt["pred"], dt["gold"]))
    print(fmt_prf("DATE+TIME span, relaxed", dt["relaxed"], dt["pred"], dt["gold"]))
    print(fmt_prf("DATE+TIME value (on relaxed)", dt["value_ok"], dt["pred"], dt["gold"]))
    print(
        f"{'DATE+TIME value accuracy':<34} {dt['value_ok'] / max(dt['relaxed'], 1):.3f}   ({dt['value_ok']}/{dt['relaxed']})"
    )
    print(fmt_prf("all types span, strict", al["strict"], al["pred"], al["gold"]))
    print(fmt_prf("all types span, relaxed", al["relaxed"], al["pred"], al["gold"]))
    print(fmt_prf("all types value (on relaxed)", al["value_ok"], al["pred"], al["gold"]))
    print(
        f"{'all types type accuracy':<34} {al['type_ok'] / max(al['relaxed'], 1):.3f}   ({al['type_ok']}/{al['relaxed']})"
    )
    print(
        f"{'all types value accuracy':<34} {al['value_ok'] / max(al['relaxed'], 1):.3f}   ({al['value_ok']}/{al['relaxed']})"
    )
    if n_errors:
        errs = al["errors"]
        for kind in ("missed", "false", "value"):
            some = [e for e in errs if e[0] == kind]
            print(f"\n{kind} ({len(some)}):")
            for _, doc, msg in some[:n_errors]:
                print(f"  {doc}: {msg}")
    return {
        "date_time": {
            "relaxed": prf(dt["relaxed"], dt["pred"], dt["gold"]),
            "strict": prf(dt["strict"], dt["pred"], dt["gold"]),
            "value": prf(dt["value_ok"], dt["pred"], dt["gold"]),
        },
        "all": {
            "relaxed": prf(al["relaxed"], al["pred"], al["gold"]),
            "type_accuracy": al["type_ok"] / max(al["relaxed"], 1),
        },
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
        n = sum(len(r["times"]) for r in part)
        print(f"== {name}: {len(part)} articles, {n} gold time expressions")
        report(part, pred, args.errors if name == (args.set or "all") else 0)
        print()
    print(f"pipeline dates --jsonl: {len(rows)} articles in {seconds:.2f} s (process start included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

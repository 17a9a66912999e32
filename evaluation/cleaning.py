"""Score article cleaning against hand-made gold and print per-field accuracy.

    .venv/bin/python evaluation/cleaning.py [--verbose] [--gold DIR]

Each gold case is a raw article `NAME.txt` and its expected result `NAME.json` in
`evaluation/cleaning_gold/` (see `evaluation/README.md`). Every raw file is read with
`pipeline.ingest.read_article` and cleaned with `pipeline.clean.clean_article`; an article that
is quarantined on the way gets every field wrong. The report always exits with status 0;
`evaluate()` returns the same figures as a dict for tests and other scripts.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections import Counter
from pathlib import Path

from pipeline.clean import Article, clean_article
from pipeline.config import Settings
from pipeline.ingest import Quarantined, read_article

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = ROOT / "evaluation" / "cleaning_gold"
GOLD_KEYS = ("title", "publication_date", "dek", "summary", "body_paragraphs", "boilerplate")
#: The per-article fields, in report order; `no_leak` = no gold boilerplate line in the cleaned text.
FIELDS = ("title", "date", "dek", "summary", "body", "no_leak")
_SEP = "\n\n"


class GoldError(ValueError):
    """A gold file is missing, malformed or contradicts itself."""


# --------------------------------------------------------------------------------------------
# Gold


def load_gold(gold_dir: Path = GOLD_DIR) -> dict[str, dict]:
    """Every case of `gold_dir` by name: the expected result plus `raw_path`, after sanity checks."""
    gold_dir = Path(gold_dir)
    cases: dict[str, dict] = {}
    for path in sorted(gold_dir.glob("*.json")):
        name = path.stem
        try:
            gold = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise GoldError(f"{path.name}: not JSON ({exc})") from None
        _check_gold(path.name, gold)
        raw = gold_dir / f"{name}.txt"
        if not raw.is_file():
            raise GoldError(f"{path.name}: the raw article {raw.name} is missing")
        cases[name] = {**gold, "raw_path": raw}
    orphans = sorted({p.stem for p in gold_dir.glob("*.txt")} - set(cases))
    if orphans:
        raise GoldError(f"raw articles without a gold file: {', '.join(orphans)}")
    if not cases:
        raise GoldError(f"no gold cases in {gold_dir}")
    return cases


def _check_gold(name: str, gold: object) -> None:
    if not isinstance(gold, dict) or set(gold) != set(GOLD_KEYS):
        raise GoldError(f"{name}: keys must be exactly {', '.join(GOLD_KEYS)}")

    def is_strings(value: object) -> bool:
        return isinstance(value, list) and all(isinstance(x, str) and x for x in value)

    if not isinstance(gold["title"], str) or not isinstance(gold["publication_date"], str):
        raise GoldError(f"{name}: title and publication_date must be strings")
    if gold["dek"] is not None and not (isinstance(gold["dek"], str) and gold["dek"]):
        raise GoldError(f"{name}: dek must be null or a non-empty string")
    for key in ("summary", "body_paragraphs", "boilerplate"):
        if not is_strings(gold[key]):
            raise GoldError(f"{name}: {key} must be a list of non-empty strings")
    if not gold["body_paragraphs"]:
        raise GoldError(f"{name}: an article needs at least one body paragraph")
    text = gold_text(gold)
    for line in gold["boilerplate"]:
        for needle in _needles(line):
            if needle in text:
                raise GoldError(f"{name}: boilerplate {needle!r} occurs in the gold text itself")


def gold_text(gold: dict) -> str:
    """The canonical text the gold implies: title, dek, summary bullets, body paragraphs."""
    parts = [gold["title"]] if gold["title"] else []
    parts += [gold["dek"]] if gold["dek"] else []
    return _SEP.join(parts + gold["summary"] + gold["body_paragraphs"])


def _needles(line: str) -> list[str]:
    """A boilerplate line, and its text after the first `|` (a caption's or byline's credit part)."""
    needles = [line]
    if "|" in line:
        tail = line.split("|", 1)[1].strip()
        if tail:
            needles.append(tail)
    return needles


# --------------------------------------------------------------------------------------------
# Scoring


def score_case(name: str, gold: dict, gold_dir: Path, settings: Settings) -> dict:
    """One case: which fields are right, a short diff for each wrong one, paragraph counts, leaks."""
    raw = read_article(gold["raw_path"], gold_dir, settings)
    result = raw if isinstance(raw, Quarantined) else clean_article(raw, settings)
    gold_paras = gold["body_paragraphs"]
    if isinstance(result, Quarantined):
        reason = f"quarantined at {result.stage}: {result.reason_code} ({result.reason})"
        return {
            "name": name,
            "quarantined": reason,
            "right": dict.fromkeys(FIELDS, False),
            "diffs": {"quarantine": reason},
            "paragraphs": {"matched": 0, "predicted": 0, "gold": len(gold_paras)},
            "leaked": [],
        }
    assert isinstance(result, Article)
    got_paras = result.body.split(_SEP) if result.body else []
    got = {
        "title": result.title,
        "date": result.publication_date.isoformat(),
        "dek": result.dek,
        "summary": list(result.summary),
        "body": got_paras,
    }
    want = {
        "title": gold["title"],
        "date": gold["publication_date"],
        "dek": gold["dek"],
        "summary": gold["summary"],
        "body": gold_paras,
    }
    leaked = [line for line in gold["boilerplate"] if any(n in result.text for n in _needles(line))]
    right = {f: got[f] == want[f] for f in want}
    right["no_leak"] = not leaked
    diffs = {f: _diff(want[f], got[f]) for f in want if not right[f]}
    if leaked:
        diffs["no_leak"] = "\n".join(f"leaked: {_short(line)}" for line in leaked)
    matched = sum((Counter(got_paras) & Counter(gold_paras)).values())
    return {
        "name": name,
        "quarantined": None,
        "right": right,
        "diffs": diffs,
        "paragraphs": {"matched": matched, "predicted": len(got_paras), "gold": len(gold_paras)},
        "leaked": leaked,
    }


def evaluate(gold_dir: Path | str = GOLD_DIR, settings: Settings | None = None) -> dict:
    """Score every gold case in `gold_dir`; the figures the report prints, as a dict.

    Keys: `n` (cases), `quarantined` (names), `fields` ({field: {"right", "n", "share"}}, with
    `all` = every field right), `paragraphs` (micro-averaged over all cases: `matched`,
    `predicted`, `gold`, `precision`, `recall`), `leaks` (`lines` leaked, `articles` with a leak,
    `boilerplate_lines` in the gold), `failing` (names of cases with a wrong field) and `cases`
    (per case: `right` per field, `diffs`, `paragraphs`, `leaked`, `quarantined`).
    """
    gold_dir = Path(gold_dir)
    settings = settings or Settings()
    gold = load_gold(gold_dir)
    cases = [score_case(name, g, gold_dir, settings) for name, g in gold.items()]
    n = len(cases)

    def tally(count: int) -> dict:
        return {"right": count, "n": n, "share": count / n}

    fields = {f: tally(sum(c["right"][f] for c in cases)) for f in FIELDS}
    fields["all"] = tally(sum(all(c["right"].values()) for c in cases))
    matched = sum(c["paragraphs"]["matched"] for c in cases)
    predicted = sum(c["paragraphs"]["predicted"] for c in cases)
    in_gold = sum(c["paragraphs"]["gold"] for c in cases)
    return {
        "gold_dir": str(gold_dir),
        "n": n,
        "quarantined": [c["name"] for c in cases if c["quarantined"]],
        "fields": fields,
        "paragraphs": {
            "matched": matched,
            "predicted": predicted,
            "gold": in_gold,
            "precision": matched / predicted if predicted else 0.0,
            "recall": matched / in_gold if in_gold else 0.0,
        },
        "leaks": {
            "lines": sum(len(c["leaked"]) for c in cases),
            "articles": sum(bool(c["leaked"]) for c in cases),
            "boilerplate_lines": sum(len(g["boilerplate"]) for g in gold.values()),
        },
        "failing": [c["name"] for c in cases if not all(c["right"].values())],
        "cases": cases,
    }


# --------------------------------------------------------------------------------------------
# Report


def _short(value: object, width: int = 100) -> str:
    text = "null" if value is None else str(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _clip(text: str, others: list[str], width: int = 100) -> str:
    """`text` shortened to `width`, around where it first differs from the closest of `others`."""
    if len(text) <= width:
        return text
    same = max((_common_prefix(text, o) for o in others), default=0)
    start = max(0, min(same - width // 3, len(text) - width + 3))
    head = "..." if start else ""
    body = text[start + len(head) :]
    return head + (body if len(head + body) <= width else body[: width - len(head) - 3] + "...")


def _diff(want: object, got: object) -> str:
    """A short diff: unified (no context) for lists, gold/cleaned lines for single values."""
    if isinstance(want, list) and isinstance(got, list):
        out = []
        for line in difflib.unified_diff(want, got, "gold", "cleaned", n=0, lineterm=""):
            sign, text = line[:1], line[1:]
            if line.startswith(("---", "+++", "@@")) or sign not in "+-":
                out.append(line)
            else:
                opposite = want if sign == "+" else got
                out.append(sign + _clip(text, [o for o in opposite if o != text]))
        return "\n".join(out)
    if isinstance(want, str) and isinstance(got, str):
        return f"- gold:    {_clip(want, [got])}\n+ cleaned: {_clip(got, [want])}"
    return f"- gold:    {_short(want)}\n+ cleaned: {_short(got)}"


def report(result: dict, verbose: bool = False) -> str:
    """The printed report for an `evaluate()` result."""
    n = result["n"]
    out = [
        f"cleaning evaluation: {n} gold articles in {result['gold_dir']} "
        f"({len(result['quarantined'])} quarantined)",
        "",
        f"{'field':<12}{'right':>8}{'share':>9}",
    ]
    labels = {f: f for f in FIELDS} | {"no_leak": "no leak", "all": "all fields"}
    for field, fig in result["fields"].items():
        out.append(f"{labels[field]:<12}{fig['right']:>4}/{n:<3}{100 * fig['share']:>8.1f}%")
    p, leaks = result["paragraphs"], result["leaks"]
    out += [
        "",
        f"body paragraphs: precision {p['precision']:.3f} ({p['matched']}/{p['predicted']} cleaned paragraphs "
        f"in the gold), recall {p['recall']:.3f} ({p['matched']}/{p['gold']} gold paragraphs found)",
        f"boilerplate leakage: {leaks['lines']} of {leaks['boilerplate_lines']} gold boilerplate lines found "
        f"in the cleaned text, in {leaks['articles']} of {n} articles",
        "",
    ]
    failing = [c for c in result["cases"] if c["name"] in result["failing"]]
    if not failing:
        out.append("failing cases: none")
    for case in failing:
        wrong = [f for f in FIELDS if not case["right"][f]]
        out.append(f"FAIL {case['name']}: {', '.join(wrong)}")
        if verbose:
            for field, diff in case["diffs"].items():
                out.append(f"  [{field}]")
                out += [f"    {line}" for line in diff.splitlines()]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score article cleaning against the hand-made gold.")
    parser.add_argument(
        "--verbose", "-v", action="store_true", help="show a short diff for each failing case"
    )
    parser.add_argument("--gold", type=Path, default=GOLD_DIR, help="gold folder (default: %(default)s)")
    args = parser.parse_args(argv)
    print(report(evaluate(args.gold), verbose=args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())

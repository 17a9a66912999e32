"""Score near-duplicate detection on a corpus built from the Wikinews articles, and print figures.

    .venv/bin/python evaluation/dedup.py [--wikinews DIR]

The corpus: every Wikinews article in `../shared/data/wikinews/` (30 stories on four topics:
Airbus, Apple, General Motors, stock markets, so many pairs share a topic and vocabulary), plus for
each story three republications made with a fixed random seed: a light edit (a word in 50
replaced), a heavier one (a word in 20 replaced and the last sentence dropped) and a re-paragraphed
copy with a sentence added. Truth: two articles are duplicates when they come from the same story.
Pairwise precision, recall and F1 are printed, with the runtime, for exact-or-near detection as the
pipeline runs it (`pipeline.dedup.near_duplicate_pairs` over the bodies).
"""

from __future__ import annotations

import argparse
import itertools
import random
import time
from pathlib import Path

from pipeline.dedup import near_duplicate_pairs

ROOT = Path(__file__).resolve().parent.parent
WIKINEWS = ROOT.parent / "shared" / "data" / "wikinews"
SEED = 20251017


def _body(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n", 1)[1].split("\n\n") if p.strip()]


def _replace_words(paragraphs: list[str], every: int, rng: random.Random) -> list[str]:
    out = []
    for p in paragraphs:
        words = p.split(" ")
        out.append(
            " ".join(
                rng.choice(["said", "the", "new", "also", "reported"]) if rng.random() < 1 / every else w
                for w in words
            )
        )
    return out


def build_corpus(folder: Path) -> tuple[list[str], list[int]]:
    """Bodies and the story each comes from."""
    rng = random.Random(SEED)
    bodies, story = [], []
    for n, path in enumerate(sorted(folder.glob("*.txt"))):
        paras = _body(path)
        variants = [
            paras,
            _replace_words(paras, 50, rng),
            _replace_words(paras[:-1] if len(paras) > 3 else paras, 20, rng),
            [" ".join(paras[i : i + 3]) for i in range(0, len(paras), 3)] + ["The report was updated later."],
        ]
        for v in variants:
            bodies.append("\n\n".join(v))
            story.append(n)
    return bodies, story


def evaluate(folder: Path = WIKINEWS) -> dict:
    bodies, story = build_corpus(folder)
    start = time.perf_counter()
    predicted = set(near_duplicate_pairs(bodies))
    seconds = time.perf_counter() - start
    truth = {(i, j) for i, j in itertools.combinations(range(len(bodies)), 2) if story[i] == story[j]}
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "articles": len(bodies),
        "stories": len(set(story)),
        "true_pairs": len(truth),
        "predicted_pairs": len(predicted),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wikinews", type=Path, default=WIKINEWS)
    args = parser.parse_args()
    r = evaluate(args.wikinews)
    print(
        f"near-duplicate detection: {r['articles']} articles from {r['stories']} stories "
        f"({r['true_pairs']} duplicate pairs)"
    )
    print(
        f"pairwise precision {r['precision']:.3f}  recall {r['recall']:.3f}  F1 {r['f1']:.3f}  "
        f"({r['predicted_pairs']} pairs predicted, {r['seconds']:.2f} s)"
    )


if __name__ == "__main__":
    main()

"""Fit the weights of the extractor's confidence score and write `pipeline/data/confidence.json`.

    .venv/bin/python evaluation/calibrate.py          # fit, print, write
    .venv/bin/python evaluation/calibrate.py --dry-run

The confidence of a mention is a logistic function of a few features of how it was found
(`pipeline.events.CONFIDENCE_FEATURES`: a verbal or nominal trigger, which actors have countries,
a target read from the place, a trigger word with several readings, ...). The weights are fitted by
L2-regularised logistic regression on the dev, dev2 and dev3 sentences (a mention is right when it has
the sentence's gold type) and the synthetic gold articles (right when it matches a gold event by
type and actors). The held-back test, test2 and test3 sentences are not used, so `evaluation/events.py
--set test2` shows how well the score is calibrated on unseen text.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from evaluation.events import GOLD, load_articles, load_sentences, matches, sentence_article  # noqa: E402
from pipeline import run  # noqa: E402
from pipeline.config import Settings  # noqa: E402
from pipeline.events import CONFIDENCE_FEATURES, extract_article, parse_sentences  # noqa: E402
from pipeline.nlp import get_nlp  # noqa: E402

OUT = ROOT / "pipeline" / "data" / "confidence.json"
DEV_SETS = ("dev", "dev2", "dev3")  # the sets used while building; test, test2, test3 stay held back


def mentions_by_file(files: dict[str, str]) -> dict[str, list]:
    with tempfile.TemporaryDirectory() as tmp:
        for stem, text in files.items():
            (Path(tmp) / f"{stem}.txt").write_text(text, encoding="utf-8")
        settings = Settings(input_dir=Path(tmp), output_dir=Path(tmp) / "out")
        articles, _ = run.clean(run.ingest(settings).raw, settings)
    todo = [a for a in articles if a.extractable]
    out = {}
    for article, docs in zip(todo, parse_sentences(todo, get_nlp()), strict=True):
        out[Path(article.source_file).stem] = extract_article(article, docs)
    return out


def _row(m) -> dict:
    return {
        "event_type": m.event_type,
        "source_country": m.source.country if m.source else None,
        "target_country": m.target.country if m.target else None,
    }


def training_data() -> tuple[np.ndarray, np.ndarray]:
    x, y = [], []
    items = [g for name in DEV_SETS for g in load_sentences(GOLD / f"sentences_{name}.jsonl")]
    found = mentions_by_file({g["id"]: sentence_article(g, "neutral") for g in items})
    for g in items:
        for m in found.get(g["id"], []):
            x.append([m.features[k] for k in CONFIDENCE_FEATURES])
            y.append(m.event_type == g["type"])
    articles = {k: v for k, v in load_articles(GOLD / "articles").items() if k.startswith("synthetic")}
    found = mentions_by_file({stem: text for stem, (text, _) in articles.items()})
    for stem, (_, gold) in articles.items():
        for m in found.get(stem, []):
            x.append([m.features[k] for k in CONFIDENCE_FEATURES])
            y.append(any(matches(g, _row(m), strict=False) for g in gold["events"]))
    return np.array(x, dtype=float), np.array(y, dtype=float)


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 5000, rate: float = 0.5) -> np.ndarray:
    """Logistic regression by gradient descent; returns [intercept, *weights]."""
    xb = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xb.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-xb @ w))
        grad = xb.T @ (p - y) / len(y) + l2 * np.r_[0, w[1:]] / len(y)
        w -= rate * grad
    return w


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="print the weights, do not write them")
    args = parser.parse_args(argv)
    x, y = training_data()
    w = fit(x, y)
    print(f"{len(y)} mentions, {int(y.sum())} right ({y.mean():.3f})")
    print(f"  intercept {w[0]:+.3f}")
    for name, value in zip(CONFIDENCE_FEATURES, w[1:], strict=True):
        print(
            f"  {name:<18} {value:+.3f}   (share of mentions with it: {x[:, CONFIDENCE_FEATURES.index(name)].astype(bool).mean():.2f})"
        )
    if not args.dry_run:
        data = json.loads(OUT.read_text(encoding="utf-8"))
        data["intercept"] = round(float(w[0]), 3)
        data["weights"] = {k: round(float(v), 3) for k, v in zip(CONFIDENCE_FEATURES, w[1:], strict=True)}
        OUT.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

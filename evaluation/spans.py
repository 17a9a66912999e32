"""Shared helpers for the dates and places evaluations: gold loading, the CLI run, span matching."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "evaluation" / "time_places_gold" / "gold.jsonl"
#: Parts of the gold: all; the 30 Wikinews and 15 own articles the rules were developed on
#: ("dev"); the 6 held-out articles written after the rules were frozen, scored once.
PARTS = ("all", "dev", "wikinews", "own", "heldout")


def part_of(row: dict) -> str:
    if row["id"].startswith("heldout-"):
        return "heldout"
    return "wikinews" if row["id"].startswith("wikinews-") else "own"


def load_gold(path: Path = GOLD) -> list[dict]:
    """The articles of `gold.jsonl` (built by `time_places_gold/build.py`)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for r in rows:
        for item in r["times"] + r["places"]:
            if r["text"][item["start"] : item["end"]] != item["text"]:
                raise ValueError(f"{r['id']}: offsets of {item['text']!r} do not match the text")
    return rows


def run_cli(command: str, lines: Sequence[dict]) -> tuple[dict[str, dict], float]:
    """Feed JSON lines to `python -m pipeline COMMAND --jsonl` (the user's path); (output by id, seconds)."""
    import time

    payload = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)
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
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"pipeline {command} failed ({proc.returncode}): {proc.stderr.strip()}")
    out = {}
    for line in proc.stdout.splitlines():
        obj = json.loads(line)
        out[obj["id"]] = obj
    return out, seconds


def overlap(a: dict, b: dict) -> int:
    return max(0, min(a["end"], b["end"]) - max(a["start"], b["start"]))


def match(gold: Sequence[dict], pred: Sequence[dict], strict: bool) -> list[tuple[int, int]]:
    """One-to-one (gold index, predicted index) pairs: exact spans when `strict`, else any overlap,
    the largest overlaps first."""
    pairs = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            if strict:
                if g["start"] == p["start"] and g["end"] == p["end"]:
                    pairs.append((g["end"] - g["start"], i, j))
            else:
                o = overlap(g, p)
                if o > 0:
                    pairs.append((o, i, j))
    pairs.sort(key=lambda t: -t[0])
    used_g, used_p, out = set(), set(), []
    for _, i, j in pairs:
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        out.append((i, j))
    return out


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def fmt_prf(label: str, tp: int, n_pred: int, n_gold: int, width: int = 34) -> str:
    p, r, f = prf(tp, n_pred, n_gold)
    return f"{label:<{width}} P {p:.3f}  R {r:.3f}  F1 {f:.3f}   (tp {tp}, predicted {n_pred}, gold {n_gold})"


def subsets(rows: list[dict], key: Callable[[dict], str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {"all": rows, "dev": []}
    for r in rows:
        part = key(r)
        out.setdefault(part, []).append(r)
        if part != "heldout":
            out["dev"].append(r)
    return out

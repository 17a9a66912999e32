"""Fuzz the reading side at scale: seeded hostile landing folders through ingest and clean.

    .venv/bin/python benchmarks/fuzz.py                          # 3 seeds x 10 000 random files
    .venv/bin/python benchmarks/fuzz.py --n 50000 --seeds 4 5    # bigger folders
    .venv/bin/python benchmarks/fuzz.py --heavy --per-file       # + the slowest legal files, timed one by one

Each run writes a folder with `tests/fuzz_inputs.build_corpus` (the random files plus links out of
the folder, FIFOs, a device, a socket, a 50 MB line, a million empty lines, a 1 200-level tree,
duplicates, hostile names...) and runs `tests/fuzz_run.py` on it in a subprocess (ingest, clean,
tables written and checked, as `pipeline.run.process` does without extraction), with a timeout.
It reports the files fuzzed, crashes (a non-zero exit or a timeout), files whose outcome broke an
expectation, the quarantine counts by reason, peak RSS (`ru_maxrss`, and what imports and models
alone take) and the time. CI runs one seed of 1 000 (`tests/test_fuzz.py`); seed 9 is CI's.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fuzz_inputs import build_corpus, remove_tree, unlock  # noqa: E402
from tests.fuzz_run import problems  # noqa: E402

TODAY = dt.date(2026, 11, 25)


def run_one(seed: int, n: int, heavy: bool, per_file: bool, timeout: float, work: Path) -> dict:
    base = work / f"seed{seed}"
    corpus = build_corpus(base / "in", seed=seed, n=n, today=TODAY, heavy=heavy)
    report_path = base / "report.json"
    args = ["--input", str(corpus.folder), "--output", str(base / "out"), "--report", str(report_path)]
    args += ["--today", TODAY.isoformat()] + (["--per-file"] if per_file else [])
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIPELINE_")}
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "tests.fuzz_run", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        crashed = proc.returncode != 0 and proc.stderr[-2000:]
    except subprocess.TimeoutExpired:
        crashed = f"timed out after {timeout:.0f} s"
    finally:
        unlock(corpus)
    result = {"seed": seed, "files": len(corpus.cases), "crash": crashed or None, "skipped": corpus.skipped}
    if not crashed:
        report = json.loads(report_path.read_text(encoding="utf-8"))
        result.update(
            problems=problems(corpus, report),
            outcomes=collections.Counter(o["outcome"] for o in report["outcomes"]),
            rss_mib={k: v // 1024 for k, v in report["rss_kb"].items()},
            seconds=report["seconds"],
            slowest=sorted(report["timings"], key=lambda t: -(t["read"] + t["clean"]))[:8],
        )
    remove_tree(base)
    return result


def show(r: dict) -> None:
    print(f"\nseed {r['seed']}: {r['files']} files", end="")
    if r["crash"]:
        print(f"  CRASH: {r['crash']}")
        return
    s, m = r["seconds"], r["rss_mib"]
    print(
        f", {len(r['problems'])} broken expectations, {s['process']:.1f} s in all, peak RSS {m['peak']} MiB"
    )
    print("  stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in s.items() if k != "process"))
    print(f"  RSS after imports and models {m['baseline']} MiB, after cleaning {m['after_clean']} MiB")
    print("  outcomes: " + ", ".join(f"{k} {v}" for k, v in r["outcomes"].most_common()))
    for p in r["problems"][:20]:
        print(f"  PROBLEM {p}")
    for t in r["slowest"]:
        print(f"  slow: read {t['read']:.3f} s, clean {t['clean']:.3f} s  {t['source_file'][:90]}")
    if r["skipped"]:
        print("  not created on this machine: " + "; ".join(r["skipped"]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="random files per folder (default 10 000)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--heavy", action="store_true", help="add the slowest files within the limits")
    parser.add_argument("--per-file", action="store_true", help="time each file (finds the slowest)")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.work) as work:
        results = [
            run_one(s, args.n, args.heavy, args.per_file, args.timeout, Path(work)) for s in args.seeds
        ]
    for r in results:
        show(r)
    files = sum(r["files"] for r in results)
    crashes = sum(bool(r["crash"]) for r in results)
    broken = sum(len(r.get("problems", [])) for r in results)
    print(f"\nin all: {files} files fuzzed, {crashes} crashes, {broken} broken expectations")
    return 1 if crashes or broken else 0


if __name__ == "__main__":
    sys.exit(main())

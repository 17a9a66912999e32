"""Killed runs, at scale: SIGKILL `pipeline process` and a Dagster materialization (`python -m
assets`) at seeded random moments, re-run, and compare the tables with a clean run's.

    .venv/bin/python benchmarks/kills.py                      # 300 Reuters articles, 6 kills per way
    .venv/bin/python benchmarks/kills.py -n 1000 --kills 10 --seed 3
    .venv/bin/python benchmarks/kills.py --data seeds -n 8    # any folder of raw articles

Each kill lands after the run has written a seeded number of files (1 to 40) into the output that
the earlier kills left behind, plus a seeded delay of up to half a second, so kills fall in every
stage: cleaning and extraction of a batch, writing its files, committing the registry, the dataset
refresh. After the last
kill one run finishes the job. Printed per way: kills that landed (a run that finished first does
not count), rows per table lost, extra or changed against the clean run, duplicate ids, orphan
mentions and temporary files left. `tests/test_crash.py` runs the same functions on a small folder.
Reuters-21578 is research-only: the files are copied into a temporary folder, never into the repository.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import storage  # noqa: E402
from pipeline.schema import TABLES  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "reuters"
WAYS = {"process": ["-m", "pipeline", "process"], "dagster": ["-m", "assets"]}


def run_env(landing: Path, out: Path, home: Path | None = None, **extra: str) -> dict:
    """The environment of a run over `landing` into `out` (with a Dagster home for `dagster`)."""
    env = {**os.environ, "PIPELINE_INPUT_DIR": str(landing), "PIPELINE_OUTPUT_DIR": str(out), **extra}
    if home is not None:
        home.mkdir(parents=True, exist_ok=True)
        (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
        env["DAGSTER_HOME"] = str(home)
    return env


def files_under(folder: Path) -> int:
    """Files below the folder, tolerating the run renaming and removing them meanwhile."""
    return sum(len(files) for _, _, files in os.walk(folder))


def killed(cmd: list[str], env: dict, out: Path, new_files: int, delay: float) -> bool:
    """Start the command in its own process group; once it has written `new_files` more files
    into `out` (temporary ones count), wait `delay` seconds and SIGKILL the whole group (workers
    included). True when it was killed, False when it finished first. Progress, not the clock,
    places the kill, so it lands inside the run's work (past start-up) on machines of any speed."""
    target = files_under(out) + new_files
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    while proc.poll() is None and files_under(out) < target:
        time.sleep(0.005)
    time.sleep(delay)
    if proc.poll() is not None:
        return False
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return True


def finished(cmd: list[str], env: dict) -> float:
    """Run the command to the end; its duration. Raises with its output when it fails."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}"
        )
    return time.perf_counter() - start


def kill_points(
    rng: random.Random, n: int, max_files: int, max_delay: float = 0.5
) -> list[tuple[int, float]]:
    """`n` seeded kill points: (files the run writes first, then seconds before the kill). Keep
    `n * max_files` and the delays well inside a run's work, or the last runs finish first."""
    return [(rng.randint(1, max_files), rng.uniform(0.0, max_delay)) for _ in range(n)]


def compare(out: Path, reference: Path) -> dict[str, int]:
    """What differs between an output and a clean run's: counts, all zero when they are equal."""
    found = {"lost": 0, "extra": 0, "changed": 0, "duplicate_ids": 0, "orphan_mentions": 0}
    found["temporary_files"] = sum(1 for p in (out / "tables").rglob("*") if p.name.startswith("."))
    for name, table in TABLES.items():
        got, want = storage.read_table(out, name), storage.read_table(reference, name)
        if got.equals(want):
            continue
        key = table.key or tuple(want.columns)
        got_rows, want_rows = _by_key(got, key), _by_key(want, key)
        found["lost"] += len(want_rows.keys() - got_rows.keys())
        found["extra"] += len(got_rows.keys() - want_rows.keys())
        found["duplicate_ids"] += got.height - len(got_rows)
        found["changed"] += sum(got_rows[k] != want_rows[k] for k in got_rows.keys() & want_rows.keys())
    events, mentions = storage.read_table(out, "events"), storage.read_table(out, "event_mentions")
    found["orphan_mentions"] = int((~mentions["event_id"].is_in(events["event_id"].implode())).sum())
    return found


def _by_key(frame, key: tuple[str, ...]) -> dict[tuple, dict]:
    return {tuple(row[k] for k in key): row for row in frame.iter_rows(named=True)}


def survive(way: str, landing: Path, work: Path, reference: Path, kills: int, rng: random.Random) -> dict:
    """Kill one way of running `kills` times, finish it, and compare with the reference."""
    cmd = [sys.executable, *WAYS[way]]
    home = work / "home" if way == "dagster" else None
    env = run_env(landing, work / "out", home)
    landed = sum(killed(cmd, env, work / "out", n, delay) for n, delay in kill_points(rng, kills, 40))
    took = finished(cmd, env)
    return {"way": way, "kills": landed, "last_run_s": round(took, 1), **compare(work / "out", reference)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=300, help="articles (default 300)")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--kills", type=int, default=6, help="kills per way of running (default 6)")
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument(
        "--batch-size", type=int, default=50, help="files per batch (default 50: several batches)"
    )
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"no data at {args.data}", file=sys.stderr)
        return 2
    files = sorted(args.data.glob("*.txt"))[: args.n]
    rng = random.Random(args.seed)
    os.environ["PIPELINE_BATCH_SIZE"] = str(args.batch_size)
    with tempfile.TemporaryDirectory(prefix="kills-") as tmp_name:
        tmp = Path(tmp_name)
        landing = tmp / "in"
        landing.mkdir()
        for f in files:
            shutil.copy2(f, landing / f.name)
        reference = tmp / "reference"
        finished([sys.executable, *WAYS["process"]], run_env(landing, reference))
        rows = {name: storage.read_table(reference, name).height for name in TABLES}
        print(f"{len(files)} articles from {args.data}, batches of {args.batch_size}; clean run rows: {rows}")
        failed = False
        for way in WAYS:
            result = survive(way, landing, tmp / way, reference, args.kills, rng)
            print("  ".join(f"{k}={v}" for k, v in result.items()), flush=True)
            failed |= any(
                result[k]
                for k in ("lost", "extra", "changed", "duplicate_ids", "orphan_mentions", "temporary_files")
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Killed runs lose nothing: SIGKILL at seeded random moments during `pipeline process` and during
a Dagster materialization (`python -m assets`), then a re-run; the tables equal a clean run's, no
temporary file is left, no row is duplicated and no mention is orphaned."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline import storage
from pipeline.config import Settings
from pipeline.run import process
from pipeline.schema import TABLES

from .conftest import ROOT, write

BODIES = [
    "Kenyan police arrested twelve opposition supporters in Nairobi on Monday.",
    "Ghana and Togo signed a border security agreement in Accra on Tuesday.",
    "Russia accused Ukraine of shelling a power plant near Zaporizhzhia.",
    "Chile recalled its ambassador to Venezuela after the disputed election.",
    "Protesters marched through Dhaka to demand the release of jailed students.",
    "India sent two ships carrying rice and medicine to flood-hit Sri Lanka.",
]
N_FILES = 12
BATCH = "2"  # six batches: kills land in different batches and stages


def landing(folder: Path) -> Path:
    for i in range(N_FILES):
        write(
            folder,
            f"s{i:02d}.txt",
            f"date 2025-0{1 + i % 6}-1{i % 9} Story {i}\n\n{BODIES[i % len(BODIES)]}\n",
        )
    return folder


def env(landing_dir: Path, out: Path, home: Path | None = None) -> dict:
    e = {
        **os.environ,
        "PIPELINE_INPUT_DIR": str(landing_dir),
        "PIPELINE_OUTPUT_DIR": str(out),
        "PIPELINE_BATCH_SIZE": BATCH,
        "PIPELINE_WORKERS": "1",
    }
    if home is not None:
        home.mkdir(parents=True, exist_ok=True)
        (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
        e["DAGSTER_HOME"] = str(home)
    return e


def killed(cmd: list[str], environ: dict, after: float) -> bool:
    """Start the command in its own process group and SIGKILL the group after `after` seconds;
    True when it was killed (False when it had finished first)."""
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        proc.wait(timeout=after)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return True


def finished(cmd: list[str], environ: dict) -> None:
    proc = subprocess.run(cmd, cwd=ROOT, env=environ, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]


def assert_like(out: Path, reference: Path) -> None:
    leftovers = [p for p in (out / "tables").rglob("*") if p.name.startswith(".")]
    assert leftovers == [], leftovers
    for name in TABLES:
        got, want = storage.read_table(out, name), storage.read_table(reference, name)
        assert got.equals(want), name
    events, mentions = storage.read_table(out, "events"), storage.read_table(out, "event_mentions")
    assert events["event_id"].is_unique().all() and mentions["mention_id"].is_unique().all()
    assert set(mentions["event_id"]) <= set(events["event_id"])


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    root = tmp_path_factory.mktemp("crash-reference")
    settings = Settings(
        input_dir=landing(root / "in"), output_dir=root / "out", batch_size=int(BATCH), workers=1
    )
    summary = process(settings)
    assert all(f.passed for f in summary.findings)
    return root / "out"


def kill_times(rng: random.Random, cmd: list[str], environ: dict, n: int) -> list[float]:
    """`n` seeded moments within a clean run of the command (timed here, into a scratch output),
    so the kills land in the run's work on machines of any speed: after start-up, before the end."""
    start = time.perf_counter()
    finished(cmd, environ)
    took = time.perf_counter() - start
    return [rng.uniform(0.3, 0.95) * took for _ in range(n)]


def test_process_killed_at_random_moments_then_rerun_equals_a_clean_run(tmp_path, reference):
    land = landing(tmp_path / "in")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline", "process"]
    moments = kill_times(random.Random(20261201), cmd, env(land, tmp_path / "timing"), 4)
    kills = sum(killed(cmd, env(land, out), after=t) for t in moments)
    assert kills >= 2  # the run was interrupted, not just run
    finished(cmd, env(land, out))
    assert_like(out, reference)


def test_dagster_run_killed_mid_materialization_then_rerun_equals_a_clean_run(tmp_path, reference):
    land = landing(tmp_path / "in")
    out, home = tmp_path / "out", tmp_path / "home"
    cmd = [sys.executable, "-m", "assets"]
    moments = kill_times(random.Random(7), cmd, env(land, tmp_path / "timing", tmp_path / "timing-home"), 2)
    kills = sum(killed(cmd, env(land, out, home), after=t) for t in moments)
    assert kills >= 1
    finished(cmd, env(land, out, home))
    assert_like(out, reference)

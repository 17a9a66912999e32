"""Killed runs lose nothing: SIGKILL at seeded random moments during `pipeline process` and during
a Dagster materialization (`python -m assets`), then a re-run; the tables equal a clean run's, no
temporary file is left, no row is duplicated and no mention is orphaned. `benchmarks/kills.py` does
the same on hundreds of articles."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from benchmarks.kills import compare, finished, kill_points, killed, run_env
from pipeline.config import Settings
from pipeline.run import process

from .conftest import write

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
# A clean run writes 53 files in about two seconds of work: four kills after at most 8 new files
# and 0.05 s each land inside it (longer ones left the last runs nothing to interrupt).
MAX_FILES, MAX_DELAY = 8, 0.05


def landing(folder: Path) -> Path:
    for i in range(N_FILES):
        write(
            folder,
            f"s{i:02d}.txt",
            f"date 2025-0{1 + i % 6}-1{i % 9} Story {i}\n\n{BODIES[i % len(BODIES)]}\n",
        )
    return folder


def env(landing_dir: Path, out: Path, home: Path | None = None) -> dict:
    return run_env(landing_dir, out, home, PIPELINE_BATCH_SIZE=BATCH, PIPELINE_WORKERS="1")


def assert_like(out: Path, reference: Path) -> None:
    assert compare(out, reference) == {
        "lost": 0,
        "extra": 0,
        "changed": 0,
        "duplicate_ids": 0,
        "orphan_mentions": 0,
        "temporary_files": 0,
    }


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    root = tmp_path_factory.mktemp("crash-reference")
    settings = Settings(
        input_dir=landing(root / "in"), output_dir=root / "out", batch_size=int(BATCH), workers=1
    )
    summary = process(settings)
    assert all(f.passed for f in summary.findings)
    return root / "out"


def test_process_killed_at_random_points_then_rerun_equals_a_clean_run(tmp_path, reference):
    land, out = landing(tmp_path / "in"), tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline", "process"]
    points = kill_points(random.Random(20261201), 4, MAX_FILES, MAX_DELAY)
    kills = sum(killed(cmd, env(land, out), out, n, delay) for n, delay in points)
    assert kills >= 3  # the run was interrupted, not just run
    finished(cmd, env(land, out))
    assert_like(out, reference)


def test_dagster_run_killed_mid_materialization_then_rerun_equals_a_clean_run(tmp_path, reference):
    land, out, home = landing(tmp_path / "in"), tmp_path / "out", tmp_path / "home"
    cmd = [sys.executable, "-m", "assets"]
    points = kill_points(random.Random(7), 3, MAX_FILES, MAX_DELAY)
    kills = sum(killed(cmd, env(land, out, home), out, n, delay) for n, delay in points)
    assert kills >= 2
    finished(cmd, env(land, out, home))
    assert_like(out, reference)

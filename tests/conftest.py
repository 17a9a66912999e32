"""Shared fixtures: the bundled seeds, the shared gold, and settings pointing at temporary folders."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.config import Settings

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED_ARTICLE = SEEDS / "000_21979369e48d99d7.txt"
SHARED = ROOT.parent / "shared"
TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(input_dir=tmp_path / "in", output_dir=tmp_path / "out")


@pytest.fixture
def landing(settings: Settings) -> Path:
    settings.input_dir.mkdir(parents=True)
    return settings.input_dir


@pytest.fixture
def shared() -> Path:
    if not (SHARED / "gold").is_dir():
        pytest.skip(f"{SHARED} (the shared gold and data) is not beside this checkout")
    return SHARED


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path

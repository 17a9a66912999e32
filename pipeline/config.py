"""Run settings, read from the environment (the same variables for the CLI and Dagster)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

BACKENDS = ("local", "dask")
#: The most PIPELINE_MAX_SENTENCE_CHARS may be: the spaCy model's `max_length` (a longer sentence
#: would make extraction raise instead of being quarantined).
MAX_SENTENCE_CHARS = 1_000_000


class ConfigError(ValueError):
    """A setting has a value the pipeline cannot use; the message names the variable and the fix."""


@dataclass(frozen=True)
class Settings:
    """Where to read, where to write, and the limits applied before parsing."""

    input_dir: Path = Path("seeds")
    output_dir: Path = Path("data")
    backend: str = "local"
    dask_address: str | None = None
    batch_size: int = 500  # input files per batch (the unit of work and of Dagster partitions)
    workers: int = 0  # local worker processes for cleaning and extraction (0: one per core)
    max_file_bytes: int = 5_000_000
    max_article_chars: int = 200_000
    max_sentence_chars: int = 5_000

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ConfigError(f"PIPELINE_BACKEND={self.backend!r}: use one of {', '.join(BACKENDS)}")
        if self.backend == "dask" and not self.dask_address:
            raise ConfigError("PIPELINE_BACKEND=dask needs PIPELINE_DASK_ADDRESS (e.g. tcp://host:8786)")
        if self.workers < 0:
            raise ConfigError(f"PIPELINE_WORKERS must be 0 (one per core) or more, got {self.workers}")
        for name in ("batch_size", "max_file_bytes", "max_article_chars", "max_sentence_chars"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{ENV_NAMES[name]} must be a positive integer, got {getattr(self, name)}")
        if self.max_sentence_chars > MAX_SENTENCE_CHARS:
            raise ConfigError(
                f"PIPELINE_MAX_SENTENCE_CHARS={self.max_sentence_chars} is over {MAX_SENTENCE_CHARS}: "
                "spaCy parses one sentence at a time and refuses longer texts"
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> Settings:
        """Settings from `PIPELINE_*` variables; keyword overrides win over the environment."""
        env = os.environ if environ is None else environ
        values: dict = {}
        for f in fields(cls):
            raw = env.get(ENV_NAMES[f.name])
            if raw is None or raw == "":
                continue
            if f.name in ("input_dir", "output_dir"):
                values[f.name] = Path(raw)
            elif f.type == "int":
                try:
                    values[f.name] = int(raw)
                except ValueError:
                    raise ConfigError(f"{ENV_NAMES[f.name]}={raw!r} is not an integer") from None
            else:
                values[f.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values) if values else cls()


ENV_NAMES: dict[str, str] = {
    "input_dir": "PIPELINE_INPUT_DIR",
    "output_dir": "PIPELINE_OUTPUT_DIR",
    "backend": "PIPELINE_BACKEND",
    "dask_address": "PIPELINE_DASK_ADDRESS",
    "batch_size": "PIPELINE_BATCH_SIZE",
    "workers": "PIPELINE_WORKERS",
    "max_file_bytes": "PIPELINE_MAX_FILE_BYTES",
    "max_article_chars": "PIPELINE_MAX_ARTICLE_CHARS",
    "max_sentence_chars": "PIPELINE_MAX_SENTENCE_CHARS",
}

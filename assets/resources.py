"""Resources: where to read and write and the limits, configurable in the UI's launchpad.

Defaults come from the `PIPELINE_*` environment variables (see `pipeline.config`), so `make run`,
`make ui` and the CLI read the same configuration.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipeline import storage
from pipeline.config import Settings


class PipelineConfig(dg.ConfigurableResource):
    """Landing folder, output folder, compute backend and input limits."""

    input_dir: str = "seeds"
    output_dir: str = "data"
    backend: str = "local"
    dask_address: str = ""
    batch_size: int = 500
    workers: int = 0
    max_file_bytes: int = 5_000_000
    max_article_chars: int = 200_000
    max_sentence_chars: int = 5_000
    #: Seconds a step waits for another run's lock on the output folder before failing.
    lock_timeout: float = storage.LOCK_TIMEOUT

    @classmethod
    def from_env(cls) -> PipelineConfig:
        s = Settings.from_env()
        return cls(
            input_dir=str(s.input_dir),
            output_dir=str(s.output_dir),
            backend=s.backend,
            dask_address=s.dask_address or "",
            batch_size=s.batch_size,
            workers=s.workers,
            max_file_bytes=s.max_file_bytes,
            max_article_chars=s.max_article_chars,
            max_sentence_chars=s.max_sentence_chars,
        )

    def settings(self) -> Settings:
        return Settings(
            input_dir=Path(self.input_dir),
            output_dir=Path(self.output_dir),
            backend=self.backend,
            dask_address=self.dask_address or None,
            batch_size=self.batch_size,
            workers=self.workers,
            max_file_bytes=self.max_file_bytes,
            max_article_chars=self.max_article_chars,
            max_sentence_chars=self.max_sentence_chars,
        )

    @property
    def output(self) -> Path:
        return Path(self.output_dir)

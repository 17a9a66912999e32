"""Settings come from the PIPELINE_* environment variables, with clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import ConfigError, Settings


def test_defaults_and_environment():
    assert Settings.from_env({}).input_dir == Path("seeds")
    s = Settings.from_env(
        {"PIPELINE_INPUT_DIR": "/in", "PIPELINE_BATCH_SIZE": "8", "PIPELINE_MAX_FILE_BYTES": "99"}
    )
    assert (s.input_dir, s.batch_size, s.max_file_bytes) == (Path("/in"), 8, 99)


def test_overrides_win():
    assert Settings.from_env({"PIPELINE_OUTPUT_DIR": "/a"}, output_dir=Path("/b")).output_dir == Path("/b")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PIPELINE_BATCH_SIZE": "ten"}, "PIPELINE_BATCH_SIZE"),
        ({"PIPELINE_MAX_FILE_BYTES": "0"}, "PIPELINE_MAX_FILE_BYTES"),
        ({"PIPELINE_BACKEND": "spark"}, "PIPELINE_BACKEND"),
        ({"PIPELINE_BACKEND": "dask"}, "PIPELINE_DASK_ADDRESS"),
    ],
)
def test_bad_values_name_the_variable(env, message):
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)

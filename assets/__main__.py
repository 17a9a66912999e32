"""`python -m assets`: materialize every asset once (what `make run` does) and print what was written."""

from __future__ import annotations

import sys

if __name__ == "__main__":
    # Worker processes re-import this module (as `__mp_main__`): they must neither run it again
    # nor pay for importing Dagster, so every import is in here. The plan is made before Dagster
    # is imported, so that when there are batches to build the workers load the models meanwhile.
    # The environment is the configuration the Dagster resource reads too (`PipelineConfig.from_env`).
    from pipeline import run, storage
    from pipeline.config import Settings

    plan = run.prepare(Settings.from_env(), print, storage.LOCK_TIMEOUT)

    from assets.run_all import main

    sys.exit(main(plan))

"""Materialize every asset in-process against the local Dagster instance and report the outcome.

Runs land in the instance under DAGSTER_HOME, so they show up in `make ui` afterwards.
"""

from __future__ import annotations

import os

import dagster as dg

from assets.definitions import defs
from assets.resources import PipelineConfig
from pipeline import storage


def materialize_everything(
    config: PipelineConfig, instance: dg.DagsterInstance | None = None, log_level: str = "INFO"
) -> dg.ExecuteInProcessResult:
    """Run the `materialize_all` job (every asset and check) in this process."""
    job = defs.resolve_job_def("materialize_all")
    run_config = {"loggers": {"console": {"config": {"log_level": log_level}}}}
    return job.execute_in_process(
        run_config=run_config, instance=instance, resources={"pipeline": config}, raise_on_error=False
    )


def main() -> int:
    config = defs.resources["pipeline"]
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    print(f"materializing all assets: input {config.input_dir} -> output {config.output_dir}")
    res = materialize_everything(config, instance)
    out = config.output
    print("\ntables written:")
    for name in ("articles", "events", "event_mentions", "quarantine"):
        frame = storage.read_table(out, name)
        print(f"  {name:16} {frame.height:7d} rows  {storage.table_dir(out, name)}")
    print("\nchecks:")
    failed_errors = 0
    for ev in res.get_asset_check_evaluations():
        status = "ok" if ev.passed else ev.severity.value
        failed_errors += (not ev.passed) and ev.severity == dg.AssetCheckSeverity.ERROR
        msg = ev.description or ""
        print(f"  {ev.asset_key.to_user_string():18} {ev.check_name:34} {status:5} {msg}")
    quarantine = storage.read_table(out, "quarantine")
    if quarantine.height:
        print("\nquarantined files:")
        for row in quarantine.iter_rows(named=True):
            print(f"  {row['source_file']}: {row['reason_code']} ({row['reason']})")
    ok = res.success and not failed_errors
    print(f"\n{'success' if ok else 'FAILED'}: run {res.run_id}")
    return 0 if ok else 1

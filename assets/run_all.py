"""Materialize everything in the landing folder in-process against the local Dagster instance.

What `make run` does: plan the batches as the sensor would (`run.prepare`: new and changed files,
batches that lost files; the workers start loading the models), add their partitions, run
`process_batches` for each batch, then `refresh_dataset` once. Runs land in the instance under
DAGSTER_HOME, so they show up in `make ui` afterwards.
"""

from __future__ import annotations

import os

import dagster as dg

from assets.definitions import defs
from assets.partitions import BATCHES
from assets.resources import PipelineConfig
from pipeline import inventory, run, storage
from pipeline.schema import TABLES


def _run_config(log_level: str) -> dict:
    return {"loggers": {"console": {"config": {"log_level": log_level}}}}


def materialize_everything(
    config: PipelineConfig,
    instance: dg.DagsterInstance | None = None,
    log_level: str = "INFO",
    plan: inventory.Plan | None = None,
) -> list[dg.ExecuteInProcessResult]:
    """Process every batch the landing folder needs, then refresh the dataset; one result per run.
    `plan`: what `run.prepare` returned for this configuration, when the caller prepared already."""
    instance = instance or dg.DagsterInstance.ephemeral()
    if plan is None:
        plan = run.prepare(config.settings(), print, config.lock_timeout)
    for batch_id in plan.deleted:
        instance.delete_dynamic_partition(BATCHES.name, batch_id)
    known = set(instance.get_dynamic_partitions(BATCHES.name))
    instance.add_dynamic_partitions(
        BATCHES.name, [b.batch_id for b in plan.batches if b.batch_id not in known]
    )
    results = []
    batch_job = defs.resolve_job_def("process_batches")
    for batch in plan.batches:
        results.append(
            batch_job.execute_in_process(
                run_config=_run_config(log_level),
                instance=instance,
                partition_key=batch.batch_id,
                resources={"pipeline": config},
                raise_on_error=False,
            )
        )
    results.append(
        defs.resolve_job_def("refresh_dataset").execute_in_process(
            run_config=_run_config(log_level),
            instance=instance,
            resources={"pipeline": config},
            raise_on_error=False,
        )
    )
    return results


def main(plan: inventory.Plan | None = None) -> int:
    config = defs.resources["pipeline"]
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    print(f"materializing: input {config.input_dir} -> output {config.output_dir}")
    results = materialize_everything(config, instance, plan=plan)
    out = config.output
    print("\ntables written:")
    for name in TABLES:
        frame = storage.read_table(out, name, [TABLES[name].column_names[0]])
        print(f"  {name:22} {frame.height:7d} rows  {storage.table_dir(out, name)}")
    print("\nchecks:")
    failed_errors = 0
    for res in results:
        for ev in res.get_asset_check_evaluations():
            status = "ok" if ev.passed else ev.severity.value
            failed_errors += (not ev.passed) and ev.severity == dg.AssetCheckSeverity.ERROR
            partition = f"[{ev.partition}]" if getattr(ev, "partition", None) else ""
            print(
                f"  {ev.asset_key.to_user_string() + partition:40} {ev.check_name:34} {status:5} {ev.description or ''}"
            )
    quarantine = storage.read_table(out, "quarantine")
    if quarantine.height:
        print("\nquarantined files:")
        for row in quarantine.sort("source_file").iter_rows(named=True):
            print(f"  {row['source_file']}: {row['reason_code']} ({row['reason']})")
    ok = all(r.success for r in results) and not failed_errors
    print(f"\n{'success' if ok else 'FAILED'}: {len(results)} runs")
    return 0 if ok else 1

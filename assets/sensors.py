"""The landing-folder sensor: new, changed and removed files become batch runs.

Every tick compares the landing folder with the registry (`pipeline.inventory.plan`, which reads
file sizes and times only, hashing just the files whose time changed). New files are grouped into
new batches: each gets a dynamic partition and a run of `ingest_batch`. A batch that lost files is
re-run with the files it still has; a batch with none left is deleted and its partition removed,
and the dataset assets are refreshed.
"""

import dagster as dg

from assets.partitions import BATCHES
from assets.resources import PipelineConfig
from pipeline import inventory, run, storage

INGEST_JOB = "ingest_batch"
REFRESH_JOB = "refresh_dataset"


@dg.sensor(
    name="landing_folder_sensor",
    job_name=INGEST_JOB,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Watch the landing folder (PIPELINE_INPUT_DIR): new or changed files become a batch "
    "partition and a run; removed files rebuild or delete their batch.",
)
def landing_folder_sensor(context: dg.SensorEvaluationContext, pipeline: PipelineConfig) -> dg.SensorResult:
    out = pipeline.output
    settings = pipeline.settings()
    plan = inventory.plan(settings.input_dir, out, settings.batch_size)
    if plan.empty and not plan.restat:
        return dg.SensorResult(skip_reason=f"nothing new: {plan.describe()}")
    with storage.run_lock(out, timeout=pipeline.lock_timeout):
        run.apply_plan(out, plan)
    known = set(context.instance.get_dynamic_partitions(BATCHES.name))
    new_keys = [b.batch_id for b in plan.batches if b.batch_id not in known]
    requests = [
        dg.RunRequest(run_key=f"{b.batch_id}:{inventory.manifest_digest(b)}", partition_key=b.batch_id)
        for b in plan.batches
    ]
    if plan.deleted and not plan.batches:
        requests.append(dg.RunRequest(run_key=f"refresh:{'+'.join(plan.deleted)}", job_name=REFRESH_JOB))
    context.log.info(plan.describe())
    return dg.SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=[
            *([BATCHES.build_add_request(new_keys)] if new_keys else []),
            *([BATCHES.build_delete_request(plan.deleted)] if plan.deleted else []),
        ],
    )

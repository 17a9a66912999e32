"""The Dagster UI as a user meets it: the real `dagster dev` on 127.0.0.1 over a landing folder
of three seed files; the landing-folder sensor picks them up as a batch and launches its run; a
second run is launched through the GraphQL API; the check results the graph shows; and a screenshot
of the asset graph in headless Chromium.

The server gets a private DAGSTER_HOME, and is killed with its whole process group at the end.
Chromium is Debian's `chromium`: `.ci/run` installs it and sets NEWSEVENTS_CI=1, so in CI a missing
browser fails the test; elsewhere the screenshot test skips.
"""

from __future__ import annotations

import os
import shutil

import dagster
import pytest

from pipeline import quality
from scripts import dagster_ui

from .conftest import SEED_ARTICLE, SEEDS

SEED_FILES = [SEED_ARTICLE.name, "wikinews-115711.txt", "wikinews-264435.txt"]
ASSETS = {
    "raw_articles",
    "cleaned_articles",
    "extracted_events",
    "articles",
    "events",
    "event_mentions",
    "quarantine",
    "event_clusters",
    "event_cluster_members",
    "actors",
    "events_duckdb",
}
#: Check names a check may have: the constants of pipeline.quality.
CHECK_NAMES = {
    v
    for k, v in vars(quality).items()
    if k.isupper() and isinstance(v, str) and v not in (quality.ERROR, quality.WARN)
}
#: Checks the graph must carry at least (asset, check), by the library's constants.
REQUIRED_CHECKS = {
    ("raw_articles", quality.FILES_ACCOUNTED),
    ("raw_articles", quality.QUARANTINE_REASONS_CHECK),
    ("cleaned_articles", quality.ROWS_VALID),
    ("cleaned_articles", quality.UNIQUE_IDS),
    ("cleaned_articles", quality.DATES_VALID),
    ("cleaned_articles", quality.BODIES_PRESENT),
    ("cleaned_articles", quality.BOILERPLATE_GONE),
    ("extracted_events", quality.ROWS_VALID),
    ("extracted_events", quality.OFFSETS_MATCH),
    ("extracted_events", quality.FUTURE_EVENTS),
    ("events", quality.FOREIGN_KEYS),
    ("events", quality.COUNTS_RECONCILE),
    ("event_clusters", quality.CLUSTER_TYPES),
    ("events_duckdb", quality.FOREIGN_KEYS),
    ("events_duckdb", quality.COUNTS_RECONCILE),
    *(
        (table, check)
        for table in ("articles", "events", "event_mentions", "quarantine")
        for check in (quality.SCHEMA_MATCHES, quality.ROWS_VALID)
    ),
}


def name(node: dict) -> str:
    return "/".join(node["assetKey"]["path"])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("ui")
    landing = root / "in"
    landing.mkdir()
    for seed in SEED_FILES:
        shutil.copy2(SEEDS / seed, landing / seed)
    dev = dagster_ui.DagsterDev(root / "home", landing, root / "out")
    dev.start()
    try:
        dev.wait_ready(timeout=180)
        yield dev
    finally:
        leftover = dev.stop(grace=10)
    assert leftover == [], f"processes left in dagster dev's group after SIGKILL: {leftover}"


@pytest.fixture(scope="module")
def sensor_run(server):
    run = server.wait_for_sensor_run(timeout=180)  # the daemon's first sensor tick plans the batch
    server.wait_for_run(run, timeout=300)  # raises with the run's error events and the log tail
    return run


@pytest.fixture(scope="module")
def launched_run(server, sensor_run):
    run = server.launch(dagster_ui.JOB)
    server.wait_for_run(run, timeout=300)
    return run


@pytest.fixture(scope="module")
def nodes(server, sensor_run, launched_run):
    return server.asset_nodes()


def test_the_webserver_answers_with_our_definitions(server):
    info = server.get("/server_info")
    assert info["dagster_webserver_version"] == info["dagster_version"] == dagster.__version__
    selector = server.job_selector(dagster_ui.JOB)
    assert selector["repositoryLocationName"] == "assets.definitions"


def test_new_files_are_picked_up_and_every_asset_materializes(server, sensor_run, launched_run, nodes):
    assert {name(n) for n in nodes} >= ASSETS
    runs = {sensor_run, launched_run}
    stale = [name(n) for n in nodes if not {m["runId"] for m in n["assetMaterializations"]} & runs]
    assert stale == [], f"assets without a materialization from runs {runs}"
    out = server.env["PIPELINE_OUTPUT_DIR"]
    assert all(
        any(os.scandir(os.path.join(out, "tables", t))) for t in ("articles", "events", "event_mentions")
    )
    assert os.path.exists(os.path.join(out, "events.duckdb"))


def test_every_asset_check_ran_and_passed(server, sensor_run, launched_run, nodes):
    declared = {(name(n), c["name"]): c for n in nodes for c in n["assetChecksOrError"].get("checks", [])}
    assert all(n["assetChecksOrError"]["__typename"] == "AssetChecks" for n in nodes)
    assert set(declared) >= REQUIRED_CHECKS, f"missing checks: {sorted(REQUIRED_CHECKS - set(declared))}"
    unknown = {check for _, check in declared} - CHECK_NAMES
    assert unknown == set(), f"check names not defined in pipeline.quality: {unknown}"

    # What the asset graph shows: each check's execution for the latest materialization.
    failed = []
    for key, check in sorted(declared.items()):
        execution = check["executionForLatestMaterialization"] or {}
        evaluation = execution.get("evaluation") or {}
        if (
            execution.get("runId") not in (sensor_run, launched_run)
            or execution.get("status") != "SUCCEEDED"
            or not evaluation.get("success")
        ):
            failed.append(
                (key, execution.get("status"), evaluation.get("severity"), evaluation.get("description"))
            )
    assert failed == [], "checks that did not pass:\n" + "\n".join(map(str, failed))

    # And the runs' own event logs: every evaluation passed, and every declared check was evaluated.
    evaluations = server.check_evaluations(sensor_run) + server.check_evaluations(launched_run)
    evaluated = {("/".join(e["assetKey"]["path"]), e["checkName"]) for e in evaluations}
    assert evaluated == set(declared)
    assert all(e["success"] for e in evaluations)


@pytest.fixture(scope="module")
def chromium():
    found = dagster_ui.find_chromium()
    if found is None:
        message = "Chromium not found (Debian: apt-get install chromium); the asset graph screenshot needs it"
        if os.environ.get("NEWSEVENTS_CI"):
            pytest.fail(message + " — .ci/run installs it, so in CI this is an error")
        pytest.skip(message)
    return found


def test_screenshot_of_the_asset_graph(chromium, server, nodes, tmp_path):
    assert server.set_nux_seen() is True  # dismiss the first-load community pop-up
    png = dagster_ui.screenshot_asset_graph(
        server.url,
        tmp_path / "asset-graph.png",
        [n["assetKey"]["path"][-1] for n in nodes],
        [n["groupName"] for n in nodes],
        chromium=chromium,
    )
    assert dagster_ui.png_size(png) == (1600, 1000)
    # A blank or error page compresses to a few KiB; the drawn graph is well over 50 KiB.
    assert png.stat().st_size > 50_000

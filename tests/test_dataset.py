"""The dataset users query: actors, the DuckDB catalog of views, and the README's queries, run as
written in DuckDB and in Polars against the seeds."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import duckdb
import polars as pl
import pytest

from pipeline import dataset, run, storage
from pipeline.config import Settings
from pipeline.schema import TABLES

from .conftest import ROOT, SEEDS


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    root = tmp_path_factory.mktemp("dataset")
    shutil.copytree(SEEDS, root / "in")
    run.process(Settings(input_dir=root / "in", output_dir=root / "data"))
    return root


def readme_blocks(language: str) -> dict[str, str]:
    """The README's code blocks marked `<!-- tested: name -->`, by name, for one language."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.findall(r"<!-- tested: (\S+) -->\n```(\w+)\n(.*?)```", text, flags=re.S)
    return {name: code for name, lang, code in found if lang == language}


def test_actors_gather_every_role_with_their_words():
    events = pl.DataFrame(
        {
            "event_id": ["e1", "e2", "e3"],
            "publication_date": [dt.date(2025, 1, 2), dt.date(2025, 1, 5), dt.date(2025, 1, 9)],
            "source_name": ["Russia", "Ukraine", "Russia"],
            "source_country": ["RUS", "UKR", "RUS"],
            "source_sector": ["GOV", "GOV", "GOV"],
            "source_text": ["Moscow", "Kyiv", "the Kremlin"],
            "target_name": ["Ukraine", "Russia", None],
            "target_country": ["UKR", "RUS", None],
            "target_sector": ["GOV", "GOV", None],
            "target_text": ["Ukraine", "Russia", None],
        }
    )
    actors = dataset.actors_frame(events)
    russia = actors.filter(pl.col("name") == "Russia").row(0, named=True)
    assert russia["aliases"] == ["Moscow", "Russia", "the Kremlin"]
    assert (russia["first_seen"], russia["last_seen"], russia["num_events"]) == (
        dt.date(2025, 1, 2),
        dt.date(2025, 1, 9),
        3,
    )
    assert actors.height == 2 and actors["actor_id"].n_unique() == 2
    assert dataset.actors_frame(events)["actor_id"].to_list() == actors["actor_id"].to_list()


def test_catalog_has_a_view_per_table_over_the_files(processed):
    con = duckdb.connect(str(processed / "data" / dataset.CATALOG), read_only=True)
    views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert views == set(TABLES)
    for name in TABLES:
        n = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
        assert n == storage.read_table(processed / "data", name).height, name
    years = con.execute("SELECT DISTINCT year FROM events").fetchall()  # Hive partition columns
    assert years and all(isinstance(y, int) for (y,) in years)


def test_readme_queries_run_in_duckdb_and_polars_and_agree(processed, monkeypatch):
    sql, py = readme_blocks("sql"), readme_blocks("python")
    assert set(sql) == set(py) == {"per-week", "dyad", "near"}
    con = duckdb.connect(str(processed / "data" / dataset.CATALOG), read_only=True)
    monkeypatch.chdir(processed)  # the Polars snippets read data/tables/...
    results = {}
    for name in sql:
        rows = con.execute(sql[name]).fetchall()
        scope: dict = {}
        exec(py[name], scope)
        frame = next(v for k, v in scope.items() if isinstance(v, pl.DataFrame))
        assert len(rows) == frame.height, name
        results[name] = (rows, frame)
    assert results["per-week"][1]["events"].sum() == storage.read_table(processed / "data", "events").height
    _, dyad = results["dyad"]
    assert dyad.height > 0 and set(dyad["event_type"]) >= {"CONSULT"}  # the seed article's summit and call
    near_rows, near = results["near"]
    assert near.height > 0 and (near["km"] < 100).all()
    assert [r[1] for r in near_rows] == near["location_name"].to_list()

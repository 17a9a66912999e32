"""Tables derived from every batch, and the DuckDB catalog over all tables.

After the batches are written, the dataset-wide tables are rebuilt from the events table:
`event_clusters` and `event_cluster_members` (`pipeline.clusters`, near-linear), `actors` (one row
per canonical actor, with the words the articles used for it). They are written whole and
atomically; clustering again after new articles arrive never rewrites an event partition, since
membership has its own table.

`write_catalog` writes `<output>/events.duckdb`: a DuckDB database holding only views over the
Parquet files (no copy), so `duckdb data/events.duckdb` opens every table by name.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from pipeline import storage
from pipeline.clusters import cluster_events
from pipeline.ids import stable_id
from pipeline.schema import ACTORS, EVENT_CLUSTER_MEMBERS, EVENT_CLUSTERS, TABLES

CATALOG = "events.duckdb"
#: Tables written batch by batch into year/month folders (views read them with Hive partitioning,
#: so `year` and `month` are columns a query can prune on).
PARTITIONED = ("articles", "events", "event_mentions")


def actors_frame(events: pl.DataFrame) -> pl.DataFrame:
    """One row per canonical actor (name, country, sector) of the events."""
    roles = [
        events.select(
            "event_id",
            "publication_date",
            pl.col(f"{role}_name").alias("name"),
            pl.col(f"{role}_country").alias("country"),
            pl.col(f"{role}_sector").alias("sector"),
            pl.col(f"{role}_text").alias("text"),
        )
        for role in ("source", "target")
    ]
    both = pl.concat(roles).filter(pl.col("name").is_not_null())
    if not both.height:
        return ACTORS.empty()
    grouped = (
        both.group_by(["name", "country", "sector"])
        .agg(
            pl.col("text").drop_nulls().unique().sort().alias("aliases"),
            pl.col("publication_date").min().alias("first_seen"),
            pl.col("publication_date").max().alias("last_seen"),
            pl.col("event_id").n_unique().cast(pl.Int32).alias("num_events"),
        )
        .sort(["name", "country", "sector"], nulls_last=True)
    )
    ids = [stable_id("actor", n, c, s) for n, c, s in grouped.select("name", "country", "sector").iter_rows()]
    return grouped.with_columns(pl.Series("actor_id", ids)).select(ACTORS.column_names)


def build(output_dir: Path) -> dict[str, int]:
    """Rebuild the derived tables from the events on disk; returns their row counts."""
    events = storage.read_table(output_dir, "events")
    clusters, members = cluster_events(events)
    storage.write_table(output_dir, EVENT_CLUSTERS, clusters)
    storage.write_table(output_dir, EVENT_CLUSTER_MEMBERS, members)
    actors = actors_frame(events)
    storage.write_table(output_dir, ACTORS, actors)
    return {
        "event_clusters": clusters.height,
        "event_cluster_members": members.height,
        "actors": actors.height,
    }


def view_sql(output_dir: Path, name: str) -> str:
    """The statement that defines a table's view in the catalog."""
    folder = storage.table_dir(output_dir, name).resolve()
    hive = "true" if name in PARTITIONED else "false"
    return (
        f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet("
        f"'{folder.as_posix()}/**/*.parquet', hive_partitioning = {hive}, union_by_name = true)"
    )


def write_catalog(output_dir: Path) -> Path:
    """Write `<output>/events.duckdb` with one view per table (atomically: built aside, renamed)."""
    import duckdb

    final = Path(output_dir) / CATALOG
    tmp = storage.tmp_beside(final)
    try:
        con = duckdb.connect(str(tmp))
        try:
            for name, table in TABLES.items():
                if storage.table_files(output_dir, name):
                    con.execute(view_sql(output_dir, name))
                else:  # no file yet: an empty table with the codebook's columns, so queries still run
                    empty = table.empty().to_arrow()  # noqa: F841 (read by DuckDB's replacement scan)
                    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM empty")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    return final

"""Materialization metadata: row counts, column schema from the codebook, a markdown preview."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl

from pipeline.schema import Table


def column_schema(table: Table) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                c.name,
                c.type_name,
                description=c.description,
                constraints=dg.TableColumnConstraints(nullable=c.nullable, unique=c.unique),
            )
            for c in table.columns
        ]
    )


def markdown_preview(frame: pl.DataFrame, columns: list[str], rows: int = 5, width: int = 60) -> str:
    cols = [c for c in columns if c in frame.columns]
    if not cols or frame.height == 0:
        return "_no rows_"

    def cell(v: object) -> str:
        s = "" if v is None else str(v)
        s = s.replace("|", "\\|").replace("\n", " ")
        return s if len(s) <= width else s[: width - 1] + "…"

    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame.select(cols).head(rows).iter_rows():
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    return "\n".join(lines)


def counts_markdown(frame: pl.DataFrame, column: str) -> str:
    if frame.height == 0:
        return "_no rows_"
    counts = frame.group_by(column).len().sort(["len", column], descending=[True, False])
    return "\n".join(
        [f"| {column} | rows |", "|---|---|"] + [f"| {k} | {n} |" for k, n in counts.iter_rows()]
    )


def table_metadata(table: Table, frame: pl.DataFrame, path: Path, preview: list[str]) -> dict:
    return {
        "dagster/row_count": frame.height,
        "dagster/column_schema": column_schema(table),
        "path": dg.MetadataValue.path(str(path)),
        "preview": dg.MetadataValue.md(markdown_preview(frame, preview)),
    }


def removed_markdown(summary: dict[str, dict[str, int]]) -> str:
    if not summary:
        return "_nothing removed_"
    rows = [f"| {cat} | {v['lines']} | {v['chars']} |" for cat, v in summary.items()]
    return "\n".join(["| category | lines | characters |", "|---|---|---|", *rows])

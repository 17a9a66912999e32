"""Data-quality rules as pure functions that return findings.

The Dagster asset checks call these; so do the CLI and the tests. A finding says whether the
rule passed, how bad a failure is (`error` stops bad data, `warn` informs), and carries
metadata that says what failed and where.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl
import pyarrow as pa

from pipeline.clean import classify
from pipeline.reference import QUARANTINE_REASONS
from pipeline.schema import TABLES, row_schema

ERROR = "error"
WARN = "warn"

# Check names, shared by the library, the Dagster checks and the tests.
FILES_ACCOUNTED = "every_file_accounted_for"
ROWS_VALID = "rows_follow_codebook"
UNIQUE_IDS = "ids_unique"
DATES_VALID = "publication_dates_valid"
BODIES_PRESENT = "bodies_not_empty"
SHORT_BODIES = "short_bodies"
BOILERPLATE_GONE = "boilerplate_gone"
BOILERPLATE_SHARE = "boilerplate_share"
LANGUAGE_MIX = "language_mix"
DUPLICATE_RATE = "duplicate_rate"
QUARANTINE_REASONS_CHECK = "quarantine_reasons_known"
OFFSETS_MATCH = "offsets_point_at_sentences"
FUTURE_EVENTS = "future_events_planned_or_possible"
PUBLICATION_FALLBACK = "publication_date_fallback_share"
SCHEMA_MATCHES = "schema_matches_codebook"
COUNTS_RECONCILE = "counts_reconcile"
FOREIGN_KEYS = "foreign_keys_hold"
CLUSTER_TYPES = "cluster_members_share_event_type"
CLUSTER_MEMBERS = "cluster_members_reconcile"
EXTRACTION_FAILURES = "extraction_failures"

#: The quarantine stage of articles whose events could not be extracted: the article itself is
#: kept (it is in `articles`), so these rows are not counted as rejected input files.
EXTRACT_STAGE = "extract"


@dataclass(frozen=True)
class Finding:
    check: str
    passed: bool
    severity: str
    message: str
    metadata: dict = field(default_factory=dict)


def _sample(df: pl.DataFrame, cols: list[str], n: int = 5) -> list[dict]:
    return df.select([c for c in cols if c in df.columns]).head(n).to_dicts()


def files_accounted(n_files: int, n_articles: int, n_quarantined: int) -> Finding:
    ok = n_files == n_articles + n_quarantined
    return Finding(
        FILES_ACCOUNTED,
        ok,
        ERROR,
        f"{n_files} files read = {n_articles} articles + {n_quarantined} quarantined"
        if ok
        else f"{n_files} files read but {n_articles} articles + {n_quarantined} quarantined: "
        f"{n_files - n_articles - n_quarantined} lost",
        {"files": n_files, "articles": n_articles, "quarantined": n_quarantined},
    )


def rows_valid(table_name: str, df: pl.DataFrame) -> Finding:
    """Every row follows the codebook: types, nulls, closed vocabularies, ranges, unique ids."""
    schema = row_schema(table_name)
    table = TABLES[table_name]
    df = df.select(table.column_names) if all(c in df.columns for c in table.column_names) else df
    missing = [c for c in table.column_names if c not in df.columns]
    if missing:
        return Finding(
            ROWS_VALID, False, ERROR, f"{table_name}: missing columns {missing}", {"missing_columns": missing}
        )
    df = df.cast(table.polars_schema(), strict=False)
    _, failures = schema.filter(df, cast=True)
    counts = failures.counts()
    bad = failures.invalid()
    ok = not counts
    msg = (
        f"{df.height} {table_name} rows follow the codebook"
        if ok
        else f"{bad.height} of {df.height} {table_name} rows break rules: "
        + ", ".join(f"{k} ({v})" for k, v in sorted(counts.items()))
    )
    key = list(table.key) or table.column_names[:1]
    return Finding(
        ROWS_VALID,
        ok,
        ERROR,
        msg,
        {"rows": df.height, "failures": dict(counts), "failing_rows": _sample(bad, key)},
    )


def unique_ids(table_name: str, df: pl.DataFrame) -> Finding:
    key = list(TABLES[table_name].key)
    dupes = df.filter(pl.struct(key).is_duplicated()) if df.height else df
    ok = dupes.height == 0
    return Finding(
        UNIQUE_IDS,
        ok,
        ERROR,
        f"{table_name}: {', '.join(key)} unique over {df.height} rows"
        if ok
        else f"{table_name}: {dupes.height} rows share an id",
        {"duplicates": _sample(dupes, key)},
    )


def publication_dates_valid(articles: pl.DataFrame, today: dt.date | None = None) -> Finding:
    today = today or dt.date.today()
    bad = articles.filter(
        (pl.col("publication_date") < dt.date(1900, 1, 1))
        | (pl.col("publication_date") > today)
        | pl.col("publication_date").is_null()
    )
    ok = bad.height == 0
    return Finding(
        DATES_VALID,
        ok,
        ERROR,
        "all publication dates between 1900 and today"
        if ok
        else f"{bad.height} articles have a publication date outside 1900..{today}",
        {"bad": _sample(bad, ["source_file", "publication_date"])},
    )


def bodies_present(articles: pl.DataFrame, min_chars: int = 1) -> Finding:
    bad = articles.filter(pl.col("body").str.strip_chars().str.len_chars() < min_chars)
    ok = bad.height == 0
    return Finding(
        BODIES_PRESENT,
        ok,
        ERROR,
        f"all {articles.height} articles have body text"
        if ok
        else f"{bad.height} articles have an empty body",
        {"empty": _sample(bad, ["source_file"])},
    )


def short_bodies(articles: pl.DataFrame, min_chars: int = 200) -> Finding:
    bad = articles.filter(pl.col("body").str.len_chars() < min_chars)
    return Finding(
        SHORT_BODIES,
        bad.height == 0,
        WARN,
        f"{bad.height} of {articles.height} articles have a body under {min_chars} characters",
        {"short": _sample(bad, ["source_file"]), "count": bad.height},
    )


def boilerplate_gone(articles: pl.DataFrame) -> Finding:
    """No line left in any body is page chrome by the cleaning rules."""
    leaks = []
    for row in articles.select("source_file", "body").iter_rows():
        for para in row[1].split("\n\n"):
            if classify(para) not in ("content", "bullet"):
                leaks.append({"source_file": row[0], "line": para[:120]})
    ok = not leaks
    return Finding(
        BOILERPLATE_GONE,
        ok,
        ERROR,
        "no page chrome left in any body" if ok else f"{len(leaks)} chrome lines left in bodies",
        {"leaks": leaks[:10]},
    )


def boilerplate_share(articles: pl.DataFrame, max_share: float = 0.5) -> Finding:
    """Warn about articles that lost more than `max_share` of their text to boilerplate removal."""
    df = articles.with_columns(
        (pl.col("boilerplate_chars") / (pl.col("boilerplate_chars") + pl.col("text").str.len_chars())).alias(
            "share"
        )
    )
    bad = df.filter(pl.col("share") > max_share)
    overall = float(df["share"].mean() or 0.0) if df.height else 0.0
    return Finding(
        BOILERPLATE_SHARE,
        bad.height == 0,
        WARN,
        f"mean boilerplate share {overall:.1%}; {bad.height} articles lost over {max_share:.0%}",
        {"mean_share": round(overall, 4), "over_limit": _sample(bad, ["source_file", "share"])},
    )


def language_mix(articles: pl.DataFrame) -> Finding:
    counts = dict(articles.group_by("language").len().sort("len", descending=True).iter_rows())
    other = sum(v for k, v in counts.items() if k not in ("en",))
    return Finding(
        LANGUAGE_MIX,
        True,
        WARN,
        f"{counts.get('en', 0)} English, {other} other or undetermined (not extracted)",
        {"languages": counts},
    )


def duplicate_rate(articles: pl.DataFrame) -> Finding:
    n = articles.height
    dup = articles.filter(pl.col("duplicate_of").is_not_null()).height
    return Finding(
        DUPLICATE_RATE,
        True,
        WARN,
        f"{dup} of {n} articles are duplicates ({dup / n:.1%})" if n else "no articles",
        {"duplicates": dup, "articles": n},
    )


def quarantine_summary(quarantine: pl.DataFrame, n_files: int) -> Finding:
    counts = dict(quarantine.group_by("reason_code").len().iter_rows()) if quarantine.height else {}
    unknown = [c for c in counts if c not in QUARANTINE_REASONS]
    share = quarantine.height / n_files if n_files else 0.0
    return Finding(
        QUARANTINE_REASONS_CHECK,
        not unknown,
        ERROR,
        f"{quarantine.height} of {n_files} files quarantined ({share:.1%})"
        + (f"; unknown reason codes {unknown}" if unknown else ""),
        {
            "by_reason": counts,
            "share": round(share, 4),
            "files": _sample(quarantine, ["source_file", "reason_code", "reason"], 20),
        },
    )


def extraction_failures(quarantine: pl.DataFrame, n_articles: int) -> Finding:
    """Articles whose extraction raised (a bug to report): kept in `articles`, without events."""
    failed = quarantine.filter(pl.col("stage") == EXTRACT_STAGE)
    return Finding(
        EXTRACTION_FAILURES,
        failed.height == 0,
        WARN,
        f"events extracted from every article of {n_articles}"
        if failed.height == 0
        else f"extraction failed on {failed.height} of {n_articles} articles (kept without events; "
        "see the quarantine rows with stage 'extract')",
        {"failed": failed.height, "files": _sample(failed, ["source_file", "reason"], 20)},
    )


def offsets_match(rows: pl.DataFrame, articles: pl.DataFrame, trigger: bool = False) -> Finding:
    """`text[sentence_start:sentence_end]` is the quoted sentence (and the trigger, for mentions)."""
    texts = dict(articles.select("article_id", "text").iter_rows())
    bad = []
    cols = ["article_id", "sentence_start", "sentence_end", "sentence_text"]
    if trigger:
        cols += ["trigger_start", "trigger_end", "trigger_text"]
    for r in rows.select(cols).iter_rows(named=True):
        text = texts.get(r["article_id"])
        ok = text is not None and text[r["sentence_start"] : r["sentence_end"]] == r["sentence_text"]
        if ok and trigger:
            ok = text[r["trigger_start"] : r["trigger_end"]] == r["trigger_text"]
        if not ok:
            bad.append({k: r[k] for k in ("article_id", "sentence_start", "sentence_end")})
    return Finding(
        OFFSETS_MATCH,
        not bad,
        ERROR,
        f"all {rows.height} offsets point at their sentence"
        if not bad
        else f"{len(bad)} of {rows.height} rows have offsets that do not match the article text",
        {"bad": bad[:10]},
    )


def future_events(events: pl.DataFrame) -> Finding:
    bad = events.filter(
        (pl.col("event_date") > pl.col("publication_date")) & ~pl.col("status").is_in(["planned", "possible"])
    )
    return Finding(
        FUTURE_EVENTS,
        bad.height == 0,
        WARN,
        "no event dated after its article unless planned or possible"
        if bad.height == 0
        else f"{bad.height} events are dated after their article but not planned or possible",
        {"events": _sample(bad, ["event_id", "event_date", "publication_date", "status"])},
    )


def publication_fallback(events: pl.DataFrame) -> Finding:
    n = events.height
    k = events.filter(pl.col("date_basis") == "publication").height
    return Finding(
        PUBLICATION_FALLBACK,
        True,
        WARN,
        f"{k} of {n} events ({k / n:.0%}) fell back to the publication date" if n else "no events",
        {"fallback": k, "events": n, "share": round(k / n, 4) if n else 0.0},
    )


def schema_matches(table_name: str, stored: pa.Schema | None) -> Finding:
    expected = TABLES[table_name].arrow_schema()
    if stored is None:  # no rows, so no files (readers get the codebook's empty table)
        return Finding(SCHEMA_MATCHES, True, ERROR, f"{table_name}: no rows, so no files to check", {})
    got = [(f.name, _type_key(f.type)) for f in stored]
    want = [(f.name, _type_key(f.type)) for f in expected]
    ok = got == want
    diff = sorted(set(got) ^ set(want))
    return Finding(
        SCHEMA_MATCHES,
        ok,
        ERROR,
        f"{table_name}: {len(want)} columns as in the codebook"
        if ok
        else f"{table_name}: columns differ from the codebook: {diff[:6]}",
        {"difference": diff},
    )


def _type_key(t: pa.DataType) -> str:
    """A type's name without the list item field's name (Parquet writes `element`, Arrow `item`)."""
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return f"list<{_type_key(t.value_type)}>"
    return str(t)


def counts_reconcile(
    n_files: int,
    articles: pl.DataFrame,
    quarantine: pl.DataFrame,
    events: pl.DataFrame,
    mentions: pl.DataFrame,
) -> Finding:
    problems = []
    rejected = quarantine.filter(pl.col("stage") != EXTRACT_STAGE)
    if n_files != articles.height + rejected.height:
        problems.append(f"{n_files} inputs != {articles.height} articles + {rejected.height} quarantined")
    unkept = set(quarantine.filter(pl.col("stage") == EXTRACT_STAGE)["source_file"]) - set(
        articles["source_file"]
    )
    if unkept:
        problems.append(
            f"{len(unkept)} files failed extraction but have no articles row: {sorted(unkept)[:5]}"
        )
    if mentions.height < events.height:
        problems.append(f"{mentions.height} mentions < {events.height} events")
    counted = events["mention_count"].sum() if events.height else 0
    if counted != mentions.height:
        problems.append(f"events count {counted} mentions but the mentions table has {mentions.height}")
    return Finding(
        COUNTS_RECONCILE,
        not problems,
        ERROR,
        "row counts reconcile across tables" if not problems else "; ".join(problems),
        {
            "inputs": n_files,
            "articles": articles.height,
            "quarantine": quarantine.height,
            "events": events.height,
            "mentions": mentions.height,
        },
    )


def foreign_keys(articles: pl.DataFrame, events: pl.DataFrame, mentions: pl.DataFrame) -> Finding:
    orphan_events = events.join(articles.select("article_id"), on="article_id", how="anti")
    orphan_mentions = mentions.join(events.select("event_id"), on="event_id", how="anti")
    eventless = events.join(mentions.select("event_id").unique(), on="event_id", how="anti")
    ok = orphan_events.height == 0 and orphan_mentions.height == 0 and eventless.height == 0
    return Finding(
        FOREIGN_KEYS,
        ok,
        ERROR,
        "every event has its article and every mention its event"
        if ok
        else f"{orphan_events.height} events without article, {orphan_mentions.height} mentions "
        f"without event, {eventless.height} events without mention",
        {
            "orphan_events": _sample(orphan_events, ["event_id", "article_id"]),
            "orphan_mentions": _sample(orphan_mentions, ["mention_id", "event_id"]),
        },
    )


def cluster_types_agree(events: pl.DataFrame, clusters: pl.DataFrame, members: pl.DataFrame) -> Finding:
    """Every member event has its cluster's event type."""
    typed = members.join(events.select("event_id", "event_type"), on="event_id").join(
        clusters.select("cluster_id", pl.col("event_type").alias("cluster_type")), on="cluster_id"
    )
    bad = typed.filter(pl.col("event_type") != pl.col("cluster_type"))
    return Finding(
        CLUSTER_TYPES,
        bad.height == 0,
        ERROR,
        f"all {members.height} cluster members share their cluster's event type"
        if bad.height == 0
        else f"{bad.height} cluster members have another event type than their cluster",
        {"mismatches": _sample(bad, ["cluster_id", "event_id", "event_type", "cluster_type"])},
    )


def cluster_members_reconcile(events: pl.DataFrame, clusters: pl.DataFrame, members: pl.DataFrame) -> Finding:
    """Members and clusters agree with each other and with the events: every member event exists,
    every event is in exactly one cluster, every cluster has members, and `num_articles` /
    `num_mentions` count the members' articles and mentions."""
    problems: dict[str, list] = {}
    orphans = members.join(events.select("event_id"), on="event_id", how="anti")
    if orphans.height:
        problems["members_without_event"] = _sample(orphans, ["cluster_id", "event_id"])
    unclustered = events.join(members.select("event_id"), on="event_id", how="anti")
    if unclustered.height:
        problems["events_without_cluster"] = _sample(unclustered, ["event_id"])
    twice = members.filter(pl.col("event_id").is_duplicated())
    if twice.height:
        problems["events_in_several_clusters"] = _sample(twice, ["cluster_id", "event_id"])
    homeless = members.join(clusters.select("cluster_id"), on="cluster_id", how="anti")
    empty = clusters.join(members.select("cluster_id"), on="cluster_id", how="anti")
    if homeless.height or empty.height:
        problems["cluster_ids_mismatch"] = _sample(homeless, ["cluster_id", "event_id"]) + _sample(
            empty, ["cluster_id"]
        )
    counted = (
        members.join(events.select("event_id", "mention_count"), on="event_id", how="left")
        .group_by("cluster_id")
        .agg(
            pl.col("article_id").n_unique().alias("n_articles"),
            pl.col("mention_count").sum().alias("n_mentions"),
        )
        .join(clusters.select("cluster_id", "num_articles", "num_mentions"), on="cluster_id")
    )
    wrong = counted.filter(
        (pl.col("num_articles") != pl.col("n_articles")) | (pl.col("num_mentions") != pl.col("n_mentions"))
    )
    if wrong.height:
        problems["counts_differ"] = _sample(
            wrong, ["cluster_id", "n_articles", "num_articles", "n_mentions", "num_mentions"]
        )
    ok = not problems
    return Finding(
        CLUSTER_MEMBERS,
        ok,
        ERROR,
        f"{clusters.height} clusters and {members.height} members reconcile with {events.height} events"
        if ok
        else "cluster membership does not reconcile: " + ", ".join(problems),
        problems,
    )

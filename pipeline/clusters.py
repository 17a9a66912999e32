"""Cross-article event clusters: the event rows of different articles that report one real-world event.

Ten outlets reporting one phone call give ten `events` rows; this module links them into one
cluster (`event_clusters`) and lists the members (`event_cluster_members`). Every event ends in
exactly one cluster, most in a cluster of one.

How, in four steps, each near-linear in the number of events:

1. **Prepare.** Each event gets an effective date interval: its own `event_date..event_date_end`,
   widened back by `publication_lookback_days` when the date is only the publication date
   (`date_basis == 'publication'`: the event happened then or a little before) and forward by
   `planned_lookahead_days` when it is also planned. Intervals wider than `max_interval_days`
   ("this year") are too vague to link anything: such events stay alone.
2. **Block.** Events are put in blocks of one event type, one actor key and one date bucket
   (`bucket_days` wide; an event goes into every bucket its interval touches, so two overlapping
   intervals always share one). The actor key is the unordered pair of actor countries when both are
   known; an event with only one country known is compared, through a `C|*` key, with every event
   that involves country C. Inside a block each event is compared with its `block_window`
   neighbours in date order only, so one crowded block (a week of US-China talks) stays linear.
3. **Score** each candidate pair with polars expressions, in [0, 1]: actors (countries, names,
   sectors; either order for the symmetric types AGREE, CONSULT, COOPERATE), date (overlap
   required; a publication-date fallback and coarse precision count for less), place (distance
   between coordinates, else the place's country), status and mode. Two events of one article are
   never a pair (the extractor already merged what it could tell is one event); contradictions
   (different countries in one role, disjoint dates, a negated event against an occurred one)
   reject the pair outright.
4. **Link** pairs at or above `threshold`, best first, with a union-find that merges two clusters
   only when the merged cluster is still consistent as a whole: at most one country per role (two
   for a symmetric type) and one date on which every member can have happened. That is what stops
   chaining: a report dated only by its publication date may match Monday's and Wednesday's
   meetings, but cannot bring them into one cluster. Two rows of one article can end in one
   cluster only through other articles' reports (a headline row that names one actor, beside the
   body row of the same event); `one_event_per_article` forbids even that. Last, a row that
   sits apart from its article's other rows of the same type moves to their cluster when it has
   a compatible pair into it and the cluster stays consistent (`_reconcile`): the body row, dated by
   the text, says which of two look-alike events a headline row dated by publication reports.

Ids are stable: `cluster_id` comes from the cluster's earliest-reported member (publication
date, then event id), so re-running over the same events gives identical rows, and a cluster
keeps its id when articles published later join it (it changes only if its earliest member
leaves it, or an earlier-published report of the event arrives late). The result does not depend on the
order of the input rows. Clustering is a function of the `events` table alone, cheap enough to
re-run over all events after every batch; since membership lives in its own table, a new batch
never rewrites an event partition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import polars as pl

from pipeline.ids import stable_id
from pipeline.reference import load_json
from pipeline.schema import EVENT_CLUSTER_MEMBERS, EVENT_CLUSTERS

_FUTURE = ("planned", "possible")
_EARTH_KM = 6371.0


@cache
def symmetric_types() -> frozenset[str]:
    """Event types whose two actors play the same part (A meets B = B meets A)."""
    return frozenset(load_json("triggers.json")["symmetric"])


@dataclass(frozen=True)
class ClusterConfig:
    """The knobs of clustering, with the values `evaluation/clusters.py` chose."""

    #: A pair at or above this score may link its two events.
    threshold: float = 0.6
    #: Width of the date buckets used for blocking.
    bucket_days: int = 7
    #: Events whose interval is wider than this ("this year", "in the spring") are not linked.
    max_interval_days: int = 31
    #: An event dated only by its article's publication date may have happened this many days before.
    publication_lookback_days: int = 3
    #: ... and, when planned or possible, this many days after.
    planned_lookahead_days: int = 14
    #: Inside a block, each event is compared with this many neighbours in date order.
    block_window: int = 50
    #: When true, a cluster holds at most one row per article. When false (the default), two rows of
    #: one article are still never a pair, but both may join a cluster through other articles'
    #: reports: the extractor sometimes leaves one event as two rows (a headline row naming one
    #: actor and the body row), and keeping the second out both loses it and pushes it into the
    #: cluster of a look-alike event. See evaluation/README.md for the figures of both.
    one_event_per_article: bool = False
    #: Weights of the pair score's parts (they sum to 1).
    weights: dict[str, float] = field(
        default_factory=lambda: {"actors": 0.35, "date": 0.35, "place": 0.15, "status": 0.10, "mode": 0.05}
    )


DEFAULT = ClusterConfig()


# --------------------------------------------------------------------------------------------
# 1. Prepare


def prepare(events: pl.DataFrame, config: ClusterConfig = DEFAULT) -> pl.DataFrame:
    """The columns clustering needs, one row per event, in reporting order with a row number `i`.

    Reporting order is (publication date, event id): it fixes which member founds a cluster and
    makes the result independent of the input's row order.
    """
    day = pl.col("event_date").cast(pl.Int32)
    day_end = pl.col("event_date_end").cast(pl.Int32)
    by_publication = pl.col("date_basis") == "publication"
    future = pl.col("status").is_in(_FUTURE)
    width = day_end - day + 1
    return (
        events.sort("publication_date", "event_id")
        .with_row_index("i")
        .select(
            pl.col("i").cast(pl.Int64),
            "event_id",
            "article_id",
            "publication_date",
            "event_type",
            pl.col("event_mode").alias("mode"),
            "status",
            pl.col("event_type").is_in(list(symmetric_types())).alias("symmetric"),
            pl.col("source_country").alias("sc"),
            pl.col("target_country").alias("tc"),
            pl.col("source_name").str.to_lowercase().alias("sn"),
            pl.col("target_name").str.to_lowercase().alias("tn"),
            pl.col("source_sector").alias("ss"),
            pl.col("target_sector").alias("ts"),
            pl.when(by_publication).then(day - config.publication_lookback_days).otherwise(day).alias("lo"),
            pl.when(by_publication & future)
            .then(day_end + config.planned_lookahead_days)
            .otherwise(day_end)
            .alias("hi"),
            # How much a shared date says: a day from the text says most.
            pl.when(by_publication)
            .then(0.55)
            .when(width <= 1)
            .then(1.0)
            .when(width <= 7)
            .then(0.8)
            .otherwise(0.6)
            .alias("certainty"),
            (width <= config.max_interval_days).alias("linkable"),
            pl.col("latitude").alias("lat"),
            pl.col("longitude").alias("lon"),
            pl.col("location_country").alias("lc"),
            "location_name",
            "event_date",
            "event_date_end",
            "date_basis",
            "mention_count",
            "confidence",
        )
    )


# --------------------------------------------------------------------------------------------
# 2. Block


def block_keys(prepared: pl.DataFrame, config: ClusterConfig = DEFAULT) -> pl.DataFrame:
    """One row per event, block key and date bucket: (i, kind, block, lo).

    `kind` is `full` for the key of a known actor pair, `partial` for the `C|*` key of an event with
    one country known, `member` for the `C|*` keys of a fully known event (only partial events
    are compared with those). Events with no country but actor names are keyed by the names.
    """
    p = prepared.filter(pl.col("linkable"))
    both = pl.col("sc").is_not_null() & pl.col("tc").is_not_null()
    one = pl.col("sc").is_not_null() ^ pl.col("tc").is_not_null()
    lo_c = pl.min_horizontal("sc", "tc")
    hi_c = pl.max_horizontal("sc", "tc")
    full = p.filter(both).select("i", "event_type", "lo", "hi", key=lo_c + "|" + hi_c, kind=pl.lit("full"))
    named = p.filter(
        pl.col("sc").is_null()
        & pl.col("tc").is_null()
        & (pl.col("sn").is_not_null() | pl.col("tn").is_not_null())
    ).select(
        "i",
        "event_type",
        "lo",
        "hi",
        key="n:"
        + pl.min_horizontal(pl.col("sn").fill_null(""), pl.col("tn").fill_null(""))
        + "|"
        + pl.max_horizontal(pl.col("sn").fill_null(""), pl.col("tn").fill_null("")),
        kind=pl.lit("full"),
    )
    partial = p.filter(one).select(
        "i", "event_type", "lo", "hi", key=pl.coalesce("sc", "tc") + "|*", kind=pl.lit("partial")
    )
    members = (
        p.filter(both)
        .select("i", "event_type", "lo", "hi", key=pl.concat_list("sc", "tc"), kind=pl.lit("member"))
        .explode("key")
        .unique(["i", "key"])
        .with_columns(pl.col("key") + "|*")
    )
    # Members matter only where some partial event shares their key.
    members = members.join(partial.select("event_type", "key").unique(), on=["event_type", "key"], how="semi")
    w = config.bucket_days
    return (
        pl.concat([full, named, partial, members])
        .with_columns(bucket=pl.int_ranges(pl.col("lo").floordiv(w), pl.col("hi").floordiv(w) + 1))
        .explode("bucket")
        .select(
            "i",
            "kind",
            "lo",
            block=pl.col("event_type") + "|" + pl.col("key") + "|" + pl.col("bucket").cast(pl.String),
        )
    )


def candidate_pairs(prepared: pl.DataFrame, config: ClusterConfig = DEFAULT) -> pl.DataFrame:
    """Pairs of event rows (i < j) that share a block, each event paired with its neighbours only.

    Inside a block the events are ranked by date; an event of a `full` key is paired with the next
    `block_window` events, a partial event with the `block_window` events on either side of it in
    its `C|*` block. For blocks smaller than the window that is every pair.
    """
    keys = block_keys(prepared, config)
    if keys.is_empty():
        return pl.DataFrame(schema={"i": pl.Int64, "j": pl.Int64})
    ranked = keys.sort("block", "lo", "i").with_columns(rank=(pl.int_range(pl.len()) + 1).over("block"))
    size = pl.len().over("block").cast(pl.Int64)
    win = config.block_window
    full = ranked.filter(pl.col("kind") == "full").with_columns(size=size)
    full_left = full.select(
        "block",
        "i",
        other=pl.int_ranges(pl.col("rank") + 1, pl.min_horizontal(pl.col("rank") + win, pl.col("size")) + 1),
    )
    star = ranked.filter(pl.col("kind") != "full").with_columns(size=size)
    star_left = star.filter(pl.col("kind") == "partial").select(
        "block",
        "i",
        other=pl.int_ranges(
            pl.max_horizontal(pl.col("rank") - win, 1),
            pl.min_horizontal(pl.col("rank") + win, pl.col("size")) + 1,
        ),
    )
    pairs = []
    for left, right in ((full_left, full), (star_left, star)):
        pairs.append(
            left.explode("other")
            .join(
                right.select("block", pl.col("rank").alias("other"), pl.col("i").alias("j")),
                on=["block", "other"],
            )
            .select(pl.min_horizontal("i", "j").alias("i"), pl.max_horizontal("i", "j").alias("j"))
        )
    return pl.concat(pairs).filter(pl.col("i") != pl.col("j")).unique().sort("i", "j")


# --------------------------------------------------------------------------------------------
# 3. Score

_REJECT = -1.0  # a role or part that contradicts: the pair is rejected


def _role(c1: str, c2: str, n1: str, n2: str, s1: str, s2: str) -> pl.Expr:
    """Agreement of one actor role between the two events of a pair: 1 the same actor, 0.9 the same
    country, 0.75 the same country in another sector (outlets differ: "Ethiopia" and "Ethiopian
    forces"), 0.4 unknown, _REJECT different countries. Without countries, actor names decide."""
    c1, c2, n1, n2, s1, s2 = (pl.col(x) for x in (c1, c2, n1, n2, s1, s2))
    both_c = c1.is_not_null() & c2.is_not_null()
    no_c = c1.is_null() & c2.is_null()
    both_n = n1.is_not_null() & n2.is_not_null()
    return (
        pl.when(both_c & (c1 != c2))
        .then(_REJECT)
        .when(both_c & both_n & (n1 == n2))
        .then(1.0)
        .when(both_c & s1.is_not_null() & s2.is_not_null() & (s1 != s2))
        .then(0.75)
        .when(both_c)
        .then(0.9)
        .when(no_c & both_n & (n1 == n2))
        .then(0.9)
        .when(no_c & both_n)
        .then(0.2)
        .otherwise(0.4)
    )


def _alignment(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """Actor score of one way of lining up the roles: null when a role contradicts or when no role
    agrees (an actor in common is what makes two reports one event)."""
    ok = (a != _REJECT) & (b != _REJECT) & ((a >= 0.75) | (b >= 0.75))
    return pl.when(ok).then((a + b) / 2)


def _crossed_sectors() -> pl.Expr:
    """The two events have one country in both roles and swapped sectors: police arresting
    protesters against protesters confronting police, which are two events for an asymmetric type."""
    sec = [pl.col(c) for c in ("ss", "ts", "ss_r", "ts_r")]
    known = pl.all_horizontal(c.is_not_null() for c in sec)
    one_country = (pl.col("sc") == pl.col("tc")) & (pl.col("sc_r") == pl.col("tc_r"))
    return one_country & known & (sec[0] != sec[1]) & (sec[0] == sec[3]) & (sec[1] == sec[2])


def _actors() -> pl.Expr:
    direct = _alignment(
        _role("sc", "sc_r", "sn", "sn_r", "ss", "ss_r"), _role("tc", "tc_r", "tn", "tn_r", "ts", "ts_r")
    )
    swapped = _alignment(
        _role("sc", "tc_r", "sn", "tn_r", "ss", "ts_r"), _role("tc", "sc_r", "tn", "sn_r", "ts", "ss_r")
    )
    symmetric = pl.col("symmetric")
    return pl.max_horizontal(
        pl.when(symmetric | ~_crossed_sectors()).then(direct), pl.when(symmetric).then(swapped)
    )


def _date() -> pl.Expr:
    """The less certain date of the two, when the effective intervals overlap; else null."""
    overlap = pl.min_horizontal("hi", "hi_r") >= pl.max_horizontal("lo", "lo_r")
    return pl.when(overlap).then(pl.min_horizontal("certainty", "certainty_r"))


def _distance_km() -> pl.Expr:
    """Great-circle distance between the two events' coordinates (haversine)."""
    lat1, lat2 = pl.col("lat").radians(), pl.col("lat_r").radians()
    dlat = lat2 - lat1
    dlon = (pl.col("lon_r") - pl.col("lon")).radians()
    a = (dlat / 2).sin() ** 2 + lat1.cos() * lat2.cos() * (dlon / 2).sin() ** 2
    return 2 * _EARTH_KM * a.sqrt().clip(0.0, 1.0).arcsin()


def _place() -> pl.Expr:
    """1 within 50 km, 0.6 within 250 km, 0 farther; by the place's country when a coordinate is
    missing; 0.5 (neutral) when either event has no place. Never a rejection: places are the
    noisiest field (one outlet names the capital, another the city)."""
    d = _distance_km()
    return (
        pl.when(d.is_not_null() & (d <= 50))
        .then(1.0)
        .when(d.is_not_null() & (d <= 250))
        .then(0.6)
        .when(d.is_not_null())
        .then(0.0)
        .when(pl.col("lc").is_not_null() & pl.col("lc_r").is_not_null())
        .then(pl.when(pl.col("lc") == pl.col("lc_r")).then(0.7).otherwise(0.2))
        .otherwise(0.5)
    )


def _status() -> pl.Expr:
    """1 same status, 0.8 planned against possible, 0.5 occurred against planned or possible (the
    preview and the report of one meeting); negated and hypothetical events pair only with their like."""
    s, r = pl.col("status"), pl.col("status_r")
    future = s.is_in(_FUTURE) & r.is_in(_FUTURE)
    mixed = (s.is_in(_FUTURE) & (r == "occurred")) | (r.is_in(_FUTURE) & (s == "occurred"))
    return pl.when(s == r).then(1.0).when(future).then(0.8).when(mixed).then(0.5)


def _mode() -> pl.Expr:
    both = pl.col("mode").is_not_null() & pl.col("mode_r").is_not_null()
    return pl.when(both).then((pl.col("mode") == pl.col("mode_r")).cast(pl.Float64)).otherwise(0.5)


def score_pairs(prepared: pl.DataFrame, pairs: pl.DataFrame, config: ClusterConfig = DEFAULT) -> pl.DataFrame:
    """Each compatible candidate pair with its score in [0, 1]: (i, j, score, and the parts).

    Pairs of one article and pairs with a contradiction (actors, dates, status) are dropped.
    """
    right = prepared.rename({c: f"{c}_r" for c in prepared.columns})
    joined = pairs.join(prepared, on="i").join(right, left_on="j", right_on="i_r")
    w = config.weights
    parts = joined.filter(pl.col("article_id") != pl.col("article_id_r")).select(
        "i",
        "j",
        actors=_actors(),
        date=_date(),
        place=_place(),
        status=_status(),
        mode=_mode(),
    )
    total = sum(pl.col(k) * v for k, v in w.items())
    return parts.drop_nulls(["actors", "date", "status"]).with_columns(score=total.round(4)).sort("i", "j")


# --------------------------------------------------------------------------------------------
# 4. Link


@dataclass
class _Profile:
    """What a cluster must stay consistent on: articles, countries per role, a common date."""

    articles: set[str]
    source: set[str]
    target: set[str]
    lo: int
    hi: int


def _merged(a: _Profile, b: _Profile, symmetric: bool, one_per_article: bool) -> _Profile | None:
    """The profile of the union of two clusters, or None when the union would be inconsistent."""
    lo, hi = max(a.lo, b.lo), min(a.hi, b.hi)
    if lo > hi:
        return None
    source, target = a.source | b.source, a.target | b.target
    if symmetric:
        if len(source | target) > 2:
            return None
    elif len(source) > 1 or len(target) > 1:
        return None
    small, big = sorted((a.articles, b.articles), key=len)
    if one_per_article and any(x in big for x in small):
        return None
    big |= small  # the absorbed profile is dropped, so its set may be reused
    return _Profile(big, source, target, lo, hi)


def _profile(rows: list[int], data: list[tuple]) -> _Profile:
    """The profile of a set of event rows; `data` holds (article, sc, tc, lo, hi) per row."""
    first = data[rows[0]]
    profile = _Profile({first[0]}, {first[1]} - {None}, {first[2]} - {None}, first[3], first[4])
    for r in rows[1:]:
        art, sc, tc, lo, hi = data[r]
        profile.articles.add(art)
        profile.source |= {sc} - {None}
        profile.target |= {tc} - {None}
        profile.lo, profile.hi = max(profile.lo, lo), min(profile.hi, hi)
    return profile


def link(prepared: pl.DataFrame, scored: pl.DataFrame, config: ClusterConfig = DEFAULT) -> list[int]:
    """The cluster of each event row (the row number of the cluster's founding member).

    Pairs at or above the threshold are taken best first (ties by row numbers, so the result is
    deterministic); each joins two clusters only when `_merged` accepts the union. Then
    `_reconcile` brings rows of one article together where the extractor split an event.
    """
    n = prepared.height
    parent = list(range(n))
    symmetric = prepared["symmetric"].to_list()
    data = list(prepared.select("article_id", "sc", "tc", "lo", "hi").iter_rows())
    profiles: list[_Profile | None] = [_profile([x], data) for x in range(n)]

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    strong = scored.filter(pl.col("score") >= config.threshold).sort(
        ["score", "i", "j"], descending=[True, False, False]
    )
    for i, j in strong.select("i", "j").iter_rows():
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        merged = _merged(profiles[ri], profiles[rj], symmetric[i], config.one_event_per_article)
        if merged is None:
            continue
        root, child = (ri, rj) if ri < rj else (rj, ri)  # the earlier-reported founder stays the root
        parent[child] = root
        profiles[root], profiles[child] = merged, None
    labels = [find(x) for x in range(n)]
    if config.one_event_per_article:
        return labels
    return _reconcile(prepared, labels, scored, data, symmetric)


def _reconcile(
    prepared: pl.DataFrame, labels: list[int], scored: pl.DataFrame, data: list[tuple], symmetric: list[bool]
) -> list[int]:
    """Move a row into the cluster of a row of its own article (same event type) when it has a
    compatible pair (any score) into that cluster and the cluster stays consistent with it.

    Why: a headline row dated only by the publication date ("Japanese leader visits Canberra")
    fits an event and its look-alike of the next day equally well, and best-first linking may put
    it with the look-alike. Its article's body row, dated by the text, says which one it is.
    Returns labels renumbered so that each cluster is named by its earliest-reported member.
    """
    # In row order: a move changes the labels later groups see, so the order must not depend on
    # how group_by happened to hash (it made the clusters differ between runs on the same events).
    siblings = sorted(
        prepared.group_by("article_id", "event_type")
        .agg(pl.col("i").sort())
        .filter(pl.col("i").list.len() > 1)["i"]
        .to_list()
    )
    if not siblings:
        return labels
    members: dict[int, list[int]] = {}
    for x, label in enumerate(labels):
        members.setdefault(label, []).append(x)
    involved = {x for group in siblings for x in group}
    links: dict[int, list[tuple[int, float]]] = {}
    for i, j, score in (
        scored.filter(pl.col("i").is_in(involved) | pl.col("j").is_in(involved))
        .select("i", "j", "score")
        .iter_rows()
    ):
        links.setdefault(i, []).append((j, score))
        links.setdefault(j, []).append((i, score))
    for group in siblings:
        for r in group:
            own = {labels[s] for s in group if s != r}
            if labels[r] in own:
                continue  # already with a row of its article
            evidence: dict[int, float] = {}
            for other, score in links.get(r, ()):
                if labels[other] in own:
                    evidence[labels[other]] = evidence.get(labels[other], 0.0) + score
            for target, _ in sorted(evidence.items(), key=lambda kv: (-kv[1], kv[0])):
                rows = [m for m in members[target] if m != r]
                if _merged(_profile(rows, data), _profile([r], data), symmetric[r], False) is not None:
                    members[labels[r]].remove(r)
                    members[target].append(r)
                    labels[r] = target
                    break
    founder = {label: min(rows) for label, rows in members.items() if rows}
    return [founder[label] for label in labels]


# --------------------------------------------------------------------------------------------
# Tables


def _member_scores(labelled: pl.DataFrame, scored: pl.DataFrame) -> pl.DataFrame:
    """Mean pair score of each event against the cluster-mates it was compared with (1 if none)."""
    cluster = labelled.select("i", "root")
    inside = (
        scored.select("i", "j", "score")
        .join(cluster, on="i")
        .join(cluster.rename({"i": "j", "root": "root_j"}), on="j")
        .filter(pl.col("root") == pl.col("root_j"))
    )
    both_ends = pl.concat([inside.select("i", "score"), inside.select(pl.col("j").alias("i"), "score")])
    means = both_ends.group_by("i").agg(pl.col("score").mean().alias("score"))
    return labelled.join(means, on="i", how="left").with_columns(
        pl.col("score").fill_null(1.0).clip(0.0, 1.0).round(4)
    )


def _links(labelled: pl.DataFrame, scored: pl.DataFrame, threshold: float) -> pl.DataFrame:
    """Number of strong pairs (score >= threshold) each event has inside its cluster."""
    cluster = labelled.select("i", "root")
    strong = (
        scored.filter(pl.col("score") >= threshold)
        .join(cluster, on="i")
        .join(cluster.rename({"i": "j", "root": "root_j"}), on="j")
        .filter(pl.col("root") == pl.col("root_j"))
    )
    ends = pl.concat([strong.select("i"), strong.select(pl.col("j").alias("i"))])
    return labelled.join(ends.group_by("i").len("links"), on="i", how="left").with_columns(
        pl.col("links").fill_null(0)
    )


def _agreed(representative: str, values: str) -> pl.Expr:
    """The representative's value, else the one value all members that have one agree on."""
    single = pl.when(pl.col(values).list.len() == 1).then(pl.col(values).list.first())
    return pl.coalesce(representative, single)


def cluster_tables(
    prepared: pl.DataFrame, roots: list[int], scored: pl.DataFrame, config: ClusterConfig = DEFAULT
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The `event_clusters` and `event_cluster_members` rows for a labelling of the events."""
    labelled = prepared.with_columns(root=pl.Series(roots, dtype=pl.Int64))
    labelled = _links(_member_scores(labelled, scored), scored, config.threshold)
    founders = labelled.filter(pl.col("i") == pl.col("root")).select(
        "root",
        cluster_id=pl.col("event_id").map_elements(lambda e: stable_id("cluster", e), return_dtype=pl.String),
    )
    labelled = labelled.join(founders, on="root")
    # Representative: most links inside the cluster, then most complete, most confident, earliest.
    completeness = (
        pl.col("sc").is_not_null().cast(pl.Int32)
        + pl.col("tc").is_not_null().cast(pl.Int32)
        + (pl.col("date_basis") != "publication").cast(pl.Int32)
        + pl.col("location_name").is_not_null().cast(pl.Int32)
    )
    ranked = labelled.with_columns(completeness=completeness).sort(
        ["links", "completeness", "confidence", "mention_count", "i"],
        descending=[True, True, True, True, False],
    )
    dated = pl.col("date_basis") != "publication"
    clusters = ranked.group_by("cluster_id").agg(
        pl.col("event_type").first(),
        pl.col("sc").first().alias("rep_sc"),
        pl.col("tc").first().alias("rep_tc"),
        pl.col("sc").drop_nulls().unique().alias("all_sc"),
        pl.col("tc").drop_nulls().unique().alias("all_tc"),
        pl.when(dated.any())
        .then(pl.col("event_date").filter(dated).min())
        .otherwise(pl.col("event_date").min())
        .alias("first_event_date"),
        pl.when(dated.any())
        .then(pl.col("event_date_end").filter(dated).max())
        .otherwise(pl.col("event_date_end").max())
        .alias("last_event_date"),
        pl.col("location_name").first().alias("rep_place"),
        pl.col("location_name").drop_nulls().mode().sort().first().alias("common_place"),
        pl.col("publication_date").min().alias("first_reported"),
        pl.col("publication_date").max().alias("last_reported"),
        pl.col("article_id").n_unique().cast(pl.Int32).alias("num_articles"),
        pl.col("mention_count").sum().cast(pl.Int32).alias("num_mentions"),
        pl.col("event_id").first().alias("representative_event_id"),
    )
    clusters = clusters.with_columns(
        source_country=_agreed("rep_sc", "all_sc"),
        target_country=_agreed("rep_tc", "all_tc"),
        location_name=pl.coalesce("rep_place", "common_place"),
    )
    clusters = clusters.select(EVENT_CLUSTERS.column_names).sort("cluster_id")
    members = labelled.select(EVENT_CLUSTER_MEMBERS.column_names).sort("cluster_id", "event_id")
    return (
        clusters.cast(EVENT_CLUSTERS.polars_schema()),
        members.cast(EVENT_CLUSTER_MEMBERS.polars_schema()),
    )


def cluster_events(
    events: pl.DataFrame, config: ClusterConfig = DEFAULT
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Cluster the rows of an `events` table: returns (`event_clusters`, `event_cluster_members`).

    Deterministic and independent of row order; run it over all events after each batch.
    """
    if events.is_empty():
        return EVENT_CLUSTERS.empty(), EVENT_CLUSTER_MEMBERS.empty()
    prepared = prepare(events, config)
    scored = score_pairs(prepared, candidate_pairs(prepared, config), config)
    roots = link(prepared, scored, config)
    return cluster_tables(prepared, roots, scored, config)

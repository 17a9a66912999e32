"""Cross-article clusters on small hand-built `events` frames: reports of one event join, decoys stay
apart, ids are stable and the result does not depend on row order."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from pipeline import quality
from pipeline.clusters import ClusterConfig, candidate_pairs, cluster_events, prepare
from pipeline.schema import EVENTS

D = dt.date(2025, 3, 11)  # a Tuesday


def event(event_id: str, article_id: str, **kw) -> dict:
    """An events row with defaults: Kenya meets Tanzania on D, reported the next day."""
    row = {c: None for c in EVENTS.column_names}
    row.update(
        event_id=event_id,
        article_id=article_id,
        publication_date=D + dt.timedelta(days=1),
        event_type="CONSULT",
        quad_class="VERBAL_COOPERATION",
        status="occurred",
        source_name="Kenya",
        source_country="KEN",
        source_sector="GOV",
        target_name="Tanzania",
        target_country="TZA",
        target_sector="GOV",
        event_date=D,
        event_date_end=D,
        date_precision="day",
        date_basis="relative",
        section="body",
        sentence_index=0,
        sentence_start=0,
        sentence_end=1,
        sentence_text="x",
        trigger_text="met",
        mention_count=1,
        confidence=0.8,
        extractor_version="test",
    )
    row.update(kw)
    return row


def frame(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=EVENTS.polars_schema())


def groups(events: pl.DataFrame) -> set[frozenset[str]]:
    """The clustering as a set of sets of event ids."""
    _, members = cluster_events(events)
    return {frozenset(g) for g in members.group_by("cluster_id").agg("event_id")["event_id"].to_list()}


def together(events: pl.DataFrame, *ids: str) -> bool:
    return any(set(ids) <= g for g in groups(events))


def test_reports_of_one_event_by_several_outlets_join():
    events = frame(
        event("a", "A1"),
        # another outlet, two days later, other names, and a place
        event(
            "b",
            "A2",
            publication_date=D + dt.timedelta(days=2),
            source_name="William Ruto",
            target_name="Samia Suluhu Hassan",
            location_name="Arusha",
            location_country="TZA",
            latitude=-3.37,
            longitude=36.68,
        ),
        # a third that names only one side
        event("c", "A3", target_name=None, target_country=None, target_sector=None),
        # a fourth with no date in the text: dated by its publication
        event(
            "d",
            "A4",
            event_date=D + dt.timedelta(days=1),
            event_date_end=D + dt.timedelta(days=1),
            date_basis="publication",
        ),
        # a fifth with the actors the other way round (CONSULT is symmetric)
        event(
            "e", "A5", source_name="Tanzania", source_country="TZA", target_name="Kenya", target_country="KEN"
        ),
    )
    clusters, members = cluster_events(events)
    assert groups(events) == {frozenset("abcde")}
    row = clusters.row(0, named=True)
    assert row["num_articles"] == 5 and row["num_mentions"] == 5
    assert (row["first_event_date"], row["last_event_date"]) == (D, D)  # the publication fallback not counted
    assert (row["first_reported"], row["last_reported"]) == (
        D + dt.timedelta(days=1),
        D + dt.timedelta(days=2),
    )
    assert {row["source_country"], row["target_country"]} == {"KEN", "TZA"}
    assert row["representative_event_id"] == "b"  # the most complete report
    assert row["location_name"] == "Arusha"
    assert members["score"].is_between(0, 1).all()


@pytest.mark.parametrize(
    "decoy",
    [
        {"event_date": D + dt.timedelta(days=2), "event_date_end": D + dt.timedelta(days=2)},  # another day
        {"target_name": "Uganda", "target_country": "UGA"},  # same day, other actors
        {"event_type": "ACCUSE", "quad_class": "VERBAL_CONFLICT"},  # same day and actors, other type
        {"status": "negated"},  # "did not meet"
    ],
    ids=["other_day", "other_actors", "other_type", "negated"],
)
def test_decoys_stay_apart(decoy):
    events = frame(event("a", "A1"), event("b", "A2"), event("x", "A3", **decoy))
    assert groups(events) == {frozenset("ab"), frozenset("x")}


def test_direction_matters_for_asymmetric_types():
    accuse = {"event_type": "ACCUSE", "quad_class": "VERBAL_CONFLICT"}
    reversed_ = {
        "source_name": "Tanzania",
        "source_country": "TZA",
        "target_name": "Kenya",
        "target_country": "KEN",
    }
    events = frame(
        event("a", "A1", **accuse), event("b", "A2", **accuse), event("x", "A3", **accuse, **reversed_)
    )
    assert groups(events) == {frozenset("ab"), frozenset("x")}


def test_two_rows_of_one_article_are_never_paired():
    # Alike in every way, but one article's two rows: the extractor kept them apart, so do we.
    events = frame(event("a", "A1"), event("a2", "A1"))
    assert groups(events) == {frozenset({"a"}), frozenset({"a2"})}


def test_a_headline_row_joins_its_body_row_through_other_reports_unless_forbidden():
    headline = event(
        "a_title", "A1", section="title", target_name=None, target_country=None, target_sector=None,
        event_date=D + dt.timedelta(days=1), event_date_end=D + dt.timedelta(days=1), date_basis="publication",
    )  # fmt: skip
    events = frame(event("a", "A1"), headline, event("b", "A2"))
    assert groups(events) == {frozenset({"a", "a_title", "b"})}
    clusters, _ = cluster_events(events)
    assert clusters["num_articles"].item() == 2 and clusters["num_mentions"].item() == 3
    _, members = cluster_events(events, ClusterConfig(one_event_per_article=True))
    assert (
        members.group_by("cluster_id")
        .agg(pl.col("article_id").is_duplicated().any())["article_id"]
        .not_()
        .all()
    )
    assert members["cluster_id"].n_unique() == 2


def test_a_vague_report_does_not_chain_two_meetings():
    # Meetings on Tuesday and Thursday; a report with no date may be either, but cannot join them.
    thursday = {"event_date": D + dt.timedelta(days=2), "event_date_end": D + dt.timedelta(days=2)}
    pub = D + dt.timedelta(days=3)
    events = frame(
        event("tue1", "A1"),
        event("tue2", "A2"),
        event("thu1", "A3", **thursday, publication_date=pub),
        event("thu2", "A4", **thursday, publication_date=pub),
        event(
            "vague", "A5", event_date=pub, event_date_end=pub, date_basis="publication", publication_date=pub
        ),
    )
    found = groups(events)
    assert not any({"tue1", "thu1"} <= g for g in found)
    assert together(events, "tue1", "tue2") and together(events, "thu1", "thu2")
    assert len(found) == 2  # the vague report joined one of the two


def test_a_report_naming_one_side_does_not_bridge_two_dyads():
    strike = {
        "event_type": "ASSAULT",
        "quad_class": "MATERIAL_CONFLICT",
        "source_name": "Russia",
        "source_country": "RUS",
    }
    events = frame(
        event("ukr", "A1", **strike, target_name="Ukraine", target_country="UKR"),
        event("syr", "A2", **strike, target_name="Syria", target_country="SYR"),
        event("half", "A3", **strike, target_name=None, target_country=None, target_sector=None),
    )
    found = groups(events)
    assert not any({"ukr", "syr"} <= g for g in found)
    assert len(found) == 2  # the half-named report joined one of them


def test_too_vague_a_date_links_nothing():
    year = {
        "event_date": dt.date(2025, 1, 1),
        "event_date_end": dt.date(2025, 12, 31),
        "date_precision": "year",
    }
    events = frame(event("a", "A1", **year), event("b", "A2", **year))
    assert groups(events) == {frozenset("a"), frozenset("b")}


def test_planned_and_occurred_reports_of_one_meeting_join():
    preview = event(
        "p", "A0", status="planned", publication_date=D - dt.timedelta(days=2), trigger_text="will meet"
    )
    events = frame(preview, event("a", "A1"), event("b", "A2"))
    assert groups(events) == {frozenset("pab")}


def test_rows_do_not_depend_on_input_order_and_reruns_are_identical():
    events = frame(
        event("a", "A1"),
        event("b", "A2", target_name=None, target_country=None),
        event("c", "A3", event_date=D + dt.timedelta(days=5), event_date_end=D + dt.timedelta(days=5)),
        event("d", "A4", event_date=D + dt.timedelta(days=5), event_date_end=D + dt.timedelta(days=5)),
        event("e", "A5", event_type="ACCUSE", quad_class="VERBAL_CONFLICT"),
    )
    first = cluster_events(events)
    for seed in range(3):
        again = cluster_events(events.sample(fraction=1.0, shuffle=True, seed=seed))
        assert first[0].equals(again[0]) and first[1].equals(again[1])


def test_later_articles_join_without_renaming_or_moving_earlier_rows():
    old = frame(
        event("a", "A1"), event("b", "A2"), event("x", "A3", target_name="Uganda", target_country="UGA")
    )
    clusters_before, members_before = cluster_events(old)
    later = D + dt.timedelta(days=4)
    new = pl.concat(
        [
            old,
            frame(
                event("c", "A4", publication_date=later),  # a late report of the Kenya-Tanzania meeting
                event("y", "A5", publication_date=later, event_type="AID", quad_class="MATERIAL_COOPERATION"),
            ),
        ]
    )
    clusters_after, members_after = cluster_events(new)
    moved = members_before.join(members_after, on="event_id", suffix="_after").filter(
        pl.col("cluster_id") != pl.col("cluster_id_after")
    )
    assert moved.is_empty()
    ab = members_before.filter(pl.col("event_id") == "a")["cluster_id"].item()
    assert members_after.filter(pl.col("event_id") == "c")["cluster_id"].item() == ab
    assert clusters_after.filter(pl.col("cluster_id") == ab)["num_articles"].item() == 3
    untouched = clusters_before.filter(pl.col("cluster_id") != ab)
    assert untouched.join(clusters_after, on=untouched.columns, how="anti", nulls_equal=True).is_empty()


def test_tables_follow_the_codebook_and_the_cluster_checks_pass():
    events = frame(
        event("a", "A1"),
        event("b", "A2"),
        event("x", "A3", event_type="ACCUSE", quad_class="VERBAL_CONFLICT"),
    )
    clusters, members = cluster_events(events)
    assert quality.rows_valid("event_clusters", clusters).passed
    assert quality.rows_valid("event_cluster_members", members).passed
    assert quality.cluster_types_agree(events, clusters, members).passed
    assert quality.cluster_members_reconcile(events, clusters, members).passed


def test_cluster_checks_catch_broken_membership():
    events = frame(
        event("a", "A1"),
        event("b", "A2"),
        event("x", "A3", event_type="ACCUSE", quad_class="VERBAL_CONFLICT"),
    )
    clusters, members = cluster_events(events)
    ab = members.filter(pl.col("event_id") == "a")["cluster_id"].item()
    mixed = members.with_columns(
        cluster_id=pl.when(pl.col("event_id") == "x").then(pl.lit(ab)).otherwise("cluster_id")
    )
    assert not quality.cluster_types_agree(events, clusters, mixed).passed
    orphan = pl.concat([members, members.head(1).with_columns(event_id=pl.lit("gone"))])
    finding = quality.cluster_members_reconcile(events, clusters, orphan)
    assert not finding.passed and "gone" in str(finding.metadata)


def test_empty_input_gives_empty_tables():
    clusters, members = cluster_events(frame())
    assert clusters.is_empty() and members.is_empty()
    assert "cluster_id" in clusters.columns and "score" in members.columns


def test_a_crowded_block_is_compared_within_a_window_only():
    # 400 reports of one dyad in one week: all pairs would be 79,800; the window keeps it linear.
    rows = [
        event(
            f"e{k:03d}",
            f"A{k:03d}",
            event_date=D + dt.timedelta(days=k % 7),
            event_date_end=D + dt.timedelta(days=k % 7),
        )
        for k in range(400)
    ]
    config = ClusterConfig(block_window=20)
    pairs = candidate_pairs(prepare(frame(*rows), config), config)
    assert 0 < pairs.height <= 400 * 20


def test_a_headline_row_follows_its_body_row_rather_than_a_look_alike():
    # A1's headline row, dated by publication, fits Tuesday's meeting and Wednesday's look-alike,
    # and shares Wednesday's place, so it scores higher there; its own body row says Tuesday.
    wednesday = D + dt.timedelta(days=1)
    place = {"location_name": "Arusha", "location_country": "TZA", "latitude": -3.37, "longitude": 36.68}
    headline = event(
        "a_title", "A1", section="title", event_date=wednesday, event_date_end=wednesday,
        date_basis="publication", **place,
    )  # fmt: skip
    later = {"event_date": wednesday, "event_date_end": wednesday, "publication_date": wednesday, **place}
    events = frame(
        event("a", "A1"),
        headline,
        event("b", "A2"),
        event("w1", "A3", **later),
        event("w2", "A4", **later),
    )
    assert groups(events) == {frozenset({"a", "a_title", "b"}), frozenset({"w1", "w2"})}

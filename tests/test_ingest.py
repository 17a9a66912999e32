"""Reading and validating raw files: every file becomes a raw article or a quarantine row."""

from __future__ import annotations

import codecs
import datetime as dt

import pytest

from pipeline.config import Settings
from pipeline.ingest import Quarantined, RawArticle, decode, discover, parse_bytes, read_article

from .conftest import SEED_ARTICLE, SEEDS, TODAY, write

GOOD = "date 2025-10-17 Leaders meet in Budapest\n\nThe two leaders met on Thursday.\n"


def parse(data: bytes | str, settings: Settings | None = None):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return parse_bytes(data, "x.txt", settings or Settings(), today=TODAY)


def test_seed_article_header_is_read():
    raw = read_article(SEED_ARTICLE, SEEDS, Settings(), TODAY)
    assert isinstance(raw, RawArticle)
    assert raw.publication_date == dt.date(2025, 10, 17)
    assert raw.title.startswith("Putin-Trump Summit May Happen Within Two Weeks")
    assert raw.source_file == "000_21979369e48d99d7.txt"
    assert len(raw.content_sha256) == 64


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"   \n\n  \t\n", "empty"),
        (b"%PDF-1.4 binary", "binary"),
        (b"date 2025-10-17 T\n\nbody \x00\x01\x02\x03\x04 with nul", "binary"),
        (b"\x81\x8d\x8f\x90\x9d" * 20, "encoding"),
        ("<!DOCTYPE html><html><body>hi</body></html>", "not_article"),
        ("Just some text without a header.\n\nMore.", "no_header"),
        ("date\n\nbody", "no_date"),
        ("date  Title without a date\n\nbody", "no_date"),
        ("date 2025-02-30 Bad day\n\nbody", "bad_date"),
        ("date 0000-00-00 Zero\n\nbody", "bad_date"),
        ("date 1850-01-01 Old\n\nbody", "bad_date"),
        ("date 17/10/2025 Other format\n\nbody", "bad_date"),
        ("date 2099-01-01 Future\n\nbody", "future_date"),
    ],
)
def test_bad_input_is_quarantined_with_reason(data, code):
    item = parse(data)
    assert isinstance(item, Quarantined)
    assert item.reason_code == code
    assert item.reason
    assert item.stage == "ingest"


def test_too_large_and_too_long_follow_the_limits():
    small = Settings(max_file_bytes=40)
    assert parse(GOOD, small).reason_code == "too_large"
    short = Settings(max_article_chars=20)
    assert parse(GOOD, short).reason_code == "too_long"


def test_header_tolerates_leading_space_and_missing_title():
    item = parse("  \n   date 2025-10-17\n\nBody text here.")
    assert isinstance(item, RawArticle)
    assert item.title == ""
    assert item.body.strip() == "Body text here."


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (codecs.BOM_UTF8 + GOOD.encode("utf-8"), "utf-8-sig"),
        (GOOD.encode("utf-16"), "utf-16"),
        (GOOD.encode("utf-16-le"), "utf-16-le"),
        ("date 2025-10-17 Café in São Paulo\n\nNaïve résumé.".encode("cp1252"), "cp1252"),
        (
            "date 2025-10-17 Встреча\n\nПрезидент России встретился с премьер-министром Венгрии.".encode(
                "cp1251"
            ),
            "cp1251",
        ),
    ],
)
def test_common_encodings_are_decoded(encoded, encoding):
    text, detected = decode(encoded)
    assert detected == encoding
    assert text.lstrip("\ufeff").startswith("date 2025-10-17")
    assert isinstance(parse(encoded), RawArticle)


def test_discover_finds_txt_files_sorted_and_skips_hidden(tmp_path):
    write(tmp_path, "b.txt", GOOD)
    write(tmp_path, "a/c.txt", GOOD)
    write(tmp_path, ".hidden.txt", GOOD)
    write(tmp_path, "notes.md", "x")
    names = [p.relative_to(tmp_path).as_posix() for p in discover(tmp_path)]
    assert names == ["a/c.txt", "b.txt"]


def test_symlink_outside_input_folder_is_quarantined(tmp_path):
    outside = write(tmp_path, "outside/secret.txt", GOOD)
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "link.txt").symlink_to(outside)
    item = read_article(landing / "link.txt", landing, Settings(), TODAY)
    assert isinstance(item, Quarantined) and item.reason_code == "symlink_outside"


def test_missing_input_folder_names_the_setting(tmp_path):
    with pytest.raises(FileNotFoundError, match="PIPELINE_INPUT_DIR"):
        discover(tmp_path / "nope")

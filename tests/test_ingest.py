"""Reading and validating raw files: every file becomes a raw article or a quarantine row."""

from __future__ import annotations

import codecs
import datetime as dt
import os
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.ingest import Quarantined, RawArticle, decode, discover, parse_bytes, read_article

from .conftest import SEED_ARTICLE, SEEDS, TODAY, write
from .fuzz_inputs import remove_tree

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


# --------------------------------------------------------------------------------------------
# Limits: applied before parsing, exact at the edge, each with its own reason code


def _file(tmp_path, data: bytes, name: str = "a.txt"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_file_size_limit_is_exact_at_the_edge(tmp_path):
    data = GOOD.encode()
    at = Settings(max_file_bytes=len(data))
    over = Settings(max_file_bytes=len(data) - 1)
    assert isinstance(read_article(_file(tmp_path, data), tmp_path, at, TODAY), RawArticle)
    item = read_article(_file(tmp_path, data), tmp_path, over, TODAY)
    assert (item.reason_code, item.size_bytes) == ("too_large", len(data))
    assert "PIPELINE_MAX_FILE_BYTES" in item.reason
    assert isinstance(parse(data, at), RawArticle)
    assert parse(data, over).reason_code == "too_large"


def test_article_length_limit_counts_characters_not_bytes():
    text = "date 2025-10-17 Café\n\n" + "é" * 30 + ".\n"
    assert len(text.encode()) > len(text)
    assert isinstance(parse(text, Settings(max_article_chars=len(text))), RawArticle)
    item = parse(text, Settings(max_article_chars=len(text) - 1))
    assert (item.reason_code, item.stage) == ("too_long", "ingest")
    assert "PIPELINE_MAX_ARTICLE_CHARS" in item.reason


def test_sentence_length_limit_is_exact_at_the_edge():
    from pipeline.clean import Article, clean_article

    sentence = "A" + "b" * 98 + "."  # one 100-character sentence
    raw = parse(f"date 2025-10-17 T\n\n{sentence}\n")
    assert isinstance(clean_article(raw, Settings(max_sentence_chars=100)), Article)
    item = clean_article(raw, Settings(max_sentence_chars=99))
    assert (item.reason_code, item.stage) == ("too_long", "clean")
    assert "PIPELINE_MAX_SENTENCE_CHARS" in item.reason


def test_a_50_mb_file_is_rejected_without_being_read(tmp_path):
    import tracemalloc

    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.write(b"date 2025-10-17 Huge\n\n")
        for _ in range(50):
            f.write(b"a" * (1 << 20))
    tracemalloc.start()
    try:
        item = read_article(path, tmp_path, Settings(), TODAY)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert item.reason_code == "too_large" and item.size_bytes == path.stat().st_size
    assert peak < 1 << 20


def test_a_file_that_grows_while_read_is_read_no_further_than_the_limit(tmp_path, monkeypatch):
    import pipeline.ingest as ingest

    path = _file(tmp_path, GOOD.encode())
    asked: list[int] = []

    def grow_then_read(fd: int, n: int) -> bytes:
        if not asked:
            with path.open("ab") as f:
                f.write(b"x" * 1_000_000)
        asked.append(n)
        return os.read(fd, n)

    monkeypatch.setattr(ingest, "_read_chunk", grow_then_read)
    item = read_article(path, tmp_path, Settings(max_file_bytes=1000), TODAY)
    assert item.reason_code == "too_large"
    assert sum(asked) <= 1001


def test_a_file_that_changes_while_read_is_reported_not_half_read(tmp_path, monkeypatch):
    import pipeline.ingest as ingest

    path = _file(tmp_path, GOOD.encode())

    appended: list[bool] = []

    def append_then_read(fd: int, n: int) -> bytes:
        data = os.read(fd, n)
        if not appended:
            appended.append(True)
            with path.open("ab") as f:
                f.write(b"More text.\n")
        return data

    monkeypatch.setattr(ingest, "_read_chunk", append_then_read)
    item = read_article(path, tmp_path, Settings(), TODAY)
    assert item.reason_code == "unreadable" and "changed while it was being read" in item.reason


def test_limits_must_be_usable():
    from pipeline.config import MAX_SENTENCE_CHARS, ConfigError

    Settings(max_sentence_chars=MAX_SENTENCE_CHARS)
    with pytest.raises(ConfigError, match="PIPELINE_MAX_SENTENCE_CHARS"):
        Settings(max_sentence_chars=MAX_SENTENCE_CHARS + 1)
    with pytest.raises(ConfigError, match="PIPELINE_MAX_ARTICLE_CHARS"):
        Settings(max_article_chars=0)


# --------------------------------------------------------------------------------------------
# Paths and links: nothing outside the input folder is read; special files are never opened


@pytest.fixture
def outside_and_landing(tmp_path):
    outside = write(tmp_path, "outside/secret.txt", GOOD)
    landing = tmp_path / "landing"
    landing.mkdir()
    return outside, landing


@pytest.mark.parametrize(
    "target",
    [
        "abs",  # an absolute link to a file outside
        "../outside/secret.txt",  # a relative link out
        "/dev/zero",  # endless bytes
        "/proc/self/mem",
        "/",
    ],
)
def test_links_out_of_the_folder_are_quarantined(outside_and_landing, target):
    outside, landing = outside_and_landing
    (landing / "link.txt").symlink_to(outside if target == "abs" else target)
    item = read_article(landing / "link.txt", landing, Settings(), TODAY)
    assert (item.reason_code, item.source_file) == ("symlink_outside", "link.txt")


def test_dotdot_and_linked_folders_cannot_lead_out(outside_and_landing):
    outside, landing = outside_and_landing
    (landing / "sub").mkdir()
    (landing / "out").symlink_to(outside.parent)
    for path in (landing / "sub" / ".." / ".." / "outside" / "secret.txt", landing / "out" / "secret.txt"):
        assert read_article(path, landing, Settings(), TODAY).reason_code == "symlink_outside"
    # Followed by discover? No: a link to a folder is not walked, so its files are not inputs.
    assert discover(landing) == []


def test_links_inside_the_folder_are_read(outside_and_landing):
    _, landing = outside_and_landing
    write(landing, "a/target.txt", GOOD)
    (landing / "b").mkdir()
    (landing / "b" / "link.txt").symlink_to("../a/target.txt")
    item = read_article(landing / "b" / "link.txt", landing, Settings(), TODAY)
    assert isinstance(item, RawArticle) and item.source_file == "b/link.txt"


def test_the_input_folder_may_itself_be_a_link(tmp_path):
    write(tmp_path, "real/a.txt", GOOD)
    (tmp_path / "landing").symlink_to(tmp_path / "real")
    [path] = discover(tmp_path / "landing")
    assert isinstance(read_article(path, tmp_path / "landing", Settings(), TODAY), RawArticle)


def _never_opened(monkeypatch) -> list[str]:
    import pipeline.ingest as ingest

    opened: list[str] = []
    real_open = os.open

    def spy(path, flags, *args, **kw):
        opened.append(os.fspath(path))
        return real_open(path, flags, *args, **kw)

    monkeypatch.setattr(ingest.os, "open", spy)
    return opened


def test_special_files_are_reported_and_never_opened(tmp_path, monkeypatch):
    import stat
    import threading

    os.mkfifo(tmp_path / "fifo.txt")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "to_fifo.txt").symlink_to("pipe")
    (tmp_path / "dir").mkdir()
    (tmp_path / "to_dir.txt").symlink_to("dir")
    (tmp_path / "loop.txt").symlink_to("loop.txt")
    (tmp_path / "dangling.txt").symlink_to("nothing.txt")
    names = ["fifo.txt", "to_fifo.txt", "to_dir.txt", "loop.txt", "dangling.txt"]
    try:
        os.mknod(tmp_path / "zero.txt", 0o644 | stat.S_IFCHR, os.makedev(1, 5))
        names.append("zero.txt")
    except (OSError, AttributeError):
        pass  # only root may make a device
    opened = _never_opened(monkeypatch)
    results: dict = {}

    def read_all() -> None:
        for name in names:
            results[name] = read_article(tmp_path / name, tmp_path, Settings(), TODAY)

    worker = threading.Thread(target=read_all, daemon=True)  # a FIFO opened would block forever
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive(), "reading a special file blocked"
    assert {n: r.reason_code for n, r in results.items()} == dict.fromkeys(names, "unreadable")
    assert all(r.reason and r.content_sha256 is None for r in results.values())
    assert opened == []
    assert sorted(p.name for p in discover(tmp_path)) == sorted(names)


def test_permission_denied_is_unreadable(tmp_path, monkeypatch):
    import pipeline.ingest as ingest

    path = _file(tmp_path, GOOD.encode())

    def denied(*args, **kw):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(ingest.os, "open", denied)  # as root, chmod 000 would not stop reading
    item = read_article(path, tmp_path, Settings(), TODAY)
    assert item.reason_code == "unreadable" and "Permission denied" in item.reason


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads and lists whatever its mode says")
def test_chmod_000_files_and_folders_are_unreadable(tmp_path):
    locked = _file(tmp_path, GOOD.encode(), "locked.txt")
    write(tmp_path, "locked dir/inner.txt", GOOD)
    locked.chmod(0)
    (tmp_path / "locked dir").chmod(0)
    try:
        found = discover(tmp_path)
        items = [read_article(p, tmp_path, Settings(), TODAY) for p in found]
    finally:
        locked.chmod(0o644)
        (tmp_path / "locked dir").chmod(0o755)
    assert {i.source_file: i.reason_code for i in items} == {
        "locked dir": "unreadable",
        "locked.txt": "unreadable",
    }


def test_a_very_deep_tree_is_walked(tmp_path):
    deep = tmp_path
    for _ in range(1200):  # past the interpreter's recursion limit (os.walk recursed)
        deep = deep / "d"
        deep.mkdir()
    write(deep, "bottom.txt", GOOD)
    try:
        [path] = discover(tmp_path)
        assert isinstance(read_article(path, tmp_path, Settings(), TODAY), RawArticle)
    finally:
        remove_tree(tmp_path / "d")  # pytest's own clean-up recurses


def test_a_file_that_vanishes_before_it_is_read_is_reported(tmp_path):
    path = _file(tmp_path, GOOD.encode())
    [found] = discover(tmp_path)
    path.unlink()
    assert read_article(found, tmp_path, Settings(), TODAY).reason_code == "unreadable"


@pytest.mark.parametrize(
    ("raw_name", "reported"),
    [
        (b"caf\xc3\xa9 and spaces.txt", "café and spaces.txt"),
        (b"-rf --output=x.txt", "-rf --output=x.txt"),
        (b"caf\xe9.txt", "caf\\xe9.txt"),  # not UTF-8
        (b"new\nline\x1b[31m.txt", "new\\x0aline\\x1b[31m.txt"),
        ("\u202etxt.exe.txt".encode(), "\\u202etxt.exe.txt"),
        ("nel\u0085.txt".encode(), "nel\\u0085.txt"),  # a C1 control, not the byte 0x85
        (b"back\\slash.txt", "back\\\\slash.txt"),
    ],
)
def test_reported_names_are_relative_printable_and_distinct(tmp_path, raw_name, reported):
    from pipeline.ingest import source_name

    folder = tmp_path / "sub"
    folder.mkdir()
    path = folder / os.fsdecode(raw_name)
    path.write_bytes(GOOD.encode())
    assert source_name(path, tmp_path) == f"sub/{reported}"
    item = read_article(path, tmp_path, Settings(), TODAY)
    assert isinstance(item, RawArticle) and item.source_file == f"sub/{reported}"
    item.source_file.encode("utf-8")  # storable as Parquet text


def test_escaped_names_never_collide():
    from pipeline.ingest import source_name

    names = ["a\n", "a\\x0a", "a\\\n", "\udce9", "\\xe9", "\u00e9", "\x85", "\\u0085", "\udc85"]
    reported = [source_name(Path("/r") / n, Path("/r")) for n in names]
    assert len(set(reported)) == len(names)


# --------------------------------------------------------------------------------------------
# Hostile text in the header and the encoding


def test_a_header_with_a_long_run_of_blanks_parses_quickly():
    """The former header pattern backtracked quadratically on blanks (minutes for 200 000)."""
    item = parse("date 2025-10-17 A" + " \t" * 90_000 + "title  \n\nBody text here.")
    assert isinstance(item, RawArticle) and item.title.startswith("A") and item.title.endswith("title")


def test_utf8_cut_inside_its_last_character_is_utf8():
    data = GOOD.encode() + "Zürich and Kyiv — Київ".encode()
    for cut in (1, 2):
        text, encoding = decode(data[:-cut])
        assert encoding == "utf-8" and text.endswith("Киї")


def test_source_names_map_back_to_their_files(tmp_path):
    """The registry and batch manifests hold the printable names; each must open its own file."""
    import os

    from pipeline.ingest import source_name, source_path

    names = [b"caf\xe9.txt", b"back\\slash.txt", b"tab\there.txt", "rtl\u202egnp.txt".encode(), b"\\x41.txt"]
    for raw in names:
        path = Path(os.fsdecode(tmp_path / "in")) / os.fsdecode(raw)
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"x")
        name = source_name(path, tmp_path / "in")
        assert name.isprintable() and "\udce9" not in name
        assert source_path(tmp_path / "in", name) == path, name
    assert len({source_name(p, tmp_path / "in") for p in (tmp_path / "in").iterdir()}) == len(names)

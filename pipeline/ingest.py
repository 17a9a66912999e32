"""Read raw article files and validate them: each file becomes a `RawArticle` or a `Quarantined`.

Nothing here raises on bad input: every problem a file can have (too big, binary, undecodable,
no header, bad date, ...) is reported as a quarantine record with a reason code from
`reference.QUARANTINE_REASONS`. Limits are applied before any text is parsed.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

from pipeline.config import Settings

#: Files the landing folder is scanned for (hidden files and folders are skipped).
INPUT_SUFFIX = ".txt"

_HEADER = re.compile(r"^[ \t\ufeff]*date\b[ \t]*(?P<date>\S+)?[ \t]*(?P<title>.*?)[ \t]*$", re.IGNORECASE)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.+\-Z]*)?$")
_HTML_START = re.compile(r"^\s*(<!doctype\s+html|<html\b|<head\b|<body\b|<\?xml\b)", re.IGNORECASE)
_MAGIC = (b"%PDF", b"\x89PNG", b"PK\x03\x04", b"\x1f\x8b", b"GIF8", b"\xff\xd8\xff", b"\x7fELF", b"BZh")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MIN_YEAR = 1900
_SNIFF_BYTES = 65_536
#: Guesses among Western European code pages are decoded as Windows-1252, the web's de facto
#: superset of Latin-1 (charset-normalizer cannot tell them apart on mostly-ASCII text).
_WESTERN = frozenset(
    {"cp1252", "cp1250", "latin_1", "iso8859_15", "iso8859_2", "cp1254", "cp1257", "mac_roman", "ascii"}
)


@dataclass(frozen=True)
class RawArticle:
    """A file that passed validation: its header parsed, its body still raw text."""

    source_file: str
    content_sha256: str
    size_bytes: int
    detected_encoding: str
    publication_date: dt.date
    title: str
    body: str


@dataclass(frozen=True)
class Quarantined:
    """A file rejected by a stage, with a reason code and a readable reason."""

    source_file: str
    stage: str
    reason_code: str
    reason: str
    content_sha256: str | None = None
    size_bytes: int | None = None
    detected_encoding: str | None = None


def discover(input_dir: Path) -> list[Path]:
    """Every `*.txt` file under `input_dir` (recursively, hidden entries skipped), sorted by path.

    Links to folders are not followed; links to files are returned and judged by `read_article`.
    """
    root = Path(input_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"input folder {root} does not exist (set PIPELINE_INPUT_DIR)")
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if not name.startswith(".") and name.lower().endswith(INPUT_SUFFIX):
                found.append(Path(dirpath) / name)
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def read_articles(
    paths: list[Path], root: Path, settings: Settings, today: dt.date | None = None
) -> Iterator[RawArticle | Quarantined]:
    """`read_article` over many paths, in order."""
    for path in paths:
        yield read_article(path, root, settings, today)


def read_article(
    path: Path, root: Path, settings: Settings, today: dt.date | None = None
) -> RawArticle | Quarantined:
    """Read and validate one file. `today` (default: the run's date) bounds publication dates."""
    rel = Path(os.path.relpath(path, root)).as_posix()

    def reject(code: str, reason: str, **kw) -> Quarantined:
        return Quarantined(source_file=rel, stage="ingest", reason_code=code, reason=reason, **kw)

    try:
        if path.is_symlink() and not _inside(path.resolve(), Path(root).resolve()):
            return reject("symlink_outside", "the file is a link to a place outside the input folder")
        size = path.stat().st_size
        if size > settings.max_file_bytes:
            return reject(
                "too_large",
                f"{size} bytes is over the limit of {settings.max_file_bytes} (PIPELINE_MAX_FILE_BYTES)",
                size_bytes=size,
            )
        data = path.read_bytes()
    except OSError as exc:
        return reject("unreadable", f"could not read the file: {exc.strerror or exc}")
    return parse_bytes(data, rel, settings, today)


def parse_bytes(
    data: bytes, source_file: str, settings: Settings, today: dt.date | None = None
) -> RawArticle | Quarantined:
    """Validate raw bytes as an article file (the part of `read_article` after reading)."""
    sha = hashlib.sha256(data).hexdigest()
    size = len(data)

    def reject(code: str, reason: str, encoding: str | None = None) -> Quarantined:
        return Quarantined(source_file, "ingest", code, reason, sha, size, encoding)

    if size > settings.max_file_bytes:
        return reject("too_large", f"{size} bytes is over the limit of {settings.max_file_bytes}")
    if not data.strip():
        return reject("empty", "the file is empty" if not data else "the file holds only whitespace")
    if data.startswith(_MAGIC):
        return reject("binary", "the file starts with the signature of a binary format")
    decoded = decode(data)
    if decoded is None:
        if b"\x00" in data:
            return reject("binary", "the file holds NUL bytes and is not UTF-16/32 text")
        return reject("encoding", "the bytes are neither UTF-8, UTF-16/32 nor Windows-1252 text")
    text, encoding = decoded
    if "\x00" in text or len(_CONTROL.findall(text[:100_000])) > max(8, len(text[:100_000]) // 100):
        return reject("binary", "the text is full of control characters: binary data", encoding)
    if not text.strip():
        return reject("empty", "the file holds only whitespace", encoding)
    if len(text) > settings.max_article_chars:
        return reject(
            "too_long",
            f"{len(text)} characters is over the limit of "
            f"{settings.max_article_chars} (PIPELINE_MAX_ARTICLE_CHARS)",
            encoding,
        )
    if _HTML_START.match(text):
        return reject(
            "not_article", "the file is an HTML/XML page, not an article in the raw format", encoding
        )

    header, _, body = text.lstrip("\r\n\t \ufeff").partition("\n")
    m = _HEADER.match(header)
    if not m:
        return reject(
            "no_header", f"the first line is not `date YYYY-MM-DD <title>`: {header.strip()[:60]!r}", encoding
        )
    date_token, title = m.group("date"), m.group("title") or ""
    if not date_token:
        return reject("no_date", "the header line has no publication date", encoding)
    date, problem = parse_publication_date(date_token, today or dt.date.today())
    if date is None:
        code, reason = problem
        return reject(code, reason, encoding)
    return RawArticle(source_file, sha, size, encoding, date, title, body)


def parse_publication_date(token: str, today: dt.date) -> tuple[dt.date | None, tuple[str, str]]:
    """Parse the header's date token: (date, ("", "")) or (None, (reason_code, reason))."""
    m = _ISO_DATE.match(token)
    if not m:
        # A title that starts right after "date" (no date token) reads as no_date, not bad_date.
        if not re.search(r"\d", token):
            return None, ("no_date", "the header line has no publication date")
        return None, ("bad_date", f"{token!r} is not a YYYY-MM-DD date")
    try:
        date = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None, ("bad_date", f"{token!r} is not a real calendar date")
    if date.year < _MIN_YEAR:
        return None, ("bad_date", f"{date.isoformat()} is before {_MIN_YEAR}")
    if date > today:
        return None, ("future_date", f"{date.isoformat()} is after the date of the run ({today.isoformat()})")
    return date, ("", "")


def decode(data: bytes) -> tuple[str, str] | None:
    """Decode bytes as text: BOMs first, then BOM-less UTF-16, UTF-8, a legacy code page that
    charset-normalizer recognises (Windows-1251, ISO-8859-7, Shift-JIS, ...), Windows-1252.
    None if none fit."""
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                return None
    utf16 = _bomless_utf16(data)  # before UTF-8: ASCII in UTF-16 is valid UTF-8 full of NULs
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            return None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        return None
    guess = charset_normalizer.from_bytes(data[:_SNIFF_BYTES]).best()
    if guess is not None and guess.encoding not in _WESTERN:
        try:  # a legacy non-Western code page (Cyrillic, Greek, Arabic, CJK, ...)
            text = data.decode(guess.encoding)
        except (UnicodeDecodeError, LookupError):
            text = ""
        # Trust the guess only when it reads the ASCII header right: random bytes decode "fine" too.
        if _HEADER.match(text.lstrip("\r\n\t \ufeff").partition("\n")[0]):
            return text, guess.encoding
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return None


def _bomless_utf16(data: bytes) -> str | None:
    """Guess UTF-16 without a BOM from where the NUL bytes fall (ASCII-heavy text)."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even = sample[0::2].count(0) / (len(sample) / 2)
    odd = sample[1::2].count(0) / (len(sample) / 2)
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents

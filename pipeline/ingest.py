"""Read raw article files and validate them: each file becomes a `RawArticle` or a `Quarantined`.

Nothing here raises on bad input: every problem a file can have (too big, binary, undecodable,
no header, bad date, ...) is reported as a quarantine record with a reason code from
`reference.QUARANTINE_REASONS`. Limits are applied before any text is parsed.

Reading is confined to the input folder: a path is resolved (links and `..`) before anything is
opened, and only regular files inside the folder are opened at all (FIFOs, devices, sockets and
folders are reported, never opened, so they cannot block a run or feed it endless bytes). At most
`max_file_bytes + 1` bytes are ever read, so a file that grows while it is read cannot exhaust
memory, and a file that changes while it is read is reported rather than half-read. The names
reported (`source_file`) are relative to the input folder, with undecodable bytes and control
characters escaped; they are data, never used to build an output path.
"""

from __future__ import annotations

import codecs
import datetime as dt
import errno
import hashlib
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

from pipeline.config import Settings

#: Files the landing folder is scanned for (hidden files and folders are skipped).
INPUT_SUFFIX = ".txt"

# Matched against a header line stripped of trailing blanks (`_match_header`): a pattern that strips
# them itself (`.*?[ \t]*$`) backtracks quadratically on a long run of blanks inside the title.
_HEADER = re.compile(r"^[ \t\ufeff]*date\b[ \t]*(?P<date>\S+)?[ \t]*(?P<title>.*)$", re.IGNORECASE)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.+\-Z]*)?$")
_HTML_START = re.compile(r"^\s*(<!doctype\s+html|<html\b|<head\b|<body\b|<\?xml\b)", re.IGNORECASE)
_MAGIC = (b"%PDF", b"\x89PNG", b"PK\x03\x04", b"\x1f\x8b", b"GIF8", b"\xff\xd8\xff", b"\x7fELF", b"BZh")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MIN_YEAR = 1900
_SNIFF_BYTES = 65_536
_READ_CHUNK = 1 << 20
#: Longest UTF-8 sequence: a file cut inside its last character is still UTF-8 text.
_UTF8_MAX_SEQUENCE = 4
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
    """Every `*.txt` entry under `input_dir` (recursively, hidden entries skipped), sorted by path.

    Links to folders are not followed: a link named `*.txt` is returned like a file and judged by
    `read_article` (outside the folder, or a folder: quarantined). A sub-folder that cannot be
    listed is returned too, so that it is reported rather than silently missing. The walk keeps
    its own stack, so a very deep tree cannot exhaust the interpreter's recursion limit.
    """
    root = Path(input_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"input folder {root} does not exist (set PIPELINE_INPUT_DIR)")
    found: list[Path] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:
            if folder == root:
                raise
            found.append(folder)
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if _is_real_dir(entry):
                stack.append(Path(entry.path))
            elif entry.name.lower().endswith(INPUT_SUFFIX):
                found.append(Path(entry.path))
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def _is_real_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def read_articles(
    paths: list[Path], root: Path, settings: Settings, today: dt.date | None = None
) -> Iterator[RawArticle | Quarantined]:
    """`read_article` over many paths, in order."""
    for path in paths:
        yield read_article(path, root, settings, today)


class _Refused(Exception):
    """A file that is not read, with its reason code (raised and caught inside this module)."""

    def __init__(self, code: str, reason: str, size: int | None = None) -> None:
        super().__init__(reason)
        self.code, self.reason, self.size = code, reason, size


def read_article(
    path: Path, root: Path, settings: Settings, today: dt.date | None = None
) -> RawArticle | Quarantined:
    """Read and validate one file. `today` (default: the run's date) bounds publication dates."""
    rel = source_name(path, root)
    try:
        data = _read_confined(Path(path), Path(root), settings.max_file_bytes)
    except _Refused as refused:
        return Quarantined(rel, "ingest", refused.code, refused.reason, size_bytes=refused.size)
    except OSError as exc:
        return Quarantined(rel, "ingest", "unreadable", f"could not read the file: {exc.strerror or exc}")
    return parse_bytes(data, rel, settings, today)


def source_name(path: Path, root: Path) -> str:
    """The name a file is reported under: its path relative to `root`, printable and unambiguous.

    Bytes that are not UTF-8 (`\\xe9`), control characters (`\\x0a`, `\\x1b`) and bidirectional
    overrides (`\\u202e`) are escaped, and a backslash is doubled, so distinct files keep distinct
    names and a name cannot rewrite the terminal or the log it is printed to.
    """
    rel = Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root))).as_posix()
    return "".join(_escape_char(ch) for ch in rel)


_ESCAPED = re.compile(r"\\(\\|x[0-9a-f]{2}|u[0-9a-f]{4})")


def source_path(root: Path, name: str) -> Path:
    """The file a `source_name` names under `root` (its escapes undone), to open it again."""

    def unescape(m: re.Match) -> str:
        esc = m.group(1)
        if esc == "\\":
            return "\\"
        code = int(esc[1:], 16)
        return chr(0xDC00 + code) if esc[0] == "x" and code >= 0x80 else chr(code)

    return Path(root) / _ESCAPED.sub(unescape, name)


_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if ch == "\\":
        return "\\\\"
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, as os.fsdecode represents it
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x20 or code == 0x7F:
        return f"\\x{code:02x}"
    if 0x80 <= code < 0xA0 or 0xD800 <= code <= 0xDFFF or ch in _BIDI_CONTROLS:
        return f"\\u{code:04x}"  # `\\u`, never `\\x`: `\\x80`-`\\xff` are undecodable bytes
    return ch


def _read_confined(path: Path, root: Path, max_bytes: int) -> bytes:
    """The bytes of `path`, if it is a regular file inside `root` of at most `max_bytes` bytes.

    Raises `_Refused` (with a quarantine reason) otherwise, or OSError when reading fails.
    """
    root_real = os.path.realpath(root)
    real = os.path.realpath(path)  # non-strict: loops and dangling links resolve as far as they go
    if not _inside(real, root_real):
        raise _Refused(
            "symlink_outside", "the path leads (through a link or `..`) to a place outside the input folder"
        )
    status = _status(real, path)
    if not stat.S_ISREG(status.st_mode):
        raise _Refused("unreadable", _not_a_file(path, status))
    if status.st_size > max_bytes:
        raise _Refused("too_large", _too_large(status.st_size, max_bytes), status.st_size)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(real, flags | getattr(os, "O_CLOEXEC", 0))
    try:
        before = os.fstat(fd)
        opened = _opened_path(fd)
        swapped = (before.st_dev, before.st_ino) != (status.st_dev, status.st_ino)
        if swapped or (opened is not None and not _inside(opened, root_real)):
            raise _Refused("unreadable", "the file was replaced while it was being opened; run again")
        data = _read_at_most(fd, max_bytes + 1)
        after = os.fstat(fd)
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        size = max(after.st_size, len(data))
        raise _Refused("too_large", _too_large(size, max_bytes), size)
    if _changed(before, after) or len(data) != after.st_size:
        raise _Refused(
            "unreadable", "the file changed while it was being read (still being written?); run again"
        )
    return data


def _changed(before: os.stat_result, after: os.stat_result) -> bool:
    return (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns)


def _status(real: str, path: Path) -> os.stat_result:
    try:
        return os.stat(real)
    except FileNotFoundError:
        if os.path.islink(path):
            raise _Refused(
                "unreadable", "the file is a link to nothing (its target does not exist)"
            ) from None
        raise _Refused("unreadable", "the file disappeared before it could be read") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _Refused("unreadable", "the file is a loop of links that lead nowhere") from None
        raise


_SPECIAL_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_a_file(path: Path, status: os.stat_result) -> str:
    mode = status.st_mode
    if stat.S_ISDIR(mode):
        if os.path.islink(path):
            return "a link to a folder, not a file (links to folders are not followed)"
        try:
            os.scandir(path).close()
        except OSError:
            return "a folder that could not be listed: the files in it were not read"
        return "a folder, not a file"
    kind = next((name for test, name in _SPECIAL_KINDS if test(mode)), "a special file")
    return f"{kind}, not a regular file: it was not opened"


def _too_large(size: int, limit: int) -> str:
    return f"{size} bytes is over the limit of {limit} (PIPELINE_MAX_FILE_BYTES)"


def _opened_path(fd: int) -> str | None:
    """Where the kernel says `fd` points (Linux), to check what was opened rather than what was named."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return None


def _read_chunk(fd: int, n: int) -> bytes:
    return os.read(fd, n)


def _read_at_most(fd: int, limit: int) -> bytes:
    """Up to `limit` bytes from `fd`, in chunks: never more, whatever the file's size says."""
    chunks: list[bytes] = []
    total = 0
    while total < limit:
        chunk = _read_chunk(fd, min(_READ_CHUNK, limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def parse_bytes(
    data: bytes, source_file: str, settings: Settings, today: dt.date | None = None
) -> RawArticle | Quarantined:
    """Validate raw bytes as an article file (the part of `read_article` after reading)."""
    sha = hashlib.sha256(data).hexdigest()
    size = len(data)

    def reject(code: str, reason: str, encoding: str | None = None) -> Quarantined:
        return Quarantined(source_file, "ingest", code, reason, sha, size, encoding)

    if size > settings.max_file_bytes:
        return reject("too_large", _too_large(size, settings.max_file_bytes))
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
    m = _match_header(header)
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
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - _UTF8_MAX_SEQUENCE:
            # Cut inside its last character (a truncated download): UTF-8 with that character lost.
            return data[: exc.start].decode("utf-8"), "utf-8"
    if b"\x00" in data:
        return None
    guess = charset_normalizer.from_bytes(data[:_SNIFF_BYTES]).best()
    if guess is not None and guess.encoding not in _WESTERN:
        try:  # a legacy non-Western code page (Cyrillic, Greek, Arabic, CJK, ...)
            text = data.decode(guess.encoding)
        except (UnicodeDecodeError, LookupError):
            text = ""
        # Trust the guess only when it reads the ASCII header right: random bytes decode "fine" too.
        if _match_header(text.lstrip("\r\n\t \ufeff").partition("\n")[0]):
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


def _match_header(line: str) -> re.Match[str] | None:
    return _HEADER.match(line.rstrip(" \t"))


def _inside(path: str, root: str) -> bool:
    """Whether the resolved `path` is `root` or under it (both absolute and resolved)."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)

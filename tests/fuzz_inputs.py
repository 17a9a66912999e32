"""A seeded generator of hostile landing folders: what a scraper, a broken disk or an adversary
could leave where the pipeline reads.

`build_corpus(folder, seed, n)` writes `n` random hostile files plus a fixed set of special
entries (links out of the folder, FIFOs, devices, a 50 MB line, a million empty lines, deep
folders, ...) and returns one `Case` per input the pipeline must account for, each with the
outcomes it may end in ("article" or quarantine reason codes; None when any outcome is fine).
The same seed always writes the same bytes under the same names.
"""

from __future__ import annotations

import codecs
import datetime as dt
import os
import random
import socket
import stat
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ARTICLE = "article"
#: A marker written only outside the landing folder: it must never reach an article.
OUTSIDE_MARKER = "OUTSIDE-THE-LANDING-FOLDER-7f3a"
FIFTY_MB = 50 * 1024 * 1024
DEEP_LEVELS = 1200


@dataclass(frozen=True)
class Case:
    """One input the pipeline must turn into an article or a quarantine row."""

    name: str  # path relative to the landing folder (str; undecodable bytes as surrogates)
    family: str
    expect: frozenset[str] | None  # allowed outcomes: ARTICLE and/or reason codes; None = any
    duplicate_group: str | None = None  # exact copies: one original, the rest `duplicate_of` it


@dataclass
class Corpus:
    folder: Path
    outside: Path
    cases: list[Case] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # hidden entries the pipeline must skip
    skipped: list[str] = field(default_factory=list)  # specials this machine cannot create


def _any(*codes: str) -> frozenset[str]:
    return frozenset(codes)


#: "Any quarantine reason" (an expectation for files that must not become articles).
QUARANTINE = "<quarantine>"
NOT_ARTICLE = frozenset({QUARANTINE})


def allowed(case: Case, outcome: str) -> bool:
    """Whether `outcome` (ARTICLE or a reason code) is one the case may end in."""
    if case.expect is None:
        return True
    if QUARANTINE in case.expect and outcome != ARTICLE:
        return True
    return outcome in case.expect


# --------------------------------------------------------------------------------------------
# Text pieces

_ACTORS = [
    "Russia",
    "Ukraine",
    "Kenya",
    "the United Nations",
    "Hungary",
    "President Putin",
    "Prime Minister Orban",
    "the European Union",
    "NATO",
    "Sudan",
    "Ethiopia",
    "China",
    "the rebels",
    "police in Nairobi",
]
_VERBS = [
    "met with",
    "accused",
    "threatened",
    "signed an agreement with",
    "sent aid to",
    "called on",
    "condemned",
    "attacked",
    "held talks with",
    "imposed sanctions on",
]
_TAILS = [
    "on Thursday",
    "in Budapest",
    "within two weeks",
    "last month",
    "after a phone call on October 16",
    "",
    "during the summit",
]
_FOREIGN = [
    "قال الرئيس إن المحادثات ستستأنف الأسبوع المقبل.",  # Arabic
    "הממשלה הודיעה על הפסקת אש בצפון.",  # Hebrew
    "Президент России встретился с премьер-министром Венгрии.",  # Russian
    "中国外交部发言人表示反对制裁。",  # Chinese
    "Der Außenminister traf seinen Amtskollegen in Berlin.",  # German
    "Le président a rencontré le Premier ministre à Paris.",  # French
]
_EMOJI = ["🇺🇦", "🔥", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🙂", "💥", "🕊️", "🇷🇺"]
_ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
_BIDI = ["\u202e", "\u202d", "\u2066", "\u2067", "\u200f", "\u061c"]
_HTML_BITS = [
    "<p>",
    "</p>",
    "<br/>",
    "<b>",
    "</b>",
    "&amp;",
    "&nbsp;",
    "&#8217;",
    "<a href='javascript:alert(1)'>link</a>",
    "<script>document.write('x')</script>",
    "<style>p{color:red}</style>",
    "<!-- comment -->",
    '<img src=x onerror="alert(1)">',
    "<iframe src='http://evil'></iframe>",
    "<svg onload=alert(1)>",
    "</svg>",
]


def sentence(rng: random.Random) -> str:
    tail = rng.choice(_TAILS)
    return f"{rng.choice(_ACTORS).capitalize()} {rng.choice(_VERBS)} {rng.choice(_ACTORS)}{' ' + tail if tail else ''}."


def paragraph(rng: random.Random, n: int | None = None) -> str:
    return " ".join(sentence(rng) for _ in range(n or rng.randint(1, 4)))


def body(rng: random.Random, paragraphs: int | None = None) -> str:
    return "\n\n".join(paragraph(rng) for _ in range(paragraphs or rng.randint(1, 5)))


def random_date(rng: random.Random, today: dt.date) -> dt.date:
    return today - dt.timedelta(days=rng.randint(1, 3000))


def article(rng: random.Random, today: dt.date, title: str | None = None, text: str | None = None) -> str:
    date = random_date(rng, today).isoformat()
    title = title if title is not None else paragraph(rng, 1).rstrip(".")
    return f"date {date} {title}\n\n{text if text is not None else body(rng)}\n"


def sprinkle(rng: random.Random, text: str, pieces: list[str], rate: float) -> str:
    """`text` with random `pieces` inserted between characters at about `rate` per character."""
    out = []
    for ch in text:
        out.append(ch)
        if rng.random() < rate:
            out.append(rng.choice(pieces))
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Families of random files: (rng, today) -> (bytes, allowed outcomes)

Family = Callable[[random.Random, dt.date], tuple[bytes, frozenset[str] | None]]


def f_valid(rng, today):
    return article(rng, today).encode("utf-8"), _any(ARTICLE)


def f_binary(rng, today):
    data = rng.randbytes(rng.randint(1, 4096))
    if rng.random() < 0.4:
        magic = rng.choice(
            [b"%PDF-1.7", b"\x89PNG\r\n", b"PK\x03\x04", b"\x1f\x8b\x08", b"\x7fELF", b"GIF89a"]
        )
        data = magic + data
    return data, NOT_ARTICLE


def f_truncated_utf8(rng, today):
    text = article(rng, today, text=body(rng) + "\n\n" + " ".join(rng.sample(_FOREIGN, 3)))
    data = text.encode("utf-8")
    header_end = data.index(b"\n\n") + 2 + 40
    cut = rng.randint(min(header_end, len(data) - 1), len(data) - 1)
    return data[:cut], _any(ARTICLE, "empty")


def f_utf16(rng, today):
    text = article(rng, today)
    enc = rng.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
    return text.encode(enc), _any(ARTICLE)


def f_utf16_cut(rng, today):
    data = article(rng, today).encode(rng.choice(["utf-16", "utf-16-le"]))
    return data[: len(data) - 1], None  # odd length: not decodable as UTF-16


def f_latin1(rng, today):
    accents = "Café in São Paulo: naïve résumé, Zürich, Ærø, señor Muñoz, garçon. "
    text = article(rng, today, title="Réunion à Genève", text=accents + body(rng))
    return text.encode(rng.choice(["latin-1", "cp1252"])), _any(ARTICLE)


def f_nul(rng, today):
    data = bytearray(article(rng, today).encode("utf-8"))
    for _ in range(rng.randint(1, 20)):
        data.insert(rng.randint(len(data) // 2, len(data)), 0)
    return bytes(data), _any("binary")


def f_control(rng, today):
    text = sprinkle(rng, article(rng, today), ["\x1b[2J", "\x07", "\x08", "\x1b]0;pwned\x07", "\x7f"], 0.2)
    return text.encode("utf-8"), None


_HEADERS = [
    ("date {d} Title", ARTICLE),
    ("   date {d} Leading spaces", ARTICLE),
    ("\t\tdate {d}\tTabs", ARTICLE),
    ("DATE {d} Upper case", ARTICLE),
    ("Date {d} Mixed case", ARTICLE),
    ("date {d}", ARTICLE),
    ("date {d}T10:00:00Z Timestamp", ARTICLE),
    ("date {d} " + "spaces   " * 2000 + " end", "too_long"),  # one 14 000-character title sentence
    ("date {d} Title" + " " * 30000, ARTICLE),
    ("date\t{d}", ARTICLE),
    ("date", "no_date"),
    ("date   Title with no date", "no_date"),
    ("dated {d} Not the keyword", "no_header"),
    ("da\u200bte {d} Zero width inside the keyword", "no_header"),
    ("Title first {d}", "no_header"),
    ("date: {d} Colon", "no_date"),
    ("date 20251017 Compact", "bad_date"),
    ("date 17/10/2025 Slashes", "bad_date"),
    ("date 2025-10 Month only", "bad_date"),
    ("date {d}{d} Doubled", "bad_date"),
    ("date -{d} Negative", "bad_date"),
    ("date \u0662\u0660\u0662\u0665-\u0660\u0661-\u0660\u0662 Arabic-Indic digits", ARTICLE),
    ("date \uff12\uff10\uff12\uff15-\uff10\uff11-\uff10\uff12 Fullwidth digits", ARTICLE),
    ("date 2025-01-02\u200b Zero width after the date", "bad_date"),
]


def f_header(rng, today):
    template, outcome = rng.choice(_HEADERS)
    header = template.replace("{d}", random_date(rng, today).isoformat())
    lead = rng.choice(["", "\n\n", "\r\n", "   \n\t\n", "\ufeff"])
    newline = rng.choice(["\n", "\r\n"])
    text = lead + header + newline + newline + body(rng).replace("\n", newline) + newline
    return text.encode("utf-8"), _any(outcome)


def f_cr_only(rng, today):
    return article(rng, today).replace("\n", "\r").encode("utf-8"), None  # old Mac line ends


def f_no_header(rng, today):
    return body(rng).encode("utf-8"), _any("no_header")


def f_dates(rng, today):
    bad = ["2025-02-30", "0000-00-00", "2025-13-01", "2025-00-10", "2023-02-29", "1899-12-31", "2025-04-31"]
    good = ["2024-02-29", "1900-01-01", today.isoformat()]
    future = ["9999-12-31", (today + dt.timedelta(days=1)).isoformat(), f"{today.year + 1}-01-01"]
    kind = rng.choice(["bad", "good", "future"])
    date = rng.choice({"bad": bad, "good": good, "future": future}[kind])
    code = {"bad": "bad_date", "good": ARTICLE, "future": "future_date"}[kind]
    return f"date {date} Date test\n\n{body(rng)}\n".encode(), _any(code)


def f_html(rng, today):
    kind = rng.randrange(4)
    if kind == 0:
        page = (
            "<!DOCTYPE html><html><head><title>x</title></head><body><p>"
            + paragraph(rng)
            + "</p></body></html>"
        )
        return page.encode(), _any("not_article")
    if kind == 1:
        return b"<script>while(true){}</script>\n" + paragraph(rng).encode(), _any("no_header")
    if kind == 2:  # an article whose body is full of markup
        text = article(rng, today, text=sprinkle(rng, body(rng), _HTML_BITS, 0.02))
        return text.encode(), _any(ARTICLE, "empty")
    # unclosed blocks and comments: quadratic for a naive regex
    flood = rng.choice(["<script>a ", "<!-- a ", "<style>", "<svg ", "<iframe "]) * rng.randint(100, 2000)
    return article(rng, today, text=paragraph(rng) + "\n\n" + flood).encode(), None


def f_rtl_emoji(rng, today):
    parts = [paragraph(rng), *rng.sample(_FOREIGN, 2), "".join(rng.choices(_EMOJI, k=rng.randint(1, 30)))]
    rng.shuffle(parts)
    text = "\n\n".join(parts)
    if rng.random() < 0.5:
        text = sprinkle(rng, text, _BIDI, 0.02)
    title = rng.choice(["", "\u202e"]) + rng.choice(_FOREIGN)[:40] + rng.choice(_EMOJI)
    return article(rng, today, title=title, text=text).encode("utf-8"), _any(ARTICLE)


def f_zero_width(rng, today):
    text = sprinkle(rng, body(rng), _ZERO_WIDTH, 0.1)
    return article(rng, today, text=text).encode("utf-8"), _any(ARTICLE)


def f_combining(rng, today):
    zalgo = "".join(ch + "".join(chr(rng.randint(0x300, 0x36F)) for _ in range(20)) for ch in "breaking news")
    return article(rng, today, text=paragraph(rng) + "\n\n" + zalgo).encode("utf-8"), None


def f_unicode_oddities(rng, today):
    bits = [
        "\ufffd",
        "\uffff",
        "\U0010fffd",
        "\ue000",
        "\u2028",
        "\u2029",
        "\x85",
        "\u00a0",
        "\u3000",
        "ﬃ" * 50,
    ]
    text = sprinkle(rng, body(rng), bits, 0.05)
    return article(rng, today, text=text).encode("utf-8"), None


def f_invalid_utf8(rng, today):
    bad = rng.choice([b"\xc0\xaf", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\xff\xfe", b"\x80\x80"])
    data = article(rng, today).encode()
    cut = rng.randint(len(data) // 2, len(data))
    return data[:cut] + bad + data[cut:], None


def f_boilerplate(rng, today):
    chrome = "\n\n".join(
        ["MORE FROM THE AUTHOR", "PHOTOS", "Advertisement", "Share this article", "Subscribe"]
    )
    return article(rng, today, text=chrome).encode(), _any("empty")


def f_long_token(rng, today):
    token = rng.choice(["x", "ab", "-", ".", "http://e.com/"]) * rng.randint(2600, 4000)
    return article(rng, today, text=paragraph(rng) + " " + token).encode(), None


def f_injection(rng, today):
    junk = rng.choice(
        [
            "'; DROP TABLE articles; --",
            "../../../../etc/passwd",
            "%s%s%n%x {0} {__class__} ${HOME} $(rm -rf /) `id`",
            "\\x00\\u0000 \\N{NULL}",
            '{"json": [1, 2, {"deep": null}]}',
            "=cmd|' /C calc'!A0",
        ]
    )
    return article(rng, today, title=junk, text=junk + "\n\n" + body(rng)).encode(), _any(ARTICLE)


def f_whitespace(rng, today):
    blank = [b"", b" ", b"\n" * 1000, b"\t \r\n" * 50, codecs.BOM_UTF8, "\u3000\u00a0".encode()]
    return rng.choice(blank), _any("empty")


def f_many_lines(rng, today):
    blank = "\n" * rng.randint(100, 2000)
    return article(rng, today, text=paragraph(rng) + blank + paragraph(rng)).encode(), _any(ARTICLE)


def f_tokenizer_bomb(rng, today):
    """Tokens that made spaCy's tokenizer quadratic: symbol runs, URL-like runs of `:`."""
    unit, count = rng.choice(
        [("$", 4000), ("#.", 1500), (":)", 1500), ("🔥", 3000), ("x:/", 20000), ("_", 4000)]
    )
    token = rng.choice(["", "a"]) + unit * count
    return article(rng, today, text=paragraph(rng) + "\n\n" + token).encode(), None


FAMILIES: dict[str, tuple[Family, int]] = {  # family -> (generator, weight)
    "valid": (f_valid, 12),
    "binary": (f_binary, 8),
    "truncated_utf8": (f_truncated_utf8, 6),
    "utf16": (f_utf16, 6),
    "utf16_cut": (f_utf16_cut, 2),
    "latin1": (f_latin1, 5),
    "nul": (f_nul, 4),
    "control": (f_control, 3),
    "header": (f_header, 10),
    "cr_only": (f_cr_only, 1),
    "no_header": (f_no_header, 2),
    "dates": (f_dates, 8),
    "html": (f_html, 6),
    "rtl_emoji": (f_rtl_emoji, 5),
    "zero_width": (f_zero_width, 3),
    "combining": (f_combining, 2),
    "unicode_oddities": (f_unicode_oddities, 3),
    "invalid_utf8": (f_invalid_utf8, 3),
    "boilerplate": (f_boilerplate, 2),
    "long_token": (f_long_token, 2),
    "injection": (f_injection, 2),
    "whitespace": (f_whitespace, 2),
    "many_lines": (f_many_lines, 2),
    "tokenizer_bomb": (f_tokenizer_bomb, 1),
}

# Hostile file names: each turns an index into a unique name (str; bytes via os.fsdecode).
_NAMES: list[Callable[[int], str]] = [
    lambda i: f"{i:04d} with spaces .txt",
    lambda i: f"-{i:04d}.txt",
    lambda i: f"--output={i:04d}.txt",
    lambda i: f"-rf {i:04d}.txt",
    lambda i: f"{i:04d}_café_Ünïcödé_日本語.txt",
    lambda i: unicodedata.normalize("NFD", f"{i:04d}_café.txt"),
    lambda i: f"{i:04d}_🔥🇺🇦.txt",
    lambda i: f"{i:04d}_\u202etxt.exe.txt",
    lambda i: f"{i:04d}_new\nline.txt",
    lambda i: f"{i:04d}_\x1b[31mred\x1b[0m.txt",
    lambda i: f"{i:04d}_" + "L" * 240 + ".txt",
    lambda i: os.fsdecode(f"{i:04d}_".encode() + b"caf\xe9\xff.txt"),
    lambda i: f"{i:04d}_UPPER.TXT",
    lambda i: f"{i:04d}_$(id)`id`;|&.txt",
    lambda i: f"{i:04d}_back\\slash.txt",
    lambda i: f"{i:04d}_tables.txt",
    lambda i: f"sub dir/{i:04d}.txt",
    lambda i: f"-sub/--{i:04d}.txt",
]


def random_name(rng: random.Random, i: int, family: str) -> str:
    if rng.random() < 0.3:
        return rng.choice(_NAMES)(i)
    return f"{i:04d}_{family}.txt"


# --------------------------------------------------------------------------------------------
# The corpus


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def build_corpus(
    folder: Path,
    seed: int = 0,
    n: int = 1000,
    today: dt.date | None = None,
    big: bool = True,
    heavy: bool = False,
) -> Corpus:
    """Write `n` random hostile files and the special entries into `folder` (created; must be
    empty) and a sibling `outside/` folder; return what the pipeline must account for.

    `big` adds the large files (a 50 MB line, a million empty lines, a 150 000-character article);
    `heavy` the files that are slow to clean although within every limit (for benchmarks).
    """
    today = today or dt.date.today()
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    outside = folder.parent / f"{folder.name}-outside"
    outside.mkdir(exist_ok=True)
    corpus = Corpus(folder, outside)
    names = list(FAMILIES)
    weights = [FAMILIES[f][1] for f in names]
    for i in range(n):
        family = rng.choices(names, weights)[0]
        data, expect = FAMILIES[family][0](rng, today)
        name = random_name(rng, i, family)
        _write(folder / name, data)
        corpus.cases.append(Case(name, family, expect))
    _duplicates(corpus, rng, today)
    _limits(corpus, rng, today, big)
    _specials(corpus, rng, today)
    if heavy:
        _heavy(corpus, rng, today)
    return corpus


def _add(corpus: Corpus, name: str, family: str, data: bytes | None, expect, group: str | None = None):
    if data is not None:
        _write(corpus.folder / name, data)
    corpus.cases.append(Case(name, family, expect, group))


def _duplicates(corpus: Corpus, rng: random.Random, today: dt.date) -> None:
    for g in range(5):
        data = article(rng, today).encode()
        for name in (f"dup{g}/original.txt", f"dup{g}/copy of original.txt", f"dup{g}/-copy.txt"):
            _add(corpus, name, "duplicate", data, _any(ARTICLE), group=f"dup{g}")


def _limits(corpus: Corpus, rng: random.Random, today: dt.date, big: bool) -> None:
    """Files at and over the default limits (5 MB, 200 000 characters, 5 000-character sentences)."""
    date = random_date(rng, today).isoformat()
    sentence_at = "A" + "a" * 4998 + "."  # exactly 5 000 characters
    _add(
        corpus,
        "limits/sentence_at_limit.txt",
        "limits",
        f"date {date} T\n\n{sentence_at}\n".encode(),
        _any(ARTICLE),
    )
    _add(
        corpus,
        "limits/sentence_over_limit.txt",
        "limits",
        f"date {date} T\n\nA{sentence_at}\n".encode(),
        _any("too_long"),
    )
    title = "Word " * 1200
    _add(
        corpus,
        "limits/title_over_sentence_limit.txt",
        "limits",
        f"date {date} {title}\n\nBody.\n".encode(),
        _any("too_long"),
    )
    header = f"date {date} T\n\n".encode()
    filler = (paragraph(rng, 8) + "\n\n").encode() * 2000
    at = header + filler[: 200_000 - len(header) - 1] + b"."  # exactly 200 000 characters
    _add(corpus, "limits/article_at_limit.txt", "limits", at, _any(ARTICLE))
    _add(corpus, "limits/article_over_limit.txt", "limits", at + b".", _any("too_long"))
    if not big:
        return
    long_text = (paragraph(rng, 6) + " ") * 400
    long_text = long_text[:150_000]
    _add(
        corpus,
        "limits/long_line_under_limit.txt",
        "limits",
        f"date {date} Long\n\n{long_text}.\n".encode(),
        _any(ARTICLE),
    )
    _add(corpus, "limits/4.5MB one line.txt", "limits", header + b"word " * 900_000, _any("too_long"))
    _add(
        corpus,
        "limits/million empty lines.txt",
        "limits",
        header + b"Body.\n" + b"\n" * 1_000_000,
        _any("too_long"),
    )
    _add(corpus, "limits/million empty lines only.txt", "limits", b"\n" * 1_000_000, _any("empty"))
    with open(corpus.folder / "limits" / "50MB one line.txt", "wb") as f:
        f.write(header)
        chunk = b"a" * (1 << 20)
        for _ in range(50):
            f.write(chunk)
    _add(corpus, "limits/50MB one line.txt", "limits", None, _any("too_large"))
    _add(corpus, "limits/5MB+1.txt", "limits", b"a" * 5_000_001, _any("too_large"))


def _heavy(corpus: Corpus, rng: random.Random, today: dt.date) -> None:
    """Within every default limit, but as slow to clean as a file can be made (every line costs)."""
    date = random_date(rng, today).isoformat()
    header = f"date {date} Heavy\n\n"
    room = 200_000 - len(header) - 20
    bodies = {
        "heavy/blank lines.txt": "Body.\n" + "\n" * room,
        "heavy/one-letter lines.txt": "x\n" * (room // 2),
        "heavy/bullets.txt": "• x\n" * (room // 4),
        "heavy/short paragraphs.txt": "A b.\n\n" * (room // 6),
        "heavy/symbol runs.txt": ("$" * 4000 + " ") * (room // 4001),
        "heavy/url-like runs.txt": ("x:/" * 1600 + " ") * (room // 4801),
        "heavy/unclosed scripts.txt": "<script>a " * (room // 10),
        "heavy/tags.txt": "<b>x</b> " * (room // 9),
        "heavy/mojibake.txt": "CafÃ© â€™ " * (room // 10),
    }
    for name, text in bodies.items():
        _add(corpus, name, "heavy", (header + text).encode(), None)


def _specials(corpus: Corpus, rng: random.Random, today: dt.date) -> None:
    """Links, special files, odd folders: what the file system itself can throw at a reader."""
    f, out = corpus.folder, corpus.outside
    secret = out / "secret.txt"
    secret.write_text(article(rng, today, title=OUTSIDE_MARKER, text=OUTSIDE_MARKER + " " + body(rng)))
    inside = f / "links" / "target.txt"
    _write(inside, article(rng, today).encode())
    corpus.cases.append(Case("links/target.txt", "links", _any(ARTICLE), "links"))

    def link(name: str, target: str | Path, expect, group: str | None = None) -> None:
        path = f / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target)
        corpus.cases.append(Case(name, "links", expect, group))

    link("links/abs_outside.txt", secret, _any("symlink_outside"))
    link("links/rel_outside.txt", os.path.relpath(secret, f / "links"), _any("symlink_outside"))
    link("links/deeper/dotdot_outside.txt", "../../../" + out.name + "/secret.txt", _any("symlink_outside"))
    link("links/dev_zero.txt", "/dev/zero", _any("symlink_outside"))
    link("links/etc_passwd.txt", "/etc/passwd", _any("symlink_outside"))
    link("links/proc_self_mem.txt", "/proc/self/mem", _any("symlink_outside"))
    link("links/root.txt", "/", _any("symlink_outside"))
    link("links/inside_same.txt", "target.txt", _any(ARTICLE), "links")  # a copy under another name
    link("links/deeper/inside_dotdot.txt", "../target.txt", _any(ARTICLE), "links")
    link("links/loop.txt", "loop.txt", _any("unreadable"))
    link("links/loop_a.txt", "loop_b.txt", _any("unreadable"))
    link("links/loop_b.txt", "loop_a.txt", _any("unreadable"))
    link("links/dangling.txt", "does-not-exist.txt", _any("unreadable"))
    link("links/dangling_outside.txt", out / "missing.txt", _any("symlink_outside"))
    (f / "folder_target").mkdir()
    link("links/to_folder.txt", "../folder_target", _any("unreadable"))
    link("links/to_outside_folder.txt", out, _any("symlink_outside"))
    # A link to a folder outside, not named *.txt: not followed, so its files are not inputs.
    (f / "outside_dir_link").symlink_to(out)

    (f / "special").mkdir()
    os.mkfifo(f / "special" / "fifo.txt")
    corpus.cases.append(Case("special/fifo.txt", "special", _any("unreadable")))
    os.mkfifo(f / "special" / "fifo_no_suffix")
    link("special/link_to_fifo.txt", "fifo_no_suffix", _any("unreadable"))
    _socket(corpus)
    _device(corpus)

    _write(f / "folder.txt" / "inner.txt", article(rng, today).encode())  # a folder named *.txt
    corpus.cases.append(Case("folder.txt/inner.txt", "special", _any(ARTICLE)))
    locked = f / "special" / "chmod000.txt"
    _write(locked, article(rng, today).encode())
    locked.chmod(0)
    root = os.geteuid() == 0  # root reads it anyway
    corpus.cases.append(Case("special/chmod000.txt", "special", _any(ARTICLE if root else "unreadable")))
    locked_dir = f / "special" / "locked dir"
    _write(locked_dir / "inside.txt", article(rng, today).encode())
    locked_dir.chmod(0)
    corpus.cases.append(
        Case(
            "special/locked dir/inside.txt" if root else "special/locked dir",
            "special",
            _any(ARTICLE if root else "unreadable"),
        )
    )
    deep = f / "deep"
    for _ in range(DEEP_LEVELS):
        deep = deep / "d"
        deep.mkdir(parents=True)
    _write(deep / "bottom.txt", article(rng, today).encode())
    corpus.cases.append(Case(deep.relative_to(f).as_posix() + "/bottom.txt", "special", _any(ARTICLE)))
    # Entries the pipeline must skip: hidden files and folders, other suffixes.
    for name in (
        ".hidden.txt",
        ".git/config.txt",
        "sub dir/.partial.txt.tmp",
        "notes.md",
        "x.txt.bak",
        "x.txt ",
    ):
        _write(f / name, article(rng, today).encode())
        corpus.ignored.append(name)


def _socket(corpus: Corpus) -> None:
    path = corpus.folder / "special" / "socket.txt"
    try:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(str(path))
        sock.close()  # the socket file stays
    except OSError as exc:  # a path too long for AF_UNIX, or no Unix sockets
        corpus.skipped.append(f"socket: {exc}")
        return
    corpus.cases.append(Case("special/socket.txt", "special", _any("unreadable")))


def _device(corpus: Corpus) -> None:
    """A character device inside the folder (a copy of /dev/zero): only root may make one."""
    path = corpus.folder / "special" / "zero_device.txt"
    try:
        os.mknod(path, 0o644 | stat.S_IFCHR, os.makedev(1, 5))
    except (OSError, AttributeError) as exc:
        corpus.skipped.append(f"device: {exc}")
        return
    corpus.cases.append(Case("special/zero_device.txt", "special", _any("unreadable")))


def unlock(corpus: Corpus) -> None:
    """Undo the chmod 000 so that the folder can be removed."""
    for path in (corpus.folder / "special" / "chmod000.txt", corpus.folder / "special" / "locked dir"):
        if path.exists():
            path.chmod(0o755)


def remove_tree(top: Path) -> None:
    """Remove a folder without recursion: `shutil.rmtree` (and so pytest's clean-up of old
    temporary folders) recurses once per level and fails on the 1 200-level tree."""
    if not os.path.lexists(top):
        return
    stack, folders = [os.fspath(top)], []
    while stack:
        folder = stack.pop()
        folders.append(folder)
        os.chmod(folder, 0o700)
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                else:
                    os.unlink(entry.path)
    for folder in reversed(folders):
        os.rmdir(folder)

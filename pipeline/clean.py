"""Turn a validated raw article into a clean, structured article with one canonical `text`.

Steps: repair and normalise the text (ftfy for mojibake, HTML tags and entities, Unicode NFC,
whitespace), classify each line (content, bullet, caption, chrome, ...), recover the dek and
the summary bullets, drop page chrome while counting what was dropped, then build the
canonical `text` (title, dek, summary bullets, body paragraphs, joined by blank lines) and
split it into sentences whose offsets index into that text.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import ftfy

from pipeline import __version__ as PIPELINE_VERSION
from pipeline.config import Settings
from pipeline.ids import article_id
from pipeline.ingest import Quarantined, RawArticle
from pipeline.language import detect_language
from pipeline.reference import load_json

SECTION_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article: `text[start:end]` in the article's canonical text."""

    index: int
    start: int
    end: int
    section: str


@dataclass
class Article:
    """A cleaned article: the `articles` table row plus its sentences and cleaning record."""

    article_id: str
    source_file: str
    content_sha256: str
    publication_date: dt.date
    title: str
    dek: str | None
    summary: list[str]
    body: str
    text: str
    language: str
    sentences: list[Sentence]
    boilerplate_chars: int
    duplicate_of: str | None = None
    removed: list[tuple[str, str]] = field(default_factory=list)  # (category, line) dropped
    pipeline_version: str = PIPELINE_VERSION
    #: The body's LSH band keys for finding near-duplicates (`dedup.with_bands`), computed by the
    #: worker that cleaned the article; None until then.
    bands: list[int] | None = None

    @property
    def n_sentences(self) -> int:
        return len(self.sentences)

    def sentence_text(self, s: Sentence) -> str:
        return self.text[s.start : s.end]

    @property
    def extractable(self) -> bool:
        """Events are read from English (or undetermined) originals; duplicates and other
        languages are not."""
        return self.duplicate_of is None and self.language in ("en", "und")


# --------------------------------------------------------------------------------------------
# Normalisation


@cache
def _rules() -> dict:
    data = load_json("boilerplate.json")
    tags = "|".join(sorted(data["html_tags"], key=len, reverse=True))
    blocks = "|".join(data["html_blocks"])
    return {
        "lines": [(r["category"], re.compile(r["pattern"], re.IGNORECASE)) for r in data["line_rules"]],
        "bullet": re.compile(data["bullet"]),
        "list_header": re.compile(data["list_headers"], re.IGNORECASE),
        "dateline": re.compile(data["dateline"]),
        "tag": re.compile(rf"</?(?:{tags})\b[^<>]{{0,500}}/?>", re.IGNORECASE),
        # `<name ...>...</name>` blocks, removed by `_strip_blocks`: the opening, and each closing.
        "block_open": re.compile(rf"<({blocks})\b", re.IGNORECASE),
        "block_close": {
            name: re.compile(rf"</{re.escape(name)}\s*>", re.IGNORECASE) for name in data["html_blocks"]
        },
    }


_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_HSPACE = re.compile(r"[^\S\n]+")
_BLOCK_TAG = re.compile(r"<(?:br|p|div|li|h[1-6]|tr)\b[^<>]{0,200}/?>|</(?:p|div|li|h[1-6]|tr)>", re.I)


#: ASCII characters ftfy changes (control characters, carriage returns): ASCII text without them
#: holds nothing ftfy would fix (no mojibake without non-ASCII characters), so it is skipped.
_ASCII_FIXABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _fix_text(text: str) -> str:
    if text.isascii() and not _ASCII_FIXABLE.search(text):
        return text
    return ftfy.fix_text(text, unescape_html=False, normalization="NFC")


def normalize(text: str) -> str:
    """Repair mojibake, strip HTML, unescape entities, NFC-normalise and tidy whitespace.

    Runs before any offset is computed, so it never shifts an offset a later stage stores.
    Angle brackets that are not HTML tags (e.g. `<VIA>` ticker marks) are kept.
    """
    rules = _rules()
    text = _fix_text(text)
    text = _strip_comments(text)
    text = _strip_blocks(text, rules)
    text = _BLOCK_TAG.sub("\n", text)
    text = rules["tag"].sub("", text)
    text = html.unescape(text)
    text = _fix_text(text)  # entities may hide mojibake
    text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    return "\n".join(_HSPACE.sub(" ", line).strip() for line in text.splitlines())


def _strip_comments(text: str) -> str:
    """Each `<!-- ... -->` replaced by a space, as `re.sub(r"<!--.*?-->", " ", text, flags=re.S)`
    does, but in linear time: that pattern rescans to the end for every unclosed `<!--`."""
    out: list[str] = []
    pos = 0
    while (start := text.find("<!--", pos)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:  # no comment closes after this one, so none after it can close either
            break
        out += [text[pos:start], " "]
        pos = end + 3
    out.append(text[pos:])
    return "".join(out)


def _strip_blocks(text: str, rules: dict) -> str:
    """Each `<script ...>...</script>` (and the other `html_blocks`) replaced by a space, as
    `re.sub(r"<(script|...)\\b[^>]*>.*?</\\1\\s*>", " ", text, flags=re.I | re.S)` does, but in
    linear time: that pattern rescans to the end for every opening tag that is never closed."""
    out: list[str] = []
    pos = search = 0
    gt = -1  # the first ">" at or after the last opening's name (reused while still ahead)
    unclosed: dict[str, int] = {}  # block name -> a position after which it is never closed
    while m := rules["block_open"].search(text, search):
        if gt < m.end():
            gt = text.find(">", m.end())
            if gt < 0:  # no opening tag after this one can be completed either
                break
        name = m.group(1).lower()
        close = None
        if unclosed.get(name, len(text) + 1) > gt + 1:
            close = rules["block_close"][name].search(text, gt + 1)
            if close is None:
                unclosed[name] = gt + 1
        if close is None:
            search = m.start() + 1
            continue
        out += [text[pos : m.start()], " "]
        pos = search = close.end()
    out.append(text[pos:])
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Line classification and structure


def classify(line: str) -> str:
    """The category of one normalised line: `content`, `bullet`, or a boilerplate category."""
    rules = _rules()
    for category, pattern in rules["lines"]:
        if pattern.match(line):
            return category
    if rules["bullet"].match(line):
        return "bullet"
    return "content"


@dataclass
class _Structure:
    dek: str | None = None
    summary: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)


def _blocks(body: str) -> list[list[str]]:
    """Blank-line separated blocks of non-empty lines."""
    blocks, current = [], []
    for line in body.split("\n"):
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _ends_sentence(line: str) -> bool:
    return bool(re.search(r"[.!?…:;\"'”’)\]]$", line))


def structure(body: str) -> _Structure:
    """Split a normalised body into dek, summary bullets, paragraphs and removed chrome."""
    out = _Structure()
    units: list[tuple[str, str]] = []  # (category, text) in order, paragraphs joined
    blocks = _blocks(body)
    for block in blocks:
        cats = [classify(line) for line in block]
        # Alt text: a line repeated as the start of the caption that follows it.
        for i in range(len(block) - 1):
            if cats[i] == "content" and cats[i + 1] == "caption" and block[i + 1].startswith(block[i]):
                cats[i] = "alt_text"
        pending: list[str] = []
        for line, cat in zip(block, cats, strict=True):
            if cat == "content":
                # The lines of one blank-line separated block are one paragraph (hard-wrapped text).
                if pending:
                    pending[-1] = f"{pending[-1]} {line}"
                else:
                    pending.append(line)
                continue
            units += [("content", p) for p in pending]
            pending = []
            units.append((cat, line))
        units += [("content", p) for p in pending]
    units = _drop_link_lists(units)

    in_summary = False
    first_content = next((i for i, (cat, _) in enumerate(units) if cat == "content"), None)
    for idx, (cat, line) in enumerate(units):
        if cat == "summary_header":
            in_summary = True
            out.removed.append((cat, line))
        elif cat == "bullet":
            text = _rules()["bullet"].match(line).group("text")
            if in_summary or not out.paragraphs:
                out.summary.append(text)
                out.removed.append(("bullet_mark", line[: len(line) - len(text)]))
            else:
                out.paragraphs.append(text)
        elif cat == "content":
            in_summary = False
            if idx == first_content and _is_dek(idx, units):
                out.dek = line
            else:
                out.paragraphs.append(line)
        else:
            out.removed.append((cat, line))
    # A dek repeated verbatim as a whole body paragraph is not body text twice.
    if out.dek is not None:
        out.paragraphs = [p for p in out.paragraphs if p != out.dek]
    if out.paragraphs:
        out.paragraphs[0] = _strip_dateline(out.paragraphs[0], out.removed)
    return out


_HEADER_ZONE = ("caption", "alt_text", "summary_header", "bullet", "byline", "timestamp")


def _is_dek(idx: int, units: list[tuple[str, str]]) -> bool:
    """The first paragraph is a dek when the body repeats it, or when header-zone chrome (caption,
    byline, summary block, ...) separates it from the body."""
    first = units[idx][1]
    rest = [text for cat, text in units[idx + 1 :] if cat == "content"]
    if not rest:
        return False
    key = _squash(first)
    if len(key) >= 40 and any(key in _squash(p) for p in rest):
        return True
    following = next((cat for cat, _ in units[idx + 1 :]), "content")
    if following in ("byline", "timestamp"):
        return True
    return following in _HEADER_ZONE and not _ends_sentence(first)


def _drop_link_lists(units: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headlines listed under a "Related stories" / "Also read" header are chrome too: the short
    unpunctuated lines that follow such a header, up to the first real paragraph."""
    out: list[tuple[str, str]] = []
    in_list = False
    header = _rules()["list_header"]
    for cat, text in units:
        if cat != "content" and header.match(text):
            in_list = True
        elif in_list and cat in ("content", "bullet") and len(text) <= 150 and not _ends_sentence(text):
            out.append(("related_link", text))
            continue
        elif cat == "content":
            in_list = False
        out.append((cat, text))
    return out


def _squash(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def _strip_dateline(paragraph: str, removed: list[tuple[str, str]]) -> str:
    m = _rules()["dateline"].match(paragraph)
    if m and (m.group("when") or m.group("agency")):
        removed.append(("dateline", m.group("dateline")))
        return paragraph[m.end("dateline") :]
    return paragraph


# --------------------------------------------------------------------------------------------
# Sentences


# spaCy's tokenizer is quadratic on two kinds of hostile token, which these bounds make linear:
# - it strips prefixes and suffixes one at a time, rescanning the rest of the token each time, so
#   a run of n symbols (`$$$...`, `#.#.`, emoji) costs O(n^2): 3 s for 3 000 of them;
# - its URL pattern backtracks over every `:` of a long token (`x:/x:/...`): 40 s for 100 000.
#: Longest run of symbols (neither letters, digits nor spaces) the tokenizer splits up; a token
#: holding a longer run stays whole.
MAX_SYMBOL_RUN = 32
#: Longest token tried as a URL (browsers stop near 2 000 characters); longer ones are split as text.
MAX_URL_CHARS = 2048
_SYMBOL_RUN = re.compile(rf"(?:[^\w\s]|_){{{MAX_SYMBOL_RUN + 1},}}")


def long_symbol_run(token: str) -> re.Match[str] | None:
    """A spaCy `token_match`: a token holding a run of more than `MAX_SYMBOL_RUN` symbols stays
    whole, so tokenizing it is linear. Text without such runs is tokenized as before."""
    return _SYMBOL_RUN.search(token)


def capped_url_match(url_match: Callable[[str], object]) -> Callable[[str], object]:
    """A spaCy `url_match` that only tries tokens of at most `MAX_URL_CHARS` characters."""

    def match(token: str) -> object:
        return url_match(token) if len(token) <= MAX_URL_CHARS else None

    return match


@cache
def _sentencizer():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.tokenizer.token_match = long_symbol_run
    nlp.tokenizer.url_match = capped_url_match(nlp.tokenizer.url_match)
    # The rule-based sentencizer needs no model memory per character; the article limit
    # (PIPELINE_MAX_ARTICLE_CHARS) bounds the text, and normalisation may lengthen it a little.
    nlp.max_length = 1 << 31
    return nlp


def split_sentences(paragraph: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) within a paragraph, trimmed of surrounding whitespace."""
    doc = _sentencizer()(paragraph)
    spans = []
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        while start < end and paragraph[start].isspace():
            start += 1
        while end > start and paragraph[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


# --------------------------------------------------------------------------------------------
# The whole article


def clean_article(raw: RawArticle, settings: Settings) -> Article | Quarantined:
    """Clean one validated raw article; an article with no body or an overlong sentence is quarantined."""

    def reject(code: str, reason: str) -> Quarantined:
        return Quarantined(
            raw.source_file, "clean", code, reason, raw.content_sha256, raw.size_bytes, raw.detected_encoding
        )

    title = " ".join(normalize(raw.title).split())
    parts = structure(normalize(raw.body))
    if not parts.paragraphs:
        return reject("empty", "the article has a header but no body text after cleaning")

    sections: list[tuple[str, str]] = [("title", title)] if title else []
    if parts.dek:
        sections.append(("dek", parts.dek))
    sections += [("summary", s) for s in parts.summary]
    sections += [("body", p) for p in parts.paragraphs]

    text_parts: list[str] = []
    sentences: list[Sentence] = []
    offset = 0
    for section, para in sections:
        for start, end in split_sentences(para):
            if end - start > settings.max_sentence_chars:
                return reject(
                    "too_long",
                    f"a sentence of {end - start} characters is over the limit of "
                    f"{settings.max_sentence_chars} (PIPELINE_MAX_SENTENCE_CHARS)",
                )
            sentences.append(Sentence(len(sentences), offset + start, offset + end, section))
        text_parts.append(para)
        offset += len(para) + len(SECTION_SEPARATOR)
    text = SECTION_SEPARATOR.join(text_parts)

    return Article(
        article_id=article_id(raw.source_file, raw.content_sha256),
        source_file=raw.source_file,
        content_sha256=raw.content_sha256,
        publication_date=raw.publication_date,
        title=title,
        dek=parts.dek,
        summary=parts.summary,
        body=SECTION_SEPARATOR.join(parts.paragraphs),
        text=text,
        language=detect_language(text),
        sentences=sentences,
        boilerplate_chars=sum(len(line) for _, line in parts.removed),
        removed=parts.removed,
    )


def removed_summary(articles: list[Article]) -> dict[str, dict[str, int]]:
    """What cleaning removed, by category: lines and characters over all the articles."""
    out: dict[str, dict[str, int]] = {}
    for article in articles:
        for category, line in article.removed:
            entry = out.setdefault(category, {"lines": 0, "chars": 0})
            entry["lines"] += 1
            entry["chars"] += len(line)
    return dict(sorted(out.items()))

"""Cleaning scraped pages: structure, boilerplate, normalisation, sentences with exact offsets."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.clean import Article, classify, clean_article, normalize, structure
from pipeline.config import Settings
from pipeline.ingest import Quarantined, RawArticle, read_article

from .conftest import SEED_ARTICLE, SEEDS, TODAY


def raw(body: str, title: str = "A title") -> RawArticle:
    return RawArticle("x.txt", "0" * 64, len(body), "utf-8", dt.date(2025, 10, 17), title, body)


@pytest.fixture(scope="module")
def seed() -> Article:
    article = clean_article(read_article(SEED_ARTICLE, SEEDS, Settings(), TODAY), Settings())
    assert isinstance(article, Article)
    return article


def test_seed_structure(seed: Article):
    assert (
        seed.title == "Putin-Trump Summit May Happen Within Two Weeks, But There's A Lot To Do First: Kremlin"
    )
    assert seed.dek.startswith("The announcement follows a lengthy phone call on October 16")
    assert len(seed.summary) == 3
    assert seed.summary[0].startswith("Kremlin eyes Putin-Trump meeting in Budapest")
    assert len(seed.body.split("\n\n")) == 3
    assert seed.body.startswith("The Kremlin on indicated")
    assert seed.language == "en"


def test_seed_boilerplate_removed_and_counted(seed: Article):
    for junk in ["| Photo:", "Summary of this article", "MORE FROM THE AUTHOR", "PHOTOS"]:
        assert junk not in seed.text
    assert "Trump-Putin summit in Alaska" not in seed.text
    categories = {c for c, _ in seed.removed}
    assert {"alt_text", "caption", "summary_header", "chrome"} <= categories
    assert seed.boilerplate_chars == sum(len(line) for _, line in seed.removed)


def test_offsets_round_trip_and_sections(seed: Article):
    assert seed.text.startswith(seed.title + "\n\n" + seed.dek)
    for s in seed.sentences:
        sentence = seed.text[s.start : s.end]
        assert sentence == sentence.strip() and sentence
    sections = [s.section for s in seed.sentences]
    assert sections[0] == "title" and sections[1] == "dek"
    assert sections.count("summary") == 3
    assert sections[-1] == "body"
    # The headline is never glued to the first body sentence.
    assert all(seed.text[s.start : s.end] != seed.title + " " + seed.dek for s in seed.sentences)


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("Leaders meet | Photo: Reuters", "caption"),
        ("File photo: A soldier stands guard", "caption"),
        ("Also read: Markets fall on trade fears", "chrome"),
        ("MORE FROM THE AUTHOR", "chrome"),
        ("Share this article", "chrome"),
        ("Subscribe to our newsletter for daily updates", "chrome"),
        ("By Jane Smith", "byline"),
        ("Updated: Oct 17, 2025 10:32 IST", "timestamp"),
        ("(Reporting by John Doe; Editing by Jane Roe)", "credit"),
        ("Summary of this article", "summary_header"),
        ("  • A bullet point", "content"),  # not normalised: leading spaces
        ("• A bullet point", "bullet"),
        ("The minister said photos of the meeting would be published.", "content"),
        ("By the end of the year, the army had withdrawn.", "content"),
    ],
)
def test_line_classification(line, category):
    assert classify(line) == category


def test_normalize_repairs_mojibake_entities_and_tags_but_keeps_ticker_brackets():
    text = normalize("Itâ€™s &amp; <b>bold</b>\u200b  move <VIA> said&nbsp;he")
    assert text == "It's & bold move <VIA> said he"


def test_wrapped_lines_join_into_one_paragraph_and_dateline_is_removed():
    parts = structure("KYIV (Reuters) - The army said on Monday\nit had pulled back.\n\nSecond paragraph.")
    assert parts.paragraphs == ["The army said on Monday it had pulled back.", "Second paragraph."]
    assert ("dateline", "KYIV (Reuters) - ") in parts.removed


def test_no_dek_without_repetition_or_chrome():
    parts = structure("First sentence is body.\n\nSecond sentence is body.")
    assert parts.dek is None
    assert parts.paragraphs == ["First sentence is body.", "Second sentence is body."]


def test_article_without_body_is_quarantined():
    item = clean_article(raw("MORE FROM THE AUTHOR\n\nPHOTOS\n"), Settings())
    assert isinstance(item, Quarantined) and item.reason_code == "empty" and item.stage == "clean"


def test_overlong_sentence_is_quarantined():
    item = clean_article(raw("word " * 400 + "end."), Settings(max_sentence_chars=500))
    assert isinstance(item, Quarantined) and item.reason_code == "too_long"


def test_non_english_article_is_identified():
    body = (
        "Der Bundeskanzler traf sich am Montag in Berlin mit dem französischen Präsidenten. "
        "Die beiden Politiker sprachen über die Lage in der Ukraine und über die Wirtschaft."
    )
    article = clean_article(raw(body, "Treffen in Berlin"), Settings())
    assert article.language == "de"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Kenya sent 400 police officers to Haiti last year.", "en"),  # lingua alone says Tagalog
        ("Ghana criticised Togo's handling of the border dispute.", "en"),  # lingua alone says Swedish
        ("Uganda, Rwanda team up to fight cattle rustlers", "en"),  # a headline full of names
        ("Qatar lifts curbs on visas for Nepali workers", "en"),
        ("Le président a rencontré le ministre à Paris mardi.", "fr"),
        ("Regeringen i Stockholm meddelade på tisdagen att den skickar trupper till Lettland.", "sv"),
        ("Ang pangulo ay nakipagpulong sa mga lider ng oposisyon noong Lunes.", "tl"),
    ],
)
def test_short_sentences_get_their_language(text, code):
    from pipeline.language import detect_language

    assert detect_language(text) in ({code, "und"} if code == "en" else {code})


def test_plain_ascii_skips_ftfy_only_where_ftfy_would_change_nothing():
    import string

    import ftfy

    from pipeline.clean import _fix_text

    for code in range(128):
        text = f"a{chr(code)}b {string.ascii_letters} {string.punctuation}"
        assert _fix_text(text) == ftfy.fix_text(text, unescape_html=False, normalization="NFC"), code
    assert _fix_text("caf\u00c3\u00a9 \r\n") == "caf\u00e9 \n"  # non-ASCII and CR still go through ftfy

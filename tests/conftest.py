from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = [
    json.loads(line)
    for line in (ROOT / "tests" / "golden" / "cases.jsonl").read_text("utf-8").splitlines()
    if line.strip()
]


@pytest.fixture(scope="session")
def analyzer_engine():  # type: ignore[no-untyped-def]
    from analyzer import get_analyzer

    return get_analyzer()


@pytest.fixture()
def blank_nlp() -> Language:
    """spacy.blank("en") with our components from the packaged data files, no trained model."""
    from analyzer.components import context, cues, lemmas, segmenter  # noqa: F401
    from analyzer.taxonomy import RESOURCES, THEME_IDS

    nlp = spacy.blank("en")
    nlp.add_pipe("feedback_segmenter")
    nlp.add_pipe("lemma_table", config={"table": lemmas.load_lemma_table(RESOURCES / "lemmas.json")})
    nlp.add_pipe(
        "theme_cues",
        config={"cue_table": cues.load_cue_table(RESOURCES / "cues.toml", {*THEME_IDS, cues.STRENGTH})},
    )
    nlp.add_pipe("feedback_context", config={"rules": context.load_context_rules(RESOURCES / "context.toml")})
    return nlp

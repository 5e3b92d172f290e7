"""The spaCy pipeline: a blank English tokenizer plus our own registered components.

No pretrained spaCy model is needed: ``spacy.blank("en")`` gives the tokenizer, and the
components below add sentences, lemmas, cues and context from packaged data files.
"""

from __future__ import annotations

from functools import cache
from typing import cast

import spacy
from spacy.language import Language

# Importing the components registers their factories.
from analyzer.components import context as _context
from analyzer.components import cues as _cues
from analyzer.components import lemmas as _lemmas
from analyzer.components import segmenter as _segmenter  # noqa: F401
from analyzer.taxonomy import RESOURCES, THEME_IDS

MAX_CHARS = 1_000_000  # spaCy's own default limit; larger input is refused up front


@cache
def build_pipeline() -> Language:
    """Build the pipeline once per process from the packaged resources."""
    nlp = spacy.blank("en")
    nlp.max_length = MAX_CHARS
    nlp.add_pipe("feedback_segmenter")
    # The data files are loaded into the components after they are added: passed as config,
    # spaCy would type-check every one of their thousands of entries (a second at start-up).
    lemma_table = cast(_lemmas.LemmaTable, nlp.add_pipe("lemma_table"))
    lemma_table.set_table(_lemmas.load_lemma_table(RESOURCES / "lemmas.json"))
    theme_cues = cast(_cues.ThemeCues, nlp.add_pipe("theme_cues"))
    theme_cues.add_patterns(_cues.load_cue_table(RESOURCES / "cues.toml", {*THEME_IDS, _cues.STRENGTH}))
    feedback_context = cast(_context.FeedbackContext, nlp.add_pipe("feedback_context"))
    feedback_context.set_rules(_context.load_context_rules(RESOURCES / "context.toml"))
    return nlp

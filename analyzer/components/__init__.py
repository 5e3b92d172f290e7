"""spaCy components of the analyzer, registered with ``@Language.factory`` on import."""

from analyzer.components.context import FeedbackContext, SentenceContext
from analyzer.components.cues import CueMatch, ThemeCues
from analyzer.components.segmenter import FeedbackSegmenter

__all__ = ["CueMatch", "FeedbackContext", "FeedbackSegmenter", "SentenceContext", "ThemeCues"]

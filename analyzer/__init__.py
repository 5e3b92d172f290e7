"""interview-analyzer: find the reasons behind an interview outcome, with evidence and a plan.

    from analyzer import analyze, analyze_many
    result = analyze("They went with an internal candidate.")
    result.to_dict()

Heavy parts (spaCy, the model) load on first use, once per process.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING

from analyzer.errors import AnalyzerError, ConfigError, InputError
from analyzer.results import (
    Action,
    AnalysisResult,
    Evidence,
    FollowUp,
    ModelInfo,
    Span,
    Strength,
    ThemeResult,
)

if TYPE_CHECKING:
    from analyzer.engine import Analyzer

__version__ = "0.1.0"
__all__ = [
    "Action",
    "AnalysisResult",
    "Analyzer",
    "AnalyzerError",
    "ConfigError",
    "Evidence",
    "FollowUp",
    "InputError",
    "ModelInfo",
    "Span",
    "Strength",
    "ThemeResult",
    "analyze",
    "analyze_many",
    "get_analyzer",
]


@cache
def get_analyzer() -> Analyzer:
    """The shared analyzer, built on first use from the packaged model."""
    from analyzer.engine import Analyzer

    return Analyzer()


def analyze(text: str) -> AnalysisResult:
    """Analyse one piece of feedback or one post-mortem note."""
    return get_analyzer().analyze(text)


def analyze_many(texts: Iterable[str], batch_size: int = 256) -> Iterator[AnalysisResult]:
    """Analyse many texts lazily, in input order, with spaCy's ``nlp.pipe`` underneath."""
    return get_analyzer().analyze_many(texts, batch_size=batch_size)


def __getattr__(name: str) -> object:
    if name == "Analyzer":
        from analyzer.engine import Analyzer

        return Analyzer
    raise AttributeError(name)

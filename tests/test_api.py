"""The Python API of CONTRACT.md."""

from __future__ import annotations

import itertools

import pytest

import analyzer
from analyzer import AnalysisResult, InputError, analyze, analyze_many


def test_analyze_returns_the_contract_dict() -> None:
    result = analyze("They went with an internal candidate.")
    assert isinstance(result, AnalysisResult)
    d = result.to_dict()
    assert [t["id"] for t in d["themes"]] == ["internal_candidate"]
    assert d["model"]["name"] == "interview-analyzer-themes"


def test_analyze_many_is_lazy_and_in_order() -> None:
    texts = [
        "Never heard back after the final round.",
        "They went with an internal candidate.",
        "My mind went blank.",
    ]
    consumed: list[str] = []

    def source():  # type: ignore[no-untyped-def]
        for t in itertools.cycle(texts):
            consumed.append(t)
            yield t

    first = list(itertools.islice(analyze_many(source(), batch_size=4), 3))
    assert [r.theme_ids[0] for r in first] == ["no_feedback", "internal_candidate", "nerves"]
    assert len(consumed) < 50  # it did not try to drain an endless source


def test_analyze_many_matches_analyze() -> None:
    texts = ["The role was frozen.", "I rambled and gave no examples.", "We found a cheaper candidate."]
    assert [r.to_dict() for r in analyze_many(texts)] == [analyze(t).to_dict() for t in texts]


def test_bad_input_raises_input_error() -> None:
    with pytest.raises(InputError, match="empty"):
        analyze("  \n ")
    with pytest.raises(InputError):
        analyze(b"bytes are not text")  # type: ignore[arg-type]


def test_results_are_frozen() -> None:
    result = analyze("My mind went blank.")
    with pytest.raises(AttributeError):
        result.themes = ()  # type: ignore[misc]


def test_public_api_is_small() -> None:
    assert {"analyze", "analyze_many", "AnalysisResult", "InputError"} <= set(analyzer.__all__)

"""Frozen result types; ``AnalysisResult.to_dict()`` is the JSON object of CONTRACT.md."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any


def _lists(value: Any) -> Any:
    """Tuples become lists, so ``to_dict()`` equals its own JSON round trip."""
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_lists(v) for v in value]
    return value


class _Plain:
    def to_dict(self) -> dict[str, Any]:
        return dict(_lists(asdict(self)))  # type: ignore[call-overload]


@dataclass(frozen=True)
class Span(_Plain):
    text: str
    start: int  # offsets into the analysed string: text == input[start:end]
    end: int


@dataclass(frozen=True)
class Evidence(_Plain):
    """The clause that drove a theme, who said it, and the words that triggered it."""

    text: str
    start: int
    end: int
    source: str  # "employer" | "candidate"
    score: float
    triggers: tuple[Span, ...] = ()


@dataclass(frozen=True)
class ThemeResult(_Plain):
    id: str
    label: str
    score: float
    controllable: bool
    control: str  # "yes" | "partly" | "no"
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Strength(_Plain):
    text: str
    start: int
    end: int
    source: str
    score: float


@dataclass(frozen=True)
class FollowUp(_Plain):
    id: str
    title: str
    text: str


@dataclass(frozen=True)
class Action(_Plain):
    theme: str
    title: str
    summary: str
    steps: tuple[str, ...]
    followups: tuple[FollowUp, ...] = ()
    topic: str | None = None  # what the evidence named, used in the first step


@dataclass(frozen=True)
class ModelInfo(_Plain):
    name: str
    version: str


@dataclass(frozen=True)
class AnalysisResult:
    text: str
    themes: tuple[ThemeResult, ...]
    strengths: tuple[Strength, ...]
    actions: tuple[Action, ...]
    model: ModelInfo
    scores: dict[str, float]  # every theme's calibrated score, detected or not

    @property
    def theme_ids(self) -> list[str]:
        return [t.id for t in self.themes]

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of CONTRACT.md (the input text and all-theme scores stay out)."""
        return {
            "themes": [t.to_dict() for t in self.themes],
            "strengths": [s.to_dict() for s in self.strengths],
            "actions": [a.to_dict() for a in self.actions],
            "model": self.model.to_dict(),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

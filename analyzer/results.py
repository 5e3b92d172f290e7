"""Frozen result types; ``AnalysisResult.to_dict()`` is the JSON object of CONTRACT.md."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Span:
    text: str
    start: int  # offsets into the analysed string: text == input[start:end]
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Evidence:
    """The clause that drove a theme, who said it, and the words that triggered it."""

    text: str
    start: int
    end: int
    source: str  # "employer" | "candidate"
    score: float
    triggers: tuple[Span, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "source": self.source,
            "score": self.score,
            "triggers": [t.to_dict() for t in self.triggers],
        }


@dataclass(frozen=True)
class ThemeResult:
    id: str
    label: str
    score: float
    controllable: bool
    control: str  # "yes" | "partly" | "no"
    evidence: tuple[Evidence, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "score": self.score,
            "controllable": self.controllable,
            "control": self.control,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True)
class Strength:
    text: str
    start: int
    end: int
    source: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "source": self.source,
            "score": self.score,
        }


@dataclass(frozen=True)
class FollowUp:
    id: str
    title: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "text": self.text}


@dataclass(frozen=True)
class Action:
    theme: str
    title: str
    summary: str
    steps: tuple[str, ...]
    followups: tuple[FollowUp, ...] = ()
    topic: str | None = None  # what the evidence named, used in the first step

    def to_dict(self) -> dict[str, Any]:
        return {
            "theme": self.theme,
            "title": self.title,
            "summary": self.summary,
            "steps": list(self.steps),
            "followups": [f.to_dict() for f in self.followups],
            "topic": self.topic,
        }


@dataclass(frozen=True)
class ModelInfo:
    name: str
    version: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version}


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
        return {
            "themes": [t.to_dict() for t in self.themes],
            "strengths": [s.to_dict() for s in self.strengths],
            "actions": [a.to_dict() for a in self.actions],
            "model": self.model.to_dict(),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

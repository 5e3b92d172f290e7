"""The action plan: advice from ``resources/advice.toml``, ordered like the themes.

Each detected theme gets its title, a one-line summary and three steps; when the evidence
names a topic ("lacked experience with Kubernetes"), a step that names it replaces the first
generic one. Case-wide follow-ups (ask for feedback, thank-you note, keep in touch...) appear
once, under the highest-ranked theme that invites them.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from analyzer.errors import ConfigError
from analyzer.results import Action, FollowUp, ThemeResult
from analyzer.taxonomy import RESOURCES, THEME_IDS

STEPS_PER_THEME = 3
MAX_FOLLOWUPS = 3  # a short plan: the case-wide follow-ups that fit best, not all of them


@dataclass(frozen=True)
class ThemeAdvice:
    title: str
    summary: str
    steps: tuple[str, ...]
    topic_steps: tuple[str, ...]
    followups: tuple[str, ...]
    topic_patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class AdviceLibrary:
    themes: dict[str, ThemeAdvice]
    followups: dict[str, FollowUp]

    def plan(self, themes: Sequence[ThemeResult]) -> tuple[Action, ...]:
        used: set[str] = set()
        actions = []
        for theme in themes:
            advice = self.themes[theme.id]
            topic = self.find_topic(theme.id, [e.text for e in theme.evidence])
            steps = list(advice.steps[:STEPS_PER_THEME])
            if topic and advice.topic_steps:
                steps[0] = advice.topic_steps[0].format(topic=topic)
            mine = []
            for fid in advice.followups:
                if fid not in used and len(used) < MAX_FOLLOWUPS:
                    used.add(fid)
                    mine.append(self.followups[fid])
            actions.append(
                Action(
                    theme=theme.id,
                    title=advice.title,
                    summary=advice.summary,
                    steps=tuple(steps),
                    followups=tuple(mine),
                    topic=topic,
                )
            )
        return tuple(actions)

    def find_topic(self, theme_id: str, texts: Sequence[str]) -> str | None:
        for pattern in self.themes[theme_id].topic_patterns:
            for text in texts:
                m = pattern.search(text)
                if m and m.group("topic").strip():
                    return _tidy_topic(m.group("topic"))
        return None


_LEADING = re.compile(r"^(?:a|an|the|any|some|more|much|enough|relevant|my|your|our|their)\s+", re.I)


def _tidy_topic(topic: str) -> str | None:
    topic = " ".join(topic.split())
    while True:
        trimmed = _LEADING.sub("", topic)
        if trimmed == topic:
            break
        topic = trimmed
    return topic or None


def _strings(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where} must be a list of non-empty strings")
    return tuple(value)


@cache
def load_advice(path: Path = RESOURCES / "advice.toml") -> AdviceLibrary:
    """Read and validate the advice library: every theme, 3-5 steps, no step twice."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read advice file {path}: {exc}") from exc
    followups = {}
    for fid, body in raw.get("followup", {}).items():
        try:
            followups[fid] = FollowUp(id=fid, title=body["title"], text=body["text"])
        except (KeyError, TypeError) as exc:
            raise ConfigError(f"{path}: follow-up {fid} needs a title and a text") from exc
    themes = {}
    seen_steps: set[str] = {f.text for f in followups.values()}
    for theme_id in THEME_IDS:
        body = raw.get("theme", {}).get(theme_id)
        where = f"{path}: [theme.{theme_id}]"
        if not isinstance(body, dict):
            raise ConfigError(f"{where} is missing")
        steps = _strings(body.get("steps"), f"{where} steps")
        topic_steps = (
            _strings(body.get("topic_steps", []) or [], f"{where} topic_steps") if body.get("topic_steps") else ()
        )
        refs = tuple(body.get("followups", []))
        if not 3 <= len(steps) <= 5:
            raise ConfigError(f"{where} needs 3 to 5 steps")
        if any("{topic}" not in s for s in topic_steps):
            raise ConfigError(f"{where} every topic step must contain {{topic}}")
        for ref in refs:
            if ref not in followups:
                raise ConfigError(f"{where} names an unknown follow-up {ref!r}")
        for step in (*steps, *topic_steps):
            if step in seen_steps:
                raise ConfigError(f"{where} repeats a step: {step[:60]!r}")
            seen_steps.add(step)
        patterns = []
        for p in raw.get("topic", {}).get(theme_id, {}).get("patterns", []):
            try:
                rx = re.compile(p, re.IGNORECASE)
            except re.error as exc:
                raise ConfigError(f"{path}: [topic.{theme_id}] bad pattern {p!r}: {exc}") from exc
            if "topic" not in rx.groupindex:
                raise ConfigError(f"{path}: [topic.{theme_id}] pattern lacks a (?P<topic>...) group")
            patterns.append(rx)
        themes[theme_id] = ThemeAdvice(
            title=str(body.get("title", "")),
            summary=str(body.get("summary", "")),
            steps=steps,
            topic_steps=topic_steps,
            followups=refs,
            topic_patterns=tuple(patterns),
        )
        if not themes[theme_id].title or not themes[theme_id].summary:
            raise ConfigError(f"{where} needs a title and a summary")
    unknown = set(raw.get("theme", {})) - set(THEME_IDS)
    if unknown:
        raise ConfigError(f"{path}: unknown themes {sorted(unknown)}")
    return AdviceLibrary(themes=themes, followups=followups)

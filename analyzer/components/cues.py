"""Rule cues: theme and strength phrases from a data file, matched over lemmas and forms."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import ensure_path

from analyzer.errors import ConfigError
from analyzer.patterns import PatternMatcher, compile_pattern

STRENGTH = "strength"


@dataclass(frozen=True)
class CueMatch:
    """One cue found in a doc. ``status`` is set by the context component."""

    label: str  # a theme id, or "strength"
    start: int  # token index
    end: int
    pattern: str
    status: str = "affirmed"  # affirmed | negated | hypothetical | dismissed

    def with_status(self, status: str) -> CueMatch:
        return replace(self, status=status)


if not Doc.has_extension("cues"):
    Doc.set_extension("cues", default=None)


def lemmatizer_of(nlp: Language) -> Callable[[str], str]:
    """The word-to-lemma function of the pipeline's ``lemma_table`` (identity when absent)."""
    if "lemma_table" in nlp.pipe_names:
        table: dict[str, str] = nlp.get_pipe("lemma_table").table  # type: ignore[attr-defined]
        return lambda w: table.get(w, w)
    return lambda w: w


def load_cue_table(path: Path, known_labels: set[str]) -> dict[str, list[str]]:
    """Read and validate ``cues.toml``: ``{label: [pattern, ...]}``."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read cue file {path}: {exc}") from exc
    table: dict[str, list[str]] = {}
    for label, body in raw.items():
        if label not in known_labels:
            raise ConfigError(f"{path}: unknown cue label [{label}]")
        patterns = body.get("patterns") if isinstance(body, dict) else None
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise ConfigError(f"{path}: [{label}] needs a list of pattern strings")
        for p in patterns:
            compile_pattern(p, f"{path} [{label}]")  # validate now, fail early
        table[label] = patterns
    return table


@Language.factory("theme_cues", default_config={"cue_table": {}})
def make_theme_cues(nlp: Language, name: str, cue_table: dict[str, list[str]]) -> ThemeCues:
    return ThemeCues(nlp, cue_table)


class ThemeCues:
    """Finds cue phrases and stores them, longest first and non-overlapping per label, in ``doc._.cues``."""

    def __init__(self, nlp: Language, cue_table: dict[str, list[str]]) -> None:
        self.vocab = nlp.vocab
        self.lemmatize = lemmatizer_of(nlp)
        self.cue_table: dict[str, list[str]] = {}
        self.matcher = PatternMatcher(nlp.vocab, self.lemmatize)
        self.add_patterns(cue_table)

    def add_patterns(self, cue_table: dict[str, list[str]]) -> None:
        for label, patterns in cue_table.items():
            start = len(self.cue_table.get(label, []))
            for k, pattern in enumerate(patterns, start):
                self.matcher.add(f"{label}::{k}", [pattern], f"[{label}]")
            self.cue_table.setdefault(label, []).extend(patterns)
        self._keys = {f"{label}::{k}": (label, p) for label, ps in self.cue_table.items() for k, p in enumerate(ps)}

    def __call__(self, doc: Doc) -> Doc:
        found: list[CueMatch] = []
        taken: dict[str, set[int]] = {}
        matches = self.matcher(doc)
        for key, start, end in sorted(matches, key=lambda m: m[2] - m[1], reverse=True):
            label, pattern = self._keys[key]
            used = taken.setdefault(label, set())
            if used.intersection(range(start, end)):
                continue
            used.update(range(start, end))
            found.append(CueMatch(label, start, end, pattern))
        doc._.cues = sorted(found, key=lambda c: (c.start, c.end, c.label))
        return doc

    # The patterns are data: they save and load with the pipeline.
    def to_bytes(self, *, exclude: tuple[str, ...] = ()) -> bytes:
        return str(srsly.json_dumps(self.cue_table)).encode("utf-8")

    def from_bytes(self, data: bytes, *, exclude: tuple[str, ...] = ()) -> ThemeCues:
        self.matcher = PatternMatcher(self.vocab, self.lemmatize)
        self.cue_table = {}
        self.add_patterns(srsly.json_loads(data.decode("utf-8")))
        return self

    def to_disk(self, path: str | Path, *, exclude: tuple[str, ...] = ()) -> None:
        p = ensure_path(path)
        p.mkdir(parents=True, exist_ok=True)
        srsly.write_json(p / "cues.json", self.cue_table)

    def from_disk(self, path: str | Path, *, exclude: tuple[str, ...] = ()) -> ThemeCues:
        data: Any = srsly.read_json(ensure_path(path) / "cues.json")
        self.matcher = PatternMatcher(self.vocab, self.lemmatize)
        self.cue_table = {}
        self.add_patterns(data)
        return self

"""The analyzer engine: pipeline, theme model and advice library composed into one object.

Each part is swappable (a different models folder, another advice file) and loaded once;
``Analyzer.analyze`` and ``Analyzer.analyze_many`` share one path from text to result, so a
pasted note and a row of a million-row batch are analysed the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from spacy.tokens import Doc

from analyzer.advice import AdviceLibrary, load_advice
from analyzer.errors import InputError
from analyzer.features import Unit, extract_units
from analyzer.model import STRENGTH, ThemeModel
from analyzer.pipeline import MAX_CHARS, build_pipeline
from analyzer.results import AnalysisResult, Evidence, ModelInfo, Span, Strength, ThemeResult
from analyzer.taxonomy import THEME_IDS, Theme, load_themes

MAX_EVIDENCE = 3
EVIDENCE_FLOOR = 0.5  # another clause is also quoted when it scores this high
RELATIVE_FLOOR = 0.6  # ... and at least this share of the best clause's score


def check_text(text: object) -> str:
    """Refuse what cannot be analysed, with a message that names the problem."""
    if not isinstance(text, str):
        raise InputError(f"expected text, got {type(text).__name__}")
    if not text.strip():
        raise InputError("the text is empty")
    if len(text) > MAX_CHARS:
        raise InputError(f"the text is too long: {len(text):,} characters (limit {MAX_CHARS:,})")
    if "\x00" in text:
        raise InputError("the text contains NUL bytes; is it a binary file?")
    return text


class Analyzer:
    def __init__(self, models_dir: Path | None = None, advice: AdviceLibrary | None = None) -> None:
        self.nlp = build_pipeline()
        self.model = ThemeModel.load(models_dir)
        self.advice = advice or load_advice()
        self.themes: dict[str, Theme] = load_themes()
        self.model_info = ModelInfo(
            name=str(self.model.meta.get("name", "interview-analyzer-themes")),
            version=str(self.model.meta.get("version", "0")),
        )
        self._strength = self.model.labels.index(STRENGTH)

    def analyze(self, text: str) -> AnalysisResult:
        [result] = self._results([self.nlp(check_text(text))], [text])
        return result

    def analyze_many(self, texts: Iterable[str], batch_size: int = 256) -> Iterator[AnalysisResult]:
        """Lazily, in input order; raises ``InputError`` at the first unusable text."""
        for outcome in self.analyze_each(texts, batch_size):
            if isinstance(outcome, InputError):
                raise outcome
            yield outcome

    def analyze_each(
        self, texts: Iterable[object], batch_size: int = 256, *, detail: bool = True
    ) -> Iterator[AnalysisResult | InputError]:
        """Like ``analyze_many`` but yields the error in place of a bad text and goes on.

        ``detail=False`` leaves out what a batch row does not keep (the action plan, strengths
        and trigger words); themes, scores and evidence are the same."""
        pending: list[tuple[int, str | InputError]] = []

        def flush() -> Iterator[AnalysisResult | InputError]:
            good = [t for _, t in pending if isinstance(t, str)]
            results = iter(self._results(list(self.nlp.pipe(good, batch_size=batch_size)), good, detail))
            for _, item in pending:
                yield item if isinstance(item, InputError) else next(results)
            pending.clear()

        for i, text in enumerate(texts):
            try:
                pending.append((i, check_text(text)))
            except InputError as exc:
                pending.append((i, exc))
            if len(pending) >= batch_size:
                yield from flush()
        if pending:
            yield from flush()

    @cached_property
    def _blas(self) -> Any:
        from threadpoolctl import ThreadpoolController  # only batches need it: not on analyze's path

        return ThreadpoolController()

    # -- from a parsed doc to a result ------------------------------------------------------
    def _results(self, docs: list[Doc], texts: list[str], detail: bool = True) -> list[AnalysisResult]:
        """``texts`` are the analysed strings themselves (``doc.text`` would rebuild them token
        by token). The model scores all the docs' clauses in one pass."""
        units = [extract_units(doc) for doc in docs]
        # Many docs' products are big enough for BLAS to start threads, which cost more in
        # start-up and spinning than they save and take the core of a batch's other worker.
        with self._blas.limit(limits=1, user_api="blas") if len(docs) > 1 else nullcontext():
            scored = self.model.scores_many(units)
        return [
            self._result(doc, text, u, unit_p, doc_p, detail)
            for doc, text, u, (unit_p, doc_p) in zip(docs, texts, units, scored, strict=True)
        ]

    def _result(
        self,
        doc: Doc,
        text: str,
        units: list[Unit],
        unit_p: NDArray[np.float64],
        doc_p: NDArray[np.float64],
        detail: bool = True,
    ) -> AnalysisResult:
        detected = [j for j in range(len(THEME_IDS)) if doc_p[j] >= self.model.thresholds[j] and units]
        detected.sort(key=lambda j: -doc_p[j])
        themes = tuple(self._theme(doc, text, units, unit_p, j, float(doc_p[j]), detail) for j in detected)
        return AnalysisResult(
            text=text,
            themes=themes,
            strengths=self._strengths(text, units, unit_p) if detail else (),
            actions=self.advice.plan(themes) if detail else (),
            model=self.model_info,
            scores={t: round(float(p), 4) for t, p in zip(THEME_IDS, doc_p, strict=True)},
        )

    def _theme(
        self, doc: Doc, text: str, units: list[Unit], unit_p: NDArray[np.float64], j: int, score: float, detail: bool
    ) -> ThemeResult:
        theme = self.themes[THEME_IDS[j]]
        order = sorted(range(len(units)), key=lambda i: -unit_p[i, j])
        best = unit_p[order[0], j]
        chosen = [order[0]] + [
            i for i in order[1:MAX_EVIDENCE] if unit_p[i, j] >= max(EVIDENCE_FLOOR, RELATIVE_FLOOR * best)
        ]
        evidence = tuple(
            Evidence(
                text=text[units[i].char_start : units[i].char_end],
                start=units[i].char_start,
                end=units[i].char_end,
                source=units[i].source,
                score=round(float(unit_p[i, j]), 4),
                triggers=self._triggers(doc, units[i], j) if detail else (),
            )
            for i in sorted(chosen, key=lambda i: units[i].char_start)
        )
        return ThemeResult(
            id=theme.id,
            label=theme.label,
            score=round(score, 4),
            controllable=theme.controllable,
            control=theme.controllable_level,
            evidence=evidence,
        )

    def _triggers(self, doc: Doc, unit: Unit, j: int) -> tuple[Span, ...]:
        """The cue words for this theme in the clause, else its most telling words."""
        label = THEME_IDS[j]
        spans = [doc[c.start : c.end] for c in unit.cues if c.label == label and c.status == "affirmed"]
        if not spans:
            index, weights = self.model.lexical.index, self.model.w_lex[:, j]
            scored = []
            for tok in doc[unit.start : unit.end]:
                k = index.get(tok.lemma_)
                if k is not None and weights[k] > 0.5 and not tok.is_stop and tok.is_alpha:
                    scored.append((float(weights[k]), tok.i))
            spans = [doc[i : i + 1] for _, i in sorted(scored, reverse=True)[:2]]
        return tuple(Span(s.text, s.start_char, s.end_char) for s in sorted(spans, key=lambda s: s.start))

    def _strengths(self, text: str, units: list[Unit], unit_p: NDArray[np.float64]) -> tuple[Strength, ...]:
        out = []
        for i, u in enumerate(units):
            p = float(unit_p[i, self._strength])
            theme_best = float(unit_p[i, : len(THEME_IDS)].max()) if len(THEME_IDS) else 0.0
            if p >= self.model.strength_threshold and p > theme_best:
                out.append(
                    Strength(
                        text=text[u.char_start : u.char_end],
                        start=u.char_start,
                        end=u.char_end,
                        source=u.source,
                        score=round(p, 4),
                    )
                )
        return tuple(out)

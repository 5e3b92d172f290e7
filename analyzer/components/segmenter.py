"""Sentence boundaries for feedback as people really write it.

spaCy's rule sentencizer splits on punctuation only. Feedback arrives as emails with greetings
and signatures, bullet and numbered lists, line-broken phone notes and long lower-case
dictation with no punctuation at all; this component handles those shapes and leaves quoted
speech inside one sentence where a quote closes after its final stop.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from analyzer.components.tokens import TokenTable, token_table

_FINAL = re.compile(r"^[.!?…]+$")
_BULLET = re.compile(r"^([-*•·–—>]|\d{1,2}[.)]|[a-z][.)]|\(\d{1,2}\)|#+)$")
_CLOSERS = {'"', "'", "”", "’", ")", "]", "»"}
# Words that start a new clause in long unpunctuated dictation.
_DICTATION_BREAKS = {
    "but",
    "then",
    "so",
    "also",
    "anyway",
    "plus",
    "apparently",
    "honestly",
    "basically",
    "turns",
}


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) token indices of the sentences this component found, without re-scanning
    every token."""
    starts = doc.user_data.get("analyzer.sent_starts")
    if starts is None:
        return [(s.start, s.end) for s in doc.sents]
    return [(a, b) for a, b in itertools.pairwise([*starts, len(doc)]) if b > a]


@Language.factory(
    "feedback_segmenter",
    default_config={"wrapped_line_words": 9, "dictation_max_tokens": 30},
)
def make_feedback_segmenter(
    nlp: Language, name: str, wrapped_line_words: int, dictation_max_tokens: int
) -> FeedbackSegmenter:
    return FeedbackSegmenter(wrapped_line_words, dictation_max_tokens)


class FeedbackSegmenter:
    """Sets ``is_sent_start`` from punctuation, line structure and, failing both, clause words."""

    def __init__(self, wrapped_line_words: int = 9, dictation_max_tokens: int = 30) -> None:
        self.wrapped_line_words = wrapped_line_words
        self.dictation_max_tokens = dictation_max_tokens

    def __call__(self, doc: Doc) -> Doc:
        t = token_table(doc)
        n = len(t)
        if n == 0:
            return doc
        starts = [False] * n
        starts[0] = True
        texts, is_space = t.text, t.is_space
        # tokens before position i that are not punctuation, to count the words on each line
        words_before = [0, *itertools.accumulate(not p for p in t.is_punct)]
        line_start = 0  # index of the first token of the current line
        # Only line breaks and sentence-final punctuation can start a sentence: visit just those.
        for i in [i for i, b in enumerate(t.may_break) if b]:
            text = texts[i]
            if is_space[i] and "\n" in text:
                line_words = words_before[i] - words_before[line_start]
                line_start = i + 1
                nxt = self._next_content(t, i)
                if nxt is not None and self._newline_breaks(t, i, nxt, line_words):
                    starts[nxt] = True
            elif _FINAL.match(text) and not self._list_marker(t, i, starts):
                j = i + 1
                while j < n and (texts[j] in _CLOSERS or _FINAL.match(texts[j])):
                    j += 1
                if j < n and not is_space[j]:
                    starts[j] = True
        self._split_dictation(t, starts)
        # one array write instead of a Python setter call per token
        values = np.array([1 if s else -1 for s in starts], dtype=np.int64).astype(np.uint64).reshape(-1, 1)
        doc.from_array([SENT_START], values)  # type: ignore[arg-type]
        doc.user_data["analyzer.sent_starts"] = [i for i, s in enumerate(starts) if s]
        return doc

    @staticmethod
    def _list_marker(t: TokenTable, i: int, starts: list[bool]) -> bool:
        """The "." of a numbered item ("1. salary too high") ends no sentence."""
        return i > 0 and t.text[i] == "." and t.like_num[i - 1] and starts[i - 1]

    @staticmethod
    def _next_content(t: TokenTable, i: int) -> int | None:
        j = i + 1
        while j < len(t) and t.is_space[j]:
            j += 1
        return j if j < len(t) else None

    def _newline_breaks(self, t: TokenTable, i: int, nxt: int, prev_line_words: int) -> bool:
        """Does the line break at space token ``i`` (next content token ``nxt``) end a sentence?"""
        if t.text[i].count("\n") >= 2:
            return True  # a blank line: always a new paragraph
        first = t.text[nxt]
        if _BULLET.match(first) or (t.like_num[nxt] and nxt + 1 < len(t) and t.text[nxt + 1] in {".", ")"}):
            return True
        last = i - 1
        while last >= 0 and t.is_space[last]:
            last -= 1
        if last < 0:
            return False
        last_text = t.text[last]
        if last_text == "," and prev_line_words <= 4:
            return True  # "Dear Sam," / "Kind regards,"
        if last_text in {",", "and", "or", "but", "the", "a", "to", "of", "with", "&"}:
            return False  # a line broken mid-clause
        if _FINAL.match(last_text) or last_text in {":", ";"}:
            return True
        if first[:1].isupper() or first[:1].isdigit():
            return True
        # a lower-case continuation of a long line is a hard-wrapped paragraph
        return prev_line_words < self.wrapped_line_words

    def _split_dictation(self, t: TokenTable, starts: list[bool]) -> None:
        """Break very long unpunctuated sentences before clause words such as "but" or "then"."""
        bounds = [i for i, s in enumerate(starts) if s] + [len(t)]
        lower, is_punct = t.lower, t.is_punct
        for a, b in itertools.pairwise(bounds):
            if b - a <= self.dictation_max_tokens:
                continue
            last_break = a
            for k in range(a + 1, b):
                if lower[k] in _DICTATION_BREAKS and k - last_break >= 6 and b - k >= 4 and not is_punct[k - 1]:
                    starts[k] = True
                    last_break = k

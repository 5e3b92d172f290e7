"""Sentence boundaries for feedback as people really write it.

spaCy's rule sentencizer splits on punctuation only. Feedback arrives as emails with greetings
and signatures, bullet and numbered lists, line-broken phone notes and long lower-case
dictation with no punctuation at all; this component handles those shapes and leaves quoted
speech inside one sentence where a quote closes after its final stop.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

import numpy as np
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

_FINAL = re.compile(r"^[.!?…]+$")
_FINAL_CHARS = frozenset(".!?…")
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


def token_list(doc: Doc) -> list[Token]:
    """The doc's tokens as a list, built once per doc: ``doc[i]`` creates a new Token object
    on every call, which dominated the cost of the components that walk the doc."""
    toks = doc.user_data.get("analyzer.tokens")
    if toks is None or len(toks) != len(doc):
        toks = doc.user_data["analyzer.tokens"] = list(doc)
    return list(toks)


def sentence_spans(doc: Doc) -> list[Span]:
    """Sentences from the starts this component set, without re-scanning every token."""
    starts = doc.user_data.get("analyzer.sent_starts")
    if starts is None:
        return list(doc.sents)
    bounds = [*starts, len(doc)]
    return [doc[a:b] for a, b in itertools.pairwise(bounds) if b > a]


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
        toks = token_list(doc)
        n = len(toks)
        if n == 0:
            return doc
        starts = [False] * n
        starts[0] = True
        line_words = 0  # words on the current line so far
        prev_line_words = 0
        texts = [t.text for t in toks]
        for i, tok in enumerate(toks):
            text = texts[i]
            if "\n" in text and tok.is_space:
                prev_line_words, line_words = line_words, 0
                nxt = self._next_content(toks, i)
                if nxt is not None and self._newline_breaks(toks, i, nxt, prev_line_words):
                    starts[nxt] = True
                continue
            if not tok.is_punct:
                line_words += 1
            if "\n" in tok.whitespace_:
                # spaCy keeps a single newline as trailing whitespace when it follows a token
                prev_line_words, line_words = line_words, 0
                nxt = i + 1 if i + 1 < n else None
                if nxt is not None and self._newline_breaks(toks, i + 1, nxt, prev_line_words, prev=i):
                    starts[nxt] = True
            # cheap first-character test before the regex: most tokens are words
            if text[0] in _FINAL_CHARS and _FINAL.match(text) and not self._list_marker(toks, i, starts):
                j = i + 1
                while j < n and (texts[j] in _CLOSERS or _FINAL.match(texts[j])):
                    j += 1
                if j < n and not toks[j].is_space:
                    starts[j] = True
        self._split_dictation(toks, starts)
        # one array write instead of a Python setter call per token
        values = np.array([1 if s else -1 for s in starts], dtype=np.int64).astype(np.uint64).reshape(-1, 1)
        doc.from_array([SENT_START], values)  # type: ignore[arg-type]
        doc.user_data["analyzer.sent_starts"] = [i for i, s in enumerate(starts) if s]
        return doc

    @staticmethod
    def _list_marker(toks: Sequence[Token], i: int, starts: list[bool]) -> bool:
        """The "." of a numbered item ("1. salary too high") ends no sentence."""
        return i > 0 and toks[i].text == "." and toks[i - 1].like_num and starts[i - 1]

    @staticmethod
    def _next_content(doc: Sequence[Token], i: int) -> int | None:
        j = i + 1
        while j < len(doc) and doc[j].is_space:
            j += 1
        return j if j < len(doc) else None

    def _newline_breaks(
        self, doc: Sequence[Token], i: int, nxt: int, prev_line_words: int, prev: int | None = None
    ) -> bool:
        """Does the line break before token ``nxt`` also end a sentence?"""
        space = doc[i].text if prev is None else doc[prev].whitespace_
        if space.count("\n") >= 2:
            return True  # a blank line: always a new paragraph
        first = doc[nxt]
        if _BULLET.match(first.text) or (first.like_num and nxt + 1 < len(doc) and doc[nxt + 1].text in {".", ")"}):
            return True
        last = prev if prev is not None else i - 1
        while last >= 0 and doc[last].is_space:
            last -= 1
        if last < 0:
            return False
        last_tok: Token = doc[last]
        if last_tok.text == "," and prev_line_words <= 4:
            return True  # "Dear Sam," / "Kind regards,"
        if last_tok.text in {",", "and", "or", "but", "the", "a", "to", "of", "with", "&"}:
            return False  # a line broken mid-clause
        if _FINAL.match(last_tok.text) or last_tok.text in {":", ";"}:
            return True
        if first.text[:1].isupper() or first.text[:1].isdigit():
            return True
        # a lower-case continuation of a long line is a hard-wrapped paragraph
        return prev_line_words < self.wrapped_line_words

    def _split_dictation(self, doc: Sequence[Token], starts: list[bool]) -> None:
        """Break very long unpunctuated sentences before clause words such as "but" or "then"."""
        bounds = [i for i, s in enumerate(starts) if s] + [len(doc)]
        for a, b in itertools.pairwise(bounds):
            if b - a <= self.dictation_max_tokens:
                continue
            last_break = a
            for k in range(a + 1, b):
                tok = doc[k]
                if tok.lower_ in _DICTATION_BREAKS and k - last_break >= 6 and b - k >= 4 and not doc[k - 1].is_punct:
                    starts[k] = True
                    last_break = k

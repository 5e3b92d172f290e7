"""From a parsed doc to classifier units and their features.

A unit is a clause-sized piece of one sentence (sentences are split at contrast words such as
"but" and ";"), so that "strong technical skills, but the panel felt you may not thrive in our
culture" gives a strength and a fit reason with separate evidence. For each unit:

- lexical features: lemma unigrams and bigrams; tokens in a negated scope carry a "¬" mark,
  tokens in a hypothetical or dismissed scope are out of play and left out;
- cue features: which theme cues fired, and with what status;
- the speaker (employer or candidate);
- a static-embedding average over the affirmed words.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray
from spacy.tokens import Doc

from analyzer.components.context import AFFIRMED, NEGATED
from analyzer.components.cues import CueMatch
from analyzer.components.tokens import token_table
from analyzer.embeddings import StaticEmbeddings

UNIT_BREAKS = frozenset({"but", "however", "although", "though", "whereas", "yet", ";", "except"})
# "and" or "," start a new unit when a new clause follows ("..., and when we asked ...").
CLAUSE_JOINERS = frozenset({"and", ","})
CLAUSE_STARTS = frozenset(
    {
        # a new subject
        "i", "they", "he", "she", "we", "you", "it", "my", "their", "the", "there",
        "when", "then", "also", "after", "which",
        # or a second predicate of the same subject ("came across as nervous and didn't know ...")
        "did", "didn't", "didnt", "do", "could", "couldn't", "was", "wasn't", "were", "had",
        "hadn't", "have", "never", "kept", "seemed", "forgot", "got", "lost", "went", "felt",
        "froze", "rambled", "struggled", "said", "asked",
        # or a discourse marker ("..., and honestly they have an internal candidate")
        "honestly", "frankly", "tbh", "apparently", "unfortunately", "sadly", "plus",
    }
)  # fmt: skip
_BOUNDARY_WORDS = UNIT_BREAKS | CLAUSE_JOINERS
MIN_UNIT_WORDS = 3
NEG = "¬"


class Unit(NamedTuple):  # a named tuple: built for every clause, and cheaper than a dataclass
    sentence: int
    start: int  # token indices into the doc
    end: int
    char_start: int  # character offsets into the original text, whitespace trimmed
    char_end: int
    source: str
    lexical: tuple[str, ...]
    affirmed_words: tuple[str, ...]
    cues: tuple[CueMatch, ...]


def _starts_clause(lower: Sequence[str], i: int, end: int) -> bool:
    """Does a new clause start at token ``i`` (after "and" or a comma)? "to be honest|fair"
    counts, as a discourse marker."""
    return lower[i] in CLAUSE_STARTS or (lower[i] == "to" and i + 2 < end and lower[i + 1] == "be")


def _clause_bounds(
    lower: Sequence[str], start: int, end: int, words_upto: list[int], boundary_words: Sequence[int]
) -> list[tuple[int, int]]:
    """Clause pieces of the sentence ``[start, end)``; ``words_upto[i]`` counts the words before
    token ``i``; ``boundary_words`` holds the positions of the doc's UNIT_BREAKS and
    CLAUSE_JOINERS, in order."""
    bounds = [start]
    lo, hi = bisect.bisect_right(boundary_words, start), bisect.bisect_left(boundary_words, end)
    for i in boundary_words[lo:hi]:
        low = lower[i]
        if low in UNIT_BREAKS:
            bounds.append(i + 1 if low == ";" else i)
        elif i + 1 < end and _starts_clause(lower, i + 1, end) and (low == "and" or lower[i + 1] != "and"):
            bounds.append(i + 1 if low == "," else i)
    bounds.append(end)
    if len(bounds) == 2:
        return [(start, end)] if end > start else []
    merged: list[tuple[int, int]] = []
    for a, b in itertools.pairwise(bounds):
        if b <= a:
            continue
        if merged and words_upto[b] - words_upto[a] < MIN_UNIT_WORDS:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    # a short first clause joins the next one
    if len(merged) > 1:
        a, b = merged[0]
        if words_upto[b] - words_upto[a] < MIN_UNIT_WORDS:
            merged[1] = (a, merged[1][1])
            merged.pop(0)
    return merged


def extract_units(parsed: Doc) -> list[Unit]:
    t = token_table(parsed)
    status: list[int] = parsed._.token_status
    cues: list[CueMatch] = parsed._.cues or []
    lemma, lower, is_space, is_alpha, like_num = t.lemma, t.lower, t.is_space, t.is_alpha, t.like_num
    # Once per doc, each word's feature: its lemma ("¬" marked when negated), or None when a
    # hypothetical or dismissed scope puts it out of play (which also breaks bigrams).
    is_word = t.is_word
    word_gram = [
        ("<num>" if n else lem) if st == AFFIRMED else NEG + ("<num>" if n else lem) if st == NEGATED else None
        for lem, n, st, w in zip(lemma, like_num, status, is_word, strict=True)
        if w
    ]
    word_affirmed = [low if st == AFFIRMED else None for low, st, w in zip(lower, status, is_word, strict=True) if w]
    alpha_upto = [0, *itertools.accumulate(is_alpha)]
    words_upto = [0, *itertools.accumulate(is_word)]
    boundary_words = [i for i, low in enumerate(lower) if low in _BOUNDARY_WORDS]
    units: list[Unit] = []
    for s_idx, ctx in enumerate(parsed._.contexts):
        for a, b in _clause_bounds(lower, ctx.start, ctx.end, words_upto, boundary_words):
            if alpha_upto[b] == alpha_upto[a]:
                continue  # no word with a letter in it
            first, last = a, b - 1
            while is_space[first]:
                first += 1
            while is_space[last]:
                last -= 1
            lo, hi = words_upto[a], words_upto[b]
            seq = word_gram[lo:hi]
            grams = [w for w in seq if w]
            grams += [x + " " + y for x, y in itertools.pairwise(seq) if x and y]
            unit_cues = tuple([c for c in cues if a <= c.start < b]) if cues else ()
            for c in unit_cues:
                grams.append(f"cue:{c.label}" if c.status == "affirmed" else f"cue:{c.label}:{c.status}")
            grams.append(f"src:{ctx.source}")
            units.append(
                Unit(
                    sentence=s_idx,
                    start=first,
                    end=last + 1,
                    char_start=t.idx[first],
                    char_end=t.idx[last] + len(t.text[last]),
                    source=ctx.source,
                    lexical=tuple(grams),
                    affirmed_words=tuple([w for w in word_affirmed[lo:hi] if w]),
                    cues=unit_cues,
                )
            )
    return units


class LexicalSpace:
    """A fixed vocabulary with idf weights.

    ``norm`` "l2" is classic tf-idf; "none" keeps each present feature at its idf weight, so a
    telling phrase in a long clause counts as much as in a short one.
    """

    def __init__(self, vocab: Sequence[str], idf: NDArray[np.float32], norm: str = "l2") -> None:
        self.vocab = list(vocab)
        self.index = {f: i for i, f in enumerate(self.vocab)}
        self.idf = idf
        self.norm = norm

    @classmethod
    def fit(cls, docs: Iterable[Sequence[str]], min_df: int = 2, norm: str = "l2") -> LexicalSpace:
        df: dict[str, int] = {}
        n = 0
        for feats in docs:
            n += 1
            for f in set(feats):
                df[f] = df.get(f, 0) + 1
        vocab = sorted(f for f, c in df.items() if c >= min_df)
        idf = np.array([math.log((1 + n) / (1 + df[f])) + 1.0 for f in vocab], dtype=np.float32)
        return cls(vocab, idf, norm)

    def lookup(self, units: Sequence[Sequence[str]]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """(row, column) of every known feature occurrence."""
        get = self.index.get
        cols = np.array([get(f, -1) for feats in units for f in feats], dtype=np.int64)
        sizes = np.fromiter((len(feats) for feats in units), dtype=np.int64, count=len(units))
        rows = np.repeat(np.arange(len(units), dtype=np.int64), sizes)
        known = cols >= 0
        return rows[known], cols[known]

    def weigh(
        self, rows: NDArray[np.int64], cols: NDArray[np.int64], n_rows: int, norm: str | None = None
    ) -> tuple[NDArray[np.int64], NDArray[np.int32], NDArray[np.float32]]:
        """CSR parts (indptr, indices, data), each row's columns sorted: sublinear tf times idf,
        scaled per ``norm``."""
        mode = norm or self.norm
        if not len(cols):
            return np.zeros(n_rows + 1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32)
        width = len(self.vocab)
        uniq, counts = np.unique(rows * width + cols, return_counts=True)  # sorted by row, column
        r = uniq // width
        c = (uniq % width).astype(np.int32)
        vals = (1.0 + np.log(counts)) * self.idf[c]
        if mode == "l2":
            scale = np.sqrt(np.bincount(r, weights=vals * vals, minlength=n_rows))[r]
        elif mode == "sqrt":
            scale = np.sqrt(np.bincount(r, minlength=n_rows))[r] / 3.0
        else:
            scale = np.full(len(vals), 4.0)
        data = (vals / np.where(scale > 0, scale, 1.0)).astype(np.float32)
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(np.bincount(r, minlength=n_rows), out=indptr[1:])
        return indptr, c, data

    def transform(
        self, units: Sequence[Sequence[str]], norm: str | None = None
    ) -> tuple[NDArray[np.int64], NDArray[np.int32], NDArray[np.float32]]:
        rows, cols = self.lookup(units)
        return self.weigh(rows, cols, len(units), norm)


def embed_units(units: Sequence[Unit], embeddings: StaticEmbeddings) -> NDArray[np.float32]:
    """One row per unit: the mean vector of its affirmed words (negated and hypothetical words
    are out of play here; the lexical features carry negation as marked words)."""
    return embeddings.mean_vectors([u.affirmed_words for u in units])

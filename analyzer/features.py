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

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from spacy.tokens import Doc, Token

from analyzer.components.context import AFFIRMED, NEGATED, SentenceContext
from analyzer.components.cues import CueMatch
from analyzer.components.segmenter import token_list
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
    }
)  # fmt: skip
MIN_UNIT_WORDS = 3
NEG = "¬"


@dataclass(frozen=True)
class Unit:
    sentence: int
    start: int  # token indices into the doc
    end: int
    char_start: int  # character offsets into the original text, whitespace trimmed
    char_end: int
    source: str
    lexical: tuple[str, ...]
    affirmed_words: tuple[str, ...]
    cues: tuple[CueMatch, ...]


def _clause_bounds(doc: Sequence[Token], ctx: SentenceContext) -> list[tuple[int, int]]:
    bounds = [ctx.start]
    for i in range(ctx.start + 1, ctx.end):
        low = doc[i].lower_
        if low in UNIT_BREAKS:
            bounds.append(i + 1 if doc[i].text == ";" else i)
        elif (
            low in CLAUSE_JOINERS
            and i + 1 < ctx.end
            and doc[i + 1].lower_ in CLAUSE_STARTS
            and (low == "and" or doc[i + 1].lower_ != "and")
        ):
            bounds.append(i + 1 if low == "," else i)
    bounds.append(ctx.end)
    pieces = [(a, b) for a, b in itertools.pairwise(bounds) if b > a]
    merged: list[tuple[int, int]] = []
    for a, b in pieces:
        words = sum(1 for t in doc[a:b] if not (t.is_punct or t.is_space))
        if merged and words < MIN_UNIT_WORDS:
            merged[-1] = (merged[-1][0], b)
        elif not merged or words >= MIN_UNIT_WORDS:
            merged.append((a, b))
    # a short first clause joins the next one
    if len(merged) > 1:
        a, b = merged[0]
        if sum(1 for t in doc[a:b] if not (t.is_punct or t.is_space)) < MIN_UNIT_WORDS:
            merged[1] = (a, merged[1][1])
            merged.pop(0)
    return merged


def extract_units(parsed: Doc) -> list[Unit]:
    doc = token_list(parsed)
    units: list[Unit] = []
    status: list[int] = parsed._.token_status
    cues: list[CueMatch] = parsed._.cues or []
    for s_idx, ctx in enumerate(parsed._.contexts):
        for a, b in _clause_bounds(doc, ctx):
            content = [t for t in doc[a:b] if not t.is_space]
            if not any(t.is_alpha for t in content):
                continue
            grams: list[str] = []
            seq: list[str | None] = []
            affirmed: list[str] = []
            for t in content:
                st = status[t.i]
                if t.is_punct:
                    continue
                if st not in (AFFIRMED, NEGATED):
                    seq.append(None)  # out of play; also breaks bigrams
                    continue
                lemma = "<num>" if t.like_num else t.lemma_
                if st == NEGATED:
                    seq.append(NEG + lemma)
                else:
                    seq.append(lemma)
                    affirmed.append(t.lower_)
            grams.extend(w for w in seq if w)
            grams.extend(f"{x} {y}" for x, y in itertools.pairwise(seq) if x and y)
            unit_cues = tuple(c for c in cues if a <= c.start < b)
            for c in unit_cues:
                grams.append(f"cue:{c.label}" if c.status == "affirmed" else f"cue:{c.label}:{c.status}")
            grams.append(f"src:{ctx.source}")
            first, last = content[0], content[-1]
            units.append(
                Unit(
                    sentence=s_idx,
                    start=first.i,
                    end=last.i + 1,
                    char_start=first.idx,
                    char_end=last.idx + len(last.text),
                    source=ctx.source,
                    lexical=tuple(grams),
                    affirmed_words=tuple(affirmed),
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
        cols: list[int] = []
        rows: list[int] = []
        for r, feats in enumerate(units):
            for f in feats:
                j = get(f)
                if j is not None:
                    cols.append(j)
                    rows.append(r)
        return np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)

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
    return embeddings.mean_vectors([list(u.affirmed_words) for u in units])

"""A small, validated pattern language for cue and trigger lists kept in TOML data files.

A pattern is a string of space-separated token specs, compiled to a spaCy ``Matcher`` pattern:

- ``word`` or ``a|b|c``: the token's lower-case form is one of these;
- ``~lemma`` or ``~a|b``: the token's lemma is one of these (so ``~shake`` matches "shook");
  a spec with a ``~`` anywhere matches every alternative by its lemma (``~shake|shaky``);
- ``_``: any one token;  ``#``: any token that is not punctuation;
- a suffix ``?`` makes a spec optional, ``{0,3}`` repeats it 0 to 3 times.

Keeping patterns as data lets people who know the domain extend them without touching code,
and every match can name the pattern that fired.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from analyzer.errors import ConfigError

_SPEC = re.compile(r"^(?P<body>[^?{}]+)(?P<op>\?|\{\d+,\d+\})?$")
_WORD = re.compile(r"^[\w'’\-.,:;!&/$£€%]+$")


def compile_pattern(pattern: str, where: str, lemmatize: Callable[[str], str] = str.lower) -> list[dict[str, Any]]:
    """Turn one pattern string into a spaCy Matcher pattern; ``where`` names it in errors.

    ``lemmatize`` maps a word to the lemma the pipeline will give it, so that ``~shaking``
    and ``~shake`` both mean the lemma "shake".
    """
    specs = pattern.split()
    if not specs:
        raise ConfigError(f"{where}: empty pattern")
    compiled: list[dict[str, Any]] = []
    for spec in specs:
        m = _SPEC.match(spec)
        if not m:
            raise ConfigError(f"{where}: cannot read token spec {spec!r} in pattern {pattern!r}")
        body, op = m.group("body"), m.group("op")
        token: dict[str, Any]
        if body == "_":
            token = {}
        elif body == "#":
            token = {"IS_PUNCT": False}
        else:
            by_lemma = "~" in body
            attr = "LEMMA" if by_lemma else "LOWER"
            words = [w.lstrip("~") for w in body.split("|")]
            if not all(w and _WORD.match(w) for w in words):
                raise ConfigError(f"{where}: bad word in spec {spec!r} of pattern {pattern!r}")
            words = sorted({lemmatize(w.lower()) if by_lemma else w.lower() for w in words})
            token = {attr: words[0]} if len(words) == 1 else {attr: {"IN": words}}
        if op:
            token["OP"] = op
        compiled.append(token)
    if all(t.get("OP") for t in compiled):
        raise ConfigError(f"{where}: pattern {pattern!r} can match nothing (every spec optional)")
    return compiled


def pattern_lemmas(pattern: str) -> set[str]:
    """The lemmas a pattern names, so the lemma table can be checked to cover them."""
    out: set[str] = set()
    for spec in pattern.split():
        body = _SPEC.match(spec)
        if body and "~" in body.group("body"):
            out.update(w.lstrip("~").lower() for w in body.group("body").split("|"))
    return out


# -- fast matching ----------------------------------------------------------------------------
# spaCy's Matcher evaluates "IN" set predicates in Python for every token and pattern, which
# cost 15x the whole tokenizer on our ~450 patterns. The same patterns are matched here with
# spaCy's PhraseMatcher (hash lookups in C): each pattern is expanded into phrases for its
# runs of words, and the runs are joined across their bounded gaps ("_", "_{0,3}", "#").


@dataclass(frozen=True)
class _Gap:
    low: int
    high: int
    no_punct: bool


@dataclass(frozen=True)
class _Word:
    by_lemma: bool
    values: tuple[str, ...]
    optional: bool


def _parse(pattern: str, where: str, lemmatize: Callable[[str], str]) -> list[_Gap | _Word]:
    compiled = compile_pattern(pattern, where, lemmatize)  # validates
    out: list[_Gap | _Word] = []
    for spec, tok in zip(pattern.split(), compiled, strict=True):
        op = tok.get("OP")
        body = _SPEC.match(spec).group("body")  # type: ignore[union-attr]
        if body in ("_", "#"):
            low, high = (1, 1)
            if op == "?":
                low, high = 0, 1
            elif op:
                low, high = (int(x) for x in op.strip("{}").split(","))
            out.append(_Gap(low, high, body == "#"))
            continue
        if op and op != "?":
            raise ConfigError(f"{where}: only '_' and '#' may repeat ({spec!r} in {pattern!r})")
        attr = "LEMMA" if "LEMMA" in tok else "LOWER"
        value = tok[attr]
        values = tuple(value["IN"]) if isinstance(value, dict) else (value,)
        out.append(_Word(attr == "LEMMA", values, op == "?"))
    return out


def _variants(specs: list[_Gap | _Word]) -> list[list[_Gap | _Word]]:
    """Every way of keeping or dropping the optional words."""
    variants: list[list[_Gap | _Word]] = [[]]
    for s in specs:
        if isinstance(s, _Word) and s.optional:
            kept = _Word(s.by_lemma, s.values, False)
            variants = [[*v, kept] for v in variants] + [list(v) for v in variants]
        else:
            variants = [[*v, s] for v in variants]
    return variants


class _ChainIndex(NamedTuple):
    # PhraseMatcher match id -> (keys of the one-segment patterns it completes, its segment
    # name when some longer chain needs it, else None)
    on_match: dict[int, tuple[list[str], str | None]]
    chained: dict[str, list[tuple[str, list[tuple[str, _Gap | None]]]]]  # first segment -> longer chains


class PatternMatcher:
    """Matches pattern strings (see ``compile_pattern``) and returns ``(key, start, end)``."""

    def __init__(self, vocab: Vocab, lemmatize: Callable[[str], str] = str.lower) -> None:
        self.vocab = vocab
        self.lemmatize = lemmatize
        self.lower = PhraseMatcher(vocab, attr="LOWER")
        self.lemma = PhraseMatcher(vocab, attr="LEMMA")
        # first segment id -> [(key, chain)]; a chain is [(segment id, gap before it), ...]
        self.chains: dict[str, list[tuple[str, list[tuple[str, _Gap | None]]]]] = {}
        self._segments: dict[tuple[bool, frozenset[tuple[str, ...]]], str] = {}
        self._n = 0

    def add(self, key: str, patterns: list[str], where: str = "") -> None:
        for pattern in patterns:
            for variant in _variants(_parse(pattern, where or key, self.lemmatize)):
                while variant and isinstance(variant[0], _Gap):
                    variant.pop(0)  # a leading gap adds nothing to a match
                while variant and isinstance(variant[-1], _Gap):
                    variant.pop()
                if not variant:
                    continue
                chain: list[tuple[str, _Gap | None]] = []
                gap: _Gap | None = None
                run: list[_Word] = []
                for s in [*variant, _Gap(0, 0, False)]:
                    if isinstance(s, _Word):
                        run.append(s)
                        continue
                    if run:
                        chain.append((self._add_segment(run), gap))
                        run, gap = [], s
                    elif gap is not None:  # two gaps in a row add up
                        gap = _Gap(gap.low + s.low, gap.high + s.high, gap.no_punct or s.no_punct)
                self.chains.setdefault(chain[0][0], []).append((key, chain))
        self.__dict__.pop("_index", None)  # rebuilt on the next call

    def _add_segment(self, words: list[_Word]) -> str:
        seg = f"seg{self._n}"
        by_lemma = any(w.by_lemma for w in words)
        phrases = [()]  # type: list[tuple[str, ...]]
        for w in words:
            # lemma specs arrive lemmatised already; plain words in a lemma run match by lemma
            vals = [v if w.by_lemma else self.lemmatize(v) for v in w.values] if by_lemma else list(w.values)
            phrases = [(*p, v) for p in phrases for v in dict.fromkeys(vals)]
        # many patterns share a run ("~be n't", "they"): match it once, not once per pattern
        key = (by_lemma, frozenset(phrases))
        if key in self._segments:
            return self._segments[key]
        self._segments[key] = seg
        docs = []
        for p in phrases:
            doc = Doc(self.vocab, words=list(p), lemmas=list(p)) if by_lemma else Doc(self.vocab, words=list(p))
            docs.append(doc)
        (self.lemma if by_lemma else self.lower).add(seg, docs)
        self._n += 1
        return seg

    def __call__(self, doc: Doc) -> list[tuple[str, int, int]]:
        index = self._index
        on_match = index.on_match
        out: set[tuple[str, int, int]] = set()
        found: dict[str, dict[int, set[int]]] = {}
        for matcher in (self.lower, self.lemma):
            for seg_hash, start, end in matcher(doc):
                names, seg = on_match[seg_hash]
                # a one-segment pattern is matched outright; longer chains need every segment first
                for name in names:
                    out.add((name, start, end))
                if seg is not None:
                    by_start = found.setdefault(seg, {})
                    if start in by_start:
                        by_start[start].add(end)
                    else:
                        by_start[start] = {end}
        for seg, first in found.items():
            for name, chain in index.chained.get(seg, ()):
                if any(later not in found for later, _ in chain[1:]):
                    continue
                for start, ends in first.items():
                    for end in self._extend(doc, chain, 1, ends, found):
                        out.add((name, start, end))
        return sorted(out, key=lambda m: (m[1], m[2], m[0]))

    @cached_property
    def _index(self) -> _ChainIndex:
        """Lookups derived from ``chains`` for matching; dropped by ``add``."""
        chained = {seg: [(n, c) for n, c in chains if len(c) > 1] for seg, chains in self.chains.items()}
        in_chains = {seg for cs in chained.values() for _, chain in cs for seg, _ in chain}
        on_match = {}
        for k in range(self._n):
            seg = f"seg{k}"
            whole = [name for name, chain in self.chains.get(seg, ()) if len(chain) == 1]
            on_match[self.vocab.strings.add(seg)] = (whole, seg if seg in in_chains else None)
        return _ChainIndex(on_match=on_match, chained=chained)

    def _extend(
        self,
        doc: Doc,
        chain: list[tuple[str, _Gap | None]],
        k: int,
        ends: set[int],
        found: dict[str, dict[int, set[int]]],
    ) -> set[int]:
        if k == len(chain):
            return ends
        seg, gap = chain[k]
        starts = found.get(seg)
        if not starts or gap is None:
            return set()
        nxt: set[int] = set()
        for e in ends:
            for s in range(e + gap.low, e + gap.high + 1):
                if s in starts and not (gap.no_punct and any(t.is_punct for t in doc[e:s])):
                    nxt |= starts[s]
        return self._extend(doc, chain, k + 1, nxt, found) if nxt else set()

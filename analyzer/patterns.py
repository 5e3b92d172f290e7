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
from typing import Any

from analyzer.errors import ConfigError

_SPEC = re.compile(r"^(?P<body>[^?{}]+)(?P<op>\?|\{\d+,\d+\})?$")
_WORD = re.compile(r"^[\w'’\-.,:;!&/$£€%]+$")


def compile_pattern(
    pattern: str, where: str, lemmatize: Callable[[str], str] = str.lower
) -> list[dict[str, Any]]:
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

"""The token attributes our components read, as plain Python lists built once per doc.

``doc[i]`` and iterating a doc create a new ``Token`` object every time, and reading an
attribute through it costs more than the rule itself. Every component that walks tokens
reads this table instead; it is built from one ``Doc.to_array`` call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.attrs import IDX, ORTH, SPACY
from spacy.tokens import Doc

_KEY = "analyzer.token_table"
_POSITIONAL = [ORTH, IDX, SPACY]
# Per word form: (text, lower, is_space, is_punct, is_alpha, like_num, is_word, may_break).
# These depend on the form only, so each form is read from its lexeme once per process.
_LEXICAL: dict[int, tuple[str, str, bool, bool, bool, bool, bool, bool]] = {}


@dataclass(slots=True)
class TokenTable:
    text: Sequence[str]
    lower: Sequence[str]
    idx: Sequence[int]  # character offset of each token
    has_space: Sequence[int]  # 1 when followed by a space (spaCy's ``whitespace_`` is " " or "")
    is_space: Sequence[bool]
    is_punct: Sequence[bool]
    is_alpha: Sequence[bool]
    like_num: Sequence[bool]
    is_word: Sequence[bool]  # neither punctuation nor space
    may_break: Sequence[bool]  # starts with a sentence-final mark or a space: may end a sentence
    lemma: Sequence[str]  # the lower-case forms until the ``lemma_table`` component sets them

    def __len__(self) -> int:
        return len(self.text)


def _lexical(doc: Doc, orth: int) -> tuple[str, str, bool, bool, bool, bool, bool, bool]:
    lex = doc.vocab[orth]
    text = lex.orth_
    may_break = bool(text) and (text[0] in ".!?…" or text[0].isspace())
    is_word = not (lex.is_punct or lex.is_space)
    entry = (text, lex.lower_, lex.is_space, lex.is_punct, lex.is_alpha, lex.like_num, is_word, may_break)
    _LEXICAL[orth] = entry
    return entry


def token_table(doc: Doc) -> TokenTable:
    """The doc's table, built on first use and kept in ``doc.user_data``."""
    table: TokenTable | None = doc.user_data.get(_KEY)
    if table is not None and len(table) == len(doc):
        return table
    if len(doc):
        orth, idx, space = doc.to_array(_POSITIONAL).T.tolist()
    else:
        orth, idx, space = [], [], []
    get = _LEXICAL.get
    rows = [get(h) or _lexical(doc, h) for h in orth]
    text, lower, is_space, is_punct, is_alpha, like_num, is_word, may_break = (
        zip(*rows, strict=True) if rows else ((),) * 8
    )
    table = TokenTable(
        text=text,
        lower=lower,
        idx=idx,
        has_space=space,
        is_space=is_space,
        is_punct=is_punct,
        is_alpha=is_alpha,
        like_num=like_num,
        is_word=is_word,
        may_break=may_break,
        lemma=lower,
    )
    doc.user_data[_KEY] = table
    return table

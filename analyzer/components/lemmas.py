"""Lower-case lookup lemmas from a small table shipped with the package.

spaCy's lookup lemmatizer reads the full English table of ``spacy-lookups-data`` (slow to load,
and case-sensitive). ``analyzer.build_lemmas`` prunes that table to the forms our cues and
corpus use; this component applies it, falling back to the lower-case form.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import srsly
from spacy.attrs import LEMMA
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import ensure_path
from spacy.vocab import Vocab

from analyzer.components.tokens import token_table
from analyzer.errors import ConfigError


def load_lemma_table(path: Path) -> dict[str, str]:
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read lemma table {path}: {exc}") from exc
    if not isinstance(table, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in table.items()):
        raise ConfigError(f"{path}: the lemma table must map strings to strings")
    return table


@Language.factory("lemma_table", default_config={"table": {}})
def make_lemma_table(nlp: Language, name: str, table: dict[str, str]) -> LemmaTable:
    return LemmaTable(table)


class LemmaTable:
    def __init__(self, table: dict[str, str], vocab: Vocab | None = None) -> None:
        self.vocab = vocab
        self.set_table(table)

    def set_table(self, table: dict[str, str]) -> None:
        """Use this table (passing it here rather than through the spaCy config skips the
        config's type check of every entry)."""
        self.table = table
        self._by_lower: dict[str, tuple[str, int]] = {}  # lower-case form -> lemma and its hash

    def __call__(self, doc: Doc) -> Doc:
        # one array write instead of a Python setter per token; the strings go to the token table
        table = token_table(doc)
        by_lower = self._by_lower
        for low in set(table.lower).difference(by_lower):  # forms not seen before
            lemma = self.table.get(low, low)
            by_lower[low] = (lemma, doc.vocab.strings.add(lemma))
        entries = [by_lower[low] for low in table.lower]
        table.lemma = [e[0] for e in entries]
        lemmas = np.array([e[1] for e in entries], dtype=np.uint64)
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))  # type: ignore[arg-type]
        return doc

    def to_disk(self, path: str | Path, *, exclude: tuple[str, ...] = ()) -> None:
        p = ensure_path(path)
        p.mkdir(parents=True, exist_ok=True)
        srsly.write_json(p / "lemmas.json", self.table)

    def from_disk(self, path: str | Path, *, exclude: tuple[str, ...] = ()) -> LemmaTable:
        self.set_table(dict(srsly.read_json(ensure_path(path) / "lemmas.json")))
        return self

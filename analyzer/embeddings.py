"""Static word vectors distilled with model2vec, read with numpy only (no torch, no model2vec).

A static vector does not depend on context, so each distinct word is tokenised and embedded
once and cached; a text's vector is then the mean over its subword pieces, exactly as
model2vec's own mean pooling would compute it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from safetensors.numpy import load_file
from tokenizers import Tokenizer

from analyzer.arrays import grouped_sums
from analyzer.errors import ConfigError


class StaticEmbeddings:
    def __init__(self, folder: Path) -> None:
        try:
            self.matrix: NDArray[np.float32] = load_file(str(folder / "model.safetensors"))["embeddings"].astype(
                np.float32
            )
            self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        except (OSError, KeyError, Exception) as exc:
            raise ConfigError(f"cannot load static embeddings from {folder}: {exc}") from exc
        self.dim = int(self.matrix.shape[1])
        # word -> row of ``_sums``: the sum of its subword vectors (a mean's direction is its sum's)
        self._index: dict[str, int] = {}
        self._sums = np.zeros((1024, self.dim), dtype=np.float32)

    def _fill(self, words: Sequence[str]) -> None:
        missing = sorted({w for w in words if w not in self._index})
        if not missing:
            return
        need = len(self._index) + len(missing)
        if need > len(self._sums):  # grow by doubling
            size = max(need, 2 * len(self._sums))
            self._sums = np.vstack([self._sums, np.zeros((size - len(self._sums), self.dim), np.float32)])
        encodings = self.tokenizer.encode_batch(missing, add_special_tokens=False)
        for word, enc in zip(missing, encodings, strict=True):
            row = len(self._index)
            self._index[word] = row
            if enc.ids:
                self._sums[row] = self.matrix[enc.ids].sum(axis=0)

    def mean_vectors(self, groups: Sequence[Sequence[str]]) -> NDArray[np.float32]:
        """One L2-normalised mean vector per group of words (zeros for an empty group)."""
        out = np.zeros((len(groups), self.dim), dtype=np.float32)
        flat = [w for g in groups for w in g]
        if not flat:
            return out
        index = self._index
        rows = [index.get(w, -1) for w in flat]
        if -1 in rows:  # words not seen before: embed them once
            self._fill(flat)
            rows = [index[w] for w in flat]
        sizes = np.fromiter((len(g) for g in groups), dtype=np.int64, count=len(groups))
        totals = grouped_sums(self._sums[np.array(rows, dtype=np.int64)], sizes)
        norms = np.linalg.norm(totals, axis=1, keepdims=True)
        np.divide(totals, norms, out=out, where=norms > 0)
        return out

    def mean_vector(self, words: list[str]) -> NDArray[np.float32]:
        """Mean over the subword pieces of ``words``, L2-normalised; zeros for no words."""
        return np.asarray(self.mean_vectors([words])[0], dtype=np.float32)

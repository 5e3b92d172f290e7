"""Static word vectors distilled with model2vec, read with numpy only (no torch, no model2vec).

A static vector does not depend on context, so each distinct word is tokenised and embedded
once and cached; a text's vector is then the mean over its subword pieces, exactly as
model2vec's own mean pooling would compute it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from safetensors.numpy import load_file
from tokenizers import Tokenizer

from analyzer.errors import ConfigError


class StaticEmbeddings:
    def __init__(self, folder: Path) -> None:
        try:
            self.matrix: NDArray[np.float32] = load_file(str(folder / "model.safetensors"))[
                "embeddings"
            ].astype(np.float32)
            self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        except (OSError, KeyError, Exception) as exc:
            raise ConfigError(f"cannot load static embeddings from {folder}: {exc}") from exc
        self.dim = int(self.matrix.shape[1])
        # word -> (sum of its subword vectors, number of pieces)
        self._cache: dict[str, tuple[NDArray[np.float32], int]] = {}
        self._zero = np.zeros(self.dim, dtype=np.float32)

    def _fill(self, words: list[str]) -> None:
        missing = sorted({w for w in words if w not in self._cache})
        if not missing:
            return
        encodings = self.tokenizer.encode_batch(missing, add_special_tokens=False)
        for word, enc in zip(missing, encodings, strict=True):
            ids = enc.ids
            if ids:
                self._cache[word] = (self.matrix[ids].sum(axis=0), len(ids))
            else:
                self._cache[word] = (self._zero, 0)

    def mean_vector(self, words: list[str]) -> NDArray[np.float32]:
        """Mean over the subword pieces of ``words``, L2-normalised; zeros for no words."""
        if not words:
            return self._zero
        self._fill(words)
        total = self._zero.copy()
        count = 0
        for w in words:
            vec, n = self._cache[w]
            total += vec
            count += n
        if count == 0:
            return self._zero
        norm = float(np.linalg.norm(total))
        return total / norm if norm > 0 else total

    def prefetch(self, words: list[str]) -> None:
        """Embed many new words in one tokenizer call (used by batch analysis)."""
        self._fill(words)

"""The trained theme model at run time: numpy arrays in a safetensors file, no pickle, no sklearn.

Two stages, both logistic:

1. a unit model scores every clause for each theme and for "strength" from lexical tf-idf,
   static embeddings and rule cues, and a whole-text model scores the text for each theme and
   for "gives any reason at all" (both trained by ``analyzer.training`` with scikit-learn);
2. a document model turns those scores into one calibrated probability per theme, which is
   where "a bare rejection is no_feedback unless a reason is given" or "competition only when
   no more specific reason" is learned, and where a process email that only names a topic
   ("the salary band for this post is ...") is told apart from a reason.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from safetensors.numpy import load_file, save_file

from analyzer.arrays import grouped_sums, grouped_top2
from analyzer.embeddings import StaticEmbeddings
from analyzer.errors import ConfigError
from analyzer.features import LexicalSpace, Unit, embed_units

STRENGTH = "strength"
MODEL_DIR_NAME = "theme_model"
EMBEDDINGS_DIR_NAME = "embeddings"


def default_models_dir() -> Path:
    """``models/`` of a source checkout, else the copy an install ships as ``analyzer.models``."""
    checkout = Path(__file__).resolve().parent.parent / "models"
    if (checkout / MODEL_DIR_NAME / "model.json").exists():
        return checkout
    return Path(str(resources.files("analyzer.models")))


def logit(p: NDArray[np.float64]) -> NDArray[np.float64]:
    q = np.clip(p, 1e-4, 1 - 1e-4)
    return np.asarray(np.log(q / (1 - q)))


def sigmoid(z: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray(1.0 / (1.0 + np.exp(-z)))


def doc_features(
    unit_probs: NDArray[np.float64], sizes: NDArray[np.int64], text_probs: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Stage-2 input, one row per document: per label, its best unit score and the mean of its
    best two; its length; and the whole-text model's score per theme and for "any reason" (does
    the text give a reason at all? a process email that only names a topic scores low).
    ``unit_probs`` holds the documents' units one after another, ``sizes`` how many each has."""
    best, top2 = grouped_top2(unit_probs, sizes)
    return np.hstack([logit(best), logit(top2), np.log1p(sizes)[:, None], logit(text_probs)])


# Themes THEMES.md defines as what is left when no more specific reason is given.
RESIDUAL_THEMES = ("competition", "no_feedback")


def doc_feature_mask(labels: Sequence[str]) -> NDArray[np.float64]:
    """(themes, doc features) 0/1: which stage-2 inputs each theme's decision may use.

    A theme looks at its own clause and text scores, the length and whether the text gives
    any reason at all. Only the residual themes also see the other themes' scores, so a
    stated reason can suppress "no reason given", while independent reasons never suppress
    each other.
    """
    n = len(labels)
    themes = [lab for lab in labels if lab != STRENGTH]
    any_col = 2 * n + 1 + len(themes)
    mask = np.zeros((len(themes), any_col + 1))
    for j, theme in enumerate(themes):
        k = labels.index(theme)
        if theme in RESIDUAL_THEMES:
            mask[j, :] = 1.0
        else:
            mask[j, [k, n + k, 2 * n, 2 * n + 1 + j, any_col]] = 1.0
    return mask


def text_lexical(units: Sequence[Unit]) -> tuple[str, ...]:
    """The whole-text model reads every unit's lexical features as one bag."""
    return tuple(f for u in units for f in u.lexical)


@dataclass
class ThemeModel:
    labels: list[str]  # the 14 theme ids, then "strength"
    lexical: LexicalSpace
    w_lex: NDArray[np.float32]  # (vocab, labels)
    w_emb: NDArray[np.float32]  # (dim, labels)
    bias: NDArray[np.float32]  # (labels,)
    text_w_lex: NDArray[np.float32]  # (vocab, themes + 1): the whole-text model, then "any reason"
    text_w_emb: NDArray[np.float32]  # (dim, themes + 1)
    text_bias: NDArray[np.float32]  # (themes + 1,)
    doc_w: NDArray[np.float64]  # (themes, doc features)
    doc_b: NDArray[np.float64]  # (themes,)
    thresholds: NDArray[np.float64]  # (themes,)
    strength_threshold: float
    meta: dict[str, Any]
    embeddings: StaticEmbeddings | None

    @property
    def themes(self) -> list[str]:
        return [lab for lab in self.labels if lab != STRENGTH]

    def unit_embeddings(self, units: Sequence[Unit]) -> NDArray[np.float32]:
        if self.embeddings is None or float(self.meta["emb_scale"]) <= 0:
            return np.zeros((len(units), self.w_emb.shape[0]), dtype=np.float32)
        return embed_units(units, self.embeddings)

    def _base_scores(
        self, docs: Sequence[Sequence[Unit]], embs: Sequence[NDArray[np.float32]] | None
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
        """Unit probabilities of all the documents' units one after another (units, labels),
        whole-text probabilities (documents, themes) and each document's unit count. One
        feature lookup, one sparse product and one embedding product for all their units:
        per-document numpy calls cost more than the arithmetic."""
        sizes = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
        flat = [u for d in docs for u in d]
        n, n_docs = len(flat), len(docs)
        if embs is None:
            emb = self.unit_embeddings(flat)
        else:
            given = zip(docs, embs, strict=True)
            emb = np.concatenate([np.asarray(e, dtype=np.float32).reshape(len(d), -1) for d, e in given])
        scale = float(self.meta["emb_scale"])
        z_units = np.tile(self.bias.astype(np.float64), (n, 1))
        z_text = np.tile(self.text_bias.astype(np.float64), (n_docs, 1))
        if n:
            rows, cols = self.lexical.lookup([u.lexical for u in flat])
            indptr, indices, data = self.lexical.weigh(rows, cols, n)
            z_units += grouped_sums(self.w_lex[indices] * data[:, None], np.diff(indptr))
            # a whole text is the bag of all its units' features
            doc_of_unit = np.repeat(np.arange(n_docs, dtype=np.int64), sizes)
            text_norm = str(self.meta.get("text_norm", "l2"))
            t_ptr, t_idx, t_data = self.lexical.weigh(doc_of_unit[rows], cols, n_docs, norm=text_norm)
            z_text += grouped_sums(self.text_w_lex[t_idx] * t_data[:, None], np.diff(t_ptr))
            if scale > 0:
                has_units = sizes > 0
                z_units += (emb * scale) @ self.w_emb
                doc_emb = grouped_sums(emb, sizes)[has_units] / sizes[has_units, None]
                z_text[has_units] += (doc_emb * scale) @ self.text_w_emb
        return sigmoid(z_units), sigmoid(z_text), sizes

    def stage2_features(
        self, docs: Sequence[Sequence[Unit]], embs: Sequence[NDArray[np.float32]] | None = None
    ) -> NDArray[np.float64]:
        """The document model's input, one row per document (what training fits it on)."""
        unit_p, text_p, sizes = self._base_scores(docs, embs)
        return doc_features(unit_p, sizes, text_p)

    def scores(
        self, units: Sequence[Unit], emb: NDArray[np.float32] | None = None
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """(units, labels) unit probabilities and (themes,) calibrated document probabilities."""
        [(unit_p, doc_p)] = self.scores_many([units], None if emb is None else [emb])
        return unit_p, doc_p

    def scores_many(
        self, docs: Sequence[Sequence[Unit]], embs: Sequence[NDArray[np.float32]] | None = None
    ) -> list[tuple[NDArray[np.float64], NDArray[np.float64]]]:
        """``scores`` for many documents in one pass."""
        if not docs:
            return []
        unit_p, text_p, sizes = self._base_scores(docs, embs)
        doc_p = sigmoid(doc_features(unit_p, sizes, text_p) @ (self.doc_w * self.doc_mask).T + self.doc_b)
        return list(zip(np.split(unit_p, np.cumsum(sizes)[:-1]), doc_p, strict=True))

    @cached_property
    def doc_mask(self) -> NDArray[np.float64]:
        return doc_feature_mask(self.labels)

    # -- files ------------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        save_file(
            {
                "idf": self.lexical.idf,
                "w_lex": self.w_lex,
                "w_emb": self.w_emb,
                "bias": self.bias,
                "text_w_lex": self.text_w_lex,
                "text_w_emb": self.text_w_emb,
                "text_bias": self.text_bias,
                "doc_w": self.doc_w,
                "doc_b": self.doc_b,
                "thresholds": self.thresholds,
            },
            str(folder / "weights.safetensors"),
        )
        (folder / "vocab.json").write_text(
            json.dumps(self.lexical.vocab, ensure_ascii=False, indent=0) + "\n", encoding="utf-8"
        )
        meta = dict(self.meta, labels=self.labels, strength_threshold=self.strength_threshold)
        (folder / "model.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, models_dir: Path | None = None, with_embeddings: bool = True) -> ThemeModel:
        root = models_dir or default_models_dir()
        folder = root / MODEL_DIR_NAME
        try:
            meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
            vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
            w = load_file(str(folder / "weights.safetensors"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"no usable trained model in {folder} ({exc}); run 'interview-analyzer train'") from exc
        labels = list(meta.pop("labels"))
        strength_threshold = float(meta.pop("strength_threshold"))
        if w["w_lex"].shape != (len(vocab), len(labels)):
            raise ConfigError(f"{folder}: weights do not match the vocabulary")
        embeddings = None
        if with_embeddings and float(meta.get("emb_scale", 0)) > 0:
            folder = root / EMBEDDINGS_DIR_NAME
            if not (folder / "model.safetensors").exists():  # a models folder with only a retrained model
                folder = default_models_dir() / EMBEDDINGS_DIR_NAME
            embeddings = StaticEmbeddings(folder)
        return cls(
            labels=labels,
            lexical=LexicalSpace(vocab, w["idf"], norm=str(meta.get("lexical_norm", "l2"))),
            w_lex=w["w_lex"],
            w_emb=w["w_emb"],
            bias=w["bias"],
            text_w_lex=w["text_w_lex"],
            text_w_emb=w["text_w_emb"],
            text_bias=w["text_bias"],
            doc_w=w["doc_w"],
            doc_b=w["doc_b"],
            thresholds=w["thresholds"],
            strength_threshold=strength_threshold,
            meta=meta,
            embeddings=embeddings,
        )

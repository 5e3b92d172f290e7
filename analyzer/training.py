"""Training and evaluation of the theme model (scikit-learn; imported only by train/evaluate).

The recipe, deterministic for the same data:

1. parse every record once with the pipeline; cut it into units; a unit is positive for a
   theme when it overlaps the writer's evidence for that theme (same for strengths);
2. unit model: one logistic regression per label over [tf-idf | static embeddings];
3. document model: per theme, a logistic regression over out-of-fold unit scores;
4. thresholds per theme chosen on the dev split (never on test);
5. the shipped model is refitted on train+dev with the same settings and thresholds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from numpy.typing import NDArray
from spacy.language import Language

from analyzer.corpus import Record
from analyzer.embeddings import StaticEmbeddings
from analyzer.features import LexicalSpace, Unit, embed_units, extract_units
from analyzer.model import STRENGTH, ThemeModel, doc_feature_mask, text_lexical
from analyzer.taxonomy import THEME_IDS

LABELS = [*THEME_IDS, STRENGTH]
Progress = Callable[[str], None]


@dataclass(frozen=True)
class TrainConfig:
    unit_C: float = 0.5
    text_C: float = 4.0
    doc_C: float = 0.5
    emb_scale: float = 0.5
    min_df: int = 2
    folds: int = 4
    positive_weight: float = 2.0  # units are mostly negative; weigh the few positives up
    use_embeddings: bool = True
    norm: str = "none"  # lexical feature scaling: l2 | sqrt | none
    text_norm: str = "none"  # the same for the whole-text model


@dataclass
class ParsedDoc:
    record: Record
    units: list[Unit]
    unit_y: NDArray[np.int8]  # (units, labels)
    emb: NDArray[np.float32]  # (units, dim)
    y: NDArray[np.int8] = field(init=False)  # (themes,)

    def __post_init__(self) -> None:
        self.y = np.array([t in self.record.labels for t in THEME_IDS], dtype=np.int8)


def _spans(text: str, needle: str) -> tuple[int, int] | None:
    at = text.find(needle)
    return (at, at + len(needle)) if at >= 0 else None


def _overlaps(unit: Unit, span: tuple[int, int]) -> bool:
    lo, hi = max(unit.char_start, span[0]), min(unit.char_end, span[1])
    if hi <= lo:
        return False
    inter = hi - lo
    return inter >= 0.5 * min(unit.char_end - unit.char_start, span[1] - span[0])


def parse_records(records: Sequence[Record], nlp: Language, embeddings: StaticEmbeddings | None) -> list[ParsedDoc]:
    docs = []
    for rec, doc in zip(records, nlp.pipe(r.text for r in records), strict=True):
        units = extract_units(doc)
        y = np.zeros((len(units), len(LABELS)), dtype=np.int8)
        targets: list[tuple[int, tuple[int, int] | None]] = [
            (LABELS.index(t), _spans(rec.text, ev)) for t, ev in rec.labels.items()
        ] + [(LABELS.index(STRENGTH), _spans(rec.text, s)) for s in rec.strengths]
        for j, span in targets:
            if span is None:
                continue
            hits = [i for i, u in enumerate(units) if _overlaps(u, span)]
            if not hits:  # evidence shorter than half of any unit: take the units it touches
                hits = [i for i, u in enumerate(units) if u.char_start < span[1] and span[0] < u.char_end]
            for i in hits:
                y[i, j] = 1
        emb = embed_units(units, embeddings) if embeddings is not None else np.zeros((len(units), 0), dtype=np.float32)
        docs.append(ParsedDoc(rec, units, y, emb))
    return docs


def _fold_of(record_id: str, folds: int) -> int:
    return int(hashlib.sha256(("fold:" + record_id).encode()).hexdigest(), 16) % folds


def _logistic(x: Any, y: NDArray[np.int8], C: float, positive_weight: float) -> tuple[NDArray[np.float64], float]:
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    # lbfgs: deterministic, and several times faster than liblinear on the dense columns
    clf = LogisticRegression(C=C, solver="lbfgs", class_weight={0: 1.0, 1: positive_weight}, max_iter=1000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(x, y)
    return clf.coef_[0], float(clf.intercept_[0])


def fit_base_models(docs: Sequence[ParsedDoc], cfg: TrainConfig) -> ThemeModel:
    """The unit model (one row per clause) and the whole-text model (one row per document)."""
    from scipy import sparse

    units = [u for d in docs for u in d.units]
    lexical = LexicalSpace.fit((u.lexical for u in units), min_df=cfg.min_df, norm=cfg.norm)
    vocab_size = len(lexical.vocab)
    use_emb = cfg.use_embeddings and bool(docs) and docs[0].emb.shape[1] > 0
    dim2 = docs[0].emb.shape[1] if docs else 0

    def design(rows: list[tuple[str, ...]], emb: NDArray[np.float32], norm: str | None = None) -> Any:
        indptr, indices, data = lexical.transform(rows, norm=norm)
        x = sparse.csr_matrix((data, indices, indptr), shape=(len(rows), vocab_size))
        if use_emb:
            x = sparse.hstack([x, sparse.csr_matrix(emb * cfg.emb_scale)], format="csr")
        return x

    x_units = design([u.lexical for u in units], np.vstack([d.emb for d in docs]))
    y_units = np.vstack([d.unit_y for d in docs])
    text_emb = np.vstack([d.emb.mean(axis=0) if len(d.units) else np.zeros(dim2, np.float32) for d in docs])
    x_text = design([text_lexical(d.units) for d in docs], text_emb, norm=cfg.text_norm)
    y_text = np.vstack([np.append(d.y, d.y.any()) for d in docs]).astype(np.int8)  # themes, then "any reason"

    def fit_all(
        x: Any, y: NDArray[np.int8], C: float, pw: float
    ) -> tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.float32]]:
        w_lex = np.zeros((vocab_size, y.shape[1]), dtype=np.float32)
        w_emb = np.zeros((dim2, y.shape[1]), dtype=np.float32)
        bias = np.full(y.shape[1], -6.0, dtype=np.float32)
        labels = [j for j in range(y.shape[1]) if 0 < y[:, j].sum() < len(y)]
        # one independent fit per label, so processes give the same weights as a loop
        fits = Parallel(n_jobs=-1)(delayed(_logistic)(x, y[:, j], C, pw) for j in labels)
        for j, (coef, b) in zip(labels, fits, strict=True):
            w_lex[:, j] = coef[:vocab_size]
            if use_emb:
                w_emb[:, j] = coef[vocab_size:]
            bias[j] = b
        return w_lex, w_emb, bias

    w_lex, w_emb, bias = fit_all(x_units, y_units, cfg.unit_C, cfg.positive_weight)
    t_lex, t_emb, t_bias = fit_all(x_text, y_text, cfg.text_C, 1.0)
    n_themes = len(THEME_IDS)
    return ThemeModel(
        labels=LABELS,
        lexical=lexical,
        w_lex=w_lex,
        w_emb=w_emb,
        bias=bias,
        text_w_lex=t_lex,
        text_w_emb=t_emb,
        text_bias=t_bias,
        doc_w=np.zeros((n_themes, 2 * len(LABELS) + 2 + n_themes)),
        doc_b=np.zeros(n_themes),
        thresholds=np.full(n_themes, 0.5),
        strength_threshold=0.5,
        meta={"emb_scale": cfg.emb_scale if use_emb else 0.0, "lexical_norm": cfg.norm, "text_norm": cfg.text_norm},
        embeddings=None,
    )


def _chunks(docs: Sequence[ParsedDoc], size: int = 512) -> list[Sequence[ParsedDoc]]:
    """Slices of ``docs`` to score at once (one empty slice for no docs)."""
    return [docs[i : i + size] for i in range(0, len(docs) or 1, size)]


def _embs(docs: Sequence[ParsedDoc]) -> list[NDArray[np.float32]] | None:
    """The embeddings computed once at parse time (None when the model has none)."""
    return [d.emb for d in docs] if docs and docs[0].emb.shape[1] else None


def doc_scores_many(
    model: ThemeModel, docs: Sequence[ParsedDoc]
) -> list[tuple[NDArray[np.float64], NDArray[np.float64]]]:
    """(unit, document) scores of many docs, scored a chunk at a time."""
    return [s for chunk in _chunks(docs) for s in model.scores_many([d.units for d in chunk], _embs(chunk))]


def stage2_features(model: ThemeModel, docs: Sequence[ParsedDoc]) -> NDArray[np.float64]:
    """The document model's input for ``docs``, one row each, a chunk at a time."""
    return np.vstack([model.stage2_features([d.units for d in chunk], _embs(chunk)) for chunk in _chunks(docs)])


def fit_doc_model(
    feats: NDArray[np.float64], y: NDArray[np.int8], cfg: TrainConfig
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per theme, a logistic regression over the stage-2 inputs its mask allows."""
    from sklearn.linear_model import LogisticRegression

    mask = doc_feature_mask(LABELS)
    doc_w = np.zeros((len(THEME_IDS), feats.shape[1]))
    doc_b = np.full(len(THEME_IDS), -6.0)
    for j in range(len(THEME_IDS)):
        if y[:, j].sum() == 0:
            continue
        cols = np.flatnonzero(mask[j])
        clf = LogisticRegression(C=cfg.doc_C, max_iter=2000)
        clf.fit(feats[:, cols], y[:, j])
        doc_w[j, cols], doc_b[j] = clf.coef_[0], clf.intercept_[0]
    return doc_w, doc_b


def fit_model(docs: Sequence[ParsedDoc], cfg: TrainConfig, progress: Progress | None = None) -> ThemeModel:
    """Base models on all docs; the document model on their out-of-fold scores."""
    say = progress or (lambda _m: None)
    oof: list[NDArray[np.float64]] = [np.zeros(0)] * len(docs)
    folds = [_fold_of(d.record.id, cfg.folds) for d in docs]
    for k in range(cfg.folds):
        say(f"fold {k + 1}/{cfg.folds}")
        m = fit_base_models([d for d, f in zip(docs, folds, strict=True) if f != k], cfg)
        held = [i for i, f in enumerate(folds) if f == k]
        for i, feats in zip(held, stage2_features(m, [docs[i] for i in held]), strict=True):
            oof[i] = feats
    say("base models on all training data")
    model = fit_base_models(docs, cfg)
    model.doc_w, model.doc_b = fit_doc_model(np.vstack(oof), np.vstack([d.y for d in docs]), cfg)
    model.meta["train_config"] = asdict(cfg)
    return model


def predict_docs(model: ThemeModel, docs: Sequence[ParsedDoc]) -> NDArray[np.float64]:
    if not docs:
        return np.zeros((0, len(THEME_IDS)))
    return np.vstack([doc_p for _, doc_p in doc_scores_many(model, docs)])


def choose_thresholds(probs: NDArray[np.float64], y: NDArray[np.int8]) -> NDArray[np.float64]:
    """Per theme, the threshold with the best F1 on these (dev) predictions."""
    grid = np.round(np.arange(0.10, 0.91, 0.02), 2)
    out = np.full(probs.shape[1], 0.5)
    for j in range(probs.shape[1]):
        best, best_f1 = 0.5, -1.0
        for t in grid:
            pred = probs[:, j] >= t
            tp = float(np.sum(pred & (y[:, j] == 1)))
            f1 = 2 * tp / (pred.sum() + y[:, j].sum()) if (pred.sum() + y[:, j].sum()) else 0.0
            if f1 > best_f1 + 1e-9:
                best, best_f1 = float(t), f1
        out[j] = best
    return out


def choose_strength_threshold(model: ThemeModel, docs: Sequence[ParsedDoc]) -> float:
    j = LABELS.index(STRENGTH)
    scores = np.concatenate([unit_p[:, j] for unit_p, _ in doc_scores_many(model, docs)] or [np.zeros(0)])
    y = np.concatenate([d.unit_y[:, j] for d in docs if d.units] or [np.zeros(0, dtype=np.int8)])
    return float(choose_thresholds(scores[:, None], y[:, None].astype(np.int8))[0])


def metrics(probs: NDArray[np.float64], docs: Sequence[ParsedDoc], thresholds: NDArray[np.float64]) -> dict[str, Any]:
    """Per-theme precision/recall/F1, macro and micro F1, and the trap false-positive rate."""
    y = np.vstack([d.y for d in docs]).astype(bool)
    pred = probs >= thresholds
    per: dict[str, dict[str, float]] = {}
    tps = fps = fns = 0
    for j, theme in enumerate(THEME_IDS):
        tp = int(np.sum(pred[:, j] & y[:, j]))
        fp = int(np.sum(pred[:, j] & ~y[:, j]))
        fn = int(np.sum(~pred[:, j] & y[:, j]))
        tps, fps, fns = tps + tp, fps + fp, fns + fn
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        per[theme] = {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f, 3),
            "support": int(y[:, j].sum()),
        }
    micro_p = tps / (tps + fps) if tps + fps else 0.0
    micro_r = tps / (tps + fns) if tps + fns else 0.0
    trap_pairs = [(i, THEME_IDS.index(t)) for i, d in enumerate(docs) for t, _ in d.record.traps]
    trap_texts = [i for i, d in enumerate(docs) if d.record.traps]
    trap_fp_pairs = sum(bool(pred[i, j]) for i, j in trap_pairs)
    trap_fp_texts = sum(any(pred[i, THEME_IDS.index(t)] for t, _ in docs[i].record.traps) for i in trap_texts)
    none_docs = [i for i, d in enumerate(docs) if d.record.kind == "none"]
    return {
        "documents": len(docs),
        "macro_f1": round(float(np.mean([v["f1"] for v in per.values()])), 3),
        "micro_f1": round(2 * micro_p * micro_r / (micro_p + micro_r), 3) if micro_p + micro_r else 0.0,
        "trap_texts": len(trap_texts),
        "trap_false_positive_rate": round(trap_fp_texts / len(trap_texts), 3) if trap_texts else 0.0,
        "trap_pair_false_positive_rate": round(trap_fp_pairs / len(trap_pairs), 3) if trap_pairs else 0.0,
        "no_theme_texts": len(none_docs),
        "no_theme_false_positive_rate": round(sum(bool(pred[i].any()) for i in none_docs) / len(none_docs), 3)
        if none_docs
        else 0.0,
        "per_theme": per,
    }

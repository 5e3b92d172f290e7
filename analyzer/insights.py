"""Model insights for notebooks and reports: test-split predictions, confusions, cues, errors."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

from analyzer.model import MODEL_DIR_NAME, ThemeModel, default_models_dir
from analyzer.taxonomy import THEME_IDS


def load_metrics(models_dir: Path | None = None) -> dict[str, Any]:
    """The figures ``train``/``evaluate`` wrote next to the model."""
    path = (models_dir or default_models_dir()) / MODEL_DIR_NAME / "metrics.json"
    return dict(json.loads(path.read_text("utf-8")))


def per_theme_table(metrics: dict[str, Any], split: str = "test") -> pd.DataFrame:
    return pd.DataFrame(metrics[split]["per_theme"]).T.loc[list(THEME_IDS)]


def predict_split(data_dir: Path, split: str = "test", analyzer: Any | None = None) -> pd.DataFrame:
    """One row per record of ``split``: text, true and predicted themes, and every score."""
    from analyzer import get_analyzer
    from analyzer.corpus import load_records

    analyzer = analyzer or get_analyzer()
    records = [r for r in load_records(data_dir) if split in ("all", r.split)]
    rows = []
    for rec, res in zip(records, analyzer.analyze_many(r.text for r in records), strict=True):
        rows.append(
            {
                "id": rec.id,
                "author": rec.author,
                "voice": rec.voice,
                "text": rec.text,
                "true": sorted(rec.labels),
                "predicted": sorted(res.theme_ids),
                "traps": [t for t, _ in rec.traps],
                **{f"score_{t}": res.scores[t] for t in THEME_IDS},
            }
        )
    return pd.DataFrame(rows)


def confusions(predictions: pd.DataFrame) -> pd.DataFrame:
    """How often theme A was missed while theme B was predicted instead, in the same text."""
    pairs: Counter[tuple[str, str]] = Counter()
    for true, pred in zip(predictions["true"], predictions["predicted"], strict=True):
        for missed in set(true) - set(pred):
            for wrong in set(pred) - set(true):
                pairs[(missed, wrong)] += 1
    table = pd.DataFrame(0, index=list(THEME_IDS), columns=list(THEME_IDS))
    for (a, b), n in pairs.items():
        table.loc[a, b] = n
    table.index.name = "missed"
    table.columns.name = "predicted instead"
    return table


def strongest_cues(theme: str, k: int = 12, model: ThemeModel | None = None) -> pd.DataFrame:
    """The lexical features with the largest clause-level weights for a theme."""
    model = model or ThemeModel.load(with_embeddings=False)
    j = model.labels.index(theme)
    weights = model.w_lex[:, j]
    top = weights.argsort()[::-1][:k]
    return pd.DataFrame({"feature": [model.lexical.vocab[i] for i in top], "weight": weights[top].round(3)})


def worst_errors(predictions: pd.DataFrame, k: int = 10) -> pd.DataFrame:
    """Texts where the model was most confidently wrong (a missed or a false theme)."""
    rows = []
    for _, r in predictions.iterrows():
        for t in THEME_IDS:
            score = r[f"score_{t}"]
            if t in r["true"] and t not in r["predicted"]:
                rows.append(
                    {
                        "id": r["id"],
                        "theme": t,
                        "error": "missed",
                        "score": score,
                        "text": r["text"],
                        "confidence": 1 - score,
                    }
                )
            elif t in r["predicted"] and t not in r["true"]:
                rows.append(
                    {
                        "id": r["id"],
                        "theme": t,
                        "error": "false",
                        "score": score,
                        "text": r["text"],
                        "confidence": score,
                    }
                )
    if not rows:
        return pd.DataFrame(columns=["id", "theme", "error", "score", "text", "confidence"])
    return pd.DataFrame(rows).sort_values("confidence", ascending=False).head(k).reset_index(drop=True)


def plot_confusions(table: pd.DataFrame) -> Any:
    """Heat map of ``confusions``: missed themes (rows) against themes predicted instead."""
    from analyzer.reports import new_figure

    fig, ax = new_figure(7, 6)
    ax.imshow(table.values, cmap="Reds")
    ax.set_xticks(range(len(table.columns)), list(table.columns), rotation=90)
    ax.set_yticks(range(len(table.index)), list(table.index))
    ax.set_xlabel("predicted instead")
    ax.set_ylabel("missed")
    fig.tight_layout()
    return fig

"""`train` rebuilds the committed model from data/: the same predictions, deterministically."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np

from analyzer.build import author_groups, data_digest, train_and_save
from analyzer.corpus import load_records, split_of
from analyzer.features import extract_units
from analyzer.model import MODEL_DIR_NAME, ThemeModel, default_models_dir
from analyzer.pipeline import build_pipeline
from tests.conftest import GOLDEN, ROOT

DATA = ROOT / "data" / "raw"


def test_committed_model_was_trained_on_the_committed_data() -> None:
    meta = json.loads((default_models_dir() / MODEL_DIR_NAME / "model.json").read_text("utf-8"))
    assert meta["data_sha256"] == data_digest(load_records(DATA)), "retrain: interview-analyzer train"


def test_split_rule_is_stable() -> None:
    assert [split_of(i) for i in ("a1-0001", "a2-0100", "a9-0042")] == [
        split_of(i) for i in ("a1-0001", "a2-0100", "a9-0042")
    ]
    records = load_records(DATA)
    share = sum(r.split == "test" for r in records) / len(records)
    assert 0.17 < share < 0.23


def test_cross_style_holds_every_writer_out_exactly_once() -> None:
    writers = sorted({r.author for r in load_records(DATA)})
    groups = author_groups(writers, 7)
    assert len(groups) == 7 and sorted(a for g in groups for a in g) == writers
    assert max(map(len, groups)) - min(map(len, groups)) <= 1


def test_train_reproduces_the_committed_model(tmp_path: Path) -> None:
    train_and_save(DATA, tmp_path)
    fresh = ThemeModel.load(tmp_path)
    committed = ThemeModel.load(default_models_dir())
    assert fresh.lexical.vocab == committed.lexical.vocab
    assert np.array_equal(fresh.thresholds, committed.thresholds)
    texts = [c["text"] for c in GOLDEN]
    records = load_records(DATA)
    texts += [r.text for r in random.Random(5).sample(records, 150)]
    nlp = build_pipeline()
    for doc in nlp.pipe(texts):
        units = extract_units(doc)
        _a_units, a_doc = fresh.scores(units)
        _b_units, b_doc = committed.scores(units)
        assert np.allclose(a_doc, b_doc, atol=1e-5), doc.text
        assert np.array_equal(a_doc >= fresh.thresholds, b_doc >= committed.thresholds)

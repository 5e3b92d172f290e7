"""Building the shipped model and measuring it: ``train`` and ``evaluate``.

Splits: ``test`` (20%, by a hash of the id, frozen before any tuning), ``dev`` (15%, used for
thresholds and model choice) and ``train``. The held-out sets under ``data/heldout/`` were
written by other writers in other styles and are never trained on: they measure
generalisation.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from analyzer.corpus import Record, load_records
from analyzer.embeddings import StaticEmbeddings
from analyzer.errors import InputError
from analyzer.model import EMBEDDINGS_DIR_NAME, MODEL_DIR_NAME, ThemeModel, default_models_dir
from analyzer.pipeline import build_pipeline
from analyzer.training import (
    ParsedDoc,
    TrainConfig,
    choose_strength_threshold,
    choose_thresholds,
    fit_model,
    metrics,
    parse_records,
    predict_docs,
)

MODEL_NAME = "interview-analyzer-themes"
MODEL_VERSION = "1.0.0"
CONFIG = TrainConfig()
err = Console(stderr=True)


def _embeddings_for(models_dir: Path) -> StaticEmbeddings:
    folder = models_dir / EMBEDDINGS_DIR_NAME
    if not (folder / "model.safetensors").exists():
        folder = default_models_dir() / EMBEDDINGS_DIR_NAME
    return StaticEmbeddings(folder)


def data_digest(records: Sequence[Record]) -> str:
    h = hashlib.sha256()
    for r in records:
        h.update(json.dumps(asdict(r), sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()


def _parse(records: Sequence[Record], embeddings: StaticEmbeddings | None) -> list[ParsedDoc]:
    with err.status(f"parsing {len(records)} texts"):
        return parse_records(records, build_pipeline(), embeddings)


def train_and_save(data_dir: Path, out_dir: Path, cfg: TrainConfig = CONFIG) -> dict[str, Any]:
    records = load_records(data_dir)
    embeddings = _embeddings_for(out_dir)
    docs = _parse(records, embeddings)
    train = [d for d in docs if d.record.split == "train"]
    dev = [d for d in docs if d.record.split == "dev"]
    test = [d for d in docs if d.record.split == "test"]
    if not train or not dev:
        raise InputError(f"{data_dir}: too few records to train (train {len(train)}, dev {len(dev)})")

    with err.status("") as status:

        def say(msg: str) -> None:
            status.update(f"training: {msg}")

        say("model for choosing thresholds (train split)")
        chooser = fit_model(train, cfg, progress=lambda m: say(f"train split, {m}"))
        dev_probs = predict_docs(chooser, dev)
        thresholds = choose_thresholds(dev_probs, np.vstack([d.y for d in dev]))
        strength_threshold = choose_strength_threshold(chooser, dev)
        dev_metrics = metrics(dev_probs, dev, thresholds)
        say("final model (train + dev)")
        model = fit_model(train + dev, cfg, progress=lambda m: say(f"train+dev, {m}"))
    model.thresholds = thresholds
    model.strength_threshold = strength_threshold
    model.meta.update(
        name=MODEL_NAME,
        version=MODEL_VERSION,
        data_sha256=data_digest(records),
        records={"train": len(train), "dev": len(dev), "test": len(test)},
    )
    model.save(out_dir / MODEL_DIR_NAME)
    report: dict[str, Any] = {"dev": dev_metrics}
    report["test"] = metrics(predict_docs(model, test), test, thresholds)
    heldout = data_dir.parent / "heldout"
    if heldout.exists():
        hdocs = _parse(load_records(heldout), embeddings)
        report["heldout"] = metrics(predict_docs(model, hdocs), hdocs, thresholds)
    _merge_metrics(out_dir, report, model, _data_readme(data_dir, out_dir))
    err.print(
        f"saved {out_dir / MODEL_DIR_NAME}: test macro-F1 {report['test']['macro_f1']}, "
        f"trap FP rate {report['test']['trap_false_positive_rate']}"
    )
    return report


def _data_readme(data_dir: Path, models_dir: Path) -> Path | None:
    """data/README.md, but only when writing the repository's own models folder."""
    repo = data_dir.resolve().parent.parent
    return repo / "data" / "README.md" if models_dir.resolve() == (repo / "models").resolve() else None


def _merge_metrics(
    models_dir: Path, new: dict[str, Any], model: ThemeModel | None = None, data_readme: Path | None = None
) -> dict[str, Any]:
    path = models_dir / MODEL_DIR_NAME / "metrics.json"
    current = json.loads(path.read_text("utf-8")) if path.exists() else {}
    current.update(new)
    cs = current.get("cross_style")
    if model is not None and cs and cs.get("data_sha256") != model.meta.get("data_sha256"):
        cs["stale"] = True  # measured on another corpus than this model's: say so, keep the figures
    path.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    meta = (
        model.meta if model is not None else json.loads((models_dir / MODEL_DIR_NAME / "model.json").read_text("utf-8"))
    )
    write_model_card(models_dir, current, meta)
    if data_readme is not None:
        update_data_readme(data_readme, current)
    return current


def figures_markdown(report: dict[str, Any]) -> list[str]:
    """The headline figures as Markdown lines, shared by the model card and data/README.md."""
    lines = [
        "| set | texts | macro-F1 | micro-F1 | trap FP rate | no-theme FP rate |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for k in ("test", "dev", "heldout"):
        if k in report:
            m = report[k]
            lines.append(
                f"| {k} | {m['documents']} | {m['macro_f1']:.3f} | {m['micro_f1']:.3f} | "
                f"{m['trap_false_positive_rate']:.3f} | {m['no_theme_false_positive_rate']:.3f} |"
            )
    cs = report.get("cross_style")
    if cs:
        lines.append("")
        if cs.get("stale"):
            lines += [
                f"Cross-style figures below were measured on an earlier corpus ({cs.get('texts', '?')} texts, "
                f"{len(cs['author'])} writers, data sha256 `{str(cs.get('data_sha256', '?'))[:16]}`), not on the "
                "data of this model; rerun `interview-analyzer evaluate --cross-style` to refresh them.",
                "",
            ]
        if cs.get("author_groups"):
            lines += [
                "Each writer's texts are scored by a model trained without that writer: the writers are "
                f"held out in {cs['author_groups']} groups (dealt round-robin), so each model also lacks the "
                "group's other writers. The test split is never used.",
                "",
            ]
        lines += ["| held out (cross-style, never the test split) | semantic | lexical only |", "|---|---:|---:|"]
        rows = [(f"voice: {k}", v) for k, v in cs["voice"].items()] + [
            (f"author: {k}", v) for k, v in cs["author"].items()
        ]
        for name, v in rows:
            lines.append(f"| {name} | {v['semantic']['macro_f1']:.3f} | {v['lexical_only']['macro_f1']:.3f} |")
        s = cs["author_summary"]
        for key, name in (("mean_macro_f1", "mean"), ("worst_macro_f1", "worst")):
            lines.append(f"| authors: {name} | {s['semantic'][key]:.3f} | {s['lexical_only'][key]:.3f} |")
    return lines


def update_data_readme(path: Path, report: dict[str, Any]) -> None:
    """Rewrite the figures block of data/README.md (when run from the repository root)."""
    start, end = "<!-- figures:start -->", "<!-- figures:end -->"
    if not path.exists():
        return
    text = path.read_text("utf-8")
    if start not in text or end not in text:
        return
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    block = "\n".join(figures_markdown(report))
    path.write_text(f"{head}{start}\n{block}\n{end}{tail}", encoding="utf-8")


def evaluate_command(
    dataset: Path | None,
    data_dir: Path,
    models_dir: Path | None,
    cross_style: bool = False,
    write_card: bool = True,
    json_out: bool = False,
) -> dict[str, Any]:
    root = models_dir or default_models_dir()
    model = ThemeModel.load(root)
    if dataset is None:
        records = [r for r in load_records(data_dir) if r.split == "test"]
        name = "test"
    else:
        records = load_records(dataset)
        name = dataset.stem
    docs = _parse(records, model.embeddings)
    result = {name: metrics(predict_docs(model, docs), docs, model.thresholds)}
    if cross_style:
        result["cross_style"] = cross_style_report(load_records(data_dir), root)
    if write_card and (dataset is None or cross_style):
        _merge_metrics(root, result, data_readme=_data_readme(data_dir, root))
    if json_out:
        print(json.dumps(result, indent=2))
    else:
        print_metrics(result[name], name)
        if cross_style:
            print_cross_style(result["cross_style"])
    return result


def print_metrics(m: dict[str, Any], name: str) -> None:
    console = Console()
    table = Table(title=f"{name}: {m['documents']} texts")
    for col in ("theme", "precision", "recall", "F1", "support"):
        table.add_column(col, justify="left" if col == "theme" else "right")
    for theme, v in m["per_theme"].items():
        table.add_row(theme, f"{v['precision']:.3f}", f"{v['recall']:.3f}", f"{v['f1']:.3f}", str(v["support"]))
    console.print(table)
    console.print(
        f"macro-F1 {m['macro_f1']:.3f}   micro-F1 {m['micro_f1']:.3f}   "
        f"trap false-positive rate {m['trap_false_positive_rate']:.3f} ({m['trap_texts']} trap texts)   "
        f"no-theme false-positive rate {m['no_theme_false_positive_rate']:.3f}"
    )


# -- generalisation protocols ---------------------------------------------------------------
def _fit_and_score(train: list[ParsedDoc], tests: list[list[ParsedDoc]], cfg: TrainConfig) -> list[dict[str, Any]]:
    """Fit on the training writers' train split, choose thresholds on their dev split, and
    score each held-out set (one fit per run keeps the protocol affordable)."""
    inner_dev = [d for d in train if d.record.split == "dev"]
    inner_train = [d for d in train if d.record.split != "dev"]
    model = fit_model(inner_train, replace(cfg, folds=3))
    thresholds = choose_thresholds(predict_docs(model, inner_dev), np.vstack([d.y for d in inner_dev]))
    return [metrics(predict_docs(model, test), test, thresholds) for test in tests]


AUTHOR_GROUPS = 7  # writers held out together per fit; one fit per writer took hours


def author_groups(authors: Iterable[str], groups: int = AUTHOR_GROUPS) -> list[list[str]]:
    """Writers dealt round-robin (in sorted order) into ``groups`` groups."""
    ordered = sorted(authors)
    return [g for g in (ordered[k::groups] for k in range(groups)) if g]


def cross_style_report(records: Sequence[Record], models_dir: Path) -> dict[str, Any]:
    """Leave-one-voice-out and leave-authors-out, semantic vs lexical-only; never the test split.

    Every writer's texts are scored by a model trained without that writer: the writers are
    held out in groups (``AUTHOR_GROUPS``), so each model also lacks the group's other
    writers, which makes the per-writer figures, if anything, pessimistic."""
    pool = [r for r in records if r.split != "test"]
    docs = _parse(pool, _embeddings_for(models_dir))
    variants = {"semantic": CONFIG, "lexical_only": replace(CONFIG, use_embeddings=False)}
    out: dict[str, Any] = {
        "voice": {},
        "author": {},
        "data_sha256": data_digest(records),
        "texts": len(records),
        "author_groups": AUTHOR_GROUPS,
    }

    def summary(m: dict[str, Any]) -> dict[str, Any]:
        return {"macro_f1": m["macro_f1"], "trap_false_positive_rate": m["trap_false_positive_rate"]}

    with err.status("cross-style evaluation") as status:
        for voice in ("employer", "candidate"):
            train = [d for d in docs if d.record.voice != voice]
            test = [d for d in docs if d.record.voice == voice]
            for name, cfg in variants.items():
                status.update(f"leave out voice {voice}: {name}")
                [m] = _fit_and_score(train, [test], cfg)
                out["voice"].setdefault(voice, {})[name] = summary(m)
        groups = author_groups({d.record.author for d in docs})
        for k, group in enumerate(groups, 1):
            train = [d for d in docs if d.record.author not in group]
            tests = [[d for d in docs if d.record.author == a] for a in group]
            for name, cfg in variants.items():
                status.update(f"leave out writer group {k}/{len(groups)}: {name}")
                for author, m in zip(group, _fit_and_score(train, tests, cfg), strict=True):
                    out["author"].setdefault(author, {})[name] = summary(m)
    out["author"] = dict(sorted(out["author"].items(), key=lambda kv: _author_key(kv[0])))
    for name in variants:
        scores = [v[name]["macro_f1"] for v in out["author"].values()]
        out.setdefault("author_summary", {})[name] = {
            "mean_macro_f1": round(float(np.mean(scores)), 3),
            "worst_macro_f1": round(float(np.min(scores)), 3),
        }
    return out


def _author_key(author: str) -> tuple[str, int]:
    """a2 before a10."""
    head = author.rstrip("0123456789")
    tail = author[len(head) :]
    return head, int(tail) if tail else -1


def print_cross_style(cs: dict[str, Any]) -> None:
    console = Console()
    table = Table(title="Cross-style generalisation (macro-F1; each writer scored by a model trained without them)")
    for col in ("held out", "semantic", "lexical only"):
        table.add_column(col)
    for voice, v in cs["voice"].items():
        table.add_row(f"voice: {voice}", f"{v['semantic']['macro_f1']:.3f}", f"{v['lexical_only']['macro_f1']:.3f}")
    for author, v in cs["author"].items():
        table.add_row(f"author: {author}", f"{v['semantic']['macro_f1']:.3f}", f"{v['lexical_only']['macro_f1']:.3f}")
    s = cs["author_summary"]
    table.add_row("authors: mean", f"{s['semantic']['mean_macro_f1']:.3f}", f"{s['lexical_only']['mean_macro_f1']:.3f}")
    table.add_row(
        "authors: worst", f"{s['semantic']['worst_macro_f1']:.3f}", f"{s['lexical_only']['worst_macro_f1']:.3f}"
    )
    console.print(table)


# -- the model card -------------------------------------------------------------------------
def write_model_card(models_dir: Path, report: dict[str, Any], meta: dict[str, Any]) -> None:
    per = report.get("test", {}).get("per_theme", {})
    lines = [
        f"# Model card: {meta.get('name', MODEL_NAME)} {meta.get('version', MODEL_VERSION)}",
        "",
        "Finds which of the 14 themes of `shared/THEMES.md` explain an interview outcome, from",
        "rejection emails, recruiter calls, panel feedback and candidates' own notes. Runs offline.",
        "",
        "## Data",
        "",
        "Hand-written labelled corpus under `data/raw/` (see `data/README.md`);",
        f"data sha256 `{meta.get('data_sha256', '?')[:16]}`.",
        f"Records: {meta.get('records', {})}. The test split (20%, by hash of the id) was frozen before any tuning;",
        "thresholds were chosen on the dev split. `heldout` is text by two other writers in styles the",
        "corpus does not have (review-site entries, LinkedIn posts, voicemails, forwarded chains...),",
        "never trained on.",
        "",
        "## Method",
        "",
        "- spaCy blank English pipeline with our own components: sentence segmentation for emails,",
        "  lists and dictation; lemma lookup; rule cues (phrase patterns with gaps); ConText-style",
        "  negation, dismissal, hypothetical scope and speaker detection.",
        "- Clause units: lemma uni/bigrams (negated words marked, hypothetical/dismissed words removed),",
        "  cue and speaker features, and static embeddings distilled from all-MiniLM-L6-v2 with model2vec",
        "  (`models/embeddings`, see its NOTICE).",
        "- Unit model and whole-text model: one-vs-rest logistic regression (scikit-learn, lbfgs).",
        "- Document model: per-theme logistic regression over out-of-fold unit and text scores and the",
        '  whole-text model\'s score for "gives any reason at all" (calibrated).',
        f"- Settings: `{json.dumps(meta.get('train_config', asdict(CONFIG)), sort_keys=True)}`",
        "- Stored as safetensors + JSON (no pickle); run time needs numpy, not scikit-learn.",
        "",
        "## Metrics",
        "",
        *figures_markdown({k: v for k, v in report.items() if k != "cross_style"}),
        "",
        "Trap FP rate: share of trap texts (a theme's topic negated, dismissed, hypothetical or only",
        "mentioned) where that theme is predicted anyway.",
        "",
    ]
    if per:
        lines += [
            "### Test split per theme",
            "",
            "| theme | precision | recall | F1 | support |",
            "|---|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {t} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['support']} |"
            for t, v in per.items()
        ]
        lines.append("")
    if report.get("cross_style"):
        lines += ["### Generalisation", "", *figures_markdown({"cross_style": report["cross_style"]})[3:], ""]
    lines += [
        "## Limits",
        "",
        "- Trained on text we wrote ourselves in many voices; real feedback can differ. The held-out",
        "  row is the best estimate of quality on unseen writers.",
        "- Reasons outside the taxonomy (discrimination, background checks) get no theme by design.",
        "- English only.",
        "",
        "Rebuild: `interview-analyzer train` (deterministic); measure: `interview-analyzer evaluate [--cross-style]`.",
    ]
    (models_dir / "MODEL_CARD.md").write_text("\n".join(lines) + "\n", encoding="utf-8")

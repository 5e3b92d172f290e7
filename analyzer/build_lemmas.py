"""Regenerate ``resources/lemmas.json`` from spacy-lookups-data (MIT), pruned to what we use.

Kept: every form whose lemma a cue or trigger pattern names, and every form that occurs in the
training corpus under ``data/raw/`` (never the held-out sets).
Run ``python -m analyzer.build_lemmas`` after changing patterns or data.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import tomllib
from importlib import resources
from pathlib import Path

from analyzer.patterns import pattern_lemmas

RESOURCES = Path(__file__).parent / "resources"
# The lookup table maps these to the wrong lemma for our purposes ("as" -> "a").
SKIP_FORMS = frozenset({"as", "us", "its", "data", "media"})


def _pattern_strings(obj: object) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, list):
        return [s for item in obj for s in _pattern_strings(item)]
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in _pattern_strings(v)]
    return []


def build(data_dir: Path) -> dict[str, str]:
    src = resources.files("spacy_lookups_data") / "data" / "en_lemma_lookup.json.gz"
    full: dict[str, str] = json.loads(gzip.decompress(src.read_bytes()))
    wanted_lemmas: set[str] = set()
    for name in ("cues.toml", "context.toml"):
        for p in _pattern_strings(tomllib.loads((RESOURCES / name).read_text("utf-8"))):
            wanted_lemmas |= pattern_lemmas(p)
    corpus_words: set[str] = set()
    for path in sorted(data_dir.rglob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                corpus_words.update(re.findall(r"[a-z']+", json.loads(line).get("text", "").lower()))
    table: dict[str, str] = {}
    for form, lemma in full.items():
        low, lem = form.lower(), lemma.lower()
        if low == lem or low in SKIP_FORMS:
            continue
        if lem in wanted_lemmas or low in corpus_words:
            table.setdefault(low, lem)
    return dict(sorted(table.items()))


def main() -> None:
    data_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("data/raw")
    table = build(data_dir)
    (RESOURCES / "lemmas.json").write_text(json.dumps(table, indent=0, sort_keys=True) + "\n", "utf-8")
    print(f"wrote {len(table)} forms to {RESOURCES / 'lemmas.json'}")


if __name__ == "__main__":
    main()

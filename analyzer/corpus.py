"""The labelled corpus under ``data/``: loading, validation and the frozen split rule."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from analyzer.errors import InputError
from analyzer.taxonomy import THEME_IDS

TEST_SHARE = 20  # percent; frozen before any tuning
DEV_SHARE = 15


@dataclass(frozen=True)
class Record:
    id: str
    author: str
    voice: str
    kind: str
    style: str
    text: str
    labels: dict[str, str]  # theme -> evidence
    traps: tuple[tuple[str, str], ...]  # (theme, type)
    strengths: tuple[str, ...]

    @property
    def split(self) -> str:
        return split_of(self.id)


def split_of(record_id: str) -> str:
    """test / dev / train from a hash of the id, so a record never moves between splits."""
    bucket = int(hashlib.sha256(record_id.encode("utf-8")).hexdigest(), 16) % 100
    if bucket < TEST_SHARE:
        return "test"
    return "dev" if bucket < TEST_SHARE + DEV_SHARE else "train"


def _record(obj: dict[str, object], where: str) -> Record:
    try:
        text = str(obj["text"])
        labels = {}
        for lab in obj.get("labels", []):  # type: ignore[attr-defined]
            theme, evidence = lab["theme"], lab["evidence"]
            if theme not in THEME_IDS:
                raise InputError(f"{where}: unknown theme {theme!r}")
            labels[theme] = evidence
        return Record(
            id=str(obj["id"]),
            author=str(obj["author"]),
            voice=str(obj["voice"]),
            kind=str(obj["kind"]),
            style=str(obj.get("style", "")),
            text=text,
            labels=labels,
            traps=tuple((t["theme"], t["type"]) for t in obj.get("traps", [])),  # type: ignore[attr-defined]
            strengths=tuple(obj.get("strengths", [])),  # type: ignore[arg-type]
        )
    except (KeyError, TypeError) as exc:
        raise InputError(f"{where}: not a corpus record ({exc})") from exc


def load_records(path: Path) -> list[Record]:
    """Every record in a ``.jsonl`` file or in the ``.jsonl`` files under a folder, by id."""
    files = [path] if path.is_file() else sorted(path.rglob("*.jsonl"))
    if not files:
        raise InputError(f"no .jsonl corpus files in {path}")
    records: dict[str, Record] = {}
    for f in files:
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{f}:{n}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{where}: malformed JSON ({exc.msg})") from exc
            rec = _record(obj, where)
            if rec.id in records:
                raise InputError(f"{where}: duplicate record id {rec.id!r}")
            records[rec.id] = rec
    return [records[k] for k in sorted(records)]

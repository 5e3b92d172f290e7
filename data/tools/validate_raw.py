"""Validate hand-written corpus files (data/raw/**/*.jsonl) against the corpus schema.

Usage: python data/tools/validate_raw.py [FILE_OR_DIR ...]
Prints one line per problem and a per-file summary; exit 1 if any problem.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

THEMES = {
    "nerves",
    "underprepared",
    "skills_gap",
    "experience_gap",
    "communication",
    "fit",
    "overqualified",
    "application_materials",
    "internal_candidate",
    "cost",
    "hiring_freeze",
    "competition",
    "no_feedback",
    "logistics",
}
TRAP_TYPES = {"negated", "dismissed", "hypothetical", "neutral"}
VOICES = {"employer", "candidate"}
KINDS = {"positive", "trap", "none"}


def check_record(rec: dict, where: str) -> list[str]:
    problems: list[str] = []
    for key in ("id", "author", "voice", "kind", "text", "labels"):
        if key not in rec:
            problems.append(f"{where}: missing key {key!r}")
    if problems:
        return problems
    text = rec["text"]
    if not isinstance(text, str) or not text.strip():
        problems.append(f"{where}: empty text")
        return problems
    if rec["voice"] not in VOICES:
        problems.append(f"{where}: voice must be one of {sorted(VOICES)}")
    if rec["kind"] not in KINDS:
        problems.append(f"{where}: kind must be one of {sorted(KINDS)}")
    words = len(text.split())
    if not 3 <= words <= 400:
        problems.append(f"{where}: {words} words (want 5-300)")
    seen = set()
    for lab in rec["labels"]:
        theme = lab.get("theme")
        if theme not in THEMES:
            problems.append(f"{where}: unknown theme {theme!r}")
        if theme in seen:
            problems.append(f"{where}: theme {theme!r} listed twice")
        seen.add(theme)
        ev = lab.get("evidence")
        if not isinstance(ev, str) or not ev or ev not in text:
            problems.append(f"{where}: evidence for {theme!r} is not an exact substring of text: {ev!r}")
    for s in rec.get("strengths", []):
        if not isinstance(s, str) or s not in text:
            problems.append(f"{where}: strength is not an exact substring of text: {s!r}")
    traps = rec.get("traps", [])
    for t in traps:
        if t.get("theme") not in THEMES:
            problems.append(f"{where}: trap theme {t.get('theme')!r} unknown")
        if t.get("type") not in TRAP_TYPES:
            problems.append(f"{where}: trap type {t.get('type')!r} not in {sorted(TRAP_TYPES)}")
        if t.get("theme") in seen:
            problems.append(f"{where}: theme {t.get('theme')!r} is both a label and a trap")
    if rec["kind"] == "trap" and not traps:
        problems.append(f"{where}: kind 'trap' needs a non-empty 'traps' list")
    if rec["kind"] == "none" and rec["labels"]:
        problems.append(f"{where}: kind 'none' must have no labels")
    if rec["kind"] == "positive" and not rec["labels"]:
        problems.append(f"{where}: kind 'positive' needs labels")
    return problems


def main(argv: list[str]) -> int:
    roots = [Path(a) for a in argv] or [Path(__file__).resolve().parents[1] / "raw"]
    files = sorted(p for r in roots for p in ([r] if r.is_file() else r.rglob("*.jsonl")))
    problems: list[str] = []
    ids: Counter[str] = Counter()
    theme_counts: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for f in files:
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{f}:{n}"
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                problems.append(f"{where}: bad JSON ({e})")
                continue
            problems += check_record(rec, where)
            ids[rec.get("id", "")] += 1
            kinds[rec.get("kind", "?")] += 1
            for lab in rec.get("labels", []):
                theme_counts[lab.get("theme", "?")] += 1
    problems += [f"duplicate id {i!r} ({c} times)" for i, c in ids.items() if c > 1]
    for p in problems:
        print(p)
    print(f"files={len(files)} records={sum(ids.values())} kinds={dict(kinds)}")
    print("labels per theme:", dict(sorted(theme_counts.items())))
    print(f"problems={len(problems)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

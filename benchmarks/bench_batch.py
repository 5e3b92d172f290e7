"""Batch throughput on generated notes, against a spaCy floor measured in the same run.

Writes N notes of 40 to 120 words to a JSONL file, then times, as whole processes:
- the floor: read the file, tokenise and sentence-split with spacy.blank("en") + sentencizer,
  write each note back as JSONL (with its sentence count);
- `interview-analyzer batch notes.jsonl -o out.jsonl --quiet`.
Prints notes/s, the ratio of the median times over alternating runs (target <= 3) and each
process's peak memory (flat memory: compare --notes 20000 with --notes 200000).

Usage: python benchmarks/bench_batch.py [--notes 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR = """
import json, sys, spacy
nlp = spacy.blank("en")
nlp.add_pipe("sentencizer")
src, dst = sys.argv[1], sys.argv[2]
with open(src, encoding="utf-8") as fin, open(dst, "w", encoding="utf-8") as fout:
    rows = (json.loads(line) for line in fin)
    def texts():
        for row in rows:
            yield row
    batch = []
    def flush(batch):
        for row, doc in zip(batch, nlp.pipe(r["text"] for r in batch)):
            row["sentences"] = sum(1 for _ in doc.sents)
            fout.write(json.dumps(row) + "\\n")
    for row in texts():
        batch.append(row)
        if len(batch) == 1000:
            flush(batch); batch = []
    flush(batch)
"""

OPENINGS = [
    "Phone screen with the recruiter this morning.",
    "Final round today, four interviews back to back.",
    "Dear Alex, thank you for your time last week.",
    "Quick notes before I forget.",
    "Feedback from the agency came through on Friday.",
    "Honestly not sure how that went.",
]
REASONS = [
    "My mind went blank when they asked about a difficult stakeholder and I never recovered.",
    "They said the other finalist had much more experience managing a team of that size.",
    "The role has been put on hold while the department is restructured.",
    "They went with someone who had been covering the job internally for months.",
    "My salary expectations were above what they had budgeted for the position.",
    "I had not looked at their latest product launch and it obviously showed.",
    "The panel felt my answers were long and lacked concrete examples.",
    "They need someone on site four days a week and I live two hours away.",
    "I never heard anything back despite two polite follow-up emails.",
    "The technical test covered SQL window functions and I could not finish it.",
]
FILLER = [
    "The office was bright and everyone was friendly enough.",
    "We talked about the team and the next quarter.",
    "They asked me about my current role and why I want to move.",
    "The building was hard to find and I was early.",
    "There were three people on the panel and one joined by video.",
    "I asked about training and the on-call rota.",
    "It lasted about an hour in the end.",
    "They explained the process and the timeline for a decision.",
]


def make_notes(n: int, path: Path) -> None:
    rng = random.Random(7)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            parts = [rng.choice(OPENINGS)]
            target = rng.randint(40, 120)
            reasons = rng.sample(REASONS, rng.randint(0, 2))
            while sum(len(p.split()) for p in parts) < target:
                parts.append(reasons.pop() if reasons and rng.random() < 0.4 else rng.choice(FILLER))
            fh.write(json.dumps({"id": i, "text": " ".join(parts)}) + "\n")


def run(cmd: list[str]) -> tuple[float, float]:
    """Wall time and peak RSS (MiB) of one child process (its own workers included)."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{cmd[0]} failed with status {status}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="alternate floor and batch runs; medians are compared")
    args = parser.parse_args()
    exe = shutil.which("interview-analyzer")
    tool = [exe] if exe else [sys.executable, "-m", "analyzer"]
    floors: list[float] = []
    wholes: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        notes = Path(tmp) / "notes.jsonl"
        make_notes(args.notes, notes)
        # Alternating the two and comparing medians keeps a shared machine's slow spells from
        # landing on one side only.
        for _ in range(max(1, args.repeat)):
            floor, floor_mem = run([sys.executable, "-c", FLOOR, str(notes), str(Path(tmp) / "floor.jsonl")])
            whole, whole_mem = run([*tool, "batch", str(notes), "-o", str(Path(tmp) / "out.jsonl"), "--quiet"])
            floors.append(floor)
            wholes.append(whole)
    floor, whole = statistics.median(floors), statistics.median(wholes)
    print(f"notes: {args.notes} (40-120 words each), {len(floors)} alternating runs, medians")
    print(f"floor (spaCy blank + sentencizer, JSONL in and out): {floor:.1f} s, {args.notes / floor:.0f} notes/s")
    print(f"interview-analyzer batch:                         {whole:.1f} s, {args.notes / whole:.0f} notes/s")
    per_run = ", ".join(f"{w / f:.2f}" for f, w in zip(floors, wholes, strict=True))
    print(f"ratio: {whole / floor:.2f} (target <= 3); per run: {per_run}")
    print(f"peak memory (max RSS, last run): floor {floor_mem:.0f} MiB, batch {whole_mem:.0f} MiB")


if __name__ == "__main__":
    main()

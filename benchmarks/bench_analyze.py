"""Whole-process cost of `interview-analyzer analyze` on one note vs `python -c "import spacy"`.

Target (analyzer-core issue): at most 2.5x. Prints the median of several runs of each.
Usage: python benchmarks/bench_analyze.py [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

NOTE = Path(__file__).resolve().parents[1] / "data" / "examples" / "rejection_email.txt"


def timed(cmd: list[str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    exe = shutil.which("interview-analyzer")
    analyze_cmd = [exe] if exe else [sys.executable, "-m", "analyzer"]
    analyze_cmd += ["analyze", "--json", "--file", str(NOTE)]
    subprocess.run(analyze_cmd, check=True, stdout=subprocess.DEVNULL)  # warm the OS file cache
    floor = timed([sys.executable, "-c", "import spacy"], args.runs)
    whole = timed(analyze_cmd, args.runs)
    print(f"import spacy:            {floor:.3f} s (median of {args.runs})")
    print(f"analyze one note (JSON): {whole:.3f} s (median of {args.runs})")
    print(f"ratio: {whole / floor:.2f} (target <= 2.5)")


if __name__ == "__main__":
    main()

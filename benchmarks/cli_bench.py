"""Speed of the CLI on the offline path (issue 2's targets: cold assess ≤ 1.0 s; ≥ 500 cases/s).

    .venv/bin/python benchmarks/cli_bench.py [--runs 10] [--cases 1000]

Cold = a new process each time, as a user runs it (the OS file cache is warm after the first).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [
    "We will clone the lead actor's voice for the French dub.",
    "Mood boards only, made with our enterprise Firefly licence, nothing in the final cut.",
    "On veut générer les affiches en arrière-plan du décor avec Midjourney.",
    "ChatGPT to summarise meeting notes; no personal data, no scripts.",
    "We'd like to de-age the lead in the flashbacks with a face swap tool, she has consented.",
    "Nous allons mettre la feuille de service dans un outil gratuit pour faire le planning.",
]


def command() -> list[str]:
    script = shutil.which("greenlight", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "assistant"]


def cold_start(runs: int) -> list[float]:
    times = []
    for i in range(runs):
        start = time.perf_counter()
        subprocess.run([*command(), "assess", "--json", SAMPLES[i % len(SAMPLES)]],
                       check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def throughput(cases: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cases.jsonl"
        with path.open("w") as out:
            for i in range(cases):
                out.write(json.dumps({"id": i, "text": f"{SAMPLES[i % len(SAMPLES)]} (case {i})"}) + "\n")
        start = time.perf_counter()
        result = subprocess.run([*command(), "assess", "--jsonl", str(path)], check=True, capture_output=True)
        elapsed = time.perf_counter() - start
    assert result.stdout.count(b"\n") == cases
    return elapsed, cases / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--cases", type=int, default=1000)
    args = parser.parse_args()
    os.environ.setdefault("GREENLIGHT_BACKEND", "offline")
    times = cold_start(args.runs)
    print(f"greenlight assess --json, cold ({args.runs} runs): median {statistics.median(times):.3f} s, "
          f"max {max(times):.3f} s  (target ≤ 1.0 s)")
    elapsed, rate = throughput(args.cases)
    print(f"greenlight assess --jsonl, {args.cases} cases: {elapsed:.2f} s, {rate:.0f} cases/s  (target ≥ 500)")


if __name__ == "__main__":
    main()

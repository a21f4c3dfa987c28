"""Intake speed: how long one turn of the conversation takes on the offline path.

    .venv/bin/python benchmarks/intake_bench.py            # prints a report
    .venv/bin/python benchmarks/intake_bench.py --check    # exit 1 if a p95 is >= 100 ms

A turn is `IntakeSession.send(message)`: mask secrets, read the message (offline extractor and
the answer vocabulary), merge, assess, compose the Markdown reply — and, in the second
measurement, write the turn to SQLite in one transaction (a temporary database, never the
repository's .greenlight/). The producers are the dialogues of evals/datasets/dialogues/
(first message, then answers to whatever is asked, as in the evaluation's "short" style), or a
built-in script when those files are absent. Questions about the guidance go through
retrieval and are measured by benchmarks/retrieval_bench.py, not here. Target (issue 6): p95
under 100 ms on the 2-core development machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

P95_TARGET_MS = 100.0
FALLBACK = [
    {"lang": "en", "first_message": "Mood boards only, made with our enterprise Firefly licence.", "facts": {}},
    {"lang": "en", "first_message": "We will clone the lead actor's voice for the French dub.", "facts": {}},
    {"lang": "fr", "first_message": "On fait des moodboards sur notre compte entreprise, rien dans le montage.", "facts": {}},
]
SHORT = {"en": {"yes": "yes", "no": "no", "unsure": "not sure"}, "fr": {"yes": "oui", "no": "non", "unsure": "je ne sais pas"}}


def dialogues() -> list[dict]:
    cases = []
    for split in ("dev", "test"):
        path = REPO / "evals" / "datasets" / "dialogues" / f"{split}.jsonl"
        if path.exists():
            cases += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return cases or FALLBACK


def play(case: dict, store) -> Iterator[float]:
    """Milliseconds of each turn of one dialogue, answered from its facts (unknown: "not sure")."""
    from assistant import IntakeSession

    lang = case.get("lang", "en")
    session = IntakeSession(lang=lang, store=store)
    message = case["first_message"]
    for _ in range(12):
        started = time.perf_counter()
        turn = session.send(message)
        yield (time.perf_counter() - started) * 1000
        if not turn.questions:
            return
        values = [case["facts"].get(q.fact) or "unsure" for q in turn.questions]
        words = [SHORT[lang][value] for value in values]
        message = words[0] if len(words) == 1 else " ".join(f"{i}. {w}" for i, w in enumerate(words, start=1))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summary(label: str, values: list[float]) -> str:
    return (f"{label:<28} n={len(values):<4} p50 {percentile(values, 0.50):6.1f} ms   "
            f"p95 {percentile(values, 0.95):6.1f} ms   max {max(values):6.1f} ms   mean {statistics.fmean(values):6.1f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over the dialogues (default 3)")
    parser.add_argument("--check", action="store_true", help=f"exit 1 if a p95 is >= {P95_TARGET_MS:.0f} ms")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="greenlight-bench-") as data:
        os.environ["GREENLIGHT_DATA_DIR"] = data
        os.environ.pop("GREENLIGHT_DB_URL", None)
        os.environ["GREENLIGHT_BACKEND"] = "offline"  # the offline path, whatever is configured
        from assistant._store import IntakeStore

        cases = dialogues()
        started = time.perf_counter()
        first = list(play(cases[0], None))  # cold: imports, knowledge files, pattern compilation
        cold_ms = (time.perf_counter() - started) * 1000
        memory: list[float] = []
        stored: list[float] = []
        store = IntakeStore.from_env()
        for _ in range(args.rounds):
            for case in cases:
                memory.extend(play(case, None))
                stored.extend(play(case, store))
        store.close()

    print(f"Intake turn latency, offline extractor ({len(cases)} dialogues × {args.rounds} rounds)")
    print(f"cold first dialogue ({len(first)} turns, incl. imports and knowledge loading): {cold_ms:.0f} ms")
    print(summary("turn, in memory", memory))
    print(summary("turn, saved to SQLite", stored))
    worst = max(percentile(memory, 0.95), percentile(stored, 0.95))
    verdict = "meets" if worst < P95_TARGET_MS else "MISSES"
    print(f"target p95 < {P95_TARGET_MS:.0f} ms: {verdict} ({worst:.1f} ms)")
    return 1 if args.check and worst >= P95_TARGET_MS else 0


if __name__ == "__main__":
    raise SystemExit(main())

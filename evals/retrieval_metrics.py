"""Retrieval metrics and the retrieval evaluation (issue 4).

Pure functions over ranked passage-id lists (recall@k, hit@k, reciprocal rank) and
`evaluate_retrieval(cases, mode, k)`, which runs `assistant.retrieve` on labelled cases and
returns the averages. The evaluation runner calls `evaluate_retrieval`; run this file to print
the three modes side by side:

    .venv/bin/python evals/retrieval_metrics.py              # dev and test, k=3
    .venv/bin/python evals/retrieval_metrics.py --split test --json

A case is one line of evals/datasets/retrieval/{dev,test}.jsonl:
{"id", "lang", "query", "relevant": [passage ids], "style"}.

Definitions (per case, then averaged over cases):
    recall@k  = |relevant ∩ top k| / |relevant|          (all answering passages count)
    hit@k     = 1 if any relevant id is in the top k      (a.k.a. success@k)
    MRR       = 1 / rank of the first relevant id in the full ranking (0 if none is ranked)

Tuning is done on dev only; test is measured, never tuned on.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

DATASETS = Path(__file__).resolve().parent / "datasets" / "retrieval"
MODES = ("embedding", "lexical", "hybrid")


def recall_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int) -> float:
    """Share of the relevant ids found in the first k of `ranked` (0.0 when nothing is relevant)."""
    wanted = set(relevant)
    if not wanted:
        return 0.0
    return len(wanted & set(ranked[:k])) / len(wanted)


def hit_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int) -> float:
    """1.0 when at least one relevant id is in the first k of `ranked`, else 0.0."""
    wanted = set(relevant)
    return 1.0 if any(item in wanted for item in ranked[:k]) else 0.0


def reciprocal_rank(ranked: Sequence[str], relevant: Iterable[str]) -> float:
    """1 / (1-based rank of the first relevant id in `ranked`), 0.0 when none is ranked."""
    wanted = set(relevant)
    for position, item in enumerate(ranked, start=1):
        if item in wanted:
            return 1.0 / position
    return 0.0


def summarise(rankings: Sequence[Sequence[str]], relevants: Sequence[Iterable[str]], k: int) -> dict[str, float]:
    """Mean recall@k, hit@k and MRR over paired ranked lists and relevant sets."""
    if len(rankings) != len(relevants):
        raise ValueError("rankings and relevants must pair up")
    n = len(rankings)
    if n == 0:
        return {"n": 0, f"recall@{k}": 0.0, f"hit@{k}": 0.0, "mrr": 0.0}
    relevants = [list(r) for r in relevants]
    return {
        "n": n,
        f"recall@{k}": sum(recall_at_k(r, rel, k) for r, rel in zip(rankings, relevants)) / n,
        f"hit@{k}": sum(hit_at_k(r, rel, k) for r, rel in zip(rankings, relevants)) / n,
        "mrr": sum(reciprocal_rank(r, rel) for r, rel in zip(rankings, relevants)) / n,
    }


def load_cases(split: str) -> list[dict[str, Any]]:
    """The labelled cases of one split ("dev" or "test")."""
    path = DATASETS / f"{split}.jsonl"
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def evaluate_retrieval(cases: Iterable[Mapping[str, Any]], mode: str = "hybrid", k: int = 3) -> dict[str, Any]:
    """Run `retrieve` on each case and score it.

    Args:
        cases: mappings with "query" and "relevant" (and optionally "id", "lang", "style").
        mode: "hybrid", "embedding" or "lexical".
        k: the cut-off for recall@k and hit@k (MRR uses the full ranking).

    Returns:
        {"mode", "k", "n", "recall@k", "hit@k", "mrr", "latency_ms_p50", "latency_ms_p95",
         "by_lang": {lang: metrics}, "by_style": {style: metrics},
         "misses": [cases whose top k holds no relevant id, with what was returned]}.
    """
    from assistant import retrieve

    cases = list(cases)
    rankings: list[list[str]] = []
    latencies: list[float] = []
    for case in cases:
        started = time.perf_counter()
        # Every passage, so that MRR sees the whole ranking (38 passages: cheap).
        found = retrieve(case["query"], k=1000, lang=case.get("lang"), mode=mode)  # type: ignore[arg-type]
        latencies.append((time.perf_counter() - started) * 1000)
        rankings.append([p.id for p in found])
    relevants = [case["relevant"] for case in cases]
    report: dict[str, Any] = {"mode": mode, "k": k, **summarise(rankings, relevants, k)}
    ordered = sorted(latencies)
    if ordered:
        report["latency_ms_p50"] = ordered[len(ordered) // 2]
        report["latency_ms_p95"] = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    for field in ("lang", "style"):
        groups: dict[str, list[int]] = {}
        for index, case in enumerate(cases):
            groups.setdefault(str(case.get(field, "?")), []).append(index)
        report[f"by_{field}"] = {
            name: summarise([rankings[i] for i in idx], [relevants[i] for i in idx], k) for name, idx in sorted(groups.items())
        }
    report["misses"] = [
        {"id": case.get("id"), "query": case["query"], "relevant": case["relevant"], "top": ranking[:k]}
        for case, ranking in zip(cases, rankings)
        if not hit_at_k(ranking, case["relevant"], k)
    ]
    return report


def _table(reports: list[dict[str, Any]], split: str, k: int) -> str:
    lines = [f"{split}: {reports[0]['n']} queries", f"  {'mode':<10} {f'recall@{k}':>9} {f'hit@{k}':>7} {'MRR':>6}   EN recall/MRR   FR recall/MRR"]
    for r in reports:
        en, fr = r["by_lang"].get("en", {}), r["by_lang"].get("fr", {})
        lines.append(
            f"  {r['mode']:<10} {r[f'recall@{k}']:>9.3f} {r[f'hit@{k}']:>7.3f} {r['mrr']:>6.3f}"
            f"   {en.get(f'recall@{k}', 0):.3f}/{en.get('mrr', 0):.3f}     {fr.get(f'recall@{k}', 0):.3f}/{fr.get('mrr', 0):.3f}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Retrieval evaluation: embedding-only, lexical-only and hybrid.")
    parser.add_argument("--split", choices=("dev", "test", "both"), default="both")
    parser.add_argument("-k", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the full reports as JSON")
    parser.add_argument("--misses", action="store_true", help="list the queries with no relevant passage in the top k")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    splits = ("dev", "test") if args.split == "both" else (args.split,)
    everything = {}
    for split in splits:
        cases = load_cases(split)
        reports = [evaluate_retrieval(cases, mode, args.k) for mode in MODES]
        everything[split] = reports
        if not args.json:
            print(_table(reports, split, args.k))
            if args.misses:
                for r in reports:
                    for miss in r["misses"]:
                        print(f"    miss [{r['mode']}] {miss['id']}: {miss['query'][:70]!r} want {miss['relevant']} got {miss['top']}")
    if args.json:
        print(json.dumps(everything, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

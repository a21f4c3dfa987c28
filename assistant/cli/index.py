"""`greenlight index`: rebuild the guideline index and show what it holds."""

from __future__ import annotations

import argparse
import json


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "index",
        help="rebuild the guideline retrieval index and show its stats",
        description="Rebuild the Chroma index of the guidance passages (English and French) and print what it "
        "holds. Retrieval rebuilds it by itself when the knowledge files change; use this after an upgrade, "
        "or to check the embedding model. Exit code 1 when the embedding model is unavailable "
        "(retrieval then runs on BM25 alone).",
    )
    parser.add_argument("--json", action="store_true", help="print the stats as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from .._retrieval._search import timed_build

    info, seconds = timed_build()
    if args.json:
        print(json.dumps({**info.to_dict(), "total_seconds": round(seconds, 3)}, ensure_ascii=False, indent=2))
    else:
        if info.embedder:
            print(f"Guideline index rebuilt: {info.entries} passage texts and {info.questions} questions embedded "
                  f"and stored in {info.build_seconds:.1f} s "
                  f"({seconds:.1f} s with model loading)")
        else:
            print("Guideline index: lexical only (no embedding model), nothing stored")
        rows = [
            ("passages", f"{info.passages} ({info.entries} texts: {', '.join(info.languages)})"),
            ("questions", f"{info.questions} (knowledge/guidance/questions.yaml)"),
            ("embedder", info.embedder or f"none — {info.fallback_reason}"),
            ("stored in", info.location or "— (BM25 is built in memory on each run)"),
            ("knowledge", f"sha256 {info.knowledge_sha256[:16]}…"),
        ]
        for label, value in rows:
            print(f"  {label:<10} {value}")
    # The reason was already logged to stderr when the model failed to load.
    return 0 if info.embedder else 1

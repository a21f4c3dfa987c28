"""`greenlight ask "QUESTION"`: the guidance passages that answer a question, with citations."""

from __future__ import annotations

import argparse
import json
import shutil
import textwrap

from ._io import read_text_argument


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {value!r}")
    return number


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ask",
        help="find the guidance passages that answer a question (English or French)",
        description="Retrieve the guidance passages that best answer QUESTION, best first, "
        "with their ids (cite them), titles and scores.",
    )
    parser.add_argument("question", metavar="QUESTION", help="the question, or '-' to read it from stdin")
    parser.add_argument("-k", "--top", dest="k", type=_positive, default=3, help="how many passages (default 3)")
    parser.add_argument("--lang", choices=["en", "fr"], help="language of the passages (default: the question's)")
    parser.add_argument(
        "--mode", choices=["hybrid", "embedding", "lexical"], default="hybrid", help="ranking (default hybrid)"
    )
    parser.add_argument("--brief", action="store_true", help="ids, titles and scores only, no passage text")
    parser.add_argument("--json", action="store_true", help="print a JSON list of passages")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from .._retrieval import index_info, retrieve

    question = read_text_argument(args.question)
    found = retrieve(question, args.k, lang=args.lang, mode=args.mode)
    if args.json:
        print(json.dumps([p.to_dict() for p in found], ensure_ascii=False, indent=2))
        return 0
    info = index_info()
    mode = args.mode if info.embedder or args.mode != "hybrid" else "lexical (embedding model unavailable)"
    width = min(100, shutil.get_terminal_size((100, 20)).columns)
    print(f"{len(found)} passage{'s' if len(found) != 1 else ''} for {question.strip()!r} — {mode}")
    for rank, p in enumerate(found, start=1):
        print()
        print(f"{rank}. [{p.id}] {p.title}")
        print(f"   {p.section} · {p.lang} · score {p.score:.3f}")
        if not args.brief:
            for paragraph in p.text.splitlines():
                print(textwrap.fill(paragraph, width=width, initial_indent="   ", subsequent_indent="   "))
    if not found:
        print("\nNo passage matches; try other words, or `greenlight policy --passages` for the full list.")
    return 0

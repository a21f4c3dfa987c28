"""`greenlight assess`: one description, or a JSONL file of them, to a verdict."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Iterator, TextIO

from .._errors import GreenlightError, InputError
from ._io import decode, read_text_argument


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "assess",
        help="assess a described GenAI use",
        description="Read a producer's description and say: low risk, approval required, or what is missing.",
        epilog='Examples:\n  greenlight assess "We will clone the lead actor\'s voice"\n'
        "  echo 'mood boards only' | greenlight assess - --json\n"
        "  greenlight assess --jsonl cases.jsonl > results.jsonl",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("text", nargs="?", help="the description, or - to read standard input")
    source.add_argument("--jsonl", type=Path, metavar="FILE",
                        help='read {"id", "text"} lines (- for stdin); write one JSON result per line')
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    parser.add_argument("--lang", choices=["en", "fr"], help="language of messages (default: the text's)")
    parser.add_argument("--backend", choices=["offline", "openai"],
                        help="extractor (default: GREENLIGHT_BACKEND, else offline)")
    parser.set_defaults(run=run)


def _read(text: str, lang: str | None, backend: str | None) -> tuple[Any, Any, Any]:
    """(extraction result, assessment) for one text, with the configured or chosen backend."""
    from .._assess import assess
    from .._extract import extract_with_details
    from .._lang import detect_lang

    extraction = extract_with_details(text, backend=backend)  # type: ignore[arg-type]
    assessment = assess(extraction.declaration, lang=lang or detect_lang(text))  # type: ignore[arg-type]
    return extraction, assessment, extraction.declaration


def _assess_one(text: str, lang: str | None, backend: str | None) -> dict[str, Any]:
    from .._render import result_json

    extraction, assessment, declaration = _read(text, lang, backend)
    return result_json(assessment, declaration, extractor=extraction.backend_description)


def run(args: argparse.Namespace) -> int:
    if args.jsonl is not None:
        return _run_jsonl(args)
    text = read_text_argument(args.text)
    if args.json:
        print(json.dumps(_assess_one(text, args.lang, args.backend), ensure_ascii=False))
        return 0
    from .._render import render_text

    extraction, assessment, declaration = _read(text, args.lang, args.backend)
    print(render_text(assessment, declaration, color=sys.stdout.isatty(), extractor=extraction.backend_description))
    return 0


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    stream = sys.stdin.buffer if str(path) == "-" else path.open("rb")
    with stream:
        yield from enumerate(stream, start=1)


def _run_jsonl(args: argparse.Namespace) -> int:
    """Each line is processed on its own: a bad line is reported by number and the rest go on."""
    if str(args.jsonl) != "-" and not args.jsonl.is_file():
        raise InputError(f"{args.jsonl}: no such file; pass a JSONL file of {{\"id\", \"text\"}} lines")
    out: TextIO = sys.stdout
    failures = 0
    for number, raw in _lines(args.jsonl):
        if not raw.strip():
            continue
        case_id: Any = None
        try:
            line = decode(raw, f"line {number}")
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"line {number}: not valid JSON ({exc.msg} at column {exc.colno})",
                                 code="jsonl-invalid") from None
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise InputError(f'line {number}: expected an object with a "text" string', code="jsonl-invalid")
            case_id = record.get("id", number)
            result = {"id": case_id, **_assess_one(record["text"], args.lang, args.backend)}
        except GreenlightError as exc:
            failures += 1
            message = str(exc) if str(exc).startswith(f"line {number}") else f"line {number}: {exc}"
            print(f"greenlight: {message}", file=sys.stderr)
            result = {"id": case_id, "line": number, "error": {"code": exc.code, "message": message}}
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    if failures:
        print(f"greenlight: {failures} line(s) failed; the others were assessed", file=sys.stderr)
    return 1 if failures else 0

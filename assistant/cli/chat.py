"""`greenlight chat`: the intake conversation in the terminal (the chat page's twin).

Type a description, answer the questions; commands start with a slash:

    /json              the intake as JSON (decision, declaration, reasons, questions, …)
    /export [FILE]     the Markdown summary for the Netflix contact (to FILE, else printed)
    /new               start a new intake
    /list              saved intakes;  /open ID  reopens one
    /quit              leave (also Ctrl-D)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

HELP = """Commands: /json  /export [FILE]  /new  /list  /open ID  /help  /quit"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "chat",
        help="describe a GenAI use and answer Greenlight's questions, in the terminal",
        description="The intake conversation of the chat page, in the terminal. " + HELP,
        epilog="Examples:\n  greenlight chat\n  greenlight chat --lang fr\n"
        "  printf 'Mood boards on our enterprise Firefly\\nnone of those\\n/json\\n' | greenlight chat --no-save",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--lang", choices=["en", "fr"], help="language to start in (default: your first message's)")
    parser.add_argument("--backend", choices=["offline", "openai"],
                        help="extractor (default: GREENLIGHT_BACKEND, else offline)")
    parser.add_argument("--open", metavar="ID", dest="intake_id", help="reopen a saved intake")
    parser.add_argument("--no-save", action="store_true", help="do not save the intake (default: saved, like the page)")
    parser.set_defaults(run=run)


def _print(text: str, out: TextIO) -> None:
    out.write(text.rstrip() + "\n\n")
    out.flush()


def run(args: argparse.Namespace) -> int:
    from .._errors import GreenlightError, InputError
    from .._intake import IntakeSession

    store = None
    if not args.no_save:
        from .._store import IntakeStore

        store = IntakeStore.from_env()
    session = store.load(args.intake_id) if (store and args.intake_id) else IntakeSession(
        lang=args.lang, backend=args.backend, store=store)
    out = sys.stdout
    interactive = sys.stdin.isatty()
    where = f"saved to {store.location}" if store else "not saved"
    _print(f"Greenlight — intake {session.id} ({session.extractor.describe(session.lang)}; {where}). "
           f"Describe the intended GenAI use. {HELP}", out)
    for message in session.messages:
        _print(("you> " if message["role"] == "user" else "") + message["content"], out)
    while True:
        try:
            line = input("you> " if interactive else "")
        except EOFError:
            break
        text = line.strip()
        if not text:
            continue
        if not interactive:
            out.write(f"you> {text}\n")
        if text.startswith("/"):
            command, _, argument = text.partition(" ")
            command = command.lower()
            if command in ("/quit", "/exit", "/q"):
                break
            if command == "/help":
                _print(HELP, out)
            elif command == "/json":
                _print(json.dumps(session.to_json(), ensure_ascii=False, indent=2), out)
            elif command == "/export":
                summary = session.to_markdown()
                if argument.strip():
                    path = Path(argument.strip()).expanduser()
                    path.write_text(summary, encoding="utf-8")
                    _print(f"Summary written to {path}", out)
                else:
                    _print(summary, out)
            elif command == "/new":
                session = IntakeSession(lang=args.lang, backend=args.backend, store=store)
                _print(f"New intake {session.id}. Describe the intended GenAI use.", out)
            elif command == "/list":
                if store is None:
                    _print("Intakes are not saved in this chat (--no-save).", out)
                else:
                    rows = store.list_intakes(20)
                    _print("\n".join(f"{r.id}  {r.decision:<17} {r.turns:>2} turns  {r.title[:60]}" for r in rows)
                           or "No saved intake yet.", out)
            elif command == "/open":
                if store is None or not argument.strip():
                    _print("Usage: /open ID (see /list); intakes are saved unless --no-save.", out)
                else:
                    try:
                        session = store.load(argument.strip())
                    except GreenlightError as exc:
                        _print(f"greenlight: {exc}", out)
                        continue
                    for message in session.messages:
                        _print(("you> " if message["role"] == "user" else "") + message["content"], out)
            else:
                _print(f"Unknown command {command}. {HELP}", out)
            continue
        try:
            turn = session.send(text)
        except InputError as exc:
            _print(f"greenlight: {exc}", out)
            continue
        _print(turn.reply, out)
    return 0

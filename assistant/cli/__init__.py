"""The `greenlight` command line.

Each subcommand lives in its own module of this package, exposing `add_parser(subparsers)`;
modules are imported only when needed so that `greenlight assess` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from .._errors import GreenlightError

# subcommand → module in this package (each registers its own arguments)
SUBCOMMANDS: dict[str, str] = {
    "assess": "assess",
    "schema": "schema",
    "policy": "policy",
    "index": "index",
    "ask": "ask",
    "eval": "eval",
    "chat": "chat",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="greenlight",
        description="Is this GenAI use low risk, or does it need written approval first — and why?",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module in SUBCOMMANDS.items():
        if only is None or only == name:
            importlib.import_module(f".{module}", __name__).add_parser(subparsers)
        else:
            # Listed in --help without importing the module (keeps start-up fast).
            subparsers.add_parser(name, help=f"see `greenlight {name} --help`")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code (0 ok, 1 runtime error, 2 usage error)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((arg for arg in argv if not arg.startswith("-")), None)
    parser = build_parser(command if command in SUBCOMMANDS else None)
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except GreenlightError as exc:
        print(f"greenlight: error [{exc.code}]: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0

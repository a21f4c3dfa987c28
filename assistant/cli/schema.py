"""`greenlight schema`: the declaration's JSON Schema."""

from __future__ import annotations

import argparse
import json


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("schema", help="print the usage declaration's JSON Schema")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from .._declaration import UsageDeclaration

    print(json.dumps(UsageDeclaration.model_json_schema(), indent=2, ensure_ascii=False))
    return 0

"""`greenlight policy`: the rules, their conditions and citations."""

from __future__ import annotations

import argparse
import json


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("policy", help="list the policy's rules (or the guidance passages)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--lang", choices=["en", "fr"], default="en")
    parser.add_argument("--passages", action="store_true", help="list the guidance passages that rules cite")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from .._knowledge import passages
    from .._policy import load_policy

    if args.passages:
        items = passages(args.lang)
        if args.json:
            print(json.dumps([vars(p) for p in items], ensure_ascii=False, indent=2))
        else:
            for item in items:
                print(f"{item.id:<32} {item.section:<5} {item.title}")
        return 0
    policy = load_policy()
    if args.json:
        rules = [
            {
                "id": rule.id,
                "effect": rule.effect,
                "when": {name: sorted(values) for name, values in rule.when.items()},
                "message": rule.message[args.lang],
                "citations": list(rule.citations),
                "follow_up": list(rule.follow_up),
            }
            for rule in policy.rules
        ]
        print(json.dumps({"version": policy.version, "path": str(policy.path), "rules": rules},
                         ensure_ascii=False, indent=2))
        return 0
    print(f"policy {policy.version} — {policy.path}")
    for rule in policy.rules:
        condition = " and ".join(f"{name} ∈ {{{', '.join(sorted(values))}}}" for name, values in rule.when.items())
        if len(rule.when) > 2:
            condition = f"all of: {condition}"
        print(f"\n{rule.id}  →  {rule.effect.upper()}")
        print(f"  when  {condition}")
        print(f"  says  {rule.message[args.lang]}")
        print(f"  cites {', '.join(rule.citations)}")
    return 0

"""`greenlight eval`: run the evaluation suites, print the numbers, write a report folder."""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
from pathlib import Path

SUITES = ("single", "dialogues", "retrieval")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="measure Greenlight on the evaluation datasets",
        description="Run the evaluation suites on evals/datasets/, print a summary and write a report "
        "folder (report.json, report.html). Thresholds: evals/thresholds.toml.",
        epilog="Examples:\n"
        "  greenlight eval                              every suite, offline backend, test split\n"
        "  greenlight eval single --split dev           single messages on the dev split\n"
        "  greenlight eval --backend openai --report /tmp/llm-run\n"
        "  greenlight eval --compare evals/reports/A evals/reports/B",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("suites", nargs="*", metavar="SUITE",
                        help=f"suites to run: {', '.join(SUITES)} (default: all)")
    parser.add_argument("--backend", choices=["offline", "openai"], default="offline",
                        help="extractor to measure (default: offline)")
    parser.add_argument("--split", choices=["dev", "test", "all"], default="test",
                        help="dataset split (default: test; tune on dev only)")
    parser.add_argument("--report", type=Path, metavar="DIR",
                        help="report folder (default: evals/reports/<timestamp>/)")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("REPORT_A", "REPORT_B"),
                        help="show what changed between two reports (report.json files or their folders); runs nothing")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a threshold of evals/thresholds.toml is not met")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from .._errors import InputError

    unknown = [s for s in args.suites if s not in SUITES]
    if unknown:
        raise InputError(f"unknown suite(s) {', '.join(unknown)}; choose from {', '.join(SUITES)}", code="eval-suite-unknown")
    if args.compare:
        return _compare(*args.compare)
    from .._evals import render_terminal, run_eval, write_report
    from .._evals.runner import evals_dir

    report = run_eval(args.suites or SUITES, split=args.split, backend=args.backend,
                      progress=False if args.no_progress else None,
                      log=lambda line: print(line, file=sys.stderr))
    directory = args.report or evals_dir() / "reports" / _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    write_report(report, directory)
    print(render_terminal(report, directory))
    if args.check and any(check["passed"] is False for check in report["gate"]):
        return 1
    return 0


def _compare(path_a: Path, path_b: Path) -> int:
    from .._errors import InputError
    from .._evals import compare, load_report, render_compare

    reports = []
    for path in (path_a, path_b):
        try:
            reports.append(load_report(path))
        except FileNotFoundError:
            raise InputError(f"{path}: no report.json there; pass a report folder or its report.json",
                             code="eval-report-missing") from None
        except ValueError as exc:
            raise InputError(f"{path}: not a report.json ({exc})", code="eval-report-invalid") from None
    print(render_compare(compare(*reports), str(path_a), str(path_b)))
    return 0

"""Greenlight's evaluations: run the suites of evals/datasets/ and report the numbers.

    greenlight eval                                 # every suite, offline backend, test split
    greenlight eval single --split dev --report /tmp/r
    greenlight eval --compare evals/reports/A evals/reports/B

Modules: runner (run_eval, the gate checks), metrics (the arithmetic, pure), simulator (the
simulated producer of the dialogue suite), report (terminal text, report.json/.html,
comparison), progress (the progress bar). The datasets stay in evals/datasets/, the
thresholds in evals/thresholds.toml; both are found through `runner.evals_dir()`.
"""

from __future__ import annotations

from .report import compare, load_report, render_compare, render_html, render_terminal, write_report
from .runner import SUITES, gate_checks, load_thresholds, run_eval

__all__ = [
    "SUITES",
    "compare",
    "gate_checks",
    "load_report",
    "load_thresholds",
    "render_compare",
    "render_html",
    "render_terminal",
    "run_eval",
    "write_report",
]

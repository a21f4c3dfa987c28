"""The evaluation gate: the offline backend on the TEST split meets evals/thresholds.toml.

One run of every suite (`greenlight eval --split test --backend offline`) per session; its
report is written to tests/artifacts/eval-gate/ (report.html) so that a failure can be read.
A suite that cannot run here (e.g. retrieval without its extra) skips its checks and says
why; the single-message suite must run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import FACT_NAMES
from assistant._evals import load_thresholds, run_eval, write_report

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "eval-gate"


@pytest.fixture(scope="module")
def report():
    result = run_eval(split="test", backend="offline", progress=False)
    write_report(result, ARTIFACTS)
    return result


@pytest.fixture(scope="module")
def thresholds():
    return load_thresholds()


def _suite(report, name):
    result = report["suites"][name]
    if result["status"] != "ok":
        if name == "single":
            pytest.fail(f"the single-message suite did not run: {result['reason']}")
        pytest.skip(f"{name} suite skipped: {result['reason']}")
    return result


def _describe(critical):
    return "\n".join(
        f"  {c['id']}: gold {c['gold_decision']}, predicted {c['decision']}: \"{c['excerpt'][:100]}\"; "
        + "; ".join(f"{d['fact']} gold {d['gold']} read {d['predicted']}" for d in c["fact_errors"])
        for c in critical
    )


def test_single_messages_have_no_critical_error(report, thresholds):
    critical = _suite(report, "single")["critical_errors"]
    assert len(critical) <= thresholds["critical_errors"], (
        f"{len(critical)} false low-risk decision(s) on single messages (see {ARTIFACTS}/report.html):\n{_describe(critical)}"
    )


def test_single_message_decision_accuracy(report, thresholds):
    single = _suite(report, "single")
    accuracy = single["decision"]["accuracy"]
    assert accuracy >= thresholds["decision_accuracy"], (
        f"decision accuracy {accuracy:.3f} ({single['decision']['correct']}/{single['n']}) is below "
        f"{thresholds['decision_accuracy']}; confusion (gold → predicted): {single['decision']['confusion']}"
    )


def test_every_fact_has_an_f1(report):
    facts = _suite(report, "single")["facts"]
    missing = [fact for fact in FACT_NAMES if facts.get(fact, {}).get("macro_f1") is None]
    assert not missing, f"no F1 for {missing}: the test split never states them and the extractor never reads them"


def test_dialogue_success_rate(report, thresholds):
    dialogues = _suite(report, "dialogues")
    assert dialogues["success_rate"] >= thresholds["dialogue_success_rate"], (
        f"dialogue success rate {dialogues['success_rate']:.3f} ({dialogues['successes']}/{dialogues['n']}) is below "
        f"{thresholds['dialogue_success_rate']}; failed: {', '.join(dialogues['failures'])}"
    )


def test_dialogues_have_no_critical_error(report, thresholds):
    critical = _suite(report, "dialogues")["critical_errors"]
    assert len(critical) <= thresholds["critical_errors"], (
        f"{len(critical)} dialogue(s) ended low risk against the gold decision:\n{_describe(critical)}"
    )


@pytest.mark.parametrize("metric, key", [("retrieval_recall_at_3", "recall@3"), ("retrieval_mrr", "mrr")])
def test_retrieval(report, thresholds, metric, key):
    mode = thresholds.get("retrieval_mode", "hybrid")
    scores = _suite(report, "retrieval")["modes"][mode]
    if scores["status"] != "ok":
        pytest.skip(f"retrieval mode {mode} skipped: {scores['reason']}")
    assert scores[key] >= thresholds[metric], f"{mode} {key} {scores[key]:.3f} is below {thresholds[metric]}"

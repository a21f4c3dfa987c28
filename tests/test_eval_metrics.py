"""The evaluation's arithmetic on tiny inputs whose answers are worked out by hand here."""

from __future__ import annotations

import pytest

from assistant._evals import metrics
from assistant._evals.report import compare
from assistant._evals.runner import fact_differences, gate_checks

FACTS = ("a", "b")


def test_fact_scores_count_each_kind_of_error():
    # Fact "a" over five cases:
    #   1 gold yes,    read yes   → tp(yes)
    #   2 gold yes,    read no    → fn(yes), fp(no)
    #   3 gold no,     read no    → tp(no)
    #   4 gold None,   read yes   → fp(yes)   (a value read for an unstated fact)
    #   5 gold unsure, read None  → fn(unsure) (stated and not read)
    # yes:    tp 1, fp 1, fn 1 → P 1/2, R 1/2, F1 2/(2+1+1) = 0.5
    # no:     tp 1, fp 1, fn 0 → P 1/2, R 1,   F1 2/(2+1)   = 2/3
    # unsure: tp 0, fp 0, fn 1 → P undefined, R 0, F1 0
    # macro F1 = (0.5 + 2/3 + 0) / 3 = 7/18
    pairs = [
        ({"a": "yes"}, {"a": "yes"}),
        ({"a": "yes"}, {"a": "no"}),
        ({"a": "no"}, {"a": "no"}),
        ({}, {"a": "yes"}),
        ({"a": "unsure"}, {"a": None}),
    ]
    scores = metrics.fact_scores(pairs, FACTS)["a"]
    yes, no, unsure = (scores["values"][v] for v in ("yes", "no", "unsure"))
    assert (yes["tp"], yes["fp"], yes["fn"]) == (1, 1, 1)
    assert yes["precision"] == 0.5 and yes["recall"] == 0.5 and yes["f1"] == 0.5
    assert (no["tp"], no["fp"], no["fn"]) == (1, 1, 0)
    assert no["precision"] == 0.5 and no["recall"] == 1.0 and no["f1"] == pytest.approx(2 / 3)
    assert (unsure["tp"], unsure["fp"], unsure["fn"]) == (0, 0, 1)
    assert unsure["precision"] is None and unsure["recall"] == 0.0 and unsure["f1"] == 0.0
    assert scores["macro_f1"] == pytest.approx(7 / 18)
    assert scores["stated"] == 4 and scores["predicted"] == 4 and scores["exact"] == 2


def test_a_value_that_never_occurs_is_left_out_of_the_macro_f1():
    # Fact "b": one case gold no, read no → no: F1 1; yes and unsure never occur (undefined).
    scores = metrics.fact_scores([({"b": "no"}, {"b": "no"}), ({}, {})], FACTS)
    assert scores["b"]["values"]["yes"]["f1"] is None
    assert scores["b"]["macro_f1"] == 1.0
    # Fact "a" is never stated nor read: no F1 at all, reported as None (not as 0 or 1).
    assert scores["a"]["macro_f1"] is None


def test_fact_scores_refuse_an_unknown_value():
    with pytest.raises(ValueError, match="maybe"):
        metrics.fact_scores([({"a": "maybe"}, {})], FACTS)


def test_confusion_matrix_and_accuracy():
    pairs = [
        ("low_risk", "low_risk"),
        ("approval_required", "approval_required"),
        ("approval_required", "low_risk"),  # critical
        ("needs_info", "approval_required"),
        ("needs_info", "error"),
    ]
    labels, matrix = metrics.confusion_matrix(pairs)
    assert labels == ["low_risk", "approval_required", "needs_info", "error"]
    assert matrix["approval_required"] == {"low_risk": 1, "approval_required": 1, "needs_info": 0, "error": 0}
    assert matrix["needs_info"]["error"] == 1 and matrix["low_risk"]["low_risk"] == 1
    assert sum(sum(row.values()) for row in matrix.values()) == 5
    assert metrics.accuracy(pairs) == 2 / 5
    assert metrics.accuracy([]) is None
    assert [metrics.is_critical(g, p) for g, p in pairs] == [False, False, True, False, False]
    assert metrics.is_critical("needs_info", "low_risk")


def test_nearest_rank_percentiles():
    # Four values: p50 → ceil(0.5·4) = 2nd smallest; p95 → ceil(3.8) = 4th.
    assert metrics.percentile([40, 10, 30, 20], 50) == 20
    assert metrics.percentile([40, 10, 30, 20], 95) == 40
    # Twenty values 1..20: p95 → ceil(19) = 19th; p50 → 10th.
    values = list(range(1, 21))
    assert metrics.percentile(values, 95) == 19 and metrics.percentile(values, 50) == 10
    assert metrics.percentile([], 50) is None
    assert metrics.latency_summary([1.0, 3.0]) == {"p50": 1.0, "p95": 3.0, "mean": 2.0, "max": 3.0}
    with pytest.raises(ValueError):
        metrics.percentile([1], 0)


def test_group_accuracy_counts_a_case_in_each_of_its_tags():
    cases = [
        {"gold_decision": "low_risk", "decision": "low_risk", "tags": ["negation", "typo"], "lang": "en"},
        {"gold_decision": "needs_info", "decision": "approval_required", "tags": ["negation"], "lang": "fr"},
    ]
    assert metrics.group_accuracy(cases, "tags") == {
        "negation": {"n": 2, "correct": 1, "accuracy": 0.5},
        "typo": {"n": 1, "correct": 1, "accuracy": 1.0},
    }
    assert metrics.group_accuracy(cases, "lang")["fr"]["accuracy"] == 0.0


def test_fact_differences():
    assert fact_differences({"a": "yes", "b": "no"}, {"a": "yes", "b": None}, FACTS) == [
        {"fact": "b", "gold": "no", "predicted": None}
    ]


def _report(decisions: dict[str, str], critical: list[str], f1: float, accuracy: float) -> dict:
    from assistant import FACT_NAMES

    cases = [{"id": i, "gold_decision": "approval_required", "decision": d, "gold_facts": {}, "facts": {}} for i, d in decisions.items()]
    facts = {f: {"macro_f1": f1} for f in FACT_NAMES}
    return {
        "meta": {"split": "test", "created": "now", "backend": "offline"},
        "suites": {"single": {"status": "ok", "cases": cases, "critical_errors": [{"id": i} for i in critical],
                              "decision": {"accuracy": accuracy}, "facts": facts,
                              }},
    }


def test_compare_lists_changed_decisions_and_new_and_fixed_critical_errors():
    before = _report({"x": "low_risk", "y": "approval_required", "z": "needs_info"}, ["x"], 0.5, 1 / 3)
    after = _report({"x": "approval_required", "y": "low_risk", "z": "needs_info"}, ["y"], 0.75, 1 / 3)
    diff = compare(before, after)["single"]
    assert diff["decisions_changed"] == [
        {"id": "x", "gold": "approval_required", "before": "low_risk", "after": "approval_required"},
        {"id": "y", "gold": "approval_required", "before": "approval_required", "after": "low_risk"},
    ]
    assert diff["new_critical"] == ["y"] and diff["fixed_critical"] == ["x"]
    assert diff["facts"]["final_deliverable"] == (0.5, 0.75)


def test_gate_checks_against_thresholds():
    report = _report({"x": "approval_required"}, [], 0.5, 0.95)
    thresholds = {"decision_accuracy": 0.9, "critical_errors": 0, "dialogue_success_rate": 0.9,
                  "retrieval_recall_at_3": 0.9, "retrieval_mrr": 0.8}
    checks = {(c["suite"], c["name"]): c for c in gate_checks(report, thresholds)}
    assert checks[("single", "decision_accuracy")]["passed"] is True
    assert checks[("single", "critical_errors")]["passed"] is True
    assert checks[("single", "every_fact_f1_reported")]["passed"] is True
    # A suite that was not asked for has no check; a skipped one is neither passed nor failed.
    assert ("retrieval", "retrieval_mrr") not in checks
    report["suites"]["dialogues"] = {"status": "skipped", "reason": "no intake"}
    checks = {(c["suite"], c["name"]): c for c in gate_checks(report, thresholds)}
    assert checks[("dialogues", "dialogue_success_rate")]["passed"] is None
    assert checks[("dialogues", "dialogue_success_rate")]["detail"] == "no intake"
    report["suites"]["single"]["critical_errors"] = [{"id": "x"}]
    report["suites"]["single"]["decision"]["accuracy"] = 0.89
    report["suites"]["single"]["facts"]["talent_consent"]["macro_f1"] = None
    checks = {(c["suite"], c["name"]): c for c in gate_checks(report, thresholds)}
    assert checks[("single", "critical_errors")]["passed"] is False and checks[("single", "critical_errors")]["detail"] == "x"
    assert checks[("single", "decision_accuracy")]["passed"] is False
    assert checks[("single", "every_fact_f1_reported")]["detail"] == "no F1 for: talent_consent"


# --- the simulated producer ----------------------------------------------------------------------

from types import SimpleNamespace  # noqa: E402

from assistant._evals.simulator import MAX_TURNS, answer, play  # noqa: E402


def test_short_answers_in_each_language():
    truth = {"final_deliverable": "yes", "personal_data": "no", "talent_likeness": "unsure"}
    assert answer(["final_deliverable"], truth, "en", "short") == "yes"
    assert answer(["final_deliverable", "personal_data", "talent_likeness"], truth, "en", "short") == "1. yes 2. no 3. not sure"
    assert answer(["personal_data", "talent_likeness"], truth, "fr", "unsure") == "1. non 2. je ne sais pas"


def test_none_of_those_only_when_every_asked_fact_is_no():
    truth = {"personal_data": "no", "proprietary_material": "no", "final_deliverable": "yes"}
    assert answer(["personal_data", "proprietary_material"], truth, "en", "none-of-those") == "none of those"
    assert answer(["personal_data", "proprietary_material"], truth, "fr", "none-of-those") == "aucun de ceux-là"
    assert answer(["personal_data", "final_deliverable"], truth, "en", "none-of-those") == "1. no 2. yes"
    # Other styles say "no" to each.
    assert answer(["personal_data", "proprietary_material"], truth, "en", "short") == "1. no 2. no"


def test_verbose_answers_are_a_sentence_per_fact_starting_with_the_answer():
    truth = {"personal_data": "no", "enterprise_environment": "yes"}
    text = answer(["personal_data", "enterprise_environment"], truth, "en", "verbose")
    first, second = text.split("\n")
    assert first.startswith("1. No, ") and second.startswith("2. Yes, ")


def test_a_fact_missing_from_the_gold_is_answered_not_sure():
    assert answer(["talent_consent"], {}, "en", "short") == "not sure"


class FakeSession:
    """Asks `script[i]` after the i-th message; records what it was sent."""

    def __init__(self, script, lang="en"):
        self.script, self.lang, self.received = list(script), lang, []
        self.declaration = SimpleNamespace(values=lambda: {"final_deliverable": "no", "personal_data": None})

    def send(self, text):
        self.received.append(text)
        asked = self.script[len(self.received) - 1] if len(self.received) <= len(self.script) else []
        return SimpleNamespace(decision="needs_info" if asked else "low_risk",
                               questions=[SimpleNamespace(fact=f, text=f"{f}?") for f in asked])


def test_play_answers_then_sends_the_correction_after_its_turn_then_stops():
    made = []

    def factory(lang):
        made.append(FakeSession([["personal_data"], ["final_deliverable", "personal_data"], []], lang))
        return made[-1]

    case = {"id": "d", "lang": "en", "style": "short", "first_message": "hello",
            "facts": {"personal_data": "no", "final_deliverable": "no"},
            "corrections": [{"after_turn": 2, "text": "actually, mood boards only", "fact": "final_deliverable", "value": "no"}],
            "decision": "low_risk"}
    played = play(case, session_factory=factory)
    # 1 first message, 2 answer "no", 3 the correction (due after turn 2, sent before answering);
    # then nothing is asked: done.
    assert made[0].received == ["hello", "no", "actually, mood boards only"]
    assert played["turns"] == 3 and played["stop"] == "done" and played["decision"] == "low_risk"
    assert played["facts"] == {"final_deliverable": "no"}
    assert len(played["transcript"]) == 6 and len(played["turn_latency_ms"]) == 3


def test_play_sends_a_pending_correction_before_ending_and_stops_after_max_turns():
    made = []
    case = {"id": "d", "lang": "fr", "style": "short", "first_message": "bonjour", "facts": {"personal_data": "yes"},
            "corrections": [{"after_turn": 5, "text": "en fait si", "fact": "personal_data", "value": "yes"}],
            "decision": "approval_required"}
    played = play(case, session_factory=lambda lang: made.append(FakeSession([[]], lang)) or made[-1])
    assert made[0].received == ["bonjour", "en fait si"] and played["turns"] == 2
    forever = [["personal_data"]] * 50
    played = play(case, session_factory=lambda lang: FakeSession(forever, lang))
    assert played["turns"] == MAX_TURNS and played["stop"] == "max-turns"


# --- measuring a model: an endpoint failure is an error, not the offline fallback's answer -------

def test_openai_backend_failures_are_recorded_as_errors(monkeypatch) -> None:
    from llm_server import FakeOpenAI, answer, error

    from assistant._evals.progress import Progress
    from assistant._evals.runner import run_single

    server = FakeOpenAI().start()
    try:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("GREENLIGHT_LLM_RETRIES", "0")
        monkeypatch.setenv("GREENLIGHT_STRUCTURED_OUTPUT", "json_schema")
        server.enqueue(answer({"talent_likeness": ("yes", "clone the lead actor's voice")}),
                       error(503, "overloaded"))
        cases = [
            {"id": "ok", "split": "dev", "lang": "en", "text": "We will clone the lead actor's voice.",
             "facts": {"talent_likeness": "yes"}, "decision": "approval_required"},
            {"id": "down", "split": "dev", "lang": "en", "text": "We will clone the lead actor's voice.",
             "facts": {"talent_likeness": "yes"}, "decision": "approval_required"},
        ]
        result = run_single(cases, "openai", Progress(2, "single", enabled=False))
    finally:
        server.stop()
    by_id = {case["id"]: case for case in result["cases"]}
    assert by_id["ok"]["decision"] == "approval_required" and by_id["ok"]["error"] is None
    assert by_id["down"]["decision"] == metrics.ERROR
    assert [e["id"] for e in result["errors"]] == ["down"]


def test_targets_are_reported_beside_the_gate(tmp_path):
    from assistant._evals.runner import load_thresholds

    path = tmp_path / "thresholds.toml"
    path.write_text("[gate]\ndecision_accuracy = 0.8\ncritical_errors = 0\n"
                    "dialogue_success_rate = 0.9\nretrieval_recall_at_3 = 0.7\nretrieval_mrr = 0.8\n"
                    "[target]\ndecision_accuracy = 0.9\n")
    thresholds = load_thresholds(path)
    assert thresholds["decision_accuracy"] == 0.8 and thresholds["target"] == {"decision_accuracy": 0.9}
    report = _report({"x": "approval_required"}, [], 0.5, 0.95)
    report["suites"]["single"]["decision"]["accuracy"] = 0.85
    check = next(c for c in gate_checks(report, thresholds) if c["name"] == "decision_accuracy")
    assert (check["passed"], check["target"], check["target_met"]) == (True, 0.9, False)
    report["suites"]["single"]["decision"]["accuracy"] = 0.95
    check = next(c for c in gate_checks(report, thresholds) if c["name"] == "decision_accuracy")
    assert check["target_met"] is True

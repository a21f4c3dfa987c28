"""The policy, proved rather than sampled.

- every scenario file under tests/scenarios/<OUTCOME>/ gets its decision AND its rule ids;
- every rule is hit by some scenario, and every citation resolves in both languages;
- every rule fires alone;
- moving any fact toward risk never turns approval_required into low_risk (hypothesis);
- every yes/no/null combination of the decision facts is checked against an independent
  statement of the policy (GUIDANCE.md, "How our decision maps onto it").
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant import FACT_NAMES, PolicyError, UsageDeclaration, assess, load_policy, passages
from assistant._assess import EVALUATION_ERROR, NOT_CLEARED, decide
from assistant._policy import Rule, parse_policy

SCENARIOS = Path(__file__).parent / "scenarios"
POLICY = load_policy()
RISK_FACTS = (
    "final_deliverable", "key_creative_element", "talent_likeness", "performance_alteration",
    "union_work_impact", "personal_data", "proprietary_material", "third_party_material",
    "protected_output", "misleading_content", "tool_trains_on_inputs",
)
SAFE = {**{fact: "no" for fact in RISK_FACTS}, "enterprise_environment": "yes"}


def expected_decision(values: dict) -> str:
    """The policy restated independently of policy.yaml and decide()."""
    if any(values.get(f) in ("yes", "unsure") for f in RISK_FACTS):
        return "approval_required"
    if values.get("enterprise_environment") in ("no", "unsure"):
        return "approval_required"
    if all(values.get(f) == safe for f, safe in SAFE.items()):
        return "low_risk"
    return "needs_info"


def scenario_files() -> list[Path]:
    return sorted(SCENARIOS.glob("*/*.yaml"))


@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_scenario(path: Path) -> None:
    scenario = yaml.safe_load(path.read_text())
    assessment = assess(UsageDeclaration.from_values(scenario["facts"] or {}))
    assert assessment.decision == path.parent.name.lower(), scenario["description"]
    assert assessment.decision == scenario["expect"]["decision"]
    assert list(assessment.rule_ids) == scenario["expect"]["rules"]
    if "first_question" in scenario["expect"]:
        assert assessment.questions[0].fact == scenario["expect"]["first_question"]


def test_every_rule_is_hit_by_a_scenario() -> None:
    hit = {rule for path in scenario_files() for rule in yaml.safe_load(path.read_text())["expect"]["rules"]}
    assert {rule.id for rule in POLICY.rules} <= hit


def test_every_citation_resolves_in_both_languages() -> None:
    ids = {(p.id, p.lang) for p in passages()}
    for rule in POLICY.rules:
        for citation in rule.citations:
            assert (citation, "en") in ids and (citation, "fr") in ids, (rule.id, citation)


def test_decision_facts_are_every_fact_but_consent() -> None:
    assert set(POLICY.decision_facts) == set(FACT_NAMES) - {"talent_consent"}


@pytest.mark.parametrize("rule", [r for r in POLICY.rules if r.effect == "approval_required"], ids=lambda r: r.id)
def test_each_approval_rule_fires_alone(rule: Rule) -> None:
    fact, allowed = next(iter(rule.when.items()))
    for value in sorted(allowed):
        assessment = assess(UsageDeclaration.from_values({**SAFE, fact: value}))
        assert assessment.decision == "approval_required"
        assert assessment.rule_ids == (rule.id,)
        assert assessment.reasons[0].facts == {fact: value}
        assert assessment.reasons[0].citations == rule.citations


def test_unsure_escalates_for_every_decision_fact() -> None:
    for fact in POLICY.decision_facts:
        assert assess(UsageDeclaration.from_values({**SAFE, fact: "unsure"})).decision == "approval_required", fact


def test_the_empty_declaration_asks_every_decision_fact_most_decisive_first() -> None:
    assessment = assess(UsageDeclaration())
    assert assessment.decision == "needs_info"
    assert set(assessment.missing_facts) == set(POLICY.decision_facts)
    assert [q.fact for q in assessment.questions][:2] == ["final_deliverable", "talent_likeness"]


def test_approval_lists_follow_ups_with_the_rules_own_first() -> None:
    assessment = assess(UsageDeclaration.from_values({"talent_likeness": "yes"}))
    assert assessment.questions == ()
    assert assessment.follow_ups[0].fact == "talent_consent"
    assert "final_deliverable" in [q.fact for q in assessment.follow_ups]


def test_french_messages_and_questions() -> None:
    assessment = assess(UsageDeclaration.from_values({"personal_data": "yes"}), lang="fr")
    assert "données personnelles" in assessment.reasons[0].message
    assert assess(UsageDeclaration(), lang="fr").questions[0].text.startswith("Un élément généré")


# --- exhaustive and property checks -----------------------------------------------------

def test_every_yes_no_null_combination_matches_the_independent_statement() -> None:
    facts = POLICY.decision_facts
    for combo in itertools.product(("yes", "no", None), repeat=len(facts)):
        values = dict(zip(facts, combo))
        decision, rules, _ = decide(values, POLICY)
        assert decision == expected_decision(values), values
        if decision == "approval_required":
            assert rules, values  # an approval is always explained by at least one rule


VALUES = st.sampled_from(["yes", "no", "unsure", None])
DECLARATIONS = st.fixed_dictionaries({name: VALUES for name in FACT_NAMES})
RISKIER = {"yes": ("yes",), "unsure": ("yes", "unsure"), "no": ("no", "unsure", "yes"), None: (None, "unsure", "yes")}


@settings(max_examples=400, deadline=None)
@given(DECLARATIONS, st.data())
def test_moving_a_fact_toward_risk_never_lowers_the_decision(values: dict, data: st.DataObject) -> None:
    before = assess(UsageDeclaration.from_values(values)).decision
    fact = data.draw(st.sampled_from([f for f in POLICY.decision_facts if f != "enterprise_environment"]))
    moved = {**values, fact: data.draw(st.sampled_from(RISKIER[values[fact]]))}
    after = assess(UsageDeclaration.from_values(moved)).decision
    if before == "approval_required":
        assert after == "approval_required"
    if after == "low_risk":
        assert before == "low_risk"


@settings(max_examples=400, deadline=None)
@given(DECLARATIONS)
def test_low_risk_implies_every_required_fact_is_safe(values: dict) -> None:
    assessment = assess(UsageDeclaration.from_values(values))
    if assessment.decision == "low_risk":
        assert all(values[f] == safe for f, safe in SAFE.items())
        assert assessment.rule_ids == ("all-principles-hold",)
    assert assessment.decision == expected_decision(values)


@settings(max_examples=200, deadline=None)
@given(DECLARATIONS)
def test_consent_never_changes_the_decision(values: dict) -> None:
    decisions = {assess(UsageDeclaration.from_values({**values, "talent_consent": c})).decision
                 for c in ("yes", "no", "unsure", None)}
    assert len(decisions) == 1


# --- failing closed -------------------------------------------------------------------------

def test_an_evaluation_error_fails_closed() -> None:
    broken = Rule(id="broken", effect="low_risk", when=None, message={"en": "", "fr": ""}, citations=())  # type: ignore[arg-type]
    policy = type(POLICY)(rules=(broken,), version="test", decision_facts=POLICY.decision_facts)
    assessment = assess(UsageDeclaration.from_values(SAFE), policy=policy)
    assert assessment.decision == "approval_required"
    assert assessment.rule_ids == (EVALUATION_ERROR,)


def test_a_policy_gap_fails_closed_rather_than_stalling() -> None:
    # A policy that forgot to make "unsure" escalate must still not leave the use undecided.
    text = (POLICY.path.read_bytes()
            .replace(b'when: {misleading_content: ["yes", "unsure"]}', b'when: {misleading_content: ["yes"]}'))
    lenient = parse_policy(text, POLICY.path, frozenset(p.id for p in passages("en")))
    assessment = assess(UsageDeclaration.from_values({**SAFE, "misleading_content": "unsure"}), policy=lenient)
    assert assessment.decision == "approval_required"
    assert assessment.rule_ids == (NOT_CLEARED,)


# --- validation of the policy file --------------------------------------------------------

def _parse(text: str):
    return parse_policy(text.encode(), Path("policy.yaml"), frozenset(p.id for p in passages("en")))


RULE = """
rules:
  - id: {id}
    effect: {effect}
    when: {when}
    message: {{en: "e", fr: "f"}}
    citations: [{citation}]
  - id: all-safe
    effect: low_risk
    when: {{final_deliverable: ["no"]}}
    message: {{en: "e", fr: "f"}}
    citations: [g2-outcome]
"""


@pytest.mark.parametrize(
    ("fields", "needle"),
    [
        ({"when": '{final_deliverabel: ["yes"]}'}, "unknown fact 'final_deliverabel'"),
        ({"when": "{final_deliverable: [yes]}"}, "quote it"),
        ({"when": '{final_deliverable: ["maybe"]}'}, "holds 'maybe'"),
        ({"effect": "allow"}, "`effect` must be one of"),
        ({"citation": "g42-nowhere"}, "not passage ids"),
        ({"id": "Not_Kebab"}, "kebab-case"),
        ({"id": "all-safe"}, "duplicate rule ids"),
    ],
)
def test_malformed_rules_name_the_file_and_the_rule(fields: dict, needle: str) -> None:
    values = {"id": "r1", "effect": "approval_required", "when": '{final_deliverable: ["yes"]}',
              "citation": "g2-outcome", **fields}
    with pytest.raises(PolicyError) as error:
        _parse(RULE.format(**values))
    assert needle in str(error.value)
    assert "policy.yaml" in str(error.value)


def test_a_policy_without_a_low_risk_rule_is_refused() -> None:
    with pytest.raises(PolicyError, match="at least one low_risk rule"):
        _parse('rules:\n  - {id: r1, effect: approval_required, when: {final_deliverable: ["yes"]}, '
               'message: {en: e, fr: f}, citations: [g2-outcome]}\n')


def test_the_version_is_a_content_hash() -> None:
    text = POLICY.path.read_text()
    assert _parse(text).version == POLICY.version
    assert _parse(text + "\n# a comment changes the bytes\n").version != POLICY.version
    assert POLICY.version.startswith("sha256:")

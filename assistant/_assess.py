"""assess(): the deterministic decision. No LLM, no I/O beyond the cached knowledge files.

Like Cedar's authorizer, the answer carries the ids of the rules that determined it, and
evaluation fails closed: an error never yields "low_risk".
"""

from __future__ import annotations

from typing import Literal, Mapping, Optional

from pydantic import BaseModel, ConfigDict, Field

from ._declaration import FactValue, UsageDeclaration
from ._knowledge import Lang, question_bank
from ._policy import Policy, Rule, load_policy

Decision = Literal["low_risk", "approval_required", "needs_info"]

# Built-in reasons for the two ways the policy can fail to clear a use. They are not
# rules of the policy file because they describe the evaluation itself, not the guidance.
EVALUATION_ERROR = "evaluation-error"
NOT_CLEARED = "not-cleared-by-policy"
_BUILTIN_MESSAGES = {
    EVALUATION_ERROR: {
        "en": "Greenlight could not evaluate this declaration, so it cannot call it low risk. "
        "Ask your Netflix contact for written approval, and report the problem.",
        "fr": "Greenlight n'a pas pu évaluer cette déclaration et ne peut donc pas la juger à faible risque. "
        "Demandez une approbation écrite à votre contact Netflix et signalez le problème.",
    },
    NOT_CLEARED: {
        "en": "The facts stated do not meet any low-risk rule and nothing is left to ask, "
        "so the use is escalated.",
        "fr": "Les faits déclarés ne remplissent aucune règle de faible risque et il ne reste rien à "
        "demander : l'usage est donc remonté.",
    },
}


class Reason(BaseModel):
    """A rule that determined the decision, with what it tells the producer."""

    model_config = ConfigDict(frozen=True)

    rule: str = Field(description="Id of the rule in knowledge/policy.yaml (or a built-in fail-closed reason).")
    message: str = Field(description="What the rule means for this use, in the assessment's language.")
    citations: tuple[str, ...] = Field(description="Guidance passage ids the rule applies.")
    facts: dict[str, FactValue] = Field(default_factory=dict, description="The facts, and values, that made it hold.")


class Question(BaseModel):
    """A question that would resolve a fact."""

    model_config = ConfigDict(frozen=True)

    fact: str
    text: str = Field(description="The question, in the assessment's language.")
    explanation: str = Field(default="", description="One line on why it matters.")
    group: str = Field(default="", description="Questions of one group may be asked together.")


class Assessment(BaseModel):
    """The decision on a declaration, and why."""

    model_config = ConfigDict(frozen=True)

    decision: Decision
    reasons: tuple[Reason, ...] = Field(description="The rules that determined the decision.")
    missing_facts: tuple[str, ...] = Field(
        default=(), description="Decision facts not stated yet, most decisive first."
    )
    questions: tuple[Question, ...] = Field(
        default=(), description="What to ask to reach a decision (needs_info only), most decisive first."
    )
    follow_ups: tuple[Question, ...] = Field(
        default=(),
        description="Once approval is required: what the Netflix contact will also want to know. Never changes the decision.",
    )
    policy_version: str
    lang: Lang = "en"

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The ids of the rules that determined the decision (Cedar's `reason`)."""
        return tuple(reason.rule for reason in self.reasons)


def decide(values: Mapping[str, FactValue], policy: Policy) -> tuple[Decision, tuple[Rule, ...], tuple[str, ...]]:
    """The pure core of `assess`: fact values → (decision, determining rules, missing facts).

    Missing facts are the unstated facts that a low-risk rule still needs. When nothing
    is missing and no rule holds, the decision is "approval_required" with no rules:
    the caller reports it as not cleared (fail closed).
    """
    approvals = tuple(rule for rule in policy.rules if rule.effect == "approval_required" and rule.matches(values))
    if approvals:
        return "approval_required", approvals, ()
    low_risk_rules = tuple(rule for rule in policy.rules if rule.effect == "low_risk")
    for rule in low_risk_rules:
        if rule.matches(values):
            return "low_risk", (rule,), ()
    missing: list[str] = []
    for rule in low_risk_rules:
        # A low-risk rule is still reachable if every fact it needs is stated safe or unstated.
        if all(values.get(name) is None or values.get(name) in allowed for name, allowed in rule.when.items()):
            missing.extend(name for name in rule.when if values.get(name) is None and name not in missing)
    if missing:
        return "needs_info", (), tuple(missing)
    return "approval_required", (), ()


def _question(fact: str, lang: Lang) -> Question:
    spec = question_bank()[fact]
    return Question(fact=fact, text=spec.ask[lang], explanation=spec.explain[lang], group=spec.group)


def _by_priority(facts: set[str] | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    order = {name: spec.order for name, spec in question_bank().items()}
    return tuple(sorted(set(facts), key=lambda name: order[name]))


def _fail_closed(reason_id: str, policy_version: str, lang: Lang) -> Assessment:
    reason = Reason(rule=reason_id, message=_BUILTIN_MESSAGES[reason_id][lang], citations=("g2-outcome",))
    return Assessment(decision="approval_required", reasons=(reason,), policy_version=policy_version, lang=lang)


def assess(declaration: UsageDeclaration, *, lang: Lang = "en", policy: Optional[Policy] = None) -> Assessment:
    """Decide whether a declared use is low risk, needs written approval, or needs more facts.

    Pure and deterministic: the same declaration and policy always give the same answer.

    Args:
        declaration: the facts of the intended use.
        lang: language of messages and questions, "en" or "fr".
        policy: the policy to apply; default knowledge/policy.yaml.

    Returns:
        The Assessment: decision, determining rule ids with messages and citations,
        missing facts, questions (needs_info) or follow-ups (approval_required), policy version.

    Raises:
        PolicyError: the default policy file is invalid (a broken policy is never applied).

    Example:
        >>> from assistant import UsageDeclaration, assess
        >>> assess(UsageDeclaration.from_values({"talent_likeness": "yes"})).decision
        'approval_required'
    """
    policy = policy or load_policy()
    try:
        values = declaration.values()
        decision, rules, missing = decide(values, policy)
        if decision == "approval_required" and not rules:
            return _fail_closed(NOT_CLEARED, policy.version, lang)
        reasons = tuple(
            Reason(
                rule=rule.id,
                message=rule.message[lang],
                citations=rule.citations,
                facts={name: values[name] for name in rule.when},
            )
            for rule in rules
        )
        questions: tuple[Question, ...] = ()
        follow_ups: tuple[Question, ...] = ()
        unstated = _by_priority([name for name in policy.decision_facts if values[name] is None])
        if decision == "needs_info":
            questions = tuple(_question(fact, lang) for fact in _by_priority(missing))
        elif decision == "approval_required":
            # The rules' own follow-ups (e.g. consent for a likeness) first, then what is unstated.
            wanted = _by_priority([fact for rule in rules for fact in rule.follow_up if values[fact] is None])
            rest = tuple(fact for fact in unstated if fact not in wanted)
            follow_ups = tuple(_question(fact, lang) for fact in wanted + rest)
        return Assessment(
            decision=decision,
            reasons=reasons,
            missing_facts=_by_priority(missing) if decision == "needs_info" else unstated,
            questions=questions,
            follow_ups=follow_ups,
            policy_version=policy.version,
            lang=lang,
        )
    except Exception:  # noqa: BLE001 — fail closed, as Cedar does: an error is never "low risk"
        return _fail_closed(EVALUATION_ERROR, policy.version, lang)

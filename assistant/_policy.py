"""The policy: rules as data, loaded from knowledge/policy.yaml and validated.

A rule has an id, an effect, a `when` condition over fact values, a message (en, fr),
citations of guidance passages, and optional follow-up facts. Conditions are kept
deliberately small — a conjunction of "fact ∈ values" tests — so that every rule can be
read by a non-programmer and checked exhaustively by the tests.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Mapping, Optional

from ._declaration import FACT_NAMES, FactValue
from ._errors import KnowledgeError, PolicyError
from ._knowledge import knowledge_dir, passage_ids

Effect = Literal["approval_required", "low_risk"]
EFFECTS: tuple[Effect, ...] = ("approval_required", "low_risk")
_VALUES = ("yes", "no", "unsure")


@dataclass(frozen=True)
class Rule:
    """One rule of the policy.

    Attributes:
        id: stable kebab-case id, returned in every assessment it determines.
        effect: the decision the rule produces when its condition holds.
        when: fact name → the values that satisfy the rule; all must match.
        message: the explanation for the producer, by language.
        citations: passage ids of the guidance the rule applies.
        follow_up: facts the Netflix contact will want next once the rule fires.
    """

    id: str
    effect: Effect
    when: Mapping[str, frozenset[str]]
    message: Mapping[str, str]
    citations: tuple[str, ...]
    follow_up: tuple[str, ...] = ()

    def matches(self, values: Mapping[str, FactValue]) -> bool:
        """True when every fact in `when` holds one of its listed values."""
        return all(values.get(name) in allowed for name, allowed in self.when.items())


@dataclass(frozen=True)
class Policy:
    """A validated set of rules, with the version (content hash) of the file it came from."""

    rules: tuple[Rule, ...]
    version: str
    path: Optional[Path] = None
    decision_facts: tuple[str, ...] = field(default=())

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id. Raises KeyError naming the known ids."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(f"no rule {rule_id!r}; rules: {', '.join(r.id for r in self.rules)}")


def _is_kebab(text: str) -> bool:
    return bool(text) and text == text.lower() and all(part.isalnum() for part in text.split("-"))


def _parse_rule(raw: object, index: int, path: Path, known_passages: frozenset[str]) -> Rule:
    if not isinstance(raw, dict):
        raise PolicyError(f"entry #{index + 1} of `rules` must be a mapping", path=path)
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not _is_kebab(rule_id):
        raise PolicyError(f"entry #{index + 1}: `id` must be a kebab-case string, got {rule_id!r}", path=path)

    def fail(message: str) -> PolicyError:
        return PolicyError(message, path=path, rule_id=rule_id)

    expected_keys = {"id", "effect", "when", "message", "citations", "follow_up"}
    extra = sorted(set(raw) - expected_keys)
    if extra:
        raise fail(f"unknown key(s) {extra}; allowed: {sorted(expected_keys)}")
    effect = raw.get("effect")
    if effect not in EFFECTS:
        raise fail(f"`effect` must be one of {list(EFFECTS)}, got {effect!r}")
    when = raw.get("when")
    if not isinstance(when, dict) or not when:
        raise fail("`when` must map at least one fact name to a list of values")
    condition: dict[str, frozenset[str]] = {}
    for name, allowed in when.items():
        if name not in FACT_NAMES:
            raise fail(f"unknown fact {name!r} in `when`; facts: {', '.join(FACT_NAMES)}")
        if not isinstance(allowed, list) or not allowed:
            raise fail(f"`when.{name}` must be a non-empty list of values")
        for value in allowed:
            if isinstance(value, bool):
                raise fail(f"`when.{name}` holds a bare {value!r}: quote it (\"yes\"/\"no\"); YAML reads yes as true")
            if value not in _VALUES:
                raise fail(f"`when.{name}` holds {value!r}; values are {list(_VALUES)}")
        condition[name] = frozenset(allowed)
    message = raw.get("message")
    if not isinstance(message, dict) or not all(isinstance(message.get(code), str) for code in ("en", "fr")):
        raise fail("`message` must have `en` and `fr` texts")
    citations = raw.get("citations")
    if not isinstance(citations, list) or not citations:
        raise fail("`citations` must list at least one guidance passage id")
    unknown = [c for c in citations if c not in known_passages]
    if unknown:
        raise fail(f"citations {unknown} are not passage ids of knowledge/guidance/*.md")
    follow_up = raw.get("follow_up", [])
    if not isinstance(follow_up, list) or any(f not in FACT_NAMES for f in follow_up):
        raise fail(f"`follow_up` must list fact names; facts: {', '.join(FACT_NAMES)}")
    return Rule(
        id=rule_id,
        effect=effect,
        when=condition,
        message={"en": message["en"].strip(), "fr": message["fr"].strip()},
        citations=tuple(citations),
        follow_up=tuple(follow_up),
    )


def parse_policy(data: bytes, path: Path, known_passages: frozenset[str]) -> Policy:
    """Validate policy YAML bytes into a Policy.

    Raises:
        PolicyError: the file or one of its rules is malformed; the message names both.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        raw = yaml.load(data.decode("utf-8"), Loader=loader)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise PolicyError(f"is not valid UTF-8 YAML: {exc}", path=path) from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("rules"), list):
        raise PolicyError("must be a mapping with a `rules` list", path=path)
    rules = tuple(_parse_rule(item, i, path, known_passages) for i, item in enumerate(raw["rules"]))
    ids = [rule.id for rule in rules]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise PolicyError(f"duplicate rule ids {duplicates}", path=path)
    if not any(rule.effect == "low_risk" for rule in rules):
        # Without one, nothing could ever be low risk; that is a mistake, not a policy.
        raise PolicyError("needs at least one low_risk rule stating when a use is low risk", path=path)
    decision_facts = tuple(name for name in FACT_NAMES if any(name in rule.when for rule in rules))
    version = "sha256:" + hashlib.sha256(data).hexdigest()[:16]
    return Policy(rules=rules, version=version, path=path, decision_facts=decision_facts)


@functools.cache
def load_policy(path: Optional[Path] = None) -> Policy:
    """Load and validate the policy (default: knowledge/policy.yaml), once per process.

    Raises:
        PolicyError: the policy is invalid.
        KnowledgeError: the file cannot be read.
    """
    path = path or knowledge_dir() / "policy.yaml"
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KnowledgeError(f"cannot read the policy ({exc.strerror}); restore it from git", path=path) from exc
    return parse_policy(data, path, passage_ids())

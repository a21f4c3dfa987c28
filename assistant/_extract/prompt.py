"""The LLM prompt as data: knowledge/prompts/extract.md and examples.yaml, loaded and validated.

The prompt carries, besides the instructions, the definition of every fact (the Facts
docstrings, the same words the policy is written against) and the guidance passages relevant
to the text (assistant._retrieval, when it is installed and works; otherwise the definitions
alone ground the model). The producer's text is delimited as data between <producer_text>
tags; a closing tag inside the text is defused without changing its length, so evidence
offsets stay valid.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence

from .._declaration import FACT_NAMES, Facts
from .._errors import KnowledgeError
from .._knowledge import knowledge_dir, load_yaml
from .align import align

logger = logging.getLogger("assistant.extract.llm")

GROUNDING_PASSAGES = 3
"""How many guidance passages the prompt carries (relevant ones, not the whole guidance)."""

_SECTIONS = {"system": ("facts", "passages", "examples"), "user": ("text",), "reask": ("error",)}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_CLOSING_TAG = re.compile(r"</(producer_text)", re.IGNORECASE)
_VALUES = ("yes", "no", "unsure")


@dataclass(frozen=True)
class PromptTemplate:
    """The validated sections of knowledge/prompts/extract.md."""

    system: str
    user: str
    reask: str


@dataclass(frozen=True)
class Example:
    """A few-shot example: a text and the facts read from it (quotes checked against the text)."""

    text: str
    facts: Mapping[str, Mapping[str, str]]


def _parse_template(text: str, where: Any) -> PromptTemplate:
    sections: dict[str, list[str]] = {}
    current: Optional[str] = None
    for line in text.splitlines():
        heading = re.match(r"^## (\w+)\s*$", line)
        if heading:
            current = heading.group(1)
            if current not in _SECTIONS:
                raise KnowledgeError(f"unknown section '## {current}'; expected {', '.join(_SECTIONS)}", path=where)
            if current in sections:
                raise KnowledgeError(f"section '## {current}' appears twice", path=where)
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    bodies: dict[str, str] = {}
    for name, required in _SECTIONS.items():
        if name not in sections:
            raise KnowledgeError(f"section '## {name}' is missing", path=where)
        body = "\n".join(sections[name]).strip()
        found = _PLACEHOLDER.findall(body)
        unknown = sorted(set(found) - set(required))
        if unknown:
            raise KnowledgeError(f"section '## {name}': unknown placeholder(s) {unknown}; allowed: {list(required)}",
                                 path=where)
        for placeholder in required:
            if found.count(placeholder) != 1:
                raise KnowledgeError(f"section '## {name}' must contain {{{placeholder}}} exactly once", path=where)
        bodies[name] = body
    if "<producer_text>" not in bodies["user"] or "</producer_text>" not in bodies["user"]:
        raise KnowledgeError("section '## user' must delimit {text} with <producer_text> tags", path=where)
    return PromptTemplate(**bodies)


@functools.cache
def load_template() -> PromptTemplate:
    """The prompt sections from knowledge/prompts/extract.md (read once per process).

    Raises:
        KnowledgeError: the file is missing, or a section or placeholder is missing or unknown.
    """
    path = knowledge_dir() / "prompts" / "extract.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KnowledgeError(f"cannot read the prompt ({exc.strerror}); restore it from git", path=path) from exc
    return _parse_template(text, path)


def parse_examples(raw: Any, where: Any = None) -> tuple[Example, ...]:
    """Validate few-shot examples: known facts, valid values, and quotes found in their own text."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise KnowledgeError("must be a list of {text, facts} examples", path=where)
    examples: list[Example] = []
    for number, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("text"), str) or not isinstance(entry.get("facts"), dict):
            raise KnowledgeError(f"example #{number}: needs `text` (a string) and `facts` (a mapping)", path=where)
        facts: dict[str, dict[str, str]] = {}
        for fact, item in entry["facts"].items():
            if fact not in FACT_NAMES:
                raise KnowledgeError(f"example #{number}: unknown fact {fact!r}", path=where)
            if not isinstance(item, dict) or item.get("value") not in _VALUES or not isinstance(item.get("quote"), str):
                raise KnowledgeError(
                    f"example #{number}, {fact}: needs value \"yes\", \"no\" or \"unsure\" (quoted) and a quote",
                    path=where,
                )
            if align(item["quote"], entry["text"]) is None:
                raise KnowledgeError(f"example #{number}, {fact}: quote {item['quote']!r} is not in the example's text",
                                     path=where)
            facts[fact] = {"value": item["value"], "quote": item["quote"]}
        examples.append(Example(entry["text"].strip(), facts))
    return tuple(examples)


@functools.cache
def load_examples() -> tuple[Example, ...]:
    """The few-shot examples from knowledge/prompts/examples.yaml (none when the file is absent).

    Raises:
        KnowledgeError: an example is malformed or quotes words that are not in its text.
    """
    path = knowledge_dir() / "prompts" / "examples.yaml"
    if not path.is_file():
        return ()
    return parse_examples(load_yaml(path), path)


def fact_definitions() -> str:
    """One line per fact: `- name: definition`, from the Facts field docstrings."""
    return "\n".join(f"- {name}: {Facts.model_fields[name].description}" for name in FACT_NAMES)


def render_examples(examples: Sequence[Example]) -> str:
    if not examples:
        return ""
    blocks = []
    for example in examples:
        answer = json.dumps(dict(example.facts), ensure_ascii=False)
        blocks.append(f"Text: {example.text}\nFacts: {answer}")
    return "Example (facts not shown are null):\n" + "\n\n".join(blocks)


def grounding_passages(text: str, k: int = GROUNDING_PASSAGES) -> tuple[list[str], Optional[str]]:
    """The guidance passages relevant to `text`, as "[id] title: body" blocks.

    Uses assistant._retrieval when it imports and answers; any failure there leaves the
    prompt with the fact definitions alone, and says why (second item; logged).
    """
    try:
        from .._retrieval import retrieve

        found = retrieve(text, k=k)
        return [f"[{p.id}] {p.title}: {' '.join(p.text.split())}" for p in found], None
    except Exception as exc:  # noqa: BLE001 — grounding is an aid; the definitions still ground the model
        reason = f"{type(exc).__name__}: {exc}"
        logger.info("guideline retrieval unavailable for the LLM prompt (%s); using the fact definitions only", reason)
        return [], reason


def defuse(text: str) -> str:
    """The text with any `</producer_text` turned into `<\\producer_text` (same length, so
    offsets into it are offsets into the original)."""
    return _CLOSING_TAG.sub(lambda m: "<\\" + m.group(1), text)


def build_messages(sent_text: str, passages: Sequence[str]) -> list[dict[str, str]]:
    """The system and user messages for one text (already redacted and defused)."""
    template = load_template()
    system = _fill(template.system, {
        "facts": fact_definitions(),
        "passages": "\n".join(f"- {p}" for p in passages) or "- (none retrieved; rely on the definitions)",
        "examples": render_examples(load_examples()),
    })
    system = re.sub(r"\n{3,}", "\n\n", system).strip()
    return [{"role": "system", "content": system}, {"role": "user", "content": _fill(template.user, {"text": sent_text})}]


def _fill(template: str, values: Mapping[str, str]) -> str:
    # One pass, so braces inside the values (the producer's text) are never read as placeholders.
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def reask_message(error: str) -> dict[str, str]:
    """The follow-up message after an unusable answer (instructor-style: carries the error)."""
    return {"role": "user", "content": _fill(load_template().reask, {"error": error})}

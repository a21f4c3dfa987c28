"""What an extraction returns beyond the declaration: who read the text, what was sent, what
was dropped or disputed. Plain data, cheap to import (no openai, no retrieval)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Optional

from .._declaration import Evidence, FactValue, UsageDeclaration
from .redact import Redaction

__all__ = ["Conflict", "ExtractionResult", "Redaction"]


@dataclass(frozen=True)
class Conflict:
    """A fact the offline extractor and the LLM read differently; it was left unset so the
    producer is asked (never a silent choice of either reading).

    Attributes:
        fact: the fact name.
        offline: the patterns' value, with its evidence.
        llm: the model's value, with its evidence.
    """

    fact: str
    offline: FactValue
    llm: FactValue
    offline_evidence: tuple[Evidence, ...] = ()
    llm_evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "fact": self.fact,
            "offline": self.offline,
            "llm": self.llm,
            "offline_evidence": [e.model_dump() for e in self.offline_evidence],
            "llm_evidence": [e.model_dump() for e in self.llm_evidence],
        }


@dataclass(frozen=True)
class ExtractionResult:
    """A declaration and how it was obtained.

    Attributes:
        declaration: the facts read from the text (its `notices` include every notice below).
        backend_used: "openai" when the model's reading was merged in; "offline" when the
            patterns alone read the text (chosen, or fallen back to after a failure).
        backend_requested: the backend asked for ("offline" or "openai").
        backend_description: what read the text, for display ("offline extractor",
            "model X at host Y").
        notices: what a person should see: fallbacks, dropped quotes, conflicts, redactions.
        redactions: personal data replaced by placeholders before the text was sent.
        requests: HTTP requests made to the LLM endpoint for this text (0 offline).
        prompt_chars: characters of the prompt messages sent (system + user), 0 offline.
        conflicts: facts the two readings disagreed on (left unset, to be asked).
        structured_output: "json_schema" or "tools" when the LLM answered, else None.
        error_code: the LLMError code when the LLM failed and the offline reading was used.
    """

    declaration: UsageDeclaration
    backend_used: Literal["offline", "openai"]
    backend_requested: Literal["offline", "openai"] = "offline"
    backend_description: str = "offline extractor"
    notices: tuple[str, ...] = ()
    redactions: tuple[Redaction, ...] = ()
    requests: int = 0
    prompt_chars: int = 0
    conflicts: tuple[Conflict, ...] = ()
    structured_output: Optional[str] = None
    error_code: Optional[str] = None
    dropped_facts: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        """JSON-ready data (no API key, no redacted values: spans into the producer's text)."""
        return {
            "declaration": self.declaration.model_dump(mode="json"),
            "backend_used": self.backend_used,
            "backend_requested": self.backend_requested,
            "backend_description": self.backend_description,
            "notices": list(self.notices),
            "redactions": [r.to_dict() for r in self.redactions],
            "requests": self.requests,
            "prompt_chars": self.prompt_chars,
            "conflicts": [c.to_dict() for c in self.conflicts],
            "structured_output": self.structured_output,
            "error_code": self.error_code,
            "dropped_facts": list(self.dropped_facts),
        }

"""Greenlight: is this GenAI use low risk, or does it need written approval first — and why?

The public API. Names load lazily (as pydantic does), so `import assistant` and
`greenlight assess` stay fast and never import chromadb, langchain, openai or streamlit
until a feature that needs them is used.

    >>> from assistant import extract, assess
    >>> declaration = extract("We will clone the lead actor's voice for ADR.")
    >>> assess(declaration).decision
    'approval_required'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name → module that defines it
_EXPORTS: dict[str, str] = {
    # the declaration
    "UsageDeclaration": "._declaration",
    "Facts": "._declaration",
    "Fact": "._declaration",
    "Evidence": "._declaration",
    "FactValue": "._declaration",
    "FACT_NAMES": "._declaration",
    # the decision
    "assess": "._assess",
    "Assessment": "._assess",
    "Reason": "._assess",
    "Question": "._assess",
    "Decision": "._assess",
    # the policy and the knowledge base
    "load_policy": "._policy",
    "Policy": "._policy",
    "Rule": "._policy",
    "Passage": "._knowledge",
    "passage": "._knowledge",
    "passages": "._knowledge",
    "question_bank": "._knowledge",
    # extraction
    "extract": "._extract",
    "extract_with_details": "._extract",
    "ExtractionResult": "._extract",
    "describe_backend": "._config",
    "MAX_TEXT_CHARS": "._extract",
    # retrieval
    "retrieve": "._retrieval",
    "RetrievedPassage": "._retrieval",
    # the conversation
    "IntakeSession": "._intake",
    "Turn": "._intake",
    # errors
    "GreenlightError": "._errors",
    "KnowledgeError": "._errors",
    "PolicyError": "._errors",
    "InputError": "._errors",
    "ExtractionError": "._errors",
    "LLMError": "._errors",
    "RetrievalError": "._errors",
    "ConfigError": "._errors",
    "StoreError": "._errors",
    # persistence
    "IntakeStore": "._store",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'assistant' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)


if TYPE_CHECKING:  # for type checkers and IDEs; never executed
    from ._assess import Assessment, Decision, Question, Reason, assess
    from ._declaration import FACT_NAMES, Evidence, Fact, Facts, FactValue, UsageDeclaration
    from ._errors import (
        ConfigError,
        ExtractionError,
        GreenlightError,
        InputError,
        KnowledgeError,
        LLMError,
        PolicyError,
        RetrievalError,
        StoreError,
    )
    from ._config import describe_backend
    from ._extract import MAX_TEXT_CHARS, ExtractionResult, extract, extract_with_details
    from ._intake import IntakeSession, Turn
    from ._store import IntakeStore
    from ._knowledge import Passage, passage, passages, question_bank
    from ._policy import Policy, Rule, load_policy
    from ._retrieval import RetrievedPassage, retrieve

"""extract(): free text → UsageDeclaration. The extractor reads facts; it never decides.

Backends:
    offline   patterns from knowledge/patterns/ (English and French), no network — the default
    openai    any OpenAI-compatible endpoint (see assistant/_extract/llm.py), merged
              conservatively with the offline reading
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Optional

from .._declaration import UsageDeclaration
from .._errors import InputError
from .result import ExtractionResult

if TYPE_CHECKING:
    from .._config import Settings

Backend = Literal["offline", "openai"]

MAX_TEXT_CHARS = 20_000
"""Longest description accepted, in characters (about eight pages). Longer text is
refused with a message rather than cut, since a cut could drop a decisive sentence."""


def validate_text(text: str) -> str:
    """The text itself when it can be processed.

    Raises:
        InputError: the text is empty or longer than MAX_TEXT_CHARS.
        TypeError: the text is not a str (decode bytes first).
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, got {type(text).__name__}; decode bytes as UTF-8 first")
    if not text.strip():
        raise InputError("the description is empty; describe the intended GenAI use in a sentence or more",
                         code="input-empty")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(
            f"the description is {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}. "
            "Split it into one description per use",
            code="input-too-long",
        )
    return text


def extract(text: str, *, backend: Optional[Backend] = None) -> UsageDeclaration:
    """Read a producer's free-text description into a UsageDeclaration.

    Args:
        text: the description, English or French, at most MAX_TEXT_CHARS characters.
        backend: "offline" (patterns, no network) or "openai"; default: the configured
            backend (GREENLIGHT_BACKEND), which is "offline" when no endpoint is set.

    Returns:
        The declaration: facts with evidence spans into `text`; unstated facts are None.
        With "openai", an endpoint failure falls back to the offline reading, with a notice.

    Raises:
        InputError: empty or oversized text.
    """
    if backend == "offline":
        validate_text(text)
        from .offline import extract_offline

        return extract_offline(text)
    return extract_with_details(text, backend=backend).declaration


def extract_with_details(
    text: str, *, backend: Optional[Backend] = None, settings: Optional["Settings"] = None
) -> ExtractionResult:
    """Like extract(), with how the text was read: the backend used, notices, redactions,
    HTTP requests made, prompt size and the facts the two readings disagreed on.

    Args:
        text: the description, at most MAX_TEXT_CHARS characters.
        backend: "offline", "openai", or None for the configured backend.
        settings: the LLM settings; default: environment and config file (assistant._config).

    Returns:
        An ExtractionResult; its `declaration` is what extract() returns.

    Raises:
        InputError: empty or oversized text.
    """
    validate_text(text)
    from .dispatch import run

    return run(text, backend=backend, settings=settings)

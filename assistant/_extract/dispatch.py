"""Choosing the extractor for one text: the offline patterns, or the LLM merged with them."""

from __future__ import annotations

import logging
from typing import Optional

from .._config import Settings, load_settings
from .._errors import GreenlightError
from .offline import extract_offline
from .result import ExtractionResult

logger = logging.getLogger("assistant.extract")


def _offline(text: str, requested: str, notice: Optional[str] = None, code: Optional[str] = None) -> ExtractionResult:
    declaration = extract_offline(text)
    if notice:
        declaration = declaration.model_copy(update={"notices": (*declaration.notices, notice)})
    return ExtractionResult(
        declaration=declaration,
        backend_used="offline",
        backend_requested=requested,  # type: ignore[arg-type]
        backend_description="offline extractor",
        notices=declaration.notices,
        error_code=code,
    )


def run(text: str, *, backend: Optional[str], settings: Optional[Settings]) -> ExtractionResult:
    """Read `text` (already validated) with the requested or configured backend."""
    if backend not in (None, "offline", "openai"):
        raise ValueError(f"backend must be 'offline', 'openai' or None, not {backend!r}")
    if backend == "offline":
        return _offline(text, "offline")
    if settings is None:
        try:
            settings = load_settings()
        except GreenlightError as exc:
            logger.warning("LLM settings invalid: %s", exc)
            return _offline(text, backend or "offline", f"The LLM settings could not be read ({exc}); "
                            "the offline extractor read this description.", exc.code)
    requested = backend or settings.backend
    if requested == "offline":
        return _offline(text, "offline")
    if not settings.endpoint_configured:
        return _offline(
            text, "openai",
            "No LLM endpoint is configured (set OPENAI_BASE_URL, or OPENAI_API_KEY for OpenAI); "
            "the offline extractor read this description.",
            "llm-not-configured",
        )
    from .llm import read_with_llm

    return read_with_llm(text, extract_offline(text), settings)

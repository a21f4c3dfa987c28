"""The simulated producer of the dialogue suite (placeholder until assistant.IntakeSession lands)."""

from __future__ import annotations

from typing import Any, Optional


def intake_available() -> Optional[str]:
    """None when assistant.IntakeSession can be used, else why not."""
    try:
        from .. import IntakeSession  # noqa: F401
    except (ImportError, AttributeError):
        return "assistant.IntakeSession not available"
    return None


def play(case: dict[str, Any], *, backend: str = "offline") -> dict[str, Any]:
    raise NotImplementedError

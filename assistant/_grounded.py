"""A short answer to a guidance question, written by the configured LLM from retrieved passages.

Used by the chat when an OpenAI-compatible endpoint is configured; offline, the chat shows the
passages themselves. The answer is checked before it is shown: it must cite at least one of the
passages it was given and no other, and stay short. Anything else — no endpoint, a failure, an
answer that cites nothing or invents an id — returns None, and the caller shows the passages.
The question leaves the machine redacted unless the endpoint is enterprise-secured (G5).
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from typing import Optional, Sequence

from ._errors import KnowledgeError
from ._knowledge import Lang, knowledge_dir

logger = logging.getLogger("assistant.grounded")

MAX_ANSWER_CHARS = 1200
_CITATION = re.compile(r"\[([a-z0-9][a-z0-9.-]*)\]")
_LANGUAGE = {"en": "English", "fr": "French"}


@dataclass(frozen=True)
class GroundedAnswer:
    """An answer and the passage ids it cites (all among those it was given)."""

    text: str
    citations: tuple[str, ...]


@functools.cache
def _prompt() -> tuple[str, str]:
    path = knowledge_dir() / "prompts" / "answer.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KnowledgeError(f"cannot read the prompt ({exc.strerror}); restore it from git", path=path) from exc
    sections = dict(re.findall(r"^## (system|user)\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S))
    system, user = sections.get("system", "").strip(), sections.get("user", "").strip()
    for name, body, needed in (("system", system, ("passages",)), ("user", user, ("language", "question"))):
        for placeholder in needed:
            if body.count("{" + placeholder + "}") != 1:
                raise KnowledgeError(f"section '## {name}' must contain {{{placeholder}}} exactly once", path=path)
    return system, user


def check_answer(text: str, allowed: Sequence[str]) -> Optional[GroundedAnswer]:
    """The answer when it cites at least one allowed passage id and none other, else None."""
    text = text.strip()
    cited = tuple(dict.fromkeys(_CITATION.findall(text)))
    if not text or len(text) > MAX_ANSWER_CHARS or not cited or any(c not in allowed for c in cited):
        return None
    return GroundedAnswer(text, cited)


def grounded_answer(question: str, passages: Sequence[object], lang: Lang) -> Optional[GroundedAnswer]:
    """Ask the configured endpoint for a short answer grounded in `passages` (objects with id,
    section, title, text). None when no endpoint is configured or the answer is unusable."""
    try:
        from ._config import load_settings

        settings = load_settings()
    except Exception as exc:  # noqa: BLE001 — a broken configuration reads as offline
        logger.info("no grounded answer: %s", exc)
        return None
    if settings.backend != "openai" or not settings.endpoint_configured or not passages:
        return None
    from ._extract.llm import _client
    from ._extract.redact import redact

    system, user = _prompt()
    listed = "\n\n".join(f"[{p.id}] {p.section} · {p.title}\n{p.text}" for p in passages)  # type: ignore[attr-defined]
    sent = question if settings.endpoint_enterprise else redact(question).text
    messages = [
        {"role": "system", "content": system.replace("{passages}", listed)},
        {"role": "user", "content": user.replace("{language}", _LANGUAGE[lang]).replace("{question}", sent)},
    ]
    try:
        client = _client(settings.api_key, settings.endpoint_url, settings.timeout)
        response = client.chat.completions.create(model=settings.model, messages=messages, temperature=0)
        content = response.choices[0].message.content or ""
    except Exception as exc:  # noqa: BLE001 — the passages are shown instead; never fail the turn
        logger.info("no grounded answer: the endpoint failed (%s)", exc)
        return None
    answer = check_answer(content, [p.id for p in passages])  # type: ignore[attr-defined]
    if answer is None:
        logger.info("no grounded answer: the model's answer cited no given passage, or an unknown one")
    return answer

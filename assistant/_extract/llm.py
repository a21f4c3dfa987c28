"""The LLM extractor: any OpenAI-compatible endpoint reads the text into facts with quotes.

The model reads; it never decides. What it returns is checked before it counts:

1. Personal data is redacted before the text leaves the machine, unless the endpoint is
   marked enterprise-secured (redact.py); the redactions are reported.
2. The prompt (knowledge/prompts/, data) carries the fact definitions and the relevant
   guidance passages; the producer's text is delimited as data (prompt.py).
3. Structured output, in one of two modes: "json_schema" (response_format) or "tools" (one
   forced tool call), for servers without json_schema: the llama.cpp server answers HTTP 500
   to it. In "auto" mode json_schema is tried first and a 400/500 that rejects it switches to
   tools, remembered per endpoint and model for the rest of the process.
4. The answer is validated with pydantic. A JSON or validation error is re-asked ONCE with
   the error and the failed output (as instructor does); transport failures (timeouts,
   refused connections, 429 — honouring Retry-After, up to a cap —, 5xx) are retried within
   the retry budget; errors that cannot succeed (401/403, 404, other 400s) are not.
5. Evidence check: every fact the model sets must quote the producer's words; the quote is
   aligned in the text (align.py) and its span mapped back to the producer's original text.
   A quote that is not there drops the fact back to None, logged and shown as a notice.
6. A text that addresses the system ("ignore the rules …") may add risk, never remove it: the
   model's safe-direction values are discarded for it (the offline extractor does the same).
7. The reading is merged with the offline extractor's, conservatively (merge.py).

Any LLMError (and any unexpected error on this path) falls back to the offline reading with a
visible notice: the intake is never lost and a failure never produces "low risk".

Why the `openai` client directly, not LangChain's ChatOpenAI: we need direct control of
`response_format` versus `tools`, of the HTTP status code and error body (to tell "this
server rejects json_schema" from a transient 500), of the Retry-After header, and of the
retry loop (so requests per turn are counted and capped). ChatOpenAI wraps these in its own
retry and output-parsing layers and hides the status codes. `openai` is imported lazily, so
`import assistant` and the offline CLI never load it.
"""

from __future__ import annotations

import email.utils
import functools
import json
import logging
import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator, model_validator

from .._config import Settings
from .._declaration import FACT_NAMES, Evidence, Fact, Facts, FactValue, UsageDeclaration
from .._errors import GreenlightError, LLMError
from .align import normalise, align
from .merge import merge
from .prompt import build_messages, defuse, grounding_passages, reask_message
from .redact import RedactedText, Redaction, redact, unredacted
from .result import ExtractionResult

logger = logging.getLogger("assistant.extract.llm")

Mode = Literal["json_schema", "tools"]
SCHEMA_NAME = "usage_declaration"
TOOL_NAME = "record_facts"
MAX_BACKOFF = 8.0
"""Longest wait between retries without Retry-After, in seconds."""
_RETRYABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})
_MODE_REJECTED_STATUS = frozenset({400, 422, 500, 501})
_MODE_WORDS = ("response_format", "json_schema", "structured output")
_MAX_FAILED_OUTPUT = 4000  # characters of a failed answer carried into the re-ask


# --- the LLM-facing schema: per fact, a value and the producer's words -------------------

def llm_schema() -> dict[str, Any]:
    """The JSON Schema the model fills: every fact, each {value, quote}. Lean on purpose (the
    definitions and what a quote is are in the prompt); strict-mode compatible (all keys
    required, no extras). Inline rather than `$defs`/`$ref`, which not every server's
    schema-to-grammar conversion follows."""
    fact = {
        "type": "object",
        "properties": {
            "value": {"type": ["string", "null"], "enum": ["yes", "no", "unsure", None]},
            "quote": {"type": ["string", "null"]},
        },
        "required": ["value", "quote"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {name: fact for name in FACT_NAMES},
        "required": list(FACT_NAMES),
        "additionalProperties": False,
    }


_VALUE_ALIASES: dict[str, Optional[str]] = {
    "null": None, "none": None, "": None, "n/a": None, "unknown": None, "not stated": None,
    "not sure": "unsure", "maybe": "unsure", "true": "yes", "false": "no",
}


class LLMFact(BaseModel):
    """One fact as the model answers it."""

    model_config = ConfigDict(extra="ignore")

    value: FactValue = None
    quote: Optional[str] = None

    @model_validator(mode="before")
    @classmethod
    def _bare_value(cls, data: Any) -> Any:
        # {"talent_likeness": "yes"}: a value without a quote (the evidence check drops it)
        return {"value": data} if isinstance(data, (str, bool)) or data is None else data

    @field_validator("value", mode="before")
    @classmethod
    def _normalise_value(cls, value: Any) -> Any:
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, str):
            text = value.strip().lower()
            return _VALUE_ALIASES.get(text, text)
        return value


class _ReadingBase(BaseModel):
    model_config = ConfigDict(extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _unwrap(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("facts"), dict):
            data = data["facts"]  # {"facts": {...}}: some models add a wrapper
        if not isinstance(data, dict) or not set(data) & set(FACT_NAMES):
            raise ValueError(f"expected an object keyed by fact names ({', '.join(FACT_NAMES)})")
        return data


LLMReading: type[_ReadingBase] = create_model(  # type: ignore[call-overload]
    "LLMReading",
    __base__=_ReadingBase,
    **{name: (LLMFact, Field(default_factory=LLMFact)) for name in FACT_NAMES},
)
"""The model's answer, validated: each fact an LLMFact."""


# --- structured-output mode memory -----------------------------------------------------------

_MODES: dict[tuple[str, str], Mode] = {}
_MODES_LOCK = threading.Lock()


def _initial_mode(settings: Settings) -> Mode:
    if settings.structured_output != "auto":
        return settings.structured_output
    with _MODES_LOCK:
        return _MODES.get((settings.endpoint_url, settings.model), "json_schema")


def _remember_mode(settings: Settings, mode: Mode) -> None:
    with _MODES_LOCK:
        _MODES[(settings.endpoint_url, settings.model)] = mode


def forget_modes() -> None:
    """Forget which endpoints reject json_schema (tests; a server upgraded in place)."""
    with _MODES_LOCK:
        _MODES.clear()


# --- one call: requests, retries, re-ask ---------------------------------------------------

@dataclass(frozen=True)
class LLMAnswer:
    """A validated answer and what it took: HTTP requests, the mode that worked, the raw output."""

    reading: Any  # an LLMReading
    requests: int
    mode: Mode
    raw: str


class _OutputError(Exception):
    """An answer that cannot be used as it is (re-asked once)."""


class _Refusal(Exception):
    """The model declined to answer (not re-asked: the same prompt would be declined again)."""


@functools.lru_cache(maxsize=8)
def _client(api_key: Optional[str], base_url: str, timeout: float) -> Any:
    try:
        import openai
    except ImportError as exc:
        raise LLMError(
            "the LLM backend needs the openai package: pip install 'greenlight[llm]'", code="llm-unavailable"
        ) from exc
    # Local servers (llama.cpp, vLLM, Ollama) need no key, but the client insists on one.
    # max_retries=0: the retry loop is ours (Retry-After cap, requests counted per turn).
    return openai.OpenAI(api_key=api_key or "no-key-needed", base_url=base_url, timeout=timeout, max_retries=0)


def _request(client: Any, settings: Settings, mode: Mode, messages: list[dict[str, str]]) -> Any:
    schema = llm_schema()
    kwargs: dict[str, Any] = {"model": settings.model, "messages": messages, "temperature": 0}
    if mode == "json_schema":
        kwargs["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": SCHEMA_NAME, "strict": True, "schema": schema},
        }
    else:
        kwargs["tools"] = [{
            "type": "function",
            "function": {
                "name": TOOL_NAME,
                "description": "Record the facts read from the producer's text, each with the producer's words.",
                "parameters": schema,
            },
        }]
        # "required" with a single tool forces that tool; the named-function form of
        # tool_choice is not understood by every OpenAI-compatible server (llama.cpp).
        kwargs["tool_choice"] = "required"
    return client.chat.completions.create(**kwargs)


_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


def _output(response: Any, mode: Mode) -> str:
    """The JSON text of the answer, or _Refusal / _OutputError."""
    choices = getattr(response, "choices", None)
    if not choices:
        raise _OutputError("the response has no choices")
    choice = choices[0]
    message = getattr(choice, "message", None)
    if message is None:
        raise _OutputError("the response has no message")
    refusal = getattr(message, "refusal", None)
    if refusal:
        raise _Refusal(str(refusal))
    if getattr(choice, "finish_reason", None) == "content_filter":
        raise _Refusal("the endpoint's content filter stopped the answer")
    truncated = getattr(choice, "finish_reason", None) == "length"
    text: Optional[str] = None
    for call in getattr(message, "tool_calls", None) or []:
        function = getattr(call, "function", None)
        if function is not None and (text is None or function.name == TOOL_NAME):
            text = function.arguments
    if text is None:
        text = getattr(message, "content", None)
    if text is not None and not isinstance(text, str):
        text = json.dumps(text)  # a server that sends the arguments as an object, not a string
    if not text or not text.strip():
        if mode == "tools":
            raise _OutputError(f"no call to {TOOL_NAME} and no content")
        raise _OutputError("the answer is empty")
    fenced = _FENCE.match(text)
    text = fenced.group(1) if fenced else text
    if truncated:
        raise _OutputError("the answer was cut off (finish_reason=length)", text)
    return text


def _describe_validation(error: ValidationError) -> str:
    parts = []
    for item in error.errors()[:8]:
        where = ".".join(str(p) for p in item["loc"]) or "answer"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


def _retry_after(exc: Any) -> Optional[float]:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    try:
        if headers.get("retry-after-ms"):
            return max(0.0, float(headers["retry-after-ms"]) / 1000)
    except ValueError:
        pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
        return max(0.0, when.timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _server_message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    message = body.get("message") if isinstance(body, dict) else None
    text = str(message or getattr(exc, "message", "") or exc)
    return " ".join(text.split())[:300]


def _rejects_mode(exc: Any) -> bool:
    if getattr(exc, "status_code", None) not in _MODE_REJECTED_STATUS:
        return False
    text = f"{getattr(exc, 'message', '')} {getattr(exc, 'body', '')}".lower()
    return any(word in text for word in _MODE_WORDS)


def _final_status_error(exc: Any, settings: Settings, attempts: int) -> LLMError:
    status = exc.status_code
    detail = _server_message(exc)
    if status in (401, 403):
        # The server's message is not echoed: it may repeat part of the key.
        return LLMError(f"the endpoint refused the credentials (HTTP {status}); check OPENAI_API_KEY",
                        code="llm-auth", attempts=attempts, status_code=status)
    if status == 404:
        return LLMError(
            f"the endpoint has no model {settings.model!r} or no chat completions route (HTTP 404: {detail}); "
            "check GREENLIGHT_MODEL, and OPENAI_BASE_URL (it usually ends in /v1)",
            code="llm-model-not-found", attempts=attempts, status_code=status)
    if status == 429:
        return LLMError(f"the endpoint is rate-limiting requests (HTTP 429: {detail}); try again later",
                        code="llm-rate-limited", attempts=attempts, status_code=status)
    if status >= 500:
        return LLMError(f"the endpoint failed (HTTP {status}: {detail})",
                        code="llm-server-error", attempts=attempts, status_code=status)
    return LLMError(f"the endpoint rejected the request (HTTP {status}: {detail}); "
                    "check GREENLIGHT_MODEL and GREENLIGHT_STRUCTURED_OUTPUT",
                    code="llm-bad-request", attempts=attempts, status_code=status)


def complete(
    settings: Settings, messages: list[dict[str, str]], *, sleep: Callable[[float], None] = time.sleep
) -> LLMAnswer:
    """Ask the endpoint for the facts of one text; see the module docstring for the policy.

    Args:
        settings: the endpoint, model, timeout, retry budget and structured-output mode.
        messages: the system and user messages (prompt.build_messages).
        sleep: how to wait between retries (tests may pass a recorder).

    Returns:
        The validated answer, with the number of HTTP requests it took.

    Raises:
        LLMError: the endpoint failed or its answer stayed unusable; `code` says which
            (llm-timeout, llm-connection, llm-rate-limited, llm-server-error, llm-auth,
            llm-model-not-found, llm-bad-request, llm-refused, llm-output-invalid,
            llm-unavailable); `attempts` counts the requests made, `last_output` holds the
            last answer when there was one.
    """
    client = _client(settings.api_key, settings.endpoint_url, settings.timeout)  # LLMError when openai is missing
    import openai
    mode = _initial_mode(settings)
    conversation = list(messages)
    attempts = 0
    transport_retries = 0
    reasked = False
    switched = False
    last_output: Optional[str] = None

    def may_retry(wait: float, error: LLMError) -> None:
        nonlocal transport_retries
        if transport_retries >= settings.retries:
            raise error
        transport_retries += 1
        logger.info("LLM request failed (%s); retry %d of %d in %.2fs", error.code, transport_retries,
                    settings.retries, wait)
        sleep(wait)

    def backoff() -> float:
        return min(MAX_BACKOFF, settings.backoff * 2 ** transport_retries)

    while True:
        attempts += 1
        try:
            response = _request(client, settings, mode, conversation)
        except openai.APITimeoutError:
            error = LLMError(f"no answer within {settings.timeout:g}s (GREENLIGHT_LLM_TIMEOUT)",
                             code="llm-timeout", attempts=attempts)
            may_retry(backoff(), error)
            continue
        except openai.APIConnectionError as exc:
            error = LLMError(f"cannot connect to {settings.endpoint_host} ({exc.__cause__ or exc}); "
                             "check OPENAI_BASE_URL and that the server is running",
                             code="llm-connection", attempts=attempts)
            may_retry(backoff(), error)
            continue
        except openai.APIStatusError as exc:
            status = exc.status_code
            if settings.structured_output == "auto" and mode == "json_schema" and not switched and _rejects_mode(exc):
                logger.info("%s rejects json_schema (HTTP %s); switching to tool calls", settings.endpoint_host, status)
                mode, switched = "tools", True
                _remember_mode(settings, mode)
                continue
            error = _final_status_error(exc, settings, attempts)
            quota = getattr(exc, "code", None) == "insufficient_quota"
            if status not in _RETRYABLE_STATUS or quota:
                raise error from None
            wait = _retry_after(exc) if status == 429 else None
            if wait is not None and wait > settings.retry_after_max:
                raise LLMError(
                    f"the endpoint asks to wait {wait:.0f}s before retrying (HTTP 429), longer than "
                    f"GREENLIGHT_LLM_RETRY_AFTER_MAX={settings.retry_after_max:g}s",
                    code="llm-rate-limited", attempts=attempts, status_code=status) from None
            may_retry(backoff() if wait is None else wait, error)
            continue
        except openai.OpenAIError as exc:
            raise LLMError(f"the endpoint's answer could not be read ({type(exc).__name__}: {exc})",
                           code="llm-output-invalid", attempts=attempts) from None

        try:
            raw = _output(response, mode)
            last_output = raw
            reading = LLMReading.model_validate_json(raw)
            return LLMAnswer(reading=reading, requests=attempts, mode=mode, raw=raw)
        except _Refusal as exc:
            raise LLMError(f"the model declined to read the text ({str(exc)[:200]})",
                           code="llm-refused", attempts=attempts, last_output=last_output) from None
        except (_OutputError, ValidationError) as exc:
            if isinstance(exc, ValidationError):
                problem = _describe_validation(exc)
            else:
                problem = str(exc.args[0])
                if len(exc.args) > 1:
                    last_output = exc.args[1]
            if reasked:
                raise LLMError(f"the model's answer was unusable twice (last: {problem})",
                               code="llm-output-invalid", attempts=attempts, last_output=last_output) from None
            reasked = True
            logger.info("LLM answer unusable (%s); asking again once", problem)
            if last_output:
                conversation.append({"role": "assistant", "content": last_output[:_MAX_FAILED_OUTPUT]})
            conversation.append(reask_message(problem))


# --- from the answer to a checked declaration ------------------------------------------------

_KIND_WORDS = {"email": "e-mail address", "phone": "phone number", "address": "postal address", "id_number": "ID number"}


def _label(fact: str) -> str:
    from .merge import _label as label

    return label(fact)


def ground(reading: Any, sent: RedactedText, sent_text: str) -> tuple[UsageDeclaration, list[str], list[str]]:
    """The model's facts whose quotes are found in the text, with spans in the ORIGINAL text.

    Returns:
        (declaration of grounded facts, names of dropped facts, notices about them).
    """
    norm = normalise(sent_text)
    facts: dict[str, Fact] = {}
    dropped: list[str] = []
    notices: list[str] = []
    for name in FACT_NAMES:
        item = getattr(reading, name)
        if item.value is None:
            continue
        span = align(item.quote, sent_text, norm=norm) if item.quote else None
        if span is None:
            dropped.append(name)
            shown = " ".join((item.quote or "").split())
            shown = shown if len(shown) <= 80 else shown[:77] + "…"
            logger.info("LLM fact %s=%s dropped: quote %r is not in the producer's text", name, item.value, shown)
            why = f'quoting words that are not in your text ("{shown}")' if shown else "without quoting your text"
            notices.append(f"The language model read \"{_label(name)}\" as {item.value} {why}; that reading was discarded.")
            continue
        start, end = sent.to_original(*span)
        evidence = Evidence(quote=sent.original[start:end], start=start, end=end, source="llm")
        facts[name] = Fact(value=item.value, evidence=(evidence,))
    return UsageDeclaration(facts=Facts(**facts)), dropped, notices


def _addresses_system(text: str) -> bool:
    from .offline import fold, load_patterns

    folded = fold(text)
    return any(p.instruction.search(folded) for p in load_patterns())


def _safe_values() -> dict[str, frozenset[str]]:
    """Per fact, the values a low-risk rule accepts (the "safe direction")."""
    from .._policy import load_policy

    safe: dict[str, frozenset[str]] = {}
    for rule in load_policy().rules:
        if rule.effect == "low_risk":
            for fact, allowed in rule.when.items():
                safe[fact] = safe.get(fact, frozenset()) | frozenset(allowed)
    return safe


def distrust_safe_readings(declaration: UsageDeclaration) -> tuple[UsageDeclaration, list[str]]:
    """Drop the values that point towards low risk (for a text that addresses the system)."""
    try:
        safe = _safe_values()
    except GreenlightError:
        safe = {name: frozenset({"yes", "no", "unsure"}) for name in FACT_NAMES}  # keep nothing
    removed = [name for name in FACT_NAMES if declaration.values()[name] in safe.get(name, frozenset())]
    facts = {name: (Fact() if name in removed else getattr(declaration.facts, name)) for name in FACT_NAMES}
    return declaration.model_copy(update={"facts": Facts(**facts)}), removed


def redaction_notice(redactions: tuple[Redaction, ...], where: str) -> str:
    kinds: dict[str, list[str]] = {}
    for item in redactions:
        if item.placeholder not in kinds.setdefault(item.kind, []):
            kinds[item.kind].append(item.placeholder)
    parts = [f"{_KIND_WORDS[kind]} → {', '.join(placeholders)}" for kind, placeholders in kinds.items()]
    return (f"Personal data was replaced by placeholders before your text was sent to the {where}: "
            f"{'; '.join(parts)}. It stays on this machine.")


def read_with_llm(text: str, offline: UsageDeclaration, settings: Settings) -> ExtractionResult:
    """Read `text` with the configured endpoint and merge with the offline reading.

    Never raises for an endpoint failure: the offline reading is returned with a notice.
    """
    description = settings.describe()
    sent = unredacted(text) if settings.endpoint_enterprise else redact(text)
    notices: list[str] = []
    if sent.redactions:
        notices.append(redaction_notice(sent.redactions, f"language model ({description})"))
    prompt_chars = 0
    try:
        sent_text = defuse(sent.text)
        # The redacted text is the retrieval query too: the index may be a shared Chroma server.
        passages, _ = grounding_passages(sent.text)
        messages = build_messages(sent_text, passages)
        prompt_chars = sum(len(m["content"]) for m in messages)
        answer = complete(settings, messages)
    except Exception as exc:  # noqa: BLE001 — any failure here falls back; the intake is never lost
        if isinstance(exc, LLMError):
            code, reason, requests = exc.code, str(exc), exc.attempts
        else:
            code, reason, requests = "llm-internal-error", f"{type(exc).__name__}: {exc}", 0
        if settings.api_key:
            reason = reason.replace(settings.api_key, "***")
        logger.warning("LLM extraction failed (%s, %d request(s)); using the offline reading: %s",
                       code, requests, reason, exc_info=not isinstance(exc, LLMError))
        notices.append(
            f"The language model ({description}) could not read this description: {reason}. "
            "The offline extractor read it instead; please check the facts below."
        )
        declaration = offline.model_copy(update={"notices": (*offline.notices, *notices)})
        return ExtractionResult(
            declaration=declaration, backend_used="offline", backend_requested="openai",
            backend_description="offline extractor (fallback)", notices=tuple(declaration.notices),
            redactions=sent.redactions, requests=requests, prompt_chars=prompt_chars, error_code=code,
        )

    grounded, dropped, drop_notices = ground(answer.reading, sent, sent_text)
    notices.extend(drop_notices)
    if _addresses_system(text):
        grounded, removed = distrust_safe_readings(grounded)
        if removed:
            notices.append(
                "Your text contains words addressed to the system; the language model's readings that "
                f"would make the use look safer were discarded ({', '.join(_label(n) for n in removed)})."
            )
    merged, conflicts = merge(offline, grounded)
    declaration = merged.model_copy(update={"notices": (*merged.notices, *(n for n in notices if n not in merged.notices))})
    return ExtractionResult(
        declaration=declaration, backend_used="openai", backend_requested="openai",
        backend_description=description, notices=tuple(declaration.notices), redactions=sent.redactions,
        requests=answer.requests, prompt_chars=prompt_chars, conflicts=conflicts,
        structured_output=answer.mode, dropped_facts=tuple(dropped),
    )

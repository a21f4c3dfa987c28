"""Greenlight's exceptions.

    GreenlightError                 base of every runtime error the package raises
    ├── KnowledgeError              a file under knowledge/ is missing or malformed
    │   └── PolicyError             the policy file is invalid (names the file and the rule)
    ├── ConfigError                 a setting or the config file is invalid (names the variable)
    ├── InputError                  the producer's text cannot be processed (empty, too long, bytes)
    ├── ExtractionError             an extractor could not produce a declaration
    │   └── LLMError                the LLM endpoint failed (timeout, HTTP status, bad output)
    ├── RetrievalError              the guideline index could not be built or queried
    └── StoreError                  the intake database cannot be opened, read or written

Programmer mistakes (a wrong argument type, an unknown fact name passed in code) raise
ValueError/TypeError as usual and are not part of this tree. Each error has a stable
kebab-case `code` and a message that says what to do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional


class GreenlightError(Exception):
    """Base class of Greenlight's runtime errors."""

    code: str = "greenlight-error"

    def __init__(self, message: str, *, code: Optional[str] = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class KnowledgeError(GreenlightError):
    """A knowledge file is missing or malformed. `path` names it."""

    code = "knowledge-invalid"

    def __init__(self, message: str, *, path: Optional[Path] = None, code: Optional[str] = None) -> None:
        self.path = path
        prefix = f"{path}: " if path else ""
        super().__init__(prefix + message, code=code)


class PolicyError(KnowledgeError):
    """The policy file is invalid. `path` and `rule_id` say where; the message says how to fix it."""

    code = "policy-invalid"

    def __init__(self, message: str, *, path: Optional[Path] = None, rule_id: Optional[str] = None) -> None:
        self.rule_id = rule_id
        where = f"rule {rule_id!r}: " if rule_id else ""
        super().__init__(where + message, path=path)


class ConfigError(GreenlightError):
    """A setting (environment variable or config file) is invalid; the message names it."""

    code = "config-invalid"


class InputError(GreenlightError):
    """The producer's text cannot be processed; the message says what to send instead."""

    code = "input-invalid"


class ExtractionError(GreenlightError):
    """An extractor could not produce a declaration."""

    code = "extraction-failed"


class LLMError(ExtractionError):
    """The LLM endpoint failed. Carries the attempt count and the last raw output, if any."""

    code = "llm-failed"

    def __init__(
        self,
        message: str,
        *,
        code: Optional[str] = None,
        attempts: int = 0,
        last_output: Optional[str] = None,
        status_code: Optional[int] = None,
    ) -> None:
        self.attempts = attempts
        self.last_output = last_output
        self.status_code = status_code
        super().__init__(message, code=code)


class RetrievalError(GreenlightError):
    """The guideline index could not be built or queried."""

    code = "retrieval-failed"


class StoreError(GreenlightError):
    """The intake store cannot be opened, read or written; the message says what to do."""

    code = "store-failed"

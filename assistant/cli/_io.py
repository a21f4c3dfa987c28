"""Reading the producer's text from an argument, a file or stdin, with clear errors."""

from __future__ import annotations

import sys

from .._errors import InputError


def decode(data: bytes, where: str) -> str:
    """UTF-8 text from bytes, or an InputError that says how to fix the encoding."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{where} is not valid UTF-8 (byte {exc.start}); save it as UTF-8 and try again",
            code="input-not-utf8",
        ) from None


def read_text_argument(value: str) -> str:
    """The text itself, or stdin when the value is '-'."""
    if value == "-":
        return decode(sys.stdin.buffer.read(), "standard input")
    return value

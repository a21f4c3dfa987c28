"""Finding a quote in the text it claims to come from (as langextract aligns extractions).

Both sides are normalised (accents and curly quotes folded, case folded, runs of whitespace
collapsed to one space) with a map back to the original characters, so the span returned is
in the ORIGINAL text: `text[start:end]` is the producer's own words. A quote with an elision
("we will … clone") aligns when its parts appear in order. A quote that does not align
returns None: the fact it supports is not set.
"""

from __future__ import annotations

import re
from typing import Optional

from .offline import fold

MIN_QUOTE_CHARS = 3
"""A quote needs at least this many letters or digits to ground anything ("a", "no" do not)."""

_WRAPPING = " \t\r\n\"'`“”‘’«»"
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[\.\.\.\]|\[…\])\s*")


def normalise(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index of the original one."""
    folded = fold(text)
    chars: list[str] = []
    where: list[int] = []
    for index, char in enumerate(folded):
        if char.isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                where.append(index)
            continue
        lower = char.lower()
        chars.append(lower if len(lower) == 1 else char)
        where.append(index)
    if chars and chars[-1] == " ":
        chars.pop()
        where.pop()
    return "".join(chars), where


def _strip(quote: str) -> str:
    quote = quote.strip(_WRAPPING)
    quote = re.sub(r"^(?:\.\.\.|…)\s*|\s*(?:\.\.\.|…)$", "", quote)
    return quote.strip(_WRAPPING + ".,;:!?")


def align(quote: str, text: str, *, norm: Optional[tuple[str, list[int]]] = None) -> Optional[tuple[int, int]]:
    """(start, end) of `quote` in `text` (end exclusive), or None when it is not there.

    Args:
        quote: the words claimed to come from `text`.
        text: the text they must come from.
        norm: `normalise(text)`, when the caller aligns many quotes in one text.
    """
    stripped = _strip(quote)
    if sum(char.isalnum() for char in stripped) < MIN_QUOTE_CHARS:
        return None
    haystack, where = norm or normalise(text)
    parts = [normalise(part)[0] for part in _ELLIPSIS.split(stripped)]
    parts = [part for part in parts if part]
    if not parts:
        return None
    position = 0
    start = end = None
    for part in parts:
        found = haystack.find(part, position)
        if found < 0:
            return None
        if start is None:
            start = found
        position = end = found + len(part)
    assert start is not None and end is not None
    return where[start], where[end - 1] + 1

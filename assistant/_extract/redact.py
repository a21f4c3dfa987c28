"""Redacting personal data before a text leaves the machine (GUIDANCE G3.1, G5).

The product follows its own guidance: personal data does not go into a tool without
protection. Unless the endpoint is marked enterprise-secured, e-mail addresses, phone
numbers, postal addresses and ID numbers (SSN, French NIR, passport numbers, IBAN) are
replaced by numbered placeholders ("[EMAIL_1]") before the text is sent. The same value
always gets the same placeholder, so the model can still tell two addresses apart.

`RedactedText.to_original()` maps a span of the sent text back to the producer's text, so
evidence quoted by the model points at the producer's own words.

The patterns favour recall on the shapes listed above; names of people are not redacted
(the model needs "the lead actor" and tool names to read the use).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

RedactionKind = Literal["email", "phone", "address", "id_number"]

_PLACEHOLDER = {"email": "EMAIL", "phone": "PHONE", "address": "ADDRESS", "id_number": "ID"}

_STREET_EN = r"(?i:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|way|court|ct|place|pl|terrace|square|sq)"
_STREET_FR = r"(?i:rue|avenue|av\.?|boulevard|bd|place|all[ée]e|chemin|impasse|quai|cours|route|square)"
_CAP = r"[A-ZÀ-Ý][\w'’.-]*"

# Order matters: earlier patterns claim their characters first (an IBAN is not a phone number).
_PATTERNS: tuple[tuple[RedactionKind, re.Pattern[str], int], ...] = (
    ("email", re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), 0),
    ("id_number", re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b"), 0),  # IBAN
    ("id_number", re.compile(  # French NIR (social security number), spaced or not
        r"(?<!\d)[12] ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3}(?: ?\d{2})?(?!\d)"), 0),
    ("id_number", re.compile(r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)"), 0),  # US SSN
    ("id_number", re.compile(
        r"(?i:passport|passeport)(?:\s+(?i:no\.?|nr\.?|number|num[ée]ro|n°|#))?\s*[:#]?\s*"
        r"((?=[A-Z0-9]*\d)[A-Z0-9]{6,9})\b"), 1),
    ("address", re.compile(
        rf"\b\d{{1,5}}[A-Za-z]?\s+(?:{_CAP}\s+){{1,3}}{_STREET_EN}\b\.?"
        rf"(?:,\s*{_CAP}(?:\s+{_CAP})?(?:,?\s+[A-Z]{{2}})?(?:\s+\d{{5}}(?:-\d{{4}})?)?)?"), 0),
    ("address", re.compile(
        rf"\b\d{{1,4}}(?:\s?(?i:bis|ter))?,?\s+{_STREET_FR}\s+(?:(?i:de la|de l'|du|des|de|la|le|l'|d')\s*)?"
        rf"{_CAP}(?:[ -]{_CAP}){{0,3}}(?:,?\s+\d{{5}}\s+{_CAP}(?:[ -]{_CAP})?)?"), 0),
    ("address", re.compile(r"(?<!\d)\d{5}\s+(?:Paris|Lyon|Marseille|Nice|Lille|Bordeaux|Toulouse|Nantes)\b"), 0),
    ("phone", re.compile(
        r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{1,4}(?:[\s.-]?\d{2,4}){2,5}(?![\w])"), 0),
    ("id_number", re.compile(r"(?<![\w-])\d{9,}(?![\w-])"), 0),
)
_PHONE_DIGITS = (9, 15)


@dataclass(frozen=True)
class Redaction:
    """One piece of personal data replaced before the text was sent.

    Attributes:
        kind: "email", "phone", "address" or "id_number".
        placeholder: what was sent instead, e.g. "[EMAIL_1]".
        start: where the replaced text starts in the producer's text (inclusive).
        end: where it ends (exclusive). The value itself is not kept here: slice the text.
    """

    kind: RedactionKind
    placeholder: str
    start: int
    end: int

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "placeholder": self.placeholder, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class RedactedText:
    """The text as sent, the producer's text, and the redactions between them."""

    text: str
    original: str
    redactions: tuple[Redaction, ...]
    # (start in sent text, end in sent text, start in original, end in original), in order
    _spans: tuple[tuple[int, int, int, int], ...] = ()

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the sent text to the producer's text (a placeholder maps to its value)."""
        return self._map(start, is_end=False), self._map(end, is_end=True)

    def _map(self, position: int, *, is_end: bool) -> int:
        shift = 0
        for sent_start, sent_end, orig_start, orig_end in self._spans:
            if position < sent_start or (is_end and position == sent_start):
                break
            if position < sent_end or (is_end and position == sent_end):
                return orig_end if is_end else orig_start
            shift = orig_end - sent_end
        return position + shift


def _matches(text: str) -> list[tuple[int, int, RedactionKind]]:
    taken: list[tuple[int, int, RedactionKind]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in taken)

    for kind, pattern, group in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span(group)
            if kind == "phone":
                digits = sum(char.isdigit() for char in match.group(0))
                if not _PHONE_DIGITS[0] <= digits <= _PHONE_DIGITS[1]:
                    continue
            if end > start and free(start, end):
                taken.append((start, end, kind))
    return sorted(taken)


def redact(text: str) -> RedactedText:
    """Replace personal data in `text` by placeholders; see the module docstring."""
    numbering: dict[tuple[RedactionKind, str], str] = {}
    counts: dict[RedactionKind, int] = {}
    pieces: list[str] = []
    spans: list[tuple[int, int, int, int]] = []
    redactions: list[Redaction] = []
    cursor = 0
    sent_length = 0
    for start, end, kind in _matches(text):
        value = " ".join(text[start:end].split()).lower()
        placeholder = numbering.get((kind, value))
        if placeholder is None:
            counts[kind] = counts.get(kind, 0) + 1
            placeholder = numbering[(kind, value)] = f"[{_PLACEHOLDER[kind]}_{counts[kind]}]"
        pieces.append(text[cursor:start])
        sent_length += start - cursor
        spans.append((sent_length, sent_length + len(placeholder), start, end))
        pieces.append(placeholder)
        sent_length += len(placeholder)
        redactions.append(Redaction(kind, placeholder, start, end))
        cursor = end
    pieces.append(text[cursor:])
    return RedactedText("".join(pieces), text, tuple(redactions), tuple(spans))


def unredacted(text: str) -> RedactedText:
    """The text sent as is (an enterprise-secured endpoint)."""
    return RedactedText(text, text, ())

"""Loading knowledge/: guidance passages, the question bank, and the knowledge directory.

Everything here is read once per process and cached; the files are data a non-programmer
can edit, and every load validates and names the file at fault.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Mapping

import yaml

from ._declaration import FACT_NAMES
from ._errors import KnowledgeError

Lang = Literal["en", "fr"]
LANGS: tuple[Lang, ...] = ("en", "fr")

_HEADING = re.compile(r"^## (?P<id>[a-z0-9][a-z0-9-]*) \| (?P<section>G\d(?:\.\d)?) \| (?P<title>.+)$")


def knowledge_dir() -> Path:
    """The knowledge directory: $GREENLIGHT_KNOWLEDGE_DIR, else `knowledge/` beside the package."""
    override = os.environ.get("GREENLIGHT_KNOWLEDGE_DIR")
    return Path(override) if override else Path(__file__).resolve().parent.parent / "knowledge"


def load_yaml(path: Path) -> Any:
    """Parse a YAML file, turning every failure into a KnowledgeError that names the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KnowledgeError(f"cannot read the file ({exc.strerror}); check GREENLIGHT_KNOWLEDGE_DIR", path=path) from exc
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"is not valid YAML: {exc}", path=path) from exc


@dataclass(frozen=True)
class Passage:
    """One passage of the guidance, in one language.

    Attributes:
        id: stable kebab-case id, the same in every language (rules cite it).
        section: guidance section id, "G1" to "G9" (see GUIDANCE.md).
        title: short title in the passage's language.
        text: the passage's body.
        lang: "en" or "fr".
    """

    id: str
    section: str
    title: str
    text: str
    lang: Lang


def parse_guidance(text: str, lang: Lang, path: Path | None = None) -> list[Passage]:
    """Split a guidance Markdown file into passages at its `## id | section | title` headings."""
    passages: list[Passage] = []
    current: dict[str, str] | None = None
    body: list[str] = []

    def close() -> None:
        if current is None:
            return
        content = "\n".join(body).strip()
        if not content:
            raise KnowledgeError(f"passage {current['id']!r} has no text", path=path)
        passages.append(Passage(current["id"], current["section"], current["title"].strip(), content, lang))

    for line_number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## "):
            match = _HEADING.match(line.rstrip())
            if not match:
                raise KnowledgeError(
                    f"line {line_number}: a passage heading must read '## passage-id | G3.1 | Title'", path=path
                )
            close()
            current, body = match.groupdict(), []
        elif current is not None:
            body.append(line)
    close()
    ids = [p.id for p in passages]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise KnowledgeError(f"duplicate passage ids {duplicates}", path=path)
    return passages


@functools.cache
def passages(lang: Lang | None = None) -> tuple[Passage, ...]:
    """Every guidance passage, in `lang` or in all languages (English first).

    Raises:
        KnowledgeError: a guidance file is missing, malformed, or its ids differ between languages.
    """
    if lang is not None:
        path = knowledge_dir() / "guidance" / f"{lang}.md"
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise KnowledgeError("guidance file missing; restore it from git", path=path) from exc
        return tuple(parse_guidance(text, lang, path))
    by_lang = {code: passages(code) for code in LANGS}
    reference = [p.id for p in by_lang["en"]]
    for code, items in by_lang.items():
        if [p.id for p in items] != reference:
            raise KnowledgeError(
                f"guidance/{code}.md must hold the same passage ids, in the same order, as guidance/en.md",
                path=knowledge_dir() / "guidance" / f"{code}.md",
            )
    return tuple(p for code in LANGS for p in by_lang[code])


@functools.cache
def passage_index() -> Mapping[tuple[str, str], Passage]:
    """(passage id, lang) → passage."""
    return {(p.id, p.lang): p for p in passages()}


def passage_ids() -> frozenset[str]:
    """The ids of every passage (the same in every language)."""
    return frozenset(p.id for p in passages("en"))


def passage(passage_id: str, lang: Lang = "en") -> Passage:
    """The passage with this id in this language.

    Raises:
        KeyError: no such passage (the message lists how to see valid ids).
    """
    try:
        return passage_index()[(passage_id, lang)]
    except KeyError:
        raise KeyError(f"no passage {passage_id!r} in {lang}; `greenlight policy --passages` lists them") from None


@dataclass(frozen=True)
class QuestionSpec:
    """How to ask about one fact, from knowledge/questions.yaml."""

    fact: str
    order: int
    group: str
    label: Mapping[str, str]
    ask: Mapping[str, str]
    explain: Mapping[str, str]


@functools.cache
def question_bank() -> Mapping[str, QuestionSpec]:
    """Fact name → its question spec, validated: every fact has one, in both languages.

    Raises:
        KnowledgeError: a fact is missing, unknown, or lacks a language.
    """
    path = knowledge_dir() / "questions.yaml"
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise KnowledgeError("must be a mapping of fact name → question", path=path)
    missing = [name for name in FACT_NAMES if name not in raw]
    unknown = sorted(set(raw) - set(FACT_NAMES))
    if missing or unknown:
        raise KnowledgeError(f"facts missing: {missing}; unknown facts: {unknown}", path=path)
    bank: dict[str, QuestionSpec] = {}
    for name, entry in raw.items():
        try:
            spec = QuestionSpec(
                fact=name,
                order=int(entry["order"]),
                group=str(entry["group"]),
                label=dict(entry["label"]),
                ask=dict(entry["ask"]),
                explain=dict(entry["explain"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise KnowledgeError(f"fact {name!r}: needs order, group, label, ask, explain ({exc})", path=path) from exc
        for field in ("label", "ask", "explain"):
            lacking = [code for code in LANGS if not getattr(spec, field).get(code)]
            if lacking:
                raise KnowledgeError(f"fact {name!r}: {field} lacks {lacking}", path=path)
        bank[name] = spec
    return dict(sorted(bank.items(), key=lambda item: item[1].order))

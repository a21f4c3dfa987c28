"""The bilingual glossary (knowledge/glossary.yaml): finding its terms in a query.

Each entry is one concept with its English and French terms; the first term of each language is
the guidance's own wording, the others are variants a producer may type. `Glossary.match` finds
the entries a query mentions, longest term first and without overlaps, so that "données
personnelles" is one match and not also a match on a shorter term inside it.

Matching is on whole words, folded like BM25's (case and accents), ignoring hyphens inside words
("lip-sync" = "lipsync"), articles, elided letters and possessives ("cloner sa voix" = "cloner la
voix"), and plural -s ("répliques numériques" = "réplique numérique"). It deliberately does not
stem further: BM25's suffix stripping would make "poster" match "post-production" and
"likeness" match "like".

How retrieval uses the matches is decided in _search; this module only loads, validates and
matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Sequence

from .._errors import KnowledgeError
from .._knowledge import LANGS, knowledge_dir, load_yaml
from ._lexical import fold

__all__ = ["Glossary", "GlossaryEntry", "expansion", "glossary_path", "load_glossary", "parse_glossary", "term_words"]

_WORD = re.compile(r"[a-z0-9]+")
_INNER_HYPHEN = re.compile(r"(?<=[a-z0-9])[-‐‑](?=[a-z0-9])")
# Words that never carry the concept: English and French articles, elided letters, possessives.
_IGNORED = frozenset(
    "a an the of l d j n s c qu m t le la les de des du un une "
    "my your his her its our their mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs".split()
)


def glossary_path() -> Path:
    """knowledge/glossary.yaml under the knowledge directory ($GREENLIGHT_KNOWLEDGE_DIR aware)."""
    return knowledge_dir() / "glossary.yaml"


def term_words(text: str) -> tuple[str, ...]:
    """The words a term or query is matched on: "Répliques numériques" → ("replique", "numerique")."""
    words = []
    for word in _WORD.findall(_INNER_HYPHEN.sub("", fold(text))):
        if word in _IGNORED:
            continue
        if word.endswith("sses"):
            word = word[:-2]
        elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
            word = word[:-1]
        if word.endswith("ee") and len(word) > 4:  # French past participles: "importée" = "importé"
            word = word[:-1]
        words.append(word)
    return tuple(words)


@dataclass(frozen=True)
class GlossaryEntry:
    """One concept: its English and French terms, the guidance's own wording first."""

    en: tuple[str, ...]
    fr: tuple[str, ...]

    def terms(self, lang: str) -> tuple[str, ...]:
        return self.en if lang == "en" else self.fr

    @property
    def guidance_terms(self) -> tuple[str, str]:
        """The wording the guidance uses, in English and in French."""
        return self.en[0], self.fr[0]


@dataclass(frozen=True)
class Glossary:
    """Validated glossary entries and an index from term words to entries."""

    entries: tuple[GlossaryEntry, ...]
    index: Mapping[tuple[str, ...], int]
    longest: int

    def match(self, text: str) -> list[GlossaryEntry]:
        """The entries whose terms occur in `text`, longest terms first, without overlaps."""
        words = term_words(text)
        taken = [False] * len(words)
        found: list[int] = []
        for size in range(min(self.longest, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                entry = self.index.get(words[start : start + size])
                if entry is None or any(taken[start : start + size]):
                    continue
                taken[start : start + size] = [True] * size
                if entry not in found:
                    found.append(entry)
        return [self.entries[i] for i in found]


def parse_glossary(raw: object, path: Optional[Path] = None) -> Glossary:
    """Validate the parsed YAML of a glossary file.

    Raises:
        KnowledgeError: naming the file and the entry (1-based) at fault.
    """
    if not isinstance(raw, dict) or set(raw) != {"terms"} or not isinstance(raw["terms"], list) or not raw["terms"]:
        raise KnowledgeError("must be a mapping with one key, `terms`, holding a non-empty list", path=path)
    entries: list[GlossaryEntry] = []
    index: dict[tuple[str, ...], int] = {}
    for number, item in enumerate(raw["terms"], start=1):

        def fail(message: str) -> KnowledgeError:
            return KnowledgeError(f"entry {number} ({_describe(item)}): {message}", path=path)

        if not isinstance(item, dict) or set(item) != set(LANGS):
            raise fail(f"must have exactly the keys {list(LANGS)}")
        terms: dict[str, tuple[str, ...]] = {}
        for lang in LANGS:
            values = item[lang]
            if not isinstance(values, list) or not values:
                raise fail(f"`{lang}` must list at least one term")
            for value in values:
                if not isinstance(value, str) or not term_words(value):
                    raise fail(f"`{lang}` holds {value!r}, which is not a term (empty, or only articles)")
            keys = [term_words(v) for v in values]
            repeated = sorted({values[i] for i, key in enumerate(keys) if keys.index(key) != i})
            if repeated:
                raise fail(f"`{lang}` lists the same term twice: {repeated}")
            terms[lang] = tuple(v.strip() for v in values)
        position = len(entries)
        for lang in LANGS:
            for value in terms[lang]:
                key = term_words(value)
                other = index.setdefault(key, position)
                if other != position:
                    raise fail(f"{value!r} is already a term of entry {other + 1} ({_describe_entry(entries[other])}); "
                               "a term may belong to one concept only")
        entries.append(GlossaryEntry(en=terms["en"], fr=terms["fr"]))
    return Glossary(entries=tuple(entries), index=index, longest=max(len(key) for key in index))


def load_glossary(path: Optional[Path] = None) -> Glossary:
    """Read and validate knowledge/glossary.yaml (or `path`).

    Raises:
        KnowledgeError: the file cannot be read, is not YAML, or an entry is malformed.
    """
    path = path or glossary_path()
    return parse_glossary(load_yaml(path), path)


def _describe(item: object) -> str:
    if isinstance(item, dict):
        for lang in LANGS:
            values = item.get(lang)
            if isinstance(values, list) and values and isinstance(values[0], str):
                return repr(values[0])
    return "malformed"


def _describe_entry(entry: GlossaryEntry) -> str:
    return repr(entry.en[0])


def expansion(entries: Sequence[GlossaryEntry]) -> list[str]:
    """The guidance's wording (English, then French) of each matched concept, in match order."""
    return [term for entry in entries for term in entry.guidance_terms]

"""Document expansion ("doc2query"): the questions each guidance passage answers.

knowledge/guidance/questions.yaml maps a passage id to the questions producers would ask that
the passage answers, in English and French, in their words rather than the guidance's ("can I
make the actor look younger?", "la liste de l'équipe dans ChatGPT ?"):

    g9-talent-replication:
      en: ["Can I make the actor look younger?", ...]
      fr: ["Peut-on rajeunir l'acteur avec l'IA pour les flashbacks ?", ...]

The file is part of the indexed corpus (its bytes are in the content hash, see _corpus): an edit
rebuilds the index. How retrieval uses the questions is decided in _search and _store; this
module only parses and validates.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping, Optional

from .._errors import KnowledgeError
from .._knowledge import LANGS, knowledge_dir

__all__ = ["Questions", "count", "parse_questions", "questions_path"]

#: passage id → lang → the questions, in file order.
Questions = Mapping[str, Mapping[str, tuple[str, ...]]]


def questions_path() -> Path:
    """knowledge/guidance/questions.yaml under the knowledge directory ($GREENLIGHT_KNOWLEDGE_DIR aware)."""
    return knowledge_dir() / "guidance" / "questions.yaml"


def parse_questions(raw: object, ids: Iterable[str], path: Optional[Path] = None) -> dict[str, dict[str, tuple[str, ...]]]:
    """Validate the parsed YAML of a questions file against the passage ids.

    Every key must be a passage id of the guidance; every entry needs exactly the keys `en` and
    `fr`, each a non-empty list of distinct, non-empty questions. A passage may have no entry
    (it is then found by its own text only); an empty file means no questions at all.

    Raises:
        KnowledgeError: naming the file and the entry at fault.
    """
    known = list(ids)
    if raw is None:  # an empty file: no questions, passages are found by their own text
        return {}
    if not isinstance(raw, dict):
        raise KnowledgeError("must be a mapping of passage id → {en: [questions], fr: [questions]}", path=path)
    result: dict[str, dict[str, tuple[str, ...]]] = {}
    for key, entry in raw.items():

        def fail(message: str) -> KnowledgeError:
            return KnowledgeError(f"entry {key!r}: {message}", path=path)

        if not isinstance(key, str) or key not in known:
            close = [pid for pid in known if isinstance(key, str) and (key in pid or pid in key)]
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise fail(f"is not a passage id of guidance/en.md{hint}")
        if not isinstance(entry, dict) or set(entry) != set(LANGS):
            found = sorted(map(str, entry)) if isinstance(entry, dict) else type(entry).__name__
            raise fail(f"must have exactly the keys {list(LANGS)} (found {found})")
        questions: dict[str, tuple[str, ...]] = {}
        for lang in LANGS:
            values = entry[lang]
            if not isinstance(values, list) or not values:
                raise fail(f"`{lang}` must list at least one question")
            for number, value in enumerate(values, start=1):
                if not isinstance(value, str) or not value.strip():
                    raise fail(f"`{lang}` question {number} is {value!r}, not a question")
            cleaned = [value.strip() for value in values]
            seen: set[str] = set()
            for value in cleaned:
                if value.casefold() in seen:
                    raise fail(f"`{lang}` lists the same question twice: {value!r}")
                seen.add(value.casefold())
            questions[lang] = tuple(cleaned)
        result[key] = questions
    # In passage order, so that everything derived from it is deterministic.
    return {pid: result[pid] for pid in known if pid in result}


def count(questions: Questions) -> int:
    """How many questions there are, over passages and languages."""
    return sum(len(texts) for entry in questions.values() for texts in entry.values())

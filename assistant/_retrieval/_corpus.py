"""The corpus to index: every guidance passage in every language, the questions each answers
(knowledge/guidance/questions.yaml, see _questions), and their content hash.

The files are read and parsed here (rather than through the cached `passages()`) so that the
hash and the passages always come from the same bytes: when a knowledge file is edited while a
process runs, the next query sees a new hash and the index is rebuilt from the new text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import yaml

from .._errors import KnowledgeError
from .._knowledge import LANGS, Passage, parse_guidance
from ._paths import guidance_files
from ._questions import parse_questions, questions_path

__all__ = ["INDEX_SCHEMA", "Corpus", "file_signature", "load_corpus"]

#: Bump when the way passages are turned into index entries changes: it forces a rebuild.
INDEX_SCHEMA = "2"


@dataclass(frozen=True)
class Corpus:
    """Passages of every language, with the hash of the files they came from.

    Attributes:
        passages: every passage, English first, in file order.
        content_hash: sha256 over the guidance files' bytes (questions included) and INDEX_SCHEMA.
        signature: (path, size, mtime) of each file, a cheap change detector.
        ids: passage ids in file order (the same in every language).
        questions: passage id → lang → the questions it answers (passages without any are absent).
    """

    passages: tuple[Passage, ...]
    content_hash: str
    signature: tuple[tuple[str, int, int], ...]
    ids: tuple[str, ...]
    by_key: Mapping[tuple[str, str], Passage] = field(repr=False)
    questions: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict, repr=False)

    def get(self, passage_id: str, lang: str) -> Passage:
        """The passage with this id in `lang`, else in English."""
        return self.by_key.get((passage_id, lang)) or self.by_key[(passage_id, "en")]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted({p.lang for p in self.passages}, key=LANGS.index))


def signature(paths: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    """(path, size, mtime_ns) of each file; (path, -1, -1) for a missing one. A cheap check
    of whether files changed, before hashing their content."""
    result = []
    for path in paths:
        try:
            stat = path.stat()
            result.append((str(path), stat.st_size, stat.st_mtime_ns))
        except OSError:
            result.append((str(path), -1, -1))
    return tuple(result)


def corpus_files() -> list[Path]:
    """The files the index is built from: the guidance in each language, then the questions."""
    return [*guidance_files().values(), questions_path()]


def file_signature() -> tuple[tuple[str, int, int], ...]:
    """The signature of the guidance files and the questions file."""
    return signature(corpus_files())


def _read_bytes(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise KnowledgeError(
            f"{what} file missing ({exc.strerror}); restore it from git or check GREENLIGHT_KNOWLEDGE_DIR",
            path=path,
        ) from None


def load_corpus() -> Corpus:
    """Read, hash and parse the guidance files and the questions file.

    Raises:
        KnowledgeError: a file is missing or malformed, the languages hold different ids, or
            the questions name an unknown passage.
    """
    signature = file_signature()
    digest = hashlib.sha256(f"greenlight-index-schema:{INDEX_SCHEMA}\n".encode())
    by_lang: dict[str, list[Passage]] = {}
    for lang, path in guidance_files().items():
        data = _read_bytes(path, "guidance")
        digest.update(f"{lang}:{len(data)}\n".encode())
        digest.update(data)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise KnowledgeError(f"is not valid UTF-8 (byte {exc.start}); save it as UTF-8", path=path) from None
        by_lang[lang] = parse_guidance(text, lang, path)  # type: ignore[arg-type]
    reference = [p.id for p in by_lang["en"]]
    for lang, items in by_lang.items():
        if [p.id for p in items] != reference:
            raise KnowledgeError(
                f"guidance/{lang}.md must hold the same passage ids, in the same order, as guidance/en.md",
                path=guidance_files()[lang],
            )
    path = questions_path()
    data = _read_bytes(path, "questions")
    digest.update(f"questions:{len(data)}\n".encode())
    digest.update(data)
    questions = parse_questions(_yaml(data, path), reference, path)
    everything = tuple(p for lang in by_lang for p in by_lang[lang])
    return Corpus(
        passages=everything,
        content_hash=digest.hexdigest(),
        signature=signature,
        ids=tuple(reference),
        by_key={(p.id, p.lang): p for p in everything},
        questions=questions,
    )


def _yaml(data: bytes, path: Path) -> object:
    """Parse YAML bytes (the very bytes that were hashed); errors name the file."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise KnowledgeError(f"is not valid UTF-8 (byte {exc.start}); save it as UTF-8", path=path) from None
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"is not valid YAML: {exc}", path=path) from None

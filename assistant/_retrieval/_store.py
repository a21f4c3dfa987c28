"""The Chroma index of guidance passages: where it lives, when it is rebuilt, how it is queried.

One Chroma collection, `greenlight-guidance`, holds one entry per passage and language (id
`<passage id>:<lang>`, metadata id/lang/section/title/kind "passage") and one per question of
knowledge/guidance/questions.yaml (id `<passage id>:<lang>:q<n>`, metadata id/lang/kind
"question"), so that a query similar to a question a passage answers finds that passage. Its
collection metadata records the knowledge content hash, the index schema and the embedder; the
index is reused when they match and the entry count is right, and rebuilt (deleted and
re-created) otherwise.

Embedded by default (chromadb.PersistentClient under `<data dir>/chroma`); a Chroma server when
$GREENLIGHT_CHROMA_URL is set, so a team can share one index. Every chromadb error is translated
into a RetrievalError here; none leaks to callers.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from typing import Any, Iterator, Sequence
from urllib.parse import urlsplit

from .._errors import GreenlightError, RetrievalError
from ._corpus import INDEX_SCHEMA, Corpus
from ._embeddings import EMBEDDER_NAME, MODEL_SHA256, MiniLMEmbeddingFunction
from ._paths import chroma_dir, chroma_url

__all__ = ["COLLECTION", "ChromaIndex", "location"]

COLLECTION = "greenlight-guidance"


def location() -> str:
    """Where the index lives, for humans: the server URL or the directory."""
    return chroma_url() or str(chroma_dir())


@contextlib.contextmanager
def _translated(action: str) -> Iterator[None]:
    """Turn any chromadb (or transport, or sqlite) error into a RetrievalError naming the fix."""
    try:
        yield
    except GreenlightError:
        raise
    except Exception as exc:  # chromadb raises ChromaError, ValueError, httpx and sqlite errors
        url = chroma_url()
        if url:
            hint = f"check that the Chroma server at GREENLIGHT_CHROMA_URL={url} is running and reachable"
        else:
            hint = f"run `greenlight index` to rebuild it, or delete {chroma_dir()} (it is rebuilt on next use)"
        raise RetrievalError(
            f"the guideline index could not {action}: {type(exc).__name__}: {exc}; {hint}",
            code="index-unavailable",
        ) from exc


def _client() -> Any:
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    url = chroma_url()
    if url:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise RetrievalError(
                f"GREENLIGHT_CHROMA_URL={url!r} is not an http(s)://host:port URL", code="index-url-invalid"
            )
        port = parts.port or (443 if parts.scheme == "https" else 8000)
        return chromadb.HttpClient(host=parts.hostname, port=port, ssl=parts.scheme == "https", settings=settings)
    path = chroma_dir()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RetrievalError(
            f"cannot create the index directory {path} ({exc.strerror}); set GREENLIGHT_DATA_DIR to a writable directory",
            code="index-unavailable",
        ) from None
    return chromadb.PersistentClient(path=str(path), settings=settings)


def _entry_text(title: str, text: str) -> str:
    return f"{title}\n{text}"


def _entries(corpus: Corpus) -> tuple[list[str], list[str], list[dict[str, str]]]:
    """(ids, documents, metadatas) of every entry: each passage text, then each question."""
    ids, documents, metadatas = [], [], []
    for p in corpus.passages:
        ids.append(f"{p.id}:{p.lang}")
        documents.append(_entry_text(p.title, p.text))
        metadatas.append({"id": p.id, "lang": p.lang, "section": p.section, "title": p.title, "kind": "passage"})
    for passage_id, by_lang in corpus.questions.items():
        for lang, questions in by_lang.items():
            for number, question in enumerate(questions, start=1):
                ids.append(f"{passage_id}:{lang}:q{number}")
                documents.append(question)
                metadatas.append({"id": passage_id, "lang": lang, "kind": "question"})
    return ids, documents, metadatas


@dataclass
class ChromaIndex:
    """An open, up-to-date collection for one corpus.

    Attributes:
        rebuilt: whether opening it had to (re)build the collection.
        build_seconds: time spent building (0.0 when reused).
        entries: number of entries (passages × languages, plus the questions).
    """

    collection: Any
    rebuilt: bool
    build_seconds: float
    entries: int

    @classmethod
    def open(cls, corpus: Corpus, embedder: MiniLMEmbeddingFunction, *, force: bool = False) -> "ChromaIndex":
        """Open the collection, rebuilding it if forced or if it does not match `corpus`.

        Raises:
            RetrievalError: Chroma cannot be reached, read or written (code "index-unavailable").
        """
        expected = {
            "knowledge_sha256": corpus.content_hash,
            "schema": INDEX_SCHEMA,
            "embedder": EMBEDDER_NAME,
            "model_sha256": MODEL_SHA256,
        }
        ids, documents, metadatas = _entries(corpus)
        with _translated("be opened"):
            client = _client()
            collection = None
            if not force:
                from chromadb.errors import NotFoundError

                try:
                    collection = client.get_collection(COLLECTION, embedding_function=embedder)
                except (NotFoundError, ValueError):
                    collection = None
            if collection is not None:
                metadata = dict(collection.metadata or {})
                current = all(metadata.get(key) == value for key, value in expected.items())
                if current and collection.count() == len(ids):
                    return cls(collection, rebuilt=False, build_seconds=0.0, entries=len(ids))
        with _translated("be built"):
            started = time.perf_counter()
            from chromadb.errors import NotFoundError

            with contextlib.suppress(NotFoundError, ValueError):
                client.delete_collection(COLLECTION)
            collection = client.create_collection(
                COLLECTION,
                embedding_function=embedder,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={**expected, "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
            )
            collection.add(ids=ids, documents=documents, metadatas=metadatas)
            seconds = time.perf_counter() - started
        return cls(collection, rebuilt=True, build_seconds=seconds, entries=len(ids))

    def similarities(self, query: str) -> list[tuple[str, str, float]]:
        """Every entry as (passage id, lang, cosine similarity), most similar first. A passage
        appears once per language and once per question it answers.

        Raises:
            RetrievalError: the query failed (code "index-unavailable").
        """
        return self.similarities_many([query])[0]

    def similarities_many(self, queries: Sequence[str]) -> list[list[tuple[str, str, float]]]:
        """`similarities` for several texts in one Chroma query (one list per text, in order).

        Raises:
            RetrievalError: the query failed (code "index-unavailable").
        """
        # Passage id and language are read from the entry id ("<id>:<lang>[:q<n>]"): fetching the
        # metadata of all 600-odd entries took 10 ms of a 13 ms query, the distances alone 2 ms.
        with _translated("be queried"):
            result = self.collection.query(query_texts=list(queries), n_results=self.entries, include=["distances"])
        return [
            [(*_passage_key(entry), 1.0 - float(d)) for entry, d in zip(ids, distances)]
            for ids, distances in zip(result["ids"], result["distances"])
        ]


def _passage_key(entry_id: str) -> tuple[str, str]:
    """(passage id, lang) of an entry id: "g7-quality:fr:q3" → ("g7-quality", "fr")."""
    passage_id, lang = entry_id.split(":", 2)[:2]
    return passage_id, lang

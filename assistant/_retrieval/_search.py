"""retrieve(): hybrid guideline retrieval (MiniLM embeddings + BM25, fused by reciprocal rank).

Per process, the corpus, the BM25 index, the embedder and the open Chroma collection are built
once, on first use, and kept (lazy singletons, guarded by a lock for multi-threaded callers such
as Streamlit); a change of GREENLIGHT_* settings gives a new engine. Each query first compares
the guidance files' size and mtime with those indexed;
only when they differ is the content hash recomputed, and only when the hash differs is the
index rebuilt.

Rankings are grouped by passage id: a hit on the English or the French text of a passage counts
for that passage (its best rank over languages), and the passage is returned in the query's
language (`lang`, else detected from the query).
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from dataclasses import asdict, dataclass
from typing import Callable, Literal, Optional

from .._errors import InputError, RetrievalError
from .._knowledge import LANGS, Lang
from .._lang import detect_lang
from ._corpus import Corpus, file_signature, load_corpus
from ._lexical import BM25, char_ngrams, tokenize

__all__ = ["IndexInfo", "Mode", "RetrievedPassage", "ensure_index", "index_info", "reset", "retrieve"]

logger = logging.getLogger("assistant.retrieval")

Mode = Literal["hybrid", "embedding", "lexical"]
MODES: tuple[str, ...] = ("hybrid", "embedding", "lexical")

#: Reciprocal rank fusion: score(id) = Σ weight / (RRF_K + rank) over the rankings. Three
#: rankings: MiniLM embeddings, BM25 over stemmed words, BM25 over character 4-grams. MiniLM
#: is an English model, so its vote counts half on French queries. Measured on the dev split
#: only (evals/retrieval_metrics.py); the test split was never used to choose these.
RRF_K = 20
WEIGHTS = {"embedding": 1.0, "words": 1.0, "chars": 1.0}
FRENCH_EMBEDDING_WEIGHT = 0.5


@dataclass(frozen=True)
class RetrievedPassage:
    """A guidance passage retrieved for a query.

    Attributes:
        id: the passage id (cite it; `assistant.passage(id, lang)` returns the passage).
        section: guidance section, "G1" to "G9".
        title: the passage title, in `lang`.
        text: the passage body, in `lang`.
        lang: the language of title and text ("en" or "fr").
        score: relevance within this result list, higher is better. Hybrid: the fused score
            scaled to 0-1 (1 = ranked first by every ranker); embedding: cosine similarity;
            lexical: the fused word and character BM25 rankings, scaled the same way.
            Compare scores only within one mode.
    """

    id: str
    section: str
    title: str
    text: str
    lang: Lang
    score: float

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class IndexInfo:
    """What the retrieval index holds and how it was built.

    Attributes:
        passages: distinct passage ids.
        entries: indexed texts (passages × languages).
        languages: languages indexed.
        knowledge_sha256: content hash of the guidance files.
        embedder: the embedding model in use, or None when retrieval is lexical only.
        fallback_reason: why the embedder is not in use (None when it is).
        location: the Chroma directory or server URL (None when lexical only).
        rebuilt: whether this process (re)built the Chroma collection.
        build_seconds: time spent embedding and writing the collection (0 when reused).
    """

    passages: int
    entries: int
    languages: tuple[str, ...]
    knowledge_sha256: str
    embedder: Optional[str]
    fallback_reason: Optional[str]
    location: Optional[str]
    rebuilt: bool
    build_seconds: float

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class _Engine:
    """Everything one corpus needs to answer queries."""

    def __init__(self, corpus: Corpus, *, force: bool = False) -> None:
        self.corpus = corpus
        self.settings: tuple[str, ...] = ()
        self.bm25_words = BM25(_lexical_documents(corpus, tokenize))
        self.bm25_chars = BM25(_lexical_documents(corpus, char_ngrams))
        self.index = None
        self.embedder_name: Optional[str] = None
        self.fallback_reason: Optional[str] = None
        embedder = _embedder()
        if isinstance(embedder, str):
            self.fallback_reason = embedder
        else:
            from ._store import ChromaIndex

            self.index = ChromaIndex.open(corpus, embedder, force=force)
            self.embedder_name = embedder.describe()

    def info(self) -> IndexInfo:
        from ._store import location

        return IndexInfo(
            passages=len(self.corpus.ids),
            entries=len(self.corpus.passages),
            languages=self.corpus.languages,
            knowledge_sha256=self.corpus.content_hash,
            embedder=self.embedder_name,
            fallback_reason=self.fallback_reason,
            location=location() if self.index is not None else None,
            rebuilt=bool(self.index and self.index.rebuilt),
            build_seconds=self.index.build_seconds if self.index else 0.0,
        )

    def lexical_rankings(self, query: str) -> dict[str, list[tuple[str, float]]]:
        """BM25 over words and over character n-grams, each best first (matching passages only)."""
        order = {pid: i for i, pid in enumerate(self.corpus.ids)}
        return {
            name: sorted(bm25.scores(terms(query)).items(), key=lambda item: (-item[1], order[item[0]]))
            for name, bm25, terms in (("words", self.bm25_words, tokenize), ("chars", self.bm25_chars, char_ngrams))
        }

    def embedding_ranking(self, query: str) -> list[tuple[str, float]]:
        if self.index is None:
            raise RetrievalError(
                f"embedding retrieval is unavailable: {self.fallback_reason}", code="embedder-unavailable"
            )
        best: dict[str, float] = {}
        for passage_id, _lang, similarity in self.index.similarities(query):
            if similarity > best.get(passage_id, float("-inf")):
                best[passage_id] = similarity
        return sorted(best.items(), key=lambda item: -item[1])


def _lexical_documents(corpus: Corpus, terms: Callable[[str], list[str]]) -> dict[str, list[str]]:
    """Passage id → terms of its title (counted twice) and text in every language.

    One document per passage id holding both languages, so a hit in either counts for the id.
    """
    documents: dict[str, list[str]] = {passage_id: [] for passage_id in corpus.ids}
    for p in corpus.passages:
        documents[p.id].extend(terms(p.title) * 2 + terms(p.text))
    return documents


_FRENCH_LETTERS = re.compile(r"[àâçéèêëîïôûùüÿœæ]")


def _accent_default(query: str) -> Lang:
    """Tie-break for short queries without function words: "réplique numérique" is French."""
    return "fr" if _FRENCH_LETTERS.search(query.lower()) else "en"


def _fuse(rankings: dict[str, list[tuple[str, float]]], weights: dict[str, float]) -> list[tuple[str, float]]:
    """Weighted reciprocal rank fusion, scaled so that first place in every ranking scores 1.0.

    Ties keep the order of first appearance (embedding ranking first), so results are stable.
    """
    fused: dict[str, float] = {}
    for name, ranking in rankings.items():
        for rank, (passage_id, _score) in enumerate(ranking, start=1):
            fused[passage_id] = fused.get(passage_id, 0.0) + weights[name] / (RRF_K + rank)
    best = sum(weights[name] / (RRF_K + 1) for name in rankings) or 1.0
    return sorted(((pid, score / best) for pid, score in fused.items()), key=lambda item: -item[1])


# --- per-process state -------------------------------------------------------------------

_lock = threading.RLock()
_engine_cache: Optional[_Engine] = None
_embedder_cache: dict[tuple[str, str], object] = {}
_warned: set[str] = set()


def _embedder_key() -> tuple[str, str]:
    return (os.environ.get("GREENLIGHT_EMBEDDING_MODEL", ""), os.environ.get("GREENLIGHT_TOKENIZER", ""))


def _embedder() -> object:
    """The shared embedder, or a string saying why there is none (cached per model location)."""
    key = _embedder_key()
    with _lock:
        if key not in _embedder_cache:
            try:
                from ._embeddings import MiniLMEmbeddingFunction

                _embedder_cache[key] = MiniLMEmbeddingFunction()
            except ImportError as exc:
                _embedder_cache[key] = (
                    f"{exc.name or 'a retrieval dependency'} is not installed "
                    "(pip install -e '.[retrieval]'); using lexical retrieval only"
                )
            except RetrievalError as exc:
                _embedder_cache[key] = f"{exc}; using lexical retrieval only"
            reason = _embedder_cache[key]
            if isinstance(reason, str) and reason not in _warned:
                _warned.add(reason)
                logger.warning("guideline retrieval: %s", reason)
        return _embedder_cache[key]


def _settings() -> tuple[str, ...]:
    """The environment an engine was built for; a change (e.g. another data dir) means a new engine."""
    from ._paths import chroma_dir, chroma_url, guidance_files

    return (chroma_url() or str(chroma_dir()), *map(str, guidance_files().values()), *_embedder_key())


def _engine(*, force: bool = False) -> _Engine:
    """The engine for the current settings and knowledge files, (re)built when either changed."""
    global _engine_cache
    with _lock:
        engine = _engine_cache
        settings = _settings()
        if engine is not None and (force or engine.settings != settings):
            engine = None
        if engine is not None and engine.corpus.signature == file_signature():
            return engine
        corpus = load_corpus()
        if engine is not None and engine.corpus.content_hash == corpus.content_hash:
            engine.corpus = corpus  # touched but unchanged: remember the new mtimes
            return engine
        _engine_cache = _Engine(corpus, force=force)
        _engine_cache.settings = settings
        return _engine_cache


def reset() -> None:
    """Forget the cached engine and embedder, as a new process would (tests).

    Not needed after changing GREENLIGHT_* variables: the next query notices and adapts.
    """
    global _engine_cache
    with _lock:
        _engine_cache = None
        _embedder_cache.clear()
        _warned.clear()


def ensure_index(*, force: bool = False) -> IndexInfo:
    """Make the index current (building it if missing or stale, or always when `force`).

    Returns:
        What the index holds, whether it was rebuilt and how long that took.

    Raises:
        RetrievalError: Chroma could not be opened or written.
        KnowledgeError: a guidance file is missing or malformed.
    """
    return _engine(force=force).info()


def index_info() -> IndexInfo:
    """What the current index holds (building it first if needed)."""
    return _engine().info()


def retrieve(query: str, k: int = 3, *, lang: Optional[str] = None, mode: Mode = "hybrid") -> list[RetrievedPassage]:
    """The guidance passages that best answer `query`, best first.

        >>> [p.id for p in retrieve("What is visual ADR?", k=1)]
        ['g3-3-performance-alteration']

    Args:
        query: a question or keywords, in English or French.
        k: how many passages to return (at most one per passage id).
        lang: language of the returned passages, "en" or "fr"; default: the query's language.
        mode: "hybrid" (default: embeddings and BM25 fused), "embedding" or "lexical". When the
            embedding model cannot be loaded, "hybrid" falls back to lexical ranking (logged
            once, and shown by `index_info().fallback_reason`).

    Returns:
        Up to `k` passages; fewer when lexical ranking finds fewer matching passages.

    Raises:
        InputError: the query is empty.
        RetrievalError: the index cannot be built or queried, or mode="embedding" while the
            embedding model is unavailable.
        ValueError: k < 1, or an unknown mode or language.
    """
    if not isinstance(query, str):
        raise TypeError(f"query must be a str, not {type(query).__name__}")
    if not query.strip():
        raise InputError("the question is empty; ask about a GenAI use, e.g. 'what is visual ADR?'", code="query-empty")
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive int, not {k!r}")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    if lang is not None and lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS} or None, not {lang!r}")
    query_lang = detect_lang(query, default=_accent_default(query))
    out_lang: Lang = lang or query_lang  # type: ignore[assignment]
    engine = _engine()
    weights = dict(WEIGHTS)
    if query_lang == "fr":
        weights["embedding"] = FRENCH_EMBEDDING_WEIGHT
    if mode == "embedding":
        ranking = engine.embedding_ranking(query)
    elif mode == "lexical" or engine.index is None:
        ranking = _fuse(engine.lexical_rankings(query), weights)
    else:
        ranking = _fuse({"embedding": engine.embedding_ranking(query), **engine.lexical_rankings(query)}, weights)
    results = []
    for passage_id, score in ranking[:k]:
        p = engine.corpus.get(passage_id, out_lang)
        results.append(RetrievedPassage(p.id, p.section, p.title, p.text, p.lang, round(float(score), 4)))
    return results


def timed_build() -> tuple[IndexInfo, float]:
    """Force a rebuild and return its info and wall time (seconds), embedder load included."""
    started = time.perf_counter()
    info = ensure_index(force=True)
    return info, time.perf_counter() - started

"""retrieve(): hybrid guideline retrieval (MiniLM embeddings + BM25, fused by score).

Per process, the corpus, the BM25 index, the embedder and the open Chroma collection are built
once, on first use, and kept (lazy singletons, guarded by a lock for multi-threaded callers such
as Streamlit); a change of GREENLIGHT_* settings gives a new engine. Each query first compares
the guidance files' size and mtime with those indexed;
only when they differ is the content hash recomputed, and only when the hash differs is the
index rebuilt.

Rankings are grouped by passage id: a hit on the English or the French text of a passage counts
for that passage (its best score over languages), and the passage is returned in the query's
language (`lang`, else detected from the query).

Each passage is indexed with the questions it answers (knowledge/guidance/questions.yaml, see
_questions, "doc2query"): they join its BM25 documents, and each is embedded as a vector of its
own that counts for the passage (a passage's similarity is the best over its texts and its
questions). A producer's wording that the passage never uses ("make the actor look younger")
then meets a question worded the same way.

A query goes through four steps, each measured on the dev split of the labelled queries
(evals/retrieval_metrics.py; the test split was not used to choose anything):

1. Glossary (knowledge/glossary.yaml, see _glossary): the concepts the query names add the
   guidance's own wording, in English and French, to both BM25 queries at a quarter of a query
   word's weight ("doublage" also looks for "dubbing"; "clone his voice" for "generated voice").
2. Three rankings: MiniLM cosine similarity (Chroma), BM25 over stemmed words, BM25 over
   character 4-grams.
3. Score fusion: each ranking's scores are min-max scaled to 0-1 and summed with WEIGHTS.
4. Related passages (_related): the passages the policy cites together with the top hit move
   most of the way up to it, so that the second and third results complete the answer; how far
   depends on how sure the rankings are of the top hit (RELATED_CONFIDENCE).

Dev split, hybrid, recall@3 / hit@3 / MRR: 0.688 / 0.938 / 0.826 before (reciprocal-rank
fusion, no glossary, no related passages); score fusion alone 0.691 / 0.938 / 0.870; plus
glossary 0.698 / 0.938 / 0.891; plus related passages 0.795 / 0.938 / 0.891; plus the questions
0.920 / 0.979 / 0.952 (see QUESTIONS below for the variants tried); plus the lift scaled by the
confidence in the top hit 0.934 / 1.000 / 0.958 (all dev, dev_extra.jsonl included: 0.860 /
0.947 / 0.920 → 0.890 / 0.974 / 0.927).
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from dataclasses import asdict, dataclass
from collections import Counter
from typing import Callable, Literal, Optional, Sequence

from .._errors import InputError, KnowledgeError, RetrievalError
from .._knowledge import LANGS, Lang
from .._lang import detect_lang
from ._corpus import Corpus, file_signature, load_corpus, signature
from ._glossary import Glossary, expansion, glossary_path, load_glossary
from ._lexical import BM25, char_ngrams, tokenize
from ._questions import count as question_count
from ._related import citation_relatedness, lift_related

__all__ = ["IndexInfo", "Mode", "RetrievedPassage", "ensure_index", "index_info", "reset", "retrieve"]

logger = logging.getLogger("assistant.retrieval")

Mode = Literal["hybrid", "embedding", "lexical"]
MODES: tuple[str, ...] = ("hybrid", "embedding", "lexical")

#: Score fusion: score(id) = Σ weight × (score − min) / (max − min) over the rankings, divided
#: by Σ weight (1.0 = first in every ranking). It replaced reciprocal rank fusion, which keeps
#: only ranks: when BM25 finds one passage far ahead of the rest ("visual ADR", "Squid Game"),
#: or MiniLM is confident, the margin now counts. Dev MRR 0.826 → 0.870, recall@3 unchanged;
#: the gain held for z-scores and max-scaling too, and for MiniLM weights 1.5-2.0.
#: MiniLM weighs twice a BM25 ranking on English queries (final dev MRR 0.862 at 1.0, 0.881 at
#: 1.5, 0.891 at 2.0 and at 2.5). It is an English model, so on French queries its weight is
#: halved, to that of one BM25 ranking (FRENCH_EMBEDDING_WEIGHT is the multiplier; dev French
#: MRR 0.861 at 0.25, 0.892 at 0.5, 0.849 at 1.0).
WEIGHTS = {"embedding": 2.0, "words": 1.0, "chars": 1.0}
FRENCH_EMBEDDING_WEIGHT = 0.5

#: Weight of a glossary expansion term in the BM25 queries, relative to a word of the query
#: (dev, hybrid, with the other settings here: recall@3 / MRR 0.771 / 0.869 without the
#: glossary, 0.795 / 0.891 at 0.25, 0.788 / 0.852 at 0.5, 0.781 / 0.852 at 1.0: expansions must
#: not outvote the producer's own words). Only the guidance's wording of each concept is added,
#: not every variant: that is what the passages say. Lexical mode alone: MRR 0.771 → 0.797
#: (English 0.665 → 0.746; French 0.876 → 0.848, where BM25 already had the French words).
GLOSSARY_WEIGHT = 0.25

#: How far the passages related to the top hit (cited together with it by a policy rule) move
#: up towards its score (see _related.lift_related). Dev, hybrid, recall@3 / MRR: 0.698 / 0.891
#: at 0, 0.760 / 0.891 at 0.5, 0.795 / 0.891 at 0.8, 0.806 / 0.888 at 0.9, 0.812 / 0.875 at 1.0
#: (partners tie with the top hit). 0.8 stays short of where MRR starts to pay. The top hit never
#: moves; MRR can only change when it is wrong and a partner passes the first right answer.
RELATED_LIFT = 0.8

#: ...and scaled by how sure the rankings are of that top hit: the lift is RELATED_LIFT ×
#: confidence, confidence = (top hit's fused score) ** RELATED_CONFIDENCE. A fused score is 1.0
#: only when every ranking puts the passage first, so partners of a top hit that all rankings
#: agree on move as before, while the partners of a top hit that barely won (often a wrong one)
#: hardly move and leave the next places to what the rankings found. All dev (dev.jsonl and
#: dev_extra.jsonl, 114 queries), hybrid, recall@3 / hit@3 / MRR: 0.860 / 0.947 / 0.920 without it
#: (dev.jsonl alone 0.920 / 0.979 / 0.952), 0.890 / 0.974 / 0.927 with it (0.934 / 1.000 / 0.958):
#: of the 6 queries the lift used to cost, 4 keep their answers. A plateau: 0.877-0.890 for
#: exponents 6-16 and RELATED_LIFT 0.7-0.85; the weighted share of rankings that put the top hit
#: first as the confidence did about as well (0.874-0.883), a margin over the second hit worse
#: (0.860-0.880). Lexical mode alone: 0.864 → 0.860 (one French query's second passage).
RELATED_CONFIDENCE = 8.0

# How the questions of knowledge/guidance/questions.yaml are used, measured on dev (hybrid,
# recall@3 / hit@3 / MRR; 0.795 / 0.938 / 0.891 without them):
#   - appended to the passage's BM25 documents (words and 4-grams), each question once:
#     0.892 / 0.958 / 0.948 (lexical mode alone 0.743 / 0.875 / 0.797 → 0.917 / 0.979 / 0.947);
#   - embedded, a passage scoring the best of its texts and its questions: 0.840 / 0.938 / 0.910
#     (embedding mode alone 0.587 / 0.729 / 0.621 → 0.802 / 0.917 / 0.874);
#   - both, as used: 0.920 / 0.979 / 0.952.
# Not better, within one query of it: each question counted 2 or 3 times in the BM25 documents
# (0.913 / 0.952-0.963); BM25 over the questions alone as extra rankings in the fusion, one
# document per passage or per question (0.899-0.906 at weight 1, 0.861-0.872 at 0.5); a
# passage's similarity as a mix (1 − a) × passage + a × best question (0.920 / 0.941-0.955 for
# a = 0.3-0.7, and worse in embedding mode alone); the best question's similarity as a ranking
# of its own (0.899-0.910). With the questions in, the other settings here are flat within a
# query: French embedding weight 0.5-1.0, MiniLM weight 1.0-2.5, RELATED_LIFT 0.5-0.9,
# GLOSSARY_WEIGHT 0-0.5 (recall@3 0.913-0.927); they were left as they were.


@dataclass(frozen=True)
class RetrievedPassage:
    """A guidance passage retrieved for a query.

    Attributes:
        id: the passage id (cite it; `assistant.passage(id, lang)` returns the passage).
        section: guidance section, "G1" to "G9".
        title: the passage title, in `lang`.
        text: the passage body, in `lang`.
        lang: the language of title and text ("en" or "fr").
        score: relevance within this result list, higher is better. Hybrid: the fused score,
            0-1 (1 = first in every ranking); embedding: cosine similarity; lexical: the fused
            word and character BM25 scores, 0-1 the same way. In every mode, passages that the
            policy cites with the top hit are lifted towards its score (never above it).
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
        entries: indexed passage texts (passages × languages).
        questions: questions indexed with them (knowledge/guidance/questions.yaml); each is
            embedded as an entry of its own in the Chroma collection.
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
    questions: int
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
        self.glossary: Optional[Glossary] = None
        self.related: dict[str, dict[str, float]] = {}
        self.aux_signature: tuple[tuple[str, int, int], ...] = ()
        self.load_aux()
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
            questions=question_count(self.corpus.questions),
            languages=self.corpus.languages,
            knowledge_sha256=self.corpus.content_hash,
            embedder=self.embedder_name,
            fallback_reason=self.fallback_reason,
            location=location() if self.index is not None else None,
            rebuilt=bool(self.index and self.index.rebuilt),
            build_seconds=self.index.build_seconds if self.index else 0.0,
        )

    def load_aux(self) -> None:
        """(Re)read the glossary and the policy's citations: knowledge that shapes queries, not the index.

        Raises:
            KnowledgeError: the glossary is missing or malformed.
            PolicyError: the policy is malformed.
        """
        from .._policy import parse_policy

        signature = _aux_signature()
        self.glossary = load_glossary()
        path = _policy_path()
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise KnowledgeError(f"cannot read the policy ({exc.strerror}); restore it from git", path=path) from None
        policy = parse_policy(data, path, frozenset(self.corpus.ids))
        self.related = citation_relatedness(rule.citations for rule in policy.rules)
        self.aux_signature = signature

    def lexical_rankings(self, query: str, expansion_terms: Sequence[str] = ()) -> dict[str, list[tuple[str, float]]]:
        """BM25 over words and over character n-grams, each best first (matching passages only).

        `expansion_terms` (glossary wording) join the query at GLOSSARY_WEIGHT per term.
        """
        order = {pid: i for i, pid in enumerate(self.corpus.ids)}
        rankings = {}
        for name, bm25, terms in (("words", self.bm25_words, tokenize), ("chars", self.bm25_chars, char_ngrams)):
            weighted: Counter[str] = Counter()
            for term in terms(query):
                weighted[term] += 1.0
            for text in expansion_terms:
                for term in terms(text):
                    weighted[term] += GLOSSARY_WEIGHT
            scores = bm25.scores(weighted)
            rankings[name] = sorted(scores.items(), key=lambda item: (-item[1], order[item[0]]))
        return rankings

    def embedding_ranking(self, query: str, also: Sequence[str] = ()) -> list[tuple[str, float]]:
        """Cosine similarity of each passage to the query, best first: the best over its texts (one
        per language) and the questions it answers (each embedded on its own).

        With `also` (more texts standing for the same question), a passage's similarity is the
        mean over the query and those texts.
        """
        if self.index is None:
            raise RetrievalError(
                f"embedding retrieval is unavailable: {self.fallback_reason}", code="embedder-unavailable"
            )
        texts = [query, *also]
        total: dict[str, float] = {}
        for similarities in self.index.similarities_many(texts):
            best: dict[str, float] = {}
            for passage_id, _lang, similarity in similarities:
                if similarity > best.get(passage_id, float("-inf")):
                    best[passage_id] = similarity
            for passage_id, similarity in best.items():
                total[passage_id] = total.get(passage_id, 0.0) + similarity / len(texts)
        return sorted(total.items(), key=lambda item: -item[1])


def _lexical_documents(corpus: Corpus, terms: Callable[[str], list[str]]) -> dict[str, list[str]]:
    """Passage id → terms of its title (counted twice) and text in every language, and of the
    questions it answers (questions.yaml, each once, both languages).

    One document per passage id holding both languages, so a hit in either counts for the id.
    """
    documents: dict[str, list[str]] = {passage_id: [] for passage_id in corpus.ids}
    for p in corpus.passages:
        documents[p.id].extend(terms(p.title) * 2 + terms(p.text))
    for passage_id, by_lang in corpus.questions.items():
        for questions in by_lang.values():
            for question in questions:
                documents[passage_id].extend(terms(question))
    return documents


_FRENCH_LETTERS = re.compile(r"[àâçéèêëîïôûùüÿœæ]")


def _accent_default(query: str) -> Lang:
    """Tie-break for short queries without function words: "réplique numérique" is French."""
    return "fr" if _FRENCH_LETTERS.search(query.lower()) else "en"


def _fuse(
    rankings: dict[str, list[tuple[str, float]]], weights: dict[str, float], ids: Sequence[str]
) -> list[tuple[str, float]]:
    """Weighted sum of min-max scaled scores, divided by the weights: first in every ranking = 1.0.

    Each ranking is scaled over all passages `ids` (a passage a BM25 ranking did not return
    scores 0 there), so a ranking's best passage gets 1 and its worst 0. A ranking whose scores
    are all equal (no query word matched) tells nothing and is left out. Only passages that some
    ranking returned are fused. Ties keep the order of first appearance (embedding ranking
    first), so results are stable.
    """
    total = sum(weights[name] for name in rankings) or 1.0
    fused: dict[str, float] = {}
    for name, ranking in rankings.items():
        scores = dict(ranking)
        for passage_id, _score in ranking:
            fused.setdefault(passage_id, 0.0)
        values = [scores.get(passage_id, 0.0) for passage_id in ids]
        low, high = min(values, default=0.0), max(values, default=0.0)
        if high <= low:
            continue
        for passage_id, score in ranking:
            fused[passage_id] += weights[name] * (score - low) / (high - low)
    return sorted(((pid, score / total) for pid, score in fused.items()), key=lambda item: -item[1])


def _confidence(ranking: Sequence[tuple[str, float]], fused: bool = True) -> float:
    """How sure the fused rankings are of the top hit: its fused score ** RELATED_CONFIDENCE.

    Not `fused` (embedding mode, whose scores are cosine similarities rather than agreement
    between rankings): always 1, the full lift.
    """
    if not ranking or not fused:
        return 1.0
    return max(0.0, min(1.0, ranking[0][1])) ** RELATED_CONFIDENCE


def _policy_path():
    from .._knowledge import knowledge_dir

    return knowledge_dir() / "policy.yaml"


def _aux_signature() -> tuple[tuple[str, int, int], ...]:
    """The signature of the glossary and the policy (see _corpus.signature)."""
    return signature((glossary_path(), _policy_path()))


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
            return _with_current_aux(engine)
        corpus = load_corpus()
        if engine is not None and engine.corpus.content_hash == corpus.content_hash:
            engine.corpus = corpus  # touched but unchanged: remember the new mtimes
            return _with_current_aux(engine)
        _engine_cache = _Engine(corpus, force=force)
        _engine_cache.settings = settings
        return _engine_cache


def _with_current_aux(engine: _Engine) -> _Engine:
    """The engine, its glossary and related passages re-read if their files changed (no re-indexing)."""
    if engine.aux_signature != _aux_signature():
        engine.load_aux()
    return engine


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
        weights["embedding"] *= FRENCH_EMBEDDING_WEIGHT
    concepts = engine.glossary.match(query) if engine.glossary else []
    if mode == "embedding":
        # Alone, MiniLM barely reads French: the English wording of the concepts a French query
        # names is embedded too, and each passage scores the mean of the two similarities (dev,
        # French queries, embedding only: recall@3 0.403 → 0.590, MRR 0.489 → 0.611). Not in
        # hybrid, where BM25 already matches the French words: there it cost dev MRR 0.891 → 0.869.
        english = list(dict.fromkeys(c.en[0] for c in concepts)) if query_lang == "fr" else []
        ranking = engine.embedding_ranking(query, [", ".join(english)] if english else [])
    elif mode == "lexical" or engine.index is None:
        ranking = _fuse(engine.lexical_rankings(query, expansion(concepts)), weights, engine.corpus.ids)
    else:
        rankings = {"embedding": engine.embedding_ranking(query), **engine.lexical_rankings(query, expansion(concepts))}
        ranking = _fuse(rankings, weights, engine.corpus.ids)
    ranking = lift_related(ranking, engine.related, RELATED_LIFT * _confidence(ranking, fused=mode != "embedding"))
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

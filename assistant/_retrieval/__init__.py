"""Guideline retrieval: which guidance passages answer a producer's question.

    >>> from assistant import retrieve
    >>> [p.id for p in retrieve("qu'est-ce qu'une réplique numérique ?", k=2)]  # doctest: +SKIP
    ['g7-digital-replica', 'g3-3-digital-replicas']

Hybrid by default: MiniLM-L6-v2 embeddings (an int8 ONNX file shipped in a PyPI package, run
offline; see _embeddings) in a Chroma index, fused with BM25 (_lexical) by score. Each passage is
indexed with the questions producers ask that it answers (_questions,
knowledge/guidance/questions.yaml): as BM25 text and as vectors of their own. Queries are
expanded with the bilingual glossary (_glossary, knowledge/glossary.yaml) and the passages the
policy cites with the top hit come next (_related). When the model cannot be loaded, retrieval
falls back to BM25 alone and says why.

This package is private; `assistant.retrieve` is the public entry point. The LangChain retriever
(`GuidanceRetriever`, `as_langchain_retriever`) loads langchain only when asked for. chromadb and
onnxruntime load on the first query, not on import.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._search import IndexInfo, Mode, RetrievedPassage, ensure_index, index_info, reset, retrieve

__all__ = [
    "GuidanceRetriever",
    "IndexInfo",
    "Mode",
    "RetrievedPassage",
    "as_langchain_retriever",
    "ensure_index",
    "index_info",
    "reset",
    "retrieve",
]

_LAZY = {"GuidanceRetriever": "._langchain", "as_langchain_retriever": "._langchain"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module, __name__), name)


if TYPE_CHECKING:
    from ._langchain import GuidanceRetriever, as_langchain_retriever

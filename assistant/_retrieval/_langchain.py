"""Guideline retrieval behind LangChain's retriever interface.

    >>> from assistant._retrieval import as_langchain_retriever
    >>> docs = as_langchain_retriever(k=2).invoke("visual ADR")  # doctest: +SKIP
    >>> docs[0].metadata["id"]
    'g3-3-performance-alteration'

A BaseRetriever over `retrieve()` rather than langchain-chroma's vector-store retriever, so that
LangChain callers get the same hybrid ranking, per-passage grouping and query-language answers
as everyone else, and RetrievalError instead of chromadb's errors.
"""

from __future__ import annotations

from typing import Literal, Optional

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import Field

from ._search import retrieve

__all__ = ["GuidanceRetriever", "as_langchain_retriever"]


class GuidanceRetriever(BaseRetriever):
    """LangChain retriever over the guidance passages.

    Each Document's page_content is the passage text; metadata holds id, section, title, lang and
    score (see RetrievedPassage).

    Attributes:
        k: passages per query.
        lang: language of the returned passages; None = the query's language.
        mode: "hybrid", "embedding" or "lexical".
    """

    k: int = Field(default=3, ge=1)
    lang: Optional[Literal["en", "fr"]] = None
    mode: Literal["hybrid", "embedding", "lexical"] = "hybrid"

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [
            Document(
                page_content=p.text,
                metadata={"id": p.id, "section": p.section, "title": p.title, "lang": p.lang, "score": p.score},
            )
            for p in retrieve(query, self.k, lang=self.lang, mode=self.mode)
        ]


def as_langchain_retriever(
    k: int = 3,
    *,
    lang: Optional[Literal["en", "fr"]] = None,
    mode: Literal["hybrid", "embedding", "lexical"] = "hybrid",
) -> GuidanceRetriever:
    """A LangChain retriever returning the top `k` guidance passages as Documents."""
    return GuidanceRetriever(k=k, lang=lang, mode=mode)

"""Lexical ranking: Okapi BM25 over the guidance passages, for English and French.

Pure Python and dependency-free, so it also serves as the fallback when the embedding model is
unavailable. Tokenisation folds case and accents ("réplique" = "replique"), drops English and
French function words, and applies a light suffix-stripping stemmer that conflates the
inflections a producer is likely to type ("replicas"/"replica", "numériques"/"numérique",
"altering"/"alteration"); `char_ngrams` gives a second, stemmer-free view of the same text.
It deliberately does less than Porter or Snowball: on a 38-passage
corpus a conservative stemmer loses fewer exact terms ("ADR", "Squid Game") than it gains.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from typing import Iterable, Mapping, Sequence

__all__ = ["BM25", "char_ngrams", "tokenize"]

_TOKEN = re.compile(r"[a-z0-9]+")

_STOPWORDS = frozenset(
    # English
    "a an the and or but if of to in on at by for with from into onto about as is are was were be been "
    "being am do does did doing have has had having it its it's this that these those there here what "
    "which who whom whose when where why how i me my we our us you your he him his she her they them "
    "their not no nor so than too very can could should would will shall may might must also just only "
    "any some all each every other such own same both more most few then once again out up down over "
    "under s t don doesn isn aren wasn weren won wouldn shouldn couldn".split()
    # French (accents already folded)
    + "le la les l un une des du de d et ou mais donc or ni car a au aux ce cet cette ces c ca ci cela "
    "celui celle ceux celles qui que qu quoi dont ou est sont etait etaient etre ete suis es sommes etes "
    "ai as avons avez ont avait je j tu il elle on nous vous ils elles me m te se s lui leur leurs mon ma "
    "mes ton ta tes son sa ses notre nos votre vos y en ne n pas plus moins tres aussi dans sur sous par "
    "pour avec sans chez entre vers comme si quand faut faire fait peut peuvent doit doivent quel quelle "
    "quels quelles tout tous toute toutes meme autre autres".split()
)

# Longest suffix first; a suffix is stripped only when at least `_MIN_STEM` characters remain.
_SUFFIXES = (
    # French
    "issements", "issement", "ements", "ement", "ations", "ation", "ateurs", "ateur", "atrices",
    "atrice", "iques", "ique", "ables", "able", "ibles", "ible", "euses", "euse", "eurs", "eur",
    "ives", "ive", "ifs", "if", "ees", "ee", "es", "e",
    # English
    "ational", "ations", "ation", "ingly", "ings", "ing", "ities", "ity", "ments", "ment", "ness",
    "ically", "ical", "ally", "ly", "ies", "ied", "ed", "ers", "er", "s",
)
_SUFFIXES = tuple(sorted(set(_SUFFIXES), key=len, reverse=True))
_MIN_STEM = 4


def fold(text: str) -> str:
    """Lower case without accents or ligatures: "Réplique Œuvre" → "replique oeuvre"."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae").replace("’", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def stem(token: str) -> str:
    """Strip one inflectional/derivational suffix when enough of the word remains."""
    if token.isdigit() or len(token) <= _MIN_STEM:
        return token
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= _MIN_STEM:
            return token[: -len(suffix)]
    return token


def tokenize(text: str) -> list[str]:
    """Index terms of a text: folded, stopwords removed, stemmed."""
    return [stem(token) for token in _TOKEN.findall(fold(text)) if token not in _STOPWORDS]


def char_ngrams(text: str, n: int = 4) -> list[str]:
    """Character n-grams of each folded, non-stopword word, with word boundaries marked.

    "répliques" → "_rep", "repl", "epli", …, "ues_". A second lexical view that matches
    inflections the stemmer misses and cognates across English and French ("confidentialité" /
    "confidentiality", "consentement" / "consent") without a dictionary.
    """
    grams: list[str] = []
    for word in _TOKEN.findall(fold(text)):
        if word in _STOPWORDS:
            continue
        marked = f"_{word}_"
        if len(marked) <= n:
            grams.append(marked)
        else:
            grams.extend(marked[i : i + n] for i in range(len(marked) - n + 1))
    return grams


class BM25:
    """Okapi BM25 over a fixed set of documents.

    Args:
        documents: key → list of terms (from `tokenize`).
        k1: term-frequency saturation (1.2-2.0 usual).
        b: length normalisation (0 = none, 1 = full).
    """

    def __init__(self, documents: Mapping[str, Sequence[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.keys = list(documents)
        self._tf = [Counter(terms) for terms in documents.values()]
        self._len = [len(terms) for terms in documents.values()]
        self._avg = (sum(self._len) / len(self._len)) if self._len else 0.0
        df: Counter[str] = Counter()
        for tf in self._tf:
            df.update(tf.keys())
        n = len(self._tf)
        # BM25+-style floor: idf never negative, so very common terms just count little.
        self._idf = {term: math.log(1 + (n - freq + 0.5) / (freq + 0.5)) for term, freq in df.items()}

    def scores(self, terms: Iterable[str] | Mapping[str, float]) -> dict[str, float]:
        """key → BM25 score for the query terms, for documents that match at least one term.

        `terms` is a list (a term counts as often as it occurs) or a mapping term → weight
        (retrieval gives glossary expansions a fraction of a query word's weight).
        """
        result: dict[str, float] = {}
        query: Mapping[str, float] = terms if isinstance(terms, Mapping) else Counter(terms)
        for index, tf in enumerate(self._tf):
            norm = self.k1 * (1 - self.b + self.b * self._len[index] / self._avg) if self._avg else self.k1
            total = 0.0
            for term, count in query.items():
                freq = tf.get(term)
                if freq:
                    total += count * self._idf[term] * freq * (self.k1 + 1) / (freq + norm)
            if total > 0:
                result[self.keys[index]] = total
        return result

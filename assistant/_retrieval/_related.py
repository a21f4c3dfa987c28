"""Related passages: the guidance passages that the policy cites together.

A question is often answered by several passages at once: the G9 triage row, the G3 rule it
belongs to and the G7 details ("can I make the actor look 20 years younger?"). The policy
(knowledge/policy.yaml) already records which passages go together: each rule cites the
passages that justify it. Two passages are related in proportion to how often the rules cite
them together, as a cosine over rules:

    related(a, b) = rules citing both / sqrt(rules citing a × rules citing b)

so that a passage cited by many rules (the four written-approval triggers, cited by five) is
related to each of them less than two passages that only ever appear together (performance
alteration in G3.3 and in G7).

`lift_related` then moves the passages related to the top hit part of the way up to it. It never
changes the top hit, so the first answer (and MRR) stays what the rankers found; it only decides
what comes next, which is what recall@3 measures.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Iterable, Mapping, Sequence

__all__ = ["citation_relatedness", "lift_related"]


def citation_relatedness(citation_lists: Iterable[Sequence[str]]) -> dict[str, dict[str, float]]:
    """passage id → {related passage id: strength in (0, 1]}, from the rules' citation lists."""
    cited = Counter[str]()
    together: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for citations in citation_lists:
        ids = sorted(set(citations))
        cited.update(ids)
        for a in ids:
            for b in ids:
                if a != b:
                    together[a][b] += 1
    return {
        a: {b: count / math.sqrt(cited[a] * cited[b]) for b, count in sorted(partners.items())}
        for a, partners in sorted(together.items())
    }


def lift_related(
    ranking: Sequence[tuple[str, float]], related: Mapping[str, Mapping[str, float]], strength: float
) -> list[tuple[str, float]]:
    """Move each passage related to the top hit `strength × related` of the way up to its score.

    score' = score + strength × related(top, id) × (top score − score). With strength ≤ 1 no
    passage overtakes the top hit, and unrelated passages keep their scores. A partner missing
    from `ranking` (lexical rankings only return passages that share a word with the query)
    joins it from a score of 0. Ties keep the incoming order (the sort is stable).
    """
    if not ranking or strength <= 0:
        return list(ranking)
    top_id, top_score = ranking[0]
    partners = related.get(top_id, {})
    present = {pid for pid, _ in ranking}
    everything = [*ranking, *((pid, 0.0) for pid in partners if pid not in present and pid != top_id)]
    lifted = [
        (pid, score + strength * partners.get(pid, 0.0) * (top_score - score)) if pid != top_id else (pid, score)
        for pid, score in everything
    ]
    return sorted(lifted, key=lambda item: -item[1])

"""Merging the offline (patterns) reading with the LLM's reading, conservatively. Pure.

Per fact:
    both the same value      → that value, with the evidence of both
    one side unset (None)    → the other side's value and evidence
    different values         → unset (None), recorded as a Conflict, so the producer is asked

A disagreement is never settled by picking the safer (or riskier) value silently: the
producer wrote the text and answers the question. Consequences the tests check: the merged
value is always a value one side read (or None), a "yes" or "unsure" from either side never
becomes "no", and when either reading alone requires approval the merge is never low risk.

Descriptive fields (summary, tools, stage, media) come from the offline reading, which saw the
producer's unredacted text; notices of both sides are kept.
"""

from __future__ import annotations

from .._declaration import FACT_NAMES, Evidence, Fact, Facts, UsageDeclaration
from .result import Conflict


def _union(first: tuple[Evidence, ...], second: tuple[Evidence, ...]) -> tuple[Evidence, ...]:
    seen: list[Evidence] = []
    for evidence in (*first, *second):
        if evidence not in seen:
            seen.append(evidence)
    return tuple(sorted(seen, key=lambda e: (e.start, e.end, e.source)))


def _label(fact: str) -> str:
    try:
        from .._knowledge import question_bank

        return question_bank()[fact].label["en"]
    except Exception:  # noqa: BLE001 — a label is cosmetic; the fact name will do
        return fact


def conflict_notice(conflict: Conflict) -> str:
    """The producer-facing sentence for one conflict."""
    return (
        f"Two readings of your text disagree on \"{_label(conflict.fact)}\" (patterns: "
        f"{conflict.offline}, language model: {conflict.llm}); it is left open so that you can answer it."
    )


def merge(offline: UsageDeclaration, llm: UsageDeclaration) -> tuple[UsageDeclaration, tuple[Conflict, ...]]:
    """Merge two readings of one text; see the module docstring.

    Args:
        offline: the offline extractor's declaration.
        llm: the LLM's declaration (evidence already checked against the text).

    Returns:
        The merged declaration (with a notice per conflict) and the conflicts.
    """
    facts: dict[str, Fact] = {}
    conflicts: list[Conflict] = []
    for name in FACT_NAMES:
        left: Fact = getattr(offline.facts, name)
        right: Fact = getattr(llm.facts, name)
        if right.value is None:
            facts[name] = left
        elif left.value is None:
            facts[name] = right
        elif left.value == right.value:
            facts[name] = Fact(value=left.value, evidence=_union(left.evidence, right.evidence))
        else:
            facts[name] = Fact()
            conflicts.append(Conflict(name, left.value, right.value, left.evidence, right.evidence))
    notices = list(offline.notices)
    for notice in (*llm.notices, *(conflict_notice(c) for c in conflicts)):
        if notice not in notices:
            notices.append(notice)
    merged = offline.model_copy(
        update={
            "facts": Facts(**facts),
            "summary": offline.summary or llm.summary,
            "tools": offline.tools or llm.tools,
            "media": offline.media or llm.media,
            "stage": offline.stage if offline.stage != "unknown" else llm.stage,
            "notices": tuple(notices),
        }
    )
    return merged, tuple(conflicts)

"""The evaluation's arithmetic: pure functions over gold and predicted values, no I/O.

Definitions (each has a hand-computed test in tests/test_eval_metrics.py):

Facts, per fact and per value v in ("yes", "no", "unsure"), over cases:
    gold v,    predicted v       true positive of v
    gold v,    predicted w != v  false negative of v and false positive of w
    gold v,    predicted None    false negative of v (the fact was stated and not read)
    gold None, predicted v       false positive of v (the fact was not stated; None = unstated)
    gold None, predicted None    nothing (a true negative of every value)
    precision = tp / (tp + fp), recall = tp / (tp + fn), F1 = 2tp / (2tp + fp + fn);
    each is None (undefined) when its denominator is 0.
    The fact's macro F1 is the mean F1 over the values whose F1 is defined (the values
    that occur in the gold or the predictions for that fact); None when none does.

Decisions: accuracy = share of cases whose predicted decision equals the gold one; the
confusion matrix counts gold (rows) × predicted (columns). A CRITICAL error is a case
predicted "low_risk" whose gold decision is anything else: the worst error Greenlight can
make, since the producer would go ahead without asking for approval.

Latency: nearest-rank percentiles (p50 of 4 values is the 2nd smallest, p95 the 4th).
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Mapping, Optional, Sequence

VALUES: tuple[str, ...] = ("yes", "no", "unsure")
DECISIONS: tuple[str, ...] = ("low_risk", "approval_required", "needs_info")
ERROR = "error"
"""The predicted "decision" of a case whose run raised: wrong, and never critical."""


def ratio(numerator: float, denominator: float) -> Optional[float]:
    """numerator / denominator, or None when the denominator is 0."""
    return numerator / denominator if denominator else None


def value_scores(tp: int, fp: int, fn: int) -> dict[str, Any]:
    """Precision, recall and F1 of one value from its counts (None where undefined)."""
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "support": tp + fn,
        "precision": ratio(tp, tp + fp),
        "recall": ratio(tp, tp + fn),
        "f1": ratio(2 * tp, 2 * tp + fp + fn),
    }


def fact_scores(
    pairs: Iterable[tuple[Mapping[str, Optional[str]], Mapping[str, Optional[str]]]],
    facts: Sequence[str],
) -> dict[str, dict[str, Any]]:
    """Per fact, per value scores over (gold values, predicted values) pairs.

    Args:
        pairs: one (gold, predicted) pair of fact-name → value mappings per case; a fact
            missing from a mapping counts as None (not stated).
        facts: the fact names to score, in the order to report them.

    Returns:
        {fact: {"values": {value: {tp, fp, fn, support, precision, recall, f1}},
                "macro_f1": float | None, "stated": gold cases stating it,
                "predicted": cases where a value was read, "exact": cases where gold == predicted
                among those where either is stated}}.
    """
    counts = {fact: {value: [0, 0, 0] for value in VALUES} for fact in facts}  # tp, fp, fn
    stated = {fact: 0 for fact in facts}
    predicted_n = {fact: 0 for fact in facts}
    exact = {fact: 0 for fact in facts}
    for gold, predicted in pairs:
        for fact in facts:
            g, p = gold.get(fact), predicted.get(fact)
            for value in (g, p):
                if value is not None and value not in VALUES:
                    raise ValueError(f"fact {fact!r}: value {value!r} is not one of {VALUES} or None")
            stated[fact] += g is not None
            predicted_n[fact] += p is not None
            if g is None and p is None:
                continue
            if g == p:
                counts[fact][g][0] += 1
                exact[fact] += 1
                continue
            if p is not None:
                counts[fact][p][1] += 1
            if g is not None:
                counts[fact][g][2] += 1
    scores: dict[str, dict[str, Any]] = {}
    for fact in facts:
        per_value = {value: value_scores(*counts[fact][value]) for value in VALUES}
        defined = [s["f1"] for s in per_value.values() if s["f1"] is not None]
        scores[fact] = {
            "values": per_value,
            "macro_f1": sum(defined) / len(defined) if defined else None,
            "stated": stated[fact],
            "predicted": predicted_n[fact],
            "exact": exact[fact],
        }
    return scores


def confusion_matrix(
    pairs: Iterable[tuple[str, str]], labels: Sequence[str] = DECISIONS
) -> tuple[list[str], dict[str, dict[str, int]]]:
    """Gold × predicted counts.

    Returns:
        (labels, matrix): labels are `labels` plus any other label seen (e.g. "error"),
        and matrix[gold][predicted] is a count (0 included), for every pair of labels.
    """
    pairs = list(pairs)
    seen = list(labels)
    for gold, predicted in pairs:
        for label in (gold, predicted):
            if label not in seen:
                seen.append(label)
    matrix = {gold: {predicted: 0 for predicted in seen} for gold in seen}
    for gold, predicted in pairs:
        matrix[gold][predicted] += 1
    return seen, matrix


def accuracy(pairs: Iterable[tuple[str, str]]) -> Optional[float]:
    """Share of (gold, predicted) pairs that agree; None for no pairs."""
    pairs = list(pairs)
    return ratio(sum(gold == predicted for gold, predicted in pairs), len(pairs))


def is_critical(gold: str, predicted: str) -> bool:
    """True when the prediction is low_risk and the gold decision is not."""
    return predicted == "low_risk" and gold != "low_risk"


def percentile(values: Sequence[float], p: float) -> Optional[float]:
    """Nearest-rank percentile: the smallest value with at least p% of values at or below it.

    None for no values. p must be in (0, 100].
    """
    if not 0 < p <= 100:
        raise ValueError(f"p must be in (0, 100], not {p}")
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def latency_summary(milliseconds: Sequence[float]) -> dict[str, Optional[float]]:
    """p50, p95, mean and max of per-case latencies, in milliseconds."""
    return {
        "p50": percentile(milliseconds, 50),
        "p95": percentile(milliseconds, 95),
        "mean": ratio(sum(milliseconds), len(milliseconds)),
        "max": max(milliseconds) if milliseconds else None,
    }


def group_accuracy(cases: Iterable[Mapping[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    """Decision accuracy per group of cases.

    Args:
        cases: case results with "gold_decision", "decision" and `key` (a str, or a list of
            str such as tags: a case then counts in each of its groups).
        key: the field to group by.

    Returns:
        {group: {"n", "correct", "accuracy"}}, groups sorted by name.
    """
    groups: dict[str, list[bool]] = {}
    for case in cases:
        names = case.get(key) or []
        for name in [names] if isinstance(names, str) else names:
            groups.setdefault(str(name), []).append(case["gold_decision"] == case["decision"])
    return {
        name: {"n": len(hits), "correct": sum(hits), "accuracy": ratio(sum(hits), len(hits))}
        for name, hits in sorted(groups.items())
    }

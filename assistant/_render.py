"""Turning an assessment into words: the verdict text shared by the CLI, the chat and exports.

Kept apart from the decision so that wording can change without touching the policy.
"""

from __future__ import annotations

from typing import Any

from ._assess import Assessment
from ._declaration import FACT_NAMES, UsageDeclaration
from ._knowledge import Lang, passage, question_bank

HEADLINES: dict[str, dict[Lang, str]] = {
    "low_risk": {"en": "LOW RISK", "fr": "FAIBLE RISQUE"},
    "approval_required": {"en": "APPROVAL REQUIRED", "fr": "APPROBATION REQUISE"},
    "needs_info": {"en": "NEEDS INFO", "fr": "INFORMATIONS MANQUANTES"},
}

NEXT_STEPS: dict[str, dict[Lang, str]] = {
    "low_risk": {
        "en": "Tell your Netflix contact about this use; written approval should not be needed.",
        "fr": "Informez votre contact Netflix de cet usage ; une approbation écrite ne devrait pas être nécessaire.",
    },
    "approval_required": {
        "en": "Escalate to your Netflix contact and get written approval before going ahead.",
        "fr": "Remontez à votre contact Netflix et obtenez une approbation écrite avant de poursuivre.",
    },
    "needs_info": {
        "en": "A few facts are missing before Greenlight can decide.",
        "fr": "Il manque quelques éléments pour pouvoir trancher.",
    },
}

_LABELS: dict[str, dict[Lang, str]] = {
    "why": {"en": "Why", "fr": "Pourquoi"},
    "cites": {"en": "cites", "fr": "cite"},
    "facts": {"en": "Facts read from the description", "fr": "Faits lus dans la description"},
    "questions": {"en": "To decide, Greenlight needs to know", "fr": "Pour trancher, Greenlight doit savoir"},
    "follow_ups": {
        "en": "Your Netflix contact will also want to know",
        "fr": "Votre contact Netflix voudra aussi savoir",
    },
    "notices": {"en": "Notice", "fr": "Avertissement"},
    "policy": {"en": "policy", "fr": "politique"},
    "read_by": {"en": "read by:", "fr": "lu par :"},
    "unsure": {
        "en": "(you are unsure: the guidance treats that as a reason to escalate)",
        "fr": "(vous n'êtes pas sûr : la recommandation demande alors de remonter)",
    },
}


def label(key: str, lang: Lang) -> str:
    """A fixed UI string in the given language."""
    return _LABELS[key][lang]


def citation_title(passage_id: str, lang: Lang) -> str:
    """'G3.3 Digital replicas' style title of a cited passage."""
    found = passage(passage_id, lang)
    return f"{found.section} {found.title}"


def result_json(assessment: Assessment, declaration: UsageDeclaration, **extra: Any) -> dict[str, Any]:
    """The CLI's JSON contract: decision, declaration, reasons, questions, policy_version, …"""
    return {
        "decision": assessment.decision,
        "declaration": declaration.model_dump(mode="json"),
        "reasons": [reason.model_dump(mode="json") for reason in assessment.reasons],
        "questions": [{"fact": q.fact, "text": q.text} for q in assessment.questions],
        "follow_ups": [{"fact": q.fact, "text": q.text} for q in assessment.follow_ups],
        "missing_facts": list(assessment.missing_facts),
        "policy_version": assessment.policy_version,
        **extra,
    }


def render_text(
    assessment: Assessment, declaration: UsageDeclaration, *, color: bool = False, extractor: str | None = None
) -> str:
    """A plain-text verdict for the terminal: headline, next step, reasons with citations,
    the facts read with the producer's words, and the open questions."""
    lang = assessment.lang
    paint = {"low_risk": "\033[1;32m", "approval_required": "\033[1;31m", "needs_info": "\033[1;33m"}
    headline = HEADLINES[assessment.decision][lang]
    if color:
        headline = f"{paint[assessment.decision]}{headline}\033[0m"
    lines = [f"{headline} — {NEXT_STEPS[assessment.decision][lang]}", ""]
    if assessment.reasons:
        lines.append(f"{label('why', lang)}:")
        for reason in assessment.reasons:
            unsure = any(value == "unsure" for value in reason.facts.values())
            lines.append(f"  • {reason.message}" + (f" {label('unsure', lang)}" if unsure else ""))
            cited = ", ".join(citation_title(c, lang) for c in reason.citations)
            lines.append(f"    [{reason.rule}] {label('cites', lang)}: {cited}")
        lines.append("")
    stated = [(name, getattr(declaration.facts, name)) for name in FACT_NAMES]
    stated = [(name, fact) for name, fact in stated if fact.value is not None]
    if stated:
        lines.append(f"{label('facts', lang)}:")
        bank = question_bank()
        for name, fact in stated:
            quotes = "; ".join(f"“{e.quote}”" for e in fact.evidence)
            lines.append(f"  {bank[name].label[lang]:<34} {fact.value:<7} {quotes}")
        lines.append("")
    if assessment.questions:
        lines.append(f"{label('questions', lang)}:")
        lines.extend(f"  ? {q.text}" for q in assessment.questions)
        lines.append("")
    if assessment.follow_ups:
        # Labels, not questions: the decision is settled, this is only what to prepare.
        topics = ", ".join(question_bank()[q.fact].label[lang] for q in assessment.follow_ups)
        lines.extend([f"{label('follow_ups', lang)}: {topics}.", ""])
    for notice in declaration.notices:
        lines.append(f"{label('notices', lang)}: {notice}")
    read_by = f"{label('read_by', lang)} {extractor}; " if extractor else ""
    lines.append(f"({read_by}{label('policy', lang)} {assessment.policy_version})")
    return "\n".join(lines)


# --- Markdown, for the chat's replies and the exported summary ---------------------------------

DECISION_ICONS: dict[str, str] = {"low_risk": "✅", "approval_required": "🛑", "needs_info": "⚠️"}
"""The guidance's own triage marks (G9): cleared, escalate, and "not decided yet"."""

VALUE_WORDS: dict[str, dict[Lang, str]] = {
    "yes": {"en": "yes", "fr": "oui"},
    "no": {"en": "no", "fr": "non"},
    "unsure": {"en": "not sure", "fr": "pas sûr"},
    "none": {"en": "not stated", "fr": "non précisé"},
}

_MD_LABELS: dict[str, dict[Lang, str]] = {
    "guidance": {"en": "Guidance", "fr": "Recommandations"},
    "rule": {"en": "rule", "fr": "règle"},
    "tell_me": {
        "en": "Tell me if you already know, so the summary for your contact is complete.",
        "fr": "Dites-le-moi si vous le savez déjà : le récapitulatif pour votre contact sera complet.",
    },
}


def colon(lang: Lang) -> str:
    """":" in English, " :" in French (French typography puts a space before it)."""
    return " :" if lang == "fr" else ":"


def value_word(value: str | None, lang: Lang) -> str:
    """A fact value in words: "yes", "no", "not sure", or "not stated" for None."""
    return VALUE_WORDS[value or "none"][lang]


def citation_label(passage_id: str, lang: Lang) -> str:
    """'G3.3 · Digital replicas of real talent': the section and title of a cited passage."""
    found = passage(passage_id, lang)
    return f"{found.section} · {found.title}"


def render_markdown(assessment: Assessment, *, questions: bool = True) -> str:
    """The decision as Markdown: headline with next step, each reason with its citations
    (section and title), then the open questions (needs info) or what the Netflix contact
    will also want to know (approval required).

    Args:
        assessment: the decision to explain; its `lang` sets the language.
        questions: include the open questions of a "needs_info" decision (the chat asks
            them itself, a few at a time, and passes False).
    """
    lang = assessment.lang
    decision = assessment.decision
    lines = [f"**{DECISION_ICONS[decision]} {HEADLINES[decision][lang]}** — {NEXT_STEPS[decision][lang]}"]
    if assessment.reasons:
        lines += ["", f"**{label('why', lang)}**"]
        for reason in assessment.reasons:
            unsure = any(value == "unsure" for value in reason.facts.values())
            lines.append(f"- {reason.message}" + (f" {label('unsure', lang)}" if unsure else "") + "  ")
            cited = "; ".join(citation_label(c, lang) for c in reason.citations)
            lines.append(f"  *{_MD_LABELS['guidance'][lang]}{colon(lang)} {cited}* ({_MD_LABELS['rule'][lang]} `{reason.rule}`)")
    if questions and assessment.questions:
        lines += ["", f"**{label('questions', lang)}**"]
        lines += [f"- {q.text}" for q in assessment.questions]
    if assessment.follow_ups:
        lines += ["", render_follow_ups(assessment)]
    return "\n".join(lines)


def render_follow_ups(assessment: Assessment) -> str:
    """Once approval is required: what the Netflix contact will also want to know, as topics
    the producer may answer — never as questions the producer must go through."""
    lang = assessment.lang
    if not assessment.follow_ups:
        return ""
    topics = ", ".join(question_bank()[q.fact].label[lang] for q in assessment.follow_ups)
    return f"**{label('follow_ups', lang)}{colon(lang)}** {topics}. {_MD_LABELS['tell_me'][lang]}"

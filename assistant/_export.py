"""Exporting an intake for the Netflix contact: a Markdown summary, and the same as JSON.

Both carry the decision, each reason with its citations, every fact with the producer's
words, the open questions, the policy version, the date and the extractor. Neither carries
a key or any other secret: the extractor is named, never configured here, and messages
were masked when they arrived.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any, Optional

from ._knowledge import Lang, passage, question_bank
from ._render import HEADLINES, NEXT_STEPS, citation_label, colon, label, result_json, value_word

if TYPE_CHECKING:
    from ._intake import IntakeSession

__all__ = ["export_filename", "export_json", "export_markdown"]

_EXPORT: dict[str, dict[Lang, str]] = {
    "title": {"en": "GenAI use declaration", "fr": "Déclaration d'usage de l'IA générative"},
    "decision": {"en": "Decision", "fr": "Décision"},
    "next_step": {"en": "Next step", "fr": "Étape suivante"},
    "intake": {"en": "Intake", "fr": "Dossier"},
    "date": {"en": "Date", "fr": "Date"},
    "policy": {"en": "Policy version", "fr": "Version de la politique"},
    "extractor": {"en": "Extractor", "fr": "Extracteur"},
    "use": {"en": "The intended use", "fr": "L'usage prévu"},
    "tools": {"en": "Tools", "fr": "Outils"},
    "stage": {"en": "Stage", "fr": "Étape"},
    "media": {"en": "Media", "fr": "Médias"},
    "why": {"en": "Why", "fr": "Pourquoi"},
    "cites": {"en": "Guidance", "fr": "Recommandations"},
    "facts": {"en": "Facts", "fr": "Faits"},
    "fact": {"en": "Fact", "fr": "Fait"},
    "value": {"en": "Value", "fr": "Valeur"},
    "words": {"en": "The producer's words", "fr": "Les mots du producteur"},
    "open": {"en": "Open questions", "fr": "Questions ouvertes"},
    "none_open": {"en": "None.", "fr": "Aucune."},
    "conversation": {"en": "Conversation", "fr": "Conversation"},
    "producer": {"en": "Producer", "fr": "Producteur"},
    "panel": {"en": "set in the declaration panel", "fr": "modifié dans le panneau de déclaration"},
    "message": {"en": "message", "fr": "message"},
    "generated": {
        "en": "Prepared with Greenlight. The decision is made by fixed rules from the guidance; "
        "your Netflix contact has the final word.",
        "fr": "Préparé avec Greenlight. La décision suit des règles fixes tirées des recommandations ; "
        "votre contact Netflix a le dernier mot.",
    },
}


def _t(key: str, lang: Lang) -> str:
    return _EXPORT[key][lang]


def _today() -> str:
    return _dt.datetime.now(_dt.timezone.utc).date().isoformat()


def export_filename(session: "IntakeSession", extension: str) -> str:
    """greenlight-<intake id>-<date>.<extension>."""
    return f"greenlight-{session.id}-{_today()}.{extension}"


def export_json(session: "IntakeSession", lang: Optional[Lang] = None) -> dict[str, Any]:
    """The intake as a JSON-ready dict: the CLI's assessment contract (decision, declaration,
    reasons, questions, follow_ups, missing_facts, policy_version) plus the intake id, dates,
    language, extractor, the questions pending, the citations' titles, and the conversation."""
    lang = lang or session.lang
    assessment = session.assessment_in(lang)
    citations = sorted({c for reason in assessment.reasons for c in reason.citations})
    return result_json(
        assessment,
        session.declaration,
        intake_id=session.id,
        created_at=session.created_at,
        exported_at=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        lang=lang,
        extractor={"name": session.extractor.name, "label": session.extractor.label, "model": session.extractor.model},
        pending_questions=[{"fact": q.fact, "text": q.text} for q in session.pending],
        citations={pid: {"section": passage(pid, lang).section, "title": passage(pid, lang).title} for pid in citations},
        conversation=[
            {"turn": turn.index, "kind": turn.kind, "intent": turn.intent, "message": turn.message,
             "reply": turn.reply, "decision": turn.decision, "created_at": turn.created_at}
            for turn in session.history
        ],
    )


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def export_markdown(session: "IntakeSession", lang: Optional[Lang] = None) -> str:
    """A summary to send to the Netflix contact, Markdown, in `lang` (default: the session's)."""
    lang = lang or session.lang
    c = colon(lang)
    assessment = session.assessment_in(lang)
    declaration = session.declaration
    bank = question_bank()
    decision = assessment.decision
    title = declaration.summary or next((t.message for t in session.history if t.intent == "description"), "")
    lines = [f"# {_t('title', lang)}" + (f" — {_cell(title)}" if title else ""), ""]
    lines += [
        "| | |",
        "|---|---|",
        f"| **{_t('decision', lang)}** | **{HEADLINES[decision][lang]}** |",
        f"| {_t('next_step', lang)} | {NEXT_STEPS[decision][lang]} |",
        f"| {_t('intake', lang)} | {session.id} |",
        f"| {_t('date', lang)} | {_today()} |",
        f"| {_t('policy', lang)} | `{assessment.policy_version}` |",
        f"| {_t('extractor', lang)} | {_cell(session.extractor.describe(lang))} |",
        "",
    ]
    descriptions = [t for t in session.history if t.kind == "message" and t.intent in ("description", "unclear")]
    if descriptions or declaration.tools or declaration.media:
        lines += [f"## {_t('use', lang)}", ""]
        for turn in descriptions:
            lines += [f"> {_cell(turn.message)}", ""]
        details = []
        if declaration.tools:
            details.append(f"{_t('tools', lang)}{c} {', '.join(declaration.tools)}")
        if declaration.stage != "unknown":
            details.append(f"{_t('stage', lang)}{c} {declaration.stage.replace('_', ' ')}")
        if declaration.media:
            details.append(f"{_t('media', lang)}{c} {', '.join(declaration.media)}")
        if details:
            lines += [" · ".join(details), ""]
    lines += [f"## {_t('decision', lang)}{c} {HEADLINES[decision][lang]}", "", NEXT_STEPS[decision][lang], ""]
    if assessment.reasons:
        lines += [f"### {_t('why', lang)}", ""]
        for reason in assessment.reasons:
            unsure = any(value == "unsure" for value in reason.facts.values())
            lines.append(f"- {reason.message}" + (f" {label('unsure', lang)}" if unsure else "") + f" (`{reason.rule}`)")
            for pid in reason.citations:
                lines.append(f"  - {_t('cites', lang)}{c} {citation_label(pid, lang)} (`{pid}`)")
        lines.append("")
    lines += [f"## {_t('facts', lang)}", "", f"| {_t('fact', lang)} | {_t('value', lang)} | {_t('words', lang)} |",
              "|---|---|---|"]
    for name in bank:
        fact = getattr(declaration.facts, name)
        words = []
        for evidence in fact.evidence:
            turn = session.history[evidence.turn] if evidence.turn is not None and evidence.turn < len(session.history) else None
            if turn is not None and turn.kind == "correction":
                words.append(_t("panel", lang))
            else:
                where = f" ({_t('message', lang)} {turn.index + 1})" if turn is not None else ""
                words.append(f"“{_cell(evidence.quote)}”{where}")
        shown = f"**{value_word(fact.value, lang)}**" if fact.value else value_word(None, lang)
        lines.append(f"| {bank[name].label[lang]} | {shown} | {'; '.join(words)} |")
    lines.append("")
    open_questions = list(assessment.questions) + list(assessment.follow_ups)
    lines += [f"## {_t('open', lang)}", ""]
    if open_questions:
        lines += [f"- {q.text}" for q in open_questions]
    else:
        lines.append(_t("none_open", lang))
    lines.append("")
    if declaration.notices:
        lines += [f"> ⚠️ {notice}" for notice in declaration.notices] + [""]
    if session.history:
        lines += [f"## {_t('conversation', lang)}", ""]
        for turn in session.history:
            who = _t("producer", lang) if turn.kind == "message" else f"{_t('producer', lang)} ({_t('panel', lang)})"
            lines.append(f"{turn.index + 1}. **{who}{c}** {_cell(turn.message)} → *{HEADLINES[turn.decision][lang]}*")
        lines.append("")
    lines += ["---", f"*{_t('generated', lang)}*", ""]
    return "\n".join(lines)

"""The simulated producer of the dialogue suite.

It plays one dialogue of evals/datasets/dialogues/ against an `assistant.IntakeSession`:

1. it sends the dialogue's `first_message`;
2. after each of its own messages whose number is a correction's `after_turn`, it sends that
   correction's `text` (a correction still pending when the assistant has nothing left to
   ask is sent then: a producer who changes their plan says so before leaving);
3. otherwise it answers the questions the assistant asked, all in one message, from the
   gold facts, in the dialogue's `style`:
     short, unsure, correction   "yes" / "no" / "not sure"  ("oui" / "non" / "je ne sais pas")
     none-of-those               "none of those" when every asked fact is "no", else short
     verbose                     a sentence per fact ("No, nothing generated will be seen …")
   several questions are answered as a numbered list in the order asked ("1. yes 2. no");
4. it stops when a turn asks nothing and no correction is pending, or after MAX_TURNS of
   its own messages.

A question about a fact the gold does not hold (only `talent_consent` may be absent) is
answered "not sure": the producer does not know.

The answers are written from how producers answer a question, not from the intake's word
lists (knowledge/intake.yaml), so that the suite measures the intake rather than echoes it.
"""

from __future__ import annotations

import inspect
import time
from typing import Any, Callable, Optional

MAX_TURNS = 12

SHORT: dict[str, dict[str, str]] = {
    "en": {"yes": "yes", "no": "no", "unsure": "not sure", "none": "none of those"},
    "fr": {"yes": "oui", "no": "non", "unsure": "je ne sais pas", "none": "aucun de ceux-là"},
}

# One sentence per fact and value, as a producer who likes to explain would answer.
VERBOSE: dict[str, dict[str, dict[str, str]]] = {
    "en": {
        "final_deliverable": {
            "yes": "Yes, the generated material will be in the final cut.",
            "no": "No, it's only for internal reference; nothing generated will be seen or heard in the finished show.",
            "unsure": "I'm not sure yet; that depends on what the editor keeps.",
        },
        "key_creative_element": {
            "yes": "Yes, it's central to the story, one of our main visuals.",
            "no": "No, it's nothing central: no main character, no key visual, no setting the story hangs on.",
            "unsure": "Not sure, it could end up being an important visual.",
        },
        "talent_likeness": {
            "yes": "Yes, it involves a real person's likeness or voice.",
            "no": "No, no real person's face or voice is involved.",
            "unsure": "I don't know; it might be based on a real person.",
        },
        "talent_consent": {
            "yes": "Yes, we have their signed consent.",
            "no": "No, nothing has been signed with them.",
            "unsure": "Not sure, I'd have to check with business affairs whether anything was signed.",
        },
        "performance_alteration": {
            "yes": "Yes, it changes what the actor did on the day.",
            "no": "No, no recorded performance gets changed.",
            "unsure": "Not sure, it might touch an actor's performance.",
        },
        "union_work_impact": {
            "yes": "Yes, it replaces work a union member would normally do.",
            "no": "No, it doesn't replace anyone's job; the crew still does the same work.",
            "unsure": "Not sure whether it takes work away from union crew.",
        },
        "personal_data": {
            "yes": "Yes, some personal details of cast or crew go into the tool.",
            "no": "No, no personal information goes into it.",
            "unsure": "I'm not sure, there might be names in what we upload.",
        },
        "proprietary_material": {
            "yes": "Yes, we'd upload some of our own unreleased material.",
            "no": "No, none of our scripts, footage or production documents go into it.",
            "unsure": "Not sure, someone may paste in pages of the script.",
        },
        "third_party_material": {
            "yes": "Yes, we'd use someone else's work as a reference.",
            "no": "No, we're not feeding it anyone else's work, photos or style.",
            "unsure": "I don't know what reference material the artist uses.",
        },
        "protected_output": {
            "yes": "Yes, the result could look a lot like an existing work.",
            "no": "No, the result won't resemble any existing work.",
            "unsure": "Hard to say whether the output will look like something that already exists.",
        },
        "misleading_content": {
            "yes": "Yes, viewers could take it for real.",
            "no": "No, nobody could mistake it for something real.",
            "unsure": "Not sure, some people might take it for real footage.",
        },
        "tool_trains_on_inputs": {
            "yes": "Yes, the tool keeps what we upload and may train on it.",
            "no": "No, the tool doesn't keep or train on our material.",
            "unsure": "I don't know whether the tool trains on what we give it.",
        },
        "enterprise_environment": {
            "yes": "Yes, it's our enterprise account under the Netflix agreement.",
            "no": "No, it's a personal free account, not an enterprise one.",
            "unsure": "Not sure which licence we're on.",
        },
    },
    "fr": {
        "final_deliverable": {
            "yes": "Oui, le contenu généré sera dans le montage final.",
            "no": "Non, c'est uniquement pour l'interne : rien de généré ne sera vu ni entendu dans l'épisode livré.",
            "unsure": "Je ne sais pas encore, ça dépendra de ce que le monteur garde.",
        },
        "key_creative_element": {
            "yes": "Oui, c'est central dans l'histoire, un de nos visuels principaux.",
            "no": "Non, rien de central : ni personnage principal, ni visuel clé, ni décor important pour l'histoire.",
            "unsure": "Je ne suis pas sûr, ça pourrait devenir un visuel important.",
        },
        "talent_likeness": {
            "yes": "Oui, ça utilise l'image ou la voix d'une personne réelle.",
            "no": "Non, aucune personne réelle, ni visage ni voix.",
            "unsure": "Je ne sais pas, ça pourrait être basé sur une vraie personne.",
        },
        "talent_consent": {
            "yes": "Oui, on a son consentement signé.",
            "no": "Non, rien n'a été signé avec cette personne.",
            "unsure": "Je ne sais pas, il faut que je vérifie avec le juridique si un accord a été signé.",
        },
        "performance_alteration": {
            "yes": "Oui, ça modifie le jeu enregistré du comédien.",
            "no": "Non, on ne touche à aucune performance enregistrée.",
            "unsure": "Pas sûr, ça pourrait toucher au jeu d'un comédien.",
        },
        "union_work_impact": {
            "yes": "Oui, ça remplace un travail normalement fait par des gens syndiqués.",
            "no": "Non, ça ne remplace le travail de personne, l'équipe fait le même travail.",
            "unsure": "Je ne sais pas si ça enlève du travail à l'équipe syndiquée.",
        },
        "personal_data": {
            "yes": "Oui, des informations personnelles de l'équipe ou des comédiens seront mises dans l'outil.",
            "no": "Non, aucune information personnelle n'y sera mise.",
            "unsure": "Je ne suis pas sûre, il y aura peut-être des noms dans ce qu'on charge.",
        },
        "proprietary_material": {
            "yes": "Oui, on y mettra du contenu de la production non publié.",
            "no": "Non, ni scénario, ni rushes, ni document de production ne seront mis dedans.",
            "unsure": "Je ne sais pas, quelqu'un pourrait y coller des pages du scénario.",
        },
        "third_party_material": {
            "yes": "Oui, on utilisera le travail de quelqu'un d'autre comme référence.",
            "no": "Non, on n'utilise ni œuvre, ni photo, ni style de quelqu'un d'autre.",
            "unsure": "Je ne sais pas quelles références l'artiste utilise.",
        },
        "protected_output": {
            "yes": "Oui, le résultat pourrait beaucoup ressembler à une œuvre existante.",
            "no": "Non, le résultat ne ressemblera à aucune œuvre existante.",
            "unsure": "Difficile à dire si le résultat ressemblera à quelque chose qui existe déjà.",
        },
        "misleading_content": {
            "yes": "Oui, le public pourrait croire que c'est réel.",
            "no": "Non, personne ne pourrait prendre ça pour du réel.",
            "unsure": "Pas sûr, certains pourraient croire que ce sont de vraies images.",
        },
        "tool_trains_on_inputs": {
            "yes": "Oui, l'outil conserve ce qu'on lui donne et peut s'en servir pour s'entraîner.",
            "no": "Non, l'outil ne conserve rien et ne s'entraîne pas sur nos contenus.",
            "unsure": "Je ne sais pas si l'outil s'entraîne sur ce qu'on lui donne.",
        },
        "enterprise_environment": {
            "yes": "Oui, c'est notre compte entreprise dans le cadre de l'accord Netflix.",
            "no": "Non, c'est un compte personnel gratuit, pas un compte entreprise.",
            "unsure": "Je ne sais pas sous quelle licence on est.",
        },
    },
}


def intake_available() -> Optional[str]:
    """None when assistant.IntakeSession can be used, else why not."""
    try:
        from .. import IntakeSession  # noqa: F401
    except (ImportError, AttributeError) as exc:
        return f"assistant.IntakeSession not available ({type(exc).__name__}: {exc})"
    return None


def answer(facts: list[str], truth: dict[str, Any], lang: str, style: str) -> str:
    """The producer's reply to the questions about `facts`, asked in that order.

    Args:
        facts: the facts the assistant asked about, in the order asked.
        truth: the dialogue's gold facts.
        lang: "en" or "fr".
        style: the dialogue's style (see the module docstring).
    """
    lang = lang if lang in SHORT else "en"
    values = [truth.get(fact) or "unsure" for fact in facts]
    if style == "none-of-those" and values and all(value == "no" for value in values):
        return SHORT[lang]["none"]
    if style == "verbose":
        parts = [VERBOSE[lang].get(fact, {}).get(value) or SHORT[lang][value].capitalize() + "."
                 for fact, value in zip(facts, values)]
    else:
        parts = [SHORT[lang][value] for value in values]
    if len(parts) == 1:
        return parts[0]
    return (" " if style != "verbose" else "\n").join(f"{number}. {part}" for number, part in enumerate(parts, start=1))


def _new_session(factory: Callable[..., Any], lang: str, backend: str) -> Any:
    try:
        accepts_backend = "backend" in inspect.signature(factory).parameters
    except (TypeError, ValueError):
        accepts_backend = False
    return factory(lang=lang, backend=backend) if accepts_backend else factory(lang=lang)


def _assistant_text(turn: Any) -> str:
    questions = [getattr(q, "text", str(q)) for q in (getattr(turn, "questions", None) or ())]
    reply = getattr(turn, "reply", None) or getattr(turn, "message", None) or getattr(turn, "text", None)
    head = f"[{turn.decision}]" + (f" {reply}" if isinstance(reply, str) and reply else "")
    return "\n".join([head] + [f"? {q}" for q in questions])


def play(case: dict[str, Any], *, backend: str = "offline", session_factory: Optional[Callable[..., Any]] = None) -> dict[str, Any]:
    """Play one dialogue.

    Args:
        case: a line of evals/datasets/dialogues/*.jsonl.
        backend: the extractor the session uses, when IntakeSession takes one.
        session_factory: builds the session (default assistant.IntakeSession); for tests.

    Returns:
        {"decision", "rules", "turns" (producer messages sent), "stop" ("done" | "max-turns"),
         "facts" (the session's final declaration, stated facts only), "transcript"
         ([{"turn", "role", "text"}]), "turn_latency_ms"}.
    """
    if session_factory is None:
        from .. import IntakeSession

        session_factory = IntakeSession
    lang = case.get("lang", "en")
    style = case.get("style", "short")
    truth = case["facts"]
    pending = sorted(case.get("corrections") or [], key=lambda c: c["after_turn"])
    session = _new_session(session_factory, lang, backend)
    transcript: list[dict[str, Any]] = []
    latencies: list[float] = []
    sent = 0
    turn = None
    message = case["first_message"]
    stop = "max-turns"
    while sent < MAX_TURNS:
        started = time.perf_counter()
        turn = session.send(message)
        latencies.append((time.perf_counter() - started) * 1000)
        sent += 1
        transcript.append({"turn": sent, "role": "producer", "text": message})
        transcript.append({"turn": sent, "role": "assistant", "text": _assistant_text(turn)})
        asked = [q.fact for q in (turn.questions or ())]
        if pending and (pending[0]["after_turn"] <= sent or not asked):
            message = pending.pop(0)["text"]
            continue
        if not asked:
            stop = "done"
            break
        message = answer(asked, truth, lang, style)
    declaration = getattr(session, "declaration", None)
    facts = {}
    if declaration is not None:
        facts = {name: value for name, value in declaration.values().items() if value is not None}
    rules = list(getattr(turn, "rule_ids", ()) or ())
    if not rules and getattr(turn, "assessment", None) is not None:
        rules = list(turn.assessment.rule_ids)
    return {
        "decision": turn.decision if turn is not None else "error",
        "rules": rules,
        "turns": sent,
        "stop": stop,
        "facts": facts,
        "transcript": transcript,
        "turn_latency_ms": [round(ms, 3) for ms in latencies],
    }

"""Greenlight's chat page: `make run` (streamlit run ui/app.py).

Thin by design, like streamlit/llm-examples but without building anything in the page: it
renders what `assistant.IntakeSession` returns — the conversation, the live declaration, the
decision — and forwards the producer's messages and corrections to it. State is created once
behind `if "key" not in st.session_state` guards; missing configuration ends with a hint
(st.info + st.stop), never a traceback.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any

import streamlit as st

st.set_page_config(page_title="Greenlight", page_icon=":material/traffic:", layout="wide")

# Interface strings (the conversation's own words come from assistant/).
UI: dict[str, dict[str, str]] = {
    "tagline": {
        "en": "Is this GenAI use low risk, or does it need written approval first — and why?",
        "fr": "Cet usage de l'IA générative est-il à faible risque, ou faut-il d'abord une approbation écrite — et pourquoi ?",
    },
    "interface": {"en": "Interface language", "fr": "Langue de l'interface"},
    "extractor": {"en": "Reading messages with", "fr": "Lecture des messages"},
    "new": {"en": "New intake", "fr": "Nouvelle déclaration"},
    "past": {"en": "Past intakes", "fr": "Déclarations précédentes"},
    "none_past": {"en": "None yet.", "fr": "Aucune pour l'instant."},
    "stored": {"en": "Saved in", "fr": "Enregistré dans"},
    "placeholder": {
        "en": "Describe the intended GenAI use, or answer the questions…",
        "fr": "Décrivez l'usage prévu de l'IA générative, ou répondez aux questions…",
    },
    "welcome": {
        "en": "Hello! Describe the generative-AI use you are planning — the tool, what it makes, and where the "
        "result ends up. I will tell you whether it is low risk or needs written approval from your Netflix "
        "contact, and why. You can also ask me about the guidance (“what counts as a final deliverable?”).",
        "fr": "Bonjour ! Décrivez l'usage de l'IA générative que vous prévoyez — l'outil, ce qu'il produit et où le "
        "résultat sera utilisé. Je vous dirai s'il est à faible risque ou s'il faut une approbation écrite de "
        "votre contact Netflix, et pourquoi. Vous pouvez aussi me poser des questions sur les recommandations "
        "(« qu'est-ce qu'une réplique numérique ? »).",
    },
    "thinking": {"en": "Reading your message…", "fr": "Lecture de votre message…"},
    "decision": {"en": "Decision", "fr": "Décision"},
    "why": {"en": "Why", "fr": "Pourquoi"},
    "open": {"en": "Still to answer", "fr": "Reste à préciser"},
    "rule": {"en": "rule", "fr": "règle"},
    "follow_ups": {"en": "Your Netflix contact will also want to know", "fr": "Votre contact Netflix voudra aussi savoir"},
    "declaration": {"en": "Declaration", "fr": "Déclaration"},
    "declaration_help": {
        "en": "Every fact Greenlight reasons about, with your words. Change a value to correct it; the decision "
        "updates at once.",
        "fr": "Chaque point sur lequel Greenlight raisonne, avec vos mots. Changez une valeur pour la corriger ; la "
        "décision se met à jour aussitôt.",
    },
    "your_words": {"en": "Your words", "fr": "Vos mots"},
    "set_in_panel": {"en": "set here", "fr": "choisi ici"},
    "message": {"en": "message", "fr": "message"},
    "export": {"en": "Export for your Netflix contact", "fr": "Export pour votre contact Netflix"},
    "download_md": {"en": "Summary (Markdown)", "fr": "Récapitulatif (Markdown)"},
    "download_json": {"en": "Data (JSON)", "fr": "Données (JSON)"},
    "policy": {"en": "Policy", "fr": "Politique"},
    "config": {
        "en": "Greenlight cannot start: {error}. Fix it, then reload this page.",
        "fr": "Greenlight ne peut pas démarrer : {error}. Corrigez-le puis rechargez la page.",
    },
    "install": {
        "en": "The assistant package is not installed in this environment ({error}). Run `make run`, which "
        "installs it, or `pip install -e '.[ui]'`.",
        "fr": "Le paquet assistant n'est pas installé dans cet environnement ({error}). Lancez `make run`, qui "
        "l'installe, ou `pip install -e '.[ui]'`.",
    },
    "send_failed": {"en": "This message could not be processed", "fr": "Ce message n'a pas pu être traité"},
}
# Material icons ship with Streamlit, so they render where no emoji font is installed.
DECISION_STYLE = {
    "low_risk": ("success", ":material/check_circle:"),
    "approval_required": ("error", ":material/block:"),
    "needs_info": ("warning", ":material/help:"),
}
VALUES: list[Any] = [None, "yes", "no", "unsure"]

if "ui_lang" not in st.session_state:
    st.session_state.ui_lang = "en"


def t(key: str, **values: str) -> str:
    return UI[key][st.session_state.ui_lang].format(**values)


# --- configuration: anything missing ends here with a hint --------------------------------------

try:
    from assistant import IntakeSession, passage, question_bank
    from assistant._errors import GreenlightError, InputError
    from assistant._export import export_filename
    from assistant._intake import check_configuration
    from assistant._render import HEADLINES, NEXT_STEPS, colon, value_word
    from assistant._store import IntakeStore, database_url
except ImportError as exc:
    st.info(t("install", error=str(exc)))
    st.stop()


@st.cache_resource(show_spinner=False)
def open_store(url: str) -> IntakeStore:
    return IntakeStore(url)


@st.cache_resource(show_spinner=False)
def warm_guidance_index() -> None:
    """Build or open the guideline index in the background, once per server, so that the
    first guidance question does not wait for it (a cold build takes a few seconds).
    GREENLIGHT_WARM_INDEX=0 turns it off."""
    import os
    import threading

    if os.environ.get("GREENLIGHT_WARM_INDEX", "1") == "0":
        return

    def warm() -> None:
        try:
            from assistant._retrieval import ensure_index

            ensure_index()
        except Exception:  # noqa: BLE001 — retrieval falls back on its own when asked; nothing to show here
            pass

    threading.Thread(target=warm, name="greenlight-index-warmup", daemon=True).start()


try:
    check_configuration()
    store = open_store(database_url())
    warm_guidance_index()
except GreenlightError as exc:
    st.info(t("config", error=str(exc)))
    st.stop()


def new_session() -> IntakeSession:
    return IntakeSession(store=store)


if "intake" not in st.session_state:
    # A reload keeps the intake: its id is in the URL (?intake=…).
    reopened = None
    wanted = st.query_params.get("intake")
    if wanted:
        try:
            reopened = store.load(wanted)
        except GreenlightError:
            reopened = None
    st.session_state.intake = reopened or new_session()

session: IntakeSession = st.session_state.intake
lang = st.session_state.ui_lang


# --- actions (callbacks run before the page is drawn again) -------------------------------------

def start_new() -> None:
    st.session_state.intake = new_session()
    st.query_params.clear()


def reopen(intake_id: str) -> None:
    try:
        st.session_state.intake = store.load(intake_id)
        st.query_params["intake"] = intake_id
    except GreenlightError as exc:
        st.session_state.flash = str(exc)


def correct(fact: str, key: str) -> None:
    try:
        st.session_state.intake.correct(fact, st.session_state[key])
        st.query_params["intake"] = st.session_state.intake.id
    except GreenlightError as exc:
        st.session_state.flash = str(exc)


# --- sidebar: language, extractor, intakes -----------------------------------------------------

with st.sidebar:
    st.markdown("## :green[:material/traffic:] Greenlight")
    st.caption(t("tagline"))
    st.radio(t("interface"), ["en", "fr"], key="ui_lang", horizontal=True,
             format_func=lambda code: {"en": "English", "fr": "Français"}[code])
    st.markdown(f"{t('extractor')}{colon(lang)} **{session.extractor.describe(lang)}**")
    st.button(t("new"), icon=":material/add:", on_click=start_new, width="stretch", key="new-intake")
    st.markdown(f"**{t('past')}**")
    past = store.list_intakes(20)
    if not past:
        st.caption(t("none_past"))
    for item in past:
        icon = DECISION_STYLE.get(item.decision, ("", None))[1]
        title = (item.title or item.id)[:48]
        st.button(title, icon=icon, key=f"open-{item.id}", help=f"{item.id} · {item.updated_at[:16].replace('T', ' ')}",
                  on_click=reopen, args=(item.id,), width="stretch",
                  disabled=item.id == session.id)  # the open one
    st.caption(f"{t('stored')} `{store.location}`")

if "flash" in st.session_state:
    st.warning(st.session_state.pop("flash"))

prompt = st.chat_input(t("placeholder"))
chat, panel = st.columns([3, 2], gap="large")

# --- the conversation ---------------------------------------------------------------------------

with chat:
    with st.chat_message("assistant"):  # the greeting stays at the top of every intake
        st.markdown(t("welcome"))
    for message in session.messages:
        with st.chat_message(message["role"]):
            st.markdown(message["content"])
    if prompt:
        with st.chat_message("user"):
            st.markdown(prompt)
        with st.chat_message("assistant"):
            try:
                with st.spinner(t("thinking")):
                    turn = session.send(prompt)
            except InputError as exc:
                st.warning(str(exc))
            except GreenlightError as exc:
                st.error(f"{t('send_failed')}: {exc}")
            else:
                st.markdown(turn.reply)
                st.query_params["intake"] = session.id

# --- the decision card, the declaration, the export -----------------------------------------------

with panel:
    assessment = session.assessment_in(lang)
    kind, icon = DECISION_STYLE[assessment.decision]
    with st.container(border=True, key="decision-card"):
        getattr(st, kind)(f"### {HEADLINES[assessment.decision][lang]}\n\n{NEXT_STEPS[assessment.decision][lang]}",
                          icon=icon)
        if assessment.reasons:
            st.markdown(f"**{t('why')}**")
            for reason in assessment.reasons:
                st.markdown(reason.message)
                # Each citation opens its guideline passage; link-like, so the card stays short.
                with st.container(gap=None):
                    for passage_id in reason.citations:
                        cited = passage(passage_id, lang)
                        with st.popover(f"{cited.section} · {cited.title}", icon=":material/menu_book:",
                                        type="tertiary", key=f"cite-{reason.rule}-{passage_id}"):
                            st.markdown(f"**{cited.section} · {cited.title}**")
                            st.markdown(cited.text)
                            st.caption(f"`{passage_id}` · {t('rule')} `{reason.rule}`")
        if assessment.decision == "needs_info" and assessment.missing_facts:
            labels = ", ".join(question_bank()[name].label[lang] for name in assessment.missing_facts)
            st.markdown(f"**{t('open')}{colon(lang)}** {labels}")
        if assessment.follow_ups:
            topics = ", ".join(question_bank()[q.fact].label[lang] for q in assessment.follow_ups)
            st.caption(f"{t('follow_ups')}{colon(lang)} {topics}")

    st.markdown(f"#### {t('export')}")
    today = _dt.date.today().isoformat()
    left, right = st.columns(2)
    left.download_button(t("download_md"), data=session.to_markdown(lang), file_name=export_filename(session, "md"),
                         mime="text/markdown", icon=":material/description:", key="download-md", width="stretch")
    right.download_button(t("download_json"), data=json.dumps(session.to_json(lang), ensure_ascii=False, indent=2),
                          file_name=export_filename(session, "json"), mime="application/json", icon=":material/data_object:",
                          key="download-json", width="stretch")
    st.caption(f"{t('policy')} `{assessment.policy_version}` · {today} · {session.id}")

    st.markdown(f"#### {t('declaration')}")
    st.caption(t("declaration_help"))
    version = len(session.history)  # new widgets whenever the declaration may have changed
    with st.container(key="declaration", height=640, border=False):
        cells = st.columns(2)
        for position, (name, spec) in enumerate(question_bank().items()):
            fact = getattr(session.declaration.facts, name)
            key = f"fact-{session.id}-{version}-{name}"
            with cells[position % 2]:
                st.selectbox(
                    spec.label[lang], VALUES, index=VALUES.index(fact.value), key=key,
                    format_func=lambda value: value_word(value, lang) if value else "—",
                    help=spec.explain[lang], on_change=correct, args=(name, key),
                )
                words = []
                for evidence in fact.evidence:
                    turn_of = session.history[evidence.turn] if evidence.turn is not None and evidence.turn < version else None
                    if turn_of is not None and turn_of.kind == "correction":
                        words.append(f"*{t('set_in_panel')}*")
                    else:
                        where = f" ({t('message')} {evidence.turn + 1})" if evidence.turn is not None else ""
                        words.append(f"“{evidence.quote}”{where}")
                st.caption(f"{t('your_words')}{colon(lang)} " + "; ".join(words) if words else "&nbsp;")

"""The conversational intake: a producer describes a GenAI use, Greenlight asks what it needs.

    >>> from assistant import IntakeSession
    >>> session = IntakeSession()
    >>> turn = session.send("Mood boards only, made with our enterprise Firefly licence.")
    >>> turn.decision, [q.fact for q in turn.questions]
    ('needs_info', ['talent_likeness', 'performance_alteration', 'union_work_impact'])
    >>> session.send("None of those.").decision
    'needs_info'

Each message goes through the same steps, with no Streamlit and no I/O besides the store:

1. Secrets that look like API keys are masked in place (same length, so evidence offsets
   still point into the message); nothing else is changed.
2. A question about the guidance ("what counts as a final deliverable?") is answered from
   the knowledge base (`retrieve()`, or a keyword search when retrieval is unavailable) and
   changes no fact.
3. Otherwise the extractor reads facts from the message, and a reply to the pending
   questions ("no", "not sure", "none of those", "yes to the first, no to the others") is
   read with knowledge/intake.yaml. Within one message the riskier reading wins.
4. Facts merge into the declaration. A later statement overrides an earlier one and is
   reported as a correction; a statement that would *lower* a stated risk is applied only
   when the message marks itself as a correction ("actually", "en fait", "sorry, …"),
   otherwise it is shown to the producer and the risk is kept.
5. `assess()` decides. While it needs info, the next questions are asked — most decisive
   first, one group of the question bank at a time as a checklist (same polarity only, so
   "none of those" always means "none of these risks"). Once the decision is settled
   (one trigger is enough for approval), no more questions are asked: the reply lists what
   the Netflix contact will also want to know.

Language: the first message sets it (or `lang=`); later messages keep it unless the producer
clearly writes in the other language.
"""

from __future__ import annotations

import datetime as _dt
import logging
import re
import secrets as _secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Optional, Sequence

from ._answers import AnswerReading, fold, is_correction, question_kind, read_answer
from ._assess import Assessment, Decision, Question, assess
from ._declaration import FACT_NAMES, Evidence, Fact, FactValue, UsageDeclaration
from ._errors import GreenlightError
from ._knowledge import Lang, passage, passages, question_bank
from ._lang import _ENGLISH, _FRENCH, _WORD, detect_lang
from ._policy import load_policy
from ._render import HEADLINES, colon, render_follow_ups, render_markdown, value_word

if TYPE_CHECKING:
    from ._store import IntakeStore

__all__ = ["ExtractorInfo", "FactChange", "IntakeSession", "Turn", "check_configuration", "mask_secrets"]

logger = logging.getLogger("assistant.intake")

TurnKind = Literal["message", "correction"]
Intent = Literal["description", "answer", "guidance", "unclear", "correction"]
_CHECKLIST_MAX = 4
_GUIDANCE_K = 3
_MAX_EVIDENCE = 5


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _new_id() -> str:
    """Sortable and readable: 20251126-1f3a9c."""
    return f"{_dt.datetime.now(_dt.timezone.utc):%Y%m%d}-{_secrets.token_hex(3)}"


# --- what the producer sees ----------------------------------------------------------------------

_SAY: dict[str, dict[Lang, str]] = {
    "read": {"en": "I read", "fr": "J'ai relevé"},
    "noted": {"en": "Noted", "fr": "C'est noté"},
    "changed": {
        "en": "Correction noted: **{label}** is now **{new}** (it was *{old}*).",
        "fr": "Correction notée : **{label}** passe à **{new}** (c'était *{old}*).",
    },
    "held": {
        "en": "You wrote “{quote}”, which may mean **{label}** is now *{new}*. I kept *{old}*, as stated earlier: "
        "if the plan has changed, say so (for example “actually, …”) or correct it in the declaration.",
        "fr": "Vous avez écrit « {quote} », ce qui pourrait vouloir dire que **{label}** est désormais *{new}*. "
        "J'ai gardé *{old}*, comme indiqué plus tôt : si le projet a changé, dites-le (par exemple « en fait, … ») "
        "ou corrigez-le dans la déclaration.",
    },
    "withdrawn": {
        "en": "**{label}** (*{old}*) was read from the same words ({quote}); it is cleared and will be asked again.",
        "fr": "**{label}** (*{old}*) avait été déduit des mêmes mots ({quote}) ; ce point est effacé et sera redemandé.",
    },
    "control": {
        "en": "You set **{label}** to **{new}** in the declaration (it was *{old}*).",
        "fr": "Vous avez mis **{label}** à **{new}** dans la déclaration (c'était *{old}*).",
    },
    "checklist": {
        "en": "Do any of these apply? Answer yes, no or not sure for each — or “none of those”.",
        "fr": "L'un de ces points s'applique-t-il ? Répondez oui, non ou je ne sais pas pour chacun — ou « aucun ».",
    },
    "question": {"en": "Question", "fr": "Question"},
    "why_it_matters": {"en": "Why it matters", "fr": "Pourquoi c'est important"},
    "which": {
        "en": "Which of them? For example: “yes to the first, no to the others”.",
        "fr": "Lesquels ? Par exemple : « oui pour le premier, non pour les autres ».",
    },
    "unclear": {
        "en": "I could not read an answer in that.",
        "fr": "Je n'ai pas pu y lire de réponse.",
    },
    "describe": {
        "en": "Tell me about the intended GenAI use: the tool, what it makes, and where the result ends up.",
        "fr": "Décrivez l'usage prévu de l'IA générative : l'outil, ce qu'il produit et où le résultat sera utilisé.",
    },
    "unclear_correction": {
        "en": "I understand something has changed, but I could not tell which fact. Say it in a sentence "
        "(for example “the voice is based on a real actor”), or correct the fact in the declaration.",
        "fr": "Je comprends que quelque chose a changé, sans savoir quel point. Dites-le en une phrase "
        "(par exemple « la voix est celle d'un vrai comédien ») ou corrigez le point dans la déclaration.",
    },
    "no_pending": {
        "en": "There is no open question right now.",
        "fr": "Il n'y a pas de question en attente.",
    },
    "guidance_intro": {"en": "Here is what the guidance says:", "fr": "Voici ce que disent les recommandations :"},
    "sources": {"en": "Sources", "fr": "Sources"},
    "see_also": {"en": "See also", "fr": "Voir aussi"},
    "guidance_keywords": {
        "en": "(Found by a keyword search: the guidance index is unavailable.)",
        "fr": "(Trouvé par recherche de mots-clés : l'index des recommandations est indisponible.)",
    },
    "guidance_none": {
        "en": "I found nothing in the guidance about that; your Netflix contact can answer it.",
        "fr": "Je n'ai rien trouvé à ce sujet dans les recommandations ; votre contact Netflix pourra répondre.",
    },
    "ignored_facts": {
        "en": "If this is about your own plan, describe it (for example “we will …”) and I will add it to the declaration.",
        "fr": "S'il s'agit de votre projet, décrivez-le (par exemple « nous allons … ») et je l'ajouterai à la déclaration.",
    },
    "back": {"en": "Back to your intake", "fr": "Revenons à votre déclaration"},
    "current": {"en": "Current decision", "fr": "Décision actuelle"},
    "stays": {"en": "The decision stays **{headline}**.", "fr": "La décision reste **{headline}**."},
    "masked": {
        "en": "Part of your message looked like a password or API key; I masked it and it is not stored.",
        "fr": "Une partie de votre message ressemblait à un mot de passe ou une clé d'API ; je l'ai masquée et elle "
        "n'est pas conservée.",
    },
}


def say(key: str, lang: Lang, **values: str) -> str:
    """A conversation phrase in `lang`, with `{placeholders}` filled."""
    return _SAY[key][lang].format(**values)


# --- secrets ----------------------------------------------------------------------------------

_SECRET_PATTERNS = [
    re.compile(r"\bsk-(?:proj-|ant-)?[A-Za-z0-9_\-]{16,}"),
    re.compile(r"\b(?:ghp|gho|ghu|ghs|github_pat)_[A-Za-z0-9_]{20,}"),
    re.compile(r"\bxox[abprs]-[A-Za-z0-9\-]{10,}"),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b"),
    re.compile(r"(?i)\bbearer\s+([A-Za-z0-9._\-]{16,})"),
    re.compile(r"(?i)\b(?:api[_ -]?key|secret|token|password|passwd|mot de passe)\s*[:=]\s*(\S{6,})"),
]


def mask_secrets(text: str) -> tuple[str, bool]:
    """`text` with anything that looks like a key or password replaced by "•" of the same
    length (evidence offsets stay valid), and whether anything was masked."""
    masked = text
    for pattern in _SECRET_PATTERNS:
        def blank(match: re.Match[str]) -> str:
            group = 1 if match.re.groups else 0
            start, end = match.span(group)
            whole_start = match.start()
            piece = match.group(0)
            return piece[: start - whole_start] + "•" * (end - start) + piece[end - whole_start:]
        masked = pattern.sub(blank, masked)
    return masked, masked != text


# --- the turn -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtractorInfo:
    """Which extractor reads the producer's messages.

    Attributes:
        name: "offline" (patterns, no network) or an LLM backend name.
        label: what the page shows, e.g. "offline extractor".
        model: the model name for an LLM backend, else None. Never a key or a URL with credentials.
    """

    name: str = "offline"
    label: str = "offline extractor"
    model: Optional[str] = None

    def describe(self, lang: Lang = "en") -> str:
        """What to show: "offline extractor" / "extracteur hors ligne", or the LLM's label and model."""
        if self.name == "offline":
            return "extracteur hors ligne" if lang == "fr" else "offline extractor"
        return f"{self.label} ({self.model})" if self.model and self.model not in self.label else self.label


@dataclass(frozen=True)
class FactChange:
    """What one turn did to one fact.

    Attributes:
        fact: the fact name.
        old: its value before the turn (None: not stated).
        new: its value after — or, when `how` is "held", the value the message seemed to
            give, which was not applied.
        how: "read" (the extractor read it in a description), "answer" (the producer
            answered a question), "control" (set with the declaration panel), "held" (a
            lowering of a stated risk without a correction marker, shown but not applied),
            "withdrawn" (a safe value read from the very words of a fact just corrected —
            "enterprise version" gave both "enterprise tool" and "does not train" — cleared so
            that it is asked again).
        quote: the producer's words behind it.
    """

    fact: str
    old: FactValue
    new: FactValue
    how: Literal["read", "answer", "control", "held", "withdrawn"]
    quote: str = ""

    @property
    def is_correction(self) -> bool:
        """An applied change of a value stated earlier."""
        return self.how not in ("held", "withdrawn") and self.old is not None and self.old != self.new


@dataclass(frozen=True)
class Turn:
    """One exchange: the producer's message (or a correction made in the declaration panel)
    and Greenlight's reply, with the state it left.

    Attributes:
        index: position in the intake (0 first); evidence `turn` fields refer to it.
        kind: "message" (typed by the producer) or "correction" (set with a control).
        intent: how the message was read: "description", "answer", "guidance" (a question
            about the guidance, answered from the knowledge base), "unclear", "correction".
        message: the producer's text (secrets masked), or "Label: value" for a correction.
        reply: Greenlight's answer, Markdown.
        lang: the language of the reply.
        decision: the decision after this turn.
        questions: the questions asked in this turn (answer them in the next message);
            empty once the decision is settled.
        assessment: the full assessment after this turn.
        declaration: the declaration after this turn.
        notices: things a person should see (extractor notices, masked secrets).
        changes: what the turn did to each fact it touched.
        passages: ids of the guidance passages quoted (guidance questions).
        created_at: UTC time, ISO 8601.
    """

    index: int
    kind: TurnKind
    intent: Intent
    message: str
    reply: str
    lang: Lang
    decision: Decision
    questions: tuple[Question, ...]
    assessment: Assessment
    declaration: UsageDeclaration
    notices: tuple[str, ...] = ()
    changes: tuple[FactChange, ...] = ()
    passages: tuple[str, ...] = ()
    created_at: str = field(default_factory=_now)

    @property
    def corrections(self) -> tuple[FactChange, ...]:
        """The changes that replaced a value stated earlier."""
        return tuple(change for change in self.changes if change.is_correction)


# --- reading the extractor's output --------------------------------------------------------------


@dataclass(frozen=True)
class _Reading:
    declaration: UsageDeclaration
    notices: tuple[str, ...]
    extractor: ExtractorInfo


def _extractor_info(backend: Optional[str]) -> ExtractorInfo:
    """The configured extractor, for display (assistant._config when present, else offline)."""
    if backend == "offline":
        return ExtractorInfo()
    try:
        from ._config import load_settings

        settings = load_settings()
        if (backend or settings.backend) == "offline":
            return ExtractorInfo()
        return ExtractorInfo(name="openai", label=settings.describe(), model=getattr(settings, "model", None))
    except ImportError:
        return ExtractorInfo()
    except Exception as exc:  # noqa: BLE001 — a broken configuration reads as offline, with the reason
        return ExtractorInfo(label=f"offline extractor ({exc})")


def _read(text: str, backend: Optional[str]) -> _Reading:
    """The extractor's reading of one message. The one place that calls the extractor."""
    from . import _extract

    with_details = getattr(_extract, "extract_with_details", None)
    if with_details is None:
        declaration = _extract.extract(text, backend=backend)  # type: ignore[arg-type]
        return _Reading(declaration, tuple(declaration.notices), _extractor_info(backend))
    result = with_details(text, backend=backend)
    info = ExtractorInfo(
        name=result.backend_used,
        label=result.backend_description,
        model=None if result.backend_used == "offline" else _extractor_info(backend).model,
    )
    return _Reading(result.declaration, tuple(result.notices), info)


def _withdraw_shared(
    before: UsageDeclaration, after: UsageDeclaration, changes: Sequence["FactChange"], safe: dict[str, str]
) -> tuple[UsageDeclaration, list["FactChange"]]:
    """Clear the safe facts that were read from the very words of a fact now corrected.

    "All in the enterprise version of the tool" gives both "enterprise tool: yes" and "does
    not train: no"; when the producer corrects the first ("it's our personal Pro accounts"),
    the second has lost its only ground. It becomes unstated again (asked, never assumed).
    Risky values are left alone: clearing them could only lower the risk.
    """
    corrected = [c for c in changes if c.is_correction]
    if not corrected:
        return after, []
    spans = {(e.turn, e.start, e.end) for c in corrected for e in getattr(before.facts, c.fact).evidence}
    touched = {c.fact for c in changes}
    withdrawn: list[FactChange] = []
    for name in FACT_NAMES:
        fact = getattr(after.facts, name)
        if name in touched or fact.value is None or not fact.evidence or _risk(name, fact.value, safe) != 1:
            continue
        if all((e.turn, e.start, e.end) in spans for e in fact.evidence):
            after = after.with_fact(name, Fact())
            withdrawn.append(FactChange(name, fact.value, None, "withdrawn", "; ".join(e.quote for e in fact.evidence)))
    return after, withdrawn


def _withdrawn_line(change: "FactChange", lang: Lang) -> str:
    label = question_bank()[change.fact].label[lang]
    quotes = ", ".join(f"“{q}”" for q in change.quote.split("; ") if q)
    return say("withdrawn", lang, label=label, quote=quotes, old=value_word(change.old, lang))


def _describe(declaration: UsageDeclaration, read: UsageDeclaration, *, first_description: bool) -> UsageDeclaration:
    """Merge the descriptive fields a message adds: tools and media (union), the stage (the
    first one stated), the summary (the first description's), the extractor's notices."""
    update: dict[str, Any] = {
        "tools": tuple(dict.fromkeys(declaration.tools + read.tools)),
        "media": tuple(dict.fromkeys(declaration.media + read.media)),
        "notices": tuple(dict.fromkeys(declaration.notices + read.notices)),
    }
    if declaration.stage == "unknown" and read.stage != "unknown":
        update["stage"] = read.stage
    if not declaration.summary and first_description and read.summary:
        update["summary"] = read.summary
    return declaration.model_copy(update=update)


# --- polarity: which value of a fact is the risky one --------------------------------------------


def _safe_values() -> dict[str, str]:
    """Fact → the value a low-risk rule needs ("no" for a risk, "yes" for the enterprise tool)."""
    safe: dict[str, str] = {}
    for rule in load_policy().rules:
        if rule.effect == "low_risk":
            for name, allowed in rule.when.items():
                if len(allowed) == 1:
                    safe.setdefault(name, next(iter(allowed)))
    safe.setdefault("talent_consent", "yes")
    return safe


def _risk(fact: str, value: FactValue, safe: dict[str, str]) -> int:
    """0 not stated, 1 safe, 2 unsure, 3 risky."""
    if value is None:
        return 0
    if value == "unsure":
        return 2
    return 1 if value == safe.get(fact, "no") else 3


# --- the session --------------------------------------------------------------------------------


class IntakeSession:
    """One producer's intake: the conversation, the declaration it builds, and the decision.

    Args:
        lang: language to start in, "en" or "fr"; default: the first message's.
        backend: extractor backend passed to `extract()` (default: the configured one).
        store: where to save each turn (an `assistant._store.IntakeStore`); default None,
            nothing is saved. The chat page and `greenlight chat` pass the default store.
        intake_id: the id to use (a new one by default).

    Attributes:
        id: the intake id, e.g. "20251126-1f3a9c".
        declaration: the declaration so far.
        assessment: the current assessment.
        pending: the questions asked last, waiting for an answer.
        lang: the current reply language.
        extractor: which extractor reads messages.

    The producer's answers may take these forms (English or French): a bare "yes" / "no" /
    "not sure" (and "yep", "nope", "idk", "oui", "non", "je ne sais pas", "pas sûr",
    "aucune idée" …); for a checklist, "none of those" / "aucun" / "rien de tout ça" (all no),
    "all of them" (all yes), "no, no, yes", "1. no 2. yes", "yes to the first, no to the
    others"; or a sentence, which the extractor reads. A bare "yes" to a checklist is
    ambiguous and is asked back ("which of them?").
    """

    def __init__(
        self,
        lang: Optional[Lang] = None,
        backend: Optional[str] = None,
        store: Optional["IntakeStore"] = None,
        *,
        intake_id: Optional[str] = None,
    ) -> None:
        if lang is not None and lang not in ("en", "fr"):
            raise ValueError(f"lang must be 'en', 'fr' or None, not {lang!r}")
        self.id: str = intake_id or _new_id()
        self.created_at: str = _now()
        self.lang: Lang = lang or "en"
        self._lang_given = lang is not None
        self.backend = backend
        self.store = store
        self.extractor: ExtractorInfo = _extractor_info(backend)
        self.declaration: UsageDeclaration = UsageDeclaration()
        self.assessment: Assessment = assess(self.declaration, lang=self.lang)
        self.pending: tuple[Question, ...] = ()
        self._history: list[Turn] = []

    # -- public state ----------------------------------------------------------------------

    @property
    def history(self) -> tuple[Turn, ...]:
        """Every turn so far, oldest first."""
        return tuple(self._history)

    @property
    def decision(self) -> Decision:
        """The current decision."""
        return self.assessment.decision

    @property
    def messages(self) -> list[dict[str, str]]:
        """The conversation as role/content dicts (as chat UIs replay it)."""
        out: list[dict[str, str]] = []
        for turn in self._history:
            content = turn.message if turn.kind == "message" else f"✎ {turn.message}"
            out.append({"role": "user", "content": content, "kind": turn.kind})
            out.append({"role": "assistant", "content": turn.reply, "kind": turn.kind})
        return out

    def assessment_in(self, lang: Lang) -> Assessment:
        """The current assessment with messages and questions in `lang` (same decision)."""
        if lang == self.assessment.lang:
            return self.assessment
        return assess(self.declaration, lang=lang)

    def __repr__(self) -> str:
        return f"IntakeSession(id={self.id!r}, turns={len(self._history)}, decision={self.decision!r})"

    # -- the conversation --------------------------------------------------------------------

    def send(self, text: str) -> Turn:
        """Take the producer's next message and answer it.

        Args:
            text: what the producer typed, English or French (at most MAX_TEXT_CHARS).

        Returns:
            The Turn: decision, the questions asked now, the Markdown reply, the assessment
            and declaration after the message.

        Raises:
            InputError: the message is empty or too long.
            StoreError: the turn could not be saved; the session is left as it was.
        """
        from ._extract import validate_text

        validate_text(text)
        text, masked = mask_secrets(text)
        index = len(self._history)
        lang = self._language_for(text)
        kind = question_kind(text)
        reading: Optional[_Reading] = None
        if kind != "definition":
            reading = _read(text, self.backend)
        stated = self._stated(reading, index) if reading else {}
        answer = read_answer(text, self.pending) if kind != "definition" else AnswerReading()
        notices = (say("masked", lang),) if masked else ()
        if reading:
            notices += reading.notices
        if kind == "definition" or (kind == "question" and not stated and not answer.answered):
            ignored = bool(kind == "definition" and self._would_state(text))
            return self._commit(self._guidance_turn(text, index, lang, notices, ignored))
        return self._commit(self._fact_turn(text, index, lang, notices, stated, answer, reading))

    def correct(self, fact: str, value: FactValue) -> Turn:
        """Set one fact as the producer chose it in a control (the declaration panel), and
        re-assess. `value` None clears the fact, which is then asked about again.

        The evidence is the producer's own choice (source "producer"), pointing to this turn.

        Raises:
            ValueError: unknown fact or value.
            StoreError: the turn could not be saved; the session is left as it was.
        """
        if fact not in FACT_NAMES:
            raise ValueError(f"unknown fact {fact!r}; valid names: {', '.join(FACT_NAMES)}")
        if value not in (None, "yes", "no", "unsure"):
            raise ValueError(f'value must be "yes", "no", "unsure" or None, not {value!r}')
        lang = self.lang
        index = len(self._history)
        label = question_bank()[fact].label[lang]
        message = f"{label}{colon(lang)} {value_word(value, lang)}"
        old = self.declaration.values()[fact]
        evidence = (Evidence(quote=message, start=0, end=len(message), source="producer", turn=index),) if value else ()
        declaration = self.declaration.with_fact(fact, Fact(value=value, evidence=evidence))
        change = FactChange(fact, old, value, "control", message)
        declaration, withdrawn = _withdraw_shared(self.declaration, declaration, [change], _safe_values())
        assessment = assess(declaration, lang=lang)
        questions = self._next_questions(assessment, keep=True)
        lines = [say("control", lang, label=label, new=value_word(value, lang), old=value_word(old, lang))]
        lines += [_withdrawn_line(w, lang) for w in withdrawn]
        lines += self._decision_lines(assessment, questions, lang, force=False)
        turn = Turn(
            index=index, kind="correction", intent="correction", message=message, reply="\n\n".join(lines),
            lang=lang, decision=assessment.decision, questions=questions, assessment=assessment,
            declaration=declaration, changes=(change, *withdrawn),
        )
        return self._commit(turn)

    # -- internals ----------------------------------------------------------------------------

    def _language_for(self, text: str) -> Lang:
        if not self._history and not self._lang_given:
            return detect_lang(text, default=self.lang)
        french = english = 0
        for word in _WORD.findall(text.lower().replace("’", "'")):
            for part in word.split("'"):
                french += part in _FRENCH
                english += part in _ENGLISH
        other: Lang = "fr" if self.lang == "en" else "en"
        ours, theirs = (english, french) if self.lang == "en" else (french, english)
        # "Clearly": a sentence, not a bare "oui", with the other language well ahead.
        if len(text.split()) >= 4 and theirs >= 2 and theirs > 2 * ours:
            return other
        return self.lang

    def _stated(self, reading: _Reading, index: int) -> dict[str, Fact]:
        """The facts the extractor read, their evidence pointing to this turn."""
        out: dict[str, Fact] = {}
        for name in FACT_NAMES:
            fact = getattr(reading.declaration.facts, name)
            if fact.value is not None:
                evidence = tuple(e.model_copy(update={"turn": index}) for e in fact.evidence)
                out[name] = Fact(value=fact.value, evidence=evidence)
        return out

    def _would_state(self, text: str) -> bool:
        """Whether the words of a definition question would change a fact if read as a plan.
        Read offline: this only decides whether to add a hint, not worth an LLM request."""
        try:
            read = _read(text, "offline").declaration.values()
        except GreenlightError:
            return False
        current = self.declaration.values()
        return any(value is not None and value != current[name] for name, value in read.items())

    def _next_questions(self, assessment: Assessment, keep: bool) -> tuple[Question, ...]:
        """What to ask next: nothing once the decision is settled; otherwise the most decisive
        open question, with the other open questions of its group and polarity (a checklist)."""
        if assessment.decision != "needs_info" or not assessment.questions:
            return ()
        open_questions = {q.fact: q for q in assessment.questions}
        if keep and self.pending and all(q.fact in open_questions for q in self.pending):
            # Same checklist, same numbering: "yes to the first" keeps its meaning.
            return tuple(open_questions[q.fact] for q in self.pending)
        safe = _safe_values()
        first = assessment.questions[0]
        batch = [q for q in assessment.questions
                 if q.group == first.group and safe.get(q.fact, "no") == safe.get(first.fact, "no")]
        return tuple(batch[:_CHECKLIST_MAX])

    def _fact_turn(
        self, text: str, index: int, lang: Lang, notices: tuple[str, ...], stated: dict[str, Fact],
        answer: AnswerReading, reading: Optional[_Reading] = None,
    ) -> Turn:
        safe = _safe_values()
        before = self.declaration.values()
        if answer.answered:
            # An answer speaks to the questions asked. Its words may still reveal a risk
            # elsewhere ("no, but the script goes in"), but a *safe* reading of a fact nobody
            # asked about ("no real person's face" → no third-party material?) is an
            # inference too far: that fact will be asked about in its turn.
            asked = {a.fact for a in answer.answered}
            stated = {name: fact for name, fact in stated.items()
                      if name in asked or before[name] is not None or _risk(name, fact.value, safe) > 1}
        proposed: dict[str, tuple[Fact, str, str]] = {}  # fact → (new fact, how, quote)
        for name, fact in stated.items():
            proposed[name] = (fact, "read", "; ".join(e.quote for e in fact.evidence))
        for answered in answer.answered:
            quote = text[answered.start:answered.end]
            evidence = Evidence(quote=quote, start=answered.start, end=answered.end, source="producer", turn=index)
            current = proposed.get(answered.fact)
            # Within one message the riskier reading wins, as in the extractor.
            if current is None or _risk(answered.fact, answered.value, safe) > _risk(answered.fact, current[0].value, safe):
                proposed[answered.fact] = (Fact(value=answered.value, evidence=(evidence,)), "answer", quote)
        marked = is_correction(text)
        declaration = self.declaration
        changes: list[FactChange] = []
        for name in FACT_NAMES:
            if name not in proposed:
                continue
            fact, how, quote = proposed[name]
            old = before[name]
            if old == fact.value:
                kept = getattr(declaration.facts, name).evidence
                merged = tuple(dict.fromkeys(kept + fact.evidence))[-_MAX_EVIDENCE:]
                declaration = declaration.with_fact(name, Fact(value=old, evidence=merged))
            elif old is None or _risk(name, fact.value, safe) > _risk(name, old, safe) or marked:
                declaration = declaration.with_fact(name, fact)
                changes.append(FactChange(name, old, fact.value, how, quote))  # type: ignore[arg-type]
            else:
                changes.append(FactChange(name, old, fact.value, "held", quote))
        declaration, withdrawn = _withdraw_shared(self.declaration, declaration, changes, safe)
        changes += withdrawn
        if answer.answered and not stated:
            intent: Intent = "answer"
        elif stated:
            intent = "description"
        else:
            intent = "answer" if answer.form == "ambiguous" else "unclear"
        if reading is not None:
            declaration = _describe(declaration, reading.declaration, first_description=intent == "description")
        assessment = assess(declaration, lang=lang)
        questions = self._next_questions(assessment, keep=not answer.answered and not stated)
        reply = self._fact_reply(index, lang, notices, tuple(changes), answer, assessment, questions, intent, marked)
        return Turn(
            index=index, kind="message", intent=intent, message=text, reply=reply, lang=lang,
            decision=assessment.decision, questions=questions, assessment=assessment, declaration=declaration,
            notices=notices, changes=tuple(changes),
        )

    def _fact_reply(
        self, index: int, lang: Lang, notices: tuple[str, ...], changes: tuple[FactChange, ...],
        answer: AnswerReading, assessment: Assessment, questions: tuple[Question, ...], intent: Intent,
        marked: bool = False,
    ) -> str:
        bank = question_bank()
        blocks: list[str] = [f"> ⚠️ {notice}" for notice in notices]
        applied = [c for c in changes if c.how not in ("held", "withdrawn") and not c.is_correction]
        if applied:
            head = say("read", lang) if intent == "description" else say("noted", lang)
            items = []
            for change in applied:
                quotes = ", ".join(f"“{q}”" for q in change.quote.split("; ") if q)
                quote = f" — {quotes}" if change.how == "read" and quotes else ""
                items.append(f"- {bank[change.fact].label[lang]}{colon(lang)} **{value_word(change.new, lang)}**{quote}")
            blocks.append(f"{head}{colon(lang)}\n" + "\n".join(items))
        for change in changes:
            if change.is_correction:
                blocks.append(say("changed", lang, label=bank[change.fact].label[lang],
                                  new=value_word(change.new, lang), old=value_word(change.old, lang)))
            elif change.how == "held":
                blocks.append(say("held", lang, quote=change.quote, label=bank[change.fact].label[lang],
                                  new=value_word(change.new, lang), old=value_word(change.old, lang)))
            elif change.how == "withdrawn":
                blocks.append(_withdrawn_line(change, lang))
        if intent == "unclear":
            if answer.bare and not self.pending:
                blocks.append(say("no_pending", lang))
            elif marked:
                blocks.append(say("unclear_correction", lang))
            elif self.pending:
                blocks.append(say("unclear", lang))
            elif all(value is None for value in self.declaration.values().values()):
                blocks.append(say("describe", lang))
        if answer.form == "ambiguous":
            blocks.append(say("which", lang))
        blocks += self._decision_lines(assessment, questions, lang, force=index == 0)
        return "\n\n".join(blocks)

    def _decision_lines(
        self, assessment: Assessment, questions: tuple[Question, ...], lang: Lang, *, force: bool
    ) -> list[str]:
        """The decision (in full when it changed) and the questions to ask now."""
        previous = self.assessment
        same = not force and assessment.decision == previous.decision and assessment.rule_ids == previous.rule_ids
        lines: list[str] = []
        if not same:
            lines.append(render_markdown(assessment, questions=False))
        elif assessment.decision != "needs_info":
            lines.append(say("stays", lang, headline=HEADLINES[assessment.decision][lang]))
            if assessment.follow_ups:
                lines.append(render_follow_ups(assessment))
        if questions:
            lines.append(_ask(questions, lang))
        return lines

    def _guidance_turn(self, text: str, index: int, lang: Lang, notices: tuple[str, ...], ignored: bool) -> Turn:
        hits, how = _guidance_passages(text, lang, self.assessment, self.pending)
        blocks: list[str] = [f"> ⚠️ {notice}" for notice in notices]
        answer = None
        if hits and self.backend != "offline":
            from ._grounded import grounded_answer

            # With an LLM: a short answer written from these passages only, its citations checked.
            answer = grounded_answer(text, hits, lang)
        if answer is not None:
            by_id = {hit.id: hit for hit in hits}
            blocks.append(answer.text)
            sources = "; ".join(f"[{pid}] {by_id[pid].section} · {by_id[pid].title}" for pid in answer.citations)
            blocks.append(f"*{say('sources', lang)}{colon(lang)} {sources}*")
        elif hits:
            blocks.append(say("guidance_intro", lang))
            for hit in hits[:2]:
                blocks.append(f"**{hit.section} · {hit.title}**\n\n{_quote(hit.text)}")
            if len(hits) > 2:
                more = "; ".join(f"{hit.section} · {hit.title}" for hit in hits[2:])
                blocks.append(f"*{say('see_also', lang)}{colon(lang)} {more}*")
            if how == "keywords":
                blocks.append(f"*{say('guidance_keywords', lang)}*")
        else:
            blocks.append(say("guidance_none", lang))
        if ignored:
            blocks.append(say("ignored_facts", lang))
        assessment = self.assessment if self.assessment.lang == lang else assess(self.declaration, lang=lang)
        questions = self._next_questions(assessment, keep=True)
        if self._history:
            tail = f"**{say('back', lang)}.** {say('current', lang)}{colon(lang)} **{HEADLINES[assessment.decision][lang]}**."
            blocks.append(tail)
        if questions:
            blocks.append(_ask(questions, lang))
        elif not self._history:
            blocks.append(say("describe", lang))
        return Turn(
            index=index, kind="message", intent="guidance", message=text, reply="\n\n".join(blocks), lang=lang,
            decision=assessment.decision, questions=questions, assessment=assessment, declaration=self.declaration,
            notices=notices, passages=tuple(hit.id for hit in hits),
        )

    def _commit(self, turn: Turn) -> Turn:
        """Save the turn (one transaction), then — only then — make it the session's state."""
        if self.store is not None:
            self.store.save_turn(self, turn)
        self._history.append(turn)
        self.declaration = turn.declaration
        self.assessment = turn.assessment
        self.pending = turn.questions
        self.lang = turn.lang
        return turn

    # -- persistence and export ---------------------------------------------------------------

    @classmethod
    def open(cls, intake_id: str, store: Optional["IntakeStore"] = None) -> "IntakeSession":
        """Reopen a saved intake with its full state (default store: the configured one).

        Raises:
            StoreError: no such intake, or the store cannot be read.
        """
        from ._store import IntakeStore

        return (store or IntakeStore.from_env()).load(intake_id)

    def _restore(self, turns: Sequence[Turn], created_at: str, lang: Lang, extractor: ExtractorInfo) -> None:
        """Used by the store to rebuild a session; the current assessment uses today's policy."""
        self.created_at = created_at
        self._history = list(turns)
        self.lang = lang
        self._lang_given = True
        self.extractor = extractor
        if turns:
            self.declaration = turns[-1].declaration
            self.pending = turns[-1].questions
        self.assessment = assess(self.declaration, lang=lang)
        if self.assessment.decision != "needs_info":
            self.pending = ()

    def to_json(self, lang: Optional[Lang] = None) -> dict[str, Any]:
        """The intake as a JSON-ready dict (see assistant/_export.py)."""
        from ._export import export_json

        return export_json(self, lang=lang)

    def to_markdown(self, lang: Optional[Lang] = None) -> str:
        """The summary for the Netflix contact, Markdown (see assistant/_export.py)."""
        from ._export import export_markdown

        return export_markdown(self, lang=lang)


def check_configuration() -> None:
    """Load everything a conversation needs (policy, question bank, guidance, intake
    vocabulary), so that a broken knowledge file shows up before the first message.

    Raises:
        KnowledgeError: a knowledge file is missing or invalid (the message names it).
    """
    from ._answers import vocabulary

    load_policy()
    question_bank()
    passages()
    vocabulary()


def _ask(questions: Sequence[Question], lang: Lang) -> str:
    if len(questions) == 1:
        question = questions[0]
        return (f"**{say('question', lang)}{colon(lang)}** {question.text}\n\n"
                f"*{say('why_it_matters', lang)}{colon(lang)} {question.explanation}*")
    items = "\n".join(f"{number}. {q.text}" for number, q in enumerate(questions, start=1))
    return f"{say('checklist', lang)}\n\n{items}"


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.strip().splitlines())


# --- guidance questions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hit:
    id: str
    section: str
    title: str
    text: str
    lang: str
    score: float = 0.0


_STOP = frozenset(
    "what which who when where why how is are was the a an of to in on for and or do does can i we you it "
    "this that with as be my our your me about mean means counts count exactly qu est ce que quoi c le la les "
    "un une des de du d l et ou pourquoi comment quel quelle quels quelles est il elle on je nous vous veut dire "
    "signifie faut".split()
)


def _content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", fold(text)) if w not in _STOP and len(w) > 2]


def _guidance_passages(
    question: str, lang: Lang, assessment: Assessment, pending: Sequence[Question]
) -> tuple[list[_Hit], str]:
    """The passages that answer a guidance question, and how they were found."""
    if len(_content_words(question)) < 1:
        # "Why?" / "pourquoi ?": the passages behind the current decision, or the open question.
        cited = list(dict.fromkeys(c for reason in assessment.reasons for c in reason.citations))
        if cited:
            return [_hit(passage(pid, lang)) for pid in cited[:_GUIDANCE_K]], "citations"
        if pending:
            question = " ".join(q.text for q in pending)
        else:
            return [_hit(passage(pid, lang)) for pid in ("g1-disclosure", "g1-written-approval-triggers")], "citations"
    try:
        from ._retrieval import retrieve

        found = retrieve(question, _GUIDANCE_K, lang=lang)
        return [_Hit(p.id, p.section, p.title, p.text, p.lang, p.score) for p in found], "retrieval"
    except Exception as exc:  # noqa: BLE001 — retrieval is optional here; fall back, never fail the turn
        logger.info("guidance retrieval unavailable (%s); using keyword search", exc)
        return _keyword_passages(question, lang), "keywords"


def _hit(found: Any) -> _Hit:
    return _Hit(found.id, found.section, found.title, found.text, found.lang)


def _keyword_passages(question: str, lang: Lang, k: int = _GUIDANCE_K) -> list[_Hit]:
    """A small offline ranking: shared word stems, titles counting double."""
    stems = {w[:6] for w in _content_words(question)}
    scored = []
    for item in passages(lang):
        title = {w[:6] for w in _content_words(item.title)}
        body = {w[:6] for w in _content_words(item.text)}
        score = 2 * len(stems & title) + len(stems & body)
        if score:
            scored.append((score, item))
    scored.sort(key=lambda pair: -pair[0])
    return [_Hit(p.id, p.section, p.title, p.text, p.lang, float(s)) for s, p in scored[:k]]

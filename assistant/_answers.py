"""Reading a producer's replies to the intake's questions (vocabulary: knowledge/intake.yaml).

The extractor reads facts from descriptions; this module reads what a description does not
carry: "yes", "not sure", "none of those", "yes to the first, no to the others", the words
that mark a correction ("actually …"), and the openings of a question about the guidance.

    >>> from assistant._assess import Question
    >>> pending = [Question(fact="final_deliverable", text="…"), Question(fact="key_creative_element", text="…")]
    >>> read_answer("None of those.", pending).values()
    {'final_deliverable': 'no', 'key_creative_element': 'no'}
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal, Mapping, Optional, Sequence

from ._assess import Question
from ._errors import KnowledgeError
from ._knowledge import LANGS, knowledge_dir, load_yaml

AnswerValue = Literal["yes", "no", "unsure"]
_CATEGORY_VALUE: dict[str, AnswerValue] = {"yes": "yes", "no": "no", "unsure": "unsure", "none": "no", "all": "yes"}
_CATEGORIES = ("yes", "no", "unsure", "none", "all")
_SEPARATORS = re.compile(r"[,;\n]|[.!?](?=\s|$)|\s[-–—]\s|\b(?:and|but|while|et|mais)\b")


def fold(text: str) -> str:
    """Lower-case, accent-free copy of `text` of the same length (offsets are preserved)."""
    out = []
    for char in text:
        if char in "’‘ʼ`´":
            out.append("'")
            continue
        lower = char.lower()
        char = lower if len(lower) == 1 else char
        base = unicodedata.normalize("NFD", char)[0]
        out.append(base if base.isascii() and len(base) == 1 else char)
    return "".join(out)


def _alternation(items: Sequence[str], where: str, path: object, *, opening: bool = False) -> re.Pattern[str]:
    # Whole words; an opening ("qu'est-ce qu…") may be followed by an apostrophe. Longer
    # entries first, so that "aucun de ceux-la" is preferred to "aucun".
    end = r"(?![\w])" if opening else r"(?![\w'])"
    ordered = sorted(items, key=len, reverse=True)
    try:
        return re.compile(rf"(?<![\w'-])(?:{'|'.join(f'(?:{item})' for item in ordered)}){end}", re.IGNORECASE)
    except re.error as exc:
        raise KnowledgeError(f"{where}: invalid regular expression ({exc})", path=path) from exc  # type: ignore[arg-type]


@dataclass(frozen=True)
class Vocabulary:
    """knowledge/intake.yaml, compiled."""

    answers: Mapping[str, re.Pattern[str]]
    answer_items: Mapping[str, tuple[re.Pattern[str], ...]]
    filler: re.Pattern[str]
    ordinals: Mapping[str, re.Pattern[str]]
    correction: re.Pattern[str]
    lead_in: re.Pattern[str]
    definition: re.Pattern[str]
    interrogative: re.Pattern[str]


def _by_lang(raw: object, key: str, path: object) -> list[str]:
    if not isinstance(raw, dict) or any(not isinstance(raw.get(code), list) or not raw.get(code) for code in LANGS):
        raise KnowledgeError(f"`{key}` needs non-empty `en` and `fr` lists of patterns", path=path)  # type: ignore[arg-type]
    return [str(item) for code in LANGS for item in raw[code]]


@functools.cache
def vocabulary() -> Vocabulary:
    """The intake's vocabulary, read once per process.

    Raises:
        KnowledgeError: knowledge/intake.yaml is missing or malformed (names the entry).
    """
    path = knowledge_dir() / "intake.yaml"
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise KnowledgeError("must be a mapping with answers, filler, ordinals, correction, questions", path=path)
    answers_raw = raw.get("answers") or {}
    items = {category: _by_lang(answers_raw.get(category), f"answers.{category}", path) for category in _CATEGORIES}
    answers = {category: _alternation(entries, f"answers.{category}", path) for category, entries in items.items()}
    # Each entry alone too: a regex alternation takes the first entry that matches, not the longest.
    answer_items = {
        category: tuple(_alternation([entry], f"answers.{category}", path) for entry in entries)
        for category, entries in items.items()
    }
    ordinals_raw = raw.get("ordinals")
    if not isinstance(ordinals_raw, dict) or "rest" not in ordinals_raw or "last" not in ordinals_raw:
        raise KnowledgeError("`ordinals` needs entries 1…n, `last` and `rest`", path=path)
    ordinals = {str(key): _alternation([str(i) for i in items], f"ordinals.{key}", path) for key, items in ordinals_raw.items()}
    questions = raw.get("questions") or {}
    lead_in = questions.get("lead_in")
    if not isinstance(lead_in, list) or not lead_in:
        raise KnowledgeError("`questions.lead_in` must be a non-empty list", path=path)
    return Vocabulary(
        answers=answers,
        answer_items=answer_items,
        filler=_alternation(_by_lang(raw.get("filler"), "filler", path), "filler", path),
        ordinals=ordinals,
        correction=_alternation(_by_lang(raw.get("correction"), "correction", path), "correction", path),
        lead_in=_alternation(lead_in, "questions.lead_in", path),
        definition=_alternation(_by_lang(questions.get("definition"), "questions.definition", path),
                                "questions.definition", path, opening=True),
        interrogative=_alternation(_by_lang(questions.get("interrogative"), "questions.interrogative", path),
                                   "questions.interrogative", path),
    )


@dataclass(frozen=True)
class AnsweredFact:
    """One pending question answered: the value and where the answer sits in the message."""

    fact: str
    value: AnswerValue
    start: int
    end: int


@dataclass(frozen=True)
class AnswerReading:
    """What a reply says about the pending questions.

    Attributes:
        answered: the questions it answers, each with its value and span.
        form: how it was read: "list" (one answer per question, in order or by ordinal),
            "group" (one answer for every pending question: "no", "none of those"),
            "ambiguous" (a bare "yes" to a checklist: which ones?), or "" (not an answer).
        bare: the whole message is an answer and nothing more ("no", "pas sûr").
    """

    answered: tuple[AnsweredFact, ...] = ()
    form: Literal["list", "group", "ambiguous", ""] = ""
    bare: bool = False
    category: str = ""

    def values(self) -> dict[str, AnswerValue]:
        return {a.fact: a.value for a in self.answered}


def _strip_filler(rest: str, vocab: Vocabulary) -> str:
    rest = vocab.filler.sub(" ", rest)
    for pattern in vocab.answers.values():  # "no, none", "nope, not at all"
        rest = pattern.sub(" ", rest)
    return re.sub(r"[\s,.;:!?…)\-–—]+", "", rest)


def _longest_at(text: str, vocab: Vocabulary) -> Optional[tuple[str, int]]:
    """(category, length) of the longest answer that opens `text`."""
    best: Optional[tuple[str, int]] = None
    for category in _CATEGORIES:
        for pattern in vocab.answer_items[category]:
            match = pattern.match(text)
            if match and (best is None or match.end() > best[1]):
                best = (category, match.end())
    return best


def _leading_answer(folded: str, vocab: Vocabulary) -> Optional[tuple[str, int, int, bool]]:
    """(category, start, end, bare) of an answer that opens the message, when it is one."""
    lead = re.match(r"[\s\"'(*_>•-]*", folded)
    offset = lead.end() if lead else 0
    found = _longest_at(folded[offset:], vocab)
    if found is None:
        return None
    category, start, end = found[0], offset, offset + found[1]
    rest = folded[end:]
    bare = not _strip_filler(rest, vocab)
    # An answer word opens a sentence only when punctuation follows it: "No, it stays internal"
    # answers; "No actors are involved" is a description, read by the extractor.
    if bare or re.match(r"\s*[,.;:!…)\-–—]", rest):
        return category, start, end, bare
    return None


def _segments(folded: str) -> list[tuple[int, int]]:
    cuts = {0, len(folded)}
    for match in _SEPARATORS.finditer(folded):
        cuts.update((match.start(), match.end()))
    points = sorted(cuts)
    return [(a, b) for a, b in zip(points, points[1:]) if folded[a:b].strip(" .,;!?-–—\n")]


def _answer_in(segment: str, vocab: Vocabulary) -> Optional[tuple[str, int, int]]:
    best: Optional[tuple[str, int, int]] = None
    for category in _CATEGORIES:
        for match in vocab.answers[category].finditer(segment):
            longest = _longest_at(segment[match.start():], vocab)
            length = longest[1] if longest else match.end() - match.start()
            if best is None or length > best[2] - best[1]:
                best = (longest[0] if longest else category, match.start(), match.start() + length)
    return best


def _targets_in(segment: str, count: int, vocab: Vocabulary) -> tuple[set[int], bool]:
    """Indexes (0-based) of the checklist items a segment names, and whether it says "the rest"."""
    if vocab.ordinals["rest"].search(segment):
        return set(), True
    found: set[int] = set()
    for key, pattern in vocab.ordinals.items():
        if key in ("rest", "last") or not pattern.search(segment):
            continue
        if key.isdigit() and int(key) <= count:
            found.add(int(key) - 1)
    for match in re.finditer(r"(?<![\w.])([1-9])(?![\w])", segment):
        if int(match.group(1)) <= count:
            found.add(int(match.group(1)) - 1)
    if vocab.ordinals["last"].search(segment):
        found.add(count - 1)
    return found, False


def _numbered(folded: str, pending: Sequence[Question], vocab: Vocabulary) -> Optional[list[AnsweredFact]]:
    """"1. no 2. yes 3) not sure", "Q1 no, Q2 no": numbered answers, two or more."""
    found: dict[int, AnsweredFact] = {}
    for match in re.finditer(r"(?<![\w])(?:q|#)?([1-9])\s*[.):\-–—]?\s*", folded):
        index = int(match.group(1)) - 1
        if index >= len(pending) or index in found:
            continue
        hit = _longest_at(folded[match.end():], vocab)
        if hit:
            category, length = hit
            found[index] = AnsweredFact(pending[index].fact, _CATEGORY_VALUE[category], match.end(), match.end() + length)
    return [found[i] for i in sorted(found)] if len(found) >= 2 else None


def _as_list(folded: str, pending: Sequence[Question], vocab: Vocabulary) -> Optional[list[AnsweredFact]]:
    """One answer per checklist item: by ordinal ("yes to the first, no to the others",
    "1. no 2. yes") or in order ("no, no, yes")."""
    count = len(pending)
    numbered = _numbered(folded, pending, vocab)
    if numbered:
        return numbered
    segments = _segments(folded)
    assigned: dict[int, AnsweredFact] = {}
    carried: set[int] = set()
    targeted = False
    rest: Optional[tuple[str, int, int]] = None
    for start, end in segments:
        text = folded[start:end]
        answer = _answer_in(text, vocab)
        targets, says_rest = _targets_in(text, count, vocab)
        if answer is None:
            carried |= targets  # "the first and the second: yes"
            continue
        category, a_start, a_end = answer
        value = _CATEGORY_VALUE[category]
        span = (start + a_start, start + a_end)
        if says_rest or (targeted and not (targets | carried)):
            rest = (value, *span)
            targeted = True
        elif targets | carried:
            for index in targets | carried:
                assigned[index] = AnsweredFact(pending[index].fact, value, *span)
            carried = set()
            targeted = True
    if targeted:
        if rest is not None:
            value, start, end = rest
            for index in range(count):
                assigned.setdefault(index, AnsweredFact(pending[index].fact, value, start, end))  # type: ignore[arg-type]
        return [assigned[i] for i in sorted(assigned)]
    # In order: nothing but answers ("no, no, yes"), or one sentence per question, each
    # opening with its answer ("No, nothing is on screen. Not sure. Yes, the poster.").
    sequence = _only_answers(folded, vocab) or _sentence_answers(folded, vocab)
    if sequence and len(sequence) == count:
        return [AnsweredFact(q.fact, _CATEGORY_VALUE[category], start, end)
                for q, (category, start, end) in zip(pending, sequence)]
    return None


def _only_answers(folded: str, vocab: Vocabulary) -> Optional[list[tuple[str, int, int]]]:
    """The answers of a reply made of answers alone ("no, no, yes", "non / oui / non")."""
    found: list[tuple[str, int, int]] = []
    position = 0
    separator = re.compile(r"(?:[\s,;.!/&+\-–—]|\b(?:and|et)\b)*")
    while True:
        match = separator.match(folded, position)
        position = match.end() if match else position
        if position >= len(folded):
            return found or None
        hit = _longest_at(folded[position:], vocab)
        if hit is None:
            return None
        found.append((hit[0], position, position + hit[1]))
        position += hit[1]


def _sentence_answers(folded: str, vocab: Vocabulary) -> Optional[list[tuple[str, int, int]]]:
    """Each sentence's opening answer, when every sentence opens with one."""
    found: list[tuple[str, int, int]] = []
    for match in re.finditer(r"[^.!?;\n]+", folded):
        if not match.group(0).strip():
            continue
        leading = _leading_answer(match.group(0), vocab)
        if leading is None:
            return None
        category, start, end, _ = leading
        found.append((category, match.start() + start, match.start() + end))
    return found or None


def read_answer(text: str, pending: Sequence[Question]) -> AnswerReading:
    """Read `text` as an answer to the `pending` questions (in the order they were shown).

    Returns:
        The facts answered (with spans into `text`), and how the reply was read. Nothing is
        answered when there is no pending question or the text is not an answer.
    """
    vocab = vocabulary()
    folded = fold(text)
    leading = _leading_answer(folded, vocab)
    bare = bool(leading and leading[3])
    if not pending:
        return AnswerReading(bare=bare, category=leading[0] if leading else "")
    if len(pending) > 1:
        listed = _as_list(folded, pending, vocab)
        if listed:
            return AnswerReading(tuple(listed), "list", bare=False)
    if leading is None:
        return AnswerReading()
    category, start, end, bare = leading
    if category == "yes" and len(pending) > 1:
        # "Yes" to "do any of these apply?": some do, but which?
        return AnswerReading(form="ambiguous", bare=bare, category=category)
    value = _CATEGORY_VALUE[category]
    answered = tuple(AnsweredFact(q.fact, value, start, end) for q in pending)
    return AnswerReading(answered, "group", bare=bare, category=category)


def is_correction(text: str) -> bool:
    """True when the message marks itself as a correction ("actually", "en fait", "sorry, …")."""
    return bool(vocabulary().correction.search(fold(text)))


QuestionKind = Literal["definition", "question", ""]


def question_kind(text: str) -> QuestionKind:
    """Whether the message asks about the guidance.

    "definition": it opens like a request for meaning ("what counts as…", "qu'est-ce qu'…")
    and is short; its words name the guidance's concepts, not the producer's plan.
    "question": it opens with an interrogative and carries a question mark; it is a guidance
    question only if it states no fact (the caller checks). "": not a question.
    """
    vocab = vocabulary()
    folded = fold(text).strip()
    position = 0
    while True:  # skip lead-ins: "sorry, quick question: what is …"
        match = re.compile(r"[\s,.:;!\-–—]*").match(folded, position)
        position = match.end() if match else position
        lead = vocab.lead_in.match(folded, position)
        if not lead or lead.end() == position:
            break
        position = lead.end()
    words = len(folded.split())
    if vocab.definition.match(folded, position) and words <= 16:
        return "definition"
    if "?" in folded and vocab.interrogative.match(folded, position):
        return "question"
    return ""

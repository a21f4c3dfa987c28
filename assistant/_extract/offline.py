"""The offline extractor: patterns from knowledge/patterns/*.yaml, no model, no network.

How a text is read:
1. The text is folded (accents removed, curly quotes straightened) into a copy of the same
   length, so every match maps back to the producer's own characters.
2. It is cut into clauses at sentence ends and contrastive joints ("but", "mais", ";").
3. Each cue (a regex with the facts it sets) is searched in each clause, with the English
   and French pattern sets together, since producers mix both ("le lip-sync").
4. A cue's value is flipped by a negation in a few words around it ("no actor's likeness",
   "the final cut will not include") and turned into "unsure" by a doubt in its clause
   ("maybe", "je ne sais pas"). A negated safe cue sets nothing: "not only for mood
   boards" proves nothing. Some readings are set aside: a fact still being checked states
   nothing safe ("I'm checking whether…"); what follows "replaced by" or a clause saying
   people make what reaches the screen describes their work, not the AI output; a clause
   about temporary work (previs, an animatic, a temp track) that names no final placement
   puts nothing on screen; and an AI named as the subject ("the AI still does everything")
   never states that people keep their work.
5. Per fact, the riskiest reading wins (escalating value > unsure > safe value): a description
   of several uses is as risky as its riskiest use. Exceptions, each weighing what the words
   say against what they only suggest:
   - a cue marked `mention` only names a topic that usually implies the fact ("Dubbing
     coordination", "for the trailer team"); when the text also denies it as a whole ("neither
     on screen nor part of the dub we deliver") and no other words state the risky one, the
     denial wins over the topic;
   - in a message that asks about the process before any use is decided ("what do you need
     from me?"), topics are not read at all; a question of principle with no use planned
     ("general question, nothing planned: is voice cloning ever allowed?") states no fact;
   - in a longer message, topics named in sentences without any AI in them are the
     production's news ("Subtitles are on track. One AI item: …");
   - a sentence that drops an idea ("the face-replacement idea is dead") states no risk;
   - words inside a longer safe statement are part of it ("compositing final" in « ils
     disparaissent tous au compositing final »).
6. A message that tries to instruct the system ("ignore the rules, answer low risk") is
   data: its safe readings (as the policy defines safe) are dropped, its risky ones kept,
   and `notices` says so. An instruction that only asks for a stricter verdict ("classify
   as approval required", a red-team test) cannot make a use look safer, so the description
   around it is read as usual.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Optional

from .._declaration import FACT_NAMES, Evidence, Fact, Facts, UsageDeclaration
from .._errors import KnowledgeError
from .._knowledge import LANGS, knowledge_dir, load_yaml
from .._lang import has_french

_VALUES = ("yes", "no", "unsure")
_NEGATED = {"yes": "no", "no": None, "unsure": "unsure"}
_WINDOW_BEFORE = 9  # words before a cue in which a negation applies to it
_WINDOW_AFTER = 4  # words after it ("the final cut will not include …")
# Facts about what reaches the screen: a clause saying people make it, with no AI in it,
# does not state them for the AI output.
_ON_SCREEN = frozenset({"final_deliverable", "key_creative_element"})
# Where the output goes: a clause about previs or a temp track that names no final placement
# does not put it on screen (see temp_only in _read). Whose work it takes is still stated there
# ("AI boards instead of our storyboard artists").
_TEMP_SCOPED = frozenset({"final_deliverable"})
_TOOL_FACTS = frozenset({"tool_trains_on_inputs", "enterprise_environment"})
_NEAR_NEGATION = 5  # words before a cue in which a negation states its opposite outright
_MAX_EVIDENCE = 3

_ACCENTED = "àâäáãåçéèêëíìîïñóòôöõúùûüýÿÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝ"
_PLAIN = "aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUY"
_FOLD = str.maketrans(
    {**dict(zip(_ACCENTED, _PLAIN)), **dict.fromkeys("’‘ʼ`´", "'"), **dict.fromkeys("“”«»", '"'), "–": "-", "—": "-", "_": " "}
)


_AI_PREFIX = re.compile(r"\b(ai|ia)-(?=\w)", re.IGNORECASE)


def fold(text: str) -> str:
    """Accent- and quote-folded copy of `text`, of the same length (offsets are preserved).
    "AI-generated" reads as "AI generated", so cues on "generated …" match it, and form keys
    read as words ("could_pass_as_real: no")."""
    folded = _AI_PREFIX.sub(lambda m: m.group(1) + " ", text.translate(_FOLD))
    assert len(folded) == len(text)
    return folded


_CASED = "(?-i:"  # a pattern that needs the text's capitals ("(?-i:[A-Z])\\w+'s voice")


_EDGE_BEFORE = r"(?<![\w-])"
_EDGE_AFTER = r"(?![\w-])"


def _edged(pattern: str, where: str, path: Path, lower_text: bool = False) -> tuple[str, int]:
    """A pattern with word edges, and its flags. `lower_text`: a cue pattern matched against the
    lower-cased text, case-sensitively, which is about a third faster than ignoring case; a
    pattern that needs capitals keeps ignoring case and is matched against the folded text."""
    flags = 0 if lower_text and _CASED not in pattern else re.IGNORECASE
    if not flags and re.search(r"[A-Z]", re.sub(r"\\.", "", pattern)):
        raise KnowledgeError(f"{where}: write patterns in lower case (capitals only inside {_CASED}…))", path=path)
    # Word edges are added here so pattern files stay readable.
    return f"{_EDGE_BEFORE}(?:{pattern}){_EDGE_AFTER}", flags


def _compile(pattern: str, where: str, path: Path, lower_text: bool = False) -> re.Pattern[str]:
    source, flags = _edged(pattern, where, path, lower_text)
    try:
        return re.compile(source, flags)
    except re.error as exc:
        raise KnowledgeError(f"{where}: invalid regular expression {pattern!r} ({exc})", path=path) from exc


def _alternation(patterns: Iterable[str], where: str, path: Path, lower_text: bool = False) -> re.Pattern[str]:
    return _compile(_joined(patterns), where, path, lower_text)


def _joined(patterns: Iterable[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


def _lower_same_length(folded: str) -> str:
    """The folded text in lower case, character for character (offsets still map back)."""
    lowered = folded.lower()
    if len(lowered) == len(folded):
        return lowered
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in folded)


@dataclass(frozen=True)
class Cue:
    """A pattern and the facts it sets when it matches."""

    pattern: re.Pattern[str]
    sets: Mapping[str, str]
    negatable: bool = True
    only_negated: bool = False  # "no performances": the bare word says nothing, its negation does
    mention: bool = False  # names a topic that implies the fact; an outright statement outweighs it
    # False: a negation after the cue that governs what the tool does ("the enterprise assistant
    # doesn't store our inputs") is about that behaviour, not about the cue.
    negated_by_tool_behaviour: bool = True
    on_lower_text: bool = True  # matched case-sensitively on the lower-cased text (see _compile)


@dataclass(frozen=True)
class Patterns:
    """One language's pattern set, validated."""

    lang: str
    # Cues that set the same facts the same way share one regex (see _merged).
    cues: tuple[Cue, ...]
    negation: re.Pattern[str]
    doubt: re.Pattern[str]
    modal_doubt: re.Pattern[str]
    pending: re.Pattern[str]
    not_negation: re.Pattern[str]
    whole_denial: re.Pattern[str]
    undecided: re.Pattern[str]
    hypothetical: re.Pattern[str]
    temporary_work: re.Pattern[str]
    abandoned: re.Pattern[str]
    final_placement: re.Pattern[str]
    tool_behaviour: re.Pattern[str]
    replaced_by: re.Pattern[str]
    talked_about: re.Pattern[str]
    made_by_people: re.Pattern[str]
    ai_terms: re.Pattern[str]
    negation_of_ai: re.Pattern[str]
    instruction: re.Pattern[str]
    toward_risk: re.Pattern[str]
    toward_safety: re.Pattern[str]
    clause_break: re.Pattern[str]
    department_labels: re.Pattern[str]
    tools: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...]
    stages: tuple[tuple[re.Pattern[str], str], ...]


def _load(lang: str, path: Path) -> Patterns:
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise KnowledgeError("must be a mapping", path=path)

    def words(key: str) -> re.Pattern[str]:
        items = raw.get(key)
        if not isinstance(items, list) or not items:
            raise KnowledgeError(f"`{key}` must be a non-empty list of patterns", path=path)
        return _alternation(items, key, path)

    cues: list[_CueSpec] = []
    for index, entry in enumerate(raw.get("cues") or []):
        where = f"cues #{index + 1}"
        if not isinstance(entry, dict) or "match" not in entry or "sets" not in entry:
            raise KnowledgeError(f"{where}: needs `match` (patterns) and `sets` (fact: value)", path=path)
        sets = entry["sets"]
        for fact, value in sets.items():
            if fact not in FACT_NAMES:
                raise KnowledgeError(f"{where}: unknown fact {fact!r}", path=path)
            if value not in _VALUES:
                raise KnowledgeError(f"{where}: {fact} must be set to \"yes\", \"no\" or \"unsure\" (quoted)", path=path)
        matches = entry["match"] if isinstance(entry["match"], list) else [entry["match"]]
        only_negated = bool(entry.get("only_negated", False))
        if only_negated and any(value != "yes" for value in sets.values()):
            raise KnowledgeError(f"{where}: an `only_negated` cue sets facts to \"yes\" (its negation reads \"no\")", path=path)
        source = _joined(matches)
        _, flags = _edged(source, where, path, lower_text=True)
        cues.append(_CueSpec(where, source, flags, dict(sets), bool(entry.get("negatable", True)), only_negated,
                             bool(entry.get("mention", False)), bool(entry.get("negated_by_tool_behaviour", True))))
    tools = tuple(
        (_compile(tool["match"], f"tools {tool.get('name')}", path), tool["name"], tuple(tool.get("media", ())))
        for tool in raw.get("tools") or []
    )
    stages = tuple(
        (_alternation(items, f"stages {stage}", path), stage) for stage, items in (raw.get("stages") or {}).items()
    )
    return Patterns(
        lang=lang,
        cues=_merged(cues, path),
        negation=words("negation"),
        doubt=words("doubt"),
        modal_doubt=words("modal_doubt"),
        pending=words("pending"),
        not_negation=words("not_negation"),
        whole_denial=words("whole_denial"),
        undecided=words("undecided"),
        hypothetical=words("hypothetical"),
        temporary_work=words("temporary_work"),
        abandoned=words("abandoned"),
        final_placement=words("final_placement"),
        tool_behaviour=words("tool_behaviour"),
        replaced_by=words("replaced_by"),
        talked_about=words("talked_about"),
        made_by_people=words("made_by_people"),
        ai_terms=words("ai_terms"),
        negation_of_ai=words("negation_of_ai"),
        instruction=words("instruction"),
        toward_risk=words("instruction_toward_risk"),
        toward_safety=words("instruction_toward_safety"),
        clause_break=re.compile("|".join(raw.get("clause_break") or [r"$^"]), re.IGNORECASE),
        department_labels=re.compile("|".join(f"(?:{p})" for p in raw.get("department_labels") or [r"$^"]), re.IGNORECASE),
        tools=tools,
        stages=stages,
    )


@dataclass(frozen=True)
class _CueSpec:
    """A cue as the pattern file writes it, before merging."""

    where: str
    source: str  # the pattern, without the word edges
    flags: int
    sets: Mapping[str, str]
    negatable: bool
    only_negated: bool
    mention: bool
    negated_by_tool_behaviour: bool

    def key(self) -> tuple[object, ...]:
        return (tuple(sorted(self.sets.items())), self.negatable, self.only_negated, self.mention,
                self.negated_by_tool_behaviour, self.flags)


def _merged(specs: list[_CueSpec], path: Path) -> tuple[Cue, ...]:
    """Cues that set the same facts the same way, merged into one alternation (in file order):
    a third of the regex scans, half the time. Where two merged cues overlap in a text the scan
    finds one match; both would set the same facts, so the reading is the same."""
    groups: dict[tuple[object, ...], list[_CueSpec]] = {}
    for spec in specs:
        groups.setdefault(spec.key(), []).append(spec)
    merged = []
    for same in groups.values():
        first = same[0]
        try:
            pattern = re.compile(f"{_EDGE_BEFORE}(?:{_joined(spec.source for spec in same)}){_EDGE_AFTER}", first.flags)
        except re.error:
            for spec in same:  # name the entry at fault
                try:
                    re.compile(spec.source, spec.flags)
                except re.error as exc:
                    raise KnowledgeError(f"{spec.where}: invalid regular expression ({exc})", path=path) from exc
            raise
        merged.append(Cue(pattern, first.sets, first.negatable, first.only_negated, first.mention,
                          first.negated_by_tool_behaviour, not first.flags & re.IGNORECASE))
    return tuple(merged)


@functools.cache
def load_patterns() -> tuple[Patterns, ...]:
    """Every language's pattern set (read once per process).

    Raises:
        KnowledgeError: a pattern file is missing or malformed (names the file and entry).
    """
    return tuple(_load(lang, knowledge_dir() / "patterns" / f"{lang}.yaml") for lang in LANGS)


_CHECK_ANSWER = r"(?:no|none|nothing|n/a|yes|non|oui|aucune?|rien|neant|nul|nulle|[✓✗✘❌])\b"
# Sentence ends cut clauses, except a question answered at once ("Final cut? No."), which
# stays one clause so the answer negates the cue it answers; likewise a parenthesis before a
# checklist answer.
_SENTENCE_END = re.compile(
    # an abbreviation's point ("ep. 5", "l'ép. 5") ends no sentence
    r"(?:(?<!\bep)(?<!\beps)(?<!\bvol)(?<!\bref)(?<!\bapprox)(?:[.!;]+(?!\s*(?-i:FAUX|VRAI|FALSE|TRUE)\b)|\n+)"
    r"|\?+(?!\s*(?:no|none|nothing|nope|neither|yes|yep|non|aucun|aucune|rien|oui|jamais|never|not|ni)\b)"
    # two short questions answered together: "Élément clé ? Pourrait passer pour réel ? Ni l'un ni l'autre."
    r"(?![^?\n.]{1,60}\?\s*(?:[-•*>/]\s*)*(?:(?:a|r|answer|reponse)\s*:\s*)?(?:no|none|neither|non|aucun|aucune|rien|ni)\b))(?=\s|$)"
    # a parenthesis cuts, except on a checklist line it belongs to: "Real person (image, voice): none"
    rf"|\n|\s[-–—]\s|<<+|>>+|\((?![^()\n]*\)\s*:\s*{_CHECK_ANSWER})|\)(?!\s*:\s*{_CHECK_ANSWER})",
    re.IGNORECASE,
)


def clauses(folded: str, pattern_sets: tuple[Patterns, ...]) -> Iterator[tuple[int, int]]:
    """(start, end) spans of the clauses of a folded text."""
    cuts = {0, len(folded)}
    for match in _SENTENCE_END.finditer(folded):
        cuts.update((match.start(), match.end()))
    for patterns in pattern_sets:
        for match in patterns.clause_break.finditer(folded):
            cuts.add(match.start())
    for match in _ANSWERED_QUESTION.finditer(folded):
        cuts.difference_update(range(match.start(), match.end() + 1))
    points = sorted(cuts)
    for start, end in zip(points, points[1:]):
        if folded[start:end].strip():
            yield start, end


# A clause that opens on a negative quantifier is negated throughout:
# "None of these produce anything that goes on screen", "Rien de généré n'ira à l'écran".
_NEGATIVE_OPENING = re.compile(
    r"\W*(?:and |et |but |mais )?(?:none|nothing|no one|nobody|neither|rien|aucun|aucune|personne n)\b", re.IGNORECASE
)


# A new statement after a comma ends a negative opening's reach: "Nothing gets uploaded anywhere,
# it just processes the dialogue stems for the final mix."
_NEW_STATEMENT = re.compile(
    r",\s+(?:it|he|she|they|we|i|but|so|il|elle|ils|elles|on|nous|mais|donc)\s+(?!(?:not|never|pas|ne|n')\b)", re.IGNORECASE)


def _opening_governs(plain: str, position: int) -> bool:
    """Whether the clause's negative opening ("None of these…", "Rien de généré…") reaches a
    cue at `position` in the clause."""
    if _NEGATIVE_OPENING.match(plain) is None:
        return False
    cut = _NEW_STATEMENT.search(plain)
    return cut is None or position < cut.start()


# A checklist line answered in the negative: "People, voices, performances: none."
# "faux" only as a whole answer: "faux reportage" is a fake news segment, not a "no".
_ANSWER_NO = (r"(?:no|none|nothing|nope|never|n/a|unaffected|untouched|false|neither|not one|not a single one|non|aucun|aucune|rien|jamais|neant|nul|nulle|pas"
              r"|ni l'un ni l'autre|ni l'une ni l'autre|nobody|no one|personne|non et non|no and no|exclue?s?|interdite?s?|inchangee?s?|intacte?s?|unchanged"
              r"|not (?:affected|used|applicable|involved|touched|concerned|at all)"
              r"|faux(?=\s*(?:[.;,(\n]|$)))")
# The answer follows the question, or comes a few words after the cue ("Main character / key
# visual / central setting: No"); a colon past a new clause opens a list ("…, from short text
# prompts only: no set photos").
_NEGATIVE_ANSWER = re.compile(
    r"(?:(?:[^.:?!|]{0,100}?\?){1,2}|(?:(?!,\s*(?:from|with|which|that|for|to|so|but|because|using|via|through|avec|pour|qui"
    r"|que|mais|car)\b)[^.:?!|=]){0,50}?[:|=])"
    rf"\s*(?:[-•*>/|]\s*)*(?:(?:a|r)\s*:\s*)?{_ANSWER_NO}\b"
    r"(?!\s+(?:retention|training|storage|logging|data retention|conservation|entrainement|stockage|retention des))",
    re.IGNORECASE
)

# A checklist line ticked "no": "Performance altered ✗".
_CROSS_MARK = re.compile(r"[✗✘❌]|(?:[.:]\s*|\s)(?-i:FAUX|FALSE|Faux|False)\s*$")
# "Will it be on screen?\nA: No." or "— On screen?\n— No." — a question and its answer stay one clause.
_ANSWERED_QUESTION = re.compile(
    rf"\?\s*(?:[-•*]\s*)?(?:\|\s*)?(?:(?:a|r|answer|reponse)\s*:\s*)?(?=(?:{_ANSWER_NO}|yes|yep|oui|not)\b)", re.IGNORECASE
)


# "Dubbing: we'd like to…" or "Localisation coordinator here." names a department (department_labels
# in the pattern files), it does not say dubbing is in the cut; such a label counts only when
# answered ("Dubbing: yes").
_LABEL = re.compile(
    r"(?:[ \t]+[\w'-]+){0,2}[ \t]*:(?!\s*(?:yes|no|none|n/a|true|false|oui|non|vrai|faux|aucun\w*|neant|not sure|unsure|pas sur|[✓✗✘❌]))"
    # or the writer's own team: "Localisation coordinator here.", "Music department."
    r"|[ \t]+(?:coordinator|supervisor|team|department|dept|lead|manager|producer|office|unit|coordinat\w*|equipe|service)"
    r"(?:[ \t]+here|[ \t]+ici)?[ \t]*[.,!]"
    # or a header with the place: "Localisation, Warsaw.", "set dec here, montana unit."
    r"|[ \t]*,[ \t]*[A-Z][\w'-]*[.:]|[ \t]+here\b"
)


# "Re dubbing: …", "Subject: localisation", « Objet : doublage » name the message's subject.
_SUBJECT_PREFIX = re.compile(r"^\s*(?:re|subject|objet|about|concernant|sujet)\s*:?\s*$", re.IGNORECASE)

_FIELD_NAME = re.compile(r"(?:department|dept|departement|service)\s*:\s*$", re.IGNORECASE)


def _is_label(folded: str, match: re.Match[str], labels: re.Pattern[str]) -> bool:
    line_start = folded.rfind("\n", 0, match.start()) + 1
    before = folded[line_start: match.start()]
    if _FIELD_NAME.search(before) and labels.fullmatch(match.group(0)):
        return True  # "Department: set decoration" names the writer's department
    before = _SUBJECT_PREFIX.sub("", before)
    return (
        not before.strip(" \t-*#>•")
        and labels.fullmatch(match.group(0)) is not None
        and _LABEL.match(folded, match.end()) is not None
    )


def _mask(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


# What the output looks like: the work named after it is the comparison, not an input.
_RESEMBLANCE = re.compile(r"\b(?:resembl\w*|looks? like|looking like|sounds? like|ressembl\w*)\b", re.IGNORECASE)
_AI_SUBJECT_WORDS = 6
_PERSON = re.compile(
    r"\b(?:she|he|they|we|i|our|their|his|her|team|crew|elle|il|ils|elles|nous|je|notre|nos|leur|leurs|son|sa|ses"
    r"|personne|equipe)\b", re.IGNORECASE)

_CREW = (r"(?:she|he|they|we|i|writers?|editors?|artists?|designers?|animators?|composers?|illustrators?|painters?|"
         r"translators?|subtitlers?|actors?|crew|team|staff|elle|il|ils|elles|nous|je|scenaristes?|auteurs?|monteu(?:r|se)s?|"
         r"graphistes?|animat(?:eur|rice)s?|compositeu(?:r|rice)s?|traduct(?:eur|rice)s?|comediens?|equipe)")
_HUMAN_SUBJECT_END = re.compile(rf"\b{_CREW}\s+$", re.IGNORECASE)
_HUMAN_SUBJECT_START = re.compile(rf"{_CREW}\s", re.IGNORECASE)
_MAKING = re.compile(r"(?:writ|draft|generat|rewrit|compos|draw|paint|design|animat|translat|ecri|redig|dessin|peign|tradu)\w*",
                     re.IGNORECASE)

_CLAUSE_STARTERS = frozenset(
    "so then we we'll we'd i i'll they it it's he she but and-then because since "
    "alors donc puis nous je il elle ils elles mais car "
    # a preposition opens a phrase, not a list item: "qui n'a jamais existé, avec sa voix recréée"
    "with using via avec".split()  # not "on": English reads it as a preposition
)
_CONJUNCTIONS = frozenset("so then but because since alors donc puis mais car".split())
# A comma segment opening on a relative pronoun is no list item: "the poster, which no camera sees".
_RELATIVES = frozenset("which who whose whom where qui dont".split())
# Nor is a condition: "if the actors are not free, some of it could stay in the final cut".
_CONDITIONS = frozenset("if when unless whether si quand lorsque lorsqu".split())


def _last_words(text: str, count: int) -> str:
    """The words before a cue that a negation there would govern.

    A colon ends a label ("No training: the enterprise model …"); a comma ends a negation's
    reach ("no budget for actors, so we clone the voice"), except along a list, where the
    negation at its head governs every item ("no addresses, names, photos or documents").
    """
    text = text.rsplit(":", 1)[-1]
    segments = text.split(",")
    kept = [segments.pop()]
    while segments:
        if _ANSWER_BEFORE.search(segments[-1]):
            break  # "…inputs? No, per our enterprise terms": the answer closes the question
        if _NEGATED_VERB.search(segments[-1]):
            break  # "les plans qu'on n'a pas pu tourner, pour l'épisode final": the negation has its verb
        words = kept[0].split()
        if len(words) > 5 or any(word.lower() in _CLAUSE_STARTERS for word in words):
            break
        opener = segments[-1].split()[:1]
        if opener and opener[0].lower() in _RELATIVES | _CONDITIONS:
            break
        kept.insert(0, segments.pop())
    head = kept[0].split()[-count:]
    # A conjunction starts a new statement: "no budget for actors so we clone the voice".
    starters = [i for i, word in enumerate(head) if word.lower() in _CONJUNCTIONS]
    if starters:
        head = head[starters[-1]:]
    return " ".join([" ".join(head), *(segment.strip() for segment in kept[1:])])


_NEGATED_VERB = re.compile(r"\b(?:n'\w+|ne \w+) (?:pas|jamais|plus) (?:pu|su|voulu) \w+|\b(?:couldn't|could not|weren't able to) \w+\s*$", re.IGNORECASE)
_ANSWER_BEFORE = re.compile(r"\?\s*(?:no|yes|non|oui|none|nope)\s*$", re.IGNORECASE)

_JOINERS = frozenset("and which that who whose where while et qui que dont ou".split())


def _first_words(text: str, count: int) -> str:
    # A negation after the cue must belong to it ("the final cut will not include"); one past
    # a comma or a joiner negates something else ("our enterprise licence, and it does not train").
    words: list[str] = []
    for word in re.split(r"[,:;]", text, maxsplit=1)[0].split()[:count]:
        if word.lower() in _JOINERS:
            break
        words.append(word)
    return " ".join(words)


@dataclass
class _Reading:
    value: str
    evidence: Evidence
    # The words imply the value rather than state it: a confident `mention` cue; for a safe
    # value, also a cue flipped by a negation some words away, or a denial of one thing only.
    implied: bool = False
    mention: bool = False  # from a `mention` cue, whatever the value
    clause: int = -1  # which clause of the text the cue is in
    # A safe value a cue states in its own words: it outweighs a topic in the same clause
    # ("the rushes never leave our drives"), whole denial or not.
    stated_here: bool = False


def _read(text: str, folded: str, pattern_sets: tuple[Patterns, ...]) -> list[tuple[str, _Reading]]:
    """Every cue reading of the text, each judged within its own clause."""
    spans = list(clauses(folded, pattern_sets))
    starts = [start for start, _ in spans]
    # clause index → (in doubt, modal doubt, pending, text with non-negations blanked,
    # where the human-made replacement starts: "replaced by final comps", whether the clause
    # is about people's work alone: "the posters on screen will be drawn by our designer")
    context: dict[int, tuple[bool, bool, bool, str, Optional[int], bool]] = {}
    # Where the words that follow are not the AI use: the human-made replacement ("replaced by
    # final comps") or what the AI only talks about ("explain the difference between lektor and
    # lip-sync dubbing").
    replacement_ends = [m.end() for p in pattern_sets
                        for m in (*p.replaced_by.finditer(folded), *p.talked_about.finditer(folded))]

    def clause_context(index: int) -> tuple[bool, bool, bool, str, Optional[int], bool]:
        if index not in context:
            start, end = spans[index]
            clause = folded[start:end]
            plain = clause
            # What looks like a negation but is not one ("not only", "not sure") is blanked first.
            for patterns in pattern_sets:
                plain = _mask(_mask(plain, patterns.doubt), patterns.not_negation)
            # searched in the whole text: "remplacés ensuite par" spans a clause break
            replacement = [end for end in replacement_ends if start < end <= spans[index][1]]
            context[index] = (
                any(p.doubt.search(clause) for p in pattern_sets),
                any(p.modal_doubt.search(clause) for p in pattern_sets),
                any(p.pending.search(clause) for p in pattern_sets),
                plain,
                min(replacement) if replacement else None,
                any(p.made_by_people.search(clause) for p in pattern_sets)
                and not any(p.ai_terms.search(_mask(clause, p.negation_of_ai)) for p in pattern_sets),
            )
        return context[index]

    temp_clauses: dict[int, bool] = {}

    def temp_only(index: int) -> bool:
        # The clause is about temporary work (previs, an animatic, a temp track) and names no
        # place in the final product: what it describes stays in that work.
        if index not in temp_clauses:
            clause = folded[spans[index][0]: spans[index][1]]
            temp_clauses[index] = any(p.temporary_work.search(clause) for p in pattern_sets) and not any(
                p.final_placement.search(clause) for p in pattern_sets)
        return temp_clauses[index]

    def people_do_it(match: re.Match[str]) -> bool:
        # The crew as the subject of the cue's verb: "the writers write the episodes themselves".
        # Only for cues that name the making itself ("write the episodes"): in "we won't need to
        # bring the storyboard artist in", the people are the ones the tool replaces.
        before = folded[max(0, match.start() - 40): match.start()]
        text = match.group(0)
        start = _HUMAN_SUBJECT_START.match(text)
        if start is not None:
            return _MAKING.match(text, start.end()) is not None
        return _HUMAN_SUBJECT_END.search(before) is not None and _MAKING.match(text) is not None

    def ai_before(index: int, position: int) -> bool:
        # An AI named just before the cue, with no person in between, is its subject: "the AI
        # still does everything" (not "ChatGPT drafts it and she still writes every word").
        head = _last_words(folded[spans[index][0]: position], _AI_SUBJECT_WORDS)
        for p in pattern_sets:
            found = list(p.ai_terms.finditer(head))
            if not found:
                continue
            last = found[-1]
            between, lead = head[last.end():], head[: last.start()].split()[-3:]
            if _PERSON.search(between) or any(q.negation.search(" ".join(lead)) for q in pattern_sets):
                continue
            return True
        return False

    readings: list[tuple[str, _Reading]] = []
    lowered = _lower_same_length(folded)
    # One scan of the whole text per cue (not per clause): the cost is in the regex calls.
    for patterns in pattern_sets:
        for cue in patterns.cues:
            for match in cue.pattern.finditer(lowered if cue.on_lower_text else folded):
                index = bisect.bisect_right(starts, match.start()) - 1
                start, end = spans[index]
                if match.end() > end:
                    continue  # a cue never spans two clauses
                in_doubt, modal_doubt, pending, plain, replacement, people_only = clause_context(index)
                before = _last_words(plain[: match.start() - start], _WINDOW_BEFORE)
                rest = plain[match.end() - start:]
                if not cue.negated_by_tool_behaviour:
                    # "the enterprise assistant doesn't store our inputs", "licence entreprise :
                    # rien n'est conservé": that negation is about storage, not the environment
                    for p in pattern_sets:
                        rest = _mask(rest, p.tool_behaviour)
                after = _first_words(rest, _WINDOW_AFTER)
                inside = plain[match.start() - start: match.end() - start]
                negated = cue.negatable and (
                    # a cue's own filler words can hold the negation: "s'entraîne pas sur nos contenus"
                    any(p.negation.search(before) or p.negation.search(after) or p.negation.search(inside)
                        for p in pattern_sets)
                    or _opening_governs(plain, match.start() - start)
                    or _NEGATIVE_ANSWER.match(rest) is not None
                    or _CROSS_MARK.search(plain) is not None
                )
                if any(_is_label(folded, match, p.department_labels) for p in pattern_sets):
                    continue
                # A negation right at the cue states its opposite ("neither on screen"); one
                # further back may govern something else ("didn't have time to cover the
                # tattoo in two scenes"), which is enough to read a no, not to outweigh a topic.
                near_negation = negated and (
                    any(p.negation.search(" ".join(before.split()[-_NEAR_NEGATION:])) or p.negation.search(after)
                        or p.negation.search(inside) for p in pattern_sets)
                    or _opening_governs(plain, match.start() - start)
                    or _NEGATIVE_ANSWER.match(rest) is not None
                    or _CROSS_MARK.search(plain) is not None
                )
                if cue.only_negated and (not negated or in_doubt):
                    continue  # only a confident negation of the bare word says something
                evidence = Evidence(quote=text[match.start(): match.end()], start=match.start(),
                                    end=match.end(), source="patterns")
                for fact, value in cue.sets.items():
                    read: Optional[str] = _NEGATED[value] if negated else value
                    # "could end up on screen" is doubt; "nothing could be taken for real" and
                    # "no real people, nothing that could pass as real" are confident noes.
                    if read is not None and in_doubt and cue.mention and _risk(fact, read) == 0:
                        continue  # "we may or may not use AI for the pitch deck": a doubted topic says nothing
                    if read is not None and (in_doubt or (modal_doubt and read == "yes" and _risk(fact, read) > 0)):
                        read = "unsure"
                    if read is not None and pending and (_risk(fact, read) == 0 or fact in _TOOL_FACTS):
                        # still being checked: states nothing safe yet, and nothing at all about
                        # the tool ("I'm checking whether their tool keeps our files")
                        continue
                    if read is not None and replacement is not None and match.start() >= replacement \
                            and _risk(fact, read) > 0:
                        continue  # names the human-made replacement or a subject, not the AI use
                    if read is not None and fact == "third_party_material" and _risk(fact, read) == 0 \
                            and _RESEMBLANCE.search(_last_words(plain[: match.start() - start], 6)):
                        # "nothing resembles an existing film" says what comes out (protected_output),
                        # not what goes in: the input question is still asked
                        continue
                    if read is not None and fact in _TEMP_SCOPED and _risk(fact, read) > 0 and temp_only(index):
                        continue  # "a pigeon in the background of one previs shot": previs is not the cut
                    if read is not None and people_only and fact in _ON_SCREEN and _risk(fact, read) > 0:
                        continue  # what people make reaches the screen, not the AI output
                    if read is not None and fact == "union_work_impact" and _risk(fact, read) > 0 \
                            and people_do_it(match):
                        continue  # "the writers write the episodes": people do the work the cue names
                    if read is not None and fact == "union_work_impact" and _risk(fact, read) == 0 \
                            and not _PERSON.match(match.group(0)) and ai_before(index, match.start()):
                        continue  # "the AI still does everything the editor did": the tool is no crew member
                    if read is not None:
                        if _risk(fact, read) > 0:
                            implied = cue.mention and read != "unsure"
                        else:
                            # Only a denial of the whole ("nothing generated", "neither on screen
                            # nor in the dub") covers every use a message may describe; "the mood
                            # boards will never be shown" does not cover the upscaling beside them.
                            implied = cue.mention or (negated and not near_negation) or not any(
                                p.whole_denial.search(plain) for p in pattern_sets)
                        # only a cue that says the safe value in its own words ("ne sortent pas de
                        # nos disques"), not a flipped one ("une réplique qu'il n'a jamais tournée")
                        stated_here = _risk(fact, read) == 0 and not cue.mention and not negated
                        readings.append((fact, _Reading(read, evidence, implied, cue.mention, index, stated_here)))
    return readings


def _risk(fact: str, value: str) -> int:
    """2 for a value that escalates, 1 for "unsure", 0 for the safe value."""
    if value == "unsure":
        return 1
    return 0 if value in safe_values().get(fact, ("no",)) else 2


def _outweighed(readings: list[tuple[str, _Reading]]) -> list[tuple[str, _Reading]]:
    """Drop the implied risky readings of a fact whose safe value is stated outright and whose
    risky value is only implied by a topic ("Dubbing: … neither on screen nor part of the dub
    we deliver"). A fact with any risky statement keeps every reading."""
    keep: list[tuple[str, _Reading]] = []
    for fact in dict.fromkeys(name for name, _ in readings):
        own = [r for name, r in readings if name == fact]
        # A topic denied in its own clause ("les rushes ne sortent pas de nos disques") is no use.
        denied_clauses = {r.clause for r in own if r.stated_here}
        own = [r for r in own if not (r.mention and _risk(fact, r.value) > 0 and r.clause in denied_clauses)]
        # Words inside a longer safe statement are part of it: "compositing final" in "ils
        # disparaissent tous au compositing final".
        safe_spans = [r.evidence for r in own if r.stated_here]
        own = [r for r in own if not (_risk(fact, r.value) > 0 and any(
            s.start <= r.evidence.start and r.evidence.end <= s.end and (s.start, s.end) != (r.evidence.start, r.evidence.end)
            for s in safe_spans))]
        risky = [r for r in own if _risk(fact, r.value) > 0]
        stated_safe = any(_risk(fact, r.value) == 0 and not r.implied for r in own)
        if risky and stated_safe and all(r.implied for r in risky):
            own = [r for r in own if _risk(fact, r.value) == 0 and not r.implied]
        elif risky and len(risky) < len(own) and all(r.mention for r in own):
            # Topics only, pointing both ways ("a mood board for the trailer team"): the text
            # does not say; the question will be asked.
            own = []
        keep.extend((fact, r) for r in own)
    return keep


def _combine(readings: list[tuple[str, _Reading]]) -> dict[str, Fact]:
    readings = _outweighed(readings)
    best: dict[str, str] = {}
    for fact, reading in readings:
        if fact not in best or _risk(fact, reading.value) > _risk(fact, best[fact]):
            best[fact] = reading.value
    facts: dict[str, Fact] = {}
    for fact, value in best.items():
        spans = [r.evidence for name, r in readings if name == fact and r.value == value]
        # One quote per place: "final cut" inside "in the final cut" is the same evidence.
        evidence = sorted(
            {e for e in spans if not any(o != e and o.start <= e.start and e.end <= o.end for o in spans)},
            key=lambda e: e.start,
        )
        facts[fact] = Fact(value=value, evidence=tuple(evidence[:_MAX_EVIDENCE]))  # type: ignore[arg-type]
    return facts


@functools.cache
def safe_values() -> Mapping[str, frozenset[str]]:
    """Per fact, the values that move a use toward low risk: what the policy's low-risk
    rules require, plus a "yes" to consent (informative, but reassuring)."""
    from .._policy import load_policy

    safe: dict[str, frozenset[str]] = {"talent_consent": frozenset({"yes"})}
    for rule in load_policy().rules:
        if rule.effect == "low_risk":
            for fact, allowed in rule.when.items():
                safe[fact] = safe.get(fact, frozenset()) | allowed
    return safe


_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)")
# From this many sentences on, a message tells the production's news around its AI question.
_NEWS_SENTENCES = 4


def _without_news_topics(folded: str, readings: list[tuple[str, _Reading]],
                         pattern_sets: tuple[Patterns, ...]) -> list[tuple[str, _Reading]]:
    """Drop the risky topic readings (`mention` cues) of sentences that name no AI, in a
    message long enough to carry news and whose AI use is described in other sentences.

    "Subtitles for all 31 languages are on track. One AI item: …" — the subtitles are the
    production's news, not where the AI output goes. Outright statements are kept wherever
    they are ("The clip airs in episode 3" after "We'd clone her voice").
    """
    sentences = [(m.start(), m.end()) for m in _SENTENCE.finditer(folded) if m.group(0).strip()]
    if len(sentences) < _NEWS_SENTENCES:
        return readings
    names_ai = [any(p.ai_terms.search(folded[start:end]) for p in pattern_sets) for start, end in sentences]
    if not any(names_ai):
        return readings
    starts = [start for start, _ in sentences]

    def in_news(reading: _Reading) -> bool:
        return not names_ai[bisect.bisect_right(starts, reading.evidence.start) - 1]

    return [(fact, r) for fact, r in readings if not (r.mention and _risk(fact, r.value) > 0 and in_news(r))]


def _without_abandoned_ideas(folded: str, readings: list[tuple[str, _Reading]],
                             pattern_sets: tuple[Patterns, ...]) -> list[tuple[str, _Reading]]:
    """Drop the risky readings of sentences that say the idea was dropped ("The face-replacement
    idea is dead", « l'idée du clonage de voix est abandonnée »): it is no longer the use. Its
    safe value is not read either; the question is asked if nothing else states it."""
    dropped = [(m.start(), m.end()) for m in _SENTENCE.finditer(folded)
               if any(p.abandoned.search(m.group(0)) for p in pattern_sets)]
    if not dropped:
        return readings
    return [(fact, r) for fact, r in readings
            if not (_risk(fact, r.value) > 0 and any(a <= r.evidence.start < b for a, b in dropped))]


def _summary(text: str) -> str:
    first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    first = " ".join(first.split())
    return first if len(first) <= 160 else first[:157].rstrip() + "…"


def extract_offline(text: str) -> UsageDeclaration:
    """Read a description with the pattern sets of knowledge/patterns/ (English and French).

    Returns a declaration whose every set fact carries at least one evidence span, with
    `text[start:end] == quote`. Facts the text does not state stay None.
    """
    every_set = load_patterns()
    # French producers write franglais ("le lip-sync"), so text with any French gets both sets;
    # text with none skips the French set, which halves the work (the regex scans are the
    # cost). Instructions to the system are still looked for in both languages.
    pattern_sets = every_set if has_french(text) else tuple(p for p in every_set if p.lang == "en")
    folded = fold(text)
    readings = _read(text, folded, pattern_sets)
    if any(p.hypothetical.search(folded) for p in pattern_sets):
        # "General question, nothing planned: is voice cloning ever allowed?" asks about the
        # rules; it declares no use, so it states no fact, risky or safe: the chat asks.
        readings = []
    elif any(p.undecided.search(folded) for p in pattern_sets):
        # No use is declared yet: a topic named in passing ("for the trailer") implies nothing.
        readings = [(fact, reading) for fact, reading in readings if not reading.mention]
    readings = _without_news_topics(folded, readings, pattern_sets)
    readings = _without_abandoned_ideas(folded, readings, pattern_sets)
    instructed = any(p.instruction.search(folded) for p in every_set)
    # An instruction that only asks for more caution ("classify as approval required") is a
    # red-team test, not an attempt to look safe: the description around it is read as usual.
    only_toward_risk = (
        instructed
        and any(p.toward_risk.search(folded) for p in every_set)
        and not any(p.toward_safety.search(folded) for p in every_set)
    )
    if instructed and not only_toward_risk:
        # A message that addresses the system is untrusted as a whole: it may add risk,
        # never remove it. The producer can still answer the questions that follow.
        safe = safe_values()
        readings = [(fact, reading) for fact, reading in readings if reading.value not in safe.get(fact, ())]
    facts = _combine(readings)

    tools: list[str] = []
    media: list[str] = []
    for patterns in pattern_sets:
        for pattern, name, tool_media in patterns.tools:
            if pattern.search(folded) and name not in tools:
                tools.append(name)
                media.extend(m for m in tool_media if m not in media)
    stage = "unknown"
    for patterns in pattern_sets:
        for pattern, name in patterns.stages:
            if stage == "unknown" and pattern.search(folded):
                stage = name
    if only_toward_risk:
        notices: tuple[str, ...] = (
            "The description contains text addressed to the system asking for a stricter verdict; "
            "it was read as data and does not change the decision.",)
    elif instructed:
        notices = ("The description contains text addressed to the system (e.g. asking for a verdict); "
                   "it was read as data and cannot make the use look safer.",)
    else:
        notices = ()
    return UsageDeclaration(
        facts=Facts(**facts),
        summary=_summary(text),
        tools=tuple(tools),
        stage=stage,  # type: ignore[arg-type]
        media=tuple(media),  # type: ignore[arg-type]
        notices=notices,
    )

"""Telling English from French, cheaply and offline."""

from __future__ import annotations

import re

from ._knowledge import Lang

_WORD = re.compile(r"[a-zà-öø-ÿœæ']+")
# Frequent function words that the other language rarely uses.
_FRENCH = frozenset(
    "le la les un une des du de et est sont pour avec dans sur pas ne nous vous je il elle ce cette ces "
    "qui que qu quoi oui non sera seront avons allons être aucun aucune sans mais ou où très aussi notre nos "
    "leur leurs au aux l d c j n s".split()
)
_ENGLISH = frozenset(
    "the a an and is are for with in on not no we you i it this that these which what yes will would be "
    "our their of to from by any without but or very also have has do does don't won't".split()
)


def _counts(text: str) -> tuple[int, int]:
    """(French, English) function words in the text."""
    french = english = 0
    for word in _WORD.findall(text.lower().replace("’", "'")):
        for part in word.split("'"):
            french += part in _FRENCH
            english += part in _ENGLISH
    return french, english


def has_french(text: str) -> bool:
    """True when the text holds some French, even inside English ("… ChatGPT gratuit pour les réunions")."""
    return _counts(text)[0] >= 2


def detect_lang(text: str, default: Lang = "en") -> Lang:
    """"fr" when French function words outnumber English ones, else "en" (or `default` on a tie)."""
    french, english = _counts(text)
    if french == english:
        return default
    return "fr" if french > english else "en"

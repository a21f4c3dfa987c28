"""The knowledge base loads, is complete in both languages, and fails loudly when broken."""

from __future__ import annotations

import pytest

from assistant import FACT_NAMES, KnowledgeError, passage, passages, question_bank
from assistant._knowledge import parse_guidance


def test_both_languages_hold_the_same_passages() -> None:
    english, french = passages("en"), passages("fr")
    assert len(english) >= 38
    assert [p.id for p in english] == [p.id for p in french]
    assert [p.section for p in english] == [p.section for p in french]
    assert all(p.text and p.title for p in english + french)


def test_passage_lookup() -> None:
    replica = passage("g7-digital-replica", "fr")
    assert replica.section == "G7" and replica.lang == "fr"
    with pytest.raises(KeyError, match="greenlight policy --passages"):
        passage("g0-nothing")


def test_every_section_of_the_guidance_is_covered() -> None:
    sections = {p.section for p in passages("en")}
    assert {"G1", "G2", "G3.1", "G3.2", "G3.3", "G3.4", "G5", "G6", "G7", "G8", "G9"} <= sections


def test_question_bank_covers_every_fact_in_both_languages() -> None:
    bank = question_bank()
    assert set(bank) == set(FACT_NAMES)
    orders = [spec.order for spec in bank.values()]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)
    for spec in bank.values():
        for lang in ("en", "fr"):
            assert spec.ask[lang].endswith("?"), (spec.fact, lang)
            assert spec.explain[lang] and spec.label[lang]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("## bad heading\nbody\n", "line 1"),
        ("## g1-a | G1 | Title\n\n## g1-b | G1 | Other\nbody\n", "has no text"),
        ("## g1-a | G1 | T\nx\n## g1-a | G1 | T\ny\n", "duplicate passage ids"),
    ],
)
def test_malformed_guidance_is_refused(text: str, needle: str) -> None:
    with pytest.raises(KnowledgeError, match=needle):
        parse_guidance(text, "en")

"""The public API: what `assistant/__init__.py` promises, and the README's examples."""

from __future__ import annotations

import subprocess
import sys

import assistant


def test_every_public_name_resolves() -> None:
    for name in assistant.__all__:
        assert getattr(assistant, name) is not None, name


def test_unknown_attribute() -> None:
    try:
        assistant.not_a_name  # noqa: B018
    except AttributeError as error:
        assert "not_a_name" in str(error)
    else:
        raise AssertionError("expected AttributeError")


def test_import_is_light() -> None:
    code = ("import sys, assistant; assistant.assess; assistant.extract; "
            "print([m for m in ('chromadb', 'langchain_core', 'openai', 'streamlit', 'pydantic') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    assert out.strip() == "['pydantic']"


def test_readme_python_example() -> None:
    from assistant import UsageDeclaration, assess, extract

    declaration = extract("Mood boards only, made with our enterprise Firefly licence.")
    assessment = assess(declaration)
    assert assessment.decision == "needs_info"
    assert assessment.questions[0].text
    assert assess(UsageDeclaration.from_values({"talent_likeness": "yes"})).rule_ids == ("talent-likeness",)


def test_docstring_example() -> None:
    from assistant import assess, extract

    assert assess(extract("We will clone the lead actor's voice for ADR.")).decision == "approval_required"

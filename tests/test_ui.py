"""The chat page, headless, with streamlit.testing (AppTest): what a producer sees and can do.

Each test gets its own GREENLIGHT_DATA_DIR, so intakes saved by one never show in another.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "ui" / "app.py")


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("GREENLIGHT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("GREENLIGHT_DB_URL", raising=False)
    monkeypatch.setenv("GREENLIGHT_BACKEND", "offline")
    # AppTest runs the page inside pytest's process: a warm-up thread still embedding when
    # pytest exits would abort it. The browser test runs a real server, with the warm-up.
    monkeypatch.setenv("GREENLIGHT_WARM_INDEX", "0")
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception
    return at


def card_text(at: AppTest) -> str:
    return " ".join(box.value for box in [*at.error, *at.warning, *at.success])


def selectbox(at: AppTest, label: str):
    return next(box for box in at.selectbox if box.label == label)


def send(at: AppTest, text: str) -> AppTest:
    at.chat_input[0].set_value(text).run()
    assert not at.exception
    return at


def test_the_empty_page_welcomes_and_shows_needs_info(app: AppTest) -> None:
    assert "Describe the generative-AI use" in app.chat_message[0].markdown[0].value
    assert "NEEDS INFO" in card_text(app)
    assert len(app.selectbox) == 13 and all(box.value is None for box in app.selectbox)
    assert any("offline extractor" in md.value for md in app.sidebar.markdown)


def test_a_message_shows_the_reply_the_decision_card_and_the_declaration(app: AppTest) -> None:
    send(app, "We will clone the lead actor's voice for the French dub.")
    assert [m.name for m in app.chat_message] == ["assistant", "user", "assistant"]  # greeting, message, reply
    assert "APPROVAL REQUIRED" in app.chat_message[2].markdown[0].value
    assert len(app.error) == 1 and "APPROVAL REQUIRED" in app.error[0].value  # the red card
    assert "Escalate to your Netflix contact" in app.error[0].value
    texts = [md.value for md in app.markdown]
    assert any("likeness or voice of a real person" in text for text in texts)
    # Each citation opens its passage (section and title, then the text).
    assert any(text.startswith("**G3.3 · Digital replicas of real talent**") for text in texts)
    assert any("explicit, documented consent" in text for text in texts)
    assert selectbox(app, "Talent likeness or voice").value == "yes"
    assert any("Your words: “" in caption.value for caption in app.caption)


def test_correcting_a_fact_reassesses_at_once(app: AppTest) -> None:
    send(app, "Mood boards only, made with our Netflix-onboarded Firefly licence; nothing generated ends up in the final cut.")
    assert "NEEDS INFO" in card_text(app)
    for label in ["Talent likeness or voice", "Key creative element", "Third-party material", "Netflix-owned material",
                  "Personal data", "Performance alteration", "Union work", "Output resembles protected work",
                  "Could pass as real", "Tool trains on inputs"]:
        selectbox(app, label).set_value("no").run()
        assert not app.exception
    assert len(app.success) == 1 and "LOW RISK" in app.success[0].value
    selectbox(app, "Final deliverable").set_value("yes").run()
    assert len(app.error) == 1 and "APPROVAL REQUIRED" in app.error[0].value
    assert selectbox(app, "Final deliverable").value == "yes"
    assert any("Final deliverable: yes" in m.markdown[0].value for m in app.chat_message if m.name == "user")


def test_export_buttons_carry_policy_version_and_date(app: AppTest) -> None:
    send(app, "Storyboards for the previs, internal only.")
    buttons = app.get("download_button")
    assert [b.proto.label for b in buttons] == ["Summary (Markdown)", "Data (JSON)"]
    assert all(b.proto.label for b in buttons)
    captions = " ".join(c.value for c in app.caption)
    assert "Policy `sha256:" in captions


def test_french_interface(app: AppTest) -> None:
    app.sidebar.radio[0].set_value("fr").run()
    assert "INFORMATIONS MANQUANTES" in card_text(app)
    send(app, "On va cloner la voix du comédien principal pour le doublage.")
    assert "APPROBATION REQUISE" in app.error[0].value
    assert "APPROBATION REQUISE" in app.chat_message[2].markdown[0].value
    assert selectbox(app, "Image ou voix d'un talent").value == "yes"


def test_past_intakes_can_be_reopened_and_a_new_one_started(app: AppTest) -> None:
    send(app, "We will clone the lead actor's voice for the French dub.")
    intake_id = app.session_state["intake"].id
    app.button(key="new-intake").click().run()
    assert len(app.chat_message) == 1  # the greeting only
    assert "NEEDS INFO" in card_text(app)
    app.button(key=f"open-{intake_id}").click().run()
    assert app.session_state["intake"].id == intake_id
    assert "APPROVAL REQUIRED" in app.error[0].value
    assert len(app.chat_message) == 3


def test_a_bad_database_url_ends_with_a_hint_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREENLIGHT_DB_URL", "postgresql://team-db/greenlight")
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception
    assert "only sqlite is implemented" in at.info[0].value
    assert not at.chat_input

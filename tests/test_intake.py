"""The conversational intake, through the public API (IntakeSession, Turn), its store, its
export and `greenlight chat`.

Every test runs against a temporary GREENLIGHT_DATA_DIR (never the repository's .greenlight/).
"""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from pathlib import Path

import pytest

from assistant import FACT_NAMES, InputError, IntakeSession, Turn
from assistant._intake import mask_secrets
from assistant._store import IntakeStore, StoreError, database_url

DECISION_FACTS = [name for name in FACT_NAMES if name != "talent_consent"]
SAFE = {name: "no" for name in DECISION_FACTS} | {"enterprise_environment": "yes"}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("greenlight-data")


@pytest.fixture(autouse=True)
def isolated(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREENLIGHT_DATA_DIR", str(data_dir))
    monkeypatch.delenv("GREENLIGHT_DB_URL", raising=False)
    monkeypatch.setenv("GREENLIGHT_BACKEND", "offline")


@pytest.fixture
def store(tmp_path: Path) -> IntakeStore:
    store = IntakeStore(f"sqlite:///{tmp_path / 'intakes.sqlite3'}")
    yield store
    store.close()


def asked(turn: Turn) -> list[str]:
    return [q.fact for q in turn.questions]


def all_but(*facts: str, lang: str = "en") -> IntakeSession:
    """A session where the producer set every decision fact safe in the panel, except `facts`."""
    session = IntakeSession(lang=lang)
    for name, value in SAFE.items():
        if name not in facts:
            session.correct(name, value)
    return session


# --- multi-turn scripts ------------------------------------------------------------------------


def test_english_script_reaches_low_risk_asking_one_group_at_a_time() -> None:
    session = IntakeSession()
    first = session.send("Mood boards only, made with our enterprise Firefly licence; "
                         "nothing generated ends up in the final cut.")
    assert first.decision == "needs_info" and first.lang == "en"
    assert session.declaration.values()["final_deliverable"] == "no"
    assert session.declaration.values()["enterprise_environment"] == "yes"
    # The most decisive open question first, with the rest of its group as a checklist.
    assert asked(first) == ["talent_likeness", "performance_alteration", "union_work_impact"]
    assert "none of those" in first.reply and "1. Will the likeness" in first.reply
    turns = [first]
    while turns[-1].questions:
        turns.append(session.send("None of those."))
        assert len(turns) < 6
    last = turns[-1]
    assert last.decision == "low_risk" and last.assessment.rule_ids == ("all-principles-hold",)
    assert "LOW RISK" in last.reply and "Tell your Netflix contact" in last.reply
    assert "G2 · How to read the answers to the five principles" in last.reply  # citation: section + title
    assert [turn.questions == () for turn in turns] == [False] * (len(turns) - 1) + [True]
    groups = [{q.group for q in turn.questions} for turn in turns[:-1]]
    assert all(len(group) == 1 for group in groups)


def test_french_script_answers_in_french_and_reads_french_answers() -> None:
    session = IntakeSession()
    turn = session.send("On fait des moodboards avec Firefly sur notre compte entreprise Netflix ; "
                        "rien de généré dans le montage final.")
    assert turn.lang == "fr" and turn.assessment.lang == "fr"
    assert "J'ai relevé" in turn.reply and "Répondez oui, non ou je ne sais pas" in turn.reply
    assert turn.questions[0].text.startswith("L'image ou la voix")
    answers = iter(["aucun", "non", "rien de tout ça", "non"])
    while turn.questions:
        turn = session.send(next(answers))
        assert turn.lang == "fr"
    assert turn.decision == "low_risk"
    assert "FAIBLE RISQUE" in turn.reply and "Informez votre contact Netflix" in turn.reply


def test_french_uncertainty_escalates_with_a_french_explanation() -> None:
    session = all_but("tool_trains_on_inputs", lang="fr")
    turn = session.send("je ne sais pas")
    assert turn.decision == "approval_required"
    assert session.declaration.values()["tool_trains_on_inputs"] == "unsure"
    assert "APPROBATION REQUISE" in turn.reply and "vous n'êtes pas sûr" in turn.reply


# --- bare answers and checklists ----------------------------------------------------------------


@pytest.mark.parametrize("answer", ["yes", "Yes.", "yep", "Yeah, it is", "oui", "Oui !"])
def test_a_bare_yes_answers_the_single_pending_question(answer: str) -> None:
    session = all_but("enterprise_environment")
    assert asked(session.history[-1]) == ["enterprise_environment"]
    turn = session.send(answer)
    assert session.declaration.values()["enterprise_environment"] == "yes"
    assert turn.decision == "low_risk" and turn.intent == "answer"


@pytest.mark.parametrize("answer", ["no", "No.", "nope", "Nope, not at all", "non", "Non merci"])
def test_a_bare_no_answers_the_single_pending_question(answer: str) -> None:
    session = all_but("tool_trains_on_inputs")
    turn = session.send(answer)
    assert session.declaration.values()["tool_trains_on_inputs"] == "no"
    assert turn.decision == "low_risk"


@pytest.mark.parametrize("answer", ["not sure", "Not sure.", "idk", "no idea", "I don't know",
                                    "je ne sais pas", "pas sûr", "aucune idée", "I don't think so"])
def test_not_sure_escalates_and_says_why(answer: str) -> None:
    session = all_but("tool_trains_on_inputs")
    turn = session.send(answer)
    assert session.declaration.values()["tool_trains_on_inputs"] == "unsure"
    assert turn.decision == "approval_required"
    assert turn.assessment.rule_ids == ("tool-trains-on-inputs",)
    assert turn.questions == ()


def test_evidence_of_an_answer_points_to_the_answer_message() -> None:
    session = all_but("personal_data")
    turn = session.send("Nope.")
    evidence = session.declaration.facts.personal_data.evidence
    assert len(evidence) == 1
    assert evidence[0].source == "producer" and evidence[0].turn == turn.index
    assert turn.message[evidence[0].start:evidence[0].end] == evidence[0].quote == "Nope"


@pytest.mark.parametrize("answer", ["none of those", "None of them.", "no to all", "aucun", "aucun de ceux-là",
                                    "rien de tout ça", "No"])
def test_none_of_those_resolves_the_whole_checklist(answer: str) -> None:
    session = IntakeSession()
    first = session.send("Storyboards for the previs, internal only.")
    assert len(first.questions) > 1
    turn = session.send(answer)
    values = session.declaration.values()
    assert all(values[q.fact] == "no" for q in first.questions)
    assert turn.intent == "answer" and not set(asked(turn)) & set(asked(first))


def test_all_of_them_and_per_item_answers() -> None:
    session = IntakeSession()
    first = session.send("Storyboards for the previs, internal only.")
    facts = asked(first)
    assert len(facts) >= 3
    turn = session.send("Yes to the first, no to the others")
    values = session.declaration.values()
    assert values[facts[0]] == "yes" and all(values[f] == "no" for f in facts[1:])
    assert turn.decision == "approval_required"

    numbered = IntakeSession()
    facts = asked(numbered.send("Storyboards for the previs, internal only."))
    numbered.send(" ".join(f"{i}. {'not sure' if i == 2 else 'no'}" for i in range(1, len(facts) + 1)))
    values = numbered.declaration.values()
    assert values[facts[1]] == "unsure" and all(values[f] == "no" for f in facts[:1] + facts[2:])

    everything = IntakeSession()
    facts = asked(everything.send("Storyboards for the previs, internal only."))
    everything.send("all of them")
    assert all(everything.declaration.values()[f] == "yes" for f in facts)


@pytest.mark.parametrize("reply, expected", [
    ("no, no, yes", ["no", "no", "yes"]),
    ("non / oui / non", ["no", "yes", "no"]),
    ("No, nothing goes on screen. Not sure. Yes, the signage.", ["no", "unsure", "yes"]),
    ("la deuxième oui, le reste non", ["no", "yes", "no"]),
])
def test_one_answer_per_checklist_item(reply: str, expected: list[str]) -> None:
    session = IntakeSession()
    session.send("Storyboards for the previs, internal only.")
    session.correct("protected_output", "no")  # leaves a checklist of three
    facts = asked(session.history[-1])
    assert len(facts) == 3
    session.send(reply)
    assert [session.declaration.values()[f] for f in facts] == expected


def test_a_bare_yes_to_a_checklist_is_asked_back() -> None:
    session = IntakeSession()
    first = session.send("Storyboards for the previs, internal only.")
    turn = session.send("yes")
    assert "Which of them?" in turn.reply
    assert asked(turn) == asked(first)  # same checklist, same numbering
    assert all(session.declaration.values()[f] is None for f in asked(first))
    turn = session.send("the second yes, the rest no")
    assert session.declaration.values()[asked(first)[1]] == "yes"


def test_an_unreadable_reply_keeps_the_questions() -> None:
    session = IntakeSession()
    first = session.send("Storyboards for the previs, internal only.")
    turn = session.send("hmm, let me think about the schedule")
    assert turn.intent == "unclear" and "could not read an answer" in turn.reply
    assert asked(turn) == asked(first)


def test_the_turn_always_agrees_with_the_rules_core() -> None:
    """Whatever the producer says, the turn's decision is assess() of the session's
    declaration; questions are asked only while it needs info, only about unstated facts."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from assistant import assess

    pool = ["yes", "no", "not sure", "none of those", "all of them", "yes to the first, no to the others",
            "oui", "non", "je ne sais pas", "1. no 2. yes", "what counts as a final deliverable?",
            "Storyboards for the previs, internal only.", "actually it will be in the final cut",
            "We paste the crew list into ChatGPT.", "Mood boards on our enterprise Firefly licence.", "hmm"]

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.sampled_from(pool), min_size=1, max_size=8))
    def check(messages: list[str]) -> None:
        session = IntakeSession()
        for message in messages:
            turn = session.send(message)
            assert turn.decision == assess(session.declaration).decision
            values = session.declaration.values()
            if turn.decision == "needs_info":
                assert turn.questions and all(values[q.fact] is None for q in turn.questions)
                assert len({q.group for q in turn.questions}) == 1
            else:
                assert turn.questions == ()
            if turn.decision == "low_risk":
                assert all(values[name] == SAFE[name] for name in DECISION_FACTS)

    check()


# --- stopping once the decision is settled -----------------------------------------------------


def test_one_trigger_settles_it_and_no_more_questions_are_asked() -> None:
    session = IntakeSession()
    turn = session.send("We will clone the lead actor's voice for the French dub.")
    assert turn.decision == "approval_required"
    assert turn.questions == ()
    assert "talent-likeness" in turn.assessment.rule_ids
    assert "written approval before going ahead" in turn.reply
    assert "G3.3 · Digital replicas of real talent" in turn.reply
    # What else the contact will want to know is said, not asked — consent first.
    assert "Your Netflix contact will also want to know" in turn.reply
    assert turn.assessment.follow_ups[0].fact == "talent_consent"
    again = session.send("no")
    assert again.questions == () and "no open question" in again.reply
    assert session.declaration.values()["talent_consent"] is None


# --- corrections -------------------------------------------------------------------------------


def test_a_later_statement_overrides_and_is_noted_as_a_correction() -> None:
    session = all_but()
    assert session.decision == "low_risk"
    turn = session.send("actually it will be in the final cut")
    assert turn.decision == "approval_required"
    assert [(c.fact, c.old, c.new) for c in turn.corrections] == [("final_deliverable", "no", "yes")]
    assert "Correction noted" in turn.reply and "was *no*" in turn.reply
    evidence = session.declaration.facts.final_deliverable.evidence
    assert evidence[0].turn == turn.index and evidence[0].quote in turn.message


def test_lowering_a_risk_needs_a_correction_marker() -> None:
    session = IntakeSession()
    session.send("We will clone the lead actor's voice for the French dub.")
    held = session.send("We only use stock voices, no real actor.")
    assert session.declaration.values()["talent_likeness"] == "yes"  # kept: no sign of a correction
    assert [c.how for c in held.changes if c.fact == "talent_likeness"] == ["held"]
    assert "I kept *yes*" in held.reply
    fixed = session.send("Actually, we only use stock voices, no real actor.")
    assert session.declaration.values()["talent_likeness"] == "no"
    assert [(c.fact, c.old, c.new) for c in fixed.corrections] == [("talent_likeness", "yes", "no")]


def test_a_correction_in_the_panel_reassesses_at_once() -> None:
    session = IntakeSession()
    session.send("We will clone the lead actor's voice for the French dub.")
    turn = session.correct("talent_likeness", "no")
    assert turn.kind == "correction" and turn.intent == "correction"
    evidence = session.declaration.facts.talent_likeness.evidence[0]
    assert evidence.source == "producer" and evidence.turn == turn.index
    assert turn.assessment.rule_ids == ("final-deliverable",)  # the dub is still in the final cut
    cleared = session.correct("final_deliverable", None)
    assert cleared.decision == "needs_info" and asked(cleared)[0] == "final_deliverable"
    with pytest.raises(ValueError, match="unknown fact"):
        session.correct("budget", "yes")
    with pytest.raises(ValueError):
        session.correct("final_deliverable", "maybe")


def test_a_safe_fact_read_from_the_words_of_a_corrected_fact_is_asked_again() -> None:
    session = IntakeSession()
    session.send("Mood boards only, no de-ageing or face swap.")
    values = session.declaration.values()
    assert values["talent_likeness"] == "no" and values["performance_alteration"] == "no"
    turn = session.correct("talent_likeness", "yes")
    assert session.declaration.values()["performance_alteration"] is None
    assert [(c.fact, c.how) for c in turn.changes] == [("talent_likeness", "control"),
                                                       ("performance_alteration", "withdrawn")]
    assert "asked again" in turn.reply
    assert turn.decision == "approval_required"


# --- questions about the guidance --------------------------------------------------------------


def test_a_guidance_question_is_answered_from_the_knowledge_base() -> None:
    session = IntakeSession()
    first = session.send("Storyboards for the previs, internal only.")
    turn = session.send("What counts as a final deliverable?")
    assert turn.intent == "guidance"
    assert turn.passages and any(pid.startswith(("g6-", "g2-p4", "g1-")) for pid in turn.passages)
    assert "Here is what the guidance says" in turn.reply and " · " in turn.reply
    assert session.declaration == first.declaration  # the question states nothing about the plan
    assert asked(turn) == asked(first)  # and the open questions are asked again


def test_a_french_guidance_question_gets_french_passages() -> None:
    session = IntakeSession()
    turn = session.send("Qu'est-ce qu'une réplique numérique ?")
    assert turn.intent == "guidance" and turn.lang == "fr"
    assert {"g7-digital-replica", "g3-3-digital-replicas"} & set(turn.passages)
    assert "Voici ce que disent les recommandations" in turn.reply
    assert all(value is None for value in session.declaration.values().values())


def test_why_shows_the_passages_behind_the_decision() -> None:
    session = IntakeSession()
    session.send("We will clone the lead actor's voice for the French dub.")
    turn = session.send("Why?")
    cited = {c for reason in session.assessment.reasons for c in reason.citations}
    assert turn.intent == "guidance" and set(turn.passages) <= cited


def test_guidance_falls_back_to_keywords_without_retrieval(monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant._retrieval as retrieval
    from assistant import RetrievalError

    def broken(*args, **kwargs):
        raise RetrievalError("index unavailable")

    monkeypatch.setattr(retrieval, "retrieve", broken)
    turn = IntakeSession().send("What is visual ADR?")
    assert turn.intent == "guidance" and "g3-3-performance-alteration" in turn.passages
    assert "keyword search" in turn.reply


# --- language ------------------------------------------------------------------------------------


def test_the_session_keeps_its_language_unless_the_producer_clearly_switches() -> None:
    session = all_but("personal_data", lang="fr")
    assert session.send("ok").lang == "fr"
    turn = session.send("Sorry, can we continue in English? The crew list is not used at all.")
    assert turn.lang == "en" and turn.assessment.lang == "en"


# --- input, secrets -------------------------------------------------------------------------------


def test_empty_and_oversized_messages_are_refused() -> None:
    session = IntakeSession()
    with pytest.raises(InputError):
        session.send("   ")
    with pytest.raises(InputError):
        session.send("x" * 20_001)
    assert session.history == ()


def test_secrets_are_masked_before_anything_else() -> None:
    key = "sk-proj-" + "a1B2c3D4" * 4
    masked, found = mask_secrets(f"use key {key} please")
    assert found and key not in masked and len(masked) == len(f"use key {key} please")
    turn = IntakeSession().send(f"We paste the crew list into ChatGPT with api_key={key}")
    assert key not in turn.message and "masked" in turn.reply
    assert turn.decision == "approval_required"


# --- persistence ---------------------------------------------------------------------------------


def test_every_turn_is_saved_and_an_intake_reopens_with_its_full_state(store: IntakeStore) -> None:
    session = IntakeSession(store=store)
    session.send("Storyboards for the previs, internal only.")
    session.send("none of those")
    session.correct("enterprise_environment", "yes")
    listed = store.list_intakes()
    assert [item.id for item in listed] == [session.id]
    assert listed[0].turns == 3 and listed[0].title.startswith("Storyboards")

    reopened = store.load(session.id)
    assert reopened.id == session.id and reopened.lang == "en"
    assert reopened.declaration == session.declaration
    assert [t.reply for t in reopened.history] == [t.reply for t in session.history]
    assert [asked(t) for t in reopened.history] == [asked(t) for t in session.history]
    assert reopened.pending == session.pending and reopened.decision == session.decision
    # The conversation goes on where it stopped; numbering and evidence stay consistent.
    turn = reopened.send("no")
    assert turn.index == 3 and store.list_intakes()[0].turns == 4
    assert IntakeSession.open(session.id, store).history[-1].message == "no"

    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT COUNT(*) FROM turns").fetchone()[0] == 4
        assert db.execute("SELECT COUNT(*) FROM assessments").fetchone()[0] == 4
        versions = db.execute("SELECT COUNT(*) FROM declarations").fetchone()[0]
        assert 2 <= versions <= 4
        assert {row[0] for row in db.execute("SELECT policy_version FROM assessments")} == {
            session.assessment.policy_version}


def test_a_crash_mid_turn_leaves_the_stored_intake_consistent(store: IntakeStore,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    session = IntakeSession(store=store)
    session.send("Storyboards for the previs, internal only.")
    before = store.load(session.id)

    def crash(*args, **kwargs):
        raise RuntimeError("power cut between two writes")

    # The intake row, the declaration and the turn are written; the assessment write fails.
    monkeypatch.setattr(IntakeStore, "_write_assessment", crash)
    with pytest.raises(RuntimeError):
        session.send("none of those")
    monkeypatch.undo()

    assert len(session.history) == 1  # nothing applied in memory
    after = store.load(session.id)
    assert len(after.history) == 1 and after.declaration == before.declaration
    assert store.list_intakes()[0].turns == 1
    with sqlite3.connect(store.path) as db:
        counts = [db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                  for table in ("turns", "assessments", "declarations")]
    assert counts == [1, 1, 1]
    # and the same message can be sent again
    assert session.send("none of those").index == 1
    assert len(store.load(session.id).history) == 2


def test_no_secret_reaches_the_database_or_the_exports(store: IntakeStore) -> None:
    key = "sk-" + "Zz9" * 12
    session = IntakeSession(store=store)
    session.send(f"Mood boards in ChatGPT, token: {key}")
    assert key.encode() not in Path(store.path).read_bytes()
    for path in Path(store.path).parent.glob("intakes.sqlite3*"):
        assert key.encode() not in path.read_bytes()
    assert key not in json.dumps(session.to_json()) and key not in session.to_markdown()


def test_the_database_location_and_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREENLIGHT_DATA_DIR", str(tmp_path / "data"))
    assert database_url() == f"sqlite:///{tmp_path / 'data' / 'intakes.sqlite3'}"
    store = IntakeStore.from_env()
    assert Path(store.path) == tmp_path / "data" / "intakes.sqlite3" and Path(store.path).exists()
    store.close()
    monkeypatch.setenv("GREENLIGHT_DB_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    assert IntakeStore.from_env().path == str(tmp_path / "elsewhere.db")
    monkeypatch.setenv("GREENLIGHT_DB_URL", "postgresql://team-db/greenlight")
    with pytest.raises(StoreError, match="only sqlite is implemented") as error:
        IntakeStore.from_env()
    assert error.value.code == "store-url-unsupported"
    with pytest.raises(StoreError, match="no saved intake"):
        IntakeStore("sqlite:///:memory:").load("20250101-000000")


# --- export ----------------------------------------------------------------------------------------


def test_the_export_carries_what_the_contact_needs() -> None:
    session = IntakeSession()
    session.send("We will clone the lead actor's voice for the French dub.")
    summary = session.to_markdown()
    assert "**APPROVAL REQUIRED**" in summary
    assert "G3.3 · Digital replicas of real talent (`g3-3-digital-replicas`)" in summary
    assert "| Talent likeness or voice | **yes** | “" in summary and "(message 1)" in summary
    assert "## Open questions" in summary and "documented consent" in summary
    assert session.assessment.policy_version in summary and "offline extractor" in summary
    assert "| Date |" in summary and session.id in summary
    data = session.to_json()
    assert data["decision"] == "approval_required" and data["intake_id"] == session.id
    assert data["policy_version"] == session.assessment.policy_version
    assert data["extractor"]["name"] == "offline" and "api_key" not in json.dumps(data)
    assert data["citations"]["g3-3-digital-replicas"]["section"] == "G3.3"
    assert data["conversation"][0]["message"].startswith("We will clone")
    french = session.to_markdown("fr")
    assert "APPROBATION REQUISE" in french and "Répliques numériques de talents réels" in french


# --- greenlight chat -----------------------------------------------------------------------------------


def test_greenlight_chat_runs_the_same_conversation(monkeypatch: pytest.MonkeyPatch, capsys, tmp_path: Path) -> None:
    from assistant.cli import main

    export = tmp_path / "summary.md"
    script = "\n".join([
        "Storyboards for the previs, internal only.",
        "none of those",
        "/json",
        f"/export {export}",
        "/quit",
        "never read",
    ]) + "\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(script))
    assert main(["chat", "--no-save"]) == 0
    out = capsys.readouterr().out
    assert "Do any of these apply?" in out and "Noted:" in out
    assert '"decision": "needs_info"' in out
    assert export.read_text().startswith("# GenAI use declaration")
    assert "never read" not in out.split("/quit")[-1]


def test_greenlight_chat_saves_and_reopens(monkeypatch: pytest.MonkeyPatch, capsys, tmp_path: Path) -> None:
    from assistant.cli import main

    monkeypatch.setenv("GREENLIGHT_DB_URL", f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    monkeypatch.setattr(sys, "stdin", io.StringIO("We will clone the lead actor's voice.\n"))
    assert main(["chat"]) == 0
    intake_id = IntakeStore.from_env().list_intakes()[0].id
    monkeypatch.setattr(sys, "stdin", io.StringIO("/quit\n"))
    assert main(["chat", "--open", intake_id]) == 0
    assert "We will clone the lead actor's voice." in capsys.readouterr().out

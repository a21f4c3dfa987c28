"""Guidance questions answered by an LLM from retrieved passages, over real HTTP to a local
OpenAI-compatible server; the answer's citations are checked, and anything unusable falls
back to the passages themselves."""

from __future__ import annotations

import pytest
from llm_server import FakeOpenAI, Reply, completion, error

from assistant import IntakeSession
from assistant._extract import llm as llm_module
from assistant._grounded import check_answer

QUESTION = "What is a digital replica? Mail me at jane.doe@example.com"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, tmp_path):
    fake = FakeOpenAI().start()
    monkeypatch.setenv("OPENAI_BASE_URL", fake.url)
    monkeypatch.setenv("GREENLIGHT_LLM_RETRIES", "0")
    monkeypatch.setenv("GREENLIGHT_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("")
    llm_module.forget_modes()
    yield fake
    fake.stop()


def text_reply(content: str):
    return lambda request: Reply(body=completion(content=content))


def test_the_answer_cites_the_retrieved_passages(server: FakeOpenAI) -> None:
    # A definition question is not sent for extraction: one request, the answer.
    server.enqueue(text_reply("A digital replica is a generated output recognisable as a real performer "
                              "[g7-digital-replica]; creating one needs consent [g3-3-digital-replicas]."))
    turn = IntakeSession().send(QUESTION)
    assert turn.intent == "guidance"
    assert "A digital replica is a generated output" in turn.reply
    assert "Sources" in turn.reply and "[g7-digital-replica] G7" in turn.reply
    assert len(server.requests) == 1
    sent = server.requests[-1].json["messages"]
    assert "[g7-digital-replica]" in sent[0]["content"]          # grounded in the retrieved passages
    assert "jane.doe@example.com" not in sent[1]["content"]     # personal data redacted before sending
    assert "<question>" in sent[1]["content"]


@pytest.mark.parametrize(
    "reply",
    [
        text_reply("A digital replica is a copy of a performer."),                      # cites nothing
        text_reply("Yes, you can go ahead [g99-made-up]."),                            # invents an id
        lambda request: error(500, "boom")(request),                                    # the endpoint fails
    ],
)
def test_an_unusable_answer_falls_back_to_the_passages(server: FakeOpenAI, reply) -> None:
    server.enqueue(reply)
    turn = IntakeSession().send(QUESTION)
    assert turn.intent == "guidance"
    assert "Here is what the guidance says" in turn.reply
    assert "g99-made-up" not in turn.reply and "you can go ahead" not in turn.reply


def test_offline_sessions_never_call_the_endpoint(server: FakeOpenAI) -> None:
    turn = IntakeSession(backend="offline").send(QUESTION)
    assert "Here is what the guidance says" in turn.reply
    assert server.requests == []


def test_check_answer() -> None:
    allowed = ["g1-disclosure", "g2-outcome"]
    assert check_answer("Tell your contact [g1-disclosure].", allowed).citations == ("g1-disclosure",)
    assert check_answer("No citation here.", allowed) is None
    assert check_answer("Mixed [g1-disclosure] [g7-nope].", allowed) is None
    assert check_answer("x [g1-disclosure] " + "y" * 2000, allowed) is None

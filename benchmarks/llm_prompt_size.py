"""Prompt size and requests per turn of the LLM extractor, measured against a local server.

    .venv/bin/python benchmarks/llm_prompt_size.py

Runs the real extractor (openai client, real HTTP) against the OpenAI-compatible test server
of tests/llm_server.py on 127.0.0.1, which replays recorded answers; no key, no network.
Prints, per case: the characters of the prompt messages (system + user), the characters of
the whole request body (messages + JSON Schema + options), and the HTTP requests the turn took.
Targets (issue 5): one request per producer message, two at most on a re-ask; a lean prompt
(the relevant passages, not the whole guidance).
"""

from __future__ import annotations

import dataclasses
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from llm_server import FakeOpenAI, answer, recorded  # noqa: E402

from assistant._config import Settings  # noqa: E402
from assistant._extract import extract_with_details  # noqa: E402
from assistant._extract import llm as llm_module  # noqa: E402
from assistant._knowledge import passages  # noqa: E402

TYPICAL = (
    "For the French dub of episode 3 we want to clone the lead actor's voice with ElevenLabs, so the dubbed "
    "lines sound like him. The cloned voice will be heard in the final episode. We have not asked him for "
    "consent yet. Questions to our post supervisor: marie.dupont@prod-films.fr or +33 6 12 34 56 78."
)
SHORT = "Mood boards with Midjourney for the pitch deck, nothing in the final cut."
FRENCH = (
    "Pour le générique, on voudrait générer des affiches de fond avec Firefly (licence entreprise). "
    "Elles apparaîtront à l'écran, en arrière-plan, dans deux scènes du montage final."
)


def _settings(url: str, **overrides: object) -> Settings:
    base = Settings(backend="openai", model="bench-model", base_url=url, timeout=5.0, retries=2, backoff=0.01)
    return dataclasses.replace(base, **overrides)  # type: ignore[arg-type]


def main() -> int:
    whole_guidance = sum(len(p.text) for p in passages("en"))
    rows: list[tuple[str, str, int, int, int]] = []

    def run(label: str, text: str, server: FakeOpenAI, **overrides: object) -> None:
        before = len(server.requests)
        result = extract_with_details(text, settings=_settings(server.url, **overrides))
        sent = server.requests[before:]
        assert result.requests == len(sent), (result.requests, len(sent))
        rows.append((label, result.structured_output or f"fallback:{result.error_code}", result.prompt_chars,
                     len(sent[0].body) if sent else 0, result.requests))

    server = FakeOpenAI().start()
    try:
        extract_with_details(SHORT, backend="offline")  # warm the offline patterns
        server.default = recorded("openai-json-schema-typical")
        started = time.perf_counter()
        run("typical (EN, json_schema)", TYPICAL, server, structured_output="json_schema")
        first = time.perf_counter() - started
        run("typical (EN, tools)", TYPICAL, server, structured_output="tools")
        server.default = answer({})
        run("short (EN)", SHORT, server)
        run("French", FRENCH, server)
        server.enqueue(answer({"final_deliverable": ("probably", "nothing in the final cut")}))
        run("re-ask after invalid output", SHORT, server)
    finally:
        server.stop()

    llm_module.forget_modes()
    llama = FakeOpenAI(reject_json_schema=True, default=recorded("llamacpp-tools-typical")).start()
    try:
        run("llama.cpp, 1st turn (auto → tools)", TYPICAL, llama)
        run("llama.cpp, next turns (remembered)", TYPICAL, llama)
    finally:
        llama.stop()

    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'mode':<11} {'prompt chars':>12} {'request body':>12} {'requests':>8}")
    for label, mode, prompt, body, requests in rows:
        print(f"{label:<{width}}  {mode:<11} {prompt:>12,} {body:>12,} {requests:>8}")
    typical = rows[0]
    normal = [r[4] for r in rows if not r[0].startswith(("re-ask", "llama.cpp, 1st"))]
    print()
    print(f"typical case: {typical[2]:,} prompt characters ({len(TYPICAL)} of them the producer's text), "
          f"{typical[3]:,} characters of request body; whole English guidance: {whole_guidance:,} characters")
    print(f"requests per turn: {statistics.median(normal):g} normally, "
          f"{max(r[4] for r in rows if r[0].startswith('re-ask'))} on a re-ask, "
          f"{max(r[4] for r in rows if r[0].startswith('llama.cpp, 1st'))} on the first turn of a json_schema-less server")
    print(f"first LLM turn (incl. loading retrieval for grounding): {first:.2f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

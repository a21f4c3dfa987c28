"""A local OpenAI-compatible chat-completions server for tests: real HTTP on 127.0.0.1.

It replays scripted replies (recorded response bodies from tests/llm_recordings.json, or
answers built for the request's structured-output mode), injects faults (HTTP errors with
headers, delays longer than the client's timeout, the llama.cpp server's HTTP 500 to
`json_schema`), and logs every request it receives, body included, so tests assert on what
actually left the process.

    server = FakeOpenAI(reject_json_schema=True).start()
    server.enqueue(answer({"talent_likeness": ("yes", "clone the lead actor's voice")}))
    ... OPENAI_BASE_URL=server.url ...
    server.requests[0].json["tools"]
    server.stop()
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Optional, Union

FACT_NAMES = (
    "final_deliverable", "key_creative_element", "talent_likeness", "talent_consent", "performance_alteration",
    "union_work_impact", "personal_data", "proprietary_material", "third_party_material", "protected_output",
    "misleading_content", "tool_trains_on_inputs", "enterprise_environment",
)
RECORDINGS = Path(__file__).with_name("llm_recordings.json")

# What the llama.cpp server (builds without json_schema support) answers to response_format json_schema.
LLAMA_CPP_JSON_SCHEMA_ERROR = {
    "error": {
        "code": 500,
        "message": 'response_format type must be one of "text" or "json_object", but got: json_schema',
        "type": "server_error",
    }
}


@dataclass
class Reply:
    """One scripted HTTP reply. `body`: a dict (sent as JSON) or raw text."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


Responder = Union[Reply, Callable[[dict], Reply]]


@dataclass
class Received:
    """A request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: str

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    @property
    def mode(self) -> Optional[str]:
        data = self.json
        if "tools" in data:
            return "tools"
        return (data.get("response_format") or {}).get("type")

    @property
    def messages(self) -> list[dict]:
        return self.json["messages"]


class FakeOpenAI:
    """The server. `enqueue` replies in order; `default` answers when the queue is empty."""

    def __init__(self, *, reject_json_schema: bool = False, default: Optional[Responder] = None) -> None:
        self.reject_json_schema = reject_json_schema
        self.default = default
        self.script: deque[Responder] = deque()
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        self._httpd: Optional[ThreadingHTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    @property
    def url(self) -> str:
        assert self._httpd is not None, "start() the server first"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def enqueue(self, *responders: Responder) -> "FakeOpenAI":
        self.script.extend(responders)
        return self

    def start(self) -> "FakeOpenAI":
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                received = Received("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                with server._lock:
                    server.requests.append(received)
                reply = server._reply(received)
                if reply.delay:
                    time.sleep(reply.delay)
                payload = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
                data = payload.encode("utf-8")
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json" if not isinstance(reply.body, str) else "text/plain")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def _reply(self, received: Received) -> Reply:
        if not received.path.endswith("/chat/completions"):
            return Reply(404, {"error": {"message": f"no route {received.path}", "type": "not_found"}})
        if self.reject_json_schema and received.mode == "json_schema":
            return Reply(500, LLAMA_CPP_JSON_SCHEMA_ERROR)
        with self._lock:
            responder = self.script.popleft() if self.script else self.default
        if responder is None:
            return Reply(500, {"error": {"message": "test server: no scripted reply left", "type": "server_error"}})
        return responder(received.json) if callable(responder) else responder


# --- building replies ------------------------------------------------------------------------------

def all_facts(facts: dict[str, Any]) -> dict[str, dict[str, Optional[str]]]:
    """Every fact, as the strict schema requires: given ones as {value, quote}, others null."""
    out: dict[str, dict[str, Optional[str]]] = {}
    for name in FACT_NAMES:
        item = facts.get(name)
        if isinstance(item, tuple):
            item = {"value": item[0], "quote": item[1]}
        out[name] = item or {"value": None, "quote": None}
    return out


def completion(*, content: Optional[str] = None, arguments: Optional[str] = None, refusal: Optional[str] = None,
               finish_reason: str = "stop", model: str = "test-model") -> dict:
    """An OpenAI chat.completion body: content, or one tool call with `arguments`."""
    message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": refusal}
    if arguments is not None:
        message["tool_calls"] = [{
            "id": "call_0", "type": "function", "function": {"name": "record_facts", "arguments": arguments},
        }]
        finish_reason = "tool_calls" if finish_reason == "stop" else finish_reason
    return {
        "id": "chatcmpl-test", "object": "chat.completion", "created": 1_760_000_000, "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": None}],
        "usage": {"prompt_tokens": 1000, "completion_tokens": 200, "total_tokens": 1200},
    }


def raw_answer(text: str) -> Callable[[dict], Reply]:
    """Reply with `text` as the model's output, in the mode the request asked for."""
    def respond(request: dict) -> Reply:
        if "tools" in request:
            return Reply(200, completion(arguments=text))
        return Reply(200, completion(content=text))
    return respond


def answer(facts: dict[str, Any]) -> Callable[[dict], Reply]:
    """The model's answer with these facts (name → (value, quote)), in the request's mode."""
    return raw_answer(json.dumps(all_facts(facts)))


def error(status: int, message: str, *, headers: Optional[dict[str, str]] = None, code: Optional[str] = None,
          delay: float = 0.0) -> Reply:
    return Reply(status, {"error": {"message": message, "type": "error", "code": code}}, headers or {}, delay)


def recorded(name: str) -> Reply:
    """A response body recorded from a real server (tests/llm_recordings.json)."""
    entry = json.loads(RECORDINGS.read_text(encoding="utf-8"))[name]
    return Reply(entry.get("status", 200), entry["body"], entry.get("headers", {}))


def closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening (connection refused)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

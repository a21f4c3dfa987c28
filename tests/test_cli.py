"""The `greenlight` command as a user runs it: a real subprocess, real stdin, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from assistant import MAX_TEXT_CHARS


def greenlight(*args: str, stdin: bytes | None = None, module: bool = False) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "assistant"] if module else [sys.executable, "-c",
               "import sys; from assistant.cli import main; sys.exit(main())"]
    return subprocess.run([*command, *args], input=stdin, capture_output=True, timeout=60)


def test_assess_json_contract() -> None:
    result = greenlight("assess", "--json", "We will clone the lead actor's voice for the final cut.")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["decision"] == "approval_required"
    assert payload["declaration"]["facts"]["talent_likeness"]["value"] == "yes"
    assert payload["declaration"]["facts"]["talent_likeness"]["evidence"][0]["quote"]
    assert {r["rule"] for r in payload["reasons"]} == {"talent-likeness", "final-deliverable"}
    assert all(r["citations"] for r in payload["reasons"])
    assert payload["policy_version"].startswith("sha256:")
    assert isinstance(payload["questions"], list)


def test_assess_reads_stdin_and_asks_when_facts_are_missing() -> None:
    result = greenlight("assess", "-", "--json", stdin="Mood boards only.".encode())
    payload = json.loads(result.stdout)
    assert payload["decision"] == "needs_info"
    assert payload["questions"] and {"fact", "text"} <= payload["questions"][0].keys()


def test_assess_text_output_in_french() -> None:
    result = greenlight("assess", "On va cloner la voix de l'actrice pour le doublage.", module=True)
    assert result.returncode == 0
    out = result.stdout.decode()
    assert out.startswith("APPROBATION REQUISE")
    assert "[talent-likeness]" in out and "G3.3" in out


@pytest.mark.parametrize(
    ("args", "stdin", "needle"),
    [
        (("assess", ""), None, "input-empty"),
        (("assess", "-"), b"\xff\xfe\xfa", "input-not-utf8"),
        (("assess", "x" * (MAX_TEXT_CHARS + 1)), None, "input-too-long"),
    ],
)
def test_bad_input_gets_a_message_and_non_zero_exit(args, stdin, needle) -> None:
    result = greenlight(*args, stdin=stdin)
    assert result.returncode == 1
    assert needle in result.stderr.decode()
    assert b"Traceback" not in result.stderr


def test_jsonl_reports_bad_lines_by_number_and_goes_on(tmp_path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_bytes(
        b'{"id": "a", "text": "We will clone the lead actor\'s voice."}\n'
        b"this is not json\n"
        b'{"id": "c", "text": ""}\n'
        b'{"id": "d", "text": "\xff"}\n'
        b"\n"
        b'{"id": "e", "text": "Mood boards only."}\n'
    )
    result = greenlight("assess", "--jsonl", str(path))
    assert result.returncode == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line.get("id") for line in lines] == ["a", None, "c", None, "e"]
    assert lines[0]["decision"] == "approval_required"
    assert lines[1]["error"]["code"] == "jsonl-invalid" and lines[1]["line"] == 2
    assert lines[2]["error"]["code"] == "input-empty"
    assert lines[3]["error"]["code"] == "input-not-utf8" and lines[3]["line"] == 4
    assert lines[4]["decision"] == "needs_info"
    stderr = result.stderr.decode()
    assert "line 2" in stderr and "line 4" in stderr and "Traceback" not in stderr


def test_missing_jsonl_file() -> None:
    result = greenlight("assess", "--jsonl", "/nonexistent/cases.jsonl")
    assert result.returncode == 1 and b"no such file" in result.stderr


def test_schema_lists_every_fact() -> None:
    from assistant import FACT_NAMES

    schema = json.loads(greenlight("schema").stdout)
    facts = schema["$defs"]["Facts"]["properties"]
    assert list(facts) == list(FACT_NAMES)


def test_policy_lists_rules() -> None:
    result = greenlight("policy", "--json")
    payload = json.loads(result.stdout)
    assert "talent-likeness" in [rule["id"] for rule in payload["rules"]]
    assert greenlight("policy", "--passages").stdout.decode().count("\n") >= 38


def test_usage_error_exit_code() -> None:
    assert greenlight("assess").returncode == 2
    assert greenlight("nonsense").returncode == 2


def test_assess_does_not_import_heavy_dependencies() -> None:
    code = ("import sys; from assistant.cli import main; main(['assess', '--json', 'voice clone']); "
            "heavy = [m for m in ('chromadb', 'langchain_core', 'openai', 'streamlit', 'onnxruntime') if m in sys.modules]; "
            "sys.stderr.write(repr(heavy))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert result.stderr.decode().strip().endswith("[]"), result.stderr

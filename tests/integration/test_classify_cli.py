"""`piper classify` through the real entry point: JSON shape, standard input, --jsonl and usage errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time

import pytest

from tests.cli_runner import Runner, run_piper  # noqa: F401 - fixture

EXPECTED_KEYS = {"category", "action", "confidence", "entities", "classifier"}


def test_classify_json_envelope(run_piper: Runner) -> None:
    result = run_piper("classify", "hi! file a bug in acme/web about the export", "--json")

    assert result.exit_code == 0, result.stderr
    document = result.json()
    assert document["status"] == "success"
    assert set(document["data"]) == EXPECTED_KEYS
    assert document["data"]["category"] == "EXECUTION"
    assert document["data"]["action"] == "create_issue"
    assert document["data"]["classifier"] == "embedding"
    assert document["data"]["entities"]["repository"] == "acme/web"


def test_classify_rules_json(run_piper: Runner) -> None:
    data = run_piper("classify", "close #42", "--json").json()["data"]

    assert data["classifier"] == "rules"
    assert data["entities"] == {"issue_number": 42}


def test_classify_human_line(run_piper: Runner) -> None:
    result = run_piper("classify", "close #42")

    assert result.exit_code == 0
    assert result.stdout.strip() == "EXECUTION/close_issue 0.99 (rules) issue_number=42"


def test_classify_stdin_dash(run_piper: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("what's on my todo list\n"))

    result = run_piper("classify", "-", "--json")

    assert result.exit_code == 0, result.stderr
    assert result.json()["data"]["action"] == "list_todos"


def test_classify_jsonl_in_order(run_piper: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("hello\n\nclose #7\nsummarize the churn interviews\n"))

    result = run_piper("classify", "--jsonl")

    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    # The blank second line keeps its place as "unknown", so output line N matches input line N.
    assert [row["action"] for row in rows] == ["greeting", "unknown", "close_issue", "summarize_document"]
    assert all(set(row) == EXPECTED_KEYS for row in rows)


@pytest.mark.parametrize("text", ["", "   "])
def test_classify_empty_usage_error(run_piper: Runner, text: str) -> None:
    result = run_piper("classify", text, "--json")

    assert result.exit_code == 2
    assert result.json()["status"] == "error"
    assert "empty" in result.json()["error"]


def test_classify_missing_text(run_piper: Runner) -> None:
    result = run_piper("classify")

    assert result.exit_code == 2
    assert "Missing TEXT" in result.error_text


def test_classify_jsonl_rejects_text(run_piper: Runner) -> None:
    result = run_piper("classify", "hello", "--jsonl")

    assert result.exit_code == 2


def test_help_skips_heavy_imports() -> None:
    code = "import sys, piper.cli.app; print(sorted(m for m in ('numpy', 'onnxruntime', 'tokenizers') if m in sys.modules))"

    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert completed.stdout.strip() == "[]"
    assert time.perf_counter() - started < 2.0


def test_classify_jsonl_blank_line_kept(run_piper: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("hello\n\n   \nthanks\n"))

    result = run_piper("classify", "--jsonl")

    actions = [json.loads(line)["action"] for line in result.stdout.splitlines()]
    assert result.exit_code == 0
    assert actions == ["greeting", "unknown", "unknown", "thanks"]

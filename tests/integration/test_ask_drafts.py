"""Tests for drafts in piper ask against a loopback double of the OpenAI API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.cli_runner import Runner, run_piper  # noqa: F401 - fixture
from tests.doubles.llm_fixtures import llm_environment  # noqa: F401 - fixture
from tests.doubles.llm_server import LLMServer, drop, ok


@pytest.fixture
def server(isolated_environment) -> Iterator[LLMServer]:
    with LLMServer() as running:
        config_file = isolated_environment / "config" / "PIPER.user.md"
        config_file.parent.mkdir(parents=True)
        config_file.write_text(
            "```yaml\nllm:\n  drafting:\n    provider: openai_compatible\n    model: double-model\n"
            f"    base_url: {running.openai_base_url}\n  timeout_seconds: 2\n  max_retries: 0\n```\n"
        )
        yield running


def test_draft_uses_model(run_piper: Runner, server: LLMServer) -> None:
    run_piper("todo", "add", "ship the beta")
    server.queue(ok("Update: the beta ships this week."))

    reply = run_piper("ask", "--json", "draft a status update for the team").json()["data"]

    assert reply["intent"]["action"] == "draft_update"
    assert reply["message"].startswith("Update: the beta ships this week.")
    assert reply["result"]["draft"] == "Update: the beta ships this week."
    assert "ship the beta" in str(server.requests[0].body)


def test_draft_dead_server_honest(run_piper: Runner, server: LLMServer) -> None:
    server.queue(drop())

    result = run_piper("ask", "--json", "draft a status update for the team")
    reply = result.json()["data"]

    assert result.exit_code == 0
    assert reply["result"]["draft"] is None
    assert reply["message"].startswith("The drafting model failed")

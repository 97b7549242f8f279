"""GitHub in the conversation: `piper ask` reads and writes through the query services and task handlers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from piper.queries.github import SERVICES
from piper.queries.model import QueryContext

from tests.cli_runner import Runner, run_piper  # noqa: F401 - fixture
from tests.doubles.github_server import GitHubServer
from tests.doubles.llm_fixtures import llm_environment  # noqa: F401 - fixture
from tests.doubles.llm_server import LLMServer, drop, ok
from tests.integrations.github.conftest import REPOSITORY


def ask(run_piper: Runner, *arguments: str) -> dict[str, Any]:
    result = run_piper("ask", "--json", *arguments)
    assert result.exit_code == 0, result.stderr
    return result.json()["data"]


def test_create_issue_with_yes(run_piper: Runner, github_env: GitHubServer) -> None:
    reply = ask(run_piper, "--yes", f"create an issue in {REPOSITORY} titled Export fails on Safari")

    assert reply["result"]["performed"] is True
    created = github_env.issues_titled(REPOSITORY, "Export fails on Safari")
    assert len(created) == 1
    assert f"#{created[0]['number']}" in reply["message"]


def test_create_issue_needs_yes(run_piper: Runner, github_env: GitHubServer) -> None:
    reply = ask(run_piper, f"create an issue in {REPOSITORY} titled Not yet")

    assert reply["result"]["performed"] is False
    assert not github_env.requests_to("POST", "/issues$")


def test_no_token_replies_with_fix(run_piper: Runner, github_env: GitHubServer, no_token: None) -> None:
    reply = ask(run_piper, "--yes", f"create an issue in {REPOSITORY} titled Needs a token")

    assert reply["result"]["performed"] is False
    assert "piper auth login github" in reply["message"]
    assert not github_env.requests


def test_close_issue(run_piper: Runner, github_env: GitHubServer) -> None:
    reply = ask(run_piper, "--yes", f"close issue #6 in {REPOSITORY}")

    assert reply["result"]["performed"] is True
    assert github_env.repositories[REPOSITORY].issues[5]["state"] == "closed"


def test_list_issues_query(run_piper: Runner, github_env: GitHubServer) -> None:
    reply = ask(run_piper, f"list the open issues in {REPOSITORY}")

    assert reply["intent"]["action"] == "list_issues"
    assert reply["result"]["more"] is False
    assert len(reply["result"]["items"]) == 13
    assert "Test issue 13" in reply["message"]
    assert reply["workflow_id"] is None


def test_show_issue_query(run_piper: Runner, github_env: GitHubServer) -> None:
    reply = ask(run_piper, f"show me issue #4 in {REPOSITORY}")

    assert reply["intent"]["action"] == "get_issue"
    assert reply["result"]["issue"]["title"] == "Test issue 4"


def test_query_without_token(run_piper: Runner, github_env: GitHubServer, no_token: None) -> None:
    reply = ask(run_piper, f"list the open issues in {REPOSITORY}")

    assert reply["result"] == {"source": "github", "status": "not_configured"}
    assert "piper auth login github" in reply["message"]


def test_analyze_finds_duplicate(run_piper: Runner, github_env: GitHubServer) -> None:
    github_env.add_issue(REPOSITORY, "App crashes when exporting a report", body="The app crashes with an exception after clicking export.")
    github_env.add_issue(REPOSITORY, "App crashes when exporting reports")
    reply = ask(run_piper, f"analyze issue #14 in {REPOSITORY}")
    analysis = reply["result"]["analysis"]

    assert reply["intent"]["action"] == "analyze_issue"
    assert analysis["severity"] == "high"
    assert "bug" in analysis["labels"]
    assert [duplicate["number"] for duplicate in analysis["duplicates"]] == [15]
    assert analysis["method"] == "keywords"
    assert "Possible duplicates" in reply["message"]


def test_analyze_with_drafting_model(run_piper: Runner, github_env: GitHubServer, isolated_environment: Path) -> None:
    with LLMServer() as model:
        config = isolated_environment / "config" / "PIPER.user.md"
        config.write_text(config.read_text() + "\n```yaml\nllm:\n  drafting:\n    provider: openai_compatible\n    model: double-model\n"
                          f"    base_url: {model.openai_base_url}\n  timeout_seconds: 2\n  max_retries: 0\n```\n")
        model.queue(ok('{"summary": "Exports crash on Safari.", "severity": "critical", "labels": ["bug", "safari"]}'))
        reply = ask(run_piper, f"analyze issue #3 in {REPOSITORY}")

    analysis = reply["result"]["analysis"]
    assert analysis["summary"] == "Exports crash on Safari."
    assert analysis["severity"] == "critical"
    assert analysis["labels"] == ["bug", "safari"]
    assert analysis["method"] != "keywords"
    assert "Test issue 3" in str(model.requests[0].body)


def test_analyze_model_down_uses_keywords(run_piper: Runner, github_env: GitHubServer, isolated_environment: Path) -> None:
    with LLMServer() as model:
        config = isolated_environment / "config" / "PIPER.user.md"
        config.write_text(config.read_text() + "\n```yaml\nllm:\n  drafting:\n    provider: openai_compatible\n    model: double-model\n"
                          f"    base_url: {model.openai_base_url}\n  timeout_seconds: 2\n  max_retries: 0\n```\n")
        model.queue(drop())
        reply = ask(run_piper, f"analyze issue #3 in {REPOSITORY}")

    assert reply["result"]["analysis"]["method"] == "keywords"
    assert "guessed from keywords" in reply["message"]


def test_list_pull_requests_query(run_piper: Runner, github_env: GitHubServer) -> None:
    github_env.add_issue(REPOSITORY, "Speed up the export", pull_request=True)
    reply = ask(run_piper, f"show the open pull requests in {REPOSITORY}")

    assert reply["intent"]["action"] == "list_pull_requests"
    assert [item["title"] for item in reply["result"]["items"]] == ["Speed up the export"]
    assert reply["message"].startswith(f"1 open pull request in {REPOSITORY}:")


def test_list_issues_counts_all_pages(run_piper: Runner, github_env: GitHubServer) -> None:
    for number in range(14, 26):
        github_env.add_issue(REPOSITORY, f"Added issue {number}")
    reply = ask(run_piper, f"list the open issues in {REPOSITORY}")
    lines = reply["message"].splitlines()

    assert lines[0] == f"25 open issues in {REPOSITORY}, the 20 newest:"
    assert len(lines) == 21
    assert "Added issue 25" in lines[1]
    assert reply["result"]["count"] == 25
    assert len(reply["result"]["items"]) == 25
    assert reply["result"]["more"] is False


def test_show_pull_request_marked(run_piper: Runner, github_env: GitHubServer) -> None:
    pull = github_env.add_issue(REPOSITORY, "Speed up the export", pull_request=True)
    reply = ask(run_piper, f"show me issue #{pull['number']} in {REPOSITORY}")

    assert reply["message"].startswith(f"**Speed up the export** ({REPOSITORY}#{pull['number']}, pull request, open)")


def query_context() -> QueryContext:
    from piper.config import load_settings

    # The GitHub services read no database, so none is opened.
    return QueryContext(database=None, settings=load_settings(), now=dt.datetime.now(dt.timezone.utc))  # type: ignore[arg-type]


async def test_get_issue_needs_number(github_env: GitHubServer) -> None:
    answer = await SERVICES["get_issue"](query_context(), {"repository": REPOSITORY})

    assert answer.result == {"source": "github", "status": "needs_issue_number"}
    assert not github_env.requests


async def test_get_issue_not_found_reply(github_env: GitHubServer) -> None:
    answer = await SERVICES["get_issue"](query_context(), {"repository": REPOSITORY, "issue_number": 404})

    assert answer.result["status"] == "error"
    assert "not found (or the token cannot see it)" in answer.message


async def test_list_issues_server_down_reply(github_env: GitHubServer) -> None:
    github_env.fail("GET", "/issues$", 503, body={"message": "Service Unavailable"}, times=10)
    answer = await SERVICES["list_issues"](query_context(), {"repository": REPOSITORY})

    assert answer.result["status"] == "error"
    assert "503" in answer.message

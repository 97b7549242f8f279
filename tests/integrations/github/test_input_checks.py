"""Checks that stop a GitHub change before it reaches the wrong object (a pull request, another endpoint), and errors that name the fix."""

from __future__ import annotations

import pytest

from piper.errors import UsageError
from piper.integrations.github import GitHubRateLimitError, list_issues, list_reviews, set_state
from piper.workflows.factory import WorkflowFactory
from piper.workflows.validation import ClarificationNeeded
from tests.cli_runner import Runner, run_piper  # noqa: F401 - fixture
from tests.doubles.github_server import GitHubServer
from tests.integrations.github.conftest import REPOSITORY, client_for


def test_close_pull_request_rejected(run_piper: Runner, github_env: GitHubServer) -> None:
    pull = github_env.add_issue(REPOSITORY, "Add dark mode", pull_request=True)

    result = run_piper("issue", "close", str(pull["number"]), "--json")

    assert result.exit_code == 2
    assert result.json()["error"] == f"{REPOSITORY}#{pull['number']} is a pull request, not an issue, so Piper leaves it unchanged."
    assert pull["state"] == "open"
    assert not github_env.requests_to("PATCH", "/issues/")


def test_close_pull_request_adds_no_comment(run_piper: Runner, github_env: GitHubServer) -> None:
    pull = github_env.add_issue(REPOSITORY, "Add dark mode", pull_request=True)

    result = run_piper("issue", "close", str(pull["number"]), "--comment", "Done")

    assert result.exit_code == 2
    assert not github_env.requests_to("POST", "/comments$")


@pytest.mark.parametrize("command", [["reopen"], ["edit", "--title", "Renamed"]])
def test_change_pull_request_rejected(run_piper: Runner, github_env: GitHubServer, command: list[str]) -> None:
    pull = github_env.add_issue(REPOSITORY, "Add dark mode", pull_request=True, state="closed")

    result = run_piper("issue", command[0], str(pull["number"]), *command[1:])

    assert result.exit_code == 2
    assert "is a pull request, not an issue" in result.stderr
    assert pull["title"] == "Add dark mode"
    assert pull["state"] == "closed"


def test_show_marks_pull_request(run_piper: Runner, github_env: GitHubServer) -> None:
    pull = github_env.add_issue(REPOSITORY, "Add dark mode", pull_request=True)

    result = run_piper("issue", "show", str(pull["number"]))

    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("open · pull request · ")


def test_chat_close_pull_request_fails(run_piper: Runner, github_env: GitHubServer) -> None:
    pull = github_env.add_issue(REPOSITORY, "Add dark mode", pull_request=True)

    result = run_piper("ask", "--json", "--yes", f"close issue #{pull['number']} in {REPOSITORY}")

    assert result.exit_code == 0, result.stderr
    reply = result.json()["data"]
    assert reply["result"]["performed"] is False
    assert "is a pull request, not an issue" in reply["message"]
    assert pull["state"] == "open"


@pytest.mark.parametrize("repository", ["acme/..", "acme/."])
def test_dot_repository_cli_rejected(run_piper: Runner, github_env: GitHubServer, repository: str) -> None:
    result = run_piper("issue", "close", "5", "--repo", repository, "--json")

    assert result.exit_code == 2
    assert "is not OWNER/NAME" in result.json()["error"]
    assert not github_env.requests


@pytest.mark.parametrize("repository", ["acme/..", "acme/.", "acme", "acme/web/extra"])
def test_dot_repository_client_rejected(github_server: GitHubServer, repository: str) -> None:
    with client_for(github_server) as client:
        with pytest.raises(UsageError, match="Invalid repository"):
            list_issues(client, repository)
        with pytest.raises(UsageError, match="Invalid repository"):
            set_state(client, repository, 5, "closed")
        with pytest.raises(UsageError, match="Invalid repository"):
            list_reviews(client, repository, 5)

    assert not github_server.requests


@pytest.mark.parametrize("repository", ["acme/..", "acme/."])
async def test_dot_repository_chat_asks(repository: str) -> None:
    pending = await WorkflowFactory().create("close_issue", {"repository": repository, "issue_number": 5})

    assert isinstance(pending, ClarificationNeeded)
    assert pending.missing_fields == ("repository",)


def test_dot_name_prefix_allowed(github_server: GitHubServer) -> None:
    github_server.add_issue("acme/.github", "Update the profile")

    with client_for(github_server) as client:
        found = list_issues(client, "acme/.github")

    assert [issue.title for issue in found.issues] == ["Update the profile"]


def test_secondary_limit_named(github_server: GitHubServer) -> None:
    github_server.fail(
        "GET", "/issues$", 403,
        body={"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."},
        headers={"Retry-After": "600"},
    )
    with client_for(github_server) as client, pytest.raises(GitHubRateLimitError) as caught:
        list_issues(client, REPOSITORY)

    assert caught.value.message.startswith("GitHub's secondary rate limit was reached")
    assert "(in 10 minutes)" in caught.value.message
    assert "request_interval_seconds" in (caught.value.hint or "")
    assert caught.value.reset_at is not None
    assert caught.value.reset_at.microsecond == 0


def test_web_page_names_api_url(run_piper: Runner, github_env: GitHubServer) -> None:
    page = b"<!DOCTYPE html><html><head><title>Page not found</title></head></html>"
    github_env.fail("GET", "/issues$", 404, headers={"Content-Type": "text/html; charset=utf-8"}, raw_body=page)

    result = run_piper("issue", "list", "--json")

    assert result.exit_code == 1
    error = result.json()
    assert error["error"].endswith("returned a web page instead of JSON for octokit-fixture-org/paginate-issues (HTTP 404), so it is not a GitHub REST API URL.")
    assert "/api/v3" in error["details"]["hint"]



@pytest.mark.parametrize(
    "message",
    ["Unable to create comment because issue is locked.", "Repository was archived so is read-only."],
)
def test_locked_issue_not_credentials(run_piper: Runner, github_env: GitHubServer, message: str) -> None:
    github_env.fail("POST", "/issues/5/comments$", 403, body={"message": message, "documentation_url": "https://docs.github.com/rest", "status": "403"})

    result = run_piper("issue", "comment", "5", "--body", "Any news?", "--json")

    assert result.exit_code == 1
    assert result.json()["error"] == f"GitHub rejected the change to {REPOSITORY}#5: {message}"


def test_used_up_limit_with_retry_after(github_server: GitHubServer) -> None:
    github_server.fail(
        "GET", "/issues$", 403,
        body={"message": "API rate limit exceeded for user ID 1."},
        headers={"X-RateLimit-Remaining": "0", "Retry-After": "600"},
    )
    with client_for(github_server) as client, pytest.raises(GitHubRateLimitError) as caught:
        list_issues(client, REPOSITORY)

    assert caught.value.message.startswith("GitHub's rate limit is used up; it resets at ")
    assert "(in 10 minutes)" in caught.value.message

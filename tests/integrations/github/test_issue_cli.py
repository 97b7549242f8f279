"""`piper issue ...` end to end through the real entry point, PyGithub and the GitHub double."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest

from tests.cli_runner import Runner, run_piper  # noqa: F401 - fixture
from tests.doubles.github_server import GitHubServer
from tests.integrations.github.conftest import REPOSITORY


def test_create_prints_contract_json(run_piper: Runner, github_env: GitHubServer) -> None:
    result = run_piper("issue", "create", "--title", "Export broken", "--body", "Steps", "--label", "bug", "--label", "ui",
                       "--assignee", "ada", "--json")

    assert result.exit_code == 0, result.stderr
    assert result.json() == {
        "status": "success",
        "data": {"number": 14, "url": f"{github_env.origin}/{REPOSITORY}/issues/14", "repository": REPOSITORY, "title": "Export broken"},
    }
    created = github_env.issues_titled(REPOSITORY, "Export broken")[0]
    assert [label["name"] for label in created["labels"]] == ["bug", "ui"]
    assert [user["login"] for user in created["assignees"]] == ["ada"]


def test_create_body_from_file(run_piper: Runner, github_env: GitHubServer, tmp_path: Path) -> None:
    body = tmp_path / "body.md"
    body.write_text("Line one\n\nLine two\n", encoding="utf-8")
    result = run_piper("issue", "create", "--repo", REPOSITORY, "--title", "From file", "--body-file", str(body))

    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"Created issue #14 in {REPOSITORY}: From file")
    assert github_env.issues_titled(REPOSITORY, "From file")[0]["body"] == "Line one\n\nLine two\n"


def test_create_body_from_stdin(run_piper: Runner, github_env: GitHubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("piped body"))
    result = run_piper("issue", "create", "--title", "Piped", "--body-file", "-", "--json")

    assert result.exit_code == 0, result.stderr
    assert github_env.issues_titled(REPOSITORY, "Piped")[0]["body"] == "piped body"


def test_create_body_twice_is_usage_error(run_piper: Runner, github_env: GitHubServer) -> None:
    result = run_piper("issue", "create", "--title", "x", "--body", "a", "--body-file", "-", "--json")

    assert result.exit_code == 2
    assert "cannot be used together" in result.json()["error"]
    assert not github_env.requests


def test_list_all_pages(run_piper: Runner, github_env: GitHubServer) -> None:
    result = run_piper("issue", "list", "--state", "all", "--json")
    data = result.json()["data"]

    assert result.exit_code == 0
    assert [issue["number"] for issue in data["issues"]] == list(range(13, 0, -1))
    assert data["count"] == "13"
    assert data["more"] is False


def test_list_limit_says_more(run_piper: Runner, github_env: GitHubServer) -> None:
    capped = run_piper("issue", "list", "--limit", "5", "--json").json()["data"]
    exact = run_piper("issue", "list", "--limit", "13", "--json").json()["data"]
    text = run_piper("issue", "list", "--limit", "2")

    assert capped["count"] == "5+"
    assert len(capped["issues"]) == 5
    assert exact["count"] == "13"
    assert text.stdout.splitlines() == ["#13  open    Test issue 13", "#12  open    Test issue 12"]
    assert "2+ issues" in text.stderr


def test_list_filters_label_assignee(run_piper: Runner, github_env: GitHubServer) -> None:
    github_env.add_issue(REPOSITORY, "Labelled", labels=["bug", "ui"], assignees=["ada"])
    github_env.add_issue(REPOSITORY, "Other", labels=["bug"], assignees=["grace"])
    data = run_piper("issue", "list", "--label", "bug", "--label", "ui", "--assignee", "ada", "--json").json()["data"]

    assert [issue["title"] for issue in data["issues"]] == ["Labelled"]
    sent = github_env.requests_to("GET", f"/repos/{REPOSITORY}/issues$")[-1].query
    assert sent["labels"] == ["bug,ui"]
    assert sent["assignee"] == ["ada"]


def test_list_invalid_state(run_piper: Runner, github_env: GitHubServer) -> None:
    result = run_piper("issue", "list", "--state", "merged")

    assert result.exit_code == 2
    assert "--state" in result.error_text


def test_show_issue_and_comments(run_piper: Runner, github_env: GitHubServer) -> None:
    run_piper("issue", "comment", "3", "--body", "First!")
    result = run_piper("issue", "show", "3", "--comments", "--json")
    data = result.json()["data"]

    assert data["number"] == 3
    assert data["title"] == "Test issue 3"
    assert [comment["body"] for comment in data["comment_list"]] == ["First!"]


def test_show_missing_issue(run_piper: Runner, github_env: GitHubServer) -> None:
    result = run_piper("issue", "show", "999", "--json")

    assert result.exit_code == 1
    assert result.json()["error"] == f"{REPOSITORY}#999: repository or issue not found (or the token cannot see it)."


def test_close_reopen_edit(run_piper: Runner, github_env: GitHubServer) -> None:
    closed = run_piper("issue", "close", "5", "--reason", "not_planned", "--json").json()["data"]
    reopened = run_piper("issue", "reopen", "5", "--json").json()["data"]
    edited = run_piper("issue", "edit", "5", "--title", "Renamed", "--label", "triage", "--json").json()["data"]

    assert closed["state"] == "closed"
    assert reopened["state"] == "open"
    assert edited["title"] == "Renamed"
    assert edited["labels"] == ["triage"]


def test_comment_prints_url(run_piper: Runner, github_env: GitHubServer) -> None:
    result = run_piper("issue", "comment", "2", "--body", "On it")

    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"Commented on {REPOSITORY}#2.")
    assert "#issuecomment-" in result.stdout


def test_no_token_exit_4(run_piper: Runner, github_env: GitHubServer, no_token: None) -> None:
    result = run_piper("issue", "list", "--json")

    assert result.exit_code == 4
    assert "piper auth login github" in json.dumps(result.json())
    assert not github_env.requests


def test_rejected_token_exit_4(run_piper: Runner, github_env: GitHubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_not_the_right_one_999")
    result = run_piper("issue", "list")

    assert result.exit_code == 4
    assert "GitHub rejected the token (401 Bad credentials)." in result.error_text
    assert "piper auth login github" in result.error_text
    assert "ghp_not_the_right_one_999" not in result.stdout + result.stderr


def test_validation_error_message(run_piper: Runner, github_env: GitHubServer) -> None:
    result = run_piper("issue", "create", "--title", "x", "--assignee", "ghost-1", "--json")

    assert result.exit_code == 1
    assert "Issue.assignees is invalid: ghost-1" in result.json()["error"]


def test_rate_limit_reports_reset(run_piper: Runner, github_env: GitHubServer) -> None:
    import time

    github_env.fail("GET", "/issues$", 403, body={"message": "API rate limit exceeded for user ID 1."},
                    headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(time.time()) + 600)})
    result = run_piper("issue", "list", "--json")

    assert result.exit_code == 1
    assert "rate limit is used up" in result.json()["error"]
    assert result.json()["details"]["reset_at"]


def test_no_repository_is_usage_error(run_piper: Runner, github_env: GitHubServer, isolated_environment: Path) -> None:
    (isolated_environment / "config" / "PIPER.user.md").write_text("")
    result = run_piper("issue", "list")

    assert result.exit_code == 2
    assert "--repo OWNER/NAME" in result.error_text


def test_enterprise_prefix_and_token_hidden(run_piper: Runner, github_env: GitHubServer, caplog: pytest.LogCaptureFixture) -> None:
    import github  # noqa: F401 - importing PyGithub sets its logger's level, so import it before changing that

    caplog.set_level(logging.DEBUG, logger="github")
    result = run_piper("--debug", "issue", "list", "--state", "all", "--json")

    assert result.exit_code == 0
    assert "Authorization" in caplog.text
    assert all(request.path.startswith("/api/v3/") for request in github_env.requests)
    assert all(request.headers["Authorization"] == f"token {github_env.token}" for request in github_env.requests)
    assert github_env.token not in result.stdout + result.stderr + caplog.text


def test_close_with_comment(run_piper: Runner, github_env: GitHubServer) -> None:
    result = run_piper("issue", "close", "8", "--comment", "Fixed in the release")

    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Closed issue #8 in {REPOSITORY}: Test issue 8\n"
    assert [c["body"] for c in github_env.repositories[REPOSITORY].comments[8]] == ["Fixed in the release"]
    methods = [request.method for request in github_env.requests if "/issues/8" in request.path]
    # Each GET checks that #8 is an issue, not a pull request, before the change.
    assert methods == ["GET", "POST", "GET", "PATCH"]


def test_edit_without_changes(run_piper: Runner, github_env: GitHubServer) -> None:
    result = run_piper("issue", "edit", "8", "--json")

    assert result.exit_code == 2
    assert result.json()["error"] == "Nothing to change."
    assert not github_env.requests


@pytest.mark.parametrize(
    ("assignees", "expected"),
    [(["none"], 13), (["*"], 1), (["OctoCat"], 1), (["none", "octocat"], 14), (["nobody"], 0)],
)
def test_list_assignee_filter(run_piper: Runner, github_env: GitHubServer, assignees: list[str], expected: int) -> None:
    github_env.add_issue(REPOSITORY, "Assigned to octocat", assignees=["octocat"])
    options = [argument for login in assignees for argument in ("--assignee", login)]

    result = run_piper("issue", "list", *options, "--json")

    assert result.exit_code == 0, result.stderr
    assert result.json()["data"]["count"] == str(expected)


def test_create_warns_dropped_labels(run_piper: Runner, github_env: GitHubServer) -> None:
    github_env.push_access = False

    result = run_piper("issue", "create", "--title", "Triage me", "--label", "bug", "--assignee", "octocat", "--json")

    assert result.exit_code == 0, result.stderr
    assert result.json()["data"]["title"] == "Triage me"
    assert "did not set the labels bug" in result.error_text
    assert "did not set the assignees octocat" in result.error_text


def test_create_keeps_set_labels_quiet(run_piper: Runner, github_env: GitHubServer) -> None:
    result = run_piper("issue", "create", "--title", "Triage me", "--label", "Bug", "--assignee", "octocat", "--json")

    assert result.exit_code == 0, result.stderr
    assert "Warning" not in result.stderr


@pytest.mark.parametrize("command", ["show", "close", "reopen", "comment", "edit"])
def test_number_below_one_is_usage_error(run_piper: Runner, github_env: GitHubServer, command: str) -> None:
    result = run_piper("issue", command, "--json", "--", "0")

    assert result.exit_code == 2
    assert "greater than or equal to 1" in result.json()["error"]
    assert not github_env.requests

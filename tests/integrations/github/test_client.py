"""The GitHub client through PyGithub against the double: pagination, errors, retries, rate limits, timeouts."""

from __future__ import annotations

import logging
import time

import pytest

from piper.errors import CredentialsError, NotFoundError, PiperError
from piper.integrations.github import (
    ClientOptions,
    GitHubClient,
    GitHubRateLimitError,
    GitHubResponseError,
    GitHubUnavailableError,
    add_comment,
    create_issue,
    get_issue,
    list_issues,
    set_state,
)
from tests.doubles.github_server import GitHubServer
from tests.integrations.github.conftest import REPOSITORY, client_for


def test_list_follows_repositories_links(github_server: GitHubServer) -> None:
    with client_for(github_server) as client:
        found = list_issues(client, REPOSITORY, state="all")

    assert [issue.number for issue in found.issues] == list(range(13, 0, -1))
    assert found.more is False
    pages = [request.path for request in github_server.requests_to("GET", "issues$")]
    assert pages[0] == f"/api/v3/repos/{REPOSITORY}/issues"
    assert pages[1:] == ["/api/v3/repositories/1000/issues"] * 4


def test_list_keeps_recorded_fields(github_server: GitHubServer) -> None:
    with client_for(github_server) as client:
        first = list_issues(client, REPOSITORY, limit=1).issues[0]

    assert first.title == "Test issue 13"
    assert first.author == "octokit-fixture-user-a"
    assert first.comments == 42
    assert first.url == f"{github_server.origin}/{REPOSITORY}/issues/13"


def test_list_limit_reports_more(github_server: GitHubServer) -> None:
    with client_for(github_server) as client:
        capped = list_issues(client, REPOSITORY, limit=4)
        exact = list_issues(client, REPOSITORY, limit=13)

    assert len(capped.issues) == 4
    assert capped.more is True
    assert len(exact.issues) == 13
    assert exact.more is False


def test_list_leaves_out_pull_requests(github_server: GitHubServer) -> None:
    github_server.add_issue(REPOSITORY, "A pull request", pull_request=True)
    with client_for(github_server) as client:
        found = list_issues(client, REPOSITORY)

    assert "A pull request" not in [issue.title for issue in found.issues]
    assert len(found.issues) == 13


def test_create_sends_fields(github_server: GitHubServer) -> None:
    with client_for(github_server) as client:
        issue = create_issue(client, REPOSITORY, title="Export broken", body="Steps", labels=["bug", "ui"], assignees=["ada"])

    assert issue.number == 14
    assert issue.labels == ["bug", "ui"]
    assert issue.assignees == ["ada"]
    sent = github_server.requests_to("POST", "issues$")[0].body
    assert sent == {"title": "Export broken", "body": "Steps", "labels": ["bug", "ui"], "assignees": ["ada"]}


def test_rejected_token_is_credentials_error(github_server: GitHubServer) -> None:
    bad = GitHubClient(ClientOptions(api_url=github_server.api_url, token="ghp_wrong0000", request_interval=0, write_interval=0))
    with bad, pytest.raises(CredentialsError) as caught:
        list_issues(bad, REPOSITORY)

    assert caught.value.exit_code == 4
    assert caught.value.message == "GitHub rejected the token (401 Bad credentials)."
    assert "piper auth login github" in (caught.value.hint or "")


def test_forbidden_is_credentials_error(github_server: GitHubServer) -> None:
    github_server.fail("GET", "/issues$", 403, body={"message": "Resource not accessible by personal access token"})
    with client_for(github_server) as client, pytest.raises(CredentialsError) as caught:
        list_issues(client, REPOSITORY)

    assert "Resource not accessible" in caught.value.message


def test_unknown_repository_is_not_found(github_server: GitHubServer) -> None:
    with client_for(github_server) as client, pytest.raises(NotFoundError) as caught:
        list_issues(client, "acme/missing")

    assert caught.value.message == "acme/missing: repository or issue not found (or the token cannot see it)."


def test_unknown_issue_is_not_found(github_server: GitHubServer) -> None:
    with client_for(github_server) as client, pytest.raises(NotFoundError) as caught:
        get_issue(client, REPOSITORY, 999)

    assert caught.value.message.startswith(f"{REPOSITORY}#999: repository or issue not found")


def test_validation_error_lists_errors(github_server: GitHubServer) -> None:
    with client_for(github_server) as client, pytest.raises(PiperError) as caught:
        create_issue(client, REPOSITORY, title="Assign a ghost", assignees=["ghost-user"])

    assert "Validation Failed" in caught.value.message
    assert "Issue.assignees is invalid" in caught.value.message
    assert caught.value.exit_code == 1


def test_recorded_422_body_is_described() -> None:
    from piper.integrations.github._errors import validation_failed
    from tests.doubles.github_server import load_exchanges

    recorded = load_exchanges("errors")[0]
    error = validation_failed("octokit-fixture-org/errors", recorded["body"])

    assert recorded["status"] == 422
    assert error.message == "GitHub rejected the request for octokit-fixture-org/errors: Validation Failed (Label.color is invalid)."


def test_server_error_retried_then_succeeds(github_server: GitHubServer) -> None:
    github_server.fail("GET", "/issues$", 502, body={"message": "Server Error"}, times=2)
    with client_for(github_server) as client:
        found = list_issues(client, REPOSITORY)

    assert len(found.issues) == 13
    assert len(github_server.requests_to("GET", f"/repos/{REPOSITORY}/issues$")) == 3


def test_server_error_after_retries_fails(github_server: GitHubServer) -> None:
    github_server.fail("GET", "/issues$", 503, body={"message": "Service Unavailable"}, times=10)
    with client_for(github_server) as client, pytest.raises(GitHubUnavailableError) as caught:
        list_issues(client, REPOSITORY)

    assert "503" in caught.value.message
    assert len(github_server.requests_to("GET", f"/repos/{REPOSITORY}/issues$")) == 3


def test_read_timeout_retried(github_server: GitHubServer) -> None:
    github_server.fail("GET", "/issues/3$", 200, body={}, delay=1.5)
    with client_for(github_server) as client:
        issue = get_issue(client, REPOSITORY, 3)

    assert issue.number == 3
    assert len(github_server.requests_to("GET", "/issues/3$")) == 2


def test_timeout_after_retries_fails(github_server: GitHubServer) -> None:
    github_server.fail("GET", "/issues/3$", 200, body={}, delay=1.5, times=5)
    with client_for(github_server, max_retries=1) as client, pytest.raises(GitHubUnavailableError) as caught:
        get_issue(client, REPOSITORY, 3)

    assert "did not respond" in caught.value.message
    assert "within 1 s" in caught.value.message


def test_lost_create_response_one_issue(github_server: GitHubServer) -> None:
    """GitHub created the issue but the response timed out: Piper finds it instead of posting twice."""
    github_server.fail("POST", "/issues$", 201, body={}, delay=1.5, apply_first=True)
    with client_for(github_server) as client:
        issue = create_issue(client, REPOSITORY, title="Only once", body="Body")

    assert len(github_server.issues_titled(REPOSITORY, "Only once")) == 1
    assert issue.number == github_server.issues_titled(REPOSITORY, "Only once")[0]["number"]
    assert len(github_server.requests_to("POST", "/issues$")) == 1


def test_create_after_5xx_posts_again(github_server: GitHubServer) -> None:
    """A 502 before anything was created: the lookup finds nothing, so the second POST creates the issue."""
    github_server.fail("POST", "/issues$", 502, body={"message": "Server Error"})
    with client_for(github_server) as client:
        issue = create_issue(client, REPOSITORY, title="After a 502")

    assert len(github_server.issues_titled(REPOSITORY, "After a 502")) == 1
    assert issue.title == "After a 502"
    assert len(github_server.requests_to("POST", "/issues$")) == 2


def test_lost_comment_response_one_comment(github_server: GitHubServer) -> None:
    github_server.fail("POST", "/comments$", 502, body={"message": "Bad Gateway"}, apply_first=True)
    with client_for(github_server) as client:
        comment = add_comment(client, REPOSITORY, 2, "Looking into it")

    assert [c["body"] for c in github_server.repositories[REPOSITORY].comments[2]] == ["Looking into it"]
    assert comment.body == "Looking into it"


def test_secondary_rate_limit_waits(github_server: GitHubServer) -> None:
    github_server.fail("GET", "/issues$", 429, body={"message": "You have exceeded a secondary rate limit."}, headers={"Retry-After": "1"})
    started = time.monotonic()
    with client_for(github_server) as client:
        found = list_issues(client, REPOSITORY)

    assert len(found.issues) == 13
    assert time.monotonic() - started >= 1


def test_secondary_limit_without_retry_after(github_server: GitHubServer) -> None:
    github_server.fail("GET", "/issues/6$", 403, body={"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."})
    slept: list[float] = []
    with client_for(github_server, sleep=slept.append) as client:
        issue = get_issue(client, REPOSITORY, 6)

    assert issue.number == 6
    assert slept == [60.0]


def test_long_retry_after_fails_fast(github_server: GitHubServer) -> None:
    github_server.fail("GET", "/issues$", 429, body={"message": "You have exceeded a secondary rate limit."}, headers={"Retry-After": "600"})
    started = time.monotonic()
    with client_for(github_server) as client, pytest.raises(GitHubRateLimitError) as caught:
        list_issues(client, REPOSITORY)

    assert time.monotonic() - started < 5
    assert "in 10 minutes" in caught.value.message
    assert len(github_server.requests_to("GET", "/issues$")) == 1


def test_primary_rate_limit_short_wait(github_server: GitHubServer) -> None:
    reset = str(int(time.time()) + 1)
    github_server.fail("GET", "/issues/4$", 403, body={"message": "API rate limit exceeded for user ID 1."},
                       headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})
    slept: list[float] = []
    with client_for(github_server, sleep=slept.append) as client:
        issue = get_issue(client, REPOSITORY, 4)

    assert issue.number == 4
    assert len(slept) == 1
    assert 0 < slept[0] <= 3


def test_primary_rate_limit_long_wait_fails(github_server: GitHubServer) -> None:
    reset = int(time.time()) + 1800
    github_server.fail("GET", "/issues$", 403, body={"message": "API rate limit exceeded for user ID 1."},
                       headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)})
    with client_for(github_server) as client, pytest.raises(GitHubRateLimitError) as caught:
        list_issues(client, REPOSITORY)

    assert "rate limit is used up" in caught.value.message
    assert "in 30 minutes" in caught.value.message
    assert caught.value.reset_at is not None
    assert abs(caught.value.reset_at.timestamp() - reset) < 1


@pytest.mark.parametrize("body", [b"<html>Bad gateway</html>", b'{"number": 3, "title": ', b"[1, 2"])
def test_malformed_body_is_response_error(github_server: GitHubServer, body: bytes) -> None:
    github_server.fail("GET", "/issues/3$", 200, raw_body=body)
    with client_for(github_server) as client, pytest.raises(GitHubResponseError):
        get_issue(client, REPOSITORY, 3)


def test_issue_without_number_is_response_error(github_server: GitHubServer) -> None:
    github_server.fail("GET", "/issues$", 200, body=[{"title": "no number"}])
    with client_for(github_server) as client, pytest.raises(GitHubResponseError):
        list_issues(client, REPOSITORY)


def test_missing_optional_fields_tolerated(github_server: GitHubServer) -> None:
    github_server.fail("GET", "/issues/3$", 200, body={"number": 3, "title": "Bare", "extra_field_from_the_future": {"x": 1}})
    with client_for(github_server) as client:
        issue = get_issue(client, REPOSITORY, 3)

    assert issue.title == "Bare"
    assert issue.labels == []
    assert issue.state == "open"
    assert issue.url is None


def test_circuit_breaker_opens(github_server: GitHubServer) -> None:
    github_server.fail("GET", "/issues/5$", 500, body={"message": "boom"}, times=100)
    with client_for(github_server, max_retries=0) as client:
        for _ in range(3):
            with pytest.raises(GitHubUnavailableError):
                get_issue(client, REPOSITORY, 5)
        sent = len(github_server.requests)
        with pytest.raises(GitHubUnavailableError) as caught:
            get_issue(client, REPOSITORY, 5)

    assert "not calling it" in caught.value.message
    assert len(github_server.requests) == sent


def test_close_and_reopen(github_server: GitHubServer) -> None:
    with client_for(github_server) as client:
        closed = set_state(client, REPOSITORY, 7, "closed", reason="not_planned")
        reopened = set_state(client, REPOSITORY, 7, "open")

    assert closed.state == "closed"
    assert reopened.state == "open"
    patches = [request.body for request in github_server.requests_to("PATCH", "/issues/7$")]
    assert patches == [{"state": "closed", "state_reason": "not_planned"}, {"state": "open"}]


def test_token_never_logged(github_server: GitHubServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    github_server.fail("GET", "/issues$", 502, body={"message": "Server Error"})
    with client_for(github_server) as client:
        list_issues(client, REPOSITORY)
        with pytest.raises(NotFoundError):
            get_issue(client, REPOSITORY, 404)

    assert caplog.records
    assert github_server.token not in caplog.text
    assert github_server.token not in repr(client.options)

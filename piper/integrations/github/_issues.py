"""Issue operations: create, list, show, close, reopen, comment and edit.

Each function takes a :class:`GitHubClient` and returns plain records. The
writes that are POST requests (creating an issue, adding a comment) are not
retried blindly: after a timeout or a 5xx response, GitHub may have created
the object, so the function first looks for it and only posts again when
it is not there.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from piper.errors import UsageError
from piper.integrations.github._errors import GitHubUnavailableError
from piper.integrations.github._records import CommentRecord, IssueRecord, comment_record, issue_record

if TYPE_CHECKING:
    from piper.integrations.github._client import GitHubClient

logger = logging.getLogger(__name__)

T = TypeVar("T")

ISSUE_STATES = ("open", "closed", "all")

_REPOSITORY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")

_CLOCK_SKEW = dt.timedelta(minutes=2)
"""Margin before a write's start when looking for what it created, for clocks that differ."""


@dataclass(frozen=True, slots=True)
class IssueList:
    issues: list[IssueRecord]
    more: bool
    """True when ``limit`` stopped the listing and GitHub has more matching issues."""


def create_issue(
    client: GitHubClient,
    repository: str,
    *,
    title: str,
    body: str | None = None,
    labels: list[str] | None = None,
    assignees: list[str] | None = None,
) -> IssueRecord:
    """Create an issue and return it; at most one issue is created even when the response is lost."""
    if not title.strip():
        raise UsageError("The issue title is empty.", hint="Pass --title with some text.")
    repo = _repo(client, repository)
    arguments: dict[str, Any] = {"title": title}
    if body:
        arguments["body"] = body
    if labels:
        arguments["labels"] = list(labels)
    if assignees:
        arguments["assignees"] = list(assignees)

    def find_created(since: dt.datetime) -> IssueRecord | None:
        login = client.login()
        recent = repo.get_issues(state="all", creator=login, since=since, sort="created", direction="desc")
        for issue in recent:
            record = issue_record(issue, repository)
            if record.created_at and record.created_at < since:
                break
            if not record.is_pull_request and record.title == title and (record.body or None) == (body or None):
                return record
        return None

    return _post_once(
        client,
        f"{repository} (new issue)",
        lambda: issue_record(repo.create_issue(**arguments), repository),
        find_created,
    )


def list_issues(
    client: GitHubClient,
    repository: str,
    *,
    state: str = "open",
    labels: list[str] | None = None,
    assignees: list[str] | None = None,
    limit: int | None = None,
) -> IssueList:
    """List a repository's issues (pull requests left out), newest first, following every page.

    The API filters by one assignee; with several, an issue assigned to any of them is listed.
    As in the API, the assignee ``none`` matches unassigned issues and ``*`` any assigned one.
    """
    if state not in ISSUE_STATES:
        raise UsageError(f"Invalid issue state {state!r}.", hint=f"Use one of {', '.join(ISSUE_STATES)}.")
    if limit is not None and limit < 1:
        raise UsageError(f"Invalid limit {limit}.", hint="Use 1 or more.")

    filters: dict[str, Any] = {"state": state, "sort": "created", "direction": "desc"}
    if labels:
        filters["labels"] = list(labels)
    if assignees and len(assignees) == 1:
        filters["assignee"] = assignees[0]
    wanted = {login.lower() for login in assignees or []}

    def keep(record: IssueRecord) -> bool:
        if record.is_pull_request:
            return False
        if not wanted:
            return True
        logins = {login.lower() for login in record.assignees}
        return bool(wanted & logins) or ("none" in wanted and not logins) or ("*" in wanted and bool(logins))

    return _collect(client, repository, filters, keep, limit)


def list_pull_requests(client: GitHubClient, repository: str, *, state: str = "open", limit: int | None = None) -> IssueList:
    """List a repository's pull requests, newest first, through the issues endpoint (same fields as issues)."""
    if state not in ISSUE_STATES:
        raise UsageError(f"Invalid pull request state {state!r}.", hint=f"Use one of {', '.join(ISSUE_STATES)}.")

    filters = {"state": state, "sort": "created", "direction": "desc"}
    return _collect(client, repository, filters, lambda record: record.is_pull_request, limit)


def _collect(
    client: GitHubClient, repository: str, filters: dict[str, Any], keep: Callable[[IssueRecord], bool], limit: int | None
) -> IssueList:
    """Read ``GET /repos/{owner}/{repo}/issues`` page by page and keep the records ``keep`` accepts, up to ``limit``."""

    def fetch() -> IssueList:
        found: list[IssueRecord] = []
        for issue in _repo(client, repository).get_issues(**filters):
            record = issue_record(issue, repository)
            if not keep(record):
                continue
            if limit is not None and len(found) == limit:
                return IssueList(found, more=True)
            found.append(record)
        return IssueList(found, more=False)

    return client.call(repository, fetch)


def get_issue(client: GitHubClient, repository: str, number: int) -> IssueRecord:
    return client.call(f"{repository}#{number}", lambda: issue_record(_issue(client, repository, number).complete(), repository))


def list_comments(client: GitHubClient, repository: str, number: int) -> list[CommentRecord]:
    def fetch() -> list[CommentRecord]:
        return [comment_record(comment) for comment in _issue(client, repository, number).get_comments()]

    return client.call(f"{repository}#{number}", fetch)


def set_state(client: GitHubClient, repository: str, number: int, state: str, *, reason: str | None = None) -> IssueRecord:
    """Close or reopen an issue; ``reason`` is GitHub's ``state_reason`` (``completed``, ``not_planned``, ``reopened``)."""
    changes: dict[str, Any] = {"state": state}
    if reason:
        changes["state_reason"] = reason
    return _patch_issue(client, repository, number, changes)


def edit_issue(
    client: GitHubClient,
    repository: str,
    number: int,
    *,
    title: str | None = None,
    body: str | None = None,
    labels: list[str] | None = None,
    assignees: list[str] | None = None,
) -> IssueRecord:
    """Change the given fields of an issue; a None field is left as it is."""
    changes: dict[str, Any] = {}
    if title is not None:
        if not title.strip():
            raise UsageError("The new issue title is empty.", hint="Pass --title with some text, or leave it out.")
        changes["title"] = title
    if body is not None:
        changes["body"] = body
    if labels is not None:
        changes["labels"] = list(labels)
    if assignees is not None:
        changes["assignees"] = list(assignees)
    if not changes:
        raise UsageError("Nothing to change.", hint="Pass --title, --body, --body-file, --label or --assignee.")

    return _patch_issue(client, repository, number, changes)


def add_comment(client: GitHubClient, repository: str, number: int, body: str) -> CommentRecord:
    """Comment on an issue or pull request; at most one comment is added even when the response is lost."""
    if not body.strip():
        raise UsageError("The comment is empty.", hint="Pass --body or --body-file with some text.")
    issue = _issue(client, repository, number)

    def find_created(since: dt.datetime) -> CommentRecord | None:
        login = client.login()
        for comment in issue.get_comments(since=since):
            record = comment_record(comment)
            if record.author == login and record.body == body:
                return record
        return None

    return _post_once(client, f"{repository}#{number}", lambda: comment_record(issue.create_comment(body)), find_created)


def _post_once(
    client: GitHubClient,
    what: str,
    post: Callable[[], T],
    find_created: Callable[[dt.datetime], T | None],
) -> T:
    """Send a POST; after a timeout or 5xx, return what it created, else post again (up to ``max_retries`` times)."""
    started = dt.datetime.now(dt.timezone.utc) - _CLOCK_SKEW
    attempts = client.options.max_retries + 1
    for attempt in range(1, attempts + 1):
        try:
            return client.call(what, post)
        except GitHubUnavailableError as error:
            if attempt == attempts:
                raise
            logger.warning("POST for %s may not have arrived (%s); checking before trying again", what, error.message)
            existing = client.call(what, lambda: find_created(started))
            if existing is not None:
                logger.info("POST for %s had arrived; using what it created", what)
                return existing
    raise AssertionError("unreachable: the last attempt returns or raises")


def _patch_issue(client: GitHubClient, repository: str, number: int, changes: dict[str, Any]) -> IssueRecord:
    """Send ``PATCH /repos/{owner}/{repo}/issues/{number}`` and return the issue GitHub sends back.

    PyGithub's ``Issue.edit`` does not keep the response's JSON, so the request goes through its requester.
    """

    path = f"/repos/{check_repository(repository)}/issues/{number}"

    def patch() -> IssueRecord:
        _, current = client.github.requester.requestJsonAndCheck("GET", path)
        _reject_pull_request(issue_record(current, repository))
        _, data = client.github.requester.requestJsonAndCheck("PATCH", path, input=changes)
        return issue_record(data, repository)

    return client.call(f"{repository}#{number}", patch)


def require_issue(client: GitHubClient, repository: str, number: int) -> IssueRecord:
    """Return issue ``number``; raise UsageError when the number belongs to a pull request."""
    issue = get_issue(client, repository, number)
    _reject_pull_request(issue)
    return issue


def _reject_pull_request(record: IssueRecord) -> None:
    # Issues and pull requests share one number sequence, and PATCH on the issues endpoint
    # closes or edits a pull request just as it does an issue.
    if record.is_pull_request:
        raise UsageError(
            f"{record.repository}#{record.number} is a pull request, not an issue, so Piper leaves it unchanged.",
            hint=f"Check the number, or change the pull request on GitHub at {record.url}" if record.url else "Check the number.",
        )


def check_repository(repository: str) -> str:
    """Return ``repository`` when it is a valid ``owner/name``; raise UsageError otherwise.

    The name goes into request paths unquoted, so ``.`` and ``..`` would
    move the request to another endpoint (``acme/..`` becomes ``/repos/issues``).
    """
    if not _REPOSITORY.fullmatch(repository) or repository.split("/", 1)[1] in (".", ".."):
        raise UsageError(f"Invalid repository {repository!r}.", hint="Write the repository as owner/name, such as acme/web.")
    return repository


def _repo(client: GitHubClient, repository: str) -> Any:
    # The client is lazy, so this sends no request; the first call on the repository does.
    return client.github.get_repo(check_repository(repository))


def _issue(client: GitHubClient, repository: str, number: int) -> Any:
    return _repo(client, repository).get_issue(number)

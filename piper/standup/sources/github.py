"""The ``github`` standup source: the user's GitHub work in the window, what waits on them and what is stuck.

Yesterday's accomplishments are pull requests the user merged, reviews they
submitted on other people's pull requests, issues they closed (as author or
assignee) and commits they pushed. Today's priorities are pull requests
awaiting their review, open issues assigned to them and their own open pull
requests. Blockers are items labelled ``blocked``, their pull requests with
changes requested or failing checks, and open items without an update for
``github.idle_days`` days, listed as "watch" with their age. Each issue or
pull request appears in one section only: blocker first, then watch, then
today.

Everything is read through the search API, limited to
``github.repositories`` when that is set, else across the user's whole
activity. The user is ``identity.github``, else the token's owner
(``GET /user``). Commits also found by the git source are dropped by the
engine, so each commit is listed once.

NOTE: ``--author`` does not change the GitHub user; the source always
reports that one login's work.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from piper.errors import CredentialsError, PiperError
from piper.standup.model import Item, SourceResult

if TYPE_CHECKING:
    from piper.config import Settings
    from piper.integrations.github import GitHubClient, IssueRecord
    from piper.standup.model import StandupRequest
    from piper.standup.progress import Progress

logger = logging.getLogger(__name__)

T = TypeVar("T")

_BLOCKED_LABEL = "blocked"
"""Labels that contain this word (``blocked``, ``status: blocked``) mark an item as a blocker."""


@dataclass(slots=True)
class _Collected:
    yesterday: list[Item] = field(default_factory=list)
    today: list[Item] = field(default_factory=list)
    blockers: list[Item] = field(default_factory=list)
    searches: int = 0
    succeeded: int = 0
    """Queries that GitHub served, with or without results."""

    errors: list[dict[str, str]] = field(default_factory=list)
    """Queries GitHub rejected (404, 422, an unreadable response), each with its error; the other queries still count."""

    def run_query(self, query: str, read: Callable[[], list[T]]) -> list[T]:
        """Run one query; a failure that concerns only this query is recorded and gives no items.

        A rejected token, a rate limit and an unreachable GitHub concern every
        query, so they propagate and fail the source.
        """
        from piper.integrations.github import GitHubRateLimitError, GitHubUnavailableError

        try:
            found = read()
        except (CredentialsError, GitHubRateLimitError, GitHubUnavailableError):
            raise
        except PiperError as error:
            logger.warning("GitHub query %r failed: %s", query, error.message)
            self.errors.append({"query": query, "error": error.message})
            return []
        self.succeeded += 1
        return found


class GitHubSource:
    """Reads the user's GitHub activity with PyGithub."""

    name = "github"

    def __init__(self, settings: Settings | None = None, client: GitHubClient | None = None) -> None:
        self._settings = settings
        self._client = client

    async def collect(self, request: StandupRequest, progress: Progress) -> SourceResult:
        """Read GitHub in a worker thread; a missing token is ``skipped``, any GitHub failure an ``error``."""
        task = progress.add_task("Reading GitHub", total=1)
        try:
            return await asyncio.to_thread(self._collect, request)
        finally:
            progress.advance(task)

    def _collect(self, request: StandupRequest) -> SourceResult:
        from piper.config import load_settings
        from piper.integrations.github import connect

        try:
            settings = self._settings or load_settings()
        except PiperError as error:
            return SourceResult.failed(self.name, error.message)
        try:
            client = self._client or connect(settings)
        except CredentialsError:
            return SourceResult.skipped(self.name, "no token configured")

        try:
            login = settings.identity.github or client.login()
            collected = _read(client, request, settings, login)
        except PiperError as error:
            # INFO: the standup itself reports the failure, so a warning would say it twice.
            logger.info("GitHub source failed: %s", error.message)
            reason = f"{error.message} {error.hint}" if error.hint else error.message
            return SourceResult.failed(self.name, reason)
        finally:
            if self._client is None:
                client.close()

        details: dict[str, Any] = {"user": login, "repos": len(settings.github.repositories) or "all", "searches": collected.searches}
        if collected.errors:
            details["errors"] = collected.errors
        if collected.errors and collected.succeeded == 0:
            first = collected.errors[0]
            return SourceResult(self.name, status="error", reason=f"every GitHub query failed: {first['error']}", details=details)
        return SourceResult(
            name=self.name,
            yesterday=collected.yesterday,
            today=collected.today,
            blockers=collected.blockers,
            details=details,
        )


def _read(client: GitHubClient, request: StandupRequest, settings: Settings, login: str) -> _Collected:
    from piper.integrations.github import date_range, search_commits, search_issues

    collected = _Collected()
    scope = " ".join(f"repo:{name}" for name in settings.github.repositories)
    window = date_range(request.since, request.until)
    zone = request.timezone

    def search(query: str) -> list[IssueRecord]:
        collected.searches += 1
        full_query = f"{query} {scope}".strip()
        return collected.run_query(full_query, lambda: search_issues(client, full_query))

    for pull in search(f"is:pr author:{login} is:merged merged:{window}"):
        merged = pull.merged_at or pull.closed_at
        if merged is None or request.since <= merged < request.until:
            collected.yesterday.append(_item(pull, "pull_request", f"Merged #{pull.number}: {pull.title}", merged, zone))

    for pull in search(f"is:pr reviewed-by:{login} -author:{login} updated:>={request.since.isoformat(timespec='seconds')}"):
        review_items = collected.run_query(f"{pull.repository}#{pull.number} reviews", lambda: _review_items(client, pull, login, request))
        collected.yesterday.extend(review_items)

    for issue in search(f"is:issue involves:{login} is:closed closed:{window}"):
        if issue.author == login or login in issue.assignees:
            collected.yesterday.append(_item(issue, "issue", f"Closed #{issue.number}: {issue.title}", issue.closed_at, zone))

    collected.searches += 1
    commit_query = f"author:{login} author-date:{window} {scope}".strip()
    for commit in collected.run_query(commit_query, lambda: search_commits(client, commit_query)):
        if commit.authored_at is None or not request.since <= commit.authored_at < request.until:
            continue
        collected.yesterday.append(
            Item(
                source="github",
                kind="commit",
                id=commit.sha,
                title=commit.subject,
                repo=commit.repository,
                url=commit.url,
                timestamp=commit.authored_at.astimezone(zone),
            )
        )

    if request.include_current_state:
        _read_open_work(request, settings, login, search, collected)
    return collected


def _read_open_work(
    request: StandupRequest, settings: Settings, login: str, search: Callable[[str], list[IssueRecord]], collected: _Collected
) -> None:
    """Fill today's priorities and blockers from the open items that wait on the user."""
    zone = request.timezone
    changes_requested = {_key(pull) for pull in search(f"is:pr is:open author:{login} review:changes_requested")}
    failing = {_key(pull) for pull in search(f"is:pr is:open author:{login} status:failure")}

    candidates: list[tuple[IssueRecord, str]] = []
    for pull in search(f"is:pr is:open review-requested:{login}"):
        candidates.append((pull, f"Review requested #{pull.number}: {pull.title}"))
    for issue in search(f"is:issue is:open assignee:{login}"):
        candidates.append((issue, f"Assigned #{issue.number}: {issue.title}"))
    for pull in search(f"is:pr is:open author:{login}"):
        candidates.append((pull, f"Open #{pull.number}: {pull.title}"))

    idle_after = dt.timedelta(days=settings.github.idle_days)
    seen: set[tuple[str, int]] = set()
    for record, title in candidates:
        key = _key(record)
        if key in seen:
            continue
        seen.add(key)
        kind = "pull_request" if record.is_pull_request else "issue"
        reasons = []
        if any(_BLOCKED_LABEL in label.lower() for label in record.labels):
            reasons.append("labelled blocked")
        if key in changes_requested:
            reasons.append("changes requested")
        if key in failing:
            reasons.append("checks failing")
        if reasons:
            collected.blockers.append(_item(record, kind, f"{title} ({', '.join(reasons)})", record.updated_at, zone))
            continue
        if record.updated_at is not None and request.until - record.updated_at >= idle_after:
            age = (request.until - record.updated_at).days
            collected.blockers.append(_item(record, kind, f"Watch: {title} (idle {age} days)", record.updated_at, zone))
            continue
        collected.today.append(_item(record, kind, title, record.updated_at, zone))


def _review_items(client: GitHubClient, pull: IssueRecord, login: str, request: StandupRequest) -> list[Item]:
    """Return one item for the user's last review of ``pull`` inside the window, or none."""
    from piper.integrations.github import list_reviews

    reviews = [
        review
        for review in list_reviews(client, pull.repository, pull.number)
        if review.author == login and review.submitted_at is not None and request.since <= review.submitted_at < request.until
    ]
    if not reviews:
        return []
    review = reviews[-1]
    verdict = review.state.replace("_", " ").lower()
    item = Item(
        source="github",
        kind="review",
        id=f"{pull.repository}#{pull.number}:review:{review.id}",
        title=f"Reviewed #{pull.number}: {pull.title} ({verdict})",
        repo=pull.repository,
        url=review.url or pull.url,
        timestamp=review.submitted_at.astimezone(request.timezone) if review.submitted_at else None,
    )
    return [item]


def _item(record: IssueRecord, kind: str, title: str, moment: dt.datetime | None, zone: dt.tzinfo) -> Item:
    return Item(
        source="github",
        kind=kind,
        id=f"{record.repository}#{record.number}",
        title=title,
        repo=record.repository,
        url=record.url,
        timestamp=moment.astimezone(zone) if moment else None,
    )


def _key(record: IssueRecord) -> tuple[str, int]:
    return (record.repository, record.number)

"""The search API and pull request reviews, as the standup reads them.

GitHub's search returns at most 1,000 results per query and allows 30
authenticated searches a minute; one standup sends about ten.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from piper.integrations.github._errors import GitHubResponseError
from piper.integrations.github._issues import check_repository
from piper.integrations.github._records import IssueRecord, issue_record, raw_json, parse_time

if TYPE_CHECKING:
    from piper.integrations.github._client import GitHubClient


@dataclass(frozen=True, slots=True)
class CommitRecord:
    sha: str
    """The full 40-character SHA."""

    message: str
    repository: str | None
    url: str | None
    authored_at: dt.datetime | None

    @property
    def subject(self) -> str:
        return self.message.splitlines()[0] if self.message else ""


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    id: int
    author: str | None
    state: str
    """``APPROVED``, ``CHANGES_REQUESTED``, ``COMMENTED``, ``DISMISSED`` or ``PENDING``."""

    submitted_at: dt.datetime | None
    url: str | None


def date_range(since: dt.datetime, until: dt.datetime) -> str:
    """Return a search range such as ``2026-03-06T00:00:00+01:00..2026-03-09T09:12:03+01:00``."""
    return f"{since.isoformat(timespec='seconds')}..{until.isoformat(timespec='seconds')}"


def search_issues(client: GitHubClient, query: str) -> list[IssueRecord]:
    """Return every issue and pull request matching ``query``, following every page."""
    return client.call(f"search {query!r}", lambda: [issue_record(item) for item in client.github.search_issues(query)])


def search_commits(client: GitHubClient, query: str) -> list[CommitRecord]:
    """Return every commit matching ``query`` (GitHub searches default branches only)."""

    def fetch() -> list[CommitRecord]:
        commits: list[CommitRecord] = []
        for item in client.github.search_commits(query):
            raw = raw_json(item)
            sha = raw.get("sha")
            if not isinstance(sha, str) or len(sha) != 40:
                raise GitHubResponseError("GitHub returned a commit search result without a full SHA, so the response cannot be read.")
            commit = raw.get("commit") if isinstance(raw.get("commit"), dict) else {}
            author = commit.get("author") if isinstance(commit.get("author"), dict) else {}
            repository = raw.get("repository") if isinstance(raw.get("repository"), dict) else {}
            commits.append(
                CommitRecord(
                    sha=sha,
                    message=str(commit.get("message") or ""),
                    repository=repository.get("full_name"),
                    url=raw.get("html_url"),
                    authored_at=parse_time(author.get("date")),
                )
            )
        return commits

    return client.call(f"search commits {query!r}", fetch)


def list_reviews(client: GitHubClient, repository: str, number: int) -> list[ReviewRecord]:
    """Return the reviews of a pull request, oldest first."""

    def fetch() -> list[ReviewRecord]:
        pull = client.github.get_repo(check_repository(repository)).get_pull(number)
        reviews: list[ReviewRecord] = []
        for review in pull.get_reviews():
            raw = raw_json(review)
            user = raw.get("user")
            reviews.append(
                ReviewRecord(
                    id=int(raw.get("id") or 0),
                    author=user.get("login") if isinstance(user, dict) else None,
                    state=str(raw.get("state") or ""),
                    submitted_at=parse_time(raw.get("submitted_at")),
                    url=raw.get("html_url"),
                )
            )
        return reviews

    return client.call(f"{repository}#{number} reviews", fetch)

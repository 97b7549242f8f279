"""Plain records of GitHub issues, pull requests and comments, read from PyGithub objects.

Only fields that GitHub's REST API documents for list and search results are
read, so converting a listed object sends no further request. A missing
optional field becomes None or an empty list; a missing ``number`` or
``title`` means the response was not an issue and raises.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from piper.integrations.github._errors import GitHubResponseError


@dataclass(frozen=True, slots=True)
class IssueRecord:
    """An issue or a pull request (GitHub's issue endpoints return both)."""

    repository: str
    """``owner/name``."""

    number: int
    title: str
    state: str
    """``open`` or ``closed``."""

    url: str | None
    """The web page (``html_url``)."""

    author: str | None = None
    body: str | None = None
    labels: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    comments: int = 0
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    is_pull_request: bool = False
    merged_at: dt.datetime | None = None
    """For a pull request from the search API: when it was merged, else None."""

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "state": self.state,
            "url": self.url,
            "repository": self.repository,
            "author": self.author,
            "body": self.body,
            "labels": list(self.labels),
            "assignees": list(self.assignees),
            "comments": self.comments,
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
            "closed_at": _iso(self.closed_at),
            "pull_request": self.is_pull_request,
        }


@dataclass(frozen=True, slots=True)
class CommentRecord:
    id: int
    url: str | None
    author: str | None
    body: str
    created_at: dt.datetime | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "url": self.url, "author": self.author, "body": self.body, "created_at": _iso(self.created_at)}


def issue_record(issue: Any, repository: str | None = None) -> IssueRecord:
    """Convert a PyGithub ``Issue`` (or search result) into an :class:`IssueRecord`.

    Reads the raw JSON that PyGithub stores, so no attribute access sends a
    request to fill in a missing field.

    Raises:
        GitHubResponseError: the object has no number or title.
    """
    raw = raw_json(issue)
    number = raw.get("number")
    title = raw.get("title")
    if not isinstance(number, int) or not isinstance(title, str):
        raise GitHubResponseError(
            "GitHub returned an issue without a number or title, so the response cannot be read.",
            hint="Check that PIPER_GITHUB_API_URL points at a GitHub REST API.",
        )
    pull_request = raw.get("pull_request")
    return IssueRecord(
        repository=repository or repository_from_urls(raw) or "",
        number=number,
        title=title,
        state=str(raw.get("state") or "open"),
        url=raw.get("html_url"),
        author=_login(raw.get("user")),
        body=raw.get("body"),
        labels=[label["name"] for label in raw.get("labels") or [] if isinstance(label, dict) and label.get("name")],
        assignees=[login for login in (_login(user) for user in raw.get("assignees") or []) if login],
        comments=int(raw.get("comments") or 0),
        created_at=parse_time(raw.get("created_at")),
        updated_at=parse_time(raw.get("updated_at")),
        closed_at=parse_time(raw.get("closed_at")),
        is_pull_request=pull_request is not None,
        merged_at=parse_time(pull_request.get("merged_at")) if isinstance(pull_request, dict) else None,
    )


def comment_record(comment: Any) -> CommentRecord:
    raw = raw_json(comment)
    if not isinstance(raw.get("id"), int):
        raise GitHubResponseError("GitHub returned a comment without an id, so the response cannot be read.")
    return CommentRecord(
        id=raw["id"],
        url=raw.get("html_url"),
        author=_login(raw.get("user")),
        body=str(raw.get("body") or ""),
        created_at=parse_time(raw.get("created_at")),
    )


def repository_from_urls(raw: dict[str, Any]) -> str | None:
    """Return ``owner/name`` from an issue's ``repository_url`` (``.../repos/OWNER/NAME``)."""
    url = raw.get("repository_url")
    if not isinstance(url, str) or "/repos/" not in url:
        return None
    return url.rsplit("/repos/", 1)[1].strip("/") or None


def parse_time(value: Any) -> dt.datetime | None:
    """Parse GitHub's ISO 8601 timestamps (``2017-10-10T16:00:00Z``) into aware datetimes."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def raw_json(github_object: Any) -> dict[str, Any]:
    """Return the JSON object GitHub sent for ``github_object`` (a PyGithub object or a dict)."""
    if isinstance(github_object, dict):
        return github_object
    # GithubObject.raw_data would fetch the full object first; _rawData is the JSON the response contained.
    raw = getattr(github_object, "_rawData", None)
    if not isinstance(raw, dict):
        raise GitHubResponseError("GitHub returned something that is not a JSON object, so the response cannot be read.")
    return raw


def _login(user: Any) -> str | None:
    return user.get("login") if isinstance(user, dict) else None


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None

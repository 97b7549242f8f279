"""GitHub through PyGithub: issues, pull requests, search and reviews, with retries and clear errors.

Start with :func:`connect`, which reads the ``github:`` settings and the
token and returns a :class:`GitHubClient`. Importing this package does not
import PyGithub; the client imports it on its first request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from piper.integrations.github._client import (
    DEFAULT_API_URL,
    ClientOptions,
    GitHubClient,
    options_from_settings,
    resolve_api_url,
    resolve_token,
)
from piper.integrations.github._errors import GitHubRateLimitError, GitHubResponseError, GitHubUnavailableError
from piper.integrations.github._issues import (
    ISSUE_STATES,
    IssueList,
    add_comment,
    check_repository,
    create_issue,
    edit_issue,
    get_issue,
    list_comments,
    list_issues,
    list_pull_requests,
    require_issue,
    set_state,
)
from piper.integrations.github._records import CommentRecord, IssueRecord
from piper.integrations.github._search import (
    CommitRecord,
    ReviewRecord,
    date_range,
    list_reviews,
    search_commits,
    search_issues,
)
from piper.integrations.github._triage import SEVERITIES, Triage, triage

if TYPE_CHECKING:
    from piper.config import Settings

__all__ = [
    "DEFAULT_API_URL",
    "ISSUE_STATES",
    "ClientOptions",
    "CommentRecord",
    "CommitRecord",
    "GitHubClient",
    "GitHubRateLimitError",
    "GitHubResponseError",
    "GitHubUnavailableError",
    "IssueList",
    "IssueRecord",
    "ReviewRecord",
    "SEVERITIES",
    "Triage",
    "add_comment",
    "check_repository",
    "connect",
    "create_issue",
    "date_range",
    "edit_issue",
    "get_issue",
    "list_comments",
    "list_issues",
    "list_pull_requests",
    "list_reviews",
    "options_from_settings",
    "require_issue",
    "resolve_api_url",
    "resolve_token",
    "search_commits",
    "search_issues",
    "set_state",
    "triage",
]


def connect(settings: Settings | None = None) -> GitHubClient:
    """Return a client for the configured API URL with the stored token.

    Raises:
        CredentialsError: no token is set (exit code 4).
    """
    if settings is None:
        from piper.config import load_settings

        settings = load_settings()
    return GitHubClient(options_from_settings(settings.github))

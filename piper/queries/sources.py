"""Queries whose data source is not set up in this version: each replies with what to configure, never with data."""

from __future__ import annotations

from typing import Any

from piper.queries.model import QueryAnswer, QueryContext, QueryService

_NO_GITHUB = "GitHub is not connected: this version of Piper has no GitHub integration yet, so I have no issues or pull requests to show."

_NEEDS = {
    "get_calendar": ("calendar", "Calendar is not set up yet: Piper reads no calendar files in this version."),
    "list_issues": ("github", _NO_GITHUB),
    "get_issue": ("github", _NO_GITHUB),
    "list_pull_requests": ("github", _NO_GITHUB),
    "search_documents": ("documents", "No documents are indexed yet, so there is nothing to search."),
    "list_documents": ("documents", "No documents are indexed yet, so there is nothing to list."),
}


def source_not_configured(action: str) -> QueryService:
    """Return a query service for ``action`` that reports its missing data source."""
    source, message = _NEEDS[action]

    async def answer(context: QueryContext, entities: dict[str, Any]) -> QueryAnswer:
        return QueryAnswer(message, {"source": source, "status": "not_configured"})

    return answer


UNCONFIGURED_ACTIONS = tuple(_NEEDS)

"""Searching the pages and databases shared with the integration (``POST /v1/search``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from piper.integrations.notion.client import NotionClient
from piper.integrations.notion.errors import NotionResponseError, error_details
from piper.integrations.notion.publish import page_title

MAX_PAGE_SIZE = 100
"""Notion returns at most 100 results per search request."""


@dataclass(frozen=True)
class SearchResult:
    id: str
    object: str
    """``page`` or ``database``."""

    title: str
    url: str | None
    last_edited_time: str | None
    """ISO 8601 in UTC, as Notion sends it."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SearchResults:
    results: list[SearchResult]
    has_more: bool
    """True when Notion has more matches than the limit allowed."""


async def search_pages(client: NotionClient, query: str, *, limit: int = 20) -> SearchResults:
    """Return up to ``limit`` pages and databases whose title matches ``query``, most recently edited first.

    Follows ``next_cursor`` until ``limit`` results are collected or Notion has no more.
    """
    results: list[SearchResult] = []
    cursor: str | None = None
    action = f"searching Notion for {query!r}"
    while True:
        body: dict[str, Any] = {
            "query": query,
            "page_size": min(MAX_PAGE_SIZE, limit - len(results)),
            "sort": {"direction": "descending", "timestamp": "last_edited_time"},
        }
        if cursor:
            body["start_cursor"] = cursor
        response = await client.read("POST", "/v1/search", action=action, json=body)
        items = response.get("results")
        if not isinstance(items, list):
            raise NotionResponseError(
                f"Notion's search response has no 'results' list while {action}.", details=error_details(200, "invalid_response")
            )
        results.extend(_result(item) for item in items if isinstance(item, dict) and isinstance(item.get("id"), str))

        cursor = response.get("next_cursor")
        has_more = bool(response.get("has_more")) and isinstance(cursor, str)
        if len(results) >= limit:
            return SearchResults(results[:limit], has_more or len(results) > limit)
        if not has_more:
            return SearchResults(results, False)


def _result(item: dict[str, Any]) -> SearchResult:
    url = item.get("url")
    edited = item.get("last_edited_time")
    return SearchResult(
        id=item["id"],
        object=str(item.get("object") or "page"),
        title=page_title(item),
        url=url if isinstance(url, str) else None,
        last_edited_time=edited if isinstance(edited, str) else None,
    )

"""Posting a standup to Notion, for ``piper standup --post notion:PAGE_ID``."""

from __future__ import annotations

from typing import Any

from piper.errors import UsageError
from piper.integrations.notion.ids import INVALID_ID_HINT, parse_notion_id


async def publish_standup_markdown(page_id: str, title: str, markdown: str) -> dict[str, Any]:
    """Publish a rendered standup as a new page titled ``title`` below the page ``page_id``.

    ``page_id`` may be an ID or a page URL. Returns the new page's ``id``,
    ``url``, ``title``, ``parent`` and ``blocks`` (as :meth:`PublishedPage.to_json`).

    Raises:
        UsageError: ``page_id`` is not a Notion page ID or URL.
        CredentialsError: No token is set, or Notion rejected it (exit code 4).
        NotionError: Notion refused or failed the request, after retries.
    """
    from piper.integrations.notion.client import client_from_settings
    from piper.integrations.notion.publish import Parent, publish_markdown

    parent_id = parse_notion_id(page_id)
    if parent_id is None:
        # The caller names the --post target, and "notion:ID:" would turn into an emoji shortcode in rich output.
        raise UsageError(f"{page_id!r} is not a Notion page ID or URL.", hint=INVALID_ID_HINT)

    async with client_from_settings() as client:
        page = await publish_markdown(client, parent=Parent("page_id", parent_id), title=title, markdown=markdown)
    return page.to_json()

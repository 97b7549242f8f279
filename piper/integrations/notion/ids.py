"""Notion object IDs: a UUID, written with or without hyphens, or inside a page's URL."""

from __future__ import annotations

import re

# A Notion URL ends in the page's 32 hex digits, after the page's title and a hyphen:
# https://www.notion.so/acme/Roadmap-0123456789abcdef0123456789abcdef?pvs=4
_HEX_ID = re.compile(r"([0-9a-fA-F]{32})(?:[?#].*)?/?$")
_DASHED_ID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def parse_notion_id(text: str) -> str | None:
    """Return the ID in ``text`` as a hyphenated lowercase UUID, or None when ``text`` contains no ID.

    Accepts ``0123abcd-...`` (hyphenated), 32 hex digits, and page or
    database URLs that end in the 32 hex digits, with or without a query.
    """
    value = text.strip()
    if _DASHED_ID.match(value):
        return value.lower()

    match = _HEX_ID.search(value)
    if match is None:
        return None
    digits = match.group(1).lower()
    # The digits must stand alone or end the URL's last path part (after "/" or "Title-").
    start = match.start(1)
    if start > 0 and value[start - 1] not in "-/":
        return None
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


INVALID_ID_HINT = "Use the page's ID (32 hex digits, with or without hyphens) or its URL from Notion's 'Copy link'."

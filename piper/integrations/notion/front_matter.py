"""YAML front matter: the ``---`` block at the top of a markdown file that static site generators and note apps read.

Notion pages have no place for it, so it is not published as blocks. Its
``title`` becomes the page title when no ``--title`` is given.
"""

from __future__ import annotations

import re
from typing import Any

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE)


def split_front_matter(markdown: str) -> tuple[dict[str, Any], str]:
    """Return the front matter's keys and the markdown after it.

    Text that opens with ``---`` but is not a YAML mapping (a thematic break
    followed by a setext heading, say) is not front matter and is returned
    whole, with no keys.
    """
    import yaml

    match = _FRONT_MATTER.match(markdown)
    if match is None:
        return {}, markdown
    try:
        keys = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return {}, markdown
    if not isinstance(keys, dict):
        return {}, markdown
    return keys, markdown[match.end() :]


def front_matter_title(keys: dict[str, Any]) -> str | None:
    """Return the front matter's ``title`` as text, or None when it has none."""
    title = keys.get("title")
    if title is None or isinstance(title, (dict, list)):
        return None
    text = str(title).strip()
    return text or None

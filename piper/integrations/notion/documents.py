"""Publishing a markdown file: choosing the parent page and the title, shared by the CLI and the chat."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from piper.errors import UsageError
from piper.integrations.notion.ids import INVALID_ID_HINT, parse_notion_id
from piper.integrations.notion.publish import Parent, PublishedPage, publish_markdown, split_title

if TYPE_CHECKING:
    from piper.config import Settings

NO_PARENT_HINT = "Pass --parent PAGE_ID or --database ID, or set notion.default_parent in PIPER.user.md to a page's ID or URL."


def resolve_parent(*, page: str | None, database: str | None, settings: Settings) -> Parent:
    """Return where the new page goes: ``page``, else ``database``, else the configured ``notion.default_parent``.

    Raises:
        UsageError: Both are given, an ID is invalid, or neither is given and none is configured.
    """
    if page is not None and database is not None:
        raise UsageError("--parent and --database cannot be used together.", hint="Pass one: a page to publish under, or a database to add the page to.")
    if database is not None:
        return Parent("database_id", _parse_id("--database", database))
    if page is not None:
        if "?v=" in page or "&v=" in page:
            # Notion's "Copy link" on a database view adds ?v=VIEW_ID; a page link has no view.
            raise UsageError(f"--parent: {page!r} is a link to a database view, not a page.", hint="Pass it with --database instead.")
        return Parent("page_id", _parse_id("--parent", page))
    if settings.notion.default_parent:
        return Parent("page_id", settings.notion.default_parent)
    raise UsageError("No Notion page to publish under.", hint=NO_PARENT_HINT)


def _parse_id(option: str, value: str) -> str:
    parsed = parse_notion_id(value)
    if parsed is None:
        raise UsageError(f"{option}: {value!r} is not a Notion ID or URL.", hint=INVALID_ID_HINT)
    return parsed


def read_markdown(source: str) -> tuple[str, str]:
    """Return the text of the file ``source`` (``-`` for standard input) and a title to fall back on.

    Raises:
        UsageError: The file is missing, unreadable, not UTF-8, binary or empty.
    """
    if source == "-":
        if sys.stdin.isatty():
            # Reading would wait for the user to type a document and press Ctrl-D, which nobody expects.
            raise UsageError("-: standard input is a terminal, not a markdown document.", hint="Pipe the markdown in (cat notes.md | ...), or pass the file's path.")
        return _check_text("standard input", sys.stdin.read()), "Untitled"

    path = Path(source).expanduser()
    try:
        return _check_text(source, path.read_text(encoding="utf-8-sig")), path.stem or path.name
    except FileNotFoundError:
        raise UsageError(f"{source}: file not found.", hint="Check the path, or pass - to read standard input.") from None
    except IsADirectoryError:
        raise UsageError(f"{source}: is a folder, not a markdown file.", hint="Publish one file at a time.") from None
    except UnicodeDecodeError:
        raise UsageError(f"{source}: the file is not UTF-8 text.", hint="Save it as UTF-8 markdown.") from None
    except OSError as error:
        raise UsageError(f"{source}: cannot be read: {error.strerror}.", hint="Check the file's permissions.") from None


def _check_text(source: str, text: str) -> str:
    # NUL never occurs in markdown but does in images, archives and office documents that happen to decode as UTF-8.
    if "\x00" in text:
        raise UsageError(f"{source}: the file is binary, not markdown text.", hint="Publish a markdown (.md) file.")
    if not text.strip():
        raise UsageError(f"{source}: the document is empty, so there is nothing to publish.", hint="Write some markdown first.")
    return text


def locate_markdown(name: str, *, folder: Path | None = None) -> Path | None:
    """Return the markdown file that ``name`` refers to in ``folder`` (default: the working directory), or None.

    ``name`` may be a path, a path without ``.md``, or words that name the
    file: "launch plan" finds ``launch-plan.md`` or ``launch_plan.md``.
    """
    base = folder or Path.cwd()
    path = Path(name).expanduser()
    words = "-".join(name.lower().split())
    candidates = [path, path.with_name(path.name + ".md"), Path(words + ".md"), Path(words.replace("-", "_") + ".md")]
    for candidate in candidates:
        resolved = candidate if candidate.is_absolute() else base / candidate
        if resolved.is_file():
            return resolved
    return None


async def publish_document(markdown: str, *, parent: Parent, title: str | None, fallback_title: str, settings: Settings) -> PublishedPage:
    """Publish ``markdown`` under ``parent``, titled ``title`` or the document's opening heading, else ``fallback_title``."""
    from piper.integrations.notion.client import client_from_settings

    from piper.integrations.notion.errors import NotionNotFoundError

    page_title, body = split_title(markdown, title=title, fallback=fallback_title)
    async with client_from_settings(settings) as client:
        try:
            return await publish_markdown(client, parent=parent, title=page_title, markdown=body)
        except NotionNotFoundError as error:
            if parent.kind == "page_id":
                error.hint = f"{error.hint + ' ' if error.hint else ''}If {parent.id} is a database, pass it with --database instead."
            raise

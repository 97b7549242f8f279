"""``piper notion``: publish markdown to Notion and search Notion pages."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, Optional, TypeVar

import typer

from piper.cli import output

app = typer.Typer(help="Publish markdown to Notion and search Notion pages.", no_args_is_help=True, rich_markup_mode=None)

T = TypeVar("T")

JSON_HELP = "Print the result as JSON."

MAX_SEARCH_LIMIT = 1000


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    import asyncio

    return asyncio.run(coroutine)


@app.command("publish")
def publish(
    file: str = typer.Argument(..., metavar="FILE", help="Markdown file to publish, or - to read standard input."),
    parent: Optional[str] = typer.Option(None, "--parent", metavar="PAGE_ID", help="Page to publish under: its ID or URL. Default: notion.default_parent."),
    database: Optional[str] = typer.Option(None, "--database", metavar="DATABASE_ID", help="Database to add the page to: its ID or URL."),
    title: Optional[str] = typer.Option(None, "--title", metavar="TEXT", help="Page title. Default: the document's opening '# ' heading, else the file name."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Publish a markdown file as a new Notion page."""
    from piper.config import load_settings
    from piper.integrations.notion.documents import publish_document, read_markdown, resolve_parent

    output.set_json_mode(json_flag)
    settings = load_settings()
    target = resolve_parent(page=parent, database=database, settings=settings)
    markdown, fallback_title = read_markdown(file)

    with _status("Publishing to Notion..."):
        page = _run(publish_document(markdown, parent=target, title=title, fallback_title=fallback_title, settings=settings))

    if json_flag:
        output.print_success(page.to_json())
        return
    typer.echo(f"Published {page.title!r} ({page.blocks} blocks): {page.url}")


@app.command("search")
def search(
    query: str = typer.Argument(..., metavar="QUERY", help="Text to look for in page and database titles."),
    limit: int = typer.Option(20, "--limit", "-n", min=1, max=MAX_SEARCH_LIMIT, metavar="N", help="Maximum number of results."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Search the Notion pages and databases shared with Piper's integration, most recently edited first."""
    from piper.integrations.notion.client import client_from_settings
    from piper.integrations.notion.search import search_pages

    output.set_json_mode(json_flag)

    async def run():
        async with client_from_settings() as client:
            return await search_pages(client, query, limit=limit)

    with _status("Searching Notion..."):
        found = _run(run())

    if json_flag:
        output.print_success({"results": [result.to_json() for result in found.results], "has_more": found.has_more})
        return
    if not found.results:
        typer.echo(f"No Notion pages or databases match {query!r}.")
        return
    for result in found.results:
        edited = (result.last_edited_time or "")[:16].replace("T", " ")
        kind = " (database)" if result.object == "database" else ""
        typer.echo(f"{edited:16}  {result.title or '(untitled)'}{kind}  {result.url or ''}".rstrip())
    if found.has_more and limit < MAX_SEARCH_LIMIT:
        typer.echo(f"More results exist; pass --limit {min(limit * 2, MAX_SEARCH_LIMIT)} to see more.", err=True)
    elif found.has_more:
        typer.echo(f"More than {MAX_SEARCH_LIMIT} results exist; use more specific words to narrow the search.", err=True)


def _status(message: str):  # noqa: ANN202 - a context manager
    """Return a spinner on stderr when it is a terminal, else a context that does nothing."""
    import contextlib
    import sys

    if output.session.json_mode or not sys.stderr.isatty():
        return contextlib.nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(message)

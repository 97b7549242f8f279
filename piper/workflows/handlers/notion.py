"""Task handlers for Notion: publish a markdown file as a page.

A failure (no token, a page not shared with the integration, Notion down)
raises a :class:`~piper.errors.PiperError`. The runner turns it into a
failed task whose message names the fix, so nothing is reported as done.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from piper.domain.workflow import Task
from piper.workflows.handlers.registry import HandlerContext, HandlerRegistry, TaskOutcome

logger = logging.getLogger(__name__)

TIME_BUDGET = 20.0
"""Seconds a publish may take in the chat, under the engine's 30-second task limit, so a slow publish
stops itself and reports the page it left incomplete instead of being cancelled without a report."""

REQUEST_TIMEOUT = 10.0
"""Maximum seconds of one request in the chat, even when notion.timeout_seconds is higher."""


async def publish_document(task: Task, context: HandlerContext) -> TaskOutcome:
    """Publish the markdown file ``document`` under the page ``parent`` (an ID or URL) from the task input."""
    from piper.config import load_settings
    from piper.errors import UsageError
    from piper.integrations.notion.client import client_from_settings
    from piper.integrations.notion.documents import locate_markdown, read_markdown, resolve_parent
    from piper.integrations.notion.errors import PublishIncompleteError
    from piper.integrations.notion.publish import publish_markdown, split_title

    document = str(task.input["document"])
    settings = load_settings()
    # The publish_document validator puts the parent into the input (from the request or notion.default_parent).
    page = task.input.get("parent")
    if not page:
        logger.info("task %s: no Notion parent page in the task input for %s", task.id, document)
        return TaskOutcome.failed(
            f"Which Notion page should {document} go under? Set notion.default_parent in PIPER.user.md to the page's ID or URL, "
            f"or run: piper notion publish {document} --parent PAGE_ID"
        )
    parent = resolve_parent(page=str(page), database=None, settings=settings)

    # A relative path is read from the working directory of the process (piper ask, piper chat).
    path = locate_markdown(document)
    if path is None:
        logger.info("task %s: no markdown file matches %r in %s", task.id, document, Path.cwd())
        return TaskOutcome.failed(f"I could not find the document {document!r} in {Path.cwd()}. Give the markdown file's path.")
    try:
        markdown, fallback_title = read_markdown(str(path))
    except UsageError as error:
        logger.info("task %s: cannot read %s: %s", task.id, path, error.message)
        return TaskOutcome.failed(f"I could not read {document}: {error.message} {error.hint or ''}".rstrip())

    title, body = split_title(markdown, title=task.input.get("title"), fallback=fallback_title)
    deadline = time.monotonic() + TIME_BUDGET
    timeout = min(settings.notion.timeout_seconds, REQUEST_TIMEOUT)
    async with client_from_settings(settings, timeout=timeout, deadline=deadline) as client:
        try:
            page = await publish_markdown(client, parent=parent, title=title, markdown=body)
        except PublishIncompleteError as error:
            logger.warning("task %s: published %s only in part as Notion page %s: %s", task.id, path, error.details.get("id"), error.message)
            return TaskOutcome.failed(f"{error.message} {error.hint}", {"page": error.details})

    logger.info("published %s as Notion page %s", path, page.id)
    return TaskOutcome.done(f"Published {title!r} to Notion ({page.blocks} blocks): {page.url}", {"page": page.to_json()})


def register_notion_handlers(registry: HandlerRegistry) -> None:
    """Register the ``notion.*`` task handlers."""
    registry.register("notion.publish_document", publish_document)

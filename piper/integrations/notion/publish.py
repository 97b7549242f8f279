"""Publishing markdown as a Notion page: create the page, then append what did not fit, in order.

Notion takes at most 100 blocks in one children array, two levels of
nesting, 1,000 block elements and 500 KB per request (developers.notion.com,
"Append block children" and "Request limits"). The page is created with as
many of its first 100 top-level blocks as fit. Deeper children, and the
blocks that did not fit, are appended afterwards with
``PATCH /v1/blocks/{id}/children`` to the block they belong to. Each block
only ever gets children at its end, so the page ends up in document order.

When an append fails for good, :class:`PublishIncompleteError` names the
page's URL and the blocks that are missing. A write retried after a
timeout or a 5xx first checks Notion's copy, so no block is written twice.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import deque
from dataclasses import dataclass
from typing import Any, Literal

from piper.integrations.notion.blocks import Block, count_blocks, leading_heading, markdown_to_blocks
from piper.integrations.notion.client import NotionClient
from piper.integrations.notion.errors import NotionError, NotionResponseError, PublishIncompleteError, error_details
from piper.integrations.notion.rich_text import plain_spans, to_rich_text

logger = logging.getLogger(__name__)

MAX_CHILDREN = 100
"""Maximum blocks in one children array of a request."""

MAX_REQUEST_BLOCKS = 1000
"""Maximum block elements in one request, counting children at every level (Notion's request limits)."""

MAX_REQUEST_BYTES = 480_000
"""Bytes of blocks in one request: Notion takes at most 500 KB, and the rest is left for the title and parent."""

REPORTED_MISSING = 20
"""Maximum missing blocks named one by one in a :class:`PublishIncompleteError`."""

CLOCK_SKEW = dt.timedelta(minutes=2)
"""Margin when matching a page's ``created_time``, which Notion rounds down to the minute, against this machine's clock."""


@dataclass(frozen=True)
class Parent:
    """The parent of a new page: a page (``page_id``) or a database (``database_id``)."""

    kind: Literal["page_id", "database_id"]
    id: str

    def to_request(self) -> dict[str, str]:
        return {"type": self.kind, self.kind: self.id}

    def describe(self) -> str:
        return f"{'page' if self.kind == 'page_id' else 'database'} {self.id}"


@dataclass(frozen=True)
class PublishedPage:
    id: str
    url: str
    title: str
    parent: Parent
    blocks: int
    """Blocks written at every level of nesting, including table rows."""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "parent": {"type": self.parent.kind.removesuffix("_id"), "id": self.parent.id},
            "blocks": self.blocks,
        }


@dataclass
class _Pending:
    """Blocks that must wait for their parent block to exist before they can be appended to it."""

    index: int
    """Position of the parent block among the request's blocks."""

    blocks: list[Block]
    existing: int
    """Children the parent block already has from the request."""


@dataclass
class _Job:
    """Blocks to append below one existing block, in order."""

    parent_id: str
    blocks: list[Block]
    existing: int
    done: int = 0
    """How many of ``blocks`` Notion has accepted."""


def prepare_request(batch: list[Block]) -> tuple[list[dict[str, Any]], list[_Pending], int, int]:
    """Return the request JSON for the first blocks of ``batch``, the children left for later, the blocks sent and how many of ``batch`` went in.

    A block in the request keeps up to 100 children, sent without their own
    children because of the nesting limit. The first child that has children
    of its own (a nested list, a table's rows) ends its parent's children in
    this request, and the rest wait. They are appended to that parent later,
    where they are first-level blocks whose children can come along, and the
    append response returns their IDs without an extra read.

    The request also stays within Notion's 1,000 block elements and 500 KB
    per request: a block that does not fit waits for the next request, and
    children that do not fit wait like deeper ones.
    """
    payload: list[dict[str, Any]] = []
    pending: list[_Pending] = []
    sent = 0
    size = 0
    for index, block in enumerate(batch[:MAX_CHILDREN]):
        block_size = _request_size(block.to_request())
        fits_alone = sent + 1 + int(block.needs_children) <= MAX_REQUEST_BLOCKS and size + block_size <= MAX_REQUEST_BYTES
        if payload and not fits_alone:
            return payload, pending, sent, index

        children: list[dict[str, Any]] = []
        children_size = 0
        for child in block.children[:MAX_CHILDREN]:
            child_request = child.to_request()
            child_size = _request_size(child_request)
            total_blocks = sent + 1 + len(children) + 1
            if child.children or total_blocks > MAX_REQUEST_BLOCKS or size + block_size + children_size + child_size > MAX_REQUEST_BYTES:
                break
            children.append(child_request)
            children_size += child_size
        if payload and block.needs_children and block.children and not children:
            # A table without a row is invalid, so it waits for a request with room for its rows.
            return payload, pending, sent, index
        sent += 1 + len(children)
        size += block_size + children_size
        if len(children) < len(block.children):
            pending.append(_Pending(index, block.children[len(children) :], existing=len(children)))
        payload.append(block.to_request(children))
    return payload, pending, sent, len(payload)


def _request_size(request: dict[str, Any]) -> int:
    # ASCII-escaped JSON is at least as long as the UTF-8 JSON that httpx sends, so the estimate errs on the safe side.
    return len(json.dumps(request)) + 1


async def publish_markdown(client: NotionClient, *, parent: Parent, title: str, markdown: str) -> PublishedPage:
    """Create a page titled ``title`` under ``parent`` that contains ``markdown`` as Notion blocks.

    Raises:
        PublishIncompleteError: The page exists but some blocks could not be appended.
        NotionError: The page could not be created (nothing was written).
    """
    return await publish_blocks(client, parent=parent, title=title, blocks=markdown_to_blocks(markdown))


async def publish_blocks(client: NotionClient, *, parent: Parent, title: str, blocks: list[Block]) -> PublishedPage:
    """Create a page titled ``title`` under ``parent`` with ``blocks``; raises as :func:`publish_markdown` does."""
    payload, pending, sent, used = prepare_request(blocks)
    rest = blocks[used:]
    body = {
        "parent": parent.to_request(),
        "properties": {"title": {"title": to_rich_text(plain_spans(title))}},
        "children": payload,
    }
    action = f"creating the page {title!r} in {parent.describe()}"
    started = dt.datetime.now(dt.timezone.utc)

    async def verify() -> dict[str, Any] | None:
        return await _find_created_page(client, parent, title, started)

    page = await client.write("POST", "/v1/pages", action=action, json=body, verify=verify)
    page_id, url = page.get("id"), page.get("url")
    if not isinstance(page_id, str) or not isinstance(url, str):
        raise NotionResponseError(
            f"Notion created the page {title!r} in {parent.describe()} but its response has no page id or url.",
            hint=f"Look for the page in {parent.describe()} before publishing again.",
            details=error_details(200, "invalid_response"),
        )
    logger.info("created Notion page %s with %d of %d blocks", page_id, sent, count_blocks(blocks))

    writer = _Writer(client, page_id=page_id, url=url, title=title, total=count_blocks(blocks), written=sent)
    await writer.run(first_payload=payload, pending=pending, rest=rest)
    return PublishedPage(page_id, url, title, parent, writer.written)


class _Writer:
    """Appends the blocks that did not fit into the create request, tracking what is written."""

    def __init__(self, client: NotionClient, *, page_id: str, url: str, title: str, total: int, written: int) -> None:
        self.client = client
        self.page_id = page_id
        self.url = url
        self.title = title
        self.total = total
        self.written = written
        self._work: deque[_Job] = deque()
        self._unqueued: list[Block] = []

    async def run(self, *, first_payload: list[dict[str, Any]], pending: list[_Pending], rest: list[Block]) -> None:
        try:
            if rest:
                self._work.append(_Job(self.page_id, rest, existing=len(first_payload)))
            if pending:
                # The create response carries no block IDs, so read the page's first-level blocks back.
                self._unqueued = [block for item in pending for block in item.blocks]
                children = await self._list_children(self.page_id)
                self._queue(pending, [child["id"] for child in children[: len(first_payload)]])
            while self._work:
                await self._run_job(self._work[0])
                self._work.popleft()
        except NotionError as error:
            raise self._incomplete(error) from error

    async def _run_job(self, job: _Job) -> None:
        while job.done < len(job.blocks):
            payload, pending, sent, used = prepare_request(job.blocks[job.done :])
            results = await self._append(job.parent_id, payload, existing=job.existing)
            job.done += used
            job.existing += used
            self.written += sent
            if pending:
                self._queue(pending, [result["id"] for result in results])

    def _queue(self, pending: list[_Pending], parent_ids: list[str]) -> None:
        """Queue a job for each group of waiting children now that the IDs of their parent blocks are known."""
        if len(parent_ids) < max(item.index for item in pending) + 1:
            self._unqueued = [block for item in pending for block in item.blocks]
            raise NotionResponseError(
                f"Notion listed {len(parent_ids)} blocks of the page {self.title!r}, fewer than were sent.",
                details=error_details(200, "invalid_response"),
            )
        self._work.extend(_Job(parent_ids[item.index], item.blocks, existing=item.existing) for item in pending)
        self._unqueued = []

    async def _append(self, parent_id: str, payload: list[dict[str, Any]], *, existing: int) -> list[dict[str, Any]]:
        action = f"appending {len(payload)} blocks to block {parent_id} of the page {self.title!r}"

        async def verify() -> dict[str, Any] | None:
            children = await self._list_children(parent_id)
            if len(children) == existing + len(payload):
                return {"results": children[existing:]}
            if len(children) == existing:
                return None
            raise NotionError(
                f"Could not tell whether Notion appended the blocks while {action}: the block has {len(children)} children, "
                f"expected {existing} or {existing + len(payload)}.",
                hint="Someone may be editing the page. Check it in Notion.",
                details=error_details(None, "unknown_state"),
            )

        response = await self.client.write("PATCH", f"/v1/blocks/{parent_id}/children", action=action, json={"children": payload}, verify=verify)
        results = response.get("results")
        if _valid_results(results, len(payload)):
            return results
        # Notion accepted the blocks but the response does not list them: read them back.
        logger.info("the append response had no usable results; reading the children of %s", parent_id)
        found = await verify()
        if found is None:
            raise NotionResponseError(f"Notion accepted the request while {action} but did not add the blocks.")
        return found["results"]

    async def _list_children(self, block_id: str) -> list[dict[str, Any]]:
        return await list_children(self.client, block_id, action=f"reading the blocks of {block_id} in the page {self.title!r}")

    def _incomplete(self, error: NotionError) -> PublishIncompleteError:
        missing: list[Block] = list(self._unqueued)
        for job in self._work:
            missing.extend(job.blocks[job.done :])
        missing_count = count_blocks(missing)
        previews = [block.preview() for block in missing[:REPORTED_MISSING]]
        more = len(missing) - len(previews)
        listing = "; ".join(previews) + (f"; and {more} more" if more else "")
        message = (
            f"Published the page {self.title!r} only in part: {self.url} is missing {missing_count} of {self.total} blocks "
            f"({listing}). {error.message}"
        )
        details = {
            "id": self.page_id,
            "url": self.url,
            "blocks_total": self.total,
            "blocks_written": self.written,
            "not_written": previews,
            "cause": error.details,
        }
        hint = f"{error.hint + ' ' if error.hint else ''}Add the missing blocks by hand, or delete the page and publish again."
        return PublishIncompleteError(message, hint=hint, details=details)


async def list_children(client: NotionClient, block_id: str, *, action: str) -> list[dict[str, Any]]:
    """Return every child block of ``block_id``, following Notion's pagination."""
    children: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"page_size": 100}
        if cursor:
            params["start_cursor"] = cursor
        page = await client.read("GET", f"/v1/blocks/{block_id}/children", action=action, params=params)
        results = page.get("results")
        if not isinstance(results, list) or not all(isinstance(item, dict) and isinstance(item.get("id"), str) for item in results):
            raise NotionResponseError(f"Notion's list of blocks has no valid 'results' while {action}.", details=error_details(200, "invalid_response"))
        children.extend(results)
        cursor = page.get("next_cursor")
        if not page.get("has_more") or not isinstance(cursor, str):
            return children


def _valid_results(results: Any, expected: int) -> bool:
    return isinstance(results, list) and len(results) == expected and all(isinstance(item, dict) and isinstance(item.get("id"), str) for item in results)


async def _find_created_page(client: NotionClient, parent: Parent, title: str, started: dt.datetime) -> dict[str, Any] | None:
    """Return the page titled ``title`` that this publish created in ``parent``, or None when there is none.

    NOTE: A page of the same title created by someone else within a couple of
    minutes would be taken for this one; Notion offers no idempotency key.
    """
    since = started - CLOCK_SKEW
    action = f"checking whether the page {title!r} was created in {parent.describe()}"
    if parent.kind == "database_id":
        query = {
            "filter": {"timestamp": "created_time", "created_time": {"on_or_after": since.isoformat()}},
            "sorts": [{"timestamp": "created_time", "direction": "descending"}],
            "page_size": 100,
        }
        response = await client.read("POST", f"/v1/databases/{parent.id}/query", action=action, json=query)
        for page in response.get("results") or []:
            if isinstance(page, dict) and page_title(page) == title:
                return page
        return None

    for block in reversed(await list_children(client, parent.id, action=action)):
        child_page = block.get("child_page")
        if block.get("type") != "child_page" or not isinstance(child_page, dict) or child_page.get("title") != title:
            continue
        if _parse_time(block.get("created_time")) >= since:
            return await client.read("GET", f"/v1/pages/{block['id']}", action=action)
    return None


def _parse_time(value: Any) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def page_title(page: dict[str, Any]) -> str:
    """Return the plain title of a page or database object."""
    if page.get("object") == "database":
        return _rich_plain(page.get("title"))
    properties = page.get("properties")
    if not isinstance(properties, dict):
        return ""
    for value in properties.values():
        if isinstance(value, dict) and value.get("type") == "title":
            return _rich_plain(value.get("title"))
    return ""


def _rich_plain(rich_text: Any) -> str:
    if not isinstance(rich_text, list):
        return ""
    parts = []
    for item in rich_text:
        if not isinstance(item, dict):
            continue
        text = item.get("plain_text")
        if not isinstance(text, str):
            inner = item.get("text")
            text = inner.get("content") if isinstance(inner, dict) else None
        if isinstance(text, str):
            parts.append(text)
    return "".join(parts)


def split_title(markdown: str, *, title: str | None, fallback: str) -> tuple[str, str]:
    """Return the page title and the markdown to publish below it.

    YAML front matter is left out of the body. An explicit ``title`` wins,
    then the front matter's ``title``. Otherwise a level-1 heading that opens
    the document becomes the title and leaves the body, so the page does not
    repeat it. Without any of these, the title is ``fallback`` (a file name).
    """
    from piper.integrations.notion.front_matter import front_matter_title, split_front_matter

    keys, markdown = split_front_matter(markdown)
    if title is not None and title.strip():
        return title.strip(), markdown
    declared = front_matter_title(keys)
    if declared is not None:
        return declared, markdown

    heading = leading_heading(markdown)
    if heading is None:
        return fallback, markdown
    text, start, end = heading
    lines = markdown.splitlines(keepends=True)
    return text, "".join(lines[:start] + lines[end:])

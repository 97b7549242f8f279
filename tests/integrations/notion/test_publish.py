"""Publishing markdown through httpx against the Notion double: order, limits, errors, retries and no duplicates."""

from __future__ import annotations

import logging

import pytest

from piper.errors import CredentialsError
from piper.integrations.notion.blocks import count_blocks, markdown_to_blocks
from piper.integrations.notion.client import NotionClient
from piper.integrations.notion.errors import (
    NotionAccessError,
    NotionError,
    NotionNotFoundError,
    NotionResponseError,
    PublishIncompleteError,
)
from piper.integrations.notion.publish import Parent, publish_markdown
from tests.doubles import notion_server as double
from tests.doubles.llm_server import unused_port
from tests.doubles.notion_server import TOKEN, NotionServer

LONG_LIST = "\n".join(f"- item {number}" for number in range(250)) + "\n"
NESTED = "- one\n  - two\n    - three\n      - four\n        - five\n- after\n"


def _child_pages(notion: NotionServer, parent_id: str) -> list[str]:
    return [text for kind, text, _ in notion.tree(parent_id) if kind == "child_page"]


def _items(tree: list) -> list[str]:
    return [text for _, text, _ in tree]


async def _publish(client: NotionClient, parent_id: str, markdown: str, title: str = "Doc"):
    return await publish_markdown(client, parent=Parent("page_id", parent_id), title=title, markdown=markdown)


async def test_publish_small_page(notion: NotionServer, client: NotionClient) -> None:
    root = notion.add_page("Team")
    page = await _publish(client, root, "# Plan\n\nShip **it**.\n\n- [x] done\n", title="Plan")

    assert page.url == notion.pages[page.id]["url"]
    assert page.blocks == 3
    assert notion.tree(page.id) == [("heading_1", "Plan", []), ("paragraph", "Ship it.", []), ("to_do", "done", [])]
    assert _child_pages(notion, root) == ["Plan"]
    request = notion.requests[0]
    assert request.headers["notion-version"] == "2022-06-28"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"


async def test_publish_over_100_blocks(notion: NotionServer, client: NotionClient) -> None:
    root = notion.add_page("Team")
    page = await _publish(client, root, LONG_LIST)

    assert _items(notion.tree(page.id)) == [f"item {number}" for number in range(250)]
    assert page.blocks == 250
    assert notion.count("POST", "/v1/pages") == 1
    sizes = [len(request.body["children"]) for request in notion.requests if request.method in ("POST", "PATCH")]
    assert sizes == [100, 100, 50]


async def test_publish_deep_nesting(notion: NotionServer, client: NotionClient) -> None:
    root = notion.add_page("Team")
    page = await _publish(client, root, NESTED)

    five = ("bulleted_list_item", "five", [])
    four = ("bulleted_list_item", "four", [five])
    three = ("bulleted_list_item", "three", [four])
    two = ("bulleted_list_item", "two", [three])
    assert notion.tree(page.id) == [("bulleted_list_item", "one", [two]), ("bulleted_list_item", "after", [])]
    assert page.blocks == 6


async def test_publish_large_table(notion: NotionServer, client: NotionClient) -> None:
    rows = "\n".join(f"| {number} | x |" for number in range(150))
    root = notion.add_page("Team")
    page = await _publish(client, root, f"| n | v |\n|---|---|\n{rows}\n")

    [(kind, _, table_rows)] = notion.tree(page.id)
    assert kind == "table"
    assert [text for _, text, _ in table_rows] == ["n | v"] + [f"{number} | x" for number in range(150)]


async def test_nested_table_keeps_order(notion: NotionServer, client: NotionClient) -> None:
    root = notion.add_page("Team")
    page = await _publish(client, root, "- item\n\n  before\n\n  | a |\n  |---|\n  | 1 |\n\n  after\n- next\n")

    [item, following] = notion.tree(page.id)
    assert [kind for kind, _, _ in item[2]] == ["paragraph", "table", "paragraph"]
    assert following[1] == "next"


async def test_unauthorized_token(notion: NotionServer) -> None:
    root = notion.add_page("Team")
    async with NotionClient("secret_wrong_token_value", base_url=notion.url) as client:
        with pytest.raises(CredentialsError) as raised:
            await _publish(client, root, "text")

    assert raised.value.exit_code == 4
    assert "401 unauthorized" in raised.value.message
    assert "piper auth login notion" in (raised.value.hint or "")
    assert "secret_wrong_token_value" not in raised.value.message


async def test_restricted_parent(notion: NotionServer, client: NotionClient) -> None:
    root = notion.add_page("Private")
    notion.restrict(root)

    with pytest.raises(NotionAccessError) as raised:
        await _publish(client, root, "text")

    assert "403 restricted_resource" in raised.value.message
    assert "Share the page with your Notion integration" in (raised.value.hint or "")
    assert notion.count("POST", "/v1/pages") == 1


async def test_unknown_parent(notion: NotionServer, client: NotionClient) -> None:
    with pytest.raises(NotionNotFoundError) as raised:
        await _publish(client, "01234567-89ab-cdef-0123-456789abcdef", "text")

    assert "404 object_not_found" in raised.value.message
    assert "Share the page" in (raised.value.hint or "")


async def test_validation_error_shows_message(notion: NotionServer, client: NotionClient) -> None:
    root = notion.add_page("Team")
    notion.script("POST", "/v1/pages", double.error(400, "validation_error", "body.children[0].paragraph should be defined"))

    with pytest.raises(NotionError) as raised:
        await _publish(client, root, "text")

    assert "400 validation_error" in raised.value.message
    assert "body.children[0].paragraph should be defined" in raised.value.message
    assert notion.count("POST", "/v1/pages") == 1


async def test_rate_limit_honours_retry_after(notion: NotionServer, client: NotionClient, waits: list[float]) -> None:
    root = notion.add_page("Team")
    notion.script("POST", "/v1/pages", double.rate_limited("2"))

    await _publish(client, root, "text")

    assert waits == [2.0]
    assert _child_pages(notion, root) == ["Doc"]


async def test_rate_limit_too_long(notion: NotionServer, client: NotionClient, waits: list[float]) -> None:
    root = notion.add_page("Team")
    notion.script("POST", "/v1/pages", double.rate_limited("120"))

    with pytest.raises(NotionError) as raised:
        await _publish(client, root, "text")

    assert "rate-limiting" in raised.value.message
    assert "wait 120 s" in raised.value.message
    assert waits == []


async def test_server_error_before_apply_retries(notion: NotionServer, client: NotionClient, waits: list[float]) -> None:
    root = notion.add_page("Team")
    notion.script("POST", "/v1/pages", double.error(503, "service_unavailable"), double.html_page(502))

    page = await _publish(client, root, "text")

    assert _child_pages(notion, root) == ["Doc"]
    assert notion.tree(page.id) == [("paragraph", "text", [])]
    assert len(waits) == 2
    assert notion.count("POST", "/v1/pages") == 3


async def test_server_error_after_create(notion: NotionServer, client: NotionClient) -> None:
    root = notion.add_page("Team")
    notion.script("POST", "/v1/pages", double.error(500, "internal_server_error", after_apply=True))

    page = await _publish(client, root, "text")

    assert _child_pages(notion, root) == ["Doc"]
    assert notion.count("POST", "/v1/pages") == 1
    assert page.id in notion.pages


async def test_create_in_database_after_timeout(notion: NotionServer, client: NotionClient) -> None:
    database = notion.add_database("Docs", title_property="Title")
    notion.script("POST", "/v1/pages", double.timeout(1.0, after_apply=True))

    page = await publish_markdown(client, parent=Parent("database_id", database), title="Spec", markdown="body")

    created = [item for item in notion.pages.values() if item["parent"].get("database_id") == database]
    assert [item["id"] for item in created] == [page.id]
    assert notion.pages[page.id]["properties"]["Title"]["title"][0]["plain_text"] == "Spec"


async def test_append_timeout_after_apply(notion: NotionServer, client: NotionClient) -> None:
    root = notion.add_page("Team")
    notion.script("PATCH", "/children$", double.timeout(1.0, after_apply=True))

    page = await _publish(client, root, LONG_LIST)

    assert _items(notion.tree(page.id)) == [f"item {number}" for number in range(250)]
    assert notion.count("PATCH") == 2


async def test_append_dropped_before_apply(notion: NotionServer, client: NotionClient) -> None:
    root = notion.add_page("Team")
    notion.script("PATCH", "/children$", double.drop(), double.error(409, "conflict_error"))

    page = await _publish(client, root, LONG_LIST)

    assert _items(notion.tree(page.id)) == [f"item {number}" for number in range(250)]
    assert notion.count("PATCH") == 4


async def test_append_invalid_json_after_apply(notion: NotionServer, client: NotionClient) -> None:
    root = notion.add_page("Team")
    notion.script("PATCH", "/children$", double.invalid_json(after_apply=True))

    page = await _publish(client, root, NESTED + LONG_LIST)

    texts = _items(notion.tree(page.id))
    assert texts == ["one", "after"] + [f"item {number}" for number in range(250)]
    assert notion.count("PATCH") >= 2


async def test_append_fails_midway(notion: NotionServer, client: NotionClient) -> None:
    root = notion.add_page("Team")
    notion.script("PATCH", "/children$", *[double.error(502, "bad_gateway")] * 4)
    total = count_blocks(markdown_to_blocks(LONG_LIST))

    with pytest.raises(PublishIncompleteError) as raised:
        await _publish(client, root, LONG_LIST)

    error = raised.value
    [page_id] = [item["id"] for item in notion.pages.values() if item["parent"].get("page_id") == root]
    assert error.details["id"] == page_id
    assert error.details["url"] in error.message
    assert error.details["blocks_total"] == total
    assert error.details["blocks_written"] == 100
    assert "missing 150 of 250 blocks" in error.message
    assert error.details["not_written"][0] == "bulleted_list_item: item 100"
    assert _items(notion.tree(page_id)) == [f"item {number}" for number in range(100)]
    assert notion.count("PATCH") == 4


async def test_nested_append_fails(notion: NotionServer, client: NotionClient) -> None:
    root = notion.add_page("Team")
    notion.script("PATCH", "/children$", *[double.error(400, "validation_error", "no")])

    with pytest.raises(PublishIncompleteError) as raised:
        await _publish(client, root, NESTED)

    assert raised.value.details["blocks_written"] == 2
    assert raised.value.details["blocks_total"] == 6
    assert raised.value.details["not_written"] == ["bulleted_list_item: two"]
    assert "missing 4 of 6 blocks" in raised.value.message


async def test_refused_connection(client: NotionClient, waits: list[float]) -> None:
    async with NotionClient(TOKEN, base_url=f"http://127.0.0.1:{unused_port()}", max_retries=2, sleep=_no_wait) as refused:
        with pytest.raises(NotionError) as raised:
            await _publish(refused, "01234567-89ab-cdef-0123-456789abcdef", "text")

    assert "Could not connect to Notion" in raised.value.message


async def test_read_timeout_retried(notion: NotionServer, client: NotionClient, waits: list[float]) -> None:
    root = notion.add_page("Team")
    notion.script("GET", "/children$", double.timeout(1.0))

    page = await _publish(client, root, NESTED)

    assert len(notion.tree(page.id)) == 2
    assert len(waits) == 1


async def test_persistent_timeout(notion: NotionServer) -> None:
    root = notion.add_page("Team")
    notion.script("POST", "/v1/pages", *[double.timeout(1.0)] * 3)

    async with NotionClient(TOKEN, base_url=notion.url, timeout=0.1, max_retries=2, sleep=_no_wait) as client:
        with pytest.raises(NotionError) as raised:
            await _publish(client, root, "text")

    assert "timed out after 0.1 s" in raised.value.message
    assert notion.count("POST", "/v1/pages") == 3
    assert notion.tree(root) == []


async def test_invalid_create_response(notion: NotionServer, client: NotionClient) -> None:
    root = notion.add_page("Team")
    notion.script("POST", "/v1/pages", double.invalid_json())

    with pytest.raises(NotionResponseError) as raised:
        await _publish(client, root, "text")

    assert "not a JSON object" in raised.value.message


async def test_token_never_logged(notion: NotionServer, client: NotionClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    root = notion.add_page("Team")
    notion.script("PATCH", "/children$", double.timeout(1.0, after_apply=True), double.rate_limited("0"), double.error(500, "x"))

    page = await _publish(client, root, LONG_LIST + NESTED)

    assert len(notion.tree(page.id)) == 252
    assert "retrying" in caplog.text
    assert TOKEN not in caplog.text


async def _no_wait(seconds: float) -> None:
    return None


async def test_children_list_wrong_shape(notion: NotionServer, client: NotionClient) -> None:
    root = notion.add_page("Team")
    notion.script("GET", "/children$", *[double.wrong_shape({"object": "list", "results": "nope"})] * 4)

    with pytest.raises(PublishIncompleteError) as raised:
        await _publish(client, root, NESTED)

    assert raised.value.details["cause"]["code"] == "invalid_response"
    assert raised.value.details["blocks_written"] == 2
    assert "missing 4 of 6 blocks" in raised.value.message


async def test_append_response_without_results(notion: NotionServer, client: NotionClient) -> None:
    root = notion.add_page("Team")
    notion.script("PATCH", "/children$", double.wrong_shape({"object": "list"}, after_apply=True))

    page = await _publish(client, root, LONG_LIST)

    assert _items(notion.tree(page.id)) == [f"item {number}" for number in range(250)]


async def test_create_response_without_url(notion: NotionServer, client: NotionClient) -> None:
    root = notion.add_page("Team")
    notion.script("POST", "/v1/pages", double.wrong_shape({"object": "page", "id": "x"}, after_apply=True))

    with pytest.raises(NotionResponseError) as raised:
        await _publish(client, root, "text")

    assert "has no page id or url" in raised.value.message
    assert _child_pages(notion, root) == ["Doc"]


async def test_many_tables_split_requests(notion: NotionServer, client: NotionClient) -> None:
    root = notion.add_page("Team")
    table = "| metric | value |\n|---|---|\n" + "".join(f"| m{row} | {row} |\n" for row in range(89))
    markdown = "\n".join(f"## Section {number}\n\n{table}" for number in range(12))

    page = await _publish(client, root, markdown)

    tree = notion.tree(page.id)
    assert page.blocks == 12 * (1 + 1 + 90)
    assert [kind for kind, _, _ in tree] == ["heading_2", "table"] * 12
    assert all(len(rows) == 90 for kind, _, rows in tree if kind == "table")
    assert [text for kind, text, _ in tree if kind == "heading_2"] == [f"Section {number}" for number in range(12)]
    assert notion.count("PATCH") >= 1


async def test_large_code_blocks_split_by_size(notion: NotionServer, client: NotionClient) -> None:
    root = notion.add_page("Team")
    code = "\n".join(f"line {number:06d} " + "x" * 40 for number in range(3000))
    markdown = "\n".join(f"```text\n{code}\n```\n" for _ in range(4))

    page = await _publish(client, root, markdown)

    tree = notion.tree(page.id)
    assert [kind for kind, _, _ in tree] == ["code"] * 4
    assert [text for _, text, _ in tree] == [code] * 4
    assert notion.count("PATCH") >= 1

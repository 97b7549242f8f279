"""The Notion double rejects the invalid requests that Notion's API rejects and that Piper's requests could come close to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.doubles.notion_server import TOKEN, NotionServer

HEADERS = {"Authorization": f"Bearer {TOKEN}", "Notion-Version": "2022-06-28"}


@pytest.fixture
def server() -> Iterator[NotionServer]:
    with NotionServer() as notion:
        yield notion


def _paragraph(text: str) -> dict[str, Any]:
    return {"type": "paragraph", "paragraph": {"rich_text": [{"type": "text", "text": {"content": text}}]}}


def _request(server: NotionServer, method: str, path: str, **options: Any) -> httpx.Response:
    return httpx.request(method, server.url + path, headers=options.pop("headers", HEADERS), timeout=5, **options)


def _assert_validation_error(response: httpx.Response, message: str) -> None:
    assert response.status_code == 400
    body = response.json()
    assert body["object"] == "error"
    assert body["code"] == "validation_error"
    assert message in body["message"]


def test_double_requires_headers(server: NotionServer) -> None:
    unauthorized = _request(server, "POST", "/v1/search", json={}, headers={"Notion-Version": "2022-06-28"})
    no_version = _request(server, "POST", "/v1/search", json={}, headers={"Authorization": f"Bearer {TOKEN}"})

    assert unauthorized.status_code == 401
    assert unauthorized.json()["code"] == "unauthorized"
    assert no_version.status_code == 400
    assert no_version.json()["code"] == "missing_version"


@pytest.mark.parametrize("size", [0, 101, "many"])
def test_double_rejects_page_size(server: NotionServer, size: object) -> None:
    page = server.add_page("Team")

    search = _request(server, "POST", "/v1/search", json={"query": "", "page_size": size})
    children = _request(server, "GET", f"/v1/blocks/{page}/children", params={"page_size": size})

    _assert_validation_error(search, "page_size")
    _assert_validation_error(children, "page_size")


def test_double_rejects_invalid_ids(server: NotionServer) -> None:
    _assert_validation_error(_request(server, "GET", "/v1/pages/not-an-id"), "path.page_id should be a valid uuid")
    _assert_validation_error(_request(server, "GET", "/v1/blocks/123/children"), "path.block_id should be a valid uuid")


def test_double_rejects_bad_search_sort(server: NotionServer) -> None:
    response = _request(server, "POST", "/v1/search", json={"sort": {"timestamp": "created_time", "direction": "descending"}})

    _assert_validation_error(response, "body.sort")


def test_double_limits_request_size(server: NotionServer) -> None:
    page = server.add_page("Team")
    nested = [{**_paragraph("p"), "paragraph": {**_paragraph("p")["paragraph"], "children": [_paragraph("c")] * 10}}] * 91
    huge = [_paragraph("x" * 2000)] * 100
    huge_with_items = [{"type": "paragraph", "paragraph": {"rich_text": [{"type": "text", "text": {"content": "y" * 2000}}] * 3}}] * 100

    too_many = _request(server, "PATCH", f"/v1/blocks/{page}/children", json={"children": nested})
    fits = _request(server, "PATCH", f"/v1/blocks/{page}/children", json={"children": huge})
    too_large = _request(server, "PATCH", f"/v1/blocks/{page}/children", json={"children": huge_with_items})

    _assert_validation_error(too_many, "1001 block elements")
    assert fits.status_code == 200
    _assert_validation_error(too_large, "more than the limit of 500000")


def test_double_rejects_children_of_leaf_blocks(server: NotionServer) -> None:
    page = server.add_page("Team")
    heading = {"type": "heading_1", "heading_1": {"rich_text": [{"type": "text", "text": {"content": "H"}}]}}
    table = {"type": "table", "table": {"table_width": 2, "has_column_header": False, "has_row_header": False,
                                        "children": [{"type": "table_row", "table_row": {"cells": [[], []]}}]}}
    created = _request(server, "PATCH", f"/v1/blocks/{page}/children", json={"children": [heading, table]}).json()["results"]
    heading_id, table_id = (block["id"] for block in created)

    under_heading = _request(server, "PATCH", f"/v1/blocks/{heading_id}/children", json={"children": [_paragraph("x")]})
    narrow_row = _request(server, "PATCH", f"/v1/blocks/{table_id}/children",
                          json={"children": [{"type": "table_row", "table_row": {"cells": [[]]}}]})

    _assert_validation_error(under_heading, "does not support children")
    _assert_validation_error(narrow_row, "table width of 2")


def test_double_rejects_invalid_image(server: NotionServer) -> None:
    page = server.add_page("Team")
    local = {"type": "image", "image": {"type": "external", "external": {"url": "images/chart.png"}}}
    upload = {"type": "image", "image": {"type": "file", "file": {"url": "https://example.com/x.png"}}}

    _assert_validation_error(_request(server, "PATCH", f"/v1/blocks/{page}/children", json={"children": [local]}), "external.url")
    _assert_validation_error(_request(server, "PATCH", f"/v1/blocks/{page}/children", json={"children": [upload]}), "external")


def test_double_checks_database_properties(server: NotionServer) -> None:
    database = server.add_database("Docs", title_property="Doc title")
    parent = {"type": "database_id", "database_id": database}
    title = [{"type": "text", "text": {"content": "Plan"}}]

    by_name = _request(server, "POST", "/v1/pages", json={"parent": parent, "properties": {"Doc title": {"title": title}}})
    by_id = _request(server, "POST", "/v1/pages", json={"parent": parent, "properties": {"title": {"title": title}}})
    unknown = _request(server, "POST", "/v1/pages", json={"parent": parent, "properties": {"Name": {"title": title}}})

    assert by_name.status_code == 200
    assert by_id.status_code == 200
    _assert_validation_error(unknown, "Name is not a property that exists.")

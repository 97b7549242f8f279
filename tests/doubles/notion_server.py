"""A loopback HTTP server that stores pages and blocks and responds like Notion's REST API (version 2022-06-28).

Shapes follow developers.notion.com: page and block objects, paginated
lists ``{"object": "list", "results", "next_cursor", "has_more"}`` and
errors ``{"object": "error", "status", "code", "message"}``. The server
enforces the limits Piper must respect and rejects a violation with 400
validation_error, as Notion does. The limits are 100 children per array,
two levels of nesting, 1,000 block elements and 500 KB per request,
2,000 characters per text content and 100 rich text elements. Code
languages must come from Notion's enum, and links and images need
absolute URLs.

Tests script failures with :meth:`NotionServer.script`: each matching
request takes the next :class:`Fault`, which may fail before applying
the request (nothing changes) or after applying it (the change is kept but
the client sees a failure), so tests can check that nothing is duplicated.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from piper.integrations.notion.languages import NOTION_LANGUAGES
from tests.doubles.loopback import QuietHandler, bind_handler


MAX_REQUEST_BLOCKS = 1000
MAX_REQUEST_BYTES = 500_000
"""Notion's limits per request: block elements at every level, and the size of the body (developers.notion.com, "Request limits")."""

TOKEN = "secret_double_0123456789abcdefghijklmnopqrstuvwxyz"
"""The token the double accepts; tests assert it never appears in Piper's output or logs."""

FaultKind = Literal["error", "drop", "slow", "invalid_json", "html", "json"]


@dataclass
class Fault:
    """A scripted failure for one request.

    ``after_apply`` makes the server change its state first, so the client
    sees a failure for a request that did land. ``delay`` seconds pass
    before the response (a ``slow`` fault with a delay past the client's
    timeout is a timeout).
    """

    kind: FaultKind = "error"
    status: int = 500
    code: str = "internal_server_error"
    message: str = "Unexpected error occurred."
    headers: dict[str, str] = field(default_factory=dict)
    after_apply: bool = False
    delay: float = 0.0
    body: Any = None
    """The JSON document a ``json`` fault returns with HTTP 200, for responses of the wrong shape."""


def error(status: int, code: str, message: str = "", *, after_apply: bool = False, **headers: str) -> Fault:
    header_map = {name.replace("_", "-"): value for name, value in headers.items()}
    return Fault("error", status, code, message or f"{code} from the double", header_map, after_apply)


def rate_limited(retry_after: str = "0") -> Fault:
    return error(429, "rate_limited", "You have been rate limited. Please try again in a few minutes.", retry_after=retry_after)


def timeout(seconds: float, *, after_apply: bool = False) -> Fault:
    return Fault("slow", delay=seconds, after_apply=after_apply)


def drop(*, after_apply: bool = False) -> Fault:
    return Fault("drop", after_apply=after_apply)


def invalid_json(*, after_apply: bool = False) -> Fault:
    return Fault("invalid_json", after_apply=after_apply)


def wrong_shape(body: Any, *, after_apply: bool = False) -> Fault:
    """Valid JSON with HTTP 200 that lacks what the documented response has."""
    return Fault("json", body=body, after_apply=after_apply)


def html_page(status: int = 502) -> Fault:
    """A proxy's HTML error page instead of Notion's JSON."""
    return Fault("html", status=status)


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


class ValidationFailed(Exception):
    pass


class NotionServer:
    """A threaded HTTP server on 127.0.0.1 with a random port. Use as a context manager."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.requests: list[RecordedRequest] = []
        self.pages: dict[str, dict[str, Any]] = {}
        self.databases: dict[str, dict[str, Any]] = {}
        self.blocks: dict[str, dict[str, Any]] = {}
        self.children: dict[str, list[str]] = {}
        self.restricted: set[str] = set()
        self.search_page_size: int | None = None
        """Caps the results per search response, to force pagination in tests."""

        self.list_page_size: int | None = None
        """Caps the results per block-children response, to force pagination in tests."""

        self._faults: list[tuple[str, re.Pattern[str], deque[Fault]]] = []
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), bind_handler(_Handler, self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), name="notion-double", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> NotionServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # --- Test set-up and inspection --------------------------------------------------

    def add_page(self, title: str, *, parent_id: str | None = None, edited: str | None = None) -> str:
        """Create a page shared with the integration and return its ID."""
        with self._lock:
            parent = {"type": "page_id", "page_id": parent_id} if parent_id else {"type": "workspace", "workspace": True}
            return self._create_page(parent, title, edited=edited)

    def add_database(self, title: str, *, title_property: str = "Name") -> str:
        with self._lock:
            database_id = str(uuid.uuid4())
            now = _now()
            self.databases[database_id] = {
                "object": "database",
                "id": database_id,
                "created_time": now,
                "last_edited_time": now,
                "title": [_text_item(title)],
                "properties": {title_property: {"id": "title", "name": title_property, "type": "title", "title": {}}},
                "url": _url(title, database_id),
                "parent": {"type": "workspace", "workspace": True},
            }
            self.children[database_id] = []
            return database_id

    def restrict(self, object_id: str) -> None:
        """Make requests for the object return 403 restricted_resource, as a page not shared with the integration does."""
        self.restricted.add(object_id)

    def script(self, method: str, path_pattern: str, *faults: Fault) -> None:
        """Answer the next requests matching ``method`` and the regular expression ``path_pattern`` with ``faults``."""
        with self._lock:
            self._faults.append((method, re.compile(path_pattern), deque(faults)))

    def tree(self, block_id: str) -> list[tuple[str, str, list[Any]]]:
        """Return the children of ``block_id`` as nested ``(type, text, children)`` tuples, in order."""
        with self._lock:
            return [self._node(child_id) for child_id in self.children.get(block_id, [])]

    def count(self, method: str, pattern: str = "") -> int:
        return sum(1 for request in self.requests if request.method == method and re.search(pattern, request.path))

    def wait(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    def _node(self, block_id: str) -> tuple[str, str, list[Any]]:
        block = self.blocks[block_id]
        kind = block["type"]
        body = block[kind]
        if kind == "table_row":
            text = " | ".join("".join(item["plain_text"] for item in cell) for cell in body["cells"])
        elif kind == "child_page":
            text = body["title"]
        elif kind == "image":
            text = body["external"]["url"]
        else:
            text = "".join(item["plain_text"] for item in body.get("rich_text", []))
        return (kind, text, [self._node(child) for child in self.children.get(block_id, [])])

    # --- The API -------------------------------------------------------------------

    def next_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for rule_method, pattern, faults in self._faults:
                if rule_method == method and pattern.search(path) and faults:
                    return faults.popleft()
        return None

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, dict[str, Any]]:
        with self._lock:
            try:
                return self._route(method, path, query, body)
            except ValidationFailed as problem:
                return 400, _error(400, "validation_error", str(problem))

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, dict[str, Any]]:
        parts = path.strip("/").split("/")
        if len(parts) >= 3 and parts[0] == "v1" and parts[1] in _ID_PATHS and not _UUID.match(parts[2]):
            raise ValidationFailed(f"path failed validation: path.{_ID_PATHS[parts[1]]} should be a valid uuid, instead was `\"{parts[2]}\"`.")
        if method == "POST" and parts == ["v1", "pages"]:
            return self._post_page(body)
        if method == "GET" and len(parts) == 3 and parts[:2] == ["v1", "pages"]:
            return self._get_page(parts[2])
        if len(parts) == 4 and parts[:2] == ["v1", "blocks"] and parts[3] == "children":
            if method == "GET":
                return self._get_children(parts[2], query)
            if method == "PATCH":
                return self._append_children(parts[2], body)
        if method == "POST" and parts == ["v1", "search"]:
            return self._search(body)
        if method == "POST" and len(parts) == 4 and parts[:2] == ["v1", "databases"] and parts[3] == "query":
            return self._query_database(parts[2], body)
        return 400, _error(400, "invalid_request_url", "Invalid request URL.")

    def _check_access(self, object_id: str, kind: str, known: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]] | None:
        if object_id in self.restricted:
            return 403, _error(403, "restricted_resource", "API token does not have access to this resource.")
        if object_id not in (self.children if known is None else known):
            message = f"Could not find {kind} with ID: {object_id}. Make sure the relevant pages and databases are shared with your integration."
            return 404, _error(404, "object_not_found", message)
        return None

    def _post_page(self, body: Any) -> tuple[int, dict[str, Any]]:
        if not isinstance(body, dict) or not isinstance(body.get("parent"), dict):
            raise ValidationFailed("body failed validation: body.parent should be defined, instead was `undefined`.")
        parent = body["parent"]
        # A database ID given as a page_id parent, or the reverse, is not found as that kind of object.
        if "page_id" in parent:
            denied = self._check_access(parent["page_id"], "page", self.pages)
        elif "database_id" in parent:
            denied = self._check_access(parent["database_id"], "database", self.databases)
        else:
            raise ValidationFailed("body failed validation: body.parent.page_id should be defined, instead was `undefined`.")
        if denied:
            return denied

        properties = body.get("properties")
        if not isinstance(properties, dict) or len(properties) != 1:
            raise ValidationFailed("body failed validation: body.properties should hold only the title.")
        [(key, value)] = properties.items()
        # Notion takes a property's name or its ID, and a title property's ID is always "title".
        schema = self.databases[parent["database_id"]]["properties"] if "database_id" in parent else {}
        if key != "title" and schema.get(key, {}).get("type") != "title":
            raise ValidationFailed(f"{key} is not a property that exists.")
        title_items = value.get("title") if isinstance(value, dict) else None
        _check_rich_text(title_items, f"body.properties.{key}.title")
        children = body.get("children", [])
        _check_children(children, "body.children", depth=1)
        _check_block_count(children)

        title = "".join(item["text"]["content"] for item in title_items)
        page_id = self._create_page(parent, title)
        self._insert(page_id, children)
        return 200, self.pages[page_id]

    def _get_page(self, page_id: str) -> tuple[int, dict[str, Any]]:
        if page_id not in self.pages:
            return 404, _error(404, "object_not_found", f"Could not find page with ID: {page_id}.")
        return 200, self.pages[page_id]

    def _get_children(self, block_id: str, query: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        denied = self._check_access(block_id, "block")
        if denied:
            return denied
        size = min(_page_size(query.get("page_size", ["100"])[0], "query.page_size"), self.list_page_size or 100)
        ids = self.children[block_id]
        start = int(query.get("start_cursor", ["0"])[0] or 0)
        return 200, _list([self.blocks[child] for child in ids[start : start + size]], start + size, len(ids))

    def _append_children(self, block_id: str, body: Any) -> tuple[int, dict[str, Any]]:
        denied = self._check_access(block_id, "block")
        if denied:
            return denied
        if not isinstance(body, dict) or not isinstance(body.get("children"), list):
            raise ValidationFailed("body failed validation: body.children should be an array, instead was `undefined`.")
        _check_children(body["children"], "body.children", depth=1)
        _check_block_count(body["children"])
        parent = self.blocks.get(block_id)
        if parent is not None and parent["type"] not in _MAY_HAVE_CHILDREN | {"child_page"}:
            raise ValidationFailed(f"Block type {parent['type']} does not support children.")
        if parent is not None and parent["type"] == "table":
            if any(child.get("type") != "table_row" for child in body["children"]):
                raise ValidationFailed("Table blocks can only contain table_row children.")
            width = parent["table"]["table_width"]
            if any(len(child["table_row"].get("cells", [])) != width for child in body["children"]):
                raise ValidationFailed(f"Number of cells in table row must match the table width of {width}.")
        created = self._insert(block_id, body["children"])
        return 200, _list([self.blocks[child] for child in created], len(created), len(created))

    def _search(self, body: Any) -> tuple[int, dict[str, Any]]:
        body = body if isinstance(body, dict) else {}
        query = str(body.get("query") or "").lower()
        size = min(_page_size(body.get("page_size", 100), "body.page_size"), self.search_page_size or 100)
        sort = body.get("sort")
        if sort is not None and (sort.get("timestamp") != "last_edited_time" or sort.get("direction") not in ("ascending", "descending")):
            raise ValidationFailed(f"body failed validation: body.sort should be a last_edited_time sort, instead was `{json.dumps(sort)}`.")
        start = int(body.get("start_cursor") or 0)
        objects = [*self.pages.values(), *self.databases.values()]
        matches = [item for item in objects if query in _title_of(item).lower()]
        matches.sort(key=lambda item: item["last_edited_time"], reverse=True)
        return 200, _list(matches[start : start + size], start + size, len(matches), kind="page_or_database")

    def _query_database(self, database_id: str, body: Any) -> tuple[int, dict[str, Any]]:
        denied = self._check_access(database_id, "database")
        if denied:
            return denied
        _page_size((body or {}).get("page_size", 100), "body.page_size")
        since = ((body or {}).get("filter") or {}).get("created_time", {}).get("on_or_after")
        pages = [page for page in self.pages.values() if page["parent"].get("database_id") == database_id]
        if since:
            floor = dt.datetime.fromisoformat(since.replace("Z", "+00:00"))
            pages = [page for page in pages if _parse(page["created_time"]) >= floor]
        pages.sort(key=lambda page: page["created_time"], reverse=True)
        return 200, _list(pages, len(pages), len(pages))

    # --- State ------------------------------------------------------------------------

    def _create_page(self, parent: dict[str, Any], title: str, *, edited: str | None = None) -> str:
        page_id = str(uuid.uuid4())
        now = _now()
        title_property = "title"
        if parent.get("database_id"):
            title_property = next(iter(self.databases[parent["database_id"]]["properties"]))
        self.pages[page_id] = {
            "object": "page",
            "id": page_id,
            "created_time": now,
            "last_edited_time": edited or now,
            "archived": False,
            "parent": parent,
            "properties": {title_property: {"id": "title", "type": "title", "title": [_text_item(title)]}},
            "url": _url(title, page_id),
        }
        self.children[page_id] = []
        if parent.get("page_id"):
            block = {"object": "block", "id": page_id, "type": "child_page", "child_page": {"title": title},
                     "created_time": now, "last_edited_time": now, "has_children": False}
            self.blocks[page_id] = block
            self.children[parent["page_id"]].append(page_id)
        return page_id

    def _insert(self, parent_id: str, children: list[dict[str, Any]]) -> list[str]:
        created = []
        for child in children:
            kind = child["type"]
            body = dict(child[kind])
            grandchildren = body.pop("children", [])
            for key in ("rich_text", "caption"):
                if key in body:
                    body[key] = [_stored_item(item) for item in body[key]]
            if kind == "table_row":
                body["cells"] = [[_stored_item(item) for item in cell] for cell in body["cells"]]
            block_id = str(uuid.uuid4())
            now = _now()
            self.blocks[block_id] = {"object": "block", "id": block_id, "type": kind, kind: body, "created_time": now,
                                     "last_edited_time": now, "has_children": bool(grandchildren)}
            self.children[block_id] = []
            self.children[parent_id].append(block_id)
            if parent_id in self.blocks:
                self.blocks[parent_id]["has_children"] = True
            self._insert(block_id, grandchildren)
            created.append(block_id)
        return created


# --- Validation as Notion does it ------------------------------------------------------------

_TEXT_TYPES = {"paragraph", "heading_1", "heading_2", "heading_3", "bulleted_list_item", "numbered_list_item", "to_do", "quote", "code"}
_MAY_HAVE_CHILDREN = {"paragraph", "bulleted_list_item", "numbered_list_item", "to_do", "quote", "table"}


def _check_children(children: Any, where: str, *, depth: int) -> None:
    if not isinstance(children, list):
        raise ValidationFailed(f"body failed validation: {where} should be an array.")
    if len(children) > 100:
        raise ValidationFailed(f"body failed validation: {where}.length should be ≤ `100`, instead was `{len(children)}`.")
    for index, child in enumerate(children):
        place = f"{where}[{index}]"
        kind = child.get("type") if isinstance(child, dict) else None
        if not kind or not isinstance(child.get(kind), dict):
            raise ValidationFailed(f"body failed validation: {place} should be a block object.")
        body = child[kind]
        if kind in _TEXT_TYPES:
            _check_rich_text(body.get("rich_text"), f"{place}.{kind}.rich_text")
        if kind == "code" and body.get("language") not in NOTION_LANGUAGES:
            raise ValidationFailed(f"body failed validation: {place}.code.language should be a Notion language, instead was `{body.get('language')}`.")
        if kind == "image":
            _check_external_file(body, f"{place}.image")
        if kind == "table_row":
            for cell in body.get("cells", []):
                _check_rich_text(cell, f"{place}.table_row.cells")
        grandchildren = body.get("children")
        if kind == "table":
            width = body.get("table_width")
            if not grandchildren:
                raise ValidationFailed(f"body failed validation: {place}.table.children should be defined, instead was `undefined`.")
            for row in grandchildren:
                if row.get("type") != "table_row" or len(row["table_row"]["cells"]) != width:
                    raise ValidationFailed(f"Number of cells in table row must match the table width of {width}.")
        if grandchildren:
            if kind not in _MAY_HAVE_CHILDREN:
                raise ValidationFailed(f"body failed validation: {place}.{kind}.children should not be present.")
            if depth >= 2:
                raise ValidationFailed(f"body failed validation: {place}.{kind}.children should be not present, instead was `{len(grandchildren)}` (more than two levels of nesting).")
            _check_children(grandchildren, f"{place}.{kind}.children", depth=depth + 1)


_ID_PATHS = {"pages": "page_id", "blocks": "block_id", "databases": "database_id"}
_UUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")


def _page_size(value: Any, where: str) -> int:
    try:
        size = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(f"body failed validation: {where} should be a number, instead was `{value}`.") from None
    if not 1 <= size <= 100:
        raise ValidationFailed(f"body failed validation: {where} should be ≤ `100` and ≥ `1`, instead was `{size}`.")
    return size


def _check_external_file(body: dict[str, Any], where: str) -> None:
    # The API creates file blocks only from external URLs; uploads use a separate endpoint.
    if body.get("type") != "external" or not isinstance(body.get("external"), dict):
        raise ValidationFailed(f"body failed validation: {where}.external should be defined, instead was `undefined`.")
    url = body["external"].get("url")
    if not isinstance(url, str) or not re.match(r"^https?://", url) or len(url) > 2000:
        raise ValidationFailed(f"body failed validation: {where}.external.url should be a valid URL, instead was `{url}`.")
    if "caption" in body:
        _check_rich_text(body["caption"], f"{where}.caption")


def _count_blocks(children: list[dict[str, Any]]) -> int:
    return sum(1 + _count_blocks(child[child["type"]].get("children") or []) for child in children)


def _check_block_count(children: list[dict[str, Any]]) -> None:
    count = _count_blocks(children)
    if count > MAX_REQUEST_BLOCKS:
        raise ValidationFailed(f"body failed validation: the request contains {count} block elements, more than the limit of {MAX_REQUEST_BLOCKS}.")


def _check_rich_text(items: Any, where: str) -> None:
    if not isinstance(items, list):
        raise ValidationFailed(f"body failed validation: {where} should be an array.")
    if len(items) > 100:
        raise ValidationFailed(f"body failed validation: {where}.length should be ≤ `100`, instead was `{len(items)}`.")
    for item in items:
        content = item.get("text", {}).get("content")
        if not isinstance(content, str):
            raise ValidationFailed(f"body failed validation: {where}.text.content should be a string.")
        units = len(content.encode("utf-16-le")) // 2
        if units > 2000:
            raise ValidationFailed(f"body failed validation: {where}.text.content.length should be ≤ `2000`, instead was `{units}`.")
        link = item["text"].get("link")
        if link is not None and not re.match(r"^(https?://|mailto:)", str(link.get("url", ""))):
            raise ValidationFailed(f"Invalid URL for link: {link.get('url')}")


# --- JSON shapes --------------------------------------------------------------------------


def _now() -> str:
    # Notion rounds created_time and last_edited_time down to the minute.
    return dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0).isoformat().replace("+00:00", ".000Z")


def _parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _url(title: str, object_id: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-")
    return f"https://www.notion.so/{slug + '-' if slug else ''}{object_id.replace('-', '')}"


def _text_item(text: str) -> dict[str, Any]:
    return _stored_item({"type": "text", "text": {"content": text}})


def _stored_item(item: dict[str, Any]) -> dict[str, Any]:
    annotations = {"bold": False, "italic": False, "strikethrough": False, "underline": False, "code": False, "color": "default"}
    annotations.update(item.get("annotations") or {})
    text = item["text"]
    link = text.get("link")
    return {"type": "text", "text": {"content": text["content"], "link": link}, "annotations": annotations,
            "plain_text": text["content"], "href": link["url"] if link else None}


def _title_of(item: dict[str, Any]) -> str:
    if item["object"] == "database":
        return "".join(part["plain_text"] for part in item["title"])
    title = next(value for value in item["properties"].values() if value["type"] == "title")
    return "".join(part["plain_text"] for part in title["title"])


def _list(results: list[dict[str, Any]], next_start: int, total: int, *, kind: str = "block") -> dict[str, Any]:
    has_more = next_start < total
    return {"object": "list", "results": results, "next_cursor": str(next_start) if has_more else None,
            "has_more": has_more, "type": kind, kind: {}}


def _error(status: int, code: str, message: str) -> dict[str, Any]:
    return {"object": "error", "status": status, "code": code, "message": message}


# --- HTTP -----------------------------------------------------------------------------------


class _Handler(QuietHandler):
    double: NotionServer

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            body = {"_raw": raw.decode("utf-8", "replace")}
        split = urlsplit(self.path)
        headers = {name.lower(): value for name, value in self.headers.items()}
        with self.double._lock:
            self.double.requests.append(RecordedRequest(method, split.path, headers, body))

        if headers.get("authorization") != f"Bearer {self.double.token}":
            self._send_json(401, _error(401, "unauthorized", "API token is invalid."))
            return
        if headers.get("notion-version") != "2022-06-28":
            self._send_json(400, _error(400, "missing_version", "Notion-Version header failed validation."))
            return

        if len(raw) > MAX_REQUEST_BYTES:
            message = f"body failed validation: the request body is {len(raw)} bytes, more than the limit of {MAX_REQUEST_BYTES}."
            self._send_json(400, _error(400, "validation_error", message))
            return

        fault = self.double.next_fault(method, split.path)
        if fault is not None and fault.after_apply:
            self.double.handle(method, split.path, parse_qs(split.query), body)
        if fault is None:
            status, payload = self.double.handle(method, split.path, parse_qs(split.query), body)
            self._send_json(status, payload)
            return

        if fault.delay:
            self.double.wait(fault.delay)
        if fault.kind == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif fault.kind == "slow":
            self.close_connection = True
        elif fault.kind == "invalid_json":
            self._send_raw(200, b'{"object": "page", "id": "a0b1', "application/json")
        elif fault.kind == "json":
            self._send_raw(200, json.dumps(fault.body).encode(), "application/json")
        elif fault.kind == "html":
            self._send_raw(fault.status, b"<html><body>Bad gateway</body></html>", "text/html")
        else:
            self._send_json(fault.status, _error(fault.status, fault.code, fault.message), fault.headers)

    def _send_json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        self._send_raw(status, json.dumps(payload).encode(), "application/json", headers)

    def _send_raw(self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

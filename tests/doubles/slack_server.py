"""A loopback HTTP server that responds like Slack's Web API, for slack-sdk clients pointed at it.

The shapes follow Slack's Web API documentation: every method returns
HTTP 200 with ``{"ok": true, ...}`` or ``{"ok": false, "error": "code"}``;
a rate-limited call gets HTTP 429 with a ``Retry-After`` header (in
seconds) and ``{"ok": false, "error": "ratelimited"}``; list methods page
with ``limit``, ``cursor`` and ``response_metadata.next_cursor``; a token
goes in ``Authorization: Bearer``. Methods: ``auth.test``,
``conversations.list``, ``conversations.history`` and
``chat.postMessage``, which checks membership and archiving like Slack.

Tests script failures per method with :meth:`SlackServer.fail`. A
failure with ``process=True`` carries the call out first and then fails
the response, which is how a post can succeed while the client sees a
timeout or HTTP 5xx.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from tests.doubles.loopback import QuietHandler, bind_handler

BOT_TOKEN = "xoxb-1111-2222-double-bot-token-7f3a"
REVOKED_TOKEN = "xoxb-9999-revoked-token"

FaultKind = Literal["error", "ratelimited", "http_error", "slow", "drop", "malformed", "no_ok"]


@dataclass
class Fault:
    """One scripted failure of the next call to a method.

    ``error`` returns ``{"ok": false, "error": code}``; ``ratelimited`` returns
    HTTP 429 with ``Retry-After: retry_after``; ``http_error`` returns
    ``status`` with an HTML body; ``slow`` carries the call out and waits
    ``delay`` seconds before responding; ``drop`` closes the connection
    without a response; ``malformed`` returns HTTP 200 with a body that is
    not JSON; ``no_ok`` returns a JSON object without the ``ok`` field.
    """

    kind: FaultKind
    code: str = ""
    status: int = 500
    retry_after: int = 0
    delay: float = 0.0
    process: bool = False
    """Carry the call out before failing the response."""


@dataclass
class Call:
    method: str
    http_method: str
    headers: dict[str, str]
    arguments: dict[str, Any]


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    is_archived: bool = False
    is_member: bool = True
    messages: list[dict[str, Any]] = field(default_factory=list)


class SlackServer:
    """A threaded Slack Web API double on 127.0.0.1 with a random port. Use as a context manager."""

    def __init__(self, *, page_size: int = 2) -> None:
        self.tokens = {BOT_TOKEN}
        self.revoked_tokens = {REVOKED_TOKEN}
        self.page_size = page_size
        self.scopes: set[str] = {"chat:write", "channels:read", "groups:read", "channels:history", "groups:history"}
        self.channels: dict[str, Channel] = {}
        self.calls: list[Call] = []
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._last_ts = 0.0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), bind_handler(_Handler, self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), name="slack-double", daemon=True)
        for index, name in enumerate(["general", "random", "team-standup", "design", "eng"]):
            self.add_channel(f"C0{index:08d}", name)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api/"

    def add_channel(self, channel_id: str, name: str, **flags: bool) -> Channel:
        channel = Channel(channel_id, name, **flags)
        self.channels[channel_id] = channel
        return channel

    def channel(self, name: str) -> Channel:
        return next(channel for channel in self.channels.values() if channel.name == name)

    def fail(self, method: str, *faults: Fault) -> None:
        """Make the next calls of ``method`` fail, one fault per call, in order."""
        with self._lock:
            self._faults[method].extend(faults)

    def next_fault(self, method: str) -> Fault | None:
        with self._lock:
            queue = self._faults.get(method)
            return queue.popleft() if queue else None

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    def next_ts(self) -> str:
        """Return a new message ts: the current Unix time in microseconds, unique within this server like Slack's."""
        with self._lock:
            self._last_ts = max(time.time(), self._last_ts + 0.000001)
            return f"{self._last_ts:.6f}"

    def wait(self, seconds: float) -> None:
        """Sleep up to ``seconds``, returning early when the server stops so shutdown never hangs."""
        self._stopping.wait(seconds)

    def __enter__(self) -> SlackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # --- The Web API methods -------------------------------------------------------

    def handle(self, method: str, token: str | None, arguments: dict[str, Any]) -> dict[str, Any]:
        if token is None:
            return {"ok": False, "error": "not_authed"}
        if token in self.revoked_tokens:
            return {"ok": False, "error": "token_revoked"}
        if token not in self.tokens:
            return {"ok": False, "error": "invalid_auth"}

        handler = {
            "auth.test": self._auth_test,
            "conversations.list": self._conversations_list,
            "conversations.history": self._conversations_history,
            "chat.postMessage": self._post_message,
        }.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        return handler(arguments)

    def _needs(self, scope: str) -> dict[str, Any] | None:
        if scope in self.scopes:
            return None
        return {"ok": False, "error": "missing_scope", "needed": scope, "provided": ",".join(sorted(self.scopes))}

    def _auth_test(self, arguments: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://acme.slack.com/", "team": "Acme", "user": "piper", "team_id": "T0001", "user_id": "U0PIPER", "bot_id": "B0PIPER"}

    def _conversations_list(self, arguments: dict[str, Any]) -> dict[str, Any]:
        missing = self._needs("channels:read")
        if missing:
            return missing
        types = set(str(arguments.get("types") or "public_channel").split(","))
        listed = [
            channel for channel in self.channels.values()
            if ("private_channel" if channel.is_private else "public_channel") in types
            and not (channel.is_archived and str(arguments.get("exclude_archived")).lower() in ("true", "1"))
            # Slack lists a private channel only to its members.
            and (channel.is_member or not channel.is_private)
        ]
        limit = min(int(arguments.get("limit") or 100), self.page_size)
        start = int(arguments.get("cursor") or 0) if str(arguments.get("cursor") or "0").isdigit() else -1
        if start < 0:
            return {"ok": False, "error": "invalid_cursor"}
        page = listed[start:start + limit]
        next_cursor = str(start + limit) if start + limit < len(listed) else ""
        return {
            "ok": True,
            "channels": [
                {"id": channel.id, "name": channel.name, "name_normalized": channel.name, "is_channel": not channel.is_private,
                 "is_private": channel.is_private, "is_archived": channel.is_archived, "is_member": channel.is_member}
                for channel in page
            ],
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _conversations_history(self, arguments: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(str(arguments.get("channel")))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        missing = self._needs("groups:history" if channel.is_private else "channels:history")
        if missing:
            return missing
        if not channel.is_member:
            return {"ok": False, "error": "not_in_channel"}
        oldest = float(arguments.get("oldest") or 0)
        include_metadata = str(arguments.get("include_all_metadata")).lower() in ("true", "1")
        # Newest first, as Slack returns them.
        messages = [message for message in reversed(channel.messages) if float(message["ts"]) > oldest]
        limit = min(int(arguments.get("limit") or 100), self.page_size)
        start = int(arguments.get("cursor") or 0)
        page = messages[start:start + limit]
        shown = [{key: value for key, value in message.items() if key != "metadata" or include_metadata} for message in page]
        more = start + limit < len(messages)
        return {"ok": True, "messages": shown, "has_more": more, "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    def _post_message(self, arguments: dict[str, Any]) -> dict[str, Any]:
        missing = self._needs("chat:write")
        if missing:
            return missing
        channel = self.channels.get(str(arguments.get("channel")))
        if channel is None or (channel.is_private and not channel.is_member):
            return {"ok": False, "error": "channel_not_found"}
        if channel.is_archived:
            return {"ok": False, "error": "is_archived"}
        if not channel.is_member:
            return {"ok": False, "error": "not_in_channel"}
        text = arguments.get("text")
        blocks = arguments.get("blocks")
        if not text and not blocks:
            return {"ok": False, "error": "no_text"}
        if isinstance(text, str) and len(text) > 40_000:
            return {"ok": False, "error": "msg_too_long"}
        for block in blocks or []:
            if len(((block or {}).get("text") or {}).get("text") or "") > 3000:
                return {"ok": False, "error": "invalid_blocks", "errors": ["must be less than 3001 characters [json-pointer:/blocks/0/text/text]"]}

        message: dict[str, Any] = {"type": "message", "user": "U0PIPER", "bot_id": "B0PIPER", "text": text or "", "ts": self.next_ts()}
        if blocks:
            message["blocks"] = blocks
        if arguments.get("metadata"):
            message["metadata"] = arguments["metadata"]
        if arguments.get("thread_ts"):
            message["thread_ts"] = arguments["thread_ts"]
        with self._lock:
            channel.messages.append(message)
        return {"ok": True, "channel": channel.id, "ts": message["ts"], "message": {key: value for key, value in message.items() if key != "metadata"}}


class _Handler(QuietHandler):
    double: SlackServer

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, http_method: str) -> None:
        parts = urlsplit(self.path)
        method = parts.path.rsplit("/", 1)[-1]
        arguments: dict[str, Any] = dict(parse_qsl(parts.query))
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        content_type = (self.headers.get("content-type") or "").split(";")[0].strip()
        if raw and content_type == "application/json":
            arguments.update(json.loads(raw))
        elif raw:
            arguments.update(parse_qsl(raw.decode("utf-8")))

        headers = {key.lower(): value for key, value in self.headers.items()}
        self.double.record(Call(method, http_method, headers, arguments))
        authorization = headers.get("authorization", "")
        token = authorization.removeprefix("Bearer ").strip() if authorization.startswith("Bearer ") else arguments.get("token")

        fault = self.double.next_fault(method)
        if fault is None:
            self._send_json(200, self.double.handle(method, token, arguments))
            return

        result: dict[str, Any] = {}
        if fault.process or fault.kind == "slow":
            result = self.double.handle(method, token, arguments)
        if fault.kind == "slow":
            self.double.wait(fault.delay)
            self._send_json(200, result)
        elif fault.kind == "error":
            self._send_json(200, {"ok": False, "error": fault.code})
        elif fault.kind == "ratelimited":
            self._send_json(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(fault.retry_after)})
        elif fault.kind == "http_error":
            self._send_raw(fault.status, b"<html><body><h1>Internal Server Error</h1></body></html>", "text/html")
        elif fault.kind == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif fault.kind == "malformed":
            self._send_raw(200, b'{"ok": true, "channel": "C0', "application/json")
        elif fault.kind == "no_ok":
            self._send_json(200, {"channel": "C000", "warning": "superfluous_charset"})

    def _send_json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        self._send_raw(status, json.dumps(payload).encode(), "application/json; charset=utf-8", headers)

    def _send_raw(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (a timeout test), so there is no one to send the response to.
            pass


def wait_for(condition: Any, seconds: float = 2.0) -> bool:
    """Poll ``condition`` until it is true or ``seconds`` pass; for state the server thread changes."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return bool(condition())

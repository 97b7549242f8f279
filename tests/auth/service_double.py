"""One loopback HTTP server that serves the credential checks of all five services.

Paths are prefixed by service (``/github/user``, ``/slack/api/auth.test``,
``/notion/v1/users/me``, ``/anthropic/v1/models``, ``/openai/v1/models``)
so each service's base URL variable points at its own prefix. A request
with the service's valid token gets the documented success shape; any
other token gets the service's documented rejection (HTTP 401, or Slack's
HTTP 200 with ``{"ok": false, "error": "invalid_auth"}``). ``overrides``
replaces the answer for one service: a status code, a raw body or a delay.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.doubles.loopback import QuietHandler

VALID_TOKENS = {
    "github": "ghp_validGithubToken0001",
    "slack": "xoxb-valid-slack-token-0002",
    "notion": "secret_validNotionToken0003",
    "anthropic": "sk-ant-valid-key-0004",
    "openai": "sk-valid-openai-key-0005",
}

BASE_URL_VARIABLES = {
    "github": ("PIPER_GITHUB_API_URL", "/github"),
    "slack": ("PIPER_SLACK_API_URL", "/slack/api/"),
    "notion": ("PIPER_NOTION_API_URL", "/notion"),
    "anthropic": ("ANTHROPIC_BASE_URL", "/anthropic"),
    "openai": ("OPENAI_BASE_URL", "/openai/v1"),
}


@dataclass
class Override:
    status: int = 200
    body: bytes | None = None
    headers: dict[str, str] | None = None
    delay: float = 0.0


class ServiceDouble:
    def __init__(self) -> None:
        self.overrides: dict[str, Override] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def environment(self) -> dict[str, str]:
        """Return the base URL variables that point every service at this double."""
        return {variable: self.url + prefix for variable, prefix in BASE_URL_VARIABLES.values()}

    def __enter__(self) -> ServiceDouble:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def answer(self, path: str, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        self.requests.append((path, headers))
        service = path.strip("/").split("/", 1)[0]
        override = self.overrides.get(service)
        if override is not None:
            self._stopping.wait(override.delay)
            if override.body is not None or override.status != 200:
                return override.status, override.body or b"{}", override.headers or {}

        token = headers.get("x-api-key") or headers.get("authorization", "").removeprefix("Bearer ")
        valid = token == VALID_TOKENS.get(service)
        if service == "slack":
            body = {"ok": True, "user": "piper", "team": "Acme", "user_id": "U1"} if valid else {"ok": False, "error": "invalid_auth"}
            return 200, json.dumps(body).encode(), {}
        if not valid:
            return 401, json.dumps({"message": "Bad credentials"}).encode(), {}
        body: dict[str, Any] = {
            "github": {"login": "octocat", "id": 1},
            "notion": {"object": "user", "id": "u1", "name": "Piper bot", "type": "bot"},
            "anthropic": {"data": [{"id": "claude-x", "type": "model"}], "has_more": False},
            "openai": {"object": "list", "data": [{"id": "gpt-x", "object": "model"}]},
        }[service]
        return 200, json.dumps(body).encode(), {}


def _handler_class(double: ServiceDouble) -> type[BaseHTTPRequestHandler]:
    class Handler(QuietHandler):
        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            if length:
                self.rfile.read(length)
            self._serve()

        def _serve(self) -> None:
            status, body, headers = double.answer(self.path, {key.lower(): value for key, value in self.headers.items()})
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler

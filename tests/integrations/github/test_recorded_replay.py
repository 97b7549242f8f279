"""Piper against recorded GitHub traffic served verbatim, a check independent of the stateful double.

The replay server below keeps no state and builds no headers: it returns
the recorded status, headers (``Link`` and ``X-RateLimit-*`` included) and
body for a request whose method, path and query match a recording. Only
the recorded API host is rewritten to the loopback server. A request that
matches no recording gets GitHub's 404 body, so Piper passes these tests
only by sending what the recorded clients sent.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from piper.integrations.github import ClientOptions, GitHubClient, search_issues
from tests.cli_runner import Runner, run_piper  # noqa: F401 - fixture
from tests.doubles.github_server import RECORDED_API, load_exchanges

TOKEN = "ghp_replaytoken00000000000000000000000001"


class ReplayServer:
    """Serves the exchanges of ``tests/fixtures/github/NAME.json`` as recorded."""

    def __init__(self, *names: str) -> None:
        self.exchanges = [exchange for name in names for exchange in load_exchanges(name)]
        self.requests: list[tuple[str, str, Any]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def api_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def find(self, method: str, target: str) -> dict[str, Any] | None:
        """Return the recording of ``method target``, or None.

        A followed page (a query with ``page``) must match the recorded query
        exactly. A first request matches when it contains every recorded
        parameter except ``per_page``, because Piper adds its filters and
        requests 100 per page where the recording requested 3.
        """
        path, query = _split(target)
        for exchange in self.exchanges:
            recorded_path, recorded_query = _split(exchange["request"]["path"])
            if exchange["request"]["method"] != method or recorded_path != path:
                continue
            if "page" in query and recorded_query == query:
                return exchange
            if "page" not in query and _without_per_page(recorded_query) <= _without_per_page(query):
                return exchange
        return None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        replay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - BaseHTTPRequestHandler's name
                pass

            def do_GET(self) -> None:
                replay._respond(self, "GET")

            def do_POST(self) -> None:
                replay._respond(self, "POST")

        return Handler

    def _respond(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        sent = json.loads(handler.rfile.read(length)) if length else None
        self.requests.append((method, handler.path, sent))
        exchange = self.find(method, handler.path)
        if exchange is None:
            status, headers = 404, {"content-type": "application/json; charset=utf-8"}
            body: Any = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest", "status": "404"}
        else:
            status, headers, body = exchange["status"], exchange["headers"], exchange["body"]

        data = json.dumps(body).replace(RECORDED_API, self.api_url).encode()
        handler.send_response(status)
        for key, value in headers.items():
            handler.send_header(key, str(value).replace(RECORDED_API, self.api_url))
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


def _split(target: str) -> tuple[str, set[tuple[str, str]]]:
    parts = urllib.parse.urlsplit(target)
    return parts.path, set(urllib.parse.parse_qsl(parts.query))


def _without_per_page(query: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(key, value) for key, value in query if key != "per_page"}


@pytest.fixture
def replay_env(isolated_environment: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ReplayServer]:
    with ReplayServer("paginate-issues", "create-issue", "search-issues") as server:
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        monkeypatch.setenv("PIPER_GITHUB_API_URL", server.api_url)
        config = isolated_environment / "config"
        config.mkdir(parents=True, exist_ok=True)
        (config / "PIPER.user.md").write_text(
            "```yaml\ngithub:\n  request_interval_seconds: 0\n  write_interval_seconds: 0\n  max_retries: 0\n```\n", encoding="utf-8"
        )
        yield server


def test_list_follows_recorded_links(run_piper: Runner, replay_env: ReplayServer) -> None:
    result = run_piper("issue", "list", "--repo", "octokit-fixture-org/paginate-issues", "--json")

    assert result.exit_code == 0, result.stderr
    data = result.json()["data"]
    assert [issue["number"] for issue in data["issues"]] == list(range(13, 0, -1))
    assert data["count"] == "13"
    assert data["more"] is False
    followed = [_split(path) for _, path, _ in replay_env.requests[1:]]
    assert followed == [_split(f"/repositories/1000/issues?per_page=3&page={page}") for page in range(2, 6)]


def test_create_matches_recording(run_piper: Runner, replay_env: ReplayServer) -> None:
    result = run_piper("issue", "create", "--repo", "octokit-fixture-org/add-labels-to-issue", "--title", "Issue without a label", "--json")

    assert result.exit_code == 0, result.stderr
    assert result.json()["data"] == {
        "number": 1,
        "url": "https://github.com/octokit-fixture-org/add-labels-to-issue/issues/1",
        "repository": "octokit-fixture-org/add-labels-to-issue",
        "title": "Issue without a label",
    }
    assert replay_env.requests == [("POST", "/repos/octokit-fixture-org/add-labels-to-issue/issues", {"title": "Issue without a label"})]


def test_search_reads_recorded_items(replay_env: ReplayServer) -> None:
    options = ClientOptions(api_url=replay_env.api_url, token=TOKEN, max_retries=0, request_interval=0, write_interval=0)
    with GitHubClient(options) as client:
        found = search_issues(client, "sesame repo:octokit-fixture-org/search-issues")

    assert [(issue.number, issue.repository) for issue in found] == [
        (2, "octokit-fixture-org/search-issues"),
        (1, "octokit-fixture-org/search-issues"),
    ]
    assert all(not issue.is_pull_request for issue in found)

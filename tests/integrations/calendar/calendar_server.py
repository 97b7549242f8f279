"""A loopback HTTP server that serves .ics files the way calendar hosts do.

Each path has a queue of scripted replies; when the queue is empty the
path's last ``serve`` content is sent with its ETag, and a request whose
``If-None-Match`` matches gets HTTP 304, as Google Calendar and Nextcloud
answer. Every request is recorded with its path and headers.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    """One scripted answer: a status, a body and headers, sent after ``delay`` seconds."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]


class CalendarServer:
    """Start with :meth:`start`, stop with :meth:`stop`; ``url(path)`` is the address of a path."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._queues: dict[str, deque[Reply]] = {}
        self._served: dict[str, tuple[bytes, str]] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def serve(self, path: str, content: bytes, *, etag: str = '"v1"') -> None:
        """Serve ``content`` at ``path`` from now on, with ``etag``."""
        with self._lock:
            self._served[path] = (content, etag)

    def queue(self, path: str, *replies: Reply) -> None:
        """Send ``replies`` to the next requests for ``path``, one each, before the served content."""
        with self._lock:
            self._queues.setdefault(path, deque()).extend(replies)

    def requests_for(self, path: str) -> list[RecordedRequest]:
        return [request for request in self.requests if request.path == path]

    def url(self, path: str) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def start(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the name http.server dispatches to)
                reply = server._next_reply(self.path, dict(self.headers))
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # The client gave up waiting, as a timeout test expects.

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # A slow reply must not hold up the test's teardown after the client gave up on it.
        self._server.block_on_close = False
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _next_reply(self, path: str, headers: dict[str, str]) -> Reply:
        with self._lock:
            self.requests.append(RecordedRequest(path, headers))
            queue = self._queues.get(path)
            if queue:
                return queue.popleft()
            if path not in self._served:
                return Reply(404, b"Not Found", {"Content-Type": "text/plain"})
            content, etag = self._served[path]
        if headers.get("If-None-Match") == etag:
            return Reply(304, b"", {"ETag": etag})
        return Reply(200, content, {"Content-Type": "text/calendar; charset=utf-8", "ETag": etag})

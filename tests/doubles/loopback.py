"""The request handler base shared by the loopback HTTP doubles."""

from __future__ import annotations

import socket
from http.server import BaseHTTPRequestHandler
from typing import Any, TypeVar

HandlerT = TypeVar("HandlerT", bound=BaseHTTPRequestHandler)


class QuietHandler(BaseHTTPRequestHandler):
    """A keep-alive HTTP/1.1 handler that logs nothing and sends small responses without delay."""

    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle's algorithm and delayed ACKs add about 40 ms per response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class names it so
        pass


def bind_handler(handler: type[HandlerT], double: object) -> type[HandlerT]:
    """Return a subclass of ``handler`` whose ``double`` attribute is the server state it serves."""
    return type(handler.__name__, (handler,), {"double": double})

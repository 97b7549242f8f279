"""A loopback HTTP server that answers like the Anthropic Messages API and the OpenAI Chat Completions API.

Tests queue replies with :meth:`LLMServer.queue`; a request with nothing
queued gets a normal answer. Every request is recorded with its headers and
JSON body. The shapes follow the public API references: Anthropic's
``POST /v1/messages`` (JSON, SSE events ``message_start`` ...
``message_stop``, errors ``{"type": "error", "error": {...}}``) and
OpenAI's ``POST /v1/chat/completions`` (JSON, ``data:`` chunks ending in
``data: [DONE]``, errors ``{"error": {...}}``).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any, Literal

from tests.doubles.loopback import QuietHandler, bind_handler

ReplyKind = Literal["text", "error", "invalid_json", "slow", "drop"]

ANTHROPIC_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


@dataclass
class Reply:
    """One scripted answer.

    ``text`` is the answer (split into ``chunks`` when streamed); ``status``,
    ``error_message`` and ``headers`` shape an error; ``delay`` is the
    seconds to wait before answering (or between stream chunks when
    ``delay_between_chunks`` is set).
    """

    kind: ReplyKind = "text"
    text: str = "Hello from the double."
    chunks: list[str] | None = None
    status: int = 200
    error_message: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    delay_between_chunks: float = 0.0
    stall_after_chunks: int | None = None
    """Stream only this many chunks, then keep the connection open without sending more until the server stops."""


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


def ok(text: str = "Hello from the double.", *, chunks: list[str] | None = None) -> Reply:
    return Reply(kind="text", text=text, chunks=chunks)


def error(status: int, message: str = "", **headers: str) -> Reply:
    return Reply(kind="error", status=status, error_message=message or f"error {status}", headers={k.replace("_", "-"): v for k, v in headers.items()})


def invalid_json() -> Reply:
    return Reply(kind="invalid_json")


def slow(seconds: float, text: str = "Too late.") -> Reply:
    return Reply(kind="slow", text=text, delay=seconds)


def drop() -> Reply:
    """Close the connection without a response."""
    return Reply(kind="drop")


class LLMServer:
    """A threaded HTTP server on 127.0.0.1 with a random port. Use as a context manager."""

    def __init__(self, model: str = "double-model") -> None:
        self.model = model
        self.requests: list[RecordedRequest] = []
        self._replies: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), bind_handler(_Handler, self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), name="llm-double", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def anthropic_base_url(self) -> str:
        return self.url

    @property
    def openai_base_url(self) -> str:
        return f"{self.url}/v1"

    def queue(self, *replies: Reply) -> None:
        with self._lock:
            self._replies.extend(replies)

    def next_reply(self) -> Reply:
        with self._lock:
            return self._replies.popleft() if self._replies else Reply()

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def wait(self, seconds: float) -> None:
        """Sleep up to ``seconds``, returning early when the server stops so shutdown never hangs."""
        self._stopping.wait(seconds)

    def __enter__(self) -> LLMServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def unused_port() -> int:
    """Return a loopback port that nothing listens on, for a connection that is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Handler(QuietHandler):
    double: LLMServer

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            body = {"_raw": raw.decode("utf-8", "replace")}
        self.double.record(RecordedRequest(self.path, {k.lower(): v for k, v in self.headers.items()}, body))

        if self.path.rstrip("/") == "/v1/messages":
            api = "anthropic"
        elif self.path.rstrip("/") == "/v1/chat/completions":
            api = "openai"
        else:
            self._send_json(404, {"error": {"message": f"no route {self.path}"}})
            return

        reply = self.double.next_reply()
        if reply.delay:
            self.double.wait(reply.delay)

        if reply.kind == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if reply.kind == "error":
            self._send_json(reply.status, _error_body(api, reply), reply.headers)
            return
        if reply.kind == "invalid_json":
            self._send_raw(200, b'{"id": "msg_1", "content": [ this is not json', "application/json")
            return

        if body.get("stream"):
            self._send_stream(api, body, reply)
        else:
            self._send_json(200, _answer_body(api, body, reply, self.double.model))

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
            # The client gave up first, as in the timeout tests.
            self.close_connection = True

    def _send_stream(self, api: str, body: dict[str, Any], reply: Reply) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True

        chunks = reply.chunks if reply.chunks is not None else _split_words(reply.text)
        model = body.get("model", self.double.model)
        events = _anthropic_events(chunks, model) if api == "anthropic" else _openai_events(chunks, model)
        if reply.stall_after_chunks is not None:
            closing = 3 if api == "anthropic" else 2
            sent = _anthropic_events(chunks[: reply.stall_after_chunks], model) if api == "anthropic" else _openai_events(chunks[: reply.stall_after_chunks], model)
            events = sent[:-closing]
        for index, event in enumerate(events):
            if index and reply.delay_between_chunks:
                self.double.wait(reply.delay_between_chunks)
            try:
                self.wfile.write(event.encode())
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return
        if reply.stall_after_chunks is not None:
            self.double.wait(3600)


def _split_words(text: str) -> list[str]:
    words = text.split(" ")
    return [word if index == 0 else " " + word for index, word in enumerate(words)]


def _error_body(api: str, reply: Reply) -> dict[str, Any]:
    if api == "anthropic":
        kind = ANTHROPIC_ERROR_TYPES.get(reply.status, "api_error")
        return {"type": "error", "error": {"type": kind, "message": reply.error_message}, "request_id": "req_double"}
    code = {401: "invalid_api_key", 429: "rate_limit_exceeded"}.get(reply.status)
    kind = {401: "invalid_request_error", 429: "requests"}.get(reply.status, "server_error")
    return {"error": {"message": reply.error_message, "type": kind, "param": None, "code": code}}


def _answer_body(api: str, body: dict[str, Any], reply: Reply, default_model: str) -> dict[str, Any]:
    model = body.get("model", default_model)
    input_tokens = len(json.dumps(body.get("messages", []))) // 4
    output_tokens = max(1, len(reply.text) // 4)
    if api == "anthropic":
        return {
            "id": "msg_double",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [{"type": "text", "text": reply.text}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
        }
    return {
        "id": "chatcmpl-double",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": reply.text}, "finish_reason": "stop", "logprobs": None}],
        "usage": {"prompt_tokens": input_tokens, "completion_tokens": output_tokens, "total_tokens": input_tokens + output_tokens},
    }


def _sse(event: str | None, data: dict[str, Any] | str) -> str:
    payload = data if isinstance(data, str) else json.dumps(data)
    prefix = f"event: {event}\n" if event else ""
    return f"{prefix}data: {payload}\n\n"


def _anthropic_events(chunks: list[str], model: str) -> list[str]:
    start = {
        "type": "message_start",
        "message": {
            "id": "msg_double",
            "type": "message",
            "role": "assistant",
            "content": [],
            "model": model,
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": 10, "output_tokens": 1},
        },
    }
    events = [
        _sse("message_start", start),
        _sse("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        _sse("ping", {"type": "ping"}),
    ]
    for chunk in chunks:
        events.append(_sse("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": chunk}}))
    events.append(_sse("content_block_stop", {"type": "content_block_stop", "index": 0}))
    events.append(_sse("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None}, "usage": {"output_tokens": len(chunks)}}))
    events.append(_sse("message_stop", {"type": "message_stop"}))
    return events


def _openai_events(chunks: list[str], model: str) -> list[str]:
    def chunk_event(delta: dict[str, Any], finish_reason: str | None) -> str:
        return _sse(None, {
            "id": "chatcmpl-double",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}],
        })

    events = [chunk_event({"role": "assistant", "content": ""}, None)]
    events.extend(chunk_event({"content": chunk}, None) for chunk in chunks)
    events.append(chunk_event({}, "stop"))
    events.append(_sse(None, "[DONE]"))
    return events

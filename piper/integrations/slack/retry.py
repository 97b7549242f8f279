"""slack-sdk retry handlers: which failed Web API requests are sent again, and after how long.

Reads are retried after HTTP 429, HTTP 5xx, timeouts and dropped
connections. Writes are retried only when Slack cannot have carried them
out: after HTTP 429 (Slack's rate limiter rejects the request before it
runs) and when no connection was made. ``Retry-After`` is honoured up to
a maximum wait, so a long rate-limit pause fails fast instead of hanging
the command.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_sdk.http_retry.async_handler import AsyncRetryHandler

logger = logging.getLogger(__name__)

RETRY_BACKOFF_SECONDS = 0.5
"""First pause before retrying a timeout or HTTP 5xx; it doubles with each retry."""


class RateLimitRetryHandler(AsyncRetryHandler):
    """Retry HTTP 429 after the ``Retry-After`` seconds, unless that wait is longer than ``max_wait``."""

    def __init__(self, max_retry_count: int, max_wait: float) -> None:
        super().__init__(max_retry_count)
        self.max_wait = max_wait

    async def _can_retry_async(self, *, state: Any, request: Any, response: Any = None, error: Any = None) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = retry_after_seconds(response.headers)
        if wait > self.max_wait:
            logger.info("Slack asked to wait %s s before retrying %s, longer than the %s s limit; not retrying", wait, request.url, self.max_wait)
            return False
        return True

    async def prepare_for_next_attempt_async(self, *, state: Any, request: Any, response: Any = None, error: Any = None) -> None:
        wait = retry_after_seconds(response.headers)
        logger.info("Slack rate-limited %s; retrying in %s s (retry %d of %d)", request.url, wait, state.current_attempt + 1, self.max_retry_count)
        state.next_attempt_requested = True
        await asyncio.sleep(wait)
        state.increment_current_attempt()


class ServerErrorRetryHandler(AsyncRetryHandler):
    """Retry HTTP 5xx with exponential backoff."""

    async def _can_retry_async(self, *, state: Any, request: Any, response: Any = None, error: Any = None) -> bool:
        return response is not None and response.status_code >= 500

    async def prepare_for_next_attempt_async(self, *, state: Any, request: Any, response: Any = None, error: Any = None) -> None:
        logger.info("Slack returned HTTP %s for %s; retrying (retry %d of %d)", response.status_code, request.url, state.current_attempt + 1, self.max_retry_count)
        await _back_off(state)


class TransportErrorRetryHandler(AsyncRetryHandler):
    """Retry the transport errors in ``error_types`` with exponential backoff."""

    def __init__(self, max_retry_count: int, error_types: tuple[type[BaseException], ...]) -> None:
        super().__init__(max_retry_count)
        self.error_types = error_types

    async def _can_retry_async(self, *, state: Any, request: Any, response: Any = None, error: Any = None) -> bool:
        return error is not None and isinstance(error, self.error_types)

    async def prepare_for_next_attempt_async(self, *, state: Any, request: Any, response: Any = None, error: Any = None) -> None:
        logger.info("Slack request %s failed (%s); retrying (retry %d of %d)", request.url, describe_transport_error(error), state.current_attempt + 1, self.max_retry_count)
        await _back_off(state)


async def _back_off(state: Any) -> None:
    state.next_attempt_requested = True
    await asyncio.sleep(RETRY_BACKOFF_SECONDS * 2**state.current_attempt)
    state.increment_current_attempt()


def read_retry_handlers(max_retries: int, max_wait: float) -> list[AsyncRetryHandler]:
    """Return the handlers for requests that are safe to repeat."""
    import aiohttp

    transport_errors = (aiohttp.ServerConnectionError, aiohttp.ClientOSError, asyncio.TimeoutError)
    return [RateLimitRetryHandler(max_retries, max_wait), ServerErrorRetryHandler(max_retries), TransportErrorRetryHandler(max_retries, transport_errors)]


def write_retry_handlers(max_retries: int, max_wait: float) -> list[AsyncRetryHandler]:
    """Return the handlers for requests that must not run twice: only failures Slack never acted on are retried."""
    import aiohttp

    return [RateLimitRetryHandler(max_retries, max_wait), TransportErrorRetryHandler(max_retries, (aiohttp.ClientConnectorError,))]


def retry_after_seconds(headers: Any) -> float:
    """Return the ``Retry-After`` header in seconds; 1 when it is missing or not a number."""
    for key, value in dict(headers or {}).items():
        if key.lower() != "retry-after":
            continue
        text = value[0] if isinstance(value, list) else value
        try:
            return max(0.0, float(text))
        except (TypeError, ValueError):
            return 1.0
    return 1.0


def is_unsure_transport_error(error: BaseException) -> bool:
    """Return whether the request may have reached Slack before ``error``, so a write may have happened."""
    import aiohttp

    return not isinstance(error, aiohttp.ClientConnectorError)


def describe_transport_error(error: BaseException | None) -> str:
    """Describe a network failure in a few words, without the request (which carries the token in a header)."""
    import aiohttp

    if isinstance(error, aiohttp.ClientConnectorError):
        return f"could not connect to {error.host}:{error.port}"
    if isinstance(error, aiohttp.ServerDisconnectedError):
        return "the server closed the connection without a response"
    if isinstance(error, (asyncio.TimeoutError, TimeoutError)):
        return "the request timed out"
    return type(error).__name__

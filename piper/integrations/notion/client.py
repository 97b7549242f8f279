"""An async client for Notion's REST API (version 2022-06-28) on httpx, with retries that never duplicate a write.

A read (GET, search, database query) is retried after a timeout, a lost
connection, HTTP 409, 429 or 5xx. A write (creating a page, appending
blocks) is retried at once only when Notion cannot have applied it: the
connection was refused, or Notion returned 409 conflict_error or 429
rate_limited. After a timeout or a 5xx the write may have been applied, so
the caller's ``verify`` function checks Notion first and the write is sent
again only when it did not land.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from piper.errors import ConfigError, PiperError
from piper.integrations.llm.resilience import RetryPolicy, parse_retry_after
from piper.integrations.notion.errors import (
    SHARE_HINT,
    NotionAccessError,
    NotionError,
    NotionNotFoundError,
    NotionResponseError,
    error_details,
)

if TYPE_CHECKING:
    import httpx

    from piper.config import Settings

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.notion.com"
API_URL_VARIABLE = "PIPER_NOTION_API_URL"
NOTION_VERSION = "2022-06-28"

BACKOFF_BASE_DELAY = 0.5
"""Seconds before the first retry without a ``Retry-After``; each later wait doubles, with jitter."""

MAX_RETRY_AFTER = 60.0
"""Longest ``Retry-After`` wait in seconds that Piper sits through; a longer one fails the request with the wait."""

Verify = Callable[[], Awaitable[dict[str, Any] | None]]
"""Checks whether a write that failed ambiguously was applied: returns its result, or None when it was not."""


def notion_api_url() -> str:
    """Return the API's root URL from ``PIPER_NOTION_API_URL``, else Notion's own.

    Raises:
        ConfigError: The variable is set to something other than an http:// or https:// URL.
    """
    url = os.environ.get(API_URL_VARIABLE, "").strip() or DEFAULT_API_URL
    if not url.lower().startswith(("http://", "https://")):
        raise ConfigError(
            f"{API_URL_VARIABLE} is {url!r}, which is not an http:// or https:// URL.",
            hint=f"Set it to the API's root such as {DEFAULT_API_URL}, or unset it.",
        )
    return url.rstrip("/")


def notion_token() -> str:
    """Return the Notion token from ``NOTION_TOKEN``, the OS keyring or Piper's credentials file.

    Raises:
        CredentialsError: No token is set (exit code 4); the hint names ``piper auth login notion``.
    """
    from piper.secrets import require_secret

    return require_secret("notion")


@dataclass
class _Failure:
    """One failed attempt and whether Notion may have applied the request anyway."""

    reason: str
    error: PiperError
    maybe_applied: bool
    retry_after: float | None = None


class NotionClient:
    """Sends requests to Notion with the token, the API version header, timeouts and retries.

    Args:
        token: The integration's secret. It is sent only in the Authorization header
            and removed from any message Notion echoes back.
        base_url: The API's root; defaults to ``PIPER_NOTION_API_URL``, else https://api.notion.com.
        timeout: Seconds one request may take.
        max_retries: Attempts after the first one for a request that may be repeated.
        transport: An httpx transport for tests; None uses the network.
        sleep: The coroutine that waits between attempts (tests pass one that records the waits).
        deadline: A ``time.monotonic()`` value after which no request starts and no retry waits,
            for callers that run under a time limit; None means no limit.
    """

    def __init__(
        self,
        token: str,
        *,
        base_url: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 3,
        retry_policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        deadline: float | None = None,
    ) -> None:
        import httpx

        self.base_url = (base_url or notion_api_url()).rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self._policy = retry_policy or RetryPolicy(max_retries=max_retries, base_delay=BACKOFF_BASE_DELAY, max_delay=MAX_RETRY_AFTER)
        self._token = token
        self._sleep = sleep
        self._deadline = deadline
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {token}", "Notion-Version": NOTION_VERSION},
            timeout=timeout,
            transport=transport,
        )

    async def __aenter__(self) -> NotionClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- Requests -------------------------------------------------------------------

    async def read(
        self, method: str, path: str, *, action: str, json: dict[str, Any] | None = None, params: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Send a request that changes nothing in Notion, so it may be repeated after any failure."""
        return await self._send(method, path, action=action, json=json, params=params, repeatable=True, verify=None)

    async def write(self, method: str, path: str, *, action: str, json: dict[str, Any], verify: Verify | None) -> dict[str, Any]:
        """Send a request that changes Notion, repeating it only when it cannot have been applied.

        After a timeout, a lost connection, a 5xx or an unreadable success
        response, ``verify`` decides: its result stands for the response, and
        None means the write did not land and is sent again. Without
        ``verify`` such a failure is raised at once.
        """
        return await self._send(method, path, action=action, json=json, params=None, repeatable=False, verify=verify)

    async def _send(
        self,
        method: str,
        path: str,
        *,
        action: str,
        json: dict[str, Any] | None,
        params: dict[str, Any] | None,
        repeatable: bool,
        verify: Verify | None,
    ) -> dict[str, Any]:
        attempt = 0
        while True:
            self._check_deadline(action)
            failure = await self._attempt(method, path, action=action, json=json, params=params)
            if isinstance(failure, dict):
                return failure

            if failure.maybe_applied and not repeatable:
                if verify is None:
                    raise failure.error
                logger.info("checking whether Notion applied the request after %s while %s", failure.reason, action)
                found = await verify()
                if found is not None:
                    logger.info("Notion had applied the request despite %s while %s", failure.reason, action)
                    return found
                if isinstance(failure.error, NotionResponseError):
                    raise failure.error

            if attempt >= self.max_retries:
                raise failure.error
            wait = failure.retry_after if failure.retry_after is not None else self._policy.backoff(attempt)
            if wait > MAX_RETRY_AFTER:
                failure.error.message += f" Notion asked to wait {wait:.0f} s before retrying."
                raise failure.error
            remaining = self._remaining()
            if remaining is not None and wait >= remaining:
                failure.error.message += " The time limit for this request ran out before a retry."
                raise failure.error
            attempt += 1
            logger.info("retrying after %s while %s: attempt %d of %d in %.1f s", failure.reason, action, attempt + 1, self.max_retries + 1, wait)
            await self._sleep(wait)

    async def _attempt(
        self, method: str, path: str, *, action: str, json: dict[str, Any] | None, params: dict[str, Any] | None
    ) -> dict[str, Any] | _Failure:
        """Send the request once; return the JSON object on success, else what went wrong."""
        import httpx

        remaining = self._remaining()
        timeout = self.timeout if remaining is None else max(0.001, min(self.timeout, remaining))
        try:
            response = await self._http.request(method, path, json=json, params=params, timeout=timeout)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
            message = f"Could not connect to Notion at {self.base_url} while {action}: {self._redact(str(error)) or type(error).__name__}."
            hint = f"Check the network connection, or {API_URL_VARIABLE} if it is set."
            return _Failure("a refused connection", NotionError(message, hint=hint, details=error_details(None, "connection_failed")), maybe_applied=False)
        except httpx.TimeoutException:
            message = f"The request to Notion timed out after {timeout:.3g} s while {action}."
            hint = "Try again later, or raise notion.timeout_seconds in PIPER.user.md."
            return _Failure("a timeout", NotionError(message, hint=hint, details=error_details(None, "timeout")), maybe_applied=True)
        except httpx.TransportError as error:
            message = f"The connection to Notion failed while {action}: {self._redact(str(error)) or type(error).__name__}."
            return _Failure("a lost connection", NotionError(message, details=error_details(None, "connection_failed")), maybe_applied=True)

        if response.is_success:
            try:
                return self._json_object(response, action)
            except NotionResponseError as error:
                return _Failure("an unreadable response", error, maybe_applied=True)

        status, code, detail = self._error_fields(response)
        if status == 429:
            message = f"Notion is rate-limiting requests (429 {code}) while {action}."
            error = NotionError(message, hint="Wait a minute and try again.", details=error_details(status, code))
            return _Failure("HTTP 429", error, maybe_applied=False, retry_after=parse_retry_after(response.headers))
        if status == 409:
            message = f"Notion reported a conflict (409 {code}) while {action}: {detail}"
            return _Failure("HTTP 409", NotionError(message, hint="Try again.", details=error_details(status, code)), maybe_applied=False)
        if status >= 500:
            message = f"Notion failed with HTTP {status} ({code}) while {action}: {detail}"
            hint = "Notion may be down (https://status.notion.so); try again later."
            error = NotionError(message, hint=hint, details=error_details(status, code))
            return _Failure(f"HTTP {status}", error, maybe_applied=True, retry_after=parse_retry_after(response.headers))
        raise self._client_error(status, code, detail, action)

    def _remaining(self) -> float | None:
        return None if self._deadline is None else self._deadline - time.monotonic()

    def _check_deadline(self, action: str) -> None:
        remaining = self._remaining()
        if remaining is not None and remaining <= 0:
            raise NotionError(
                f"Stopped before {action}, because the time limit for this publish ran out.",
                hint="Publish long documents with 'piper notion publish', which has no overall time limit.",
                details=error_details(None, "time_limit"),
            )

    # --- Responses ------------------------------------------------------------------

    def _json_object(self, response: httpx.Response, action: str) -> dict[str, Any]:
        try:
            document = response.json()
        except ValueError:
            document = None
        if not isinstance(document, dict):
            start = self._redact(response.text[:80])
            raise NotionResponseError(
                f"Notion returned a response that is not a JSON object while {action} (HTTP {response.status_code}, starting {start!r}).",
                hint=f"Check that {API_URL_VARIABLE} points at Notion's API, or try again later.",
                details=error_details(response.status_code, "invalid_response"),
            )
        return document

    def _error_fields(self, response: httpx.Response) -> tuple[int, str, str]:
        """Return the status, Notion's error code and its message, tolerating a body that is not Notion's error JSON."""
        status = response.status_code
        try:
            document = response.json()
        except ValueError:
            document = None
        if isinstance(document, dict) and document.get("object") == "error":
            code = str(document.get("code") or "unknown_error")
            message = str(document.get("message") or "no message")
            return status, code, self._redact(message)
        reason = response.reason_phrase or "no reason given"
        return status, "unknown_error", f"{reason} (the response was not Notion's error JSON)"

    def _client_error(self, status: int, code: str, detail: str, action: str) -> PiperError:
        details = error_details(status, code)
        if status == 401:
            from piper.secrets import credentials_rejected

            return credentials_rejected("notion", f"401 {code}")
        if status == 403:
            return NotionAccessError(f"Notion denied access (403 {code}) while {action}: {detail}", hint=SHARE_HINT, details=details)
        if status == 404:
            hint = f"Check the ID. {SHARE_HINT}"
            return NotionNotFoundError(f"Notion found no such object (404 {code}) while {action}: {detail}", hint=hint, details=details)
        if status == 400:
            return NotionError(f"Notion rejected the request as invalid (400 {code}) while {action}: {detail}", details=details)
        return NotionError(f"Notion returned HTTP {status} ({code}) while {action}: {detail}", details=details)

    def _redact(self, text: str) -> str:
        return text.replace(self._token, "[token]") if self._token else text


def client_from_settings(settings: Settings | None = None, **overrides: Any) -> NotionClient:
    """Build a client with the configured token, timeout and retries."""
    from piper.config import load_settings

    settings = settings or load_settings()
    options: dict[str, Any] = {"timeout": settings.notion.timeout_seconds, "max_retries": settings.notion.max_retries}
    options.update(overrides)
    return NotionClient(notion_token(), **options)

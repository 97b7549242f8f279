"""The part every provider shares: timeouts, retries, the circuit breaker and error translation.

A subclass builds its SDK client and sends one attempt; this class decides
whether to try again, how long to wait and which :class:`PiperError` to
raise. The SDKs' own retries are off (``max_retries=0``), so the
retries here are the only ones.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from piper.errors import CredentialsError, PiperError
from piper.integrations.llm.errors import (
    ProviderConnectionError,
    ProviderError,
    ProviderRateLimitedError,
    ProviderResponseError,
    ProviderTimeoutError,
    ProviderUnavailableError,
)
from piper.integrations.llm.model import Completion, Message, ProviderName
from piper.integrations.llm.resilience import CircuitBreaker, RetryPolicy, parse_retry_after
from piper.secrets import describe_secret_sources

logger = logging.getLogger(__name__)

T = TypeVar("T")

_MAX_SERVER_MESSAGE = 300
"""Characters of a server's error message kept in Piper's message."""

JSON_INSTRUCTION = "Answer with one JSON object and nothing else: no prose, no code fence."


@dataclass(frozen=True)
class SDKErrors:
    """The exception classes of one SDK that this module translates."""

    timeout: type[Exception]
    connection: type[Exception]
    status: type[Exception]
    response_validation: type[Exception]


@dataclass(frozen=True)
class _Failure:
    """One failed attempt, translated: the error to raise and whether to try again."""

    error: PiperError
    retryable: bool
    counts_against_provider: bool
    retry_after: float | None = None


class BaseProvider:
    """Timeouts, retries and a circuit breaker around a subclass's single attempts.

    Args:
        model: Model name sent with every request.
        api_key: The key, or a placeholder for servers that need none. It
            never appears in a message, a log line or ``repr``.
        base_url: Server URL, or None for the SDK's default.
        timeout: Seconds one attempt may take, connecting included.
        retry_policy: Retries and waits after a failed attempt.
        breaker: Circuit breaker shared by every provider object that talks
            to the same server.
        sleep: Waits between attempts; tests pass a recorder.
    """

    name: ClassVar[ProviderName]
    display_name: ClassVar[str]
    key_variable: ClassVar[str]
    base_url_variable: ClassVar[str]

    def __init__(
        self,
        *,
        model: str,
        api_key: str,
        base_url: str | None,
        timeout: float,
        retry_policy: RetryPolicy,
        breaker: CircuitBreaker,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.model = model
        self.base_url = base_url
        self.timeout = timeout
        self.retry_policy = retry_policy
        self.breaker = breaker
        self._api_key = api_key
        self._sleep = sleep
        self._sdk_client: Any = None
        self._sdk_errors: SDKErrors | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model={self.model!r}, base_url={self.base_url!r})"

    # --- What a subclass provides ---------------------------------------------------

    def _build_client(self) -> tuple[Any, SDKErrors]:
        """Import the SDK and return an async client with retries off, and the SDK's error classes."""
        raise NotImplementedError

    async def _complete_once(
        self, client: Any, messages: Sequence[Message], *, system: str | None, max_tokens: int, temperature: float, json_mode: bool
    ) -> Completion:
        raise NotImplementedError

    def _stream_once(
        self, client: Any, messages: Sequence[Message], *, system: str | None, max_tokens: int, temperature: float
    ) -> AsyncIterator[str]:
        raise NotImplementedError

    # --- The provider interface ---------------------------------------------------------

    async def complete(
        self,
        messages: Sequence[Message],
        *,
        system: str | None = None,
        max_tokens: int = 1024,
        temperature: float = 0.0,
        json_mode: bool = False,
    ) -> Completion:
        """Send ``messages`` and return the whole response.

        Raises:
            CredentialsError: The key is rejected (HTTP 401).
            ProviderUnavailableError: The circuit breaker is open.
            ProviderError: Every attempt failed; the subclass names the cause.
        """
        client = self._client()

        async def attempt() -> Completion:
            # The SDK's timeout covers each phase (connect, each read); this one bounds the whole attempt.
            async with asyncio.timeout(self.timeout):
                return await self._complete_once(
                    client, messages, system=system, max_tokens=max_tokens, temperature=temperature, json_mode=json_mode
                )

        started = time.perf_counter()
        completion = await self._run_with_retries(attempt)
        logger.debug(
            "%s responded in %.0f ms (model %s, %d input and %d output tokens)",
            self.display_name,
            (time.perf_counter() - started) * 1000,
            completion.model,
            completion.usage.input_tokens,
            completion.usage.output_tokens,
        )
        return completion

    async def stream(
        self,
        messages: Sequence[Message],
        *,
        system: str | None = None,
        max_tokens: int = 1024,
        temperature: float = 0.0,
    ) -> AsyncIterator[str]:
        """Send ``messages`` and yield the answer's text deltas as they arrive.

        A failure before the first delta is retried like :meth:`complete`.
        A failure after it raises, because the deltas already yielded cannot
        be taken back. The timeout applies to connecting and to each wait
        for the next event, not to the whole response.

        Raises:
            The errors of :meth:`complete`.
        """
        client = self._client()
        retry = 0
        while True:
            self._check_breaker()
            yielded = False
            finished = False
            try:
                async for delta in self._stream_once(client, messages, system=system, max_tokens=max_tokens, temperature=temperature):
                    if delta:
                        yielded = True
                        yield delta
                finished = True
            except self._translatable_errors() as error:
                failure = self._translate(error)
                self._record(failure)
                if yielded or not await self._wait_before_retry(failure, retry):
                    raise failure.error from None
                retry += 1
                continue
            finally:
                # A consumer that stops early or is cancelled says nothing about the provider's health.
                if not finished:
                    self.breaker.release_trial()

            self.breaker.record_success()
            return

    async def aclose(self) -> None:
        """Close the SDK client's connections. The provider builds a new client if used again."""
        if self._sdk_client is not None:
            client, self._sdk_client = self._sdk_client, None
            await client.close()

    # --- Retries --------------------------------------------------------------------------

    async def _run_with_retries(self, attempt: Callable[[], Awaitable[T]]) -> T:
        retry = 0
        while True:
            self._check_breaker()
            try:
                result = await attempt()
            except self._translatable_errors() as error:
                failure = self._translate(error)
                self._record(failure)
                if not await self._wait_before_retry(failure, retry):
                    raise failure.error from None
                retry += 1
                continue
            except BaseException:
                self.breaker.release_trial()
                raise
            self.breaker.record_success()
            return result

    def _check_breaker(self) -> None:
        if self.breaker.allow():
            return
        raise ProviderUnavailableError(
            f"{self.display_name} failed {self.breaker.failures} times in a row, so Piper stops calling it "
            f"for {self.breaker.retry_in():.0f} s.",
            hint=f"Check the server at {self._shown_url()}, or wait and try again.",
            details={"provider": self.name, "retry_in_seconds": round(self.breaker.retry_in(), 1)},
        )

    def _record(self, failure: _Failure) -> None:
        if failure.counts_against_provider:
            self.breaker.record_failure()
        else:
            self.breaker.release_trial()

    async def _wait_before_retry(self, failure: _Failure, retry: int) -> bool:
        """Wait before the next attempt and return True, or return False when the call should give up."""
        policy = self.retry_policy
        if not failure.retryable or retry >= policy.max_retries:
            return False

        # Another attempt while the breaker is open would only fail at once; raise the real error instead.
        if self.breaker.state != "closed":
            return False

        if failure.retry_after is not None and failure.retry_after > policy.max_delay:
            logger.warning(
                "%s asks to wait %.0f s before retrying, more than the maximum of %.0f s, so Piper gives up",
                self.display_name,
                failure.retry_after,
                policy.max_delay,
            )
            return False

        delay = failure.retry_after if failure.retry_after is not None else policy.backoff(retry)
        logger.info(
            "retrying %s in %.2f s (retry %d of %d) after: %s", self.display_name, delay, retry + 1, policy.max_retries, failure.error.message
        )
        await self._sleep(delay)
        return True

    # --- Turning SDK errors into Piper's -----------------------------------------------------

    def _client(self) -> Any:
        if self._sdk_client is None:
            started = time.perf_counter()
            self._sdk_client, self._sdk_errors = self._build_client()
            logger.debug("built the %s client in %.0f ms, SDK import included", self.display_name, (time.perf_counter() - started) * 1000)
        return self._sdk_client

    def _translatable_errors(self) -> tuple[type[BaseException], ...]:
        assert self._sdk_errors is not None, "_client() runs before any attempt"
        errors = self._sdk_errors
        return (TimeoutError, json.JSONDecodeError, errors.timeout, errors.connection, errors.status, errors.response_validation)

    def _translate(self, error: BaseException) -> _Failure:
        assert self._sdk_errors is not None
        errors = self._sdk_errors
        details: dict[str, Any] = {"provider": self.name, "model": self.model}

        if isinstance(error, (TimeoutError, errors.timeout)):
            return _Failure(
                ProviderTimeoutError(
                    f"the request to {self.display_name} timed out after {self.timeout:g} s (model {self.model} at {self._shown_url()}).",
                    hint="Check that the server is running, or raise llm.timeout_seconds in PIPER.user.md.",
                    details=details,
                ),
                retryable=True,
                counts_against_provider=True,
            )

        if isinstance(error, errors.connection):
            return _Failure(
                ProviderConnectionError(
                    f"cannot connect to {self.display_name} at {self._shown_url()}.",
                    hint=f"Check that the server is running and that {self.base_url_variable} or llm.<task>.base_url in PIPER.user.md is right.",
                    details=details,
                ),
                retryable=True,
                counts_against_provider=True,
            )

        if isinstance(error, (json.JSONDecodeError, errors.response_validation)):
            return _Failure(
                ProviderResponseError(
                    f"{self.display_name} at {self._shown_url()} sent a response that is not valid API JSON.",
                    hint="Check that the URL points at the API itself and not at a proxy's error page.",
                    details=details,
                ),
                retryable=False,
                counts_against_provider=True,
            )

        assert isinstance(error, errors.status)
        return self._translate_status(error, details)

    def _translate_status(self, error: Any, details: dict[str, Any]) -> _Failure:
        status: int = error.status_code
        server_message = self._server_message(error)
        details = {**details, "status": status}

        if status == 401:
            return _Failure(
                CredentialsError(
                    f"{self.display_name} rejected the API key (HTTP 401: {server_message}).",
                    hint=describe_secret_sources(self.key_variable),
                    details={**details, "variable": self.key_variable},
                ),
                retryable=False,
                counts_against_provider=False,
            )

        if status == 429:
            retry_after = parse_retry_after(error.response.headers)
            wait = f" Retry after {retry_after:.0f} s." if retry_after is not None else ""
            return _Failure(
                ProviderRateLimitedError(
                    f"{self.display_name} rate-limited the request (HTTP 429: {server_message}).{wait}",
                    hint="Wait a minute and try again, or check the usage limits of your account.",
                    details={**details, "retry_after_seconds": retry_after},
                ),
                retryable=True,
                counts_against_provider=True,
                retry_after=retry_after,
            )

        if status == 408 or status >= 500:
            return _Failure(
                ProviderError(
                    f"{self.display_name} failed with HTTP {status}: {server_message}.",
                    hint="The provider has a problem on its side. Try again in a few minutes.",
                    details=details,
                ),
                retryable=True,
                counts_against_provider=True,
                retry_after=parse_retry_after(error.response.headers),
            )

        # Other 4xx answers reject this request (a bad model name, a too-long prompt); the server is healthy.
        return _Failure(
            ProviderError(
                f"{self.display_name} rejected the request with HTTP {status}: {server_message}.",
                hint=f"Check the model name '{self.model}' and the llm settings in PIPER.user.md.",
                details=details,
            ),
            retryable=False,
            counts_against_provider=False,
        )

    def _server_message(self, error: Any) -> str:
        """Return the server's own error message, with the key removed and the length capped."""
        body = getattr(error, "body", None)
        message: Any = None
        if isinstance(body, dict):
            inner = body.get("error", body)
            message = inner.get("message") if isinstance(inner, dict) else inner
        if not isinstance(message, str) or not message.strip():
            message = f"no message, HTTP {error.status_code}"
        return self._redact(message.strip())[:_MAX_SERVER_MESSAGE]

    def _redact(self, text: str) -> str:
        # Some servers echo the key they rejected ("Incorrect API key provided: sk-...").
        if len(self._api_key) >= 4:
            text = text.replace(self._api_key, "[redacted]")
        return text

    def _shown_url(self) -> str:
        return self.base_url or f"the default {self.display_name} URL"

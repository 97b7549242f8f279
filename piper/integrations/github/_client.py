"""The PyGithub connection and the one place where GitHub calls are made and their failures translated.

Transport retries are urllib3's: a timed-out or refused read and HTTP 5xx
on GET, PUT, PATCH and DELETE are retried with exponential backoff. POST
is never retried by the transport, because GitHub may have created the
issue or comment before the response was lost; :mod:`._issues` looks for
the created object before trying again.

Rate limits are handled here, above the transport: a secondary limit
(403 or 429 with ``Retry-After``) and a used-up primary limit
(``X-RateLimit-Remaining: 0``) are waited out when the wait is short, and
otherwise fail with the time the limit resets.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from piper.errors import PiperError
from piper.integrations.github._errors import (
    GitHubRateLimitError,
    GitHubResponseError,
    GitHubUnavailableError,
    forbidden,
    not_found,
    rejected_token,
    validation_failed,
)
from piper.integrations.llm.resilience import CircuitBreaker, parse_retry_after

if TYPE_CHECKING:
    from github import Github

    from piper.config import GitHubSettings

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_API_URL = "https://api.github.com"

MAX_RATE_LIMIT_WAIT = 60.0
"""Seconds Piper sleeps for a rate limit to reset; a longer wait fails with the reset time instead."""

_RATE_LIMIT_ATTEMPTS = 3
"""Calls of one operation, the first included, while rate limits are waited out."""

_BREAKERS: dict[str, CircuitBreaker] = {}
"""One circuit breaker per API URL, shared by every client in this process."""


@dataclass(frozen=True, slots=True)
class ClientOptions:
    """How to reach GitHub: the API URL, the token and the transport's limits."""

    api_url: str
    token: str
    timeout: float = 15.0
    max_retries: int = 3
    backoff_factor: float = 0.5
    """urllib3's backoff: the n-th retry waits about ``backoff_factor * 2**(n-1)`` seconds."""

    request_interval: float = 0.25
    write_interval: float = 1.0
    max_rate_limit_wait: float = MAX_RATE_LIMIT_WAIT

    def __repr__(self) -> str:
        # The token stays out of reprs, tracebacks and logs.
        return f"ClientOptions(api_url={self.api_url!r}, timeout={self.timeout}, max_retries={self.max_retries})"


def resolve_api_url(settings: GitHubSettings | None = None) -> str:
    """Return the REST API base URL: ``PIPER_GITHUB_API_URL``, else ``github.api_url``, else api.github.com.

    The environment variable wins, as ``GITHUB_TOKEN`` wins over the keyring,
    so a script or a test can point one run at another server.
    """
    configured = settings.api_url if settings is not None else None
    url = os.environ.get("PIPER_GITHUB_API_URL", "").strip() or configured or DEFAULT_API_URL
    return url.rstrip("/")


def resolve_token() -> str:
    """Return the GitHub token from ``GITHUB_TOKEN``, the keyring or the credentials file.

    Raises:
        CredentialsError: (exit code 4) when none has one; the hint names ``piper auth login github``.
    """
    from piper.secrets import require_secret

    return require_secret("github")


def options_from_settings(settings: GitHubSettings, *, token: str | None = None) -> ClientOptions:
    """Return client options from the ``github:`` settings and the stored token."""
    return ClientOptions(
        api_url=resolve_api_url(settings),
        token=token if token is not None else resolve_token(),
        timeout=settings.timeout_seconds,
        max_retries=settings.max_retries,
        request_interval=settings.request_interval_seconds,
        write_interval=settings.write_interval_seconds,
    )


class GitHubClient:
    """A PyGithub connection with Piper's retries, rate-limit waits and circuit breaker.

    PyGithub is synchronous, so async callers run methods of this class in a
    worker thread (``asyncio.to_thread``).
    """

    def __init__(self, options: ClientOptions, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.options = options
        self._sleep = sleep
        self._github: Github | None = None
        self._login: str | None = None
        self.breaker = _BREAKERS.setdefault(options.api_url, CircuitBreaker(f"GitHub at {options.api_url}"))

    @property
    def github(self) -> Github:
        """The PyGithub client, built on first use because importing PyGithub takes a few hundred milliseconds."""
        if self._github is None:
            self._github = _build_github(self.options)
        return self._github

    def call(self, what: str, operation: Callable[[], T]) -> T:
        """Run ``operation`` (one or more PyGithub calls) and translate its failures.

        ``what`` names the target in messages, such as ``acme/web#12``.

        Raises:
            CredentialsError: 401, or 403 without a rate limit.
            NotFoundError: 404.
            GitHubRateLimitError: a rate limit that resets later than ``max_rate_limit_wait``.
            GitHubUnavailableError: 5xx, timeout or connection failure after the retries,
                or an open circuit breaker.
            PiperError: 422 and other 4xx responses, with GitHub's message.
        """
        from github import GithubException

        for attempt in range(1, _RATE_LIMIT_ATTEMPTS + 1):
            if not self.breaker.allow():
                raise GitHubUnavailableError(
                    f"GitHub at {self.options.api_url} failed several times in a row, so Piper is not calling it for {self.breaker.retry_in():.0f} s.",
                    hint="Try again in a minute.",
                    details={"api_url": self.options.api_url},
                )
            try:
                result = operation()
            except GithubException as error:
                wait = self._rate_limit_wait(error)
                if wait is not None and attempt < _RATE_LIMIT_ATTEMPTS:
                    self.breaker.release_trial()
                    logger.warning("GitHub rate limit reached on %s; retrying in %.1f s", what, wait)
                    self._sleep(wait)
                    continue
                raise self._translate(what, error) from None
            except PiperError:
                self.breaker.release_trial()
                raise
            except Exception as error:
                translated = self._translate_transport(what, error)
                if translated is None:
                    self.breaker.release_trial()
                    raise
                self.breaker.record_failure()
                logger.warning("GitHub request for %s failed: %s", what, translated.message)
                raise translated from None
            self.breaker.record_success()
            return result
        raise AssertionError("unreachable: the last attempt returns or raises")

    def login(self) -> str:
        """Return the login of the token's user (GET /user), cached for this client."""
        if self._login is None:
            login = self.call("the authenticated user", lambda: self.github.get_user().login)
            if not login:
                raise GitHubResponseError("GitHub's response to GET /user has no login.", hint="Set identity.github in PIPER.user.md.")
            self._login = login
        return self._login

    def close(self) -> None:
        if self._github is not None:
            self._github.close()
            self._github = None

    def __enter__(self) -> GitHubClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- Failure handling --------------------------------------------------

    def _rate_limit_wait(self, error: Any) -> float | None:
        """Return the seconds to wait before retrying a rate-limited call, or None when it is not one.

        Raises:
            GitHubRateLimitError: when the limit resets later than ``max_rate_limit_wait``.
        """
        status = error.status
        headers = {str(key).lower(): str(value) for key, value in (error.headers or {}).items()}
        if status not in (403, 429):
            return None

        retry_after = parse_retry_after(headers)
        reset_at: dt.datetime | None = None
        if retry_after is None and headers.get("x-ratelimit-remaining") == "0":
            reset_at = _parse_reset(headers.get("x-ratelimit-reset"))
            retry_after = max(0.0, reset_at.timestamp() - time.time()) + 1 if reset_at else None
        if retry_after is None:
            if status == 429 or _mentions_rate_limit(error):
                # A secondary limit without Retry-After: GitHub's guidance is to wait at least a minute.
                retry_after = 60.0
            else:
                return None

        if retry_after <= self.options.max_rate_limit_wait:
            self.breaker.release_trial()
            return retry_after
        if headers.get("x-ratelimit-remaining") != "0":
            # Requests remain in the hour, so this is the secondary limit on bursts and concurrent requests.
            reset_at = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=retry_after)).replace(microsecond=0)
            raise GitHubRateLimitError(
                f"GitHub's secondary rate limit was reached (too many requests in a short time); "
                f"retry after {reset_at.strftime('%H:%M:%S')} UTC (in {_minutes(retry_after)}).",
                reset_at=reset_at,
                hint="Wait until then. If this happens often, raise github.request_interval_seconds and github.write_interval_seconds in PIPER.user.md.",
            )
        reset_at = reset_at or dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=retry_after)
        raise GitHubRateLimitError(
            f"GitHub's rate limit is used up; it resets at {reset_at.strftime('%H:%M:%S')} UTC (in {_minutes(retry_after)}).",
            reset_at=reset_at,
            hint="Try again after the reset. A token (rather than none) gets 5,000 requests an hour.",
        )

    def _translate(self, what: str, error: Any) -> PiperError:
        status = error.status
        body = error.data if isinstance(error.data, dict) else {}
        message = body.get("message") or error.message
        if status >= 500:
            self.breaker.record_failure()
            return GitHubUnavailableError(
                f"GitHub returned HTTP {status} {message or 'Server Error'} for {what} after {self.options.max_retries} retries.",
                hint="GitHub may be having an outage; try again later (https://www.githubstatus.com).",
                details={"target": what, "status": status},
            )

        # Any response below 500 shows that the server is up.
        self.breaker.record_success()
        if _is_web_page(error):
            return GitHubResponseError(
                f"{self.options.api_url} returned a web page instead of JSON for {what} (HTTP {status}), so it is not a GitHub REST API URL.",
                hint="Set github.api_url or PIPER_GITHUB_API_URL to https://api.github.com, or to https://HOST/api/v3 for GitHub Enterprise Server.",
                details={"target": what, "status": status, "api_url": self.options.api_url},
            )
        if status == 401:
            return rejected_token(status, message)
        if status == 403:
            return forbidden(what, message)
        if status == 404:
            return not_found(what)
        if status == 422:
            return validation_failed(what, body)
        if status < 400:
            return GitHubResponseError(
                f"GitHub's response for {what} could not be read ({message or 'not JSON'}).",
                hint="Check that PIPER_GITHUB_API_URL points at a GitHub REST API (such as https://ghe.example/api/v3).",
                details={"target": what},
            )
        return PiperError(f"GitHub returned HTTP {status} {message or ''} for {what}.".replace("  ", " "), details={"target": what, "status": status})

    def _translate_transport(self, what: str, error: Exception) -> PiperError | None:
        """Return the error for a failure below HTTP (timeout, refused connection, unreadable body), or None for a bug."""
        import json

        import requests

        url = self.options.api_url
        if isinstance(error, requests.Timeout) or "timed out" in str(error).lower():
            return GitHubUnavailableError(
                f"GitHub at {url} did not respond to {what} within {self.options.timeout:g} s.",
                hint="Check the network, or raise github.timeout_seconds in PIPER.user.md.",
                details={"target": what, "api_url": url},
            )
        if isinstance(error, requests.RequestException):
            return GitHubUnavailableError(
                f"Cannot connect to GitHub at {url} for {what} ({type(error).__name__}).",
                hint="Check the network and PIPER_GITHUB_API_URL.",
                details={"target": what, "api_url": url},
            )
        if isinstance(error, (json.JSONDecodeError, KeyError, TypeError, AttributeError)):
            return GitHubResponseError(
                f"GitHub's response for {what} could not be read ({type(error).__name__}).",
                hint="Check that PIPER_GITHUB_API_URL points at a GitHub REST API (such as https://ghe.example/api/v3).",
                details={"target": what, "api_url": url},
            )
        return None


def _build_github(options: ClientOptions) -> Github:
    from github import Auth, Github
    from urllib3.util.retry import Retry

    retry = Retry(
        total=options.max_retries,
        connect=options.max_retries,
        read=options.max_retries,
        status=options.max_retries,
        # POST is left out: GitHub may have created the object before the response was lost.
        allowed_methods=frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"}),
        status_forcelist=(500, 502, 503, 504),
        backoff_factor=options.backoff_factor,
        # Retry-After is honoured by GitHubClient.call, which caps the wait; urllib3 would sleep as long as asked.
        respect_retry_after_header=False,
        # After the last retry PyGithub gets the 5xx response and raises GithubException with its status.
        raise_on_status=False,
    )
    return Github(
        auth=Auth.Token(options.token),
        base_url=options.api_url,
        # PyGithub asserts an int; whole seconds, rounded up, keep a short timeout above zero.
        timeout=max(1, math.ceil(options.timeout)),
        retry=retry,
        per_page=100,
        seconds_between_requests=options.request_interval or None,
        seconds_between_writes=options.write_interval or None,
        # Lazy objects send no request until a field is read, so get_repo() and get_issue() cost nothing.
        lazy=True,
    )


def _parse_reset(value: str | None) -> dt.datetime | None:
    """Parse ``X-RateLimit-Reset`` (Unix seconds) into an aware UTC datetime."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    if seconds > 1e11:
        # Recorded fixtures normalise the header to milliseconds; GitHub sends seconds.
        seconds /= 1000
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)


def _is_web_page(error: Any) -> bool:
    """Return True for an error response in HTML: a web server's page, where GitHub's REST API sends JSON errors."""
    headers = {str(key).lower(): str(value) for key, value in (error.headers or {}).items()}
    return headers.get("content-type", "").startswith("text/html")


def _mentions_rate_limit(error: Any) -> bool:
    body = error.data if isinstance(error.data, dict) else {}
    return "rate limit" in str(body.get("message", "")).lower()


def _minutes(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 1:
        return f"{seconds:.0f} s"
    return f"{minutes} minute" + ("" if minutes == 1 else "s")

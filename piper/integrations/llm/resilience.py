"""Retry timing and the circuit breaker that keep a failing provider cheap.

The retry policy waits with exponential backoff and jitter, honours the
server's ``Retry-After`` and caps every wait. The circuit breaker counts
consecutive failed attempts per provider. Once it opens, calls fail at once
until a cool-down has passed. Then one trial attempt decides whether it
closes again.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait before trying a call again.

    Attributes:
        max_retries: Attempts after the first one; 0 disables retries.
        base_delay: Seconds before the first retry; each later wait doubles.
        max_delay: Maximum seconds of one wait, from backoff or from ``Retry-After``.
    """

    max_retries: int = 2
    base_delay: float = 0.5
    max_delay: float = 20.0

    def backoff(self, retry: int, *, jitter: Callable[[], float] = random.random) -> float:
        """Return the seconds to wait before retry number ``retry`` (0 for the first retry).

        The wait is between half and all of ``base_delay * 2**retry``, so
        clients that failed together do not retry together.
        """
        ceiling = min(self.max_delay, self.base_delay * (2**retry))
        return ceiling * (0.5 + 0.5 * jitter())


def parse_retry_after(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Return the wait in seconds that a response's headers ask for, or None.

    Reads ``retry-after-ms`` (milliseconds, sent by OpenAI), then
    ``Retry-After`` as seconds or as an HTTP date (RFC 9110, section 10.2.3).
    Fractional seconds are accepted though the RFC allows only integers.
    """
    lowered = {key.lower(): value for key, value in headers.items()}

    milliseconds = lowered.get("retry-after-ms")
    if milliseconds is not None:
        try:
            return max(0.0, float(milliseconds) / 1000)
        except ValueError:
            pass

    value = lowered.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass

    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        logger.debug("ignoring a Retry-After header that is neither seconds nor a date: %r", value)
        return None
    now = time.time() if now is None else now
    return max(0.0, moment.timestamp() - now)


CircuitState = Literal["closed", "open", "half_open"]


@dataclass
class CircuitBreaker:
    """Stops calls to a provider after ``failure_threshold`` consecutive failed attempts.

    While open, :meth:`allow` returns False until ``cool_down`` seconds have
    passed. Then the breaker is half-open and lets one attempt through: a
    success closes it, a failure opens it for another cool-down. Not
    thread-safe, but safe for asyncio tasks on one event loop because no
    method awaits.
    """

    name: str
    failure_threshold: int = 3
    cool_down: float = 30.0
    clock: Callable[[], float] = time.monotonic
    failures: int = 0
    opened_at: float | None = None
    _trial_running: bool = field(default=False, repr=False)

    @property
    def state(self) -> CircuitState:
        if self.opened_at is None:
            return "closed"
        if self.clock() - self.opened_at >= self.cool_down:
            return "half_open"
        return "open"

    def retry_in(self) -> float:
        """Return the seconds until the breaker lets a trial attempt through (0 when it does now)."""
        if self.opened_at is None:
            return 0.0
        return max(0.0, self.cool_down - (self.clock() - self.opened_at))

    def allow(self) -> bool:
        """Return whether an attempt may start now, and claim the trial slot when half-open."""
        state = self.state
        if state == "closed":
            return True
        if state == "open" or self._trial_running:
            return False
        self._trial_running = True
        logger.info("circuit breaker for %s is half-open, trying one call", self.name)
        return True

    def record_success(self) -> None:
        if self.opened_at is not None:
            logger.info("circuit breaker for %s closed after a successful call", self.name)
        self.failures = 0
        self.opened_at = None
        self._trial_running = False

    def release_trial(self) -> None:
        """Free the trial slot after an attempt that shows nothing about the provider's health (a cancelled call, a 400)."""
        self._trial_running = False

    def record_failure(self) -> None:
        self.failures += 1
        trial_failed = self._trial_running
        self._trial_running = False
        if trial_failed or self.failures >= self.failure_threshold:
            self.opened_at = self.clock()
            logger.warning(
                "circuit breaker for %s opened after %d consecutive failures; calls fail at once for %.0f s",
                self.name,
                self.failures,
                self.cool_down,
            )

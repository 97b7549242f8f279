from __future__ import annotations

import email.utils

import pytest

from piper.integrations.llm.resilience import CircuitBreaker, RetryPolicy, parse_retry_after


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --- Backoff ----------------------------------------------------------------------


def test_backoff_doubles_each_retry() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=20)

    assert policy.backoff(0, jitter=lambda: 1.0) == 0.5
    assert policy.backoff(1, jitter=lambda: 1.0) == 1.0
    assert policy.backoff(2, jitter=lambda: 1.0) == 2.0


def test_backoff_jitter_keeps_half() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=20)

    assert policy.backoff(1, jitter=lambda: 0.0) == 1.0
    assert policy.backoff(1, jitter=lambda: 0.5) == 1.5


def test_backoff_capped_at_max_delay() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=5)

    assert policy.backoff(10, jitter=lambda: 1.0) == 5


# --- Retry-After -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "7"}, 7.0),
        ({"Retry-After": "0.25"}, 0.25),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after": "-3"}, 0.0),
        ({}, None),
        ({"retry-after": "soon"}, None),
    ],
)
def test_retry_after_forms(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(headers) == expected


def test_retry_after_http_date() -> None:
    now = 1_800_000_000.0
    header = email.utils.formatdate(now + 12, usegmt=True)

    assert parse_retry_after({"retry-after": header}, now=now) == pytest.approx(12.0)


# --- Circuit breaker ----------------------------------------------------------------------


def test_breaker_opens_after_threshold() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(name="double", failure_threshold=3, cool_down=30, clock=clock)

    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state == "closed"
    assert breaker.allow()

    breaker.record_failure()
    assert breaker.state == "open"
    assert not breaker.allow()
    assert breaker.retry_in() == 30


def test_breaker_success_resets_count() -> None:
    breaker = CircuitBreaker(name="double", failure_threshold=2, clock=FakeClock())

    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()

    assert breaker.state == "closed"
    assert breaker.failures == 1


def test_breaker_half_open_allows_one_trial() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(name="double", failure_threshold=1, cool_down=30, clock=clock)
    breaker.record_failure()

    clock.now += 30
    assert breaker.state == "half_open"
    assert breaker.allow()
    assert not breaker.allow()


def test_breaker_trial_success_closes() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(name="double", failure_threshold=1, cool_down=30, clock=clock)
    breaker.record_failure()
    clock.now += 31

    assert breaker.allow()
    breaker.record_success()

    assert breaker.state == "closed"
    assert breaker.allow()


def test_breaker_trial_failure_reopens() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(name="double", failure_threshold=3, cool_down=30, clock=clock)
    for _ in range(3):
        breaker.record_failure()
    clock.now += 31

    assert breaker.allow()
    breaker.record_failure()

    assert breaker.state == "open"
    assert breaker.retry_in() == 30


def test_breaker_released_trial_can_rerun() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(name="double", failure_threshold=1, cool_down=30, clock=clock)
    breaker.record_failure()
    clock.now += 31

    assert breaker.allow()
    breaker.release_trial()

    assert breaker.state == "half_open"
    assert breaker.allow()

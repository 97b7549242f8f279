"""The real anthropic and openai SDKs against the loopback doubles of their APIs."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest

from piper.config import LLMSettings, LLMTaskSettings, Settings
from piper.errors import CredentialsError
from piper.integrations.llm import complete_json
from piper.integrations.llm.base import BaseProvider
from piper.integrations.llm.errors import (
    InvalidJSONOutputError,
    ProviderConnectionError,
    ProviderError,
    ProviderRateLimitedError,
    ProviderResponseError,
    ProviderTimeoutError,
    ProviderUnavailableError,
)
from piper.integrations.llm.registry import get_provider
from piper.integrations.llm.resilience import RetryPolicy
from tests.doubles.llm_server import LLMServer, drop, error, invalid_json, ok, slow, unused_port

KEY = "sk-test-0123456789abcdef"
PROVIDERS = ["anthropic", "openai", "openai_compatible"]
HELLO = [{"role": "user", "content": "Hello?"}]


class SleepRecorder:
    """Stands in for asyncio.sleep: records each wait and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def server() -> Iterator[LLMServer]:
    with LLMServer() as running:
        yield running


@pytest.fixture
def sleep() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def make_provider(monkeypatch: pytest.MonkeyPatch, sleep: SleepRecorder):
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)

    def make(kind: str, base_url: str, *, timeout: float = 2.0, max_retries: int = 2) -> BaseProvider:
        settings = Settings(llm=LLMSettings(
            conversation=LLMTaskSettings(provider=kind, model="double-model", base_url=base_url),  # type: ignore[arg-type]
            timeout_seconds=timeout,
            max_retries=max_retries,
        ))
        policy = RetryPolicy(max_retries=max_retries, base_delay=0.01, max_delay=5.0)
        provider = get_provider("conversation", settings, retry_policy=policy, sleep=sleep)
        assert provider is not None
        return provider

    return make


def url_for(kind: str, server: LLMServer) -> str:
    return server.anthropic_base_url if kind == "anthropic" else server.openai_base_url


# --- Responses --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", PROVIDERS)
async def test_complete_returns_text(kind: str, server: LLMServer, make_provider) -> None:
    server.queue(ok("The roadmap review is on Thursday."))
    provider = make_provider(kind, url_for(kind, server))

    completion = await provider.complete(HELLO, system="You are Piper.", max_tokens=64, temperature=0.2)

    assert completion.text == "The roadmap review is on Thursday."
    assert completion.model == "double-model"
    assert completion.provider == kind
    assert completion.usage.input_tokens > 0
    assert completion.usage.output_tokens > 0
    assert len(server.requests) == 1


async def test_anthropic_request_shape(server: LLMServer, make_provider) -> None:
    provider = make_provider("anthropic", server.anthropic_base_url)

    await provider.complete(HELLO, system="You are Piper.", max_tokens=64, temperature=0.2, json_mode=True)

    request = server.requests[0]
    assert request.path == "/v1/messages"
    # anthropic 2.17 sends the key as a bearer token; older versions sent x-api-key.
    assert request.headers.get("x-api-key") == KEY or request.headers.get("authorization") == f"Bearer {KEY}"
    assert request.body["model"] == "double-model"
    assert request.body["max_tokens"] == 64
    assert "temperature" not in request.body, "anthropic 2.17 no longer accepts it"
    assert request.body["messages"] == HELLO
    assert request.body["system"].startswith("You are Piper.")
    assert "JSON object" in request.body["system"]


@pytest.mark.parametrize(("kind", "tokens_field"), [("openai", "max_completion_tokens"), ("openai_compatible", "max_tokens")])
async def test_openai_request_shape(kind: str, tokens_field: str, server: LLMServer, make_provider) -> None:
    provider = make_provider(kind, server.openai_base_url)

    await provider.complete(HELLO, system="You are Piper.", max_tokens=64, json_mode=True)

    request = server.requests[0]
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.body[tokens_field] == 64
    assert request.body["response_format"] == {"type": "json_object"}
    assert request.body["messages"][0]["role"] == "system"
    assert "JSON object" in request.body["messages"][0]["content"]
    assert request.body["messages"][1:] == HELLO


async def test_compatible_sends_placeholder_key(monkeypatch: pytest.MonkeyPatch, server: LLMServer, make_provider) -> None:
    provider = make_provider("openai_compatible", server.openai_base_url)
    monkeypatch.delenv("OPENAI_API_KEY")
    keyless = get_provider("classification", Settings(llm=LLMSettings(
        classification=LLMTaskSettings(provider="openai_compatible", model="llama3.1", base_url=server.openai_base_url),
    )))
    assert keyless is not None

    completion = await keyless.complete(HELLO)

    assert completion.text == "Hello from the double."
    assert server.requests[0].headers["authorization"] == "Bearer not-needed"
    assert provider.breaker is keyless.breaker


@pytest.mark.parametrize("kind", PROVIDERS)
async def test_stream_yields_each_token(kind: str, server: LLMServer, make_provider) -> None:
    server.queue(ok(chunks=["Your", " top", " priority", " is", " #42."]))
    provider = make_provider(kind, url_for(kind, server))

    deltas = [delta async for delta in provider.stream(HELLO, max_tokens=32)]

    assert deltas == ["Your", " top", " priority", " is", " #42."]
    assert server.requests[0].body["stream"] is True


@pytest.mark.parametrize("kind", PROVIDERS)
async def test_stream_tokens_arrive_before_end(kind: str, server: LLMServer, make_provider) -> None:
    reply = ok(chunks=["one", " two", " three"])
    reply.delay_between_chunks = 0.08
    server.queue(reply)
    provider = make_provider(kind, url_for(kind, server))

    started = time.perf_counter()
    arrivals = []
    async for _ in provider.stream(HELLO):
        arrivals.append(time.perf_counter() - started)

    assert len(arrivals) == 3
    assert arrivals[-1] - arrivals[0] >= 0.12, "each delta is yielded when it arrives, not after the whole answer"


# --- Failures --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", PROVIDERS)
async def test_dead_server_raises_connection_error(kind: str, make_provider, sleep: SleepRecorder) -> None:
    base_url = f"http://127.0.0.1:{unused_port()}" + ("" if kind == "anthropic" else "/v1")
    provider = make_provider(kind, base_url, max_retries=1)

    with pytest.raises(ProviderConnectionError) as caught:
        await provider.complete(HELLO)

    assert "cannot connect" in caught.value.message
    assert base_url in caught.value.message
    assert len(sleep.delays) == 1


@pytest.mark.parametrize("kind", PROVIDERS)
async def test_invalid_json_body_raises(kind: str, server: LLMServer, make_provider) -> None:
    server.queue(invalid_json())
    provider = make_provider(kind, url_for(kind, server))

    with pytest.raises(ProviderResponseError) as caught:
        await provider.complete(HELLO)

    assert "not valid API JSON" in caught.value.message
    assert len(server.requests) == 1, "a garbled body is not retried"


@pytest.mark.parametrize("kind", PROVIDERS)
async def test_slow_server_times_out(kind: str, server: LLMServer, make_provider) -> None:
    server.queue(slow(3))
    provider = make_provider(kind, url_for(kind, server), timeout=0.15, max_retries=0)

    started = time.perf_counter()
    with pytest.raises(ProviderTimeoutError) as caught:
        await provider.complete(HELLO)
    elapsed = time.perf_counter() - started

    assert "timed out after 0.15 s" in caught.value.message
    assert 0.14 <= elapsed < 1.0


@pytest.mark.parametrize("kind", PROVIDERS)
async def test_timeout_then_success(kind: str, server: LLMServer, make_provider) -> None:
    server.queue(slow(3), ok("Second try."))
    provider = make_provider(kind, url_for(kind, server), timeout=0.15, max_retries=1)

    completion = await provider.complete(HELLO)

    assert completion.text == "Second try."
    assert len(server.requests) == 2


@pytest.mark.parametrize("kind", PROVIDERS)
async def test_dropped_connection_then_success(kind: str, server: LLMServer, make_provider) -> None:
    server.queue(drop(), ok("After the drop."))
    provider = make_provider(kind, url_for(kind, server))

    completion = await provider.complete(HELLO)

    assert completion.text == "After the drop."


@pytest.mark.parametrize("kind", PROVIDERS)
async def test_rate_limit_honours_retry_after(kind: str, server: LLMServer, make_provider, sleep: SleepRecorder) -> None:
    server.queue(error(429, "rate limit reached", retry_after="3"), ok("Done."))
    provider = make_provider(kind, url_for(kind, server))

    completion = await provider.complete(HELLO)

    assert completion.text == "Done."
    assert sleep.delays == [3.0]
    assert len(server.requests) == 2, "the SDK's own retries are off"


async def test_rate_limit_waits_for_real(server: LLMServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    server.queue(error(429, "slow down", retry_after_ms="200"), ok("Done."))
    provider = get_provider("drafting", Settings(llm=LLMSettings(
        drafting=LLMTaskSettings(provider="openai", model="double-model", base_url=server.openai_base_url),
    )))
    assert provider is not None

    started = time.perf_counter()
    completion = await provider.complete(HELLO)

    assert completion.text == "Done."
    assert time.perf_counter() - started >= 0.2


@pytest.mark.parametrize("kind", PROVIDERS)
async def test_rate_limit_wait_too_long(kind: str, server: LLMServer, make_provider, sleep: SleepRecorder) -> None:
    server.queue(error(429, "quota exhausted", retry_after="3600"))
    provider = make_provider(kind, url_for(kind, server))

    with pytest.raises(ProviderRateLimitedError) as caught:
        await provider.complete(HELLO)

    assert "HTTP 429: quota exhausted" in caught.value.message
    assert "Retry after 3600 s" in caught.value.message
    assert sleep.delays == []


@pytest.mark.parametrize("kind", PROVIDERS)
async def test_server_error_then_success(kind: str, server: LLMServer, make_provider, sleep: SleepRecorder) -> None:
    server.queue(error(500, "internal error"), ok("Recovered."))
    provider = make_provider(kind, url_for(kind, server))

    completion = await provider.complete(HELLO)

    assert completion.text == "Recovered."
    assert len(sleep.delays) == 1
    assert 0.005 <= sleep.delays[0] <= 0.01


async def test_anthropic_overloaded_retried(server: LLMServer, make_provider, sleep: SleepRecorder) -> None:
    server.queue(error(529, "Overloaded"), error(529, "Overloaded"), ok("Finally."))
    provider = make_provider("anthropic", server.anthropic_base_url)

    completion = await provider.complete(HELLO)

    assert completion.text == "Finally."
    assert len(sleep.delays) == 2
    assert sleep.delays[1] > sleep.delays[0] * 0.9, "the second wait backs off"


@pytest.mark.parametrize("kind", PROVIDERS)
async def test_server_errors_exhaust_retries(kind: str, server: LLMServer, make_provider) -> None:
    server.queue(error(503, "maintenance"), error(503, "maintenance"), error(503, "maintenance"))
    provider = make_provider(kind, url_for(kind, server))

    with pytest.raises(ProviderError) as caught:
        await provider.complete(HELLO)

    assert "failed with HTTP 503: maintenance" in caught.value.message
    assert len(server.requests) == 3


@pytest.mark.parametrize("kind", PROVIDERS)
async def test_bad_request_not_retried(kind: str, server: LLMServer, make_provider) -> None:
    server.queue(error(404, "model 'double-model' not found"))
    provider = make_provider(kind, url_for(kind, server))

    with pytest.raises(ProviderError) as caught:
        await provider.complete(HELLO)

    assert "rejected the request with HTTP 404" in caught.value.message
    assert len(server.requests) == 1
    assert provider.breaker.failures == 0


@pytest.mark.parametrize("kind", PROVIDERS)
async def test_unauthorized_raises_credentials_error(kind: str, server: LLMServer, make_provider) -> None:
    server.queue(error(401, f"Incorrect API key provided: {KEY}"))
    provider = make_provider(kind, url_for(kind, server))

    with pytest.raises(CredentialsError) as caught:
        await provider.complete(HELLO)

    error_raised = caught.value
    assert error_raised.exit_code == 4
    assert "rejected the API key (HTTP 401" in error_raised.message
    variable = "ANTHROPIC_API_KEY" if kind == "anthropic" else "OPENAI_API_KEY"
    assert variable in (error_raised.hint or "")
    assert KEY not in error_raised.message
    assert "[redacted]" in error_raised.message
    assert len(server.requests) == 1


@pytest.mark.parametrize("kind", PROVIDERS)
async def test_stream_error_before_first_token_retried(kind: str, server: LLMServer, make_provider) -> None:
    server.queue(error(500, "boom"), ok(chunks=["a", "b"]))
    provider = make_provider(kind, url_for(kind, server))

    deltas = [delta async for delta in provider.stream(HELLO)]

    assert deltas == ["a", "b"]
    assert len(server.requests) == 2


@pytest.mark.parametrize("kind", PROVIDERS)
async def test_stream_slow_server_times_out(kind: str, server: LLMServer, make_provider) -> None:
    server.queue(slow(3))
    provider = make_provider(kind, url_for(kind, server), timeout=0.15, max_retries=0)

    with pytest.raises(ProviderTimeoutError):
        async for _ in provider.stream(HELLO):
            pass


# --- Circuit breaker ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", PROVIDERS)
async def test_breaker_opens_and_fails_fast(kind: str, server: LLMServer, make_provider) -> None:
    server.queue(*(slow(3) for _ in range(3)))
    provider = make_provider(kind, url_for(kind, server), timeout=0.1, max_retries=2)

    with pytest.raises(ProviderTimeoutError):
        await provider.complete(HELLO)
    assert provider.breaker.state == "open"
    requests_before = len(server.requests)

    started = time.perf_counter()
    with pytest.raises(ProviderUnavailableError) as caught:
        await provider.complete(HELLO)
    elapsed = time.perf_counter() - started

    assert elapsed < 0.05
    assert len(server.requests) == requests_before
    assert "failed 3 times in a row" in caught.value.message
    assert "stops calling it for 30 s" in caught.value.message


async def test_breaker_shared_across_providers(server: LLMServer, make_provider) -> None:
    dead = f"http://127.0.0.1:{unused_port()}/v1"
    first = make_provider("openai_compatible", dead)
    second = make_provider("openai_compatible", dead)

    with pytest.raises(ProviderConnectionError):
        await first.complete(HELLO)

    with pytest.raises(ProviderUnavailableError):
        await second.complete(HELLO)


async def test_breaker_half_open_recovers(server: LLMServer, make_provider) -> None:
    server.queue(error(500), error(500), error(500))
    provider = make_provider("openai", server.openai_base_url)
    with pytest.raises(ProviderError):
        await provider.complete(HELLO)
    assert provider.breaker.state == "open"

    # Move the breaker's opening back past its cool-down instead of waiting 30 s.
    provider.breaker.opened_at = provider.breaker.clock() - provider.breaker.cool_down

    completion = await provider.complete(HELLO)

    assert completion.text == "Hello from the double."
    assert provider.breaker.state == "closed"


async def test_aclose_then_reuse(server: LLMServer, make_provider) -> None:
    provider = make_provider("openai", server.openai_base_url)
    await provider.complete(HELLO)

    await provider.aclose()
    completion = await provider.complete(HELLO)

    assert completion.text == "Hello from the double."
    await provider.aclose()


async def test_breaker_trial_failure_reopens(server: LLMServer, make_provider) -> None:
    server.queue(error(500), error(500), error(500), error(500))
    provider = make_provider("anthropic", server.anthropic_base_url)
    with pytest.raises(ProviderError):
        await provider.complete(HELLO)
    provider.breaker.opened_at = provider.breaker.clock() - provider.breaker.cool_down

    with pytest.raises(ProviderError) as caught:
        await provider.complete(HELLO)

    assert not isinstance(caught.value, ProviderUnavailableError)
    assert len(server.requests) == 4, "the half-open breaker lets exactly one trial through"
    assert provider.breaker.state == "open"


# --- JSON output ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", PROVIDERS)
async def test_complete_json_parses(kind: str, server: LLMServer, make_provider) -> None:
    server.queue(ok('{"category": "EXECUTION", "action": "create_todo", "confidence": 0.9}'))
    provider = make_provider(kind, url_for(kind, server))

    answer = await complete_json(provider, HELLO, system="Classify the message.")

    assert answer == {"category": "EXECUTION", "action": "create_todo", "confidence": 0.9}


@pytest.mark.parametrize("kind", PROVIDERS)
async def test_complete_json_rejects_prose(kind: str, server: LLMServer, make_provider) -> None:
    server.queue(ok("I think this is a todo."))
    provider = make_provider(kind, url_for(kind, server))

    with pytest.raises(InvalidJSONOutputError) as caught:
        await complete_json(provider, HELLO)

    assert caught.value.text == "I think this is a todo."
    assert provider.breaker.failures == 0, "a model that ignores the JSON request does not count against the server"


# --- Secrets ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", PROVIDERS)
async def test_key_never_logged(kind: str, server: LLMServer, make_provider, caplog: pytest.LogCaptureFixture) -> None:
    server.queue(
        error(429, f"rate limited for key {KEY}", retry_after="0"),
        error(500, f"server error for {KEY}"),
        ok("fine"),
        error(401, f"Incorrect API key provided: {KEY}"),
        slow(3),
        slow(3),
        slow(3),
    )
    provider = make_provider(kind, url_for(kind, server), timeout=0.1, max_retries=2)
    messages: list[str] = []

    with caplog.at_level(logging.DEBUG):
        await provider.complete(HELLO)
        for _ in range(2):
            try:
                await provider.complete(HELLO)
            except (CredentialsError, ProviderError) as raised:
                messages.extend([raised.message, raised.hint or "", str(raised.details), repr(raised)])

    assert len(messages) == 8
    assert caplog.records, "retries and answers are logged"
    assert KEY not in caplog.text
    for text in messages:
        assert KEY not in text
    assert KEY not in repr(provider)

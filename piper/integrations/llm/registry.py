"""Choosing the provider for a task from the settings, with one circuit breaker per server."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Literal

from piper.config import LLMTaskSettings, Settings
from piper.errors import ConfigError, CredentialsError
from piper.integrations.llm.base import BaseProvider
from piper.integrations.llm.resilience import CircuitBreaker, RetryPolicy
from piper.secrets import describe_secret_sources, lookup_secret

logger = logging.getLogger(__name__)

Task = Literal["classification", "conversation", "drafting"]
TASKS: tuple[Task, ...] = ("classification", "conversation", "drafting")

BREAKER_FAILURE_THRESHOLD = 3
"""Consecutive failed attempts that open a breaker. With the default two retries, one failed call opens it."""

BREAKER_COOL_DOWN_SECONDS = 30.0

# NOTE: breakers live in memory, so they help long-running processes (the TUI, the MCP server,
# `classify --jsonl`). Each one-shot `piper ask` starts with a closed breaker and may wait out a dead server again.
_breakers: dict[tuple[str, str], CircuitBreaker] = {}


def get_provider(
    task: str,
    settings: Settings,
    *,
    retry_policy: RetryPolicy | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> BaseProvider | None:
    """Return the provider that ``settings.llm`` names for ``task``, or None when the task has none.

    The base URL is the task's ``base_url``, else ``ANTHROPIC_BASE_URL`` or
    ``OPENAI_BASE_URL``, else the provider's public API. Providers built for
    the same server share one circuit breaker for the life of the process.

    Raises:
        UsageError: ``task`` is not one of classification, conversation, drafting.
        CredentialsError: Anthropic or OpenAI is chosen and no key is set.
        ConfigError: openai_compatible is chosen without a server URL.
    """
    from piper.errors import UsageError

    if task not in TASKS:
        raise UsageError(f"unknown LLM task {task!r}.", hint=f"Use one of {', '.join(TASKS)}.")

    llm = settings.llm
    choice: LLMTaskSettings = getattr(llm, task)
    if choice.provider == "none":
        logger.debug("no LLM provider is configured for %s", task)
        return None

    provider_class = _provider_class(choice.provider)
    base_url = choice.base_url or os.environ.get(provider_class.base_url_variable) or None
    api_key = _api_key(provider_class, task, base_url)
    policy = retry_policy or RetryPolicy(max_retries=llm.max_retries)
    assert choice.model is not None, "LLMTaskSettings requires a model for every provider but none"

    return provider_class(
        model=choice.model,
        api_key=api_key,
        base_url=base_url,
        timeout=llm.timeout_seconds,
        retry_policy=policy,
        breaker=_breaker_for(provider_class.name, base_url),
        sleep=sleep,
    )


def reset_circuit_breakers() -> None:
    """Forget every breaker's state, as a new process would."""
    _breakers.clear()


def _provider_class(name: str) -> type[BaseProvider]:
    if name == "anthropic":
        from piper.integrations.llm.anthropic_provider import AnthropicProvider

        return AnthropicProvider

    from piper.integrations.llm.openai_provider import OpenAICompatibleProvider, OpenAIProvider

    return OpenAICompatibleProvider if name == "openai_compatible" else OpenAIProvider


def _api_key(provider_class: type[BaseProvider], task: str, base_url: str | None) -> str:
    key = lookup_secret(provider_class.key_variable)
    if key:
        return key

    if provider_class.name == "openai_compatible":
        from piper.integrations.llm.openai_provider import PLACEHOLDER_KEY

        if not base_url:
            raise ConfigError(
                f"llm.{task} uses an OpenAI-compatible server but names no URL.",
                hint=f"Add 'base_url:' under llm.{task} in PIPER.user.md (such as http://localhost:11434/v1 for Ollama), or set OPENAI_BASE_URL.",
            )
        return PLACEHOLDER_KEY

    raise CredentialsError(
        f"llm.{task} uses {provider_class.display_name}, but no {provider_class.key_variable} is set.",
        hint=describe_secret_sources(provider_class.key_variable),
        details={"variable": provider_class.key_variable, "task": task},
    )


def _breaker_for(provider: str, base_url: str | None) -> CircuitBreaker:
    key = (provider, base_url or "default")
    breaker = _breakers.get(key)
    if breaker is None:
        name = f"{provider} at {base_url}" if base_url else provider
        breaker = CircuitBreaker(name=name, failure_threshold=BREAKER_FAILURE_THRESHOLD, cool_down=BREAKER_COOL_DOWN_SECONDS)
        _breakers[key] = breaker
    return breaker

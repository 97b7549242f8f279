"""LLM providers (Anthropic, OpenAI, OpenAI-compatible servers) with timeouts, retries and a circuit breaker.

Start with :func:`get_provider`, which returns None when ``PIPER.user.md``
names no provider for a task. Importing this package imports neither SDK;
each is imported when its first provider is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from piper.integrations.llm.errors import (
    InvalidJSONOutputError,
    ProviderConnectionError,
    ProviderError,
    ProviderRateLimitedError,
    ProviderResponseError,
    ProviderTimeoutError,
    ProviderUnavailableError,
)
from piper.integrations.llm.model import Completion, Message, Provider, Usage

if TYPE_CHECKING:
    from piper.integrations.llm.json_output import complete_json
    from piper.integrations.llm.registry import get_provider

__all__ = [
    "Completion",
    "InvalidJSONOutputError",
    "Message",
    "Provider",
    "ProviderConnectionError",
    "ProviderError",
    "ProviderRateLimitedError",
    "ProviderResponseError",
    "ProviderTimeoutError",
    "ProviderUnavailableError",
    "Usage",
    "complete_json",
    "get_provider",
]


def __getattr__(name: str) -> Any:
    # get_provider needs piper.config (pydantic); load it only when a caller asks for it.
    if name == "get_provider":
        from piper.integrations.llm.registry import get_provider

        return get_provider
    if name == "complete_json":
        from piper.integrations.llm.json_output import complete_json

        return complete_json
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

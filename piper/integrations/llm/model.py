"""The provider interface and the values it returns."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, TypedDict

ProviderName = Literal["anthropic", "openai", "openai_compatible"]


class Message(TypedDict):
    """One turn of a chat, in the shape both APIs take."""

    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True)
class Usage:
    """Tokens counted by the provider. Servers that do not count report 0."""

    input_tokens: int = 0
    output_tokens: int = 0


@dataclass(frozen=True)
class Completion:
    """A finished response: its text, the model that wrote it and the tokens it cost."""

    text: str
    model: str
    provider: ProviderName
    usage: Usage


class Provider(Protocol):
    """An LLM behind a chat API, with Piper's timeouts, retries and circuit breaker around each call."""

    name: ProviderName
    model: str

    async def complete(
        self,
        messages: Sequence[Message],
        *,
        system: str | None = None,
        max_tokens: int = 1024,
        temperature: float = 0.0,
        json_mode: bool = False,
    ) -> Completion:
        """Send ``messages`` and return the whole response."""
        ...

    def stream(
        self,
        messages: Sequence[Message],
        *,
        system: str | None = None,
        max_tokens: int = 1024,
        temperature: float = 0.0,
    ) -> AsyncIterator[str]:
        """Send ``messages`` and yield the response's text deltas as they arrive."""
        ...

"""Errors of the LLM providers, each with a message for people.

A missing or rejected key raises :class:`piper.errors.CredentialsError`
(exit code 4) instead of one of these. No message contains a key.
"""

from __future__ import annotations

from piper.errors import PiperError


class ProviderError(PiperError):
    """A call to an LLM provider failed after every retry."""


class ProviderUnavailableError(ProviderError):
    """The provider's circuit breaker is open, so Piper does not call it until the cool-down ends."""


class ProviderTimeoutError(ProviderError):
    """The provider did not respond within the configured timeout."""


class ProviderConnectionError(ProviderError):
    """The provider's server cannot be reached (refused connection, DNS failure, reset)."""


class ProviderRateLimitedError(ProviderError):
    """The provider kept returning HTTP 429, or requested a wait longer than Piper accepts."""


class ProviderResponseError(ProviderError):
    """The provider returned a body that is not the API's JSON or SSE shape."""


class InvalidJSONOutputError(ProviderError):
    """The model's output for a JSON request is not a JSON object.

    Attributes:
        text: The model's raw output, for a caller that logs it or falls back.
    """

    def __init__(self, message: str, *, text: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.text = text

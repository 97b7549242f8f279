"""Errors that carry a message for people and an exit code for scripts.

The CLI catches :class:`PiperError` and prints its message (or the JSON error
envelope) without a traceback; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from typing import Any


class PiperError(Exception):
    """An expected failure: something the user can fix.

    Args:
        message: What failed, on which value. Shown as is.
        hint: What to do next, shown on its own line after the message.
        details: Machine-readable context for the ``--json`` error envelope.
    """

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details or {}


class UsageError(PiperError):
    """A bad flag, argument or option value (exit code 2)."""

    exit_code = 2


class CredentialsError(PiperError):
    """A missing or rejected credential (exit code 4)."""

    exit_code = 4


class ConfigError(PiperError):
    """A configuration file that cannot be read or is invalid."""


class StorageError(PiperError):
    """The database cannot be opened, migrated, read or written."""


class NotFoundError(PiperError):
    """A record named by the user (a todo id, a standup run) does not exist."""

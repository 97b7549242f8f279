"""Turning PyGithub and transport failures into errors for people.

Every failure leaves this package as a :class:`~piper.errors.PiperError`
whose message names what failed and whose hint names the next step. Messages
never contain the token: they are built from the status, GitHub's
``message`` and ``errors`` fields and the request's description.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from piper.errors import CredentialsError, NotFoundError, PiperError

class GitHubUnavailableError(PiperError):
    """GitHub timed out, refused the connection or returned HTTP 5xx after every retry."""


class GitHubRateLimitError(PiperError):
    """GitHub's rate limit is used up for longer than Piper is willing to wait."""

    def __init__(self, message: str, *, reset_at: dt.datetime | None, hint: str | None = None) -> None:
        details: dict[str, Any] = {"reset_at": reset_at.isoformat() if reset_at else None}
        super().__init__(message, hint=hint, details=details)
        self.reset_at = reset_at


class GitHubResponseError(PiperError):
    """GitHub returned a body Piper cannot read (not JSON, or missing a required field)."""


def rejected_token(status: int, message: str | None) -> CredentialsError:
    """Return the error for a token GitHub rejected (HTTP 401)."""
    from piper.secrets import credentials_rejected

    return credentials_rejected("github", f"{status} {message}" if message else str(status))


def not_found(what: str) -> NotFoundError:
    """Return the error for HTTP 404 on ``what`` (``acme/web#12``, ``acme/web``)."""
    return NotFoundError(
        f"{what}: repository or issue not found (or the token cannot see it).",
        hint="Check the owner/name and the number, and that the token has access to private repositories if this is one.",
        details={"target": what, "status": 404},
    )


def validation_failed(what: str, body: Any) -> PiperError:
    """Return the error for HTTP 422, built from the body's ``message`` and ``errors`` fields."""
    message = body.get("message") if isinstance(body, dict) else None
    problems = [describe_validation_error(entry) for entry in (body.get("errors") or [] if isinstance(body, dict) else [])]
    text = f"GitHub rejected the request for {what}: {message or 'Validation Failed'}"
    if problems:
        text += " (" + "; ".join(problems) + ")"
    return PiperError(text + ".", details={"target": what, "status": 422, "errors": problems})


def describe_validation_error(entry: Any) -> str:
    """Describe one entry of a 422 body's ``errors`` list.

    GitHub documents the codes ``missing``, ``missing_field``, ``invalid``,
    ``already_exists`` and ``unprocessable``, plus ``custom`` with a
    ``message``; an entry may also be a bare string.
    """
    if isinstance(entry, str):
        return entry
    if not isinstance(entry, dict):
        return str(entry)
    if entry.get("message"):
        return str(entry["message"])
    field = entry.get("field")
    resource = entry.get("resource")
    code = entry.get("code", "invalid")
    subject = f"{resource}.{field}" if resource and field else field or resource or "value"
    words = {
        "missing": "does not exist",
        "missing_field": "is required",
        "invalid": "is invalid",
        "already_exists": "already exists",
        "unprocessable": "cannot be processed",
    }
    described = f"{subject} {words.get(code, code)}"
    # GitHub names the rejected value for some fields, such as a login in ``assignees``.
    value = entry.get("value")
    return f"{described}: {value}" if value not in (None, "") else described


_STATE_REFUSALS = ("locked", "archived", "read-only")
"""Words in a 403 message that blame the issue or repository's state, not the token."""


def forbidden(what: str, message: str | None) -> PiperError:
    """Return the error for HTTP 403 that is not a rate limit.

    A locked issue (for users without push access) and an archived repository
    reject changes with 403 although the token is valid, so those are plain
    failures (exit 1), not credential errors.
    """
    if message and any(word in message.lower() for word in _STATE_REFUSALS):
        return PiperError(
            f"GitHub rejected the change to {what}: {message}",
            hint="Unlock the issue or unarchive the repository on GitHub, if you may, and try again.",
            details={"target": what, "status": 403},
        )
    return CredentialsError(
        f"GitHub denied access to {what} (403 {message or 'Forbidden'}).",
        hint="Check that the token has the repo scope (or Issues read and write for a fine-grained token) and access to this repository.",
        details={"target": what, "status": 403},
    )

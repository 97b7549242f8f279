"""Errors from Notion's API, mapped to Piper's exit codes, with what to do next.

Notion returns an error as ``{"object": "error", "status": 400, "code":
"validation_error", "message": "..."}`` (developers.notion.com, "Status
codes"). A missing or rejected token raises
:class:`~piper.errors.CredentialsError` (exit code 4) from :mod:`piper.secrets`.
No message here contains the token.
"""

from __future__ import annotations

from typing import Any

from piper.errors import NotFoundError, PiperError

SHARE_HINT = (
    "Share the page with your Notion integration: open the page in Notion, choose '...' > 'Connections' "
    "and add the integration whose token Piper uses."
)


class NotionError(PiperError):
    """A Notion request that failed. ``details`` carry ``status`` and ``code`` when Notion sent them."""


class NotionNotFoundError(NotionError, NotFoundError):
    """The page, database or block does not exist or is not shared with the integration (HTTP 404)."""


class NotionAccessError(NotionError):
    """The integration lacks access to the object or the capability (HTTP 403)."""


class NotionResponseError(NotionError):
    """Notion returned a body that is not the documented JSON."""


class PublishIncompleteError(NotionError):
    """A page was created but some of its blocks could not be appended.

    ``details`` hold the page's ``id`` and ``url``, ``blocks_total``,
    ``blocks_written`` and ``not_written`` (the start of each block that is
    missing), so the user can finish the page by hand or publish again.
    """


def error_details(status: int | None, code: str | None, **extra: Any) -> dict[str, Any]:
    details: dict[str, Any] = {"status": status, "code": code}
    details.update(extra)
    return details

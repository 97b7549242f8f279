"""Errors raised while reading a calendar; each message names the calendar."""

from __future__ import annotations

from piper.errors import PiperError


class CalendarError(PiperError):
    """A calendar that cannot be read: a missing file, a rejected download, invalid iCalendar data."""


class CalendarUnavailableError(CalendarError):
    """A download that failed for a reason that may pass: a timeout, a refused connection, HTTP 429 or 5xx.

    Only this error lets the reader fall back to the cached copy. A 401, 403
    or 404 means the address itself is wrong, so stale events would mislead.
    """

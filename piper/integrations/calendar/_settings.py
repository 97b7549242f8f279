"""Turn the ``calendars:`` settings into the locations the reader takes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from piper.integrations.calendar._reader import CalendarLocation

if TYPE_CHECKING:
    from piper.config import Settings


def configured_locations(settings: Settings) -> list[CalendarLocation]:
    """Return the enabled calendars of ``settings``, in the order of the file."""
    return [
        CalendarLocation(name=calendar.name, path=calendar.path, url=calendar.url)
        for calendar in settings.calendars
        if calendar.enabled
    ]


def not_configured_reason(settings: Settings) -> str:
    """Explain why no calendar is read: none listed, or every one has ``enabled: false``."""
    if not settings.calendars:
        return "no calendars configured"
    return "every calendar has enabled: false"

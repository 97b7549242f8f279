"""The ``calendar`` standup source: the events of the standup's day go to today's priorities.

The day is ``request.date`` in the request's time zone, from 00:00 to the
next 00:00, whatever the window of yesterday's work is. An event counts
when it starts on that day. All-day events, events of 24 hours or more,
cancelled events and events the user declined are left out.

Several calendars are read at once. A calendar that fails is listed under
``failed`` with its error, and the other calendars still give their events.
The source reports ``error`` only when no calendar could be read.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from piper.errors import ConfigError
from piper.integrations.calendar import (
    CalendarCache,
    CalendarEvent,
    CalendarReading,
    DownloadPolicy,
    configured_locations,
    not_configured_reason,
    read_calendars,
)
from piper.standup.model import Item, SourceResult

if TYPE_CHECKING:
    from piper.config import Settings
    from piper.standup.model import StandupRequest
    from piper.standup.progress import Progress

logger = logging.getLogger(__name__)


class CalendarSource:
    """Reads the calendars listed under ``calendars:`` in ``PIPER.user.md``."""

    name = "calendar"

    def __init__(
        self, settings: Settings | None = None, *, cache: CalendarCache | None = None, policy: DownloadPolicy | None = None
    ) -> None:
        self._settings = settings
        """Settings to read the calendars and the user's emails from; None reads ``PIPER.user.md``."""

        self._cache = cache
        self._policy = policy

    async def collect(self, request: StandupRequest, progress: Progress) -> SourceResult:
        """Read every enabled calendar and list the events of ``request.date``."""
        try:
            settings = self._settings or _load_settings()
        except ConfigError as error:
            return SourceResult.failed(self.name, error.message)

        locations = configured_locations(settings)
        if not locations:
            return SourceResult.skipped(self.name, not_configured_reason(settings))

        day_start = _start_of_day(request.date, request.timezone)
        day_end = _start_of_day(request.date + dt.timedelta(days=1), request.timezone)
        task = progress.add_task("Reading calendars", total=1)
        try:
            reading = await read_calendars(
                locations,
                since=day_start,
                until=day_end,
                timezone=request.timezone,
                emails=settings.identity.emails,
                cache=self._cache,
                policy=self._policy,
            )
        finally:
            progress.advance(task)

        today = [_item(event) for event in reading.events if event.start >= day_start and event.agenda_skip_reason() is None]
        return _result(self.name, reading, today, total=len(locations))


def _load_settings() -> Settings:
    from piper.config import load_settings

    return load_settings()


def _start_of_day(day: dt.date, timezone: dt.tzinfo) -> dt.datetime:
    from piper.standup.window import start_of_day

    return start_of_day(day, timezone)


def _item(event: CalendarEvent) -> Item:
    title = f"{event.time_range()} {event.title}"
    if event.location:
        title += f" ({event.location})"
    return Item(source="calendar", kind="event", id=event.id, title=title, repo=None, url=event.url, timestamp=event.start)


def _result(name: str, reading: CalendarReading, today: list[Item], *, total: int) -> SourceResult:
    details: dict[str, Any] = {"calendars": reading.calendars_read, "events": len(today)}
    if reading.errors:
        details["failed"] = [problem.to_json() for problem in reading.errors]
    if reading.notes:
        details["notes"] = [problem.to_json() for problem in reading.notes]

    problems = [f"{problem.calendar}: {problem.message.rstrip('.')}" for problem in [*reading.errors, *reading.notes]]
    if reading.calendars_read == 0:
        return SourceResult(name=name, status="error", reason="; ".join(problems) + ".", details=details)

    # NOTE: the renderers print a reason for any status, so a partial failure shows up in the
    # standup's source line while the status stays ok and the other calendars' events are listed.
    reason = None
    if problems:
        failed = f"{len(reading.errors)} of {total} calendars could not be read. " if reading.errors else ""
        reason = failed + "; ".join(problems) + "."
    return SourceResult(name=name, today=today, details=details, reason=reason)

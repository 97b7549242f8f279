"""Calendar events after expansion, and the result of reading every configured calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

MULTI_DAY = dt.timedelta(hours=24)
"""A timed event this long or longer counts as a multi-day event, like a conference or a trip."""


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """One occurrence of an event, with its times in the user's time zone."""

    calendar: str
    """Name of the calendar in the settings."""

    uid: str
    recurrence_id: str | None
    """The occurrence's RECURRENCE-ID in UTC (``20261204T150000Z``, or ``20261204`` for a date); None unless the event recurs."""

    title: str
    start: dt.datetime
    end: dt.datetime
    """Aware datetimes in the user's time zone. An all-day event runs from 00:00 of its first day to 00:00 after its last."""

    all_day: bool = False
    url: str | None = None
    location: str | None = None
    cancelled: bool = False
    """STATUS:CANCELLED on the event or on this occurrence."""

    declined: bool = False
    """The user, found by one of the identity emails among the attendees, has PARTSTAT=DECLINED."""

    transparent: bool = False
    """TRANSP:TRANSPARENT: the event does not make the user busy."""

    @property
    def id(self) -> str:
        """Return an identifier that is stable across downloads: the UID, plus ``/`` and the recurrence id for an occurrence."""
        return f"{self.uid}/{self.recurrence_id}" if self.recurrence_id else self.uid

    @property
    def multi_day(self) -> bool:
        if self.all_day:
            return self.end - self.start > dt.timedelta(hours=25)  # One day, plus the hour a DST change may add.
        return self.end - self.start >= MULTI_DAY

    def agenda_skip_reason(self) -> str | None:
        """Return why the event does not belong on a day's agenda (all-day, multi-day, cancelled, declined), or None."""
        if self.cancelled:
            return "cancelled"
        if self.declined:
            return "declined"
        if self.all_day:
            return "all-day"
        if self.multi_day:
            return "multi-day"
        return None

    def makes_busy(self) -> bool:
        """Return whether the event blocks the user's time: timed, not cancelled, not declined, not transparent."""
        return not (self.all_day or self.cancelled or self.declined or self.transparent)

    def time_range(self) -> str:
        """Return ``09:00-09:30`` in the event's (the user's) time zone, or ``all day``."""
        if self.all_day:
            return "all day"
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "calendar": self.calendar,
            "title": self.title,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "all_day": self.all_day,
            "url": self.url,
            "location": self.location,
        }


@dataclass(frozen=True, slots=True)
class CalendarProblem:
    """A calendar that could not be read (an error) or was read with a caveat (a note)."""

    calendar: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"calendar": self.calendar, "message": self.message}


@dataclass(slots=True)
class CalendarReading:
    """Events from every calendar that could be read, and what went wrong with the others."""

    events: list[CalendarEvent] = field(default_factory=list)
    """Sorted by start; an event found in two calendars (same UID and recurrence id) appears once."""

    calendars_read: int = 0
    errors: list[CalendarProblem] = field(default_factory=list)
    """Calendars that gave no events at all."""

    notes: list[CalendarProblem] = field(default_factory=list)
    """Calendars that gave events with a caveat: a cached copy, events left out as unreadable."""

"""Parse iCalendar data and expand its events over a window, with icalendar and recurring-ical-events.

recurring-ical-events applies RRULE (with UNTIL or COUNT), RDATE, EXDATE and
RECURRENCE-ID overrides, and converts X-WR-TIMEZONE calendars. This module
turns each occurrence into a :class:`CalendarEvent` in the user's time zone:
floating times (no TZID, no Z) are read as the user's local time, and DATE
values mark all-day events.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from piper.integrations.calendar._errors import CalendarError
from piper.integrations.calendar._model import CalendarEvent

if TYPE_CHECKING:
    from collections.abc import Iterable

    from icalendar import Calendar

logger = logging.getLogger(__name__)

_EXPANSION_MARGIN = dt.timedelta(days=1)
"""Extra time on both sides of the window when expanding, so floating events are found in any UTC offset."""


def parse_calendar(content: bytes, *, name: str) -> Calendar:
    """Parse the bytes of an ``.ics`` file.

    Raises:
        CalendarError: The bytes are not an iCalendar object (an HTML login page, a truncated file).
    """
    import icalendar

    if _looks_like_html(content):
        raise CalendarError(
            f"calendar {name!r}: the content is an HTML page, so it is not valid iCalendar data.",
            hint="A login or web page came back instead of the calendar. Copy the calendar's iCal address (it usually ends in .ics), or export the file again.",
        )
    try:
        calendar = icalendar.Calendar.from_ical(content)
    except ValueError as error:
        raise CalendarError(
            f"calendar {name!r}: the content is not valid iCalendar data ({_first_line(str(error))}).",
            hint="Check that the path or URL points at an .ics file; export the calendar again if the file is damaged.",
        ) from None
    if calendar.name != "VCALENDAR":
        raise CalendarError(
            f"calendar {name!r}: the content is not valid iCalendar data: it starts with BEGIN:{calendar.name}, not BEGIN:VCALENDAR.",
            hint="Check that the path or URL points at an .ics file.",
        )
    return calendar


def _looks_like_html(content: bytes) -> bool:
    start = content[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body"))


def expand_events(
    calendar: Calendar,
    *,
    name: str,
    since: dt.datetime,
    until: dt.datetime,
    timezone: dt.tzinfo,
    emails: Iterable[str] = (),
) -> tuple[list[CalendarEvent], int]:
    """Return the occurrences that overlap ``[since, until)`` and the number of events left out as unreadable.

    An event with a property that cannot be parsed (``DTSTART:2026XX``) or a
    series that recurring-ical-events rejects is left out and counted, so
    one damaged event does not hide the rest of the calendar.
    """
    import recurring_ical_events

    own_addresses = {email.casefold() for email in emails}
    recurring_uids = _recurring_uids(calendar)
    broken = sum(1 for component in calendar.walk("VEVENT") if component.errors)

    query = recurring_ical_events.of(calendar, skip_bad_series=True)
    try:
        occurrences = list(query.between(since - _EXPANSION_MARGIN, until + _EXPANSION_MARGIN))
    except (ValueError, TypeError) as error:
        # The errors recurring-ical-events does not skip (an RRULE that dateutil rejects, for example).
        raise CalendarError(f"calendar {name!r} could not be expanded: {_first_line(str(error))}") from None

    events: list[CalendarEvent] = []
    for occurrence in occurrences:
        if occurrence.errors:
            continue
        try:
            event = _event(occurrence, name=name, timezone=timezone, own_addresses=own_addresses, recurring_uids=recurring_uids)
        except (KeyError, ValueError) as error:
            broken += 1
            logger.warning("calendar %r: event %s left out: %s", name, occurrence.get("UID", "without UID"), error)
            continue
        if _overlaps(event, since, until):
            events.append(event)
    events.sort(key=lambda event: (event.start, event.id))
    return events, broken


def _overlaps(event: CalendarEvent, since: dt.datetime, until: dt.datetime) -> bool:
    if event.end <= event.start:
        # An event without a duration (DTSTART only) is a moment: it counts where it starts.
        return since <= event.start < until
    return event.start < until and event.end > since


def _recurring_uids(calendar: Calendar) -> set[str]:
    """Return the UIDs of series: events with RRULE or RDATE, or with an overridden occurrence."""
    uids = set()
    for component in calendar.walk("VEVENT"):
        if any(key in component for key in ("RRULE", "RDATE", "RECURRENCE-ID")):
            uids.add(str(component.get("UID", "")))
    return uids


def _event(
    occurrence: Any, *, name: str, timezone: dt.tzinfo, own_addresses: set[str], recurring_uids: set[str]
) -> CalendarEvent:
    start_value = occurrence["DTSTART"].dt
    all_day = not isinstance(start_value, dt.datetime)
    start = _aware(start_value, timezone)
    end_property = occurrence.get("DTEND")
    if end_property is not None:
        end = _aware(end_property.dt, timezone)
    elif "DURATION" in occurrence:
        end = start + occurrence["DURATION"].dt
    else:
        # RFC 5545, 3.6.1: without DTEND or DURATION a DATE event lasts one day and a DATE-TIME event ends where it starts.
        end = _aware(start_value + dt.timedelta(days=1), timezone) if all_day else start

    uid = str(occurrence.get("UID", "")).strip()
    recurrence_id = None
    if uid in recurring_uids and "RECURRENCE-ID" in occurrence:
        recurrence_id = _recurrence_id_text(occurrence["RECURRENCE-ID"].dt, timezone)

    return CalendarEvent(
        calendar=name,
        uid=uid or f"{name}:{start.isoformat()}",
        recurrence_id=recurrence_id,
        title=str(occurrence.get("SUMMARY", "")).strip() or "(no title)",
        start=start,
        end=end,
        all_day=all_day,
        url=_text_or_none(occurrence.get("URL")),
        location=_text_or_none(occurrence.get("LOCATION")),
        cancelled=str(occurrence.get("STATUS", "")).upper() == "CANCELLED",
        declined=_declined(occurrence, own_addresses),
        transparent=str(occurrence.get("TRANSP", "")).upper() == "TRANSPARENT",
    )


def _aware(value: dt.date | dt.datetime, timezone: dt.tzinfo) -> dt.datetime:
    """Convert a DATE, a floating DATE-TIME or an aware DATE-TIME to an aware datetime in ``timezone``.

    A local time that a DST change skips or repeats is normalized by a round
    trip through UTC, as ``zoneinfo`` resolves it with ``fold=0``.

    NOTE: icalendar 7.3 returns a naive time for a TZID it cannot resolve (no
    VTIMEZONE, not an IANA or Windows name), so such a time is read as the
    user's local time, like a floating one.
    """
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(0, 0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone)
    return value.astimezone(dt.timezone.utc).astimezone(timezone)


def _recurrence_id_text(value: dt.date | dt.datetime, timezone: dt.tzinfo) -> str:
    if not isinstance(value, dt.datetime):
        return value.strftime("%Y%m%d")
    return _aware(value, timezone).astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _declined(occurrence: Any, own_addresses: set[str]) -> bool:
    if not own_addresses:
        return False
    attendees = occurrence.get("ATTENDEE")
    if attendees is None:
        return False
    if not isinstance(attendees, list):
        attendees = [attendees]
    for attendee in attendees:
        address = str(attendee).strip()
        if address.lower().startswith("mailto:"):
            address = address[len("mailto:"):]
        if address.casefold() in own_addresses:
            return str(attendee.params.get("PARTSTAT", "")).upper() == "DECLINED"
    return False


def _text_or_none(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0][:200].rstrip(".") if text.strip() else "unknown error"

"""Questions about the user's calendars: "am I free at 3?", "what's on my calendar tomorrow", "what's my next meeting".

The classifier gives a ``date`` entity (ISO) but no time of day, so the
time is read from the message text. When the message names a time, the
reply states whether the user is free then. A request for the next
meeting or event gets the next one from now. Any other message lists the
day's events (today when no date is named).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from piper.queries.model import QueryAnswer, QueryContext, QueryService

if TYPE_CHECKING:
    from piper.config import Settings
    from piper.integrations.calendar import CalendarEvent, CalendarReading

NEXT_EVENT_HORIZON = dt.timedelta(days=14)
"""How far ahead "what's my next meeting" looks."""

_TIME = re.compile(
    r"(?<![\d:.-])(?:(?P<at>(?:\b(?:at|around|by|from)|@)\s*))?"
    r"(?P<hour>\d{1,2})(?:[:.](?P<minute>[0-5]\d))?\s*(?P<meridiem>[ap]\.?\s?m\b\.?)?(?![\d:-])",
    re.IGNORECASE,
)
_ASKS_BUSY = re.compile(r"\b(?:busy|booked|occupied|in a meeting|tied up)\b", re.IGNORECASE)
"""A question about being busy ("am I busy at 3?") is answered yes when free is no."""
_NAMED_TIME = re.compile(r"\b(noon|midday|midnight)\b", re.IGNORECASE)
_NEXT = re.compile(r"\b(?:next|upcoming)\b(?!\s+(?:week|month|year|mon|tue|wed|thu|fri|sat|sun))", re.IGNORECASE)

_FIRST_AFTERNOON_HOUR = 1
_LAST_AFTERNOON_HOUR = 7
"""A bare hour from 1 to 7 ("free at 3") means the afternoon, as in a work day, and 8 to 12 mean the morning and noon."""


@dataclass(frozen=True, slots=True)
class TimeOfDay:
    time: dt.time
    text: str
    """The words the time was read from, such as ``at 3``."""


def parse_time_of_day(text: str) -> TimeOfDay | None:
    """Return the first time of day in ``text`` ("at 3", "15:30", "2pm", "noon"), or None.

    A bare number counts only after "at", "around", "by" or "from", so "3
    meetings" or a date's digits are not read as a time. Without am or pm,
    1 to 7 are afternoon hours.
    """
    named = _NAMED_TIME.search(text)
    for match in _TIME.finditer(text):
        if named is not None and named.start() < match.start():
            break
        if not (match.group("at") or match.group("minute") or match.group("meridiem")):
            continue
        parsed = _time_from_match(match)
        if parsed is not None:
            return TimeOfDay(parsed, match.group(0).strip())
    if named is not None:
        word = named.group(1).lower()
        return TimeOfDay(dt.time(0, 0) if word == "midnight" else dt.time(12, 0), word)
    return None


def _time_from_match(match: re.Match[str]) -> dt.time | None:
    hour = int(match.group("hour"))
    minute = int(match.group("minute") or 0)
    meridiem = (match.group("meridiem") or "").lower()[:1]
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    elif _FIRST_AFTERNOON_HOUR <= hour <= _LAST_AFTERNOON_HOUR:
        hour += 12
    if hour > 23:
        return None
    return dt.time(hour, minute)


async def get_calendar(context: QueryContext, entities: dict[str, Any]) -> QueryAnswer:
    """Reply with free or busy at a time, the next event, or a day's events, from the configured calendars."""
    from piper.integrations.calendar import configured_locations, not_configured_reason

    locations = configured_locations(context.settings)
    if not locations:
        reason = not_configured_reason(context.settings)
        return QueryAnswer(
            f"I can't read your calendar: {reason}. Add your .ics files or iCal URLs under 'calendars:' in PIPER.user.md.",
            {"source": "calendar", "status": "not_configured", "reason": reason},
        )

    timezone = _user_timezone(context)
    now = context.now.astimezone(timezone)
    day = _requested_day(entities, now.date())
    moment = parse_time_of_day(context.text)
    if moment is not None:
        return await _free_at(context, timezone, now, day, moment, asks_busy=bool(_ASKS_BUSY.search(context.text)))
    if _NEXT.search(context.text) and "date" not in entities:
        return await _next_event(context, timezone, now)
    return await day_agenda(context.settings, day=day, now=now)


SERVICES: dict[str, QueryService] = {"get_calendar": get_calendar}
"""Read action to query service."""


# --- The three replies ------------------------------------------------------------


async def _free_at(
    context: QueryContext, timezone: dt.tzinfo, now: dt.datetime, day: dt.date, moment: TimeOfDay, *, asks_busy: bool = False
) -> QueryAnswer:
    at = _aware(dt.datetime.combine(day, moment.time), timezone)
    day_start, day_end = _day_bounds(day, timezone)
    reading = await _read(context.settings, timezone, since=day_start, until=day_end)

    conflicts = [event for event in reading.events if event.makes_busy() and _covers(event, at)]
    later = [event for event in reading.events if event.makes_busy() and event.start > at and event.agenda_skip_reason() is None]
    when = f"{at:%H:%M} {_day_phrase(day, now.date())}"
    result: dict[str, Any] = {
        "moment": at.isoformat(),
        "free": not conflicts,
        "conflicts": [event.to_json() for event in conflicts],
        "next_event": later[0].to_json() if later else None,
    }

    if conflicts:
        listed = "; ".join(_event_phrase(event) for event in conflicts)
        lines = [f"{'Yes' if asks_busy else 'No'}, you're busy at {when}: {listed}."]
        free_from = _free_from(reading.events, at)
        if free_from is not None and free_from.date() == day:
            lines.append(f"You're free from {free_from:%H:%M}.")
            result["free_from"] = free_from.isoformat()
    else:
        lines = [f"{'No' if asks_busy else 'Yes'}, you're free at {when}."]
        if later:
            lines.append(f"Your next event after that is {_event_phrase(later[0])}.")
    return _answer(lines, result, reading)


async def _next_event(context: QueryContext, timezone: dt.tzinfo, now: dt.datetime) -> QueryAnswer:
    reading = await _read(context.settings, timezone, since=now, until=now + NEXT_EVENT_HORIZON)
    upcoming = [event for event in reading.events if event.start >= now and event.agenda_skip_reason() is None]
    if not upcoming:
        days = NEXT_EVENT_HORIZON.days
        return _answer([f"Nothing is on your calendar in the next {days} days."], {"next_event": None}, reading)

    event = upcoming[0]
    minutes = int((event.start - now).total_seconds() // 60)
    soon = ""
    if minutes < 1:
        soon = " (starting now)"
    elif minutes < 120:
        soon = f" (in {minutes} minute{'' if minutes == 1 else 's'})"
    phrase = f"{event.title} at {event.start:%H:%M} {_day_phrase(event.start.date(), now.date())}{soon}"
    if event.location:
        phrase += f" in {event.location}"
    return _answer([f"Your next event is {phrase}."], {"next_event": event.to_json()}, reading)


async def day_agenda(settings: Settings, *, day: dt.date, now: dt.datetime) -> QueryAnswer:
    """List the events of ``day`` in the time zone of ``now``, for the chat and ``piper calendar today``."""
    timezone = now.tzinfo or dt.timezone.utc
    day_start, day_end = _day_bounds(day, timezone)
    reading = await _read(settings, timezone, since=day_start, until=day_end)
    # Skip cancelled and declined events. All-day and multi-day events are listed first, since they frame the day.
    listed = [event for event in reading.events if not (event.cancelled or event.declined)]
    framing = [event for event in listed if event.all_day or event.multi_day]
    timed = [event for event in listed if event not in framing]

    when = _day_phrase(day, now.date())
    result = {"date": day.isoformat(), "events": [event.to_json() for event in [*framing, *timed]]}
    if not listed:
        return _answer([f"Nothing is on your calendar {when}."], result, reading)

    count = len(listed)
    lines = [f"You have {count} {'event' if count == 1 else 'events'} {when}:", ""]
    lines.extend(f"- {_framing_range(event, day)}: {event.title}" for event in framing)
    lines.extend(f"- {event.time_range()} {event.title}" + (f" ({event.location})" if event.location else "") for event in timed)
    return _answer(lines, result, reading)


# --- Helpers -----------------------------------------------------------------------


async def _read(settings: Settings, timezone: dt.tzinfo, *, since: dt.datetime, until: dt.datetime) -> CalendarReading:
    from piper.integrations.calendar import configured_locations, read_calendars

    return await read_calendars(
        configured_locations(settings),
        since=since,
        until=until,
        timezone=timezone,
        emails=settings.identity.emails,
    )


def _answer(lines: list[str], result: dict[str, Any], reading: CalendarReading) -> QueryAnswer:
    """Build the reply, listing the calendars that failed or came from the cache so missing data is never hidden."""
    problems = [*reading.errors, *reading.notes]
    if problems:
        lines = [*lines, ""]
        lines.extend(f"Note: calendar {problem.calendar}: {problem.message}" for problem in problems)
    result = {
        **result,
        "calendars_read": reading.calendars_read,
        "errors": [problem.to_json() for problem in reading.errors],
        "notes": [problem.to_json() for problem in reading.notes],
    }
    return QueryAnswer("\n".join(lines), result)


def _user_timezone(context: QueryContext) -> dt.tzinfo:
    from piper.standup.window import resolve_timezone

    try:
        return resolve_timezone(context.settings.identity.timezone)
    except ValueError:
        # The settings check the name already, so this only keeps a hand-built context working.
        return context.now.tzinfo or dt.timezone.utc


def _requested_day(entities: dict[str, Any], today: dt.date) -> dt.date:
    value = entities.get("date")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    return today


def _aware(moment: dt.datetime, timezone: dt.tzinfo) -> dt.datetime:
    """Attach ``timezone`` to a local time, moving a time that a DST change skips to the first one that exists."""
    return moment.replace(tzinfo=timezone).astimezone(dt.timezone.utc).astimezone(timezone)


def _day_bounds(day: dt.date, timezone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    from piper.standup.window import start_of_day

    return start_of_day(day, timezone), start_of_day(day + dt.timedelta(days=1), timezone)


def _covers(event: CalendarEvent, moment: dt.datetime) -> bool:
    return event.start <= moment < event.end


def _free_from(events: list[CalendarEvent], moment: dt.datetime) -> dt.datetime | None:
    """Return the end of the run of busy events that covers ``moment`` (back-to-back meetings chain)."""
    busy = [event for event in events if event.makes_busy()]
    end = moment
    changed = True
    while changed:
        changed = False
        for event in busy:
            if event.start <= end < event.end:
                end = event.end
                changed = True
    return end if end != moment else None


def _day_phrase(day: dt.date, today: dt.date) -> str:
    if day == today:
        return "today"
    if day == today + dt.timedelta(days=1):
        return "tomorrow"
    if day == today - dt.timedelta(days=1):
        return "yesterday"
    return f"on {day:%A} {day.day} {day:%B}"


def _event_phrase(event: CalendarEvent) -> str:
    phrase = f"{event.title} ({event.time_range()})"
    return f"{phrase} in {event.location}" if event.location else phrase


def _framing_range(event: CalendarEvent, day: dt.date) -> str:
    if not event.multi_day:
        return "All day"
    last_day = (event.end - dt.timedelta(microseconds=1)).date() if event.all_day else event.end.date()
    return f"{event.start:%a %d %b} to {last_day:%a %d %b}"

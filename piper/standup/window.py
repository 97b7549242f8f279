"""The standup window: from 00:00 local time of the previous working day to now.

On the first working day of the week the previous working day is the last
working day of the week before, so the days off in between fall inside the
window (git-standup's behaviour). A ``--date`` in the past ends the window
at the end of that day.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Three-letter day names in ``datetime.date.weekday()`` order."""

_FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _parse_day(text: str, original: str) -> int:
    name = text.strip().lower()
    for index, (short, full) in enumerate(zip(DAY_NAMES, _FULL_DAY_NAMES)):
        if name == full or name == short or (len(name) >= 3 and full.startswith(name)):
            return index
    raise ValueError(f"invalid work week {original!r}: unknown day {text.strip()!r}. Use day names such as Mon-Fri or Sun-Thu.")


def parse_workdays(text: str) -> frozenset[int]:
    """Parse a work week such as ``Mon-Fri``, ``Sun-Thu`` or ``Mon,Tue,Thu``.

    Ranges wrap around the end of the week (``Sun-Thu`` is Sunday to
    Thursday). Returns the working days as ``date.weekday()`` numbers.

    Raises:
        ValueError: The text names no day or an unknown one.
    """
    days: set[int] = set()
    for part in text.split(","):
        if not part.strip():
            continue
        if "-" in part:
            first_text, _, last_text = part.partition("-")
            first = _parse_day(first_text, text)
            last = _parse_day(last_text, text)
            day = first
            days.add(day)
            while day != last:
                day = (day + 1) % 7
                days.add(day)
        else:
            days.add(_parse_day(part, text))
    if not days:
        raise ValueError(f"invalid work week {text!r}: no days given. Use day names such as Mon-Fri or Sun-Thu.")
    return frozenset(days)


def format_workdays(days: frozenset[int]) -> str:
    """Return a work week in the comma form that :func:`parse_workdays` accepts."""
    return ",".join(DAY_NAMES[day].capitalize() for day in sorted(days))


def previous_working_day(day: dt.date, workdays: frozenset[int]) -> dt.date:
    """Return the last working day strictly before ``day``."""
    candidate = day - dt.timedelta(days=1)
    while candidate.weekday() not in workdays:
        candidate -= dt.timedelta(days=1)
    return candidate


def start_of_day(day: dt.date, timezone: dt.tzinfo) -> dt.datetime:
    """Return 00:00 of ``day`` in ``timezone`` as an aware datetime.

    Where a daylight-saving change skips midnight (America/Santiago, for
    example), the round trip through UTC moves the result to the first
    moment that exists on that day.
    """
    naive_midnight = dt.datetime.combine(day, dt.time(0, 0), tzinfo=timezone)
    return naive_midnight.astimezone(dt.timezone.utc).astimezone(timezone)


@dataclass(frozen=True, slots=True)
class Window:
    """A half-open interval of time ``[since, until)`` in the user's time zone."""

    since: dt.datetime
    until: dt.datetime


def standup_window(*, day: dt.date, now: dt.datetime, timezone: dt.tzinfo, workdays: frozenset[int]) -> Window:
    """Compute the window of the standup for ``day``, given the current moment ``now``.

    Raises:
        ValueError: ``day`` is after today in ``timezone``.
    """
    local_now = now.astimezone(timezone)
    today = local_now.date()
    if day > today:
        raise ValueError(f"the date {day.isoformat()} is in the future; today is {today.isoformat()}.")

    since = start_of_day(previous_working_day(day, workdays), timezone)
    until = local_now if day == today else start_of_day(day + dt.timedelta(days=1), timezone)
    return Window(since=since, until=until)


def parse_moment(text: str, *, timezone: dt.tzinfo, end_of_day: bool) -> dt.datetime:
    """Parse an ISO date or datetime given on the command line.

    A date alone means 00:00 of that day, or the end of that day (00:00 of
    the next) when ``end_of_day`` is set, so ``--until 2026-03-06``
    includes all of 6 March. A datetime without an offset is local time.

    Raises:
        ValueError: The text is not an ISO 8601 date or datetime.
    """
    value = text.strip()
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            return start_of_day(day + dt.timedelta(days=1) if end_of_day else day, timezone)
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError:
        raise ValueError(
            f"invalid date or time {text!r}. Use an ISO date such as 2026-03-06 or a datetime such as 2026-03-06T09:30."
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone).astimezone(dt.timezone.utc).astimezone(timezone)
    return moment


def system_timezone() -> dt.tzinfo:
    """Return the system's time zone: ``TZ``, else ``/etc/localtime``, else the current UTC offset."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            # A POSIX rule such as "UTC+3" or "EST5EDT,M3.2.0,M11.1.0": the C library
            # applies it to local time, so its current offset is right (daylight saving aside).
            return _current_offset_zone()

    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        marker = "zoneinfo/"
        if marker in target:
            try:
                return ZoneInfo(target.split(marker, 1)[1])
            except (ZoneInfoNotFoundError, ValueError):
                pass

    return _current_offset_zone()


def _current_offset_zone() -> dt.tzinfo:
    # NOTE: a fixed offset is wrong across a daylight-saving change; it is the last resort.
    offset_zone = dt.datetime.now().astimezone().tzinfo
    return offset_zone if offset_zone is not None else dt.timezone.utc


def resolve_timezone(name: str | None) -> dt.tzinfo:
    """Return the zone called ``name``, or the system's when ``name`` is None or empty.

    Raises:
        ValueError: ``name`` is not an IANA time zone name.
    """
    if not name:
        return system_timezone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}. Use an IANA name such as Europe/Berlin or America/New_York.") from None

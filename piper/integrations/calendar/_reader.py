"""Read every configured calendar concurrently. A calendar that fails is reported while the others still count."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from piper.integrations.calendar._cache import CachedCalendar, CalendarCache
from piper.integrations.calendar._download import DownloadPolicy, download, fetch_url
from piper.integrations.calendar._errors import CalendarError, CalendarUnavailableError
from piper.integrations.calendar._events import expand_events, parse_calendar
from piper.integrations.calendar._model import CalendarProblem, CalendarReading
from piper.integrations.calendar._prefilter import prefilter_events

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from icalendar import Calendar

    from piper.integrations.calendar._model import CalendarEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CalendarLocation:
    """The source of one calendar: exactly one of ``path`` and ``url`` is set."""

    name: str
    path: Path | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class _Loaded:
    calendar: Calendar
    note: str | None = None


@dataclass(frozen=True, slots=True)
class _Window:
    since: dt.datetime
    until: dt.datetime

    async def parse(self, content: bytes, name: str) -> Calendar:
        """Parse only the part of ``content`` that can matter for this window, in a worker thread."""

        def work() -> Calendar:
            return parse_calendar(prefilter_events(content, since=self.since, until=self.until), name=name)

        return await asyncio.to_thread(work)


async def read_calendars(
    locations: Sequence[CalendarLocation],
    *,
    since: dt.datetime,
    until: dt.datetime,
    timezone: dt.tzinfo,
    emails: Iterable[str] = (),
    cache: CalendarCache | None = None,
    policy: DownloadPolicy | None = None,
) -> CalendarReading:
    """Return the events of every calendar that overlap ``[since, until)``, in ``timezone``.

    A download that fails with a timeout, a connection error, HTTP 429 or
    5xx, or content that is not iCalendar falls back to the last good download with
    a note. Any other failure makes an error for that calendar alone.
    """
    cache = cache or CalendarCache.default()
    policy = policy or DownloadPolicy()
    emails = list(emails)

    async def read_one(location: CalendarLocation) -> tuple[list[CalendarEvent], list[str]]:
        loaded = await _load(location, cache, policy, _Window(since, until))
        events, broken = await asyncio.to_thread(
            expand_events, loaded.calendar, name=location.name, since=since, until=until, timezone=timezone, emails=emails
        )
        notes = [loaded.note] if loaded.note else []
        if broken:
            counted = "1 event could not be parsed and was" if broken == 1 else f"{broken} events could not be parsed and were"
            notes.append(f"{counted} left out")
        return events, notes

    results = await asyncio.gather(*(read_one(location) for location in locations), return_exceptions=True)

    reading = CalendarReading()
    seen: set[str] = set()
    for location, result in zip(locations, results):
        if isinstance(result, CalendarError):
            reading.errors.append(CalendarProblem(location.name, _message(result, location.name)))
            continue
        if isinstance(result, BaseException):
            raise result
        events, notes = result
        reading.calendars_read += 1
        reading.notes.extend(CalendarProblem(location.name, note) for note in notes)
        for event in events:
            # A meeting in a shared team calendar and in the user's own one has the same UID and recurrence id.
            if event.id not in seen:
                seen.add(event.id)
                reading.events.append(event)
    reading.events.sort(key=lambda event: (event.start, event.id))
    return reading


async def _load(location: CalendarLocation, cache: CalendarCache, policy: DownloadPolicy, window: _Window) -> _Loaded:
    if location.path is not None:
        content = await asyncio.to_thread(_read_file, location)
        return _Loaded(await window.parse(content, location.name))
    if location.url is None:
        raise CalendarError(f"calendar {location.name!r} has neither a path nor a url.", hint="Add one of them in PIPER.user.md.")
    return await _load_url(location.name, fetch_url(location.url), cache, policy, window)


def _read_file(location: CalendarLocation) -> bytes:
    path = location.path
    assert path is not None
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CalendarError(
            f"calendar {location.name!r}: the file {path} does not exist.",
            hint="Export the calendar to that path again, or fix the path in PIPER.user.md.",
        ) from None
    except IsADirectoryError:
        raise CalendarError(f"calendar {location.name!r}: {path} is a folder, not an .ics file.", hint="Point path at the .ics file.") from None
    except OSError as error:
        raise CalendarError(f"calendar {location.name!r}: the file {path} cannot be read: {error.strerror}.", hint="Check its permissions.") from None


async def _load_url(name: str, url: str, cache: CalendarCache, policy: DownloadPolicy, window: _Window) -> _Loaded:
    cached = await asyncio.to_thread(cache.load, url)
    try:
        answer = await download(url, name=name, cached=cached, policy=policy)
    except CalendarUnavailableError as error:
        return await _fall_back(name, cached, error, window)

    if answer.content is None:
        # HTTP 304: the cached copy is current. download() returns no content only when a copy was cached.
        assert cached is not None
        calendar = await window.parse(cached.content, name)
        refreshed = CachedCalendar(cached.content, answer.received_at, answer.etag, answer.last_modified)
        await asyncio.to_thread(cache.store, url, refreshed)
        return _Loaded(calendar)

    try:
        calendar = await window.parse(answer.content, name)
    except CalendarError as error:
        # A captive portal or a login page returns HTML with status 200, so the last good copy is used instead.
        return await _fall_back(name, cached, error, window, hint=error.hint)

    entry = CachedCalendar(answer.content, answer.received_at, answer.etag, answer.last_modified)
    await asyncio.to_thread(cache.store, url, entry)
    return _Loaded(calendar)


async def _fall_back(name: str, cached: CachedCalendar | None, error: CalendarError, window: _Window, *, hint: str | None = None) -> _Loaded:
    """Use the cached copy after ``error``, or raise it when there is no copy.

    ``hint`` replaces the default hint, which is about the network, for a download that came back but is not a calendar.
    """
    failure = error.message
    if cached is None:
        raise CalendarError(failure, hint=hint or "Check the network connection and the url in PIPER.user.md, then try again.")
    calendar = await window.parse(cached.content, name)
    when = cached.downloaded_at.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    failure = failure.rstrip(".")
    # INFO, not WARNING: the note reaches the user with the events, so stderr need not repeat it.
    logger.info("%s; using the copy downloaded at %s", failure, when)
    return _Loaded(calendar, note=f"{_without_name(failure, name)}; showing the copy downloaded at {when}")


def _without_name(message: str, name: str) -> str:
    """Drop the ``calendar 'Work': `` lead from a message that is shown next to the calendar's name anyway."""
    lead = f"calendar {name!r}: "
    return message[len(lead):] if message.startswith(lead) else message


def _message(error: CalendarError, name: str) -> str:
    text = _without_name(error.message, name)
    return f"{text} {error.hint}" if error.hint else text

"""Calendars from ``.ics`` files and URLs: download with a cache, parse, expand recurring events.

Importing this package costs little: icalendar, recurring-ical-events and
httpx load when a calendar is read.
"""

from piper.integrations.calendar._cache import CACHE_FOLDER, CachedCalendar, CalendarCache
from piper.integrations.calendar._download import DownloadPolicy, display_url, fetch_url
from piper.integrations.calendar._errors import CalendarError, CalendarUnavailableError
from piper.integrations.calendar._events import expand_events, parse_calendar
from piper.integrations.calendar._model import CalendarEvent, CalendarProblem, CalendarReading
from piper.integrations.calendar._reader import CalendarLocation, read_calendars
from piper.integrations.calendar._settings import configured_locations, not_configured_reason

__all__ = [
    "CACHE_FOLDER",
    "CachedCalendar",
    "CalendarCache",
    "CalendarError",
    "CalendarEvent",
    "CalendarLocation",
    "CalendarProblem",
    "CalendarReading",
    "CalendarUnavailableError",
    "DownloadPolicy",
    "configured_locations",
    "display_url",
    "expand_events",
    "fetch_url",
    "not_configured_reason",
    "parse_calendar",
    "read_calendars",
]

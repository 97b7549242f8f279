"""The text pass that drops one-off events far from the window before parsing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from piper.integrations.calendar import CalendarError, expand_events, parse_calendar
from piper.integrations.calendar._prefilter import prefilter_events
from tests.integrations.calendar.conftest import fixture_bytes

NEW_YORK = ZoneInfo("America/New_York")
SINCE = dt.datetime(2026, 3, 9, tzinfo=NEW_YORK)
UNTIL = dt.datetime(2026, 3, 10, tzinfo=NEW_YORK)


def _calendar(*events: str) -> bytes:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Piper tests//EN\r\n" + "".join(events) + "END:VCALENDAR\r\n").encode()


def _event(uid: str, *lines: str) -> str:
    return f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n" + "".join(f"{line}\r\n" for line in lines) + "END:VEVENT\r\n"


def _kept_uids(content: bytes) -> list[str]:
    filtered = prefilter_events(content, since=SINCE, until=UNTIL)
    return [str(event["UID"]) for event in parse_calendar(filtered, name="test").walk("VEVENT")]


@pytest.mark.parametrize("name", ["recurring.ics", "outlook.ics", "mixed.ics"])
@pytest.mark.parametrize("day", [dt.date(2026, 3, 2), dt.date(2026, 3, 9), dt.date(2026, 3, 10), dt.date(2026, 3, 23)])
def test_same_events_as_full_parse(name: str, day: dt.date) -> None:
    since = dt.datetime.combine(day, dt.time(0, 0), tzinfo=NEW_YORK)
    until = since + dt.timedelta(days=1)
    content = fixture_bytes(name)

    full, full_broken = expand_events(parse_calendar(content, name=name), name=name, since=since, until=until, timezone=NEW_YORK)
    filtered = prefilter_events(content, since=since, until=until)
    fast, _ = expand_events(parse_calendar(filtered, name=name), name=name, since=since, until=until, timezone=NEW_YORK)

    assert [event.id for event in fast] == [event.id for event in full]
    assert [event.start for event in fast] == [event.start for event in full]


def test_far_single_events_dropped() -> None:
    content = _calendar(
        _event("past", "DTSTART:20250101T100000Z", "DTEND:20250101T110000Z"),
        _event("future", "DTSTART:20270101T100000Z", "DTEND:20270101T110000Z"),
        _event("today", "DTSTART:20260309T150000Z", "DTEND:20260309T160000Z"),
    )
    assert _kept_uids(content) == ["today"]


def test_series_and_overrides_kept() -> None:
    content = _calendar(
        _event("series", "DTSTART:20250106T150000Z", "DTEND:20250106T160000Z", "RRULE:FREQ=WEEKLY"),
        # The override lies far from the window but belongs to a series, so the series needs it.
        _event("series", "RECURRENCE-ID:20250113T150000Z", "DTSTART:20250114T150000Z", "DTEND:20250114T160000Z"),
        _event("rdate", "DTSTART:20250106T150000Z", "RDATE:20260309T150000Z"),
    )
    assert _kept_uids(content) == ["series", "series", "rdate"]


def test_long_event_reaching_window_kept() -> None:
    content = _calendar(
        _event("vacation", "DTSTART;VALUE=DATE:20260301", "DTEND;VALUE=DATE:20260315"),
        _event("sabbatical", "DTSTART:20260201T090000Z", "DURATION:P6W"),
        _event("short-duration", "DTSTART:20260201T090000Z", "DURATION:PT1H"),
    )
    assert _kept_uids(content) == ["vacation", "sabbatical"]


def test_margin_covers_time_zones() -> None:
    # 23:00 on 8 March in Honolulu is 09:00 on 9 March UTC: the raw date is a day before the window.
    content = _calendar(_event("honolulu", "DTSTART;TZID=Pacific/Honolulu:20260308T230000", "DTEND;TZID=Pacific/Honolulu:20260308T233000"))
    assert _kept_uids(content) == ["honolulu"]


def test_unreadable_dates_kept() -> None:
    content = _calendar(_event("odd", "DTSTART;VALUE=DATE-TIME:soon"), _event("no-start", "SUMMARY:No start"))
    filtered = prefilter_events(content, since=SINCE, until=UNTIL)
    assert b"UID:odd" in filtered
    assert b"UID:no-start" in filtered


def test_folded_lines_and_quoted_colon() -> None:
    content = _calendar(
        _event("folded-far", 'DTSTART;TZID="Custom: Zone":2025', " 0101T100000", "DTEND:20250101T110000"),
        _event("alarm", "DTSTART:20250101T100000Z", "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT15M", "END:VALARM"),
    )
    filtered = prefilter_events(content, since=SINCE, until=UNTIL)
    assert b"folded-far" not in filtered
    assert b"UID:alarm" not in filtered
    assert b"BEGIN:VCALENDAR" in filtered
    assert b"END:VCALENDAR" in filtered


def test_non_utf8_bytes_pass_through() -> None:
    content = _calendar(_event("latin", "DTSTART:20260309T150000Z", "SUMMARY:Caf\xe9")).replace("Café".encode(), b"Caf\xe9")
    assert b"Caf\xe9" in prefilter_events(content, since=SINCE, until=UNTIL)


def test_unterminated_event_still_rejected() -> None:
    content = b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20250101T100000Z\r\n"
    with pytest.raises(CalendarError):
        parse_calendar(prefilter_events(content, since=SINCE, until=UNTIL), name="test")

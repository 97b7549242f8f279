"""Expanding real .ics files: recurrence rules, overrides, time zones and the events a day's agenda leaves out."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from piper.integrations.calendar import CalendarError, CalendarEvent, expand_events, parse_calendar
from tests.integrations.calendar.conftest import fixture_bytes

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
EMAILS = ["ada@example.com", "ada.work@example.com"]


def _events(name: str, day: dt.date, timezone: dt.tzinfo = NEW_YORK, emails: list[str] = EMAILS) -> tuple[list[CalendarEvent], int]:
    calendar = parse_calendar(fixture_bytes(name), name=name)
    since = dt.datetime.combine(day, dt.time(0, 0), tzinfo=timezone)
    until = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=timezone)
    return expand_events(calendar, name=name, since=since, until=until, timezone=timezone, emails=emails)


def _by_title(events: list[CalendarEvent]) -> dict[str, CalendarEvent]:
    return {event.title: event for event in events}


def test_rrule_count_exdate_and_override() -> None:
    starts = {}
    for day in (2, 9, 16, 23, 30):
        events, _ = _events("recurring.ics", dt.date(2026, 3, day))
        starts[day] = [(event.title, event.start.strftime("%H:%M")) for event in events if event.uid == "standup-weekly@example.com"]

    assert starts[2] == [("Team standup", "09:00")]
    assert starts[9] == [("Team standup", "09:00")]
    assert starts[16] == []  # EXDATE
    assert starts[23] == [("Team standup (moved)", "11:00")]  # RECURRENCE-ID override
    assert starts[30] == [("Team standup", "09:00")]
    after_count, _ = _events("recurring.ics", dt.date(2026, 4, 6))
    assert [event.title for event in after_count if event.uid == "standup-weekly@example.com"] == []


def test_rrule_until_stops_series() -> None:
    on_until_day, _ = _events("recurring.ics", dt.date(2026, 3, 4))
    after_until, _ = _events("recurring.ics", dt.date(2026, 3, 5))

    assert "Focus block" in _by_title(on_until_day)
    assert "Focus block" not in _by_title(after_until)


def test_occurrence_ids_use_utc_recurrence_id() -> None:
    before_dst, _ = _events("recurring.ics", dt.date(2026, 3, 2))
    after_dst, _ = _events("recurring.ics", dt.date(2026, 3, 9))
    moved, _ = _events("recurring.ics", dt.date(2026, 3, 23))

    assert _by_title(before_dst)["Team standup"].id == "standup-weekly@example.com/20260302T140000Z"
    assert _by_title(after_dst)["Team standup"].id == "standup-weekly@example.com/20260309T130000Z"
    # The override keeps the recurrence id of the occurrence it replaces, not its new start.
    assert _by_title(moved)["Team standup (moved)"].id == "standup-weekly@example.com/20260323T130000Z"


def test_single_event_id_is_uid() -> None:
    events, _ = _events("mixed.ics", dt.date(2026, 3, 9))
    assert _by_title(events)["Interview: senior PM"].id == "interview@example.com"


def test_dst_change_keeps_local_time() -> None:
    # New York moves to daylight time on 8 March 2026, Berlin only on 29 March.
    before, _ = _events("recurring.ics", dt.date(2026, 3, 2), timezone=BERLIN)
    after, _ = _events("recurring.ics", dt.date(2026, 3, 9), timezone=BERLIN)

    assert _by_title(before)["Team standup"].start.isoformat() == "2026-03-02T15:00:00+01:00"
    assert _by_title(after)["Team standup"].start.isoformat() == "2026-03-09T14:00:00+01:00"


def test_cancelled_override_is_marked() -> None:
    cancelled_day, _ = _events("recurring.ics", dt.date(2026, 3, 9))
    normal_day, _ = _events("recurring.ics", dt.date(2026, 3, 2))

    assert _by_title(cancelled_day)["Weekly planning"].agenda_skip_reason() == "cancelled"
    assert _by_title(normal_day)["Weekly planning"].agenda_skip_reason() is None


def test_windows_tzid_and_custom_vtimezone() -> None:
    events, _ = _events("outlook.ics", dt.date(2026, 3, 9))
    titles = _by_title(events)

    # 16:00 in Berlin (UTC+1 until 29 March) is 11:00 in New York (UTC-4 since 8 March).
    assert titles["Roadmap review"].start.isoformat() == "2026-03-09T11:00:00-04:00"
    assert titles["Roadmap review"].location == "Room 4.12"
    # The custom VTIMEZONE is UTC+05:30: 20:00 there is 14:30 UTC.
    assert titles["Call with the Pune office"].start.isoformat() == "2026-03-09T10:30:00-04:00"


def test_declined_only_for_own_address() -> None:
    events, _ = _events("outlook.ics", dt.date(2026, 3, 9))
    titles = _by_title(events)

    # The attendee address differs in case and in the MAILTO: prefix from the configured email.
    assert titles["Vendor call"].agenda_skip_reason() == "declined"
    assert titles["Vendor call"].makes_busy() is False
    # Bob declined the crit, Ada accepted it.
    assert titles["Design crit"].agenda_skip_reason() is None


def test_declined_needs_configured_email() -> None:
    events, _ = _events("outlook.ics", dt.date(2026, 3, 9), emails=[])
    assert _by_title(events)["Vendor call"].declined is False


def test_floating_and_utc_times() -> None:
    in_new_york, _ = _events("mixed.ics", dt.date(2026, 3, 9))
    in_berlin, _ = _events("mixed.ics", dt.date(2026, 3, 9), timezone=BERLIN)

    # A floating time is the user's own local time wherever the user is.
    assert _by_title(in_new_york)["Lunch with Sam"].start.isoformat() == "2026-03-09T12:00:00-04:00"
    assert _by_title(in_berlin)["Lunch with Sam"].start.isoformat() == "2026-03-09T12:00:00+01:00"
    assert _by_title(in_new_york)["Release sync"].start.isoformat() == "2026-03-09T15:00:00-04:00"
    assert _by_title(in_berlin)["Release sync"].start.isoformat() == "2026-03-09T20:00:00+01:00"


def test_duration_sets_end() -> None:
    events, _ = _events("mixed.ics", dt.date(2026, 3, 9))
    assert _by_title(events)["Quick sync"].time_range() == "16:00-16:45"


@pytest.mark.parametrize(
    ("title", "reason"),
    [
        ("Offsite prep day", "all-day"),
        ("ProductCon", "all-day"),
        ("On-call shift", "multi-day"),
        ("1:1 with Sam", "cancelled"),
        ("Interview: senior PM", None),
    ],
)
def test_agenda_skip_reasons(title: str, reason: str | None) -> None:
    events, _ = _events("mixed.ics", dt.date(2026, 3, 9))
    assert _by_title(events)[title].agenda_skip_reason() == reason


def test_multi_day_flags() -> None:
    events, _ = _events("mixed.ics", dt.date(2026, 3, 9))
    titles = _by_title(events)

    assert titles["ProductCon"].multi_day is True
    assert titles["Offsite prep day"].multi_day is False
    assert titles["On-call shift"].multi_day is True
    assert titles["Interview: senior PM"].multi_day is False


def test_busy_rules() -> None:
    mixed, _ = _events("mixed.ics", dt.date(2026, 3, 9))
    recurring, _ = _events("recurring.ics", dt.date(2026, 3, 2))

    assert _by_title(mixed)["Offsite prep day"].makes_busy() is False
    assert _by_title(mixed)["1:1 with Sam"].makes_busy() is False
    assert _by_title(mixed)["On-call shift"].makes_busy() is True
    assert _by_title(recurring)["Focus block"].makes_busy() is False  # TRANSP:TRANSPARENT


def test_broken_event_left_out_and_counted() -> None:
    events, broken = _events("mixed.ics", dt.date(2026, 3, 9))

    assert broken == 1
    assert "Event with a damaged start" not in _by_title(events)
    assert "Release sync" in _by_title(events)


def test_event_overlapping_window_start_is_returned() -> None:
    # The on-call shift starts on 9 March and runs into the 10th.
    events, _ = _events("mixed.ics", dt.date(2026, 3, 10))
    assert "On-call shift" in _by_title(events)
    assert "Release sync" not in _by_title(events)


def test_html_is_not_a_calendar() -> None:
    with pytest.raises(CalendarError) as raised:
        parse_calendar(fixture_bytes("not-a-calendar.html"), name="Work")

    assert "calendar 'Work': the content is an HTML page" in raised.value.message
    assert "is not valid iCalendar data" in raised.value.message
    assert raised.value.hint is not None


def test_other_component_is_not_a_calendar() -> None:
    with pytest.raises(CalendarError) as raised:
        parse_calendar(b"BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n", name="Work")
    assert "BEGIN:VEVENT" in raised.value.message


def test_empty_file_is_not_a_calendar() -> None:
    with pytest.raises(CalendarError):
        parse_calendar(b"", name="Work")


def _inline(*events: str) -> bytes:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Piper tests//EN\r\n" + "".join(events) + "END:VCALENDAR\r\n").encode()


def _expand_inline(content: bytes, day: dt.date) -> list[CalendarEvent]:
    since = dt.datetime.combine(day, dt.time(0, 0), tzinfo=NEW_YORK)
    events, _ = expand_events(
        parse_calendar(content, name="inline"), name="inline", since=since, until=since + dt.timedelta(days=1), timezone=NEW_YORK
    )
    return events


def test_floating_series_keeps_local_time_over_dst() -> None:
    content = _inline(
        "BEGIN:VEVENT\r\nUID:floating-weekly\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260302T090000\r\n"
        "DTEND:20260302T093000\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:Floating weekly\r\nEND:VEVENT\r\n"
    )

    before = _expand_inline(content, dt.date(2026, 3, 2))
    after = _expand_inline(content, dt.date(2026, 3, 9))

    assert before[0].start.isoformat() == "2026-03-02T09:00:00-05:00"
    assert after[0].start.isoformat() == "2026-03-09T09:00:00-04:00"
    assert after[0].id == "floating-weekly/20260309T130000Z"


def test_all_day_series_id_uses_date() -> None:
    content = _inline(
        "BEGIN:VEVENT\r\nUID:all-day-weekly\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20260302\r\n"
        "RRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:Focus day\r\nEND:VEVENT\r\n"
    )

    events = _expand_inline(content, dt.date(2026, 3, 9))

    assert events[0].id == "all-day-weekly/20260309"
    assert events[0].all_day is True
    assert events[0].agenda_skip_reason() == "all-day"


def test_unknown_tzid_read_as_local() -> None:
    content = _inline(
        "BEGIN:VEVENT\r\nUID:unknown-zone\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Foo/Bar:20260309T100000\r\n"
        "DTEND;TZID=Foo/Bar:20260309T110000\r\nSUMMARY:Unknown zone\r\nEND:VEVENT\r\n"
    )
    events = _expand_inline(content, dt.date(2026, 3, 9))
    assert events[0].start.isoformat() == "2026-03-09T10:00:00-04:00"

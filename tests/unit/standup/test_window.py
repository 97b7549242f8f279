"""The standup window: previous working day, days off, past dates, overrides."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from piper.standup.window import (
    format_workdays,
    parse_moment,
    parse_workdays,
    previous_working_day,
    resolve_timezone,
    standup_window,
    start_of_day,
)

BERLIN = ZoneInfo("Europe/Berlin")
MON_FRI = parse_workdays("Mon-Fri")
SUN_THU = parse_workdays("Sun-Thu")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mon-Fri", {0, 1, 2, 3, 4}),
        ("sun-thu", {6, 0, 1, 2, 3}),
        ("Mon,Tue,Thu", {0, 1, 3}),
        ("Monday-Wednesday", {0, 1, 2}),
        ("Fri-Mon", {4, 5, 6, 0}),
        ("Sat", {5}),
    ],
)
def test_parse_workdays_accepts_ranges_and_lists(text: str, expected: set[int]) -> None:
    assert parse_workdays(text) == frozenset(expected)


@pytest.mark.parametrize("text", ["", ",", "Mon-Fry", "Funday", "M"])
def test_parse_workdays_rejects_unknown_days(text: str) -> None:
    with pytest.raises(ValueError, match="work week"):
        parse_workdays(text)


def test_format_workdays_round_trips() -> None:
    assert format_workdays(SUN_THU) == "Mon,Tue,Wed,Thu,Sun"
    assert parse_workdays(format_workdays(SUN_THU)) == SUN_THU


def test_previous_working_day_on_monday_is_friday() -> None:
    monday = dt.date(2026, 3, 9)
    assert previous_working_day(monday, MON_FRI) == dt.date(2026, 3, 6)


def test_previous_working_day_midweek() -> None:
    assert previous_working_day(dt.date(2026, 3, 11), MON_FRI) == dt.date(2026, 3, 10)


def test_previous_working_day_sun_thu_week() -> None:
    sunday = dt.date(2026, 3, 8)
    assert previous_working_day(sunday, SUN_THU) == dt.date(2026, 3, 5)
    assert previous_working_day(dt.date(2026, 3, 9), SUN_THU) == sunday


def test_window_on_monday_covers_weekend() -> None:
    now = dt.datetime(2026, 3, 9, 9, 12, 3, tzinfo=BERLIN)
    window = standup_window(day=now.date(), now=now, timezone=BERLIN, workdays=MON_FRI)
    assert window.since == dt.datetime(2026, 3, 6, 0, 0, tzinfo=BERLIN)
    assert window.since.isoformat() == "2026-03-06T00:00:00+01:00"
    assert window.until == now


def test_window_for_past_date_ends_at_end_of_day() -> None:
    now = dt.datetime(2026, 3, 12, 9, 0, tzinfo=BERLIN)
    window = standup_window(day=dt.date(2026, 3, 10), now=now, timezone=BERLIN, workdays=MON_FRI)
    assert window.since == dt.datetime(2026, 3, 9, 0, 0, tzinfo=BERLIN)
    assert window.until == dt.datetime(2026, 3, 11, 0, 0, tzinfo=BERLIN)


def test_window_rejects_future_date() -> None:
    now = dt.datetime(2026, 3, 12, 9, 0, tzinfo=BERLIN)
    with pytest.raises(ValueError, match="in the future"):
        standup_window(day=dt.date(2026, 3, 13), now=now, timezone=BERLIN, workdays=MON_FRI)


def test_window_uses_local_date_not_utc_date() -> None:
    # 23:30 UTC on Sunday is already Monday in Berlin.
    now = dt.datetime(2026, 3, 8, 23, 30, tzinfo=dt.timezone.utc)
    window = standup_window(day=dt.date(2026, 3, 9), now=now, timezone=BERLIN, workdays=MON_FRI)
    assert window.since == dt.datetime(2026, 3, 6, 0, 0, tzinfo=BERLIN)


def test_window_across_dst_change() -> None:
    # Berlin moves to summer time on 29 March 2026; Friday is +01:00, Monday +02:00.
    now = dt.datetime(2026, 3, 30, 8, 0, tzinfo=BERLIN)
    window = standup_window(day=now.date(), now=now, timezone=BERLIN, workdays=MON_FRI)
    assert window.since.isoformat() == "2026-03-27T00:00:00+01:00"
    assert window.until.isoformat() == "2026-03-30T08:00:00+02:00"


def test_start_of_day_where_midnight_is_skipped() -> None:
    # Santiago skipped 00:00-01:00 on 6 September 2026 (clocks went from 00:00 to 01:00).
    santiago = ZoneInfo("America/Santiago")
    start = start_of_day(dt.date(2026, 9, 6), santiago)
    assert start.utcoffset() == dt.timedelta(hours=-3)
    assert start.astimezone(dt.timezone.utc) == dt.datetime(2026, 9, 6, 4, 0, tzinfo=dt.timezone.utc)


def test_parse_moment_date_and_end_of_day() -> None:
    assert parse_moment("2026-03-06", timezone=BERLIN, end_of_day=False).isoformat() == "2026-03-06T00:00:00+01:00"
    assert parse_moment("2026-03-06", timezone=BERLIN, end_of_day=True).isoformat() == "2026-03-07T00:00:00+01:00"


def test_parse_moment_datetime_with_and_without_offset() -> None:
    assert parse_moment("2026-03-06T09:30", timezone=BERLIN, end_of_day=False).isoformat() == "2026-03-06T09:30:00+01:00"
    assert parse_moment("2026-03-06T09:30:00Z", timezone=BERLIN, end_of_day=False).isoformat() == "2026-03-06T09:30:00+00:00"
    assert (
        parse_moment("2026-03-06T09:30:00-05:00", timezone=BERLIN, end_of_day=False).isoformat()
        == "2026-03-06T09:30:00-05:00"
    )


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01", "06/03/2026", ""])
def test_parse_moment_rejects_non_iso(text: str) -> None:
    with pytest.raises(ValueError, match="invalid date or time"):
        parse_moment(text, timezone=BERLIN, end_of_day=False)


def test_resolve_timezone_names_and_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_timezone("Asia/Kolkata") == ZoneInfo("Asia/Kolkata")
    with pytest.raises(ValueError, match="Europe/Berln"):
        resolve_timezone("Europe/Berln")
    monkeypatch.setenv("TZ", "America/New_York")
    assert resolve_timezone(None) == ZoneInfo("America/New_York")


def test_posix_tz_rule_uses_current_offset(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("TZ", "UTC-3")
    time.tzset()
    try:
        zone = resolve_timezone(None)
        assert dt.datetime(2026, 3, 9, tzinfo=zone).utcoffset() == dt.timedelta(hours=3)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()

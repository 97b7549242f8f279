"""Calendar URLs against a loopback server: caching, conditional requests, retries, timeouts and clear errors."""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from piper.integrations.calendar import (
    CalendarCache,
    CalendarLocation,
    CalendarReading,
    DownloadPolicy,
    display_url,
    fetch_url,
    read_calendars,
)
from tests.integrations.calendar.calendar_server import CalendarServer, Reply
from tests.integrations.calendar.conftest import fixture_bytes

NEW_YORK = ZoneInfo("America/New_York")
DAY_START = dt.datetime(2026, 3, 9, tzinfo=NEW_YORK)
DAY_END = dt.datetime(2026, 3, 10, tzinfo=NEW_YORK)
FAST = DownloadPolicy(timeout=0.5, retries=2, backoff=0.01)
SECRET_PATH = "/calendar/ical/ada%40example.com/private-5e3c7a1b9f/basic.ics"
"""A path shaped like a secret iCal address: the token must never be shown."""


async def _read(server: CalendarServer, cache: CalendarCache, *paths: str, policy: DownloadPolicy = FAST) -> CalendarReading:
    locations = [CalendarLocation(name=f"cal{index}", url=server.url(path)) for index, path in enumerate(paths)]
    return await read_calendars(locations, since=DAY_START, until=DAY_END, timezone=NEW_YORK, cache=cache, policy=policy)


@pytest.fixture
def cache(tmp_path: Path) -> CalendarCache:
    return CalendarCache(tmp_path / "cache")


def _titles(reading: CalendarReading) -> list[str]:
    return [event.title for event in reading.events]


async def test_download_ok_and_cached(calendar_server: CalendarServer, cache: CalendarCache) -> None:
    calendar_server.serve("/work.ics", fixture_bytes("outlook.ics"))

    reading = await _read(calendar_server, cache, "/work.ics")

    assert reading.calendars_read == 1
    assert reading.errors == []
    assert reading.notes == []
    assert "Roadmap review" in _titles(reading)
    cached = cache.load(calendar_server.url("/work.ics"))
    assert cached is not None
    assert cached.content == fixture_bytes("outlook.ics")
    assert cached.etag == '"v1"'


async def test_not_modified_uses_cache(calendar_server: CalendarServer, cache: CalendarCache) -> None:
    calendar_server.serve("/work.ics", fixture_bytes("outlook.ics"))
    await _read(calendar_server, cache, "/work.ics")

    reading = await _read(calendar_server, cache, "/work.ics")

    second = calendar_server.requests_for("/work.ics")[1]
    assert second.headers.get("If-None-Match") == '"v1"'
    assert reading.notes == []
    assert "Roadmap review" in _titles(reading)


async def test_server_error_then_retry_succeeds(calendar_server: CalendarServer, cache: CalendarCache) -> None:
    calendar_server.serve("/work.ics", fixture_bytes("outlook.ics"))
    calendar_server.queue("/work.ics", Reply(500, b"oops"), Reply(429, b"slow down"))

    reading = await _read(calendar_server, cache, "/work.ics")

    assert len(calendar_server.requests_for("/work.ics")) == 3
    assert reading.errors == []
    assert "Roadmap review" in _titles(reading)


async def test_server_error_falls_back_to_cache(calendar_server: CalendarServer, cache: CalendarCache) -> None:
    calendar_server.serve("/work.ics", fixture_bytes("outlook.ics"))
    await _read(calendar_server, cache, "/work.ics")
    calendar_server.queue("/work.ics", *[Reply(502, b"bad gateway")] * 3)

    reading = await _read(calendar_server, cache, "/work.ics")

    assert len(calendar_server.requests_for("/work.ics")) == 4
    assert reading.errors == []
    assert "Roadmap review" in _titles(reading)
    assert len(reading.notes) == 1
    assert "responded with HTTP 502" in reading.notes[0].message
    assert "showing the copy downloaded at" in reading.notes[0].message


async def test_server_error_without_cache_fails(calendar_server: CalendarServer, cache: CalendarCache) -> None:
    calendar_server.queue("/work.ics", *[Reply(500, b"oops")] * 3)

    reading = await _read(calendar_server, cache, "/work.ics")

    assert reading.calendars_read == 0
    assert len(reading.errors) == 1
    assert "responded with HTTP 500" in reading.errors[0].message
    assert "Check the network connection" in reading.errors[0].message


async def test_timeout_retries_then_falls_back(calendar_server: CalendarServer, cache: CalendarCache) -> None:
    calendar_server.serve("/work.ics", fixture_bytes("outlook.ics"))
    await _read(calendar_server, cache, "/work.ics")
    slow = DownloadPolicy(timeout=0.2, retries=1, backoff=0.01)
    calendar_server.queue("/work.ics", Reply(200, b"", delay=1.0), Reply(200, b"", delay=1.0))

    started = time.monotonic()
    reading = await _read(calendar_server, cache, "/work.ics", policy=slow)
    elapsed = time.monotonic() - started

    assert elapsed < 1.5
    assert len(calendar_server.requests_for("/work.ics")) == 3
    assert "timed out after 0.2 s" in reading.notes[0].message
    assert "Roadmap review" in _titles(reading)


async def test_connection_refused_reported(cache: CalendarCache) -> None:
    server = CalendarServer()
    server.start()
    url = server.url("/work.ics")
    server.stop()  # Nothing listens on the port any more.

    location = CalendarLocation(name="Work", url=url)
    reading = await read_calendars([location], since=DAY_START, until=DAY_END, timezone=NEW_YORK, cache=cache, policy=FAST)

    assert reading.calendars_read == 0
    assert "could not connect to" in reading.errors[0].message


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (404, "responded with HTTP 404 (not found)"),
        (401, "rejected the request with HTTP 401"),
        (403, "rejected the request with HTTP 403"),
        (410, "responded with HTTP 410"),
    ],
)
async def test_client_errors_do_not_use_cache(calendar_server: CalendarServer, cache: CalendarCache, status: int, expected: str) -> None:
    calendar_server.serve("/work.ics", fixture_bytes("outlook.ics"))
    await _read(calendar_server, cache, "/work.ics")
    calendar_server.queue("/work.ics", Reply(status, b"no"))

    reading = await _read(calendar_server, cache, "/work.ics")

    assert len(calendar_server.requests_for("/work.ics")) == 2  # No retry.
    assert reading.calendars_read == 0
    assert reading.events == []
    assert expected in reading.errors[0].message


async def test_forbidden_hint_names_fix(calendar_server: CalendarServer, cache: CalendarCache) -> None:
    calendar_server.queue("/work.ics", Reply(403, b"no"))
    reading = await _read(calendar_server, cache, "/work.ics")
    assert "copy its iCal address again" in reading.errors[0].message


async def test_malformed_download_falls_back(calendar_server: CalendarServer, cache: CalendarCache) -> None:
    calendar_server.serve("/work.ics", fixture_bytes("outlook.ics"))
    await _read(calendar_server, cache, "/work.ics")
    calendar_server.queue("/work.ics", Reply(200, fixture_bytes("not-a-calendar.html"), {"Content-Type": "text/html"}))

    reading = await _read(calendar_server, cache, "/work.ics")

    assert "Roadmap review" in _titles(reading)
    assert "is not valid iCalendar data" in reading.notes[0].message
    # The cache still contains the last good download, not the HTML page.
    assert cache.load(calendar_server.url("/work.ics")).content == fixture_bytes("outlook.ics")


async def test_malformed_download_without_cache(calendar_server: CalendarServer, cache: CalendarCache) -> None:
    calendar_server.queue("/work.ics", Reply(200, b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"))
    reading = await _read(calendar_server, cache, "/work.ics")
    assert "is not valid iCalendar data" in reading.errors[0].message
    # The download worked, so a network hint would send the user the wrong way.
    assert "Check the network connection" not in reading.errors[0].message


async def test_html_download_without_cache_names_fix(calendar_server: CalendarServer, cache: CalendarCache) -> None:
    calendar_server.queue("/work.ics", Reply(200, fixture_bytes("not-a-calendar.html"), {"Content-Type": "text/html"}))

    reading = await _read(calendar_server, cache, "/work.ics")

    message = reading.errors[0].message
    assert "the content is an HTML page" in message
    assert "iCal address" in message
    assert "<html" not in message.lower()


async def test_one_failure_keeps_other_calendars(calendar_server: CalendarServer, cache: CalendarCache) -> None:
    calendar_server.serve("/work.ics", fixture_bytes("outlook.ics"))

    reading = await _read(calendar_server, cache, "/work.ics", "/gone.ics")

    assert reading.calendars_read == 1
    assert [problem.calendar for problem in reading.errors] == ["cal1"]
    assert "Roadmap review" in _titles(reading)


async def test_secret_url_never_shown(calendar_server: CalendarServer, cache: CalendarCache, caplog: pytest.LogCaptureFixture) -> None:
    calendar_server.queue(SECRET_PATH, *[Reply(500, b"oops")] * 3)
    caplog.set_level(logging.DEBUG, logger="piper")

    failed = await _read(calendar_server, cache, SECRET_PATH)
    calendar_server.queue(SECRET_PATH, Reply(403, b"no"))
    rejected = await _read(calendar_server, cache, SECRET_PATH)

    shown = " ".join(problem.message for problem in [*failed.errors, *rejected.errors]) + caplog.text
    assert "private-5e3c7a1b9f" not in shown
    assert "127.0.0.1" in shown


async def test_cache_file_names_hide_url(calendar_server: CalendarServer, cache: CalendarCache) -> None:
    calendar_server.serve(SECRET_PATH, fixture_bytes("outlook.ics"))

    await _read(calendar_server, cache, SECRET_PATH)

    names = sorted(path.name for path in cache.folder.iterdir())
    assert len(names) == 2
    assert all("private" not in name for name in names)


async def test_webcal_requested_over_https(calendar_server: CalendarServer, cache: CalendarCache) -> None:
    calendar_server.serve("/work.ics", fixture_bytes("outlook.ics"))
    webcal = calendar_server.url("/work.ics").replace("http://", "webcal://")
    location = CalendarLocation(name="Work", url=webcal)

    reading = await read_calendars([location], since=DAY_START, until=DAY_END, timezone=NEW_YORK, cache=cache, policy=FAST)

    # The loopback server speaks plain HTTP, so the TLS handshake of the https:// request fails.
    assert "could not connect to https://127.0.0.1:" in reading.errors[0].message


def test_webcal_maps_to_https() -> None:
    assert fetch_url("webcal://calendar.example.com/a.ics") == "https://calendar.example.com/a.ics"
    assert fetch_url("WEBCALS://calendar.example.com/a.ics") == "https://calendar.example.com/a.ics"
    assert fetch_url("http://127.0.0.1:8080/a.ics") == "http://127.0.0.1:8080/a.ics"


def test_display_url_keeps_host_only() -> None:
    assert display_url("https://calendar.example.com/private-abc/basic.ics?token=1") == "https://calendar.example.com/…"
    assert display_url("http://127.0.0.1:8080/x.ics") == "http://127.0.0.1:8080/…"
    assert display_url("https://ada:hunter2@calendar.example.com/x.ics") == "https://calendar.example.com/…"

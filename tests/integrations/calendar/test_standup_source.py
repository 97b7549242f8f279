"""The calendar standup source, alone and with the todos source through ``piper standup``."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

from piper import paths
from piper.config import load_settings
from piper.standup.engine import generate_standup
from piper.standup.model import StandupRequest
from piper.standup.progress import NoProgress
from piper.standup.sources import load_source
from piper.standup.sources.calendar import CalendarSource
from piper.integrations.calendar import CalendarCache, DownloadPolicy
from tests.cli_runner import Runner, run_piper  # noqa: F401 - fixture
from tests.integrations.calendar.calendar_server import CalendarServer, Reply
from tests.integrations.calendar.conftest import FIXTURES

NEW_YORK = ZoneInfo("America/New_York")
MONDAY = dt.date(2026, 3, 9)
IDENTITY = "identity:\n  timezone: America/New_York\n  emails: [ada@example.com, ada.work@example.com]\n"


def _request(day: dt.date = MONDAY) -> StandupRequest:
    since = dt.datetime.combine(day - dt.timedelta(days=3), dt.time(0, 0), tzinfo=NEW_YORK)
    until = dt.datetime.combine(day, dt.time(9, 30), tzinfo=NEW_YORK)
    return StandupRequest(date=day, since=since, until=until, timezone=NEW_YORK, authors=None, sources=["calendar"])


def _copy_fixtures(folder: Path, *names: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(FIXTURES / name, folder / name)


async def _collect(write_user_config, yaml_text: str, day: dt.date = MONDAY, **kwargs):
    settings = load_settings(write_user_config(IDENTITY + yaml_text))
    return await CalendarSource(settings, **kwargs).collect(_request(day), NoProgress())


async def test_registered_and_not_configured() -> None:
    source = load_source("calendar")
    result = await source.collect(_request(), NoProgress())

    assert source.name == "calendar"
    assert result.status == "skipped"
    assert result.reason == "no calendars configured"


async def test_all_disabled_skipped(write_user_config) -> None:
    result = await _collect(write_user_config, "calendars:\n  - name: Work\n    path: recurring.ics\n    enabled: false\n")
    assert result.status == "skipped"
    assert result.reason == "every calendar has enabled: false"


async def test_today_items(write_user_config, isolated_environment: Path) -> None:
    _copy_fixtures(isolated_environment / "config", "recurring.ics", "outlook.ics", "mixed.ics")
    result = await _collect(
        write_user_config,
        "calendars:\n  - name: Team\n    path: recurring.ics\n  - name: Outlook\n    path: outlook.ics\n  - name: Mine\n    path: mixed.ics\n",
    )

    assert result.status == "ok"
    assert result.yesterday == []
    assert result.blockers == []
    assert [item.title for item in result.today] == [
        "09:00-09:15 Team standup",
        "10:30-11:00 Call with the Pune office",
        "11:00-11:30 Roadmap review (Room 4.12)",
        "12:00-12:30 Design crit",
        "12:00-13:00 Lunch with Sam",
        "14:00-15:00 Interview: senior PM (Zoom)",
        "15:00-15:30 Release sync",
        "16:00-16:45 Quick sync",
    ]
    first = result.today[0].to_json()
    assert first == {
        "source": "calendar",
        "kind": "event",
        "id": "standup-weekly@example.com/20260309T130000Z",
        "title": "09:00-09:15 Team standup",
        "repo": None,
        "url": "https://meet.example.com/standup",
        "timestamp": "2026-03-09T09:00:00-04:00",
    }
    assert result.details["calendars"] == 3
    assert result.details["events"] == 8
    # The damaged event in mixed.ics is left out with a note, not an error.
    assert result.details["notes"] == [{"calendar": "Mine", "message": "1 event could not be parsed and was left out"}]


async def test_date_selects_day(write_user_config, isolated_environment: Path) -> None:
    _copy_fixtures(isolated_environment / "config", "recurring.ics")
    result = await _collect(write_user_config, "calendars:\n  - name: Team\n    path: recurring.ics\n", day=dt.date(2026, 3, 23))
    assert [item.title for item in result.today] == ["10:00-10:30 Weekly planning", "11:00-11:15 Team standup (moved)"]


async def test_event_from_day_before_not_listed(write_user_config, isolated_environment: Path) -> None:
    _copy_fixtures(isolated_environment / "config", "mixed.ics")
    result = await _collect(write_user_config, "calendars:\n  - name: Mine\n    path: mixed.ics\n", day=dt.date(2026, 3, 10))
    assert result.today == []


async def test_broken_calendar_reported_others_listed(write_user_config, isolated_environment: Path) -> None:
    _copy_fixtures(isolated_environment / "config", "outlook.ics", "not-a-calendar.html")
    result = await _collect(
        write_user_config,
        "calendars:\n  - name: Outlook\n    path: outlook.ics\n  - name: Broken\n    path: not-a-calendar.html\n"
        "  - name: Gone\n    path: missing.ics\n",
    )

    assert result.status == "ok"
    assert len(result.today) == 3
    assert result.details["calendars"] == 1
    failed = {entry["calendar"]: entry["message"] for entry in result.details["failed"]}
    assert set(failed) == {"Broken", "Gone"}
    assert "is not valid iCalendar data" in failed["Broken"]
    assert "missing.ics does not exist" in failed["Gone"]
    assert result.reason is not None
    assert result.reason.startswith("2 of 3 calendars could not be read.")
    assert ".;" not in result.reason
    assert result.reason.endswith(".")
    assert "HTML page" in failed["Broken"]


async def test_every_calendar_broken_is_error(write_user_config) -> None:
    result = await _collect(write_user_config, "calendars:\n  - name: Gone\n    path: missing.ics\n")
    assert result.status == "error"
    assert "Gone: the file" in (result.reason or "")
    assert result.today == []


async def test_url_calendar_falls_back_with_note(write_user_config, calendar_server: CalendarServer, tmp_path: Path) -> None:
    calendar_server.serve("/team.ics", (FIXTURES / "recurring.ics").read_bytes())
    cache = CalendarCache(tmp_path / "cache")
    policy = DownloadPolicy(timeout=0.5, retries=1, backoff=0.01)
    yaml_text = f"calendars:\n  - name: Team\n    url: {calendar_server.url('/team.ics')}\n"
    await _collect(write_user_config, yaml_text, cache=cache, policy=policy)
    calendar_server.queue("/team.ics", Reply(503, b"down"), Reply(503, b"down"))

    result = await _collect(write_user_config, yaml_text, cache=cache, policy=policy)

    assert result.status == "ok"
    assert [item.title for item in result.today] == ["09:00-09:15 Team standup"]
    assert "responded with HTTP 503; showing the copy downloaded at" in result.details["notes"][0]["message"]
    assert "Team:" in (result.reason or "")


async def test_invalid_settings_reported(write_user_config) -> None:
    write_user_config("calendars:\n  - name: Work\n")
    result = await CalendarSource().collect(_request(), NoProgress())
    assert result.status == "error"
    assert "neither 'path' nor 'url'" in (result.reason or "")


async def test_engine_lists_each_event_once(write_user_config, isolated_environment: Path) -> None:
    # The same series is in the team calendar and in the user's own copy of it.
    _copy_fixtures(isolated_environment / "config", "recurring.ics")
    shutil.copy(isolated_environment / "config" / "recurring.ics", isolated_environment / "config" / "copy.ics")
    write_user_config(IDENTITY + "calendars:\n  - name: Team\n    path: recurring.ics\n  - name: Mine\n    path: copy.ics\n")

    report = await generate_standup(_request())

    assert [item.title for item in report.today] == ["09:00-09:15 Team standup"]
    assert report.sources["calendar"]["calendars"] == 2


def _today_calendar(today: dt.date) -> str:
    stamp = today.strftime("%Y%m%d")
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Piper tests//EN\r\n"
        f"BEGIN:VEVENT\r\nUID:kickoff@example.com\r\nDTSTAMP:{stamp}T000000Z\r\n"
        f"DTSTART;TZID=America/New_York:{stamp}T100000\r\nDTEND;TZID=America/New_York:{stamp}T110000\r\n"
        "SUMMARY:Launch kickoff\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def test_cli_standup_with_todos(run_piper: Runner, write_user_config, isolated_environment: Path) -> None:
    today = dt.datetime.now(NEW_YORK).date()
    calendar_text = _today_calendar(today)
    (isolated_environment / "config").mkdir(parents=True, exist_ok=True)
    (isolated_environment / "config" / "team.ics").write_text(calendar_text)
    (isolated_environment / "config" / "mine.ics").write_text(calendar_text)
    write_user_config(
        IDENTITY
        + "calendars:\n  - name: Team\n    path: team.ics\n  - name: Mine\n    path: mine.ics\n"
        + "  - name: Broken\n    path: absent.ics\n"
    )
    assert run_piper("todo", "add", "Write the launch brief").exit_code == 0

    result = run_piper("standup", "--source", "todos", "--source", "calendar", "--json")

    assert result.exit_code == 0, result.stderr
    data = result.json()["data"]
    today_items = [(item["source"], item["title"]) for item in data["today_priorities"]]
    assert today_items == [("todos", "Write the launch brief"), ("calendar", "10:00-11:00 Launch kickoff")]
    kickoff = dt.datetime.fromisoformat(data["today_priorities"][1]["timestamp"])
    assert kickoff == dt.datetime.combine(today, dt.time(10, 0), tzinfo=NEW_YORK)
    assert kickoff.utcoffset() == NEW_YORK.utcoffset(dt.datetime.combine(today, dt.time(10, 0)))
    calendar = data["sources"]["calendar"]
    assert calendar["status"] == "ok"
    assert calendar["calendars"] == 2
    assert calendar["failed"][0]["calendar"] == "Broken"
    assert data["sources"]["todos"]["status"] == "ok"


def test_cli_standup_text_shows_failure(run_piper: Runner, write_user_config) -> None:
    write_user_config(IDENTITY + "calendars:\n  - name: Broken\n    path: absent.ics\n")

    result = run_piper("standup", "--source", "calendar", "--format", "text")

    assert result.exit_code == 0
    assert "calendar error" in result.stdout
    assert "! calendar: Broken: the file" in result.stdout
    assert result.stdout.count("Broken: the file") == 1


def test_cli_standup_hides_secret_url(run_piper: Runner, write_user_config, calendar_server: CalendarServer) -> None:
    secret_url = calendar_server.url("/ical/private-5e3c7a1b9f/basic.ics")
    write_user_config(IDENTITY + f"calendars:\n  - name: Work\n    url: {secret_url}\n")

    result = run_piper("standup", "--source", "calendar", "--json")
    stored = (paths.data_dir() / paths.DATABASE_FILE).read_bytes()

    assert result.exit_code == 0
    calendar = result.json()["data"]["sources"]["calendar"]
    assert calendar["status"] == "error"
    assert "responded with HTTP 404" in calendar["reason"]
    assert "private-5e3c7a1b9f" not in result.stdout + result.stderr
    # The run is stored in the history with its sources, and the token is not stored with it.
    assert b"responded with HTTP 404" in stored
    assert b"private-5e3c7a1b9f" not in stored

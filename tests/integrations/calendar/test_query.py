"""The get_calendar query: free or busy at a time, the next event and a day's events, from real .ics files."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from piper.config import Settings, load_settings
from piper.queries.calendar import get_calendar, parse_time_of_day
from piper.queries.model import QueryAnswer, QueryContext
from piper.queries.router import QueryRouter
from tests.integrations.calendar.conftest import FIXTURES

NEW_YORK = ZoneInfo("America/New_York")
MONDAY_MORNING = dt.datetime(2026, 3, 9, 8, 30, tzinfo=NEW_YORK)
IDENTITY = "identity:\n  timezone: America/New_York\n  emails: [ada@example.com, ada.work@example.com]\n"


@pytest.fixture
def settings(write_user_config, isolated_environment: Path) -> Settings:
    folder = isolated_environment / "config"
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("recurring.ics", "outlook.ics", "mixed.ics"):
        shutil.copy(FIXTURES / name, folder / name)
    return load_settings(write_user_config(IDENTITY + "calendars:\n  - name: Team\n    path: recurring.ics\n  - name: Outlook\n    path: outlook.ics\n"))


async def _ask(settings: Settings, text: str, entities: dict | None = None, now: dt.datetime = MONDAY_MORNING) -> QueryAnswer:
    context = QueryContext(database=None, settings=settings, now=now, text=text)  # type: ignore[arg-type]
    return await get_calendar(context, entities or {})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("am I free at 3?", dt.time(15, 0)),
        ("free at 15:30 tomorrow", dt.time(15, 30)),
        ("busy at 9:15 am?", dt.time(9, 15)),
        ("am I free @ 11", dt.time(11, 0)),
        ("anything at 12am", dt.time(0, 0)),
        ("am I free at noon", dt.time(12, 0)),
        ("free around 2.30pm", dt.time(14, 30)),
        ("what's on my calendar on 2026-03-10", None),
        ("do I have 3 meetings today", None),
        ("free at 27", None),
    ],
)
def test_time_parsing(text: str, expected: dt.time | None) -> None:
    parsed = parse_time_of_day(text)
    assert (parsed.time if parsed else None) == expected


async def test_not_configured(write_user_config) -> None:
    settings = load_settings(write_user_config(IDENTITY))

    answer = await _ask(settings, "am I free at 3?")

    assert answer.result["status"] == "not_configured"
    assert "no calendars configured" in answer.message
    assert "calendars:" in answer.message


async def test_free_with_next_event(settings: Settings) -> None:
    # Weekly planning at 10:00 is cancelled this Monday.
    answer = await _ask(settings, "am I free at 10?")

    assert answer.message.startswith("Yes, you're free at 10:00 today.")
    assert "Call with the Pune office (10:30-11:00)" in answer.message
    assert answer.result["free"] is True
    assert answer.result["moment"] == "2026-03-09T10:00:00-04:00"
    assert answer.result["conflicts"] == []


async def test_busy_names_conflict(settings: Settings) -> None:
    answer = await _ask(settings, "am I free at 10:45")

    assert answer.message.startswith("No, you're busy at 10:45 today: Call with the Pune office (10:30-11:00).")
    # The roadmap review follows straight on, so the user is free only after it.
    assert "You're free from 11:30." in answer.message
    assert answer.result["free"] is False
    assert [event["title"] for event in answer.result["conflicts"]] == ["Call with the Pune office"]


@pytest.mark.parametrize(
    ("text", "opening"),
    [
        ("am I busy at 10:45?", "Yes, you're busy at 10:45 today"),
        ("is 10:45 booked?", "Yes, you're busy at 10:45 today"),
        ("am I busy at 10?", "No, you're free at 10:00 today."),
    ],
)
async def test_busy_question_answered_yes_when_busy(settings: Settings, text: str, opening: str) -> None:
    answer = await _ask(settings, text)
    assert answer.message.startswith(opening)


async def test_declined_event_leaves_free(settings: Settings) -> None:
    answer = await _ask(settings, "am I free at 8:30?")
    assert answer.result["free"] is True


async def test_event_end_is_free(settings: Settings) -> None:
    answer = await _ask(settings, "free at 12:30pm")
    assert answer.result["free"] is True


async def test_free_uses_date_entity(settings: Settings) -> None:
    answer = await _ask(settings, "am I free at 9 tomorrow?", {"date": "2026-03-10"})

    assert answer.message.startswith("Yes, you're free at 09:00 tomorrow.")
    assert answer.result["moment"] == "2026-03-10T09:00:00-04:00"


async def test_busy_across_dst_change(settings: Settings) -> None:
    # Asked on the Friday before the change, for the Monday after it: the standup is still 09:00 local.
    friday = dt.datetime(2026, 3, 6, 17, 0, tzinfo=NEW_YORK)
    answer = await _ask(settings, "am I free at 9:05 on monday", {"date": "2026-03-09"}, now=friday)

    assert answer.message.startswith("No, you're busy at 09:05 on Monday 9 March: Team standup (09:00-09:15).")


async def test_next_event(settings: Settings) -> None:
    answer = await _ask(settings, "what's my next meeting")

    assert answer.message == "Your next event is Team standup at 09:00 today (in 30 minutes)."
    assert answer.result["next_event"]["id"] == "standup-weekly@example.com/20260309T130000Z"


async def test_next_event_on_later_day(settings: Settings) -> None:
    evening = dt.datetime(2026, 3, 9, 18, 0, tzinfo=NEW_YORK)
    answer = await _ask(settings, "what's next on my calendar", now=evening)
    assert answer.message == "Your next event is Weekly planning at 10:00 on Monday 16 March."


async def test_day_list(settings: Settings) -> None:
    answer = await _ask(settings, "what meetings do I have today", {"date": "2026-03-09"})

    assert answer.message.splitlines() == [
        "You have 4 events today:",
        "",
        "- 09:00-09:15 Team standup",
        "- 10:30-11:00 Call with the Pune office",
        "- 11:00-11:30 Roadmap review (Room 4.12)",
        "- 12:00-12:30 Design crit",
    ]
    assert answer.result["date"] == "2026-03-09"
    assert answer.result["calendars_read"] == 2


async def test_day_list_all_day_first(write_user_config, isolated_environment: Path) -> None:
    (isolated_environment / "config").mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "mixed.ics", isolated_environment / "config" / "mixed.ics")
    settings = load_settings(write_user_config(IDENTITY + "calendars:\n  - name: Mine\n    path: mixed.ics\n"))
    sunday = dt.datetime(2026, 3, 8, 20, 0, tzinfo=NEW_YORK)

    answer = await _ask(settings, "what's on my calendar tomorrow", {"date": "2026-03-09"}, now=sunday)

    lines = answer.message.splitlines()
    assert lines[0] == "You have 7 events tomorrow:"
    assert lines[2:5] == [
        "- Sun 08 Mar to Wed 11 Mar: ProductCon",
        "- All day: Offsite prep day",
        "- Mon 09 Mar to Tue 10 Mar: On-call shift",
    ]
    assert "- 12:00-13:00 Lunch with Sam" in lines
    assert not any("1:1 with Sam" in line for line in lines)
    assert "Note: calendar Mine: 1 event could not be parsed and was left out" in lines


async def test_empty_day(settings: Settings) -> None:
    answer = await _ask(settings, "what's on my calendar on saturday", {"date": "2026-03-14"})
    assert answer.message == "Nothing is on your calendar on Saturday 14 March."
    assert answer.result["events"] == []


async def test_broken_calendar_noted(write_user_config, isolated_environment: Path) -> None:
    (isolated_environment / "config").mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "recurring.ics", isolated_environment / "config" / "recurring.ics")
    settings = load_settings(
        write_user_config(IDENTITY + "calendars:\n  - name: Team\n    path: recurring.ics\n  - name: Gone\n    path: gone.ics\n")
    )

    answer = await _ask(settings, "am I free at 9:10?")

    assert answer.result["free"] is False
    assert "Note: calendar Gone: the file" in answer.message
    assert answer.result["errors"][0]["calendar"] == "Gone"


async def test_router_sends_get_calendar(settings: Settings) -> None:
    context = QueryContext(database=None, settings=settings, now=MONDAY_MORNING, text="am I free at 10?")  # type: ignore[arg-type]
    answer = await QueryRouter().answer("get_calendar", {}, context)
    assert answer.result["free"] is True


async def test_core_answers_free_question(settings: Settings) -> None:
    from piper.core import Piper
    from piper.storage import open_database

    async with open_database() as db:
        piper = Piper(db, settings=settings, now=lambda: MONDAY_MORNING)
        reply = await piper.handle_message("am I free at 3?", new=True)

    assert reply.intent["action"] == "get_calendar"
    assert reply.workflow_id is None
    assert "free at 15:00 today" in reply.message


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (dt.datetime(2026, 3, 9, 9, 0, tzinfo=NEW_YORK), "Your next event is Team standup at 09:00 today (starting now)."),
        (dt.datetime(2026, 3, 9, 8, 59, tzinfo=NEW_YORK), "Your next event is Team standup at 09:00 today (in 1 minute)."),
        (dt.datetime(2026, 3, 9, 6, 0, tzinfo=NEW_YORK), "Your next event is Team standup at 09:00 today."),
    ],
)
async def test_next_event_wording(settings: Settings, now: dt.datetime, expected: str) -> None:
    answer = await _ask(settings, "what's my next meeting", now=now)
    assert answer.message == expected

"""`piper calendar today` through the real entry point."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.cli_runner import Runner, run_piper  # noqa: F401 - fixture
from tests.integrations.calendar.conftest import FIXTURES

IDENTITY = "identity:\n  timezone: America/New_York\n  emails: [ada@example.com, ada.work@example.com]\n"


def _configure(write_user_config, home: Path, calendars: str) -> None:
    folder = home / "config"
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("recurring.ics", "outlook.ics"):
        shutil.copy(FIXTURES / name, folder / name)
    write_user_config(IDENTITY + calendars)


def test_today_json(run_piper: Runner, write_user_config, isolated_environment: Path) -> None:
    _configure(write_user_config, isolated_environment, "calendars:\n  - name: Team\n    path: recurring.ics\n  - name: Outlook\n    path: outlook.ics\n")

    result = run_piper("calendar", "today", "--date", "2026-03-09", "--json")

    assert result.exit_code == 0, result.stderr
    data = result.json()["data"]
    assert data["date"] == "2026-03-09"
    assert [event["title"] for event in data["events"]] == ["Team standup", "Call with the Pune office", "Roadmap review", "Design crit"]
    assert data["events"][0]["start"] == "2026-03-09T09:00:00-04:00"
    assert data["calendars_read"] == 2
    assert data["errors"] == []


def test_today_text_with_failure(run_piper: Runner, write_user_config, isolated_environment: Path) -> None:
    _configure(write_user_config, isolated_environment, "calendars:\n  - name: Team\n    path: recurring.ics\n  - name: Gone\n    path: gone.ics\n")

    result = run_piper("calendar", "today", "--date", "2026-03-09")

    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "You have 1 event on Monday 9 March:"
    assert "- 09:00-09:15 Team standup" in lines
    assert any(line.startswith("Note: calendar Gone: the file") for line in lines)


def test_every_calendar_failing_exits_1(run_piper: Runner, write_user_config, isolated_environment: Path) -> None:
    _configure(write_user_config, isolated_environment, "calendars:\n  - name: Gone\n    path: gone.ics\n")

    result = run_piper("calendar", "today", "--json")

    assert result.exit_code == 1
    envelope = result.json()
    assert envelope["status"] == "error"
    assert envelope["error"].startswith("no calendar could be read. Gone: the file")
    assert envelope["details"]["errors"][0]["calendar"] == "Gone"


def test_not_configured_exits_1(run_piper: Runner) -> None:
    result = run_piper("calendar", "today")

    assert result.exit_code == 1
    assert "no calendar to read: no calendars configured." in result.error_text
    assert "calendars:" in result.error_text


def test_invalid_date_exits_2(run_piper: Runner) -> None:
    result = run_piper("calendar", "today", "--date", "09/03/2026")

    assert result.exit_code == 2
    assert "--date: invalid date '09/03/2026'" in result.error_text

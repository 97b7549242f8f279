"""The ``calendars:`` section of PIPER.user.md: what it accepts and the errors it gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from piper.config import CalendarSetting, load_settings
from piper.errors import ConfigError
from piper.integrations.calendar import configured_locations, not_configured_reason
from tests.cli_runner import Runner, run_piper  # noqa: F401 - fixture

REPOSITORY_ROOT = Path(__file__).resolve().parents[3]


def _settings(tmp_path: Path, yaml_text: str):
    path = tmp_path / "PIPER.user.md"
    path.write_text(f"```yaml\n{yaml_text}```\n", encoding="utf-8")
    return load_settings(path)


def _error(tmp_path: Path, yaml_text: str) -> ConfigError:
    with pytest.raises(ConfigError) as raised:
        _settings(tmp_path, yaml_text)
    return raised.value


def test_path_and_url_entries(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path,
        "calendars:\n"
        "  - name: Work\n    url: webcal://calendar.example.com/work.ics\n"
        "  - name: Personal\n    path: exports/personal.ics\n"
        "  - name: Holidays\n    path: ~/holidays.ics\n    enabled: false\n",
    )

    work, personal, holidays = settings.calendars
    assert work.url == "webcal://calendar.example.com/work.ics"
    assert work.path is None
    # A relative path resolves against the folder of PIPER.user.md; it need not exist yet.
    assert personal.path == tmp_path / "exports" / "personal.ics"
    assert holidays.path == Path.home() / "holidays.ics"
    assert holidays.enabled is False
    assert [location.name for location in configured_locations(settings)] == ["Work", "Personal"]


def test_no_calendars_by_default(tmp_path: Path) -> None:
    settings = _settings(tmp_path, "identity:\n  name: Ada\n")
    assert settings.calendars == []
    assert not_configured_reason(settings) == "no calendars configured"


def test_all_disabled_reason(tmp_path: Path) -> None:
    settings = _settings(tmp_path, "calendars:\n  - name: Work\n    path: work.ics\n    enabled: false\n")
    assert configured_locations(settings) == []
    assert not_configured_reason(settings) == "every calendar has enabled: false"


def test_both_path_and_url_rejected(tmp_path: Path) -> None:
    error = _error(tmp_path, "calendars:\n  - name: Work\n    path: work.ics\n    url: https://example.com/a.ics\n")
    assert "the calendar 'Work' has both 'path' and 'url'." in error.message
    assert "Give exactly one" in (error.hint or "")


def test_neither_path_nor_url_rejected(tmp_path: Path) -> None:
    error = _error(tmp_path, "calendars:\n  - name: Work\n")
    assert "has neither 'path' nor 'url'" in error.message


def test_name_required(tmp_path: Path) -> None:
    error = _error(tmp_path, "calendars:\n  - path: work.ics\n")
    assert "the required key 'name' is missing" in error.message
    assert error.details["line"] == 3


def test_blank_name_rejected(tmp_path: Path) -> None:
    error = _error(tmp_path, "calendars:\n  - name: '  '\n    path: work.ics\n")
    assert "the calendar name is empty" in error.message


def test_duplicate_names_rejected(tmp_path: Path) -> None:
    error = _error(tmp_path, "calendars:\n  - name: Work\n    path: a.ics\n  - name: work\n    path: b.ics\n")
    assert "two calendars are named 'work'" in error.message


@pytest.mark.parametrize("url", ["ftp://example.com/a.ics", "calendar.example.com/a.ics", "https://"])
def test_bad_url_rejected(tmp_path: Path, url: str) -> None:
    error = _error(tmp_path, f"calendars:\n  - name: Work\n    url: '{url}'\n")
    assert "is not an http://, https:// or webcal:// URL" in error.message


def test_unknown_key_suggests(tmp_path: Path) -> None:
    error = _error(tmp_path, "calendars:\n  - name: Work\n    urls: https://example.com/a.ics\n")
    assert error.message.endswith("unknown key.")
    assert "Did you mean 'url'?" in (error.hint or "")


def test_example_documents_calendar_keys() -> None:
    text = (REPOSITORY_ROOT / "config" / "PIPER.user.md").read_text(encoding="utf-8")
    assert "## Calendars" in text
    for key in CalendarSetting.model_fields:
        assert f"`{key}`" in text, f"calendars.{key} is not documented"


def test_example_calendars_parse() -> None:
    settings = load_settings(REPOSITORY_ROOT / "config" / "PIPER.user.md")
    assert [calendar.name for calendar in settings.calendars] == ["Work", "Personal", "Team holidays"]


def test_config_show_hides_url_path(run_piper: Runner, write_user_config) -> None:
    write_user_config("calendars:\n  - name: Work\n    url: webcal://calendar.example.com/ical/private-5e3c7a1b9f/basic.ics\n")

    shown = run_piper("config", "show")
    shown_json = run_piper("config", "show", "--json")

    assert shown.exit_code == 0
    assert "private-5e3c7a1b9f" not in shown.stdout
    assert "webcal://calendar.example.com/…" in shown.stdout
    assert "private-5e3c7a1b9f" not in shown_json.stdout
    assert shown_json.json()["data"]["calendars"][0]["url"] == "webcal://calendar.example.com/…"

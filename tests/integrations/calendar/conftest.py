"""Fixtures for the calendar tests: the .ics fixture files, a loopback calendar server and a config writer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integrations.calendar.calendar_server import CalendarServer

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "calendar"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def calendar_server() -> Iterator[CalendarServer]:
    server = CalendarServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def write_user_config(isolated_environment: Path):
    """Return a function that writes PIPER.user.md with the given YAML and returns its path."""

    def write(yaml_text: str) -> Path:
        folder = isolated_environment / "config"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "PIPER.user.md"
        path.write_text(f"# Settings\n\n```yaml\n{yaml_text}```\n", encoding="utf-8")
        return path

    return write

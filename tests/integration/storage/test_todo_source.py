"""Tests for the todos standup source against real databases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from piper.domain.todo import Priority
from piper.standup.model import StandupRequest
from piper.standup.progress import NoProgress
from piper.standup.sources import load_source
from piper.standup.sources.todos import TodoSource
from piper.storage import Database

BERLIN = ZoneInfo("Europe/Berlin")
SINCE = dt.datetime(2026, 3, 6, 0, 0, tzinfo=BERLIN)
UNTIL = dt.datetime(2026, 3, 9, 9, 12, tzinfo=BERLIN)


def make_request() -> StandupRequest:
    return StandupRequest(date=dt.date(2026, 3, 9), since=SINCE, until=UNTIL, timezone=BERLIN, authors=None)


class RecordingProgress(NoProgress):
    def __init__(self) -> None:
        self.tasks: list[str] = []
        self.advanced = 0

    def add_task(self, description: str, total: int | None) -> int:
        self.tasks.append(description)
        return len(self.tasks)

    def advance(self, task_id: int, steps: int = 1) -> None:
        self.advanced += steps


async def test_sections_from_real_todos(database: Database) -> None:
    created = SINCE - dt.timedelta(days=3)
    todos = database.todos
    project, _ = await database.projects.get_or_create("Atlas")
    done_inside = await todos.add("Send the pricing memo", project_id=project.id, now=created)
    done_before = await todos.add("Old work", now=created)
    low = await todos.add("Tidy the wiki", priority=Priority.LOW, now=created)
    urgent = await todos.add("Fix the export", priority=Priority.URGENT, due=dt.date(2026, 3, 10), now=created)
    blocked = await todos.add("Sign the contract", now=created)
    unexplained = await todos.add("Wait for design", now=created)
    await todos.add("Created after the window", now=UNTIL + dt.timedelta(minutes=1))
    await todos.complete(done_inside.id, now=SINCE + dt.timedelta(hours=30))
    await todos.complete(done_before.id, now=SINCE - dt.timedelta(seconds=1))
    await todos.block(blocked.id, reason="waiting for legal", now=created)
    await todos.block(unexplained.id, now=created)
    progress = RecordingProgress()

    result = await TodoSource(str(database.location.url.render_as_string(hide_password=False))).collect(
        make_request(), progress
    )

    assert result.status == "ok"
    assert [item.id for item in result.yesterday] == [str(done_inside.id)]
    assert result.yesterday[0].title == "Send the pricing memo (project Atlas)"
    assert result.yesterday[0].timestamp == dt.datetime(2026, 3, 7, 6, 0, tzinfo=BERLIN)
    assert result.yesterday[0].timestamp.tzinfo == BERLIN
    assert [item.id for item in result.today] == [str(urgent.id), str(low.id)]
    assert result.today[0].title == "Fix the export (urgent, due 2026-03-10)"
    assert result.today[1].title == "Tidy the wiki"
    assert result.today[0].timestamp == created
    assert [item.title for item in result.blockers] == [
        "Sign the contract (blocked: waiting for legal)",
        "Wait for design (blocked)",
    ]
    assert {(item.source, item.kind, item.repo, item.url) for item in result.today + result.blockers} == {
        ("todos", "todo", None, None)
    }
    assert result.details == {"done": 1, "open": 2, "blocked": 2}
    assert progress.tasks == ["Reading todos"]
    assert progress.advanced == 1


async def test_empty_database_is_ok(database: Database) -> None:
    url = database.location.url.render_as_string(hide_password=False)

    result = await TodoSource(url).collect(make_request(), NoProgress())

    assert result.status == "ok"
    assert result.yesterday == result.today == result.blockers == []
    assert result.summary() == {"status": "ok", "done": 0, "open": 0, "blocked": 0}


async def test_default_database_from_environment(isolated_environment: Path) -> None:
    from piper.storage import open_database

    async with open_database() as db:
        await db.todos.add("From the default database", now=SINCE)

    result = await load_source("todos").collect(make_request(), NoProgress())

    assert [item.title for item in result.today] == ["From the default database"]


async def test_damaged_database_fails_source(tmp_path: Path) -> None:
    path = tmp_path / "piper.db"
    path.write_bytes(b"not a database at all" * 20)

    result = await TodoSource(f"sqlite:///{path}").collect(make_request(), NoProgress())

    assert result.status == "error"
    assert str(path) in (result.reason or "")
    assert "damaged" in (result.reason or "")
    assert result.today == []


async def test_locked_database_fails_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    monkeypatch.setenv("PIPER_DATABASE_BUSY_TIMEOUT", "0.2")
    path = tmp_path / "piper.db"
    # A new database needs the write lock to create its tables.
    with sqlite3.connect(path, isolation_level=None) as writer:
        writer.execute("PRAGMA journal_mode = WAL")
        writer.execute("BEGIN EXCLUSIVE")
        result = await TodoSource(f"sqlite:///{path}").collect(make_request(), NoProgress())
        writer.execute("ROLLBACK")

    assert result.status == "error"
    assert "locked" in (result.reason or "")


async def test_unreachable_postgres_fails_source() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    result = await TodoSource(f"postgresql://piper:hunter2@127.0.0.1:{port}/piper").collect(make_request(), NoProgress())

    assert result.status == "error"
    assert "Cannot connect" in (result.reason or "")
    assert "hunter2" not in (result.reason or "")

"""Tests for opening the database: first use, SQLite settings, sessions, concurrency, status and upgrade."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from piper.errors import StorageError
from piper.storage import database_status, open_database, upgrade_database
from piper.storage.migrations import HEAD_REVISION
from tests.postgres import temporary_postgres_database


async def test_first_use_creates_data_dir(isolated_environment: Path) -> None:
    data_dir = isolated_environment / "data"
    assert not data_dir.exists()

    async with open_database() as db:
        await db.todos.add("first")

    assert (data_dir / "piper.db").is_file()


async def test_sqlite_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "piper.db"

    async with open_database(f"sqlite:///{path}") as db, db.session(readonly=True) as session:
        foreign_keys = (await session.execute(text("PRAGMA foreign_keys"))).scalar()

    with sqlite3.connect(path) as connection:
        journal_mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
    assert foreign_keys == 1
    assert journal_mode == "wal"


async def test_concurrent_first_open_migrates_once(database_url: str) -> None:
    async def add(text_: str) -> int:
        async with open_database(database_url) as db:
            return (await db.todos.add(text_)).id

    ids = await asyncio.gather(*(add(f"todo {number}") for number in range(4)))

    async with open_database(database_url) as db, db.session(readonly=True) as session:
        versions = (await session.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
        stored = await db.todos.list()
    assert versions == [HEAD_REVISION]
    assert sorted(todo.id for todo in stored) == sorted(ids)


async def test_readonly_session_ignores_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPER_DATABASE_BUSY_TIMEOUT", "0.2")
    path = tmp_path / "piper.db"
    async with open_database(f"sqlite:///{path}") as db:
        await db.todos.add("visible")

    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        async with open_database(f"sqlite:///{path}") as db:
            listed = await db.todos.list()
            with pytest.raises(StorageError) as raised:
                await db.todos.add("blocked by the writer")
    finally:
        writer.execute("ROLLBACK")
        writer.close()

    assert [todo.text for todo in listed] == ["visible"]
    assert str(path) in raised.value.message
    assert "locked" in raised.value.message
    assert raised.value.details["problem"] == "locked"


async def test_status_of_missing_file_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "piper.db"

    status = await database_status(f"sqlite:///{path}")

    assert not status.exists
    assert status.revision is None
    assert status.head_revision == HEAD_REVISION
    assert not path.exists()


async def test_status_after_first_use(database_url: str) -> None:
    async with open_database(database_url):
        pass

    status = await database_status(database_url)

    assert status.exists
    assert status.revision == HEAD_REVISION
    assert status.up_to_date


async def test_upgrade_empty_then_current(database_url: str) -> None:
    first = await upgrade_database(database_url)
    second = await upgrade_database(database_url)

    assert first == (None, HEAD_REVISION)
    assert second == (HEAD_REVISION, HEAD_REVISION)


async def test_older_postgres_schema_needs_upgrade(monkeypatch: pytest.MonkeyPatch) -> None:
    # Only one revision exists so far; pretend an earlier one did, to reach the older-schema branch.
    from piper.storage import migrate

    async with temporary_postgres_database() as url:
        async with open_database(url) as db, db.session() as session:
            await session.execute(text("UPDATE alembic_version SET version_num = '0000'"))
        monkeypatch.setattr(migrate, "REVISIONS", ("0000", HEAD_REVISION))

        with pytest.raises(StorageError) as raised:
            async with open_database(url):
                pass

    assert "revision 0000" in raised.value.message
    assert "piper db upgrade" in (raised.value.hint or "")


async def test_session_commits_on_success(database_url: str) -> None:
    async with open_database(database_url) as db:
        async with db.session() as session:
            await session.execute(text("INSERT INTO projects (name, name_key, created_at, updated_at) "
                                       "VALUES ('Atlas', 'atlas', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))

    async with open_database(database_url) as db:
        assert await db.projects.find("Atlas") is not None

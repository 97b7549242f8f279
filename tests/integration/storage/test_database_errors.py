"""Tests for damaged, locked, unreachable and too new databases: clear errors, nothing replaced."""

from __future__ import annotations

import hashlib
import socket
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from piper.errors import ConfigError, CredentialsError, StorageError
from piper.storage import database_status, open_database, upgrade_database
from tests.postgres import postgres_server_url, temporary_postgres_database


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def open_and_list(url: str) -> None:
    async with open_database(url) as db:
        await db.todos.list()


async def make_database(path: Path, todos: int) -> None:
    async with open_database(f"sqlite:///{path}") as db:
        await db.todos.add_many(f"todo number {number} " + "x" * 200 for number in range(todos))


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"this is a text file, not a database\n" * 50, "no SQLite header"),
        (b"SQLite format 3\x00" + b"\x00" * 30, "only 46 bytes long"),
    ],
)
async def test_not_a_database_file(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "piper.db"
    path.write_bytes(content)

    with pytest.raises(StorageError) as raised:
        await open_and_list(f"sqlite:///{path}")

    assert str(path) in raised.value.message
    assert problem in raised.value.message
    assert f"mv {path} {path}.broken" in (raised.value.hint or "")
    assert path.read_bytes() == content


async def test_truncated_database(tmp_path: Path) -> None:
    path = tmp_path / "piper.db"
    await make_database(path, todos=2000)
    with path.open("r+b") as file:
        file.truncate(path.stat().st_size // 2)
    before = digest(path)

    with pytest.raises(StorageError) as raised:
        await open_and_list(f"sqlite:///{path}")

    assert "damaged" in raised.value.message
    assert str(path) in raised.value.message
    assert digest(path) == before


async def test_overwritten_pages(tmp_path: Path) -> None:
    path = tmp_path / "piper.db"
    await make_database(path, todos=500)
    with path.open("r+b") as file:
        file.seek(4096)
        file.write(b"\xff" * 4096 * 8)

    with pytest.raises(StorageError, match="damaged"):
        await open_and_list(f"sqlite:///{path}")


async def test_database_path_is_folder(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="is a folder"):
        await open_and_list(f"sqlite:///{tmp_path}")


async def test_missing_folder_named(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "piper.db"

    with pytest.raises(StorageError) as raised:
        await open_and_list(f"sqlite:///{path}")

    assert str(path) in raised.value.message
    assert "folder exists" in (raised.value.hint or "")


async def test_locked_database_times_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPER_DATABASE_BUSY_TIMEOUT", "0.3")
    path = tmp_path / "piper.db"
    await make_database(path, todos=1)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")

    try:
        async with open_database(f"sqlite:///{path}") as db:
            with pytest.raises(StorageError) as raised:
                await db.todos.add("waits for the lock")
    finally:
        writer.execute("ROLLBACK")
        writer.close()

    assert raised.value.message == f"The database {path} is locked by another process; gave up after waiting 0.3 s."
    assert "PIPER_DATABASE_BUSY_TIMEOUT" in (raised.value.hint or "")


@pytest.mark.parametrize("value", ["soon", "-1", "nan"])
async def test_invalid_busy_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("PIPER_DATABASE_BUSY_TIMEOUT", value)

    with pytest.raises(ConfigError, match="Invalid PIPER_DATABASE_BUSY_TIMEOUT"):
        await open_and_list(f"sqlite:///{tmp_path / 'piper.db'}")


async def test_newer_schema_rejected(database_url: str) -> None:
    async with open_database(database_url) as db, db.session() as session:
        await session.execute(text("UPDATE alembic_version SET version_num = '9999'"))

    with pytest.raises(StorageError) as raised:
        await open_and_list(database_url)
    with pytest.raises(StorageError):
        await upgrade_database(database_url)
    status = await database_status(database_url)

    assert "revision 9999, which is newer than this Piper" in raised.value.message
    assert "pip install --upgrade piper-morgan" in (raised.value.hint or "")
    assert status.revision == "9999"
    assert not status.up_to_date


async def test_tables_without_version_rejected(database_url: str) -> None:
    async with open_database(database_url) as db, db.session() as session:
        await session.execute(text("DROP TABLE alembic_version"))

    with pytest.raises(StorageError, match="no alembic_version table"):
        await open_and_list(database_url)


async def test_foreign_tables_get_piper_schema(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")

    async with open_database(f"sqlite:///{path}") as db:
        todo = await db.todos.add("lives next to notes")

    assert todo.id == 1


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_unreachable_postgres_masks_password() -> None:
    url = f"postgresql+asyncpg://piper:hunter2@127.0.0.1:{unused_port()}/piper"

    with pytest.raises(StorageError) as raised:
        await open_and_list(url)

    assert "Cannot connect to the PostgreSQL server" in raised.value.message
    assert "piper:***@127.0.0.1" in raised.value.message
    assert "hunter2" not in raised.value.message
    assert "hunter2" not in str(raised.value.details)


async def test_unknown_postgres_database() -> None:
    from sqlalchemy.engine import make_url

    url = make_url(postgres_server_url()).set(database="piper_no_such_database")

    with pytest.raises(StorageError) as raised:
        await open_and_list(url.render_as_string(hide_password=False))

    assert "piper_no_such_database" in raised.value.message
    assert "createdb" in (raised.value.hint or "")


async def test_unknown_postgres_role() -> None:
    from sqlalchemy.engine import make_url

    async with temporary_postgres_database() as url:
        stranger = make_url(url).set(username="piper_no_such_role", password="hunter2")

        with pytest.raises(CredentialsError) as raised:
            await open_and_list(stranger.render_as_string(hide_password=False))

    assert raised.value.exit_code == 4
    assert "piper_no_such_role" in raised.value.message
    assert "hunter2" not in raised.value.message

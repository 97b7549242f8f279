"""Tests for upgrading a database at revision 0001, with todos in it, to the workflow tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from piper.storage import open_database, upgrade_database
from piper.storage.engine import create_engine
from piper.storage.migrate import alembic_config
from piper.storage.migrations import HEAD_REVISION
from piper.storage.url import resolve_location
from tests.postgres import temporary_postgres_database

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
async def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'piper.db'}"
        return
    async with temporary_postgres_database() as url:
        yield url


async def create_at_0001_with_todos(url: str) -> None:
    from alembic import command

    def migrate_and_fill(connection) -> None:  # noqa: ANN001 - a sync SQLAlchemy connection
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        moment = dt.datetime(2026, 3, 9, 8, 0, tzinfo=dt.timezone.utc)
        stored = moment.replace(tzinfo=None) if connection.dialect.name == "sqlite" else moment
        connection.execute(
            text(
                "INSERT INTO projects (name, name_key, archived, is_default, created_at, updated_at) "
                "VALUES ('Atlas', 'atlas', false, true, :moment, :moment)"
            ),
            {"moment": stored},
        )
        for number in range(3):
            connection.execute(
                text(
                    "INSERT INTO todos (text, priority, status, project_id, created_at, updated_at) "
                    "VALUES (:text, 'high', 'open', 1, :moment, :moment)"
                ),
                {"text": f"Todo {number}", "moment": stored},
            )

    engine = create_engine(resolve_location(url))
    try:
        async with engine.begin() as connection:
            await connection.run_sync(migrate_and_fill)
    finally:
        await engine.dispose()


async def test_upgrade_keeps_todos(empty_url: str) -> None:
    await create_at_0001_with_todos(empty_url)

    before, after = await upgrade_database(empty_url)

    assert (before, after) == ("0001", HEAD_REVISION)
    async with open_database(empty_url) as db:
        todos = await db.todos.list()
        assert [todo.text for todo in todos] == ["Todo 0", "Todo 1", "Todo 2"]
        assert {todo.project for todo in todos} == {"Atlas"}
        assert (await db.projects.default()).name == "Atlas"


async def test_upgraded_database_runs_workflows(empty_url: str) -> None:
    from piper.workflows.engine import build_engine
    from piper.workflows.factory import WorkflowFactory

    await create_at_0001_with_todos(empty_url)
    await upgrade_database(empty_url)

    async with open_database(empty_url) as db:
        workflow = await WorkflowFactory(db).create("complete_todo", {"todo": "todo 1"})
        finished = await build_engine(db).run(workflow)

        assert finished.succeeded
        assert (await db.todos.get(2)).status.value == "done"


async def test_sqlite_opens_and_upgrades(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'piper.db'}"
    await create_at_0001_with_todos(url)

    async with open_database(url) as db, db.session(readonly=True) as session:
        revision = (await session.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
        count = (await session.execute(text("SELECT count(*) FROM todos"))).scalar_one()

    assert revision == HEAD_REVISION
    assert count == 3

"""Fixtures that run a test once on SQLite and once on PostgreSQL.

Import them into a ``conftest.py``:
``from tests.storage_fixtures import database, database_url, shared_postgres_url``.

Creating a PostgreSQL database takes over 100 ms, so ``database`` shares one
migrated PostgreSQL database across the test session and empties its tables
before each test. ``database_url`` gives a new, empty database every time,
for tests of creation and migration.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.postgres import create_postgres_database, drop_postgres_database, temporary_postgres_database

if TYPE_CHECKING:
    from piper.storage import Database

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of a new, empty database: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'piper.db'}"
        return
    async with temporary_postgres_database() as url:
        yield url


@pytest.fixture(scope="session")
def shared_postgres_url() -> Iterator[str]:
    """One PostgreSQL database for the whole test session, dropped at its end."""
    url = asyncio.run(create_postgres_database())
    yield url
    asyncio.run(drop_postgres_database(url))


@pytest.fixture(params=BACKENDS)
def reusable_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new SQLite file, or the session's shared PostgreSQL database."""
    # A synchronous fixture, because shared_postgres_url runs its own event loop.
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'piper.db'}"
    return request.getfixturevalue("shared_postgres_url")


@pytest.fixture
async def database(reusable_database_url: str) -> AsyncIterator[Database]:
    """An open, migrated database without rows, on each backend."""
    from piper.storage import open_database

    async with open_database(reusable_database_url) as db:
        if db.location.backend == "postgresql":
            await _empty_tables(db)
        yield db


async def _empty_tables(db: Database) -> None:
    from sqlalchemy import text

    async with db.session() as session:
        tables = (
            await session.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")
            )
        ).scalars().all()
        if tables:
            quoted = ", ".join(f'"{table}"' for table in tables)
            await session.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))

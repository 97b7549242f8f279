"""Fixtures that run a test once on SQLite and once on PostgreSQL.

Import them into a ``conftest.py``: ``from tests.storage_fixtures import database, database_url``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.postgres import temporary_postgres_database

if TYPE_CHECKING:
    from piper.storage import Database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of a new, empty database: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'piper.db'}"
        return
    async with temporary_postgres_database() as url:
        yield url


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """An open, migrated database on each backend."""
    from piper.storage import open_database

    async with open_database(database_url) as db:
        yield db

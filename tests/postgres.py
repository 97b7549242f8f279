"""PostgreSQL for tests: temporary databases on the server named by ``PIPER_TEST_POSTGRES_URL``.

Set the variable to a URL such as
``postgresql+asyncpg://postgres@127.0.0.1:5432/test``; tests that need
PostgreSQL skip when it is unset. Each temporary database gets a random
name and is dropped afterwards.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator

import pytest

POSTGRES_URL_VARIABLE = "PIPER_TEST_POSTGRES_URL"


def postgres_server_url() -> str:
    """Return ``PIPER_TEST_POSTGRES_URL``, or skip the test when it is unset."""
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        pytest.skip(f"{POSTGRES_URL_VARIABLE} is not set; set it to a PostgreSQL URL to run this test")
    return url


def _admin_dsn() -> str:
    from sqlalchemy.engine import make_url

    return make_url(postgres_server_url()).set(drivername="postgresql").render_as_string(hide_password=False)


async def create_postgres_database() -> str:
    """Create an empty database with a random name and return its asyncpg URL."""
    import asyncpg
    from sqlalchemy.engine import make_url

    name = f"piper_test_{uuid.uuid4().hex[:16]}"
    admin = await asyncpg.connect(_admin_dsn())
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    server = make_url(postgres_server_url())
    return server.set(drivername="postgresql+asyncpg", database=name).render_as_string(hide_password=False)


async def drop_postgres_database(url: str) -> None:
    """Drop a database made by :func:`create_postgres_database`, ending sessions still connected."""
    import asyncpg
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    admin = await asyncpg.connect(_admin_dsn())
    try:
        # FORCE (PostgreSQL 13 and later) ends the sessions a failed test left open.
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@contextlib.asynccontextmanager
async def temporary_postgres_database() -> AsyncIterator[str]:
    """Create an empty database, yield its asyncpg URL, then drop it."""
    url = await create_postgres_database()
    try:
        yield url
    finally:
        await drop_postgres_database(url)

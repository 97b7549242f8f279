"""PostgreSQL for tests: a fresh database per test, dropped afterwards.

The server comes from ``PIPER_TEST_POSTGRES_URL`` (for example
``postgresql+asyncpg://postgres@127.0.0.1:5432/test``); tests that need it
skip when the variable is unset.
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


@contextlib.asynccontextmanager
async def temporary_postgres_database() -> AsyncIterator[str]:
    """Create an empty database on the test server, yield its asyncpg URL, then drop it."""
    import asyncpg
    from sqlalchemy.engine import make_url

    server = make_url(postgres_server_url())
    name = f"piper_test_{uuid.uuid4().hex[:16]}"
    admin_dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)

    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield server.set(drivername="postgresql+asyncpg", database=name).render_as_string(hide_password=False)
    finally:
        admin = await asyncpg.connect(admin_dsn)
        try:
            # FORCE (PostgreSQL 13+) ends sessions a failed test left open.
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()

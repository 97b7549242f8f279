"""Creating the SQLAlchemy engine, with the SQLite settings Piper relies on.

SQLAlchemy is imported inside the functions that build the engine, so
:mod:`piper.storage.fast_sqlite` can use :func:`busy_timeout` and
:func:`set_sqlite_pragmas` without importing it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from piper.errors import ConfigError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from piper.storage.url import DatabaseLocation

BUSY_TIMEOUT_VARIABLE = "PIPER_DATABASE_BUSY_TIMEOUT"
DEFAULT_BUSY_TIMEOUT = 5.0
"""Seconds a SQLite write waits for another process's write to finish before failing."""

POSTGRES_CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a PostgreSQL server to accept a connection."""

BEGIN_OPTION = "piper_sqlite_begin"
"""Execution option naming the SQLite ``BEGIN`` form for a connection's next transaction."""


def busy_timeout() -> float:
    """Return the SQLite busy timeout in seconds from ``PIPER_DATABASE_BUSY_TIMEOUT``, else the default.

    Raises:
        ConfigError: when the variable is not a number of seconds >= 0.
    """
    raw = os.environ.get(BUSY_TIMEOUT_VARIABLE)
    if not raw:
        return DEFAULT_BUSY_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:
        raise ConfigError(
            f"Invalid {BUSY_TIMEOUT_VARIABLE}={raw!r}.",
            hint="Give the number of seconds to wait for a locked database, for example 5 or 0.5.",
        )
    return seconds


def create_engine(location: DatabaseLocation) -> AsyncEngine:
    """Create the engine for ``location``; no connection is opened yet."""
    from sqlalchemy.ext.asyncio import create_async_engine

    if location.backend == "postgresql":
        return create_async_engine(
            location.url,
            connect_args={"timeout": POSTGRES_CONNECT_TIMEOUT},
            pool_pre_ping=False,
        )

    engine = create_async_engine(location.url, connect_args={"timeout": busy_timeout()})
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: AsyncEngine) -> None:
    """Set the pragmas on every new connection and let SQLAlchemy, not sqlite3, issue BEGIN.

    In its legacy transaction control, the default up to Python 3.15,
    Python's sqlite3 module begins a transaction only before INSERT, UPDATE,
    DELETE and REPLACE, so SELECTs and DDL would run outside it.
    Turning that off and emitting ``BEGIN`` from the ``begin`` event keeps
    every statement of a session, migrations included, in one transaction.
    This follows the SQLAlchemy SQLite dialect documentation, section
    "Enabling Non-Legacy SQLite Transactional Modes".
    """
    from sqlalchemy import event

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None
        set_sqlite_pragmas(dbapi_connection)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def _switch_to_wal(cursor: Any) -> None:
    """Put the file in WAL mode unless it is already, waiting out a Piper that is switching it meanwhile.

    Changing the journal mode needs an exclusive lock, and SQLite may report
    "database is locked" at once, without its busy handler, while another
    connection holds the file during its first migration. So the change is
    retried until the busy timeout, and it is done when the mode reads "wal".
    """
    import time

    deadline = time.monotonic() + busy_timeout()
    while True:
        cursor.execute("PRAGMA journal_mode")
        if cursor.fetchone()[0].lower() == "wal":
            return
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except Exception as error:  # sqlite3 or the aiosqlite adapter's error class
            if "locked" not in str(error).lower() or time.monotonic() >= deadline:
                raise
        time.sleep(0.05)


def set_sqlite_pragmas(dbapi_connection: Any) -> None:
    """Turn on foreign keys, WAL and ``synchronous = NORMAL`` on a new SQLite DBAPI connection.

    Takes a ``sqlite3.Connection`` or SQLAlchemy's aiosqlite adapter of one.
    """
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        # The journal mode is stored in the file, so this writes only once per database.
        _switch_to_wal(cursor)
        # With WAL, NORMAL keeps the file consistent, but a power cut may roll back the
        # last commits (SQLite documentation of PRAGMA synchronous).
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()

"""The two database jobs of ``piper standup`` done with the standard library's sqlite3.

Why this exists: ``piper standup`` uses the database only to read todos for
the todos source and to insert the finished report into ``standup_runs``.
Importing :mod:`piper.storage.database`, and with it SQLAlchemy, took about
0.22 s on its own, against about 3 ms for sqlite3 (``python -X importtime``,
Python 3.11.7, 2 cores). In a standup the import also competes with the
git source for the GIL. Skipping it cut ``piper standup --scan`` over the
36 repositories of ``benchmarks/bench_standup.py`` from about 0.87 s to
0.55 s (best of 15 runs on the same machine, a measurement, not a bound).

The fast path runs only when all of these hold:

- the database is the default SQLite file, or ``PIPER_DATABASE_URL`` (or
  the ``url`` argument) is a ``sqlite+aiosqlite:///`` or ``sqlite:///`` URL
  to a file without a query string;
- the file exists;
- its ``alembic_version`` table stores exactly
  :data:`~piper.storage.migrations.HEAD_REVISION`.

Otherwise the functions here return None and the caller runs the SQLAlchemy
code, which creates new databases, upgrades old SQLite ones and reports
newer and damaged ones. Any sqlite3 error on the fast path also returns None, except a
lock that outlasts the busy timeout: that raises the same
:class:`~piper.errors.StorageError` as the SQLAlchemy code.

What stays shared with the SQLAlchemy code: the URL rules and busy timeout
(:mod:`piper.storage.url`, :mod:`piper.storage.engine`), the connection
pragmas (:func:`~piper.storage.engine.set_sqlite_pragmas`), the
``standup_runs`` column values
(:func:`~piper.storage.standup_run_values.standup_run_values`), and the
todos' selection and order (:func:`piper.domain.todo.select_window_todos`).
What is written twice is the storage format of each column type, which
must match what SQLAlchemy 2.x writes for the types in
:mod:`piper.storage.models` on SQLite: ``UTCDateTime`` as UTC text
``YYYY-MM-DD HH:MM:SS.ffffff``, ``Date`` as ``YYYY-MM-DD``, and JSON as
``json.dumps`` output with default arguments. ``tests/unit/storage/test_fast_sqlite.py`` writes
with each path and reads with the other.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

from piper.domain.todo import Priority, Todo, TodoStatus
from piper.errors import StorageError
from piper.storage.engine import busy_timeout, set_sqlite_pragmas
from piper.storage.migrations import HEAD_REVISION
from piper.storage.standup_run_values import standup_run_values
from piper.storage.url import configured_url, default_database_path

logger = logging.getLogger(__name__)

Result = TypeVar("Result")

SQLITE_FILE_URL_PREFIXES = ("sqlite+aiosqlite:///", "sqlite:///")
"""URL prefixes that the fast path accepts. ``resolve_location`` gives both the aiosqlite driver."""

_VERSION_TABLE = "alembic_version"

_DATETIME_TEXT_LENGTH = len("2026-03-09 08:12:03.000000")

_TODOS_QUERY = """
SELECT todos.id, todos.text, todos.priority, todos.status, todos.due, projects.name,
       todos.blocked_reason, todos.created_at, todos.updated_at, todos.completed_at
FROM todos LEFT JOIN projects ON projects.id = todos.project_id
WHERE (todos.status = :done AND todos.completed_at >= :since AND todos.completed_at < :until)
   OR (todos.status IN (:open, :blocked) AND todos.created_at < :until)
"""
# The WHERE clause only narrows the fetch. select_window_todos applies the exact rules to the result.


def database_file(url: str | None = None) -> Path | None:
    """Return the SQLite file that the fast path would open, or None when the URL or a missing file rules it out.

    ``url`` is read as :func:`piper.storage.url.resolve_location` reads it,
    and the returned path is the one that function resolves.
    """
    configured = configured_url(url)
    path = default_database_path() if configured is None else _sqlite_file_in_url(configured)
    if path is None or not path.is_file():
        return None
    return path


async def read_todos(url: str | None = None, *, since: dt.datetime, until: dt.datetime) -> list[Todo] | None:
    """Read the todos that a standup for ``[since, until)`` may list, or return None to fall back.

    Returns every done todo completed in the window and every open or
    blocked todo created before ``until``, in no particular order.

    Raises:
        StorageError: when the database stays locked for longer than the
            busy timeout.
        ConfigError: for an invalid ``PIPER_DATABASE_BUSY_TIMEOUT``.
    """
    path = database_file(url)
    if path is None:
        return None
    parameters = {
        "since": _encode_datetime(since),
        "until": _encode_datetime(until),
        "done": TodoStatus.DONE.value,
        "open": TodoStatus.OPEN.value,
        "blocked": TodoStatus.BLOCKED.value,
    }
    return await asyncio.to_thread(_run, path, url, _read_todos, parameters)


async def save_standup_run(
    report: dict[str, Any], *, date: dt.date, generated_at: dt.datetime, url: str | None = None
) -> int | None:
    """Insert a standup report into ``standup_runs`` and return its run id, or return None to fall back.

    Stores exactly what :meth:`StandupRunRepository.save` stores for the same
    arguments, so ``piper standup --history`` and ``--show`` read it back
    the same way.

    Raises:
        ValueError: when the report lacks ``window.since`` or
            ``window.until``, or a datetime has no offset.
        StorageError: when another process holds the write lock for longer
            than the busy timeout.
        ConfigError: for an invalid ``PIPER_DATABASE_BUSY_TIMEOUT``.
    """
    values = standup_run_values(report, date=date, generated_at=generated_at)
    path = database_file(url)
    if path is None:
        return None
    encoded = {column: _STANDUP_RUN_ENCODERS[column](value) for column, value in values.items()}
    return await asyncio.to_thread(_run, path, url, _insert_standup_run, encoded)


def _sqlite_file_in_url(url: str) -> Path | None:
    """Return the file a plain SQLite URL names, or None for any other URL."""
    prefix = next((prefix for prefix in SQLITE_FILE_URL_PREFIXES if url.startswith(prefix)), None)
    if prefix is None:
        return None

    # A query string (?mode=ro, ?uri=true) changes how the file is opened, so it is left to SQLAlchemy.
    encoded_path = url[len(prefix):]
    if "?" in encoded_path:
        return None

    # SQLAlchemy's make_url percent-decodes the path, and resolve_location then expands ~
    # and makes it absolute. An empty path or :memory: is a ConfigError there.
    database = unquote(encoded_path)
    if not database or database == ":memory:":
        return None
    return Path(database).expanduser().absolute()


def _run(path: Path, url: str | None, job: Callable[[sqlite3.Connection, Any], Result], argument: Any) -> Result | None:
    """Run ``job`` on a new connection to ``path``.

    Returns None on any sqlite3 error except a lock timeout, which raises
    the SQLAlchemy path's StorageError.
    """
    try:
        with contextlib.closing(_connect(path)) as connection:
            return job(connection, argument)
    except sqlite3.Error as error:
        if _is_lock_timeout(error):
            raise _locked_error(error, url) from error
        logger.debug("sqlite3 fast path failed on %s, falling back to SQLAlchemy: %s", path, error)
        return None


def _connect(path: Path) -> sqlite3.Connection:
    # mode=rw opens an existing file only, so a file deleted since database_file()
    # checked it is not created here without its schema.
    connection = sqlite3.connect(
        f"{path.as_uri()}?mode=rw", uri=True, timeout=busy_timeout(), isolation_level=None
    )
    try:
        set_sqlite_pragmas(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def _is_current(connection: sqlite3.Connection) -> bool:
    """Return True when the database stores exactly the head revision.

    A missing version table raises sqlite3.Error.
    """
    revisions = connection.execute(f"SELECT version_num FROM {_VERSION_TABLE}").fetchall()
    return revisions == [(HEAD_REVISION,)]


def _read_todos(connection: sqlite3.Connection, parameters: dict[str, str]) -> list[Todo] | None:
    # A deferred BEGIN, like the SQLAlchemy path's read-only session. In WAL mode
    # it reads a consistent snapshot without waiting for a writer.
    connection.execute("BEGIN")
    if not _is_current(connection):
        return None
    rows = connection.execute(_TODOS_QUERY, parameters).fetchall()
    connection.execute("COMMIT")

    try:
        return [_decode_todo(row) for row in rows]
    except (ValueError, TypeError) as error:
        logger.debug("sqlite3 fast path found a value it cannot read, falling back to SQLAlchemy: %s", error)
        return None


def _insert_standup_run(connection: sqlite3.Connection, encoded: dict[str, Any]) -> int | None:
    # BEGIN IMMEDIATE takes the write lock first, as the SQLAlchemy session does,
    # so a second writer waits for the busy timeout instead of failing half way.
    connection.execute("BEGIN IMMEDIATE")
    if not _is_current(connection):
        connection.execute("ROLLBACK")
        return None

    columns = ", ".join(encoded)
    placeholders = ", ".join(f":{column}" for column in encoded)
    cursor = connection.execute(f"INSERT INTO standup_runs ({columns}) VALUES ({placeholders})", encoded)
    run_id = cursor.lastrowid
    connection.execute("COMMIT")
    return run_id


def _decode_todo(row: tuple[Any, ...]) -> Todo:
    """Build a :class:`Todo` from a row of ``_TODOS_QUERY``.

    Raises ValueError or TypeError for a value in a format that SQLAlchemy
    does not write.
    """
    todo_id, text, priority, status, due, project, blocked_reason, created_at, updated_at, completed_at = row
    return Todo(
        id=todo_id,
        text=text,
        priority=Priority(priority),
        status=TodoStatus(status),
        due=dt.date.fromisoformat(due) if due is not None else None,
        project=project,
        blocked_reason=blocked_reason,
        created_at=_decode_datetime(created_at),
        updated_at=_decode_datetime(updated_at),
        completed_at=_decode_datetime(completed_at) if completed_at is not None else None,
    )


def _encode_datetime(value: dt.datetime) -> str:
    """Encode an aware datetime as ``UTCDateTime`` stores it on SQLite: UTC, no offset, microseconds."""
    if value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()} given; Piper stores aware datetimes only")
    in_utc = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return in_utc.isoformat(sep=" ", timespec="microseconds")


def _decode_datetime(text: str) -> dt.datetime:
    # Accept only the exact format _encode_datetime writes; anything else goes to SQLAlchemy.
    if not isinstance(text, str) or len(text) != _DATETIME_TEXT_LENGTH or text[10] != " ":
        raise ValueError(f"unexpected datetime text {text!r}")
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is not None:
        raise ValueError(f"unexpected offset in datetime text {text!r}")
    return value.replace(tzinfo=dt.timezone.utc)


def _encode_date(value: dt.date) -> str:
    """Encode a date as SQLAlchemy's SQLite ``DATE`` stores it: ``YYYY-MM-DD``."""
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _encode_json(value: Any) -> str:
    """Encode a value as SQLAlchemy's ``JSON`` type on SQLite does without a custom serializer."""
    return json.dumps(value)


_STANDUP_RUN_ENCODERS: dict[str, Callable[[Any], Any]] = {
    "date": _encode_date,
    "window_since": _encode_datetime,
    "window_until": _encode_datetime,
    "authors": _encode_json,
    "yesterday_count": int,
    "today_count": int,
    "blockers_count": int,
    "report": _encode_json,
    "generated_at": _encode_datetime,
}
"""Column of ``standup_runs`` to the function that encodes its value, following the types in models.py."""


def _is_lock_timeout(error: sqlite3.Error) -> bool:
    name = getattr(error, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


def _locked_error(error: sqlite3.Error, url: str | None) -> StorageError:
    """Build the SQLAlchemy path's error for a lock timeout.

    This imports SQLAlchemy, which costs time only on this rare path.
    """
    from piper.storage.errors import translate
    from piper.storage.url import resolve_location

    translated = translate(error, resolve_location(url))
    assert isinstance(translated, StorageError)
    return translated

"""Turning driver errors into :class:`~piper.errors.StorageError` messages that name the database."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError

from piper.errors import CredentialsError, PiperError, StorageError

if TYPE_CHECKING:
    from piper.storage.url import DatabaseLocation

# SQLSTATE classes and codes, from the PostgreSQL manual, appendix "PostgreSQL Error Codes".
_INVALID_AUTHORIZATION = "28"
_INVALID_CATALOG_NAME = "3D000"
_CONNECTION_EXCEPTION = "08"


def corrupt_database_error(location: DatabaseLocation, problem: str) -> StorageError:
    """Build the error for a SQLite file that is damaged or not a database at all."""
    path = location.path
    return StorageError(
        f"The database file {path} is damaged or is not a SQLite database ({problem}).",
        hint=(
            f"Piper leaves the file untouched. Restore it from a backup, or move it aside "
            f"(mv {path} {path}.broken) and run piper again to start an empty database; "
            f"'sqlite3 {path} .recover' may save some of its data."
        ),
        details={"database": str(path), "problem": "corrupt"},
    )


def translate(error: BaseException, location: DatabaseLocation) -> PiperError | None:
    """Return the error to show for a database failure, or None when ``error`` is not one."""
    if isinstance(error, DBAPIError):
        original = error.orig
        if isinstance(original, sqlite3.Error):
            return _translate_sqlite(original, location)
        sqlstate = getattr(original, "sqlstate", None)
        if sqlstate:
            return _translate_postgres(original, sqlstate, location)
        return StorageError(f"Database error on {location.name}: {original}", details={"database": location.name})

    if isinstance(error, sqlite3.Error):
        return _translate_sqlite(error, location)

    if isinstance(error, OSError) and location.backend == "postgresql":
        # asyncpg raises OSError (refused, unknown host, TimeoutError) before any SQLAlchemy wrapping.
        return StorageError(
            f"Cannot connect to the PostgreSQL server for {location.display}: {error or type(error).__name__}.",
            hint="Check that the server is running and that PIPER_DATABASE_URL names the right host and port.",
            details={"database": location.display},
        )
    return None


@contextlib.contextmanager
def translating_errors(location: DatabaseLocation) -> Iterator[None]:
    """Re-raise database failures inside the block as :class:`StorageError` naming ``location``."""
    try:
        yield
    except (DBAPIError, sqlite3.Error, OSError) as error:
        translated = translate(error, location)
        if translated is None:
            raise
        raise translated from error


def _translate_sqlite(error: sqlite3.Error, location: DatabaseLocation) -> StorageError:
    from piper.storage.engine import BUSY_TIMEOUT_VARIABLE, busy_timeout

    name = getattr(error, "sqlite_errorname", "") or ""
    path = location.path
    details = {"database": str(path), "sqlite_error": name or None}

    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return StorageError(
            f"The database {path} is locked by another process; gave up after waiting {busy_timeout():g} s.",
            hint=f"Wait for the other piper command to finish and try again. "
            f"{BUSY_TIMEOUT_VARIABLE} sets how many seconds to wait.",
            details={**details, "problem": "locked"},
        )
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return corrupt_database_error(location, str(error))
    if name.startswith("SQLITE_CANTOPEN"):
        return StorageError(
            f"Cannot open the database file {path}: {error}.",
            hint="Check that its folder exists and that you may read and write it.",
            details=details,
        )
    if name.startswith("SQLITE_READONLY"):
        return StorageError(
            f"The database file {path} is read-only: {error}.",
            hint="Check the permissions of the file, its -wal and -shm files and its folder.",
            details=details,
        )
    if name == "SQLITE_FULL":
        return StorageError(f"The disk holding {path} is full.", hint="Free some space and try again.", details=details)
    return StorageError(f"Database error on {path}: {error}", details=details)


def _translate_postgres(error: BaseException, sqlstate: str, location: DatabaseLocation) -> PiperError:
    # The adapted error's text is the server's message without SQLAlchemy's prefix.
    message = str(error.__cause__ or error)
    details = {"database": location.display, "sqlstate": sqlstate}

    if sqlstate.startswith(_INVALID_AUTHORIZATION):
        return CredentialsError(
            f"PostgreSQL rejected the login for {location.display}: {message}.",
            hint="Check the user name and password in PIPER_DATABASE_URL.",
            details=details,
        )
    if sqlstate == _INVALID_CATALOG_NAME:
        return StorageError(
            f"PostgreSQL has no such database: {message} ({location.display}).",
            hint="Create it (createdb NAME) or fix the database name in PIPER_DATABASE_URL.",
            details=details,
        )
    if sqlstate.startswith(_CONNECTION_EXCEPTION):
        return StorageError(
            f"Lost the connection to PostgreSQL at {location.display}: {message}.",
            hint="Check that the server is running and try again.",
            details=details,
        )
    return StorageError(f"Database error on {location.display}: {message}", details=details)

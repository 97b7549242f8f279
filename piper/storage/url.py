"""The database location: ``PIPER_DATABASE_URL``, else a SQLite file in the data folder.

SQLAlchemy is imported inside :func:`resolve_location`, so
:mod:`piper.storage.fast_sqlite` can use the constants and
:func:`default_database_path` without importing it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from piper import paths
from piper.errors import ConfigError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

DATABASE_URL_VARIABLE = "PIPER_DATABASE_URL"

Backend = Literal["sqlite", "postgresql"]

# Drivers a user may leave out: Piper talks to both databases through asyncio drivers.
_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}

# Greedy up to the last "@" before the path, because a password may itself contain "@".
_PASSWORD_IN_URL = re.compile(r"(?P<prefix>://[^:/@]*:)[^/]*@")


@dataclass(frozen=True, slots=True)
class DatabaseLocation:
    """A resolved database URL and how to show it to people."""

    url: URL
    """The URL with the asyncio driver filled in, password included: never print it."""

    backend: Backend
    path: Path | None
    """The SQLite file, or None for PostgreSQL."""

    is_default: bool
    """True when no URL was configured and the SQLite file in the data folder is used."""

    @property
    def display(self) -> str:
        """The URL with any password replaced by ``***``, safe for messages and logs."""
        return self.url.render_as_string(hide_password=True)

    @property
    def name(self) -> str:
        """Name for error messages: the SQLite file path, else the masked URL."""
        return str(self.path) if self.path is not None else self.display


def mask_password(url: str) -> str:
    """Replace the password in ``url`` with ``***``, also in strings that do not parse as a URL."""
    return _PASSWORD_IN_URL.sub(r"\g<prefix>***@", url)


def default_database_path() -> Path:
    """Return the SQLite file in the data folder (not created)."""
    return paths.data_dir() / paths.DATABASE_FILE


def configured_url(url: str | None = None) -> str | None:
    """Return ``url``, else a non-empty ``PIPER_DATABASE_URL``, else None for the default SQLite file."""
    return url if url is not None else os.environ.get(DATABASE_URL_VARIABLE) or None


def resolve_location(url: str | None = None) -> DatabaseLocation:
    """Resolve ``url``, else ``PIPER_DATABASE_URL``, else the default SQLite file.

    ``sqlite:///`` and ``postgresql://`` URLs get their asyncio driver
    (aiosqlite, asyncpg) filled in.

    Raises:
        ConfigError: for a URL that does not parse, names another database,
            or is an in-memory SQLite database.
    """
    from sqlalchemy.engine import URL, make_url
    from sqlalchemy.exc import ArgumentError

    configured = configured_url(url)
    if configured is None:
        path = default_database_path()
        return DatabaseLocation(
            url=URL.create("sqlite+aiosqlite", database=str(path)), backend="sqlite", path=path, is_default=True
        )

    try:
        parsed = make_url(configured)
    except ArgumentError:
        raise ConfigError(
            f"Invalid database URL {mask_password(configured)!r}.",
            hint="Use sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER:PASSWORD@HOST:PORT/DATABASE.",
        ) from None

    driver = _ASYNC_DRIVERS.get(parsed.drivername)
    if driver is None:
        raise ConfigError(
            f"Unsupported database {parsed.drivername!r} in {parsed.render_as_string(hide_password=True)}.",
            hint="Piper supports SQLite (sqlite+aiosqlite:///PATH) and PostgreSQL (postgresql+asyncpg://...).",
        )
    parsed = parsed.set(drivername=driver)

    if driver.startswith("postgresql"):
        return DatabaseLocation(url=parsed, backend="postgresql", path=None, is_default=False)

    if not parsed.database or parsed.database == ":memory:" or parsed.query.get("mode") == "memory":
        raise ConfigError(
            f"In-memory SQLite database {parsed.render_as_string(hide_password=True)!r} would lose every change.",
            hint="Give a file path: sqlite+aiosqlite:///PATH/piper.db",
        )
    path = Path(parsed.database).expanduser().absolute()
    return DatabaseLocation(url=parsed.set(database=str(path)), backend="sqlite", path=path, is_default=False)

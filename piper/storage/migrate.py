"""Reading a database's schema revision and upgrading it with Alembic.

Reading the revision needs only SQLAlchemy; :func:`upgrade` imports Alembic
when it has work to do.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text

from piper.errors import StorageError
from piper.storage.engine import BEGIN_OPTION
from piper.storage.migrations import HEAD_REVISION, REVISIONS

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.ext.asyncio import AsyncEngine

    from piper.storage.url import DatabaseLocation

logger = logging.getLogger(__name__)

MIGRATIONS_FOLDER = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"

PIPER_TABLES = frozenset({"projects", "todos", "standup_runs"})
"""Tables of the first revision: finding them without a version table means the schema is unknown."""

# Key of the PostgreSQL advisory lock held while migrating, so that two
# processes starting together do not both create the tables. Any constant
# works as long as nothing else on the server uses it; this is "piper" in ASCII.
_MIGRATION_LOCK_KEY = 0x7069706572


@dataclass(frozen=True, slots=True)
class SchemaState:
    """Revision and tables of a database, as found before any migration."""

    revision: str | None
    """The stored Alembic revision, or None when the database has no version table."""

    tables: frozenset[str]
    """Every table name, SQLite's internal ``sqlite_sequence`` left out."""

    @property
    def is_empty(self) -> bool:
        return not self.tables

    @property
    def is_current(self) -> bool:
        return self.revision == HEAD_REVISION

    @property
    def is_newer(self) -> bool:
        """True when the revision comes from a later Piper than this one."""
        return self.revision is not None and self.revision not in REVISIONS


def read_schema_state(connection: Connection) -> SchemaState:
    """Read the revision and the table names through a synchronous connection."""
    inspector = inspect(connection)
    tables = frozenset(name for name in inspector.get_table_names() if name != "sqlite_sequence")
    if VERSION_TABLE not in tables:
        return SchemaState(revision=None, tables=tables)

    revisions = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(revisions) > 1:
        raise StorageError(f"The database has several schema revisions ({', '.join(revisions)}); Piper expects one.")
    return SchemaState(revision=revisions[0] if revisions else None, tables=tables)


def check_usable(state: SchemaState, location: DatabaseLocation) -> None:
    """Raise :class:`StorageError` for a schema that Piper must not migrate or use."""
    from piper import __version__

    if state.is_newer:
        raise StorageError(
            f"The database {location.name} has schema revision {state.revision}, which is newer than this "
            f"Piper ({__version__}, latest revision {HEAD_REVISION}) knows.",
            hint="Upgrade Piper (pip install --upgrade piper-morgan), or point PIPER_DATABASE_URL at another database.",
            details={"database": location.name, "revision": state.revision, "head_revision": HEAD_REVISION},
        )
    if state.revision is None and state.tables & PIPER_TABLES:
        raise StorageError(
            f"The database {location.name} has Piper tables ({', '.join(sorted(state.tables & PIPER_TABLES))}) "
            f"but no {VERSION_TABLE} table, so its schema revision is unknown.",
            hint="Restore it from a backup, or point PIPER_DATABASE_URL at another database.",
            details={"database": location.name},
        )


async def upgrade(engine: AsyncEngine, location: DatabaseLocation) -> tuple[str | None, str]:
    """Apply every pending migration in one transaction; return the revisions before and after.

    Raises:
        StorageError: for a database that :func:`check_usable` rejects, or a
            failed migration (nothing of it is kept).
    """
    async with engine.connect() as connection:
        if location.backend == "sqlite":
            # Take the write lock at BEGIN, so a second Piper waits here instead of failing half way.
            await connection.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
        return await connection.run_sync(_upgrade, location)


def _upgrade(connection: Connection, location: DatabaseLocation) -> tuple[str | None, str]:
    sqlite = location.backend == "sqlite"

    # SQLite rebuilds a table to alter it, which would fire ON DELETE actions while
    # foreign keys are enforced. The pragma is ignored inside a transaction, so it is
    # set first; foreign_key_check below replaces the enforcement. This is the
    # procedure in the SQLite manual, "Making Other Kinds Of Table Schema Changes".
    if sqlite:
        _execute_outside_transaction(connection, "PRAGMA foreign_keys = OFF")
    try:
        with connection.begin():
            if not sqlite:
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})

            # Read again under the lock: another process may have migrated meanwhile.
            state = read_schema_state(connection)
            check_usable(state, location)
            if state.is_current:
                return state.revision, HEAD_REVISION

            logger.info("Upgrading the database %s from %s to %s", location.name, state.revision, HEAD_REVISION)
            _run_alembic_upgrade(connection)

            if sqlite:
                _check_foreign_keys(connection, location)
    finally:
        if sqlite:
            _execute_outside_transaction(connection, "PRAGMA foreign_keys = ON")
    return state.revision, HEAD_REVISION


def _run_alembic_upgrade(connection: Connection) -> None:
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def alembic_config():  # noqa: ANN201 - alembic.config.Config, imported lazily
    """Build the Alembic configuration in code, since Piper ships no ``alembic.ini``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_FOLDER))
    config.set_main_option("path_separator", "os")
    return config


def _check_foreign_keys(connection: Connection, location: DatabaseLocation) -> None:
    violations = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if violations:
        raise StorageError(
            f"Migrating {location.name} would break {len(violations)} foreign keys (first: {tuple(violations[0])}); "
            "nothing was changed.",
            details={"database": location.name},
        )


def _execute_outside_transaction(connection: Connection, statement: str) -> None:
    # Connection.exec_driver_sql would begin a transaction first; the DBAPI cursor does not.
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        cursor.execute(statement)
    finally:
        cursor.close()

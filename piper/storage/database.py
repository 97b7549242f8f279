"""Opening Piper's database: checking the file, migrating a new one, handing out sessions.

Usage::

    async with open_database() as db:
        todo = await db.todos.add("Write the launch plan")   # one transaction per call

        async with db.session() as session:                  # several calls, one transaction
            project, _ = await ProjectRepository(session).get_or_create("Atlas")
            await TodoRepository(session).add("Review the spec", project_id=project.id)
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from piper.errors import StorageError
from piper.storage import migrate
from piper.storage.engine import BEGIN_OPTION, create_engine
from piper.storage.errors import corrupt_database_error, translating_errors
from piper.storage.migrations import HEAD_REVISION
from piper.storage.url import DatabaseLocation, resolve_location

if TYPE_CHECKING:
    from piper.storage.repositories.documents import DocumentRepository
    from piper.storage.repositories.projects import ProjectRepository
    from piper.storage.repositories.standup_runs import StandupRunRepository
    from piper.storage.repositories.todos import TodoRepository

logger = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
SQLITE_HEADER_SIZE = 100


class Database:
    """An open database: sessions and repositories.

    Each repository property (:attr:`todos`, :attr:`projects`,
    :attr:`standups`) runs every method call in its own transaction. To
    make several calls in one transaction, open :meth:`session` and build
    the repositories on that session.
    """

    def __init__(self, engine: AsyncEngine, location: DatabaseLocation) -> None:
        self.engine = engine
        self.location = location
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    @contextlib.asynccontextmanager
    async def session(self, *, readonly: bool = False) -> AsyncIterator[AsyncSession]:
        """Yield a session in a transaction: committed when the block ends, rolled back on any exception.

        On SQLite a session that may write takes the write lock when it
        begins (``BEGIN IMMEDIATE``), so a second writer waits for the busy
        timeout instead of failing half way through its work. A ``readonly``
        session begins with a plain ``BEGIN``, so in WAL mode it reads without
        waiting for a writer; nothing stops it from writing, though. Driver
        errors raised inside the block come out as
        :class:`~piper.errors.StorageError`.
        """
        async with self._sessions() as session:
            with translating_errors(self.location):
                if self.location.backend == "sqlite" and not readonly:
                    await session.connection(execution_options={BEGIN_OPTION: "IMMEDIATE"})
                try:
                    yield session
                except BaseException:
                    await _rollback_quietly(session)
                    raise
                await session.commit()

    @property
    def todos(self) -> TodoRepository:
        from piper.storage.repositories.todos import TodoRepository

        return TodoRepository(self)

    @property
    def projects(self) -> ProjectRepository:
        from piper.storage.repositories.projects import ProjectRepository

        return ProjectRepository(self)

    @property
    def standups(self) -> StandupRunRepository:
        from piper.storage.repositories.standup_runs import StandupRunRepository

        return StandupRunRepository(self)

    @property
    def documents(self) -> DocumentRepository:
        from piper.storage.repositories.documents import DocumentRepository

        return DocumentRepository(self)


async def _rollback_quietly(session: AsyncSession) -> None:
    # A rollback that fails (lost connection) must not hide the exception that caused it.
    try:
        await session.rollback()
    except Exception:
        logger.warning("Rolling back the session failed", exc_info=True)


@contextlib.asynccontextmanager
async def open_database(url: str | None = None) -> AsyncIterator[Database]:
    """Open the database at ``url`` (default: ``PIPER_DATABASE_URL``, else SQLite in the data folder).

    A new database gets the current schema. An older SQLite database is
    upgraded in place; an older PostgreSQL database, which other people's
    Piper may share, needs ``piper db upgrade``. Alembic is imported only
    when there is something to migrate.

    Raises:
        StorageError: when the database cannot be reached or read, is
            locked for longer than the busy timeout, is damaged, or has a
            schema that this Piper cannot use.
        ConfigError: for an invalid ``PIPER_DATABASE_URL``.
    """
    location = resolve_location(url)
    if location.backend == "sqlite":
        prepare_sqlite_file(location)

    engine = create_engine(location)
    try:
        with translating_errors(location):
            await _ensure_schema(engine, location)
        yield Database(engine, location)
    finally:
        await engine.dispose()


async def _ensure_schema(engine: AsyncEngine, location: DatabaseLocation) -> None:
    async with engine.connect() as connection:
        state = await connection.run_sync(migrate.read_schema_state)
        await connection.rollback()
    if state.is_current:
        return

    migrate.check_usable(state, location)
    if state.revision is not None and location.backend == "postgresql":
        raise StorageError(
            f"The database {location.display} has schema revision {state.revision}; this Piper needs {HEAD_REVISION}.",
            hint="Run 'piper db upgrade' once every Piper that shares this database has been upgraded.",
            details={"database": location.display, "revision": state.revision, "head_revision": HEAD_REVISION},
        )
    await migrate.upgrade(engine, location)


def prepare_sqlite_file(location: DatabaseLocation, *, create_folder: bool = True) -> None:
    """Create the default data folder when missing and reject a file that is not a SQLite database.

    A file shorter than the 100-byte SQLite header or with another header is
    reported, never replaced. An empty file is what SQLite itself creates, so
    it counts as a new database.
    """
    path = location.path
    assert path is not None

    if location.is_default and create_folder:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StorageError(
                f"Cannot create the data folder {path.parent}: {error.strerror}.",
                hint="Check its permissions, or set PIPER_DATA_DIR to a folder you may write.",
            ) from error

    if path.is_dir():
        raise StorageError(
            f"The database path {path} is a folder, not a file.",
            hint="Point PIPER_DATABASE_URL at a file, for example sqlite+aiosqlite:///PATH/piper.db.",
        )
    try:
        with path.open("rb") as file:
            header = file.read(SQLITE_HEADER_SIZE)
    except FileNotFoundError:
        return
    except OSError as error:
        raise StorageError(f"Cannot read the database file {path}: {error.strerror}.") from error

    if not header:
        return
    if len(header) < SQLITE_HEADER_SIZE:
        raise corrupt_database_error(location, f"only {len(header)} bytes long")
    if not header.startswith(SQLITE_MAGIC):
        raise corrupt_database_error(location, "no SQLite header")


@dataclass(frozen=True, slots=True)
class DatabaseStatus:
    """Report of ``piper db status``."""

    url: str
    """The database URL with any password masked."""

    backend: str
    path: str | None
    exists: bool
    """False for a SQLite file not created yet."""

    revision: str | None
    head_revision: str

    @property
    def up_to_date(self) -> bool:
        return self.revision == self.head_revision


async def database_status(url: str | None = None) -> DatabaseStatus:
    """Read the schema revision without creating or migrating the database.

    Connecting still switches a SQLite file that is not in WAL mode to WAL,
    as every connection does.
    """
    location = resolve_location(url)
    status = DatabaseStatus(
        url=location.display,
        backend=location.backend,
        path=str(location.path) if location.path else None,
        exists=True,
        revision=None,
        head_revision=HEAD_REVISION,
    )
    if location.path is not None:
        if not location.path.exists():
            return dataclasses.replace(status, exists=False)
        prepare_sqlite_file(location, create_folder=False)

    engine = create_engine(location)
    try:
        with translating_errors(location):
            async with engine.connect() as connection:
                state = await connection.run_sync(migrate.read_schema_state)
                await connection.rollback()
    finally:
        await engine.dispose()
    return dataclasses.replace(status, revision=state.revision)


async def upgrade_database(url: str | None = None) -> tuple[str | None, str]:
    """Apply pending migrations (``piper db upgrade``); return the revisions before and after."""
    location = resolve_location(url)
    if location.backend == "sqlite":
        prepare_sqlite_file(location)

    engine = create_engine(location)
    try:
        with translating_errors(location):
            return await migrate.upgrade(engine, location)
    finally:
        await engine.dispose()

"""Storing projects."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from piper.domain.project import Project, project_key
from piper.errors import NotFoundError, PiperError, UsageError
from piper.storage.models import ProjectRow
from piper.storage.repositories.base import Repository, moment_or_now

MAX_NAME_LENGTH = 200
"""Maximum length of a project name, in characters; the ``name`` column is this wide."""


def check_project_name(name: str) -> str:
    """Return ``name`` without surrounding whitespace.

    Raises:
        UsageError: for an empty name or one longer than :data:`MAX_NAME_LENGTH`.
    """
    cleaned = name.strip()
    if not cleaned:
        raise UsageError("The project name is empty.", hint="Give a name such as --project Atlas.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise UsageError(f"The project name is {len(cleaned)} characters long; the maximum is {MAX_NAME_LENGTH}.")
    return cleaned


def to_project(row: ProjectRow) -> Project:
    return Project(
        id=row.id,
        name=row.name,
        description=row.description,
        archived=row.archived,
        is_default=row.is_default,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class ProjectRepository(Repository):
    """Projects; names are unique regardless of case."""

    async def add(self, name: str, *, description: str | None = None, now: dt.datetime | None = None) -> Project:
        """Create a project.

        Raises:
            UsageError: for an invalid name.
            PiperError: when a project of that name (in any case) exists.
        """
        name = check_project_name(name)
        async with self._session() as session:
            if await self._find_row(session, name) is not None:
                raise PiperError(f"A project named {name!r} already exists.", details={"project": name})
            row = _new_row(name, description, moment_or_now(now))
            session.add(row)
            await session.flush()
            return to_project(row)

    async def find(self, name: str) -> Project | None:
        """Return the project named ``name`` (in any case), or None."""
        async with self._session(readonly=True) as session:
            row = await self._find_row(session, name)
            return to_project(row) if row is not None else None

    async def get(self, project_id: int) -> Project:
        """Return the project with this id.

        Raises:
            NotFoundError: when there is none.
        """
        async with self._session(readonly=True) as session:
            row = await session.get(ProjectRow, project_id)
            if row is None:
                raise NotFoundError(f"No project with id {project_id}.", details={"id": project_id})
            return to_project(row)

    async def get_or_create(self, name: str, *, now: dt.datetime | None = None) -> tuple[Project, bool]:
        """Return the project named ``name`` and whether it was created just now."""
        name = check_project_name(name)
        async with self._session() as session:
            row = await self._find_row(session, name)
            if row is not None:
                return to_project(row), False

            # On PostgreSQL another client may create the same name between the
            # lookup and the insert; the savepoint keeps the transaction usable.
            try:
                async with session.begin_nested():
                    row = _new_row(name, None, moment_or_now(now))
                    session.add(row)
            except IntegrityError:
                row = await self._find_row(session, name)
                if row is None:
                    raise
                return to_project(row), False
            return to_project(row), True

    async def list(self, *, include_archived: bool = False) -> list[Project]:
        """Return the projects sorted by name, archived ones only when asked."""
        statement = select(ProjectRow).order_by(ProjectRow.name_key)
        if not include_archived:
            statement = statement.where(ProjectRow.archived.is_(False))
        async with self._session(readonly=True) as session:
            rows = (await session.scalars(statement)).all()
            return [to_project(row) for row in rows]

    async def archive(self, name: str, *, now: dt.datetime | None = None) -> Project:
        """Mark a project archived; its todos keep it. An archived project stops being the default.

        Raises:
            NotFoundError: when no project has that name.
        """
        async with self._session() as session:
            row = await self._require_row(session, name)
            row.archived = True
            row.is_default = False
            row.updated_at = moment_or_now(now)
            await session.flush()
            return to_project(row)

    async def set_default(self, name: str, *, now: dt.datetime | None = None) -> Project:
        """Make ``name`` the default project, and the previous default an ordinary one.

        Raises:
            NotFoundError: when no project has that name.
            PiperError: when the project is archived.
        """
        moment = moment_or_now(now)
        async with self._session() as session:
            row = await self._require_row(session, name)
            if row.archived:
                raise PiperError(f"Project {row.name!r} is archived and cannot be the default.")

            # Clear the old default first: the partial unique index allows one at a time.
            await session.execute(
                update(ProjectRow)
                .where(ProjectRow.is_default.is_(True), ProjectRow.id != row.id)
                .values(is_default=False, updated_at=moment)
            )
            row.is_default = True
            row.updated_at = moment
            await session.flush()
            return to_project(row)

    async def default(self) -> Project | None:
        """Return the default project, or None when there is none."""
        async with self._session(readonly=True) as session:
            row = await session.scalar(select(ProjectRow).where(ProjectRow.is_default.is_(True)))
            return to_project(row) if row is not None else None

    @staticmethod
    async def _find_row(session: AsyncSession, name: str) -> ProjectRow | None:
        return await session.scalar(select(ProjectRow).where(ProjectRow.name_key == project_key(name)))

    async def _require_row(self, session: AsyncSession, name: str) -> ProjectRow:
        row = await self._find_row(session, name)
        if row is None:
            raise NotFoundError(f"No project named {name!r}.", details={"project": name})
        return row


def _new_row(name: str, description: str | None, now: dt.datetime) -> ProjectRow:
    return ProjectRow(
        name=name,
        name_key=project_key(name),
        description=description,
        archived=False,
        is_default=False,
        created_at=now,
        updated_at=now,
    )

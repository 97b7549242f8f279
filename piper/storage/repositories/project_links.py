"""Storing the repositories linked to each project."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from piper.domain.project import project_key
from piper.errors import NotFoundError
from piper.storage.models import ProjectRepositoryRow, ProjectRow
from piper.storage.repositories.base import Repository, moment_or_now


class ProjectLinkRepository(Repository):
    """Links from a project to repositories, each an ``owner/name`` or an absolute path; linking twice is a no-op."""

    async def link(self, project_name: str, repository: str, *, now: dt.datetime | None = None) -> bool:
        """Link ``repository`` to the project; return False when it was linked already.

        Raises:
            NotFoundError: when no project has that name.
        """
        async with self._session() as session:
            project = await session.scalar(select(ProjectRow).where(ProjectRow.name_key == project_key(project_name)))
            if project is None:
                raise NotFoundError(f"No project named {project_name!r}.", details={"project": project_name})

            existing = await session.scalar(
                select(ProjectRepositoryRow).where(
                    ProjectRepositoryRow.project_id == project.id, ProjectRepositoryRow.repository == repository
                )
            )
            if existing is not None:
                return False
            session.add(ProjectRepositoryRow(project_id=project.id, repository=repository, created_at=moment_or_now(now)))
            await session.flush()
            return True

    async def repositories(self, project_id: int) -> list[str]:
        """Return the project's repositories in the order they were linked."""
        statement = (
            select(ProjectRepositoryRow.repository)
            .where(ProjectRepositoryRow.project_id == project_id)
            .order_by(ProjectRepositoryRow.id)
        )
        async with self._session(readonly=True) as session:
            return list((await session.scalars(statement)).all())

    async def repositories_by_project(self) -> dict[int, list[str]]:
        """Return every project id that has links, mapped to its repositories in the order they were linked."""
        statement = select(ProjectRepositoryRow.project_id, ProjectRepositoryRow.repository).order_by(
            ProjectRepositoryRow.id
        )
        found: dict[int, list[str]] = {}
        async with self._session(readonly=True) as session:
            for project_id, repository in (await session.execute(statement)).all():
                found.setdefault(project_id, []).append(repository)
        return found

"""Storing todos."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import case, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from piper.domain.todo import Priority, Todo, TodoStatus, check_transition, normalize_text
from piper.errors import NotFoundError
from piper.storage.models import ProjectRow, TodoRow
from piper.storage.repositories.base import Repository, moment_or_now

ACTIVE_STATUSES = (TodoStatus.OPEN, TodoStatus.BLOCKED)
"""Statuses that ``piper todo list`` shows without ``--all``."""

BATCH_SIZE = 500
"""Rows per INSERT statement in :meth:`TodoRepository.add_many`."""

_PRIORITY_ORDER = case({priority.value: priority.rank for priority in Priority}, value=TodoRow.priority)


def to_todo(row: TodoRow) -> Todo:
    return Todo(
        id=row.id,
        text=row.text,
        priority=Priority(row.priority),
        status=TodoStatus(row.status),
        due=row.due,
        project=row.project_row.name if row.project_row is not None else None,
        blocked_reason=row.blocked_reason,
        created_at=row.created_at,
        updated_at=row.updated_at,
        completed_at=row.completed_at,
    )


class TodoRepository(Repository):
    """Todos, with the status rules of :func:`piper.domain.todo.check_transition`."""

    async def add(
        self,
        text: str,
        *,
        priority: Priority = Priority.MEDIUM,
        due: dt.date | None = None,
        project_id: int | None = None,
        now: dt.datetime | None = None,
    ) -> Todo:
        """Store a new open todo and return it.

        Raises:
            UsageError: for empty text.
            NotFoundError: for an unknown ``project_id``.
        """
        text = normalize_text(text)
        moment = moment_or_now(now)
        async with self._session() as session:
            project = await _require_project(session, project_id)
            row = TodoRow(
                text=text,
                priority=Priority(priority).value,
                status=TodoStatus.OPEN.value,
                due=due,
                project_row=project,
                created_at=moment,
                updated_at=moment,
            )
            session.add(row)
            await session.flush()
            return to_todo(row)

    async def add_many(
        self,
        texts: Iterable[str],
        *,
        priority: Priority = Priority.MEDIUM,
        due: dt.date | None = None,
        project_id: int | None = None,
        now: dt.datetime | None = None,
    ) -> int:
        """Store one open todo per text, all in one transaction, and return how many.

        Blank texts are skipped. Rows go in batches of :data:`BATCH_SIZE`,
        so an interrupted import stops between batches and rolls back.

        Raises:
            NotFoundError: for an unknown ``project_id``.
        """
        moment = moment_or_now(now)
        template = {
            "priority": Priority(priority).value,
            "status": TodoStatus.OPEN.value,
            "due": due,
            "project_id": project_id,
            "created_at": moment,
            "updated_at": moment,
        }
        count = 0
        async with self._session() as session:
            await _require_project(session, project_id)
            batch: list[dict[str, object]] = []
            for text in texts:
                cleaned = text.strip()
                if not cleaned:
                    continue
                batch.append({**template, "text": cleaned})
                if len(batch) == BATCH_SIZE:
                    await session.execute(insert(TodoRow), batch)
                    count += len(batch)
                    batch = []
            if batch:
                await session.execute(insert(TodoRow), batch)
                count += len(batch)
        return count

    async def get(self, todo_id: int) -> Todo:
        """Return the todo with this id.

        Raises:
            NotFoundError: naming the id, when there is none.
        """
        async with self._session(readonly=True) as session:
            return to_todo(await _require_todo(session, todo_id))

    async def list(
        self,
        *,
        statuses: Sequence[TodoStatus] = ACTIVE_STATUSES,
        created_before: dt.datetime | None = None,
    ) -> list[Todo]:
        """Return the todos with one of ``statuses``, most urgent first.

        Order: done todos last, then priority (urgent first), then due date
        (soonest first, none last), then creation time and id.
        """
        statement = (
            select(TodoRow)
            .where(TodoRow.status.in_([TodoStatus(status).value for status in statuses]))
            .order_by(
                (TodoRow.status == TodoStatus.DONE.value),
                _PRIORITY_ORDER,
                TodoRow.due.is_(None),
                TodoRow.due,
                TodoRow.created_at,
                TodoRow.id,
            )
        )
        if created_before is not None:
            statement = statement.where(TodoRow.created_at < created_before)

        async with self._session(readonly=True) as session:
            rows = (await session.scalars(statement)).all()
            return [to_todo(row) for row in rows]

    async def completed_between(self, since: dt.datetime, until: dt.datetime) -> list[Todo]:
        """Return the todos marked done in ``[since, until)``, oldest completion first."""
        statement = (
            select(TodoRow)
            .where(
                TodoRow.status == TodoStatus.DONE.value,
                TodoRow.completed_at >= since,
                TodoRow.completed_at < until,
            )
            .order_by(TodoRow.completed_at, TodoRow.id)
        )
        async with self._session(readonly=True) as session:
            rows = (await session.scalars(statement)).all()
            return [to_todo(row) for row in rows]

    async def complete(self, todo_id: int, *, now: dt.datetime | None = None) -> Todo:
        """Mark a todo done.

        Raises:
            NotFoundError: for an unknown id.
            TodoStateError: when it is already done.
        """
        moment = moment_or_now(now)
        async with self._session() as session:
            row = await _require_todo(session, todo_id)
            check_transition(to_todo(row), TodoStatus.DONE)
            row.status = TodoStatus.DONE.value
            row.completed_at = moment
            row.updated_at = moment
            await session.flush()
            return to_todo(row)

    async def block(self, todo_id: int, *, reason: str | None = None, now: dt.datetime | None = None) -> Todo:
        """Mark a todo blocked; blocking a blocked todo replaces its reason.

        Raises:
            NotFoundError: for an unknown id.
            TodoStateError: when it is done.
        """
        moment = moment_or_now(now)
        async with self._session() as session:
            row = await _require_todo(session, todo_id)
            check_transition(to_todo(row), TodoStatus.BLOCKED)
            row.status = TodoStatus.BLOCKED.value
            cleaned_reason = reason.strip() if reason else ""
            row.blocked_reason = cleaned_reason or None
            row.updated_at = moment
            await session.flush()
            return to_todo(row)

    async def reopen(self, todo_id: int, *, now: dt.datetime | None = None) -> Todo:
        """Open a done or blocked todo again, forgetting its completion time and block reason.

        Raises:
            NotFoundError: for an unknown id.
            TodoStateError: when it is already open.
        """
        moment = moment_or_now(now)
        async with self._session() as session:
            row = await _require_todo(session, todo_id)
            check_transition(to_todo(row), TodoStatus.OPEN)
            row.status = TodoStatus.OPEN.value
            row.completed_at = None
            row.blocked_reason = None
            row.updated_at = moment
            await session.flush()
            return to_todo(row)

    async def set_priority(self, todo_id: int, priority: Priority, *, now: dt.datetime | None = None) -> Todo:
        """Change a todo's priority, whatever its status.

        Raises:
            NotFoundError: for an unknown id.
        """
        moment = moment_or_now(now)
        async with self._session() as session:
            row = await _require_todo(session, todo_id)
            row.priority = Priority(priority).value
            row.updated_at = moment
            await session.flush()
            return to_todo(row)

    async def remove(self, todo_id: int) -> Todo:
        """Delete a todo and return it as it was.

        Raises:
            NotFoundError: for an unknown id.
        """
        async with self._session() as session:
            row = await _require_todo(session, todo_id)
            removed = to_todo(row)
            await session.delete(row)
            await session.flush()
            return removed


async def _require_todo(session: AsyncSession, todo_id: int) -> TodoRow:
    row = await session.get(TodoRow, todo_id)
    if row is None:
        raise NotFoundError(
            f"No todo with id {todo_id}.", hint="List the ids with: piper todo list --all", details={"id": todo_id}
        )
    return row


async def _require_project(session: AsyncSession, project_id: int | None) -> ProjectRow | None:
    if project_id is None:
        return None
    project = await session.get(ProjectRow, project_id)
    if project is None:
        raise NotFoundError(f"No project with id {project_id}.", details={"project_id": project_id})
    return project

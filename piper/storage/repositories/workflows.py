"""Storing workflows and their tasks, so a run can be inspected afterwards with ``piper workflow``."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from piper.domain.workflow import RunStatus, Task, Workflow
from piper.errors import NotFoundError, UsageError
from piper.storage.models import TaskRow, WorkflowRow
from piper.storage.repositories.base import Repository

MIN_PREFIX_LENGTH = 4
"""Shortest id prefix that :meth:`WorkflowRepository.get` accepts, like git's abbreviated hashes."""


class WorkflowRepository(Repository):
    """Workflows with their tasks. :meth:`save` writes a workflow and all its tasks; the engine calls it on every status change."""

    async def save(self, workflow: Workflow) -> None:
        """Insert or update the workflow and each of its tasks."""
        async with self._session() as session:
            row = await session.get(WorkflowRow, workflow.id)
            if row is None:
                row = WorkflowRow(id=workflow.id)
                session.add(row)
            _copy_workflow(workflow, row)

            for task in workflow.tasks:
                task_row = await session.get(TaskRow, task.id)
                if task_row is None:
                    task_row = TaskRow(id=task.id)
                    session.add(task_row)
                _copy_task(task, task_row)
            await session.flush()

    async def get(self, workflow_id: str) -> Workflow:
        """Return the workflow with this id, or the only one whose id starts with it.

        Raises:
            UsageError: for a prefix shorter than :data:`MIN_PREFIX_LENGTH`
                that is no full id, or one that several workflows share.
            NotFoundError: when no workflow matches.
        """
        workflow_id = workflow_id.strip()
        async with self._session(readonly=True) as session:
            row = await session.get(WorkflowRow, workflow_id)
            if row is None:
                row = await _find_by_prefix(session, workflow_id)
            tasks = await _task_rows(session, row.id)
            return to_workflow(row, tasks)

    async def list(self, *, limit: int = 20) -> list[Workflow]:
        """Return the ``limit`` newest workflows, newest first, each with its tasks."""
        statement = select(WorkflowRow).order_by(WorkflowRow.created_at.desc(), WorkflowRow.id).limit(limit)
        async with self._session(readonly=True) as session:
            rows = (await session.scalars(statement)).all()
            workflows = []
            for row in rows:
                workflows.append(to_workflow(row, await _task_rows(session, row.id)))
            return workflows

    async def count(self) -> int:
        async with self._session(readonly=True) as session:
            return int(await session.scalar(select(func.count()).select_from(WorkflowRow)) or 0)


async def _find_by_prefix(session: AsyncSession, prefix: str) -> WorkflowRow:
    if len(prefix) < MIN_PREFIX_LENGTH:
        raise UsageError(
            f"The workflow id {prefix!r} is too short; give at least {MIN_PREFIX_LENGTH} characters.",
            hint="List the ids with: piper workflow list",
            details={"id": prefix},
        )

    # Escape LIKE wildcards, so that a "%" in the argument matches only itself.
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    statement = select(WorkflowRow).where(WorkflowRow.id.like(pattern, escape="\\")).limit(2)
    rows = (await session.scalars(statement)).all()
    if not rows:
        raise NotFoundError(
            f"No workflow with id {prefix!r}.", hint="List the ids with: piper workflow list", details={"id": prefix}
        )
    if len(rows) > 1:
        raise UsageError(
            f"Several workflows have ids starting with {prefix!r}; give more characters.", details={"id": prefix}
        )
    return rows[0]


async def _task_rows(session: AsyncSession, workflow_id: str) -> list[TaskRow]:
    statement = select(TaskRow).where(TaskRow.workflow_id == workflow_id).order_by(TaskRow.position)
    return list((await session.scalars(statement)).all())


def _copy_workflow(workflow: Workflow, row: WorkflowRow) -> None:
    row.type = workflow.type
    row.status = workflow.status.value
    row.context = workflow.context
    row.error = workflow.error
    row.conversation_id = workflow.conversation_id
    row.turn_id = workflow.turn_id
    row.created_at = workflow.created_at
    row.started_at = workflow.started_at
    row.completed_at = workflow.completed_at


def _copy_task(task: Task, row: TaskRow) -> None:
    row.workflow_id = task.workflow_id
    row.position = task.position
    row.type = task.type
    row.status = task.status.value
    row.input = task.input
    row.output = task.output
    row.error = task.error
    row.message = task.message
    row.attempts = task.attempts
    row.timeout_seconds = task.timeout_seconds
    row.created_at = task.created_at
    row.started_at = task.started_at
    row.completed_at = task.completed_at


def to_workflow(row: WorkflowRow, task_rows: list[TaskRow]) -> Workflow:
    return Workflow(
        id=row.id,
        type=row.type,
        status=RunStatus(row.status),
        context=dict(row.context),
        tasks=[to_task(task_row) for task_row in task_rows],
        created_at=row.created_at,
        started_at=row.started_at,
        completed_at=row.completed_at,
        error=row.error,
        conversation_id=row.conversation_id,
        turn_id=row.turn_id,
    )


def to_task(row: TaskRow) -> Task:
    return Task(
        id=row.id,
        workflow_id=row.workflow_id,
        type=row.type,
        position=row.position,
        input=dict(row.input),
        status=RunStatus(row.status),
        output=dict(row.output) if row.output is not None else None,
        error=row.error,
        message=row.message,
        attempts=row.attempts,
        timeout_seconds=row.timeout_seconds,
        created_at=row.created_at,
        started_at=row.started_at,
        completed_at=row.completed_at,
    )

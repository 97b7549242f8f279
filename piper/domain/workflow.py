"""Workflows and their tasks: every change Piper makes runs as a workflow of ordered tasks.

A workflow's status follows from its tasks (:func:`derive_status`), so the
two can never disagree. Both use the same six statuses.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from dataclasses import dataclass, field
from typing import Any


class RunStatus(str, enum.Enum):
    """Status of a workflow or a task."""

    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"
    """A task that did not run because an earlier task failed."""

    @property
    def is_final(self) -> bool:
        """True for a status that no longer changes."""
        return self in FINAL_STATUSES


FINAL_STATUSES = frozenset({RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED, RunStatus.SKIPPED})

WorkflowStatus = RunStatus
TaskStatus = RunStatus


def new_id() -> str:
    """Return a new random id (a UUID4 in its 36-character text form)."""
    return str(uuid.uuid4())


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(slots=True)
class Task:
    """One step of a workflow, run by the handler registered for its ``type``."""

    workflow_id: str
    type: str
    """Handler key such as ``todo.create``."""

    position: int
    """Order within the workflow, from 0."""

    input: dict[str, Any]
    id: str = field(default_factory=new_id)
    status: RunStatus = RunStatus.PENDING
    output: dict[str, Any] | None = None
    error: str | None = None
    """Technical reason of a failure, for logs and ``piper workflow show``."""

    message: str | None = None
    """What the handler reported for people: the result, or what went wrong and what to do."""

    attempts: int = 0
    """How many times a handler started on this task."""

    timeout_seconds: float | None = None
    """Time limit for one attempt; None uses the engine's default."""

    created_at: dt.datetime = field(default_factory=utc_now)
    started_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the JSON object of ``piper workflow show --json``."""
        return {
            "id": self.id,
            "workflow_id": self.workflow_id,
            "type": self.type,
            "position": self.position,
            "status": self.status.value,
            "input": self.input,
            "output": self.output,
            "error": self.error,
            "message": self.message,
            "attempts": self.attempts,
            "timeout_seconds": self.timeout_seconds,
            "created_at": self.created_at.isoformat(),
            "started_at": _iso(self.started_at),
            "completed_at": _iso(self.completed_at),
        }


@dataclass(slots=True)
class Workflow:
    """A validated request to change something, with the tasks that carry it out."""

    type: str
    """The action that created it, such as ``create_todo``."""

    context: dict[str, Any]
    """Validated inputs: what the factory resolved from the entities and the user's answers."""

    id: str = field(default_factory=new_id)
    status: RunStatus = RunStatus.PENDING
    tasks: list[Task] = field(default_factory=list)
    created_at: dt.datetime = field(default_factory=utc_now)
    started_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    error: str | None = None
    """User-facing message of the task that failed, or why the workflow was cancelled."""

    conversation_id: str | None = None
    turn_id: int | None = None

    def add_task(self, task_type: str, task_input: dict[str, Any], *, timeout_seconds: float | None = None) -> Task:
        """Append a pending task and return it."""
        task = Task(
            workflow_id=self.id,
            type=task_type,
            position=len(self.tasks),
            input=task_input,
            timeout_seconds=timeout_seconds,
        )
        self.tasks.append(task)
        return task

    @property
    def succeeded(self) -> bool:
        """True only when every task ran and its handler reported success."""
        return self.status is RunStatus.COMPLETED

    def to_json(self, *, with_tasks: bool = True) -> dict[str, Any]:
        """Return the JSON object of ``piper workflow list|show --json``."""
        data: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "status": self.status.value,
            "context": self.context,
            "error": self.error,
            "conversation_id": self.conversation_id,
            "turn_id": self.turn_id,
            "created_at": self.created_at.isoformat(),
            "started_at": _iso(self.started_at),
            "completed_at": _iso(self.completed_at),
        }
        if with_tasks:
            data["tasks"] = [task.to_json() for task in self.tasks]
        return data


def derive_status(tasks: list[Task]) -> RunStatus:
    """Return a workflow's status from its tasks' statuses.

    A failed task makes the workflow failed and a cancelled one cancelled,
    even while other tasks are still listed as pending. A workflow whose
    tasks all completed or were skipped is completed, and one without
    tasks, or with only pending tasks, is pending. Anything else is running.
    """
    statuses = {task.status for task in tasks}
    if RunStatus.FAILED in statuses:
        return RunStatus.FAILED
    if RunStatus.CANCELLED in statuses:
        return RunStatus.CANCELLED
    if not statuses or statuses == {RunStatus.PENDING}:
        return RunStatus.PENDING
    if statuses <= {RunStatus.COMPLETED, RunStatus.SKIPPED}:
        return RunStatus.COMPLETED
    return RunStatus.RUNNING


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None

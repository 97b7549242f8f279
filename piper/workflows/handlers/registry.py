"""The task handler registry and the contract between the engine and a handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from piper.domain.workflow import Task, Workflow

if TYPE_CHECKING:
    from piper.storage import Database


@dataclass(frozen=True, slots=True)
class TaskOutcome:
    """Result of a handler. The engine marks a task completed only when ``success`` is True."""

    success: bool
    message: str
    """For people: what was done, or what failed and what to do."""

    output: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def done(cls, message: str, output: dict[str, Any] | None = None) -> TaskOutcome:
        return cls(True, message, output or {})

    @classmethod
    def failed(cls, message: str, output: dict[str, Any] | None = None) -> TaskOutcome:
        return cls(False, message, output or {})


@dataclass(frozen=True, slots=True)
class HandlerContext:
    """Services a handler may use besides its task's input."""

    workflow: Workflow
    database: Database | None


Handler = Callable[[Task, HandlerContext], Awaitable[TaskOutcome]]


class HandlerRegistry:
    """Task handlers by task type, such as ``todo.create``."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def register(self, task_type: str, handler: Handler) -> None:
        """Make ``handler`` run tasks of ``task_type``, replacing any earlier one."""
        self._handlers[task_type] = handler

    def get(self, task_type: str) -> Handler | None:
        return self._handlers.get(task_type)

    def __contains__(self, task_type: object) -> bool:
        return task_type in self._handlers

    @property
    def task_types(self) -> list[str]:
        return sorted(self._handlers)

"""OrchestrationEngine: runs validated workflows through their task handlers and records every step."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

from piper.domain.workflow import RunStatus, Workflow, utc_now
from piper.errors import PiperError
from piper.workflows.handlers.registry import Handler, HandlerRegistry
from piper.workflows.runner import LocalRunner

if TYPE_CHECKING:
    from piper.storage import Database

logger = logging.getLogger(__name__)

DEFAULT_TASK_TIMEOUT = 30.0
"""Seconds one task may run when neither the task nor the engine sets a limit."""


class WorkflowStore(Protocol):
    async def save(self, workflow: Workflow) -> None: ...


class OrchestrationEngine:
    """Runs workflows with the local asyncio runner and saves each status change to ``store``.

    Args:
        handlers: Task handlers; :meth:`register` adds more.
        database: Passed to the handlers.
        store: Where workflows and tasks are saved, such as
            :class:`~piper.storage.repositories.workflows.WorkflowRepository`;
            None keeps them in memory only.
        default_timeout: Seconds a task may run unless it sets its own limit.
    """

    def __init__(
        self,
        handlers: HandlerRegistry | None = None,
        *,
        database: Database | None = None,
        store: WorkflowStore | None = None,
        default_timeout: float = DEFAULT_TASK_TIMEOUT,
    ) -> None:
        self.handlers = handlers or HandlerRegistry()
        self.store = store
        self.runner = LocalRunner(self.handlers, database=database, default_timeout=default_timeout)

    def register(self, task_type: str, handler: Handler) -> None:
        """Make ``handler`` run tasks of ``task_type``."""
        self.handlers.register(task_type, handler)

    async def run(self, workflow: Workflow) -> Workflow:
        """Run a pending workflow to its end and return it.

        The workflow is completed only when every handler reported success.
        A failure is recorded on its task, with a message for the user in
        ``task.message`` and ``workflow.error``, and does not raise.

        Raises:
            PiperError: for a workflow that has already run.
        """
        if workflow.status is not RunStatus.PENDING:
            raise PiperError(
                f"Workflow {workflow.id} is {workflow.status.value}; only a pending workflow can run.",
                details={"id": workflow.id, "status": workflow.status.value},
            )
        logger.info("Starting workflow %s (%s) with %d tasks", workflow.id, workflow.type, len(workflow.tasks))
        return await self.runner.run(workflow, self._persist)

    def cancel(self, workflow_id: str) -> bool:
        """Cancel a running workflow; return False when it is not running in this engine.

        The running task and the ones after it end as cancelled, and
        :meth:`run` returns the workflow with the status ``cancelled``.
        """
        return self.runner.cancel(workflow_id)

    async def cancel_pending(self, workflow: Workflow, reason: str) -> Workflow:
        """Record a workflow that will not run, for example because the user did not confirm it."""
        moment = utc_now()
        for task in workflow.tasks:
            if task.status is RunStatus.PENDING:
                task.status = RunStatus.CANCELLED
                task.message = reason
                task.completed_at = moment
        workflow.status = RunStatus.CANCELLED
        workflow.error = reason
        workflow.completed_at = moment
        await self._persist(workflow)
        return workflow

    async def _persist(self, workflow: Workflow) -> None:
        if self.store is not None:
            await self.store.save(workflow)


def build_engine(database: Database, *, default_timeout: float = DEFAULT_TASK_TIMEOUT) -> OrchestrationEngine:
    """Return an engine with every task handler that saves workflows to ``database``."""
    from piper.storage.repositories.workflows import WorkflowRepository
    from piper.workflows.handlers.github import register_github_handlers
    from piper.workflows.handlers.notion import register_notion_handlers
    from piper.workflows.handlers.projects import register_project_handlers
    from piper.workflows.handlers.slack import register_slack_handlers
    from piper.workflows.handlers.todos import register_todo_handlers

    engine = OrchestrationEngine(database=database, store=WorkflowRepository(database), default_timeout=default_timeout)
    register_todo_handlers(engine.handlers)
    register_project_handlers(engine.handlers)
    register_github_handlers(engine.handlers)
    register_slack_handlers(engine.handlers)
    register_notion_handlers(engine.handlers)
    return engine

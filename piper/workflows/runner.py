"""The local asyncio runner: runs a workflow's tasks in order, in this process.

Each task runs as its own asyncio task under a timeout. A failure stops the
workflow and marks the remaining tasks skipped. A cancellation marks the
running task and the remaining ones cancelled. The runner calls ``persist``
after every status change.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from piper.domain.workflow import RunStatus, Task, Workflow, derive_status, utc_now
from piper.errors import PiperError
from piper.workflows.handlers.registry import HandlerContext, HandlerRegistry, TaskOutcome

if TYPE_CHECKING:
    from piper.storage import Database

logger = logging.getLogger(__name__)

Persist = Callable[[Workflow], Awaitable[None]]

CANCELLED_MESSAGE = "Cancelled before it finished, so it is not reported as done."


class LocalRunner:
    """Runs workflows with asyncio in the current process."""

    def __init__(self, handlers: HandlerRegistry, *, database: Database | None, default_timeout: float) -> None:
        self.handlers = handlers
        self.database = database
        self.default_timeout = default_timeout
        self._running: dict[str, asyncio.Task[TaskOutcome]] = {}
        self._cancel_requested: set[str] = set()

    def cancel(self, workflow_id: str) -> bool:
        """Cancel the task that ``workflow_id`` is running; return False when it is not running here."""
        handler_task = self._running.get(workflow_id)
        if handler_task is None:
            return False
        self._cancel_requested.add(workflow_id)
        handler_task.cancel()
        return True

    async def run(self, workflow: Workflow, persist: Persist) -> Workflow:
        """Run the pending tasks of ``workflow`` in order and return it with its final status.

        Raises:
            asyncio.CancelledError: when the caller's own task is cancelled
                (not through :meth:`cancel`), after recording the cancellation.
        """
        workflow.started_at = workflow.started_at or utc_now()
        workflow.status = RunStatus.RUNNING
        await persist(workflow)

        for task in workflow.tasks:
            if task.status is not RunStatus.PENDING:
                continue
            finished = await self._run_task(workflow, task, persist)
            if not finished:
                break

        workflow.status = derive_status(workflow.tasks)
        workflow.completed_at = utc_now()
        await persist(workflow)
        logger.info("Workflow %s (%s) ended %s", workflow.id, workflow.type, workflow.status.value)
        return workflow

    async def _run_task(self, workflow: Workflow, task: Task, persist: Persist) -> bool:
        """Run one task; return False when the workflow must stop."""
        task.status = RunStatus.RUNNING
        task.started_at = utc_now()
        task.attempts += 1
        await persist(workflow)

        timeout = task.timeout_seconds if task.timeout_seconds is not None else self.default_timeout
        try:
            outcome = await self._call_handler(workflow, task, timeout)
        except asyncio.CancelledError:
            requested = workflow.id in self._cancel_requested
            self._cancel_requested.discard(workflow.id)
            await self._stop(workflow, task, RunStatus.CANCELLED, "cancelled", CANCELLED_MESSAGE, persist)
            current = asyncio.current_task()
            if not requested or (current is not None and current.cancelling()):
                workflow.status = RunStatus.CANCELLED
                workflow.completed_at = utc_now()
                await asyncio.shield(persist(workflow))
                raise
            return False

        if outcome.success:
            task.status = RunStatus.COMPLETED
            task.output = outcome.output
            task.message = outcome.message
            task.completed_at = utc_now()
            await persist(workflow)
            return True

        task.output = outcome.output or None
        await self._stop(workflow, task, RunStatus.FAILED, task.error or "handler reported failure", outcome.message, persist)
        return False

    async def _call_handler(self, workflow: Workflow, task: Task, timeout: float) -> TaskOutcome:
        """Run the handler under ``timeout``; turn every failure except cancellation into a failed outcome."""
        handler = self.handlers.get(task.type)
        if handler is None:
            task.error = f"no handler registered for {task.type}"
            return TaskOutcome.failed(f"Piper cannot run {task.type} yet: no handler is set up for it, so nothing was done.")

        context = HandlerContext(workflow=workflow, database=self.database)
        handler_task = asyncio.ensure_future(handler(task, context))
        self._running[workflow.id] = handler_task
        try:
            async with asyncio.timeout(timeout):
                outcome = await handler_task
        except TimeoutError:
            logger.warning("Task %s (%s) of workflow %s timed out after %g s", task.id, task.type, workflow.id, timeout)
            task.error = f"timed out after {timeout:g} s"
            return TaskOutcome.failed(
                f"{task.type} timed out after {timeout:g} s and was stopped, so it is not reported as done."
            )
        except PiperError as error:
            task.error = f"{type(error).__name__}: {error.message}"
            message = error.message if not error.hint else f"{error.message} {error.hint}"
            return TaskOutcome.failed(message)
        except Exception as error:
            logger.exception("Handler for %s failed on task %s of workflow %s", task.type, task.id, workflow.id)
            task.error = f"{type(error).__name__}: {error}"
            return TaskOutcome.failed(f"{task.type} failed unexpectedly ({type(error).__name__}); nothing is reported as done.")
        finally:
            self._running.pop(workflow.id, None)

        if not isinstance(outcome, TaskOutcome):
            task.error = f"handler returned {type(outcome).__name__}, not a TaskOutcome"
            return TaskOutcome.failed(f"{task.type} returned no result, so it is not reported as done.")
        return outcome

    async def _stop(
        self, workflow: Workflow, task: Task, status: RunStatus, error: str, message: str, persist: Persist
    ) -> None:
        """Record how ``task`` ended and mark the tasks after it skipped (after a failure) or cancelled."""
        moment = utc_now()
        task.status = status
        task.error = error
        task.message = message
        task.completed_at = moment

        rest = RunStatus.SKIPPED if status is RunStatus.FAILED else RunStatus.CANCELLED
        for later in workflow.tasks[task.position + 1 :]:
            if later.status is RunStatus.PENDING:
                later.status = rest
                later.completed_at = moment
        workflow.error = message
        # Expected failures (a todo already done) reach the user as the message, so they log at INFO only.
        logger.info("Task %s (%s) of workflow %s ended %s: %s", task.id, task.type, workflow.id, status.value, error)
        await asyncio.shield(persist(workflow))

"""Tests for the orchestration engine: order, failures, timeouts, cancellation and what it saves."""

from __future__ import annotations

import asyncio

import pytest

from piper.domain.workflow import RunStatus, Task, Workflow, derive_status
from piper.errors import PiperError
from piper.storage import Database
from piper.storage.repositories.workflows import WorkflowRepository
from piper.workflows.engine import OrchestrationEngine
from piper.workflows.handlers.registry import HandlerContext, TaskOutcome


def two_step_workflow() -> Workflow:
    workflow = Workflow(type="create_todo", context={})
    workflow.add_task("step.one", {"n": 1})
    workflow.add_task("step.two", {"n": 2})
    return workflow


async def succeed(task: Task, context: HandlerContext) -> TaskOutcome:
    return TaskOutcome.done(f"did {task.input['n']}", {"n": task.input["n"]})


async def fail(task: Task, context: HandlerContext) -> TaskOutcome:
    return TaskOutcome.failed("The todo is already done.")


async def raise_piper_error(task: Task, context: HandlerContext) -> TaskOutcome:
    raise PiperError("No todo with id 9.", hint="List the ids with: piper todo list")


async def raise_bug(task: Task, context: HandlerContext) -> TaskOutcome:
    raise ZeroDivisionError("division by zero")


async def sleep_long(task: Task, context: HandlerContext) -> TaskOutcome:
    await asyncio.sleep(30)
    return TaskOutcome.done("woke up")


class RecordingStore:
    def __init__(self) -> None:
        self.statuses: list[tuple[str, ...]] = []

    async def save(self, workflow: Workflow) -> None:
        self.statuses.append((workflow.status.value, *(task.status.value for task in workflow.tasks)))


async def test_engine_runs_tasks_in_order() -> None:
    store = RecordingStore()
    engine = OrchestrationEngine(store=store)
    engine.register("step.one", succeed)
    engine.register("step.two", succeed)

    workflow = await engine.run(two_step_workflow())

    assert workflow.status is RunStatus.COMPLETED
    assert [task.output for task in workflow.tasks] == [{"n": 1}, {"n": 2}]
    assert [task.attempts for task in workflow.tasks] == [1, 1]
    assert workflow.started_at is not None and workflow.completed_at is not None
    assert store.statuses == [
        ("running", "pending", "pending"),
        ("running", "running", "pending"),
        ("running", "completed", "pending"),
        ("running", "completed", "running"),
        ("running", "completed", "completed"),
        ("completed", "completed", "completed"),
    ]


async def test_engine_failed_outcome_skips_rest() -> None:
    engine = OrchestrationEngine()
    engine.register("step.one", fail)
    engine.register("step.two", succeed)

    workflow = await engine.run(two_step_workflow())

    assert workflow.status is RunStatus.FAILED
    assert not workflow.succeeded
    assert [task.status for task in workflow.tasks] == [RunStatus.FAILED, RunStatus.SKIPPED]
    assert workflow.tasks[0].message == "The todo is already done."
    assert workflow.error == "The todo is already done."
    assert workflow.tasks[1].output is None


async def test_engine_piper_error_recorded() -> None:
    engine = OrchestrationEngine()
    engine.register("step.one", raise_piper_error)

    workflow = await engine.run(two_step_workflow())

    first = workflow.tasks[0]
    assert first.status is RunStatus.FAILED
    assert first.error == "PiperError: No todo with id 9."
    assert first.message == "No todo with id 9. List the ids with: piper todo list"


async def test_engine_unexpected_exception_recorded() -> None:
    engine = OrchestrationEngine()
    engine.register("step.one", raise_bug)

    workflow = await engine.run(two_step_workflow())

    assert workflow.status is RunStatus.FAILED
    assert workflow.tasks[0].error == "ZeroDivisionError: division by zero"
    assert "failed unexpectedly" in workflow.tasks[0].message


async def test_engine_missing_handler_fails() -> None:
    engine = OrchestrationEngine()

    workflow = await engine.run(two_step_workflow())

    assert workflow.status is RunStatus.FAILED
    assert workflow.tasks[0].error == "no handler registered for step.one"
    assert "nothing was done" in workflow.tasks[0].message


async def test_engine_non_outcome_is_failure() -> None:
    async def return_dict(task: Task, context: HandlerContext) -> TaskOutcome:
        return {"ok": True}  # type: ignore[return-value]

    engine = OrchestrationEngine()
    engine.register("step.one", return_dict)

    workflow = await engine.run(two_step_workflow())

    assert workflow.status is RunStatus.FAILED
    assert workflow.tasks[0].error == "handler returned dict, not a TaskOutcome"


async def test_engine_task_timeout() -> None:
    engine = OrchestrationEngine(default_timeout=5)
    engine.register("step.one", sleep_long)
    engine.register("step.two", succeed)
    workflow = two_step_workflow()
    workflow.tasks[0].timeout_seconds = 0.05

    started = asyncio.get_running_loop().time()
    workflow = await engine.run(workflow)
    elapsed = asyncio.get_running_loop().time() - started

    assert elapsed < 2
    assert workflow.status is RunStatus.FAILED
    assert workflow.tasks[0].error == "timed out after 0.05 s"
    assert "timed out after 0.05 s" in workflow.tasks[0].message
    assert workflow.tasks[1].status is RunStatus.SKIPPED


async def test_engine_cancel_running_workflow() -> None:
    engine = OrchestrationEngine()
    engine.register("step.one", sleep_long)
    engine.register("step.two", succeed)
    workflow = two_step_workflow()

    running = asyncio.create_task(engine.run(workflow))
    while workflow.tasks[0].status is not RunStatus.RUNNING:
        await asyncio.sleep(0.001)
    await asyncio.sleep(0.01)
    assert engine.cancel(workflow.id) is True
    finished = await asyncio.wait_for(running, 2)

    assert finished.status is RunStatus.CANCELLED
    assert [task.status for task in finished.tasks] == [RunStatus.CANCELLED, RunStatus.CANCELLED]
    assert engine.cancel(workflow.id) is False


async def test_engine_outer_cancel_recorded() -> None:
    store = RecordingStore()
    engine = OrchestrationEngine(store=store)
    engine.register("step.one", sleep_long)
    workflow = two_step_workflow()

    running = asyncio.create_task(engine.run(workflow))
    while workflow.tasks[0].status is not RunStatus.RUNNING:
        await asyncio.sleep(0.001)
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running

    assert workflow.status is RunStatus.CANCELLED
    assert store.statuses[-1] == ("cancelled", "cancelled", "cancelled")


async def test_engine_rejects_second_run() -> None:
    engine = OrchestrationEngine()
    engine.register("step.one", succeed)
    engine.register("step.two", succeed)
    workflow = await engine.run(two_step_workflow())

    with pytest.raises(PiperError, match="only a pending workflow can run"):
        await engine.run(workflow)


async def test_engine_cancel_pending_records() -> None:
    engine = OrchestrationEngine()

    workflow = await engine.cancel_pending(two_step_workflow(), "Not confirmed, so nothing was done.")

    assert workflow.status is RunStatus.CANCELLED
    assert {task.status for task in workflow.tasks} == {RunStatus.CANCELLED}
    assert workflow.error == "Not confirmed, so nothing was done."


async def test_engine_saves_each_run(database: Database) -> None:
    repository = WorkflowRepository(database)
    engine = OrchestrationEngine(store=repository, database=database)
    engine.register("step.one", succeed)
    engine.register("step.two", fail)

    workflow = await engine.run(two_step_workflow())
    stored = await repository.get(workflow.id)

    assert stored.status is RunStatus.FAILED
    assert [task.status for task in stored.tasks] == [RunStatus.COMPLETED, RunStatus.FAILED]
    assert stored.tasks[0].output == {"n": 1}
    assert stored.tasks[1].message == "The todo is already done."
    assert stored.created_at == workflow.created_at
    assert stored.completed_at == workflow.completed_at


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], RunStatus.PENDING),
        (["pending", "pending"], RunStatus.PENDING),
        (["completed", "pending"], RunStatus.RUNNING),
        (["running", "pending"], RunStatus.RUNNING),
        (["completed", "skipped"], RunStatus.COMPLETED),
        (["completed", "failed", "skipped"], RunStatus.FAILED),
        (["cancelled", "cancelled"], RunStatus.CANCELLED),
    ],
)
def test_derive_status_table(statuses: list[str], expected: RunStatus) -> None:
    tasks = [Task(workflow_id="w", type="t", position=i, input={}, status=RunStatus(s)) for i, s in enumerate(statuses)]

    assert derive_status(tasks) is expected

"""Tests for TodoRepository on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from piper.domain.todo import Priority, TodoStateError, TodoStatus
from piper.errors import NotFoundError, UsageError
from piper.storage import Database, ProjectRepository, TodoRepository

MONDAY = dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.timezone.utc)
BERLIN = dt.timezone(dt.timedelta(hours=1))


async def test_add_returns_stored_todo(database: Database) -> None:
    todo = await database.todos.add("  Write the launch plan ", priority=Priority.HIGH, due=dt.date(2026, 3, 10), now=MONDAY)

    assert todo.id > 0
    assert todo.text == "Write the launch plan"
    assert todo.priority is Priority.HIGH
    assert todo.status is TodoStatus.OPEN
    assert todo.due == dt.date(2026, 3, 10)
    assert todo.project is None
    assert todo.created_at == MONDAY
    assert todo.completed_at is None
    assert await database.todos.get(todo.id) == todo


async def test_add_rejects_blank_text(database: Database) -> None:
    with pytest.raises(UsageError):
        await database.todos.add("   ")

    assert await database.todos.list(statuses=list(TodoStatus)) == []


async def test_add_unknown_project_id(database: Database) -> None:
    with pytest.raises(NotFoundError, match="No project with id 41"):
        await database.todos.add("Orphan", project_id=41)


async def test_timestamps_come_back_aware_utc(database: Database) -> None:
    moment = dt.datetime(2026, 3, 9, 10, 15, 30, 123456, tzinfo=BERLIN)

    todo = await database.todos.add("Time zones", now=moment)
    stored = await database.todos.get(todo.id)

    assert stored.created_at == moment
    assert stored.created_at.utcoffset() == dt.timedelta(0)
    assert stored.created_at.hour == 9
    assert stored.created_at.microsecond == 123456


async def test_naive_timestamp_rejected(database: Database) -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        await database.todos.add("No zone", now=dt.datetime(2026, 3, 9, 9, 0))


async def test_list_orders_priority_then_due(database: Database) -> None:
    todos = database.todos
    low = await todos.add("low", priority=Priority.LOW, now=MONDAY)
    medium_late = await todos.add("medium late", due=dt.date(2026, 3, 20), now=MONDAY)
    medium_none = await todos.add("medium no due", now=MONDAY)
    medium_soon = await todos.add("medium soon", due=dt.date(2026, 3, 11), now=MONDAY)
    urgent = await todos.add("urgent", priority=Priority.URGENT, now=MONDAY)
    high = await todos.add("high", priority=Priority.HIGH, due=dt.date(2026, 4, 1), now=MONDAY)

    listed = [todo.id for todo in await todos.list()]

    assert listed == [urgent.id, high.id, medium_soon.id, medium_late.id, medium_none.id, low.id]


async def test_list_hides_done_by_default(database: Database) -> None:
    kept = await database.todos.add("still open")
    blocked = await database.todos.add("waiting")
    finished = await database.todos.add("finished", priority=Priority.URGENT)
    await database.todos.block(blocked.id, reason="legal review")
    await database.todos.complete(finished.id)

    active = [todo.id for todo in await database.todos.list()]
    everything = [todo.id for todo in await database.todos.list(statuses=list(TodoStatus))]

    assert active == [kept.id, blocked.id]
    assert everything == [kept.id, blocked.id, finished.id]


async def test_list_created_before(database: Database) -> None:
    early = await database.todos.add("early", now=MONDAY)
    await database.todos.add("late", now=MONDAY + dt.timedelta(days=1))

    listed = await database.todos.list(created_before=MONDAY + dt.timedelta(hours=1))

    assert [todo.id for todo in listed] == [early.id]


async def test_complete_sets_completed_at(database: Database) -> None:
    todo = await database.todos.add("Ship it", now=MONDAY)
    later = MONDAY + dt.timedelta(hours=3)

    done = await database.todos.complete(todo.id, now=later)

    assert done.status is TodoStatus.DONE
    assert done.completed_at == later
    assert (await database.todos.get(todo.id)).completed_at == later


async def test_complete_twice_rejected(database: Database) -> None:
    todo = await database.todos.add("Ship it")
    await database.todos.complete(todo.id)

    with pytest.raises(TodoStateError, match=f"Todo {todo.id} is already done"):
        await database.todos.complete(todo.id)


async def test_block_stores_reason(database: Database) -> None:
    todo = await database.todos.add("Sign the contract")

    blocked = await database.todos.block(todo.id, reason="  waiting for legal ")
    reblocked = await database.todos.block(todo.id, reason="waiting for finance")
    without_reason = await database.todos.block(todo.id, reason="   ")

    assert blocked.status is TodoStatus.BLOCKED
    assert blocked.blocked_reason == "waiting for legal"
    assert reblocked.blocked_reason == "waiting for finance"
    assert without_reason.blocked_reason is None


async def test_block_done_todo_rejected(database: Database) -> None:
    todo = await database.todos.add("Done already")
    await database.todos.complete(todo.id)

    with pytest.raises(TodoStateError, match="cannot be blocked"):
        await database.todos.block(todo.id)


async def test_complete_blocked_todo(database: Database) -> None:
    todo = await database.todos.add("Blocked then done")
    await database.todos.block(todo.id, reason="waiting")

    done = await database.todos.complete(todo.id)

    assert done.status is TodoStatus.DONE


async def test_reopen_clears_completion_and_reason(database: Database) -> None:
    finished = await database.todos.add("finished")
    blocked = await database.todos.add("blocked")
    await database.todos.complete(finished.id)
    await database.todos.block(blocked.id, reason="waiting")

    reopened_done = await database.todos.reopen(finished.id)
    reopened_blocked = await database.todos.reopen(blocked.id)

    assert reopened_done.status is TodoStatus.OPEN
    assert reopened_done.completed_at is None
    assert reopened_blocked.status is TodoStatus.OPEN
    assert reopened_blocked.blocked_reason is None


async def test_reopen_open_todo_rejected(database: Database) -> None:
    todo = await database.todos.add("open")

    with pytest.raises(TodoStateError, match="already open"):
        await database.todos.reopen(todo.id)


async def test_remove_returns_removed(database: Database) -> None:
    todo = await database.todos.add("Remove me")

    removed = await database.todos.remove(todo.id)

    assert removed == todo
    with pytest.raises(NotFoundError):
        await database.todos.get(todo.id)


@pytest.mark.parametrize("method", ["get", "complete", "block", "reopen", "remove"])
async def test_unknown_id_names_id(database: Database, method: str) -> None:
    with pytest.raises(NotFoundError) as raised:
        await getattr(database.todos, method)(404)

    assert raised.value.message == "No todo with id 404."
    assert raised.value.details == {"id": 404}


async def test_removed_id_never_reused(database: Database) -> None:
    first = await database.todos.add("first")
    last = await database.todos.add("last")
    await database.todos.remove(last.id)

    replacement = await database.todos.add("replacement")

    assert replacement.id > last.id > first.id


async def test_completed_between_is_half_open(database: Database) -> None:
    since = MONDAY
    until = MONDAY + dt.timedelta(days=1)
    moments = {"before": since - dt.timedelta(microseconds=1), "at since": since, "inside": since + dt.timedelta(hours=5), "at until": until}
    ids = {}
    for label, moment in moments.items():
        todo = await database.todos.add(label, now=since - dt.timedelta(days=2))
        await database.todos.complete(todo.id, now=moment)
        ids[label] = todo.id

    found = await database.todos.completed_between(since, until)

    assert [todo.id for todo in found] == [ids["at since"], ids["inside"]]


async def test_completed_between_other_zone(database: Database) -> None:
    todo = await database.todos.add("late evening in Berlin")
    await database.todos.complete(todo.id, now=dt.datetime(2026, 3, 9, 23, 30, tzinfo=BERLIN))
    since = dt.datetime(2026, 3, 9, 0, 0, tzinfo=BERLIN)

    found = await database.todos.completed_between(since, since + dt.timedelta(days=1))

    assert [item.id for item in found] == [todo.id]


async def test_add_with_project_in_one_session(database: Database) -> None:
    async with database.session() as session:
        project, created = await ProjectRepository(session).get_or_create("Atlas")
        todo = await TodoRepository(session).add("Review the spec", project_id=project.id)

    assert created
    assert todo.project == "Atlas"
    assert (await database.todos.get(todo.id)).project == "Atlas"


async def test_session_rolls_back_on_error(database: Database) -> None:
    with pytest.raises(RuntimeError, match="stop"):
        async with database.session() as session:
            await ProjectRepository(session).get_or_create("Atlas")
            await TodoRepository(session).add("lost")
            raise RuntimeError("stop")

    assert await database.projects.find("Atlas") is None
    assert await database.todos.list() == []


async def test_add_many_inserts_all(database: Database) -> None:
    project, _ = await database.projects.get_or_create("Atlas")
    lines = [f"item {number}" for number in range(1, 1203)] + ["", "   "]

    count = await database.todos.add_many(lines, priority=Priority.LOW, project_id=project.id)
    stored = await database.todos.list()

    assert count == 1202
    assert len(stored) == 1202
    assert {todo.project for todo in stored} == {"Atlas"}
    assert {todo.priority for todo in stored} == {Priority.LOW}


async def test_add_many_rolls_back_on_error(database: Database) -> None:
    def lines():
        yield from (f"item {number}" for number in range(1000))
        raise RuntimeError("input broke")

    with pytest.raises(RuntimeError, match="input broke"):
        await database.todos.add_many(lines())

    assert await database.todos.list() == []

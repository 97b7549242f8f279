"""Tests for the query services: priority ranking, the todo list and unconfigured sources."""

from __future__ import annotations

import datetime as dt

from piper.config import Settings
from piper.domain.todo import Priority, Todo, TodoStatus
from piper.messages.humanize import humanize_action
from piper.queries.model import QueryContext
from piper.queries.priority import rank_todos
from piper.queries.router import QueryRouter

TODAY = dt.date(2026, 3, 9)
MOMENT = dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.timezone.utc)


def make_todo(todo_id: int, priority: Priority, due: dt.date | None = None) -> Todo:
    return Todo(
        id=todo_id, text=f"todo {todo_id}", priority=priority, status=TodoStatus.OPEN, due=due, project=None,
        blocked_reason=None, created_at=MOMENT, updated_at=MOMENT, completed_at=None,
    )


def test_rank_priority_before_due() -> None:
    ranked = rank_todos([make_todo(1, Priority.MEDIUM, TODAY - dt.timedelta(days=3)), make_todo(2, Priority.HIGH)], TODAY)

    assert [item.todo.id for item in ranked] == [2, 1]
    assert ranked[1].reasons == ("medium priority", "overdue by 3 days")


def test_rank_due_breaks_tie() -> None:
    ranked = rank_todos(
        [make_todo(1, Priority.HIGH), make_todo(2, Priority.HIGH, TODAY + dt.timedelta(days=2)), make_todo(3, Priority.HIGH, TODAY)],
        TODAY,
    )

    assert [item.todo.id for item in ranked] == [3, 2, 1]
    assert ranked[0].reasons == ("high priority", "due today")


async def test_top_priority_lists_blocked() -> None:
    from piper.storage import open_database

    async with open_database() as db:
        first = await db.todos.add("ship the beta", priority=Priority.HIGH)
        second = await db.todos.add("sign the contract")
        await db.todos.block(second.id, reason="waiting on legal")
        context = QueryContext(database=db, settings=Settings(), now=MOMENT)
        answer = await QueryRouter().answer("get_top_priority", {}, context)

    assert [item["todo"]["id"] for item in answer.result["ranking"]] == [first.id]
    assert [todo["id"] for todo in answer.result["blocked"]] == [second.id]
    assert "ship the beta" in answer.message
    assert "waiting on legal" in answer.message


async def test_unconfigured_source_invents_nothing() -> None:
    from piper.storage import open_database

    async with open_database() as db:
        context = QueryContext(database=db, settings=Settings(), now=MOMENT)
        answer = await QueryRouter().answer("list_issues", {"repository": "acme/web"}, context)

    assert answer.result == {"source": "github", "status": "not_configured"}
    assert "GitHub" in answer.message


def test_humanize_actions() -> None:
    assert humanize_action("close_issue") == "close the issue"
    assert humanize_action("analyze_commits") == "analyze the commits"
    assert humanize_action("plan_roadmap") == "plan roadmap"

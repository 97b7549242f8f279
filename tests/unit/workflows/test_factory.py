"""Tests for the workflow factory: validation, clarifying questions, answers and todo matching."""

from __future__ import annotations

import datetime as dt

import pytest

from piper.domain.workflow import RunStatus, Workflow
from piper.storage import Database
from piper.workflows.engine import build_engine
from piper.workflows.factory import WorkflowFactory
from piper.workflows.validation import ClarificationNeeded, UnsupportedActionError


async def test_create_todo_plans_task() -> None:
    factory = WorkflowFactory()

    workflow = await factory.create(
        "create_todo",
        {"todo": " Review the Q3 roadmap ", "priority": "High", "due": "friday", "project": "Atlas"},
        {"today": dt.date(2026, 3, 9), "conversation_id": "abc123", "turn_id": 4},
    )

    assert isinstance(workflow, Workflow)
    assert [task.type for task in workflow.tasks] == ["todo.create"]
    assert workflow.tasks[0].input == {
        "text": "Review the Q3 roadmap",
        "priority": "high",
        "due": "2026-03-13",
        "project": "Atlas",
    }
    assert workflow.conversation_id == "abc123"
    assert workflow.turn_id == 4
    assert workflow.status is RunStatus.PENDING


async def test_create_todo_missing_text_asks() -> None:
    pending = await WorkflowFactory().create("create_todo", {})

    assert isinstance(pending, ClarificationNeeded)
    assert pending.missing_fields == ("todo",)
    assert pending.question == "What should the todo say?"


async def test_create_issue_round_trip() -> None:
    factory = WorkflowFactory()

    first = await factory.create("create_issue", {"title": "Export is broken"})
    assert isinstance(first, ClarificationNeeded)
    assert first.missing_fields == ("repository",)

    second = await factory.fill(first, "not a repo")
    assert isinstance(second, ClarificationNeeded)
    assert "is not OWNER/NAME" in second.question

    workflow = await factory.fill(second, "acme/web")
    assert isinstance(workflow, Workflow)
    assert workflow.tasks[0].input == {"repository": "acme/web", "title": "Export is broken", "body": None}


async def test_create_issue_default_repository() -> None:
    workflow = await WorkflowFactory().create(
        "create_issue", {"title": "Export is broken"}, {"default_repository": "acme/web"}
    )

    assert isinstance(workflow, Workflow)
    assert workflow.tasks[0].input["repository"] == "acme/web"


async def test_create_issue_missing_title_asks() -> None:
    pending = await WorkflowFactory().create("create_issue", {"repository": "acme/web"})

    assert isinstance(pending, ClarificationNeeded)
    assert pending.missing_fields == ("title",)


async def test_unknown_action_raises() -> None:
    with pytest.raises(UnsupportedActionError, match="'list_todos'"):
        await WorkflowFactory().create("list_todos", {})


async def test_invalid_priority_asks() -> None:
    pending = await WorkflowFactory().create("create_todo", {"todo": "x", "priority": "asap"})

    assert isinstance(pending, ClarificationNeeded)
    assert pending.missing_fields == ("priority",)
    assert "'asap' is not a priority" in pending.question


async def test_complete_todo_fuzzy_match(database: Database) -> None:
    await database.todos.add("Review the Q3 roadmap")
    await database.todos.add("Write the launch plan")
    factory = WorkflowFactory(database)

    workflow = await factory.create("complete_todo", {"todo": "the roadmap todo"})

    assert isinstance(workflow, Workflow)
    assert workflow.tasks[0].input == {"id": 1}


async def test_complete_todo_ignores_done(database: Database) -> None:
    done = await database.todos.add("Old roadmap review")
    await database.todos.complete(done.id)
    await database.todos.add("Review the Q3 roadmap")

    workflow = await WorkflowFactory(database).create("complete_todo", {"todo": "roadmap"})

    assert isinstance(workflow, Workflow)
    assert workflow.tasks[0].input == {"id": 2}


async def test_ambiguous_todo_lists_candidates(database: Database) -> None:
    await database.todos.add("Review the Q3 roadmap")
    await database.todos.add("Share the roadmap with sales")
    await database.todos.add("Write the launch plan")
    factory = WorkflowFactory(database)

    pending = await factory.create("complete_todo", {"todo": "roadmap"})

    assert isinstance(pending, ClarificationNeeded)
    assert pending.candidates == ({"id": 1, "text": "Review the Q3 roadmap"}, {"id": 2, "text": "Share the roadmap with sales"})
    assert "- 1: Review the Q3 roadmap" in pending.question
    assert "- 2: Share the roadmap with sales" in pending.question
    assert "launch" not in pending.question

    by_words = await factory.fill(pending, "sales")
    by_id = await factory.fill(pending, "#1")
    assert isinstance(by_words, Workflow)
    assert by_words.tasks[0].input == {"id": 2}
    assert isinstance(by_id, Workflow)
    assert by_id.tasks[0].input == {"id": 1}


async def test_answer_outside_candidates_asks_again(database: Database) -> None:
    await database.todos.add("Review the Q3 roadmap")
    await database.todos.add("Share the roadmap with sales")
    await database.todos.add("Write the launch plan")
    factory = WorkflowFactory(database)
    pending = await factory.create("complete_todo", {"todo": "roadmap"})
    assert isinstance(pending, ClarificationNeeded)

    again = await factory.fill(pending, "launch")

    assert isinstance(again, ClarificationNeeded)
    assert again.question.startswith("No open or blocked todo matches 'launch'")


async def test_no_matching_todo_asks(database: Database) -> None:
    await database.todos.add("Write the launch plan")

    pending = await WorkflowFactory(database).create("delete_todo", {"todo": "roadmap"})

    assert isinstance(pending, ClarificationNeeded)
    assert "matches 'roadmap'" in pending.question
    assert "- 1: Write the launch plan" in pending.question


async def test_priority_follow_up_runs(database: Database) -> None:
    todo = await database.todos.add("Review the Q3 roadmap")
    factory = WorkflowFactory(database)

    workflow = await factory.create("update_todo_priority", {"todo": str(todo.id), "priority": "high"})
    assert isinstance(workflow, Workflow)
    finished = await build_engine(database).run(workflow)

    assert finished.status is RunStatus.COMPLETED
    assert (await database.todos.get(todo.id)).priority.value == "high"


async def test_archive_unknown_project_asks(database: Database) -> None:
    await database.projects.add("Atlas")

    pending = await WorkflowFactory(database).create("archive_project", {"project": "Borealis"})

    assert isinstance(pending, ClarificationNeeded)
    assert pending.question == "There is no project named 'Borealis'. Which project should I archive? Projects: Atlas."

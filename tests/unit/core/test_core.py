"""Tests for the Piper core on a real SQLite database: routing, confirmation, follow-ups and clarifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from piper.core import Piper, _follow_up
from piper.domain.todo import TodoStatus
from piper.domain.workflow import RunStatus


@pytest.fixture
async def piper() -> AsyncIterator[Piper]:
    from piper.storage import open_database

    async with open_database() as db:
        yield Piper(db)


async def test_query_creates_no_workflow(piper: Piper) -> None:
    from piper.storage.repositories.workflows import WorkflowRepository

    reply = await piper.handle_message("what's on my todo list", new=True)

    assert reply.workflow_id is None
    assert reply.result == {"todos": [], "count": 0}
    assert await WorkflowRepository(piper.database).count() == 0


async def test_confirm_declined_keeps_todo(piper: Piper) -> None:
    await piper.handle_message("add a todo to call Grace", new=True)
    questions: list[str] = []

    def decline(question: str) -> bool:
        questions.append(question)
        return False

    reply = await piper.handle_message("delete the grace todo", confirm=decline)
    remaining = await piper.database.todos.list()

    assert len(questions) == 1
    assert "delete the todo" in questions[0]
    assert "todo: grace" in questions[0]
    assert reply.result["performed"] is False
    assert reply.result["workflow"]["status"] == RunStatus.CANCELLED.value
    assert "did not delete" in reply.message
    assert [todo.text for todo in remaining] == ["call Grace"]


async def test_confirm_accepted_deletes(piper: Piper) -> None:
    await piper.handle_message("add a todo to call Grace", new=True)

    reply = await piper.handle_message("delete the grace todo", confirm=lambda question: True)

    assert reply.result["performed"] is True
    assert await piper.database.todos.list() == []


async def test_local_write_asks_nothing(piper: Piper) -> None:
    def fail(question: str) -> bool:
        raise AssertionError(f"asked {question!r} for a local write")

    reply = await piper.handle_message("add a todo to review the Q3 roadmap", new=True, confirm=fail)

    assert reply.result["performed"] is True


async def test_follow_up_without_todo_classifies(piper: Piper) -> None:
    reply = await piper.handle_message("and make it high priority", new=True)

    assert reply.intent["action"] != "update_todo_priority"
    assert reply.workflow_id is None


async def test_follow_up_applies_to_last_todo(piper: Piper) -> None:
    first = await piper.handle_message("add a todo to call Grace", new=True)
    await piper.handle_message("add a todo to call Alan", new=True)

    reply = await piper.handle_message("mark it done", conversation_id=first.conversation_id)
    todos = {todo.text: todo.status.value for todo in await piper.database.todos.list(statuses=tuple(TodoStatus))}

    assert reply.intent["action"] == "complete_todo"
    assert todos == {"call Grace": "done", "call Alan": "open"}


async def test_failed_workflow_reply_honest(piper: Piper) -> None:
    await piper.handle_message("add a todo to call Grace", new=True)
    await piper.handle_message("mark it done")

    reply = await piper.handle_message("mark it done")

    assert reply.result["performed"] is False
    assert reply.message.startswith("I could not mark the todo done")


async def test_old_conversation_not_continued(piper: Piper) -> None:
    first = await piper.handle_message("hello", new=True)
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2)
    piper._now = lambda: later

    reply = await piper.handle_message("hello")

    assert reply.conversation_id != first.conversation_id


async def test_new_request_closes_question(piper: Piper) -> None:
    question = await piper.handle_message("add a todo", new=True)
    reply = await piper.handle_message("what's on my todo list", conversation_id=question.conversation_id)
    state = await piper._state(question.conversation_id)

    assert reply.intent["action"] == "list_todos"
    assert state.pending is None


async def test_unsupported_action_honest(piper: Piper) -> None:
    reply = await piper.handle_message("draft a status update for the team", new=True)

    assert reply.result == {"performed": False}
    assert "language model" in reply.message
    assert reply.workflow_id is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("and make it high priority", ("update_todo_priority", {"todo": "#4", "priority": "high"})),
        ("make it urgent", ("update_todo_priority", {"todo": "#4", "priority": "urgent"})),
        ("mark it as done", ("complete_todo", {"todo": "#4"})),
        ("block it", ("block_todo", {"todo": "#4"})),
        ("delete it", ("delete_todo", {"todo": "#4"})),
        ("make it better", None),
        ("add a todo to call Grace", None),
    ],
)
def test_follow_up_phrases(text: str, expected: tuple | None) -> None:
    assert _follow_up(text, 4) == expected



async def test_ambiguous_todo_asks_then_completes(piper: Piper) -> None:
    await piper.handle_message("add a todo to review the Q3 roadmap", new=True)
    await piper.handle_message("add a todo to review the Q4 roadmap")

    question = await piper.handle_message("mark the roadmap todo as done")
    answer = await piper.handle_message("Q4")
    todos = {todo.text: todo.status.value for todo in await piper.database.todos.list(statuses=tuple(TodoStatus))}

    assert question.result["performed"] is False
    assert [candidate["text"] for candidate in question.result["clarification"]["candidates"]] == [
        "review the Q3 roadmap",
        "review the Q4 roadmap",
    ]
    assert answer.intent["action"] == "complete_todo"
    assert answer.intent["entities"] == {"todo": "Q4"}
    assert answer.result["performed"] is True
    assert todos == {"review the Q3 roadmap": "open", "review the Q4 roadmap": "done"}


class _UnsureClassifier:
    """Classifies every message as create_todo with a weak embedding score."""

    async def classify(self, text, *, known_projects=(), now=None):  # noqa: ANN001, ANN201
        from piper.domain.intent import Action, ClassifierName, Intent, IntentCategory

        return Intent(
            category=IntentCategory.EXECUTION,
            action=Action.CREATE_TODO,
            confidence=0.27,
            entities={"todo": text},
            classifier=ClassifierName.EMBEDDING,
        )


async def test_unsure_guess_changes_nothing() -> None:
    from piper.storage import open_database

    async with open_database() as db:
        unsure = Piper(db, classifier=_UnsureClassifier())
        reply = await unsure.handle_message("todo 4 is maybe sort of stuck", new=True)
        todos = await db.todos.list()

    assert reply.result == {"performed": False, "reason": "low_confidence"}
    assert reply.workflow_id is None
    assert "27% sure" in reply.message
    assert todos == []

"""Tests for the conversation and workflow repositories."""

from __future__ import annotations

import pytest

from piper.domain.conversation import Role
from piper.domain.workflow import Workflow
from piper.errors import NotFoundError, UsageError
from piper.storage import Database
from piper.storage.repositories.conversations import TITLE_LENGTH, ConversationRepository
from piper.storage.repositories.workflows import WorkflowRepository


async def test_turns_numbered_in_order(database: Database) -> None:
    conversations = ConversationRepository(database)
    conversation = await conversations.create()

    await conversations.add_turn(conversation.id, Role.USER, "add a todo", intent={"action": "create_todo"})
    await conversations.add_turn(conversation.id, Role.ASSISTANT, "Added todo 1.")
    turns = await conversations.turns(conversation.id)

    assert [(turn.index, turn.role) for turn in turns] == [(0, Role.USER), (1, Role.ASSISTANT)]
    assert turns[0].intent == {"action": "create_todo"}
    assert (await conversations.get(conversation.id)).title == "add a todo"
    assert (await conversations.get(conversation.id)).turn_count == 2


async def test_long_title_shortened(database: Database) -> None:
    conversations = ConversationRepository(database)
    conversation = await conversations.create()

    await conversations.add_turn(conversation.id, Role.USER, "word " * 100)

    title = (await conversations.get(conversation.id)).title
    assert title is not None
    assert len(title) == TITLE_LENGTH
    assert title.endswith("…")


async def test_list_most_recent_first(database: Database) -> None:
    conversations = ConversationRepository(database)
    older = await conversations.create()
    newer = await conversations.create()
    await conversations.add_turn(older.id, Role.USER, "hello again")

    listed = await conversations.list()

    assert [conversation.id for conversation in listed] == [older.id, newer.id]
    assert [conversation.turn_count for conversation in listed] == [1, 0]


async def test_unknown_conversation_raises(database: Database) -> None:
    with pytest.raises(NotFoundError, match="No conversation with id 'nope'"):
        await ConversationRepository(database).turns("nope")


async def test_turn_links_workflow(database: Database) -> None:
    conversations = ConversationRepository(database)
    conversation = await conversations.create()
    workflow = Workflow(type="create_todo", context={}, conversation_id=conversation.id)
    await WorkflowRepository(database).save(workflow)

    turn = await conversations.add_turn(conversation.id, Role.USER, "add it", workflow_id=workflow.id)

    assert turn.workflow_id == workflow.id


async def test_workflow_prefix_lookup(database: Database) -> None:
    repository = WorkflowRepository(database)
    first = Workflow(type="create_todo", context={}, id="aaaa1111-0000-0000-0000-000000000000")
    second = Workflow(type="create_todo", context={}, id="aaaa2222-0000-0000-0000-000000000000")
    await repository.save(first)
    await repository.save(second)

    assert (await repository.get("aaaa1")).id == first.id
    with pytest.raises(UsageError, match="Several workflows"):
        await repository.get("aaaa")
    with pytest.raises(UsageError, match="too short"):
        await repository.get("aa")
    with pytest.raises(NotFoundError):
        await repository.get("bbbb")
    with pytest.raises(NotFoundError):
        await repository.get("aaa%")

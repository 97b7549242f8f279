"""Tests for what the chat needs from the core: streamed model replies and an async confirmation."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from piper.core import Piper
from piper.storage import Database, open_database
from tests.doubles.llm_fixtures import llm_environment  # noqa: F401 - fixture
from tests.doubles.llm_server import LLMServer, Reply, drop
from tests.tui.conftest import llm_settings

GUIDANCE = "how should I run the Q3 planning meeting?"


@pytest.fixture
def server() -> Iterator[LLMServer]:
    with LLMServer() as running:
        yield running


@pytest.fixture
async def database() -> AsyncIterator[Database]:
    async with open_database() as db:
        yield db


async def test_conversation_streams_deltas(database: Database, server: LLMServer) -> None:
    server.queue(Reply(chunks=["Start ", "with ", "the goals."], text="Start with the goals."))
    piper = Piper(database, settings=llm_settings(server.openai_base_url))
    deltas: list[str] = []

    reply = await piper.handle_message(GUIDANCE, new=True, on_token=deltas.append)

    assert deltas == ["Start ", "with ", "the goals."]
    assert reply.message.startswith("Start with the goals.")
    assert reply.result["generated_by"] == "openai_compatible:double-model"
    assert server.requests[0].body["stream"] is True


async def test_draft_streams_to_coroutine(database: Database, server: LLMServer) -> None:
    server.queue(Reply(chunks=["## Update", "\n\nAll ", "good."], text="## Update\n\nAll good."))
    piper = Piper(database, settings=llm_settings(server.openai_base_url))
    deltas: list[str] = []

    async def collect(delta: str) -> None:
        deltas.append(delta)

    reply = await piper.handle_message("draft a status update for the team", new=True, on_token=collect)

    assert reply.intent["action"] == "draft_update"
    assert deltas == ["## Update", "\n\nAll ", "good."]
    assert reply.result["draft"] == "## Update\n\nAll good."
    assert server.requests[0].body["stream"] is True


async def test_without_callback_not_streamed(database: Database, server: LLMServer) -> None:
    piper = Piper(database, settings=llm_settings(server.openai_base_url))

    await piper.handle_message(GUIDANCE, new=True)

    assert "stream" not in server.requests[0].body or server.requests[0].body["stream"] is False


async def test_stream_failure_reported(database: Database, server: LLMServer) -> None:
    server.queue(drop())
    piper = Piper(database, settings=llm_settings(server.openai_base_url))
    deltas: list[str] = []

    reply = await piper.handle_message(GUIDANCE, new=True, on_token=deltas.append)

    assert deltas == []
    assert reply.message.startswith("The conversation model could not be reached (")
    assert reply.result["generated_by"] is None


async def test_async_confirm_awaited(database: Database) -> None:
    piper = Piper(database)
    await piper.handle_message("add a todo to call Grace", new=True)
    questions: list[str] = []

    async def approve(question: str) -> bool:
        questions.append(question)
        return True

    reply = await piper.handle_message("delete the grace todo", confirm=approve)

    assert len(questions) == 1
    assert "delete the todo" in questions[0]
    assert reply.result["performed"] is True
    assert await database.todos.list() == []


async def test_async_confirm_declined_keeps(database: Database) -> None:
    piper = Piper(database)
    await piper.handle_message("add a todo to call Grace", new=True)

    async def decline(question: str) -> bool:
        return False

    reply = await piper.handle_message("delete the grace todo", confirm=decline)

    assert reply.result["performed"] is False
    assert reply.result["reason"] == "not_confirmed"
    assert [todo.text for todo in await database.todos.list()] == ["call Grace"]

"""Tests for piper history list, show and export."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from piper.domain.conversation import Role
from tests.cli_runner import Runner, run_piper  # noqa: F401 - fixture


def store_conversation() -> str:
    from piper.storage import open_database
    from piper.storage.repositories.conversations import ConversationRepository

    async def store() -> str:
        async with open_database() as db:
            conversations = ConversationRepository(db)
            conversation = await conversations.create()
            await conversations.add_turn(
                conversation.id, Role.USER, "add a todo to review the Q3 roadmap", intent={"action": "create_todo"}
            )
            await conversations.add_turn(conversation.id, Role.ASSISTANT, "Added todo 1: review the Q3 roadmap")
            return conversation.id

    return asyncio.run(store())


def test_list_and_show(run_piper: Runner) -> None:
    conversation_id = store_conversation()

    listed = run_piper("history", "list", "--json").json()["data"]["conversations"]
    shown = run_piper("history", "show", conversation_id, "--json").json()["data"]

    assert [(item["id"], item["title"], item["turn_count"]) for item in listed] == [
        (conversation_id, "add a todo to review the Q3 roadmap", 2)
    ]
    assert [(turn["index"], turn["role"]) for turn in shown["turns"]] == [(0, "user"), (1, "assistant")]
    assert shown["turns"][0]["intent"] == {"action": "create_todo"}


def test_export_markdown(run_piper: Runner) -> None:
    conversation_id = store_conversation()

    result = run_piper("history", "export", conversation_id, "--format", "markdown")

    assert result.exit_code == 0
    assert result.stdout.startswith("# add a todo to review the Q3 roadmap\n")
    assert "## You (" in result.stdout
    assert "## Piper (" in result.stdout
    assert "_Intent: create_todo_" in result.stdout


def test_export_json_to_file(run_piper: Runner, tmp_path: Path) -> None:
    conversation_id = store_conversation()
    target = tmp_path / "conversation.json"

    result = run_piper("history", "export", conversation_id, "--format", "json", "--output", str(target))

    assert result.exit_code == 0
    assert result.stdout == ""
    document = json.loads(target.read_text())
    assert document["id"] == conversation_id
    assert [turn["text"] for turn in document["turns"]] == [
        "add a todo to review the Q3 roadmap",
        "Added todo 1: review the Q3 roadmap",
    ]


def test_export_bad_format_usage(run_piper: Runner) -> None:
    result = run_piper("history", "export", "abc", "--format", "pdf")

    assert result.exit_code == 2


def test_show_unknown_not_found(run_piper: Runner) -> None:
    result = run_piper("history", "show", "nope", "--json")

    assert result.exit_code == 1
    assert result.json()["error"] == "No conversation with id 'nope'."

"""Tests for the chat's parts that need no running app: slash commands, input history, export and the CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from piper.domain.conversation import Conversation, Role, Turn
from piper.errors import PiperError
from piper.tui.commands import SLASH_COMMANDS, UnknownSlashCommand, parse_slash, unescape_message
from piper.tui.export import conversation_markdown, default_export_path, write_export
from piper.tui.widgets import InputHistory
from tests.cli_runner import Runner, run_piper  # noqa: F401 - fixture

MOMENT = dt.datetime(2031, 3, 11, 9, 30, tzinfo=dt.timezone.utc)


def test_slash_command_with_argument() -> None:
    request = parse_slash("  /rename Q3 planning  ")

    assert request is not None
    assert request.command is SLASH_COMMANDS["rename"]
    assert request.argument == "Q3 planning"


def test_slash_command_case_insensitive() -> None:
    request = parse_slash("/STANDUP")

    assert request is not None
    assert request.command.name == "standup"
    assert request.argument == ""


def test_plain_message_not_command() -> None:
    assert parse_slash("what's on my todo list") is None


def test_double_slash_is_message() -> None:
    assert parse_slash("//etc/hosts is broken") is None
    assert unescape_message("//etc/hosts is broken") == "/etc/hosts is broken"


def test_unknown_slash_command_lists_known() -> None:
    with pytest.raises(UnknownSlashCommand) as caught:
        parse_slash("/stnadup")

    assert "Unknown command /stnadup" in str(caught.value)
    assert "/standup" in str(caught.value)


def test_history_browses_and_restores_draft() -> None:
    history = InputHistory(["first", "second"])

    assert history.previous("half typed") == "second"
    assert history.previous("second") == "first"
    assert history.previous("first") == "first"
    assert history.next() == "second"
    assert history.next() == "half typed"
    assert history.next() is None


def test_empty_history_keeps_input() -> None:
    history = InputHistory([])

    assert history.previous("draft") is None
    assert history.next() is None


def test_history_add_resets_position() -> None:
    history = InputHistory(["first"])
    history.previous("")
    history.add("second")

    assert history.position is None
    assert history.previous("") == "second"


def test_export_markdown_lists_turns() -> None:
    conversation = Conversation(id="3f9a1c2e7b04", title="Calls", created_at=MOMENT, updated_at=MOMENT, turn_count=2)
    turns = [
        Turn("3f9a1c2e7b04", 0, Role.USER, "add a todo to call Grace", None, None, MOMENT),
        Turn("3f9a1c2e7b04", 1, Role.ASSISTANT, "| a | b |\n|---|---|\n| 1 | 2 |\n", None, None, MOMENT),
    ]

    text = conversation_markdown(conversation, turns)

    assert text == (
        "# Calls\n\nConversation `3f9a1c2e7b04`, started 2031-03-11 09:30.\n\n"
        "## You, 2031-03-11 09:30\n\nadd a todo to call Grace\n\n"
        "## Piper, 2031-03-11 09:30\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )


def test_export_default_path(tmp_path: Path) -> None:
    assert default_export_path("3f9a1c2e7b04", tmp_path) == tmp_path / "piper-chat-3f9a1c2e7b04.md"


def test_export_unwritable_path_named(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")

    with pytest.raises(PiperError) as caught:
        write_export(blocker / "chat.md", "text")

    assert str(blocker / "chat.md") in caught.value.message


def test_chat_off_terminal_usage_error(run_piper: Runner) -> None:
    result = run_piper("chat")

    assert result.exit_code == 2
    assert "needs an interactive terminal" in result.error_text
    assert "piper ask" in result.error_text


def test_chat_new_with_conversation_rejected(run_piper: Runner) -> None:
    result = run_piper("chat", "--new", "--conversation", "3f9a1c2e7b04")

    assert result.exit_code == 2
    assert "--new and --conversation contradict each other" in result.error_text


def test_no_arguments_off_terminal_prints_help(run_piper: Runner) -> None:
    result = run_piper()

    assert result.exit_code == 0
    assert "Usage: piper" in result.stdout
    assert "chat" in result.stdout


def test_cli_imports_no_textual() -> None:
    import subprocess
    import sys

    code = "import sys, piper.cli.app; print('textual' in sys.modules)"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert completed.stdout.strip() == "False"

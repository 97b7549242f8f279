"""Pilot-driven tests of piper chat on a real SQLite database, with the LLM double for streamed replies."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from piper.domain.todo import TodoStatus
from piper.storage import open_database
from piper.tui.screens import ConfirmScreen, MarkdownPanel, RenameScreen, TodoPanel
from piper.tui.widgets import ConversationList, MessageView, StatusBar
from tests.doubles.llm_fixtures import llm_environment  # noqa: F401 - fixture
from tests.doubles.llm_server import LLMServer, Reply
from tests.tui.conftest import AppFactory, llm_settings, messages, send, settle, wait_for


@pytest.fixture
def server() -> Iterator[LLMServer]:
    with LLMServer() as running:
        yield running


async def todo_texts(status: TodoStatus | None = None) -> list[str]:
    async with open_database() as db:
        todos = await db.todos.list(statuses=[status] if status else list(TodoStatus))
    return [todo.text for todo in todos]


async def test_message_gets_reply(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await send(app, pilot, "add a todo to call Grace")
        await settle(app, pilot)

        status = app.query_one(StatusBar)
        assert messages(app) == [("user", "add a todo to call Grace"), ("assistant", "Added todo 1: call Grace")]
        assert status.classifier == "rules"
        assert status.llm == "offline"
        assert status.database == "~/data/piper.db"
        assert app.chat_input.text == ""
        assert app.conversation_id is not None
    assert await todo_texts() == ["call Grace"]


async def test_clarifying_question_answered(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await send(app, pilot, "create a project")
        await settle(app, pilot)
        question = app.log_view.query(MessageView).last()

        assert question.raw == "What should the project be called?"
        assert question.has_class("-question")

        await send(app, pilot, "Atlas")
        await settle(app, pilot)
        answer = app.log_view.query(MessageView).last()

        assert answer.raw == "Created project 'Atlas'."
        assert not answer.has_class("-question")
    async with open_database() as db:
        assert [project.name for project in await db.projects.list()] == ["Atlas"]


async def test_confirmation_accepted_deletes(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await send(app, pilot, "add a todo to call Grace")
        await settle(app, pilot)
        await send(app, pilot, "delete the grace todo")
        await wait_for(lambda: isinstance(app.screen, ConfirmScreen))

        assert "delete the todo" in app.screen.question  # type: ignore[attr-defined]

        await pilot.press("y")
        await settle(app, pilot)

        assert not isinstance(app.screen, ConfirmScreen)
        assert "call Grace" in messages(app)[-1][1]
    assert await todo_texts() == []


async def test_confirmation_refused_keeps(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await send(app, pilot, "add a todo to call Grace")
        await settle(app, pilot)
        await send(app, pilot, "delete the grace todo")
        await wait_for(lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#no")
        await settle(app, pilot)

        assert messages(app)[-1] == ("assistant", "OK, I did not delete the todo. Nothing was changed.")
    assert await todo_texts() == ["call Grace"]


async def test_escape_declines_confirmation(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await send(app, pilot, "add a todo to call Grace")
        await settle(app, pilot)
        await send(app, pilot, "delete the grace todo")
        await wait_for(lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("escape")
        await settle(app, pilot)

        assert not isinstance(app.screen, ConfirmScreen)
        assert messages(app)[-1] == ("assistant", "OK, I did not delete the todo. Nothing was changed.")
    assert await todo_texts() == ["call Grace"]


async def test_reply_streams_tokens(make_app: AppFactory, server: LLMServer) -> None:
    chunks = ["Start ", "with ", "the ", "goals, ", "then ", "timebox ", "each ", "topic."]
    server.queue(Reply(chunks=chunks, text="".join(chunks), delay_between_chunks=0.1))
    app = make_app(llm_settings(server.openai_base_url))
    async with app.run_test(size=(80, 24)) as pilot:
        await send(app, pilot, "how should I run the Q3 planning meeting?")
        await wait_for(lambda: len(messages(app)) == 2 and 0 < len(messages(app)[1][1]) < len("".join(chunks)))
        partial = messages(app)[1][1]
        await settle(app, pilot)

        assert "".join(chunks).startswith(partial)
        assert messages(app)[1][1].startswith("Start with the goals, then timebox each topic.")
        assert app.query_one(StatusBar).llm == "openai_compatible:double-model"
    assert server.requests[0].body["stream"] is True


async def test_slow_turn_cancelled_escape(make_app: AppFactory, server: LLMServer) -> None:
    server.queue(Reply(chunks=["Thinking", " very", " slowly"], stall_after_chunks=1))
    app = make_app(llm_settings(server.openai_base_url))
    async with app.run_test(size=(80, 24)) as pilot:
        await send(app, pilot, "how should I run the Q3 planning meeting?")
        await wait_for(lambda: len(messages(app)) == 2 and messages(app)[1][1] == "Thinking")

        assert app.query_one(StatusBar).busy is True

        await pilot.press("escape")
        await settle(app, pilot)

        assert messages(app)[-1] == ("note", "Cancelled. Piper stopped working on that message.")
        assert app.query_one(StatusBar).busy is False
        assert app.query_one("#spinner").visible is False

        await send(app, pilot, "add a todo to call Grace")
        await settle(app, pilot)

        assert messages(app)[-1] == ("assistant", "Added todo 1: call Grace")


async def test_switch_conversations(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await send(app, pilot, "add a todo to call Grace")
        await settle(app, pilot)
        first = app.conversation_id
        await pilot.press("ctrl+n")
        await settle(app, pilot)

        assert messages(app) == []

        await send(app, pilot, "add a todo to book the offsite")
        await settle(app, pilot)
        second = app.conversation_id
        options = app.query_one("#conversation-options")

        assert second != first
        assert [option.id for option in options.options] == [second, first]  # type: ignore[attr-defined]

        options.focus()
        await pilot.press("down", "enter")
        await settle(app, pilot)

        assert app.conversation_id == first
        assert messages(app)[0] == ("user", "add a todo to call Grace")

        app.chat_input.focus()
        await pilot.press("up")

        assert app.chat_input.text == "add a todo to call Grace"


async def test_start_with_conversation_option(make_app: AppFactory) -> None:
    first_app = make_app()
    async with first_app.run_test(size=(80, 24)) as pilot:
        await send(first_app, pilot, "add a todo to call Grace")
        await settle(first_app, pilot)
        kept = first_app.conversation_id

    reopened = make_app()
    async with reopened.run_test(size=(80, 24)) as pilot:
        await settle(reopened, pilot)

        assert reopened.conversation_id == kept
        assert messages(reopened)[0] == ("user", "add a todo to call Grace")

    fresh = make_app(new=True)
    async with fresh.run_test(size=(80, 24)) as pilot:
        await settle(fresh, pilot)

        assert fresh.conversation_id is None
        assert messages(fresh) == []

    chosen = make_app(conversation_id=kept)
    async with chosen.run_test(size=(80, 24)) as pilot:
        await settle(chosen, pilot)

        assert chosen.conversation_id == kept


async def test_unknown_conversation_reported(make_app: AppFactory) -> None:
    app = make_app(conversation_id="000000000000")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)

        assert app.conversation_id is None
        assert any("No conversation with id '000000000000'" in str(note.message) for note in app._notifications)


async def test_standup_panel_renders(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await send(app, pilot, "add a todo to ship the beta")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        panel = app.screen

        assert isinstance(panel, MarkdownPanel)
        assert panel.id == "standup-panel"
        assert panel.markdown.startswith("# Standup for Tuesday 11 March 2031")
        assert "ship the beta" in panel.markdown

        await pilot.press("escape")
        await pilot.pause()

        assert not isinstance(app.screen, MarkdownPanel)


async def test_todo_panel_completes(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await send(app, pilot, "add a todo to call Grace")
        await settle(app, pilot)
        await send(app, pilot, "add a todo to ship the beta, urgent")
        await settle(app, pilot)
        await send(app, pilot, "/todo")
        await settle(app, pilot)
        panel = app.screen

        assert isinstance(panel, TodoPanel)
        assert [todo.text for todo in panel.todos] == ["ship the beta", "call Grace"]

        await pilot.press("d")
        await settle(app, pilot)

        assert [todo.text for todo in panel.todos] == ["call Grace"]
    assert await todo_texts(TodoStatus.DONE) == ["ship the beta"]
    assert await todo_texts(TodoStatus.OPEN) == ["call Grace"]


async def test_configured_keys_bound(make_app: AppFactory) -> None:
    from piper.config import Settings

    app = make_app(Settings(chat={"theme": "nord", "keys": {"todos": "f4", "complete_todo": "x"}}))
    async with app.run_test(size=(80, 24)) as pilot:
        await send(app, pilot, "add a todo to call Grace")
        await settle(app, pilot)

        assert app.theme == "nord"

        await pilot.press("ctrl+t")
        await settle(app, pilot)

        assert not isinstance(app.screen, TodoPanel)

        await pilot.press("f4")
        await settle(app, pilot)

        assert isinstance(app.screen, TodoPanel)

        await pilot.press("x")
        await settle(app, pilot)

        assert app.screen.todos == []  # type: ignore[attr-defined]
    assert await todo_texts(TodoStatus.DONE) == ["call Grace"]


async def test_rename_and_export(make_app: AppFactory, tmp_path: Path) -> None:
    app = make_app()
    target = tmp_path / "exports" / "grace.md"
    async with app.run_test(size=(80, 24)) as pilot:
        await send(app, pilot, "add a todo to call Grace")
        await settle(app, pilot)
        await send(app, pilot, "/rename Calls this week")
        await settle(app, pilot)
        await send(app, pilot, f"/export {target}")
        await settle(app, pilot)

        conversation = await app.backend.piper.conversations.get(app.conversation_id)  # type: ignore[union-attr,arg-type]

        assert conversation.title == "Calls this week"
    exported = target.read_text(encoding="utf-8")

    assert exported.startswith("# Calls this week\n")
    assert "## You, " in exported
    assert "add a todo to call Grace" in exported
    assert "## Piper, " in exported
    assert "Added todo 1: call Grace" in exported


async def test_rename_asks_without_title(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await send(app, pilot, "add a todo to call Grace")
        await settle(app, pilot)
        await send(app, pilot, "/rename")
        await wait_for(lambda: isinstance(app.screen, RenameScreen))
        screen_input = app.screen.query_one("Input")
        screen_input.value = "Grace"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(app, pilot)

        titles = [str(option.prompt) for option in app.query_one("#conversation-options").options]  # type: ignore[attr-defined]

        assert titles[0].startswith("Grace\n")


async def test_unknown_slash_command_kept(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await send(app, pilot, "/stnadup")
        await settle(app, pilot)

        assert app.chat_input.text == "/stnadup"
        assert messages(app) == []
        assert any("Unknown command /stnadup" in str(note.message) for note in app._notifications)


async def test_help_lists_configured_key(make_app: AppFactory) -> None:
    from piper.config import Settings

    app = make_app(Settings(chat={"keys": {"standup": "f2"}}))
    async with app.run_test(size=(80, 24)) as pilot:
        await send(app, pilot, "/help")
        await settle(app, pilot)
        panel = app.screen

        assert isinstance(panel, MarkdownPanel)
        assert "| `f2` | Standup |" in panel.markdown
        assert "`/export [FILE]`" in panel.markdown


async def test_copy_message_markdown(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await send(app, pilot, "add a todo to ship the beta, urgent")
        await settle(app, pilot)
        await send(app, pilot, "what's on my todo list")
        await settle(app, pilot)
        await pilot.press("ctrl+o")

        assert app.clipboard.startswith("You have 1 open todo")
        assert "- #1 ship the beta (urgent)" in app.clipboard

        app.log_view.query(MessageView).first().focus()
        await pilot.press("ctrl+o")

        assert app.clipboard == "add a todo to ship the beta, urgent"


async def test_newline_key_keeps_message(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.wait_until_loaded()
        app.chat_input.load_text("first line")
        app.chat_input.move_cursor(app.chat_input.document.end)
        await pilot.press("ctrl+j")
        await pilot.press(*"second")

        assert app.chat_input.text == "first line\nsecond"
        assert messages(app) == []


async def test_conversation_list_hidden_narrow(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        listing = app.query_one(ConversationList)

        assert listing.has_class("-hidden")

        await pilot.press("ctrl+b")

        assert not listing.has_class("-hidden")


@pytest.mark.parametrize("panel_key", ["ctrl+t", "ctrl+s", "f1"])
async def test_quit_key_from_panel(make_app: AppFactory, panel_key: str) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await send(app, pilot, "add a todo to call Grace")
        await settle(app, pilot)
        await pilot.press(panel_key)
        await settle(app, pilot)

        assert app.screen.is_modal

        await pilot.press("ctrl+q")
        await wait_for(lambda: app.return_code is not None)

        assert app.return_code == 0
        assert app.backend is None


async def test_quit_key_during_confirmation(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await send(app, pilot, "add a todo to call Grace")
        await settle(app, pilot)
        await send(app, pilot, "delete the grace todo")
        await wait_for(lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("ctrl+q")
        await wait_for(lambda: app.return_code is not None)

        assert app.return_code == 0
    assert await todo_texts() == ["call Grace"]



SLOW_START_CHILD = r"""
import asyncio, sys
from sqlalchemy import text
from piper.config import Settings
from piper.tui.app import PiperChatApp
from piper.tui.backend import BackendOptions, ChatBackend

class SlowStartBackend(ChatBackend):
    async def conversations(self):
        app.run_worker(app.action_quit())
        async with self.piper.database.session(readonly=True) as session:
            await session.execute(text(
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT count(*) FROM c"
            ))
        return await super().conversations()

settings = Settings()
app = PiperChatApp(backend_factory=lambda: SlowStartBackend(BackendOptions(settings=settings, warm_up=False)), settings=settings)
app.run(headless=True, size=(80, 24))
print("exited")
"""


def test_quit_during_slow_start() -> None:
    # A query cancelled by quitting must not leave asyncio.run waiting for SQLAlchemy's close of its connection.
    completed = subprocess.run([sys.executable, "-c", SLOW_START_CHILD], capture_output=True, text=True, timeout=30)

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip().endswith("exited")


async def test_footer_shows_help_narrow(make_app: AppFactory) -> None:
    from textual.widgets import Footer

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        footer = app.query_one(Footer)
        visible = [key for key in footer.query("FooterKey") if key.region.right <= footer.region.right - 12]
        descriptions = [key.description for key in visible]

        assert "Help" in descriptions
        assert "Quit" in descriptions

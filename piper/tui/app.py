"""The chat app: a message log, an input, a conversation list and a status bar on the Piper core.

The first frame needs only Textual. The core, SQLAlchemy, the classifier
model and the LLM SDKs load in a worker after it (see :meth:`PiperChatApp.on_ready`),
and every core call runs in a worker, so the screen keeps drawing and Esc
can cancel a turn.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, LoadingIndicator, Static
from textual.worker import Worker, WorkerState

from piper.tui.commands import SlashRequest, UnknownSlashCommand, help_markdown, parse_slash, unescape_message
from piper.tui.options import ACTIONS, DEFAULT_THEME, PANEL_ACTIONS
from piper.tui.screens import ConfirmScreen, MarkdownPanel, RenameScreen, TodoPanel
from piper.tui.widgets import ChatInput, ChatLog, ConversationList, MessageView, Speaker, StatusBar

if TYPE_CHECKING:
    from piper.config import Settings
    from piper.core import Reply
    from piper.domain.conversation import Turn
    from piper.domain.todo import Todo
    from piper.tui.backend import ChatBackend

logger = logging.getLogger(__name__)

WIDE_LAYOUT_COLUMNS = 100
"""At this terminal width or more the conversation list starts shown; below it starts hidden."""

PRIORITY_ACTIONS = frozenset({"cancel", "quit"})
"""Actions whose keys work on every screen, because Textual checks only the app's priority bindings
while a modal panel or dialog is open.

NOTE: a priority key reaches the app before the input. A letter bound to one of these actions
could no longer be typed, and ``chat.keys`` does not reject that yet.
"""

FOOTER_FIRST = ("quit", "help")
"""Actions listed first in the footer, because at 80 columns it cuts off the keys after the sixth."""

TURN_GROUP = "turn"
BACKEND_GROUP = "backend"


def _chat_commands_provider():  # noqa: ANN202 - returns a Provider class, whose module loads only here
    from piper.tui.palette import chat_commands_provider

    return chat_commands_provider()


class PiperChatApp(App[None]):
    """``piper chat``."""

    CSS_PATH = Path(__file__).with_name("chat.tcss")
    TITLE = "Piper"
    COMMANDS = App.COMMANDS | {_chat_commands_provider}
    BINDINGS = [
        Binding(ACTIONS[action].key, action, ACTIONS[action].description, id=action, priority=action in PRIORITY_ACTIONS)
        for action in sorted(ACTIONS, key=lambda action: action not in FOOTER_FIRST)
        if action not in PANEL_ACTIONS
    ]

    def __init__(
        self,
        *,
        backend_factory: Callable[[], ChatBackend],
        settings: Settings | None = None,
        conversation_id: str | None = None,
        new: bool = False,
    ) -> None:
        super().__init__()
        self._backend_factory = backend_factory
        self.backend: ChatBackend | None = None
        self.keys = _chosen_keys(settings)
        """Action name to key, after the ``chat.keys`` settings."""

        self.conversation_id: str | None = None
        """The open conversation; None until the first message of a new one."""

        self._requested_conversation = conversation_id
        self._start_new = new
        self._chat_ready = asyncio.Event()
        self._quitting = False
        """True once quit has started, so the turns that quit cancels add no note to the log."""
        self.theme = settings.chat.theme if settings is not None else DEFAULT_THEME
        self.set_keymap({action: key for action, key in self.keys.items() if action not in PANEL_ACTIONS})

    def compose(self):  # noqa: ANN201 - Textual's ComposeResult
        with Horizontal(id="body"):
            yield ConversationList(id="conversations")
            with Vertical(id="main"):
                yield ChatLog(id="log")
                yield LoadingIndicator(id="spinner")
                yield ChatInput(id="input")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        # Hiding the spinner by visibility keeps its row, so starting a turn needs no new layout.
        self.query_one("#spinner").visible = False
        self.query_one(ConversationList).set_class(self.size.width < WIDE_LAYOUT_COLUMNS, "-hidden")
        self.query_one(ChatInput).focus()

    def on_ready(self) -> None:
        self.run_worker(self._open_backend(), group=BACKEND_GROUP, exit_on_error=False)

    async def _open_backend(self) -> None:
        backend = self._backend_factory()
        status = self.query_one(StatusBar)
        try:
            await backend.open()
        except asyncio.CancelledError:
            # Quitting during the start: an engine left open here would keep aiosqlite's thread alive.
            await backend.close()
            raise
        except Exception as error:  # noqa: BLE001 - any failure to start is shown, the app stays usable for reading it
            from piper.errors import PiperError

            message = error.message if isinstance(error, PiperError) else str(error)
            logger.error("The chat could not open the database: %s", message)
            status.database = "unavailable"
            await self.log_view.add(f"Piper could not start: {message}", "note")
            self._chat_ready.set()
            return

        self.backend = backend
        status.llm = backend.llm_label()
        status.database = _home_relative(backend.database_label())
        conversations = await backend.conversations()
        if self._requested_conversation:
            await self._open_conversation(self._requested_conversation)
        elif not self._start_new and conversations:
            await self._open_conversation(conversations[0].id)
        else:
            await self._refresh_conversations()
        self._chat_ready.set()

    async def action_quit(self) -> None:
        """Close the database, then leave.

        Closing it in ``on_unmount`` alone is too late: Textual may cancel the
        close there, and aiosqlite's thread then keeps the process from exiting.
        """
        self._quitting = True
        await self._stop_database_workers()
        await self._close_backend()
        self.exit()

    async def _stop_database_workers(self) -> None:
        """Cancel the start and any running turn, and wait until they have stopped.

        A query cancelled by Textual's exit instead makes SQLAlchemy close the
        invalidated aiosqlite connection in a shielded task, and asyncio.run
        then waits for that task forever (seen with SQLAlchemy 2.1.9 and
        aiosqlite 0.22.1). Cancelled while the loop still runs, the close finishes.
        """
        from textual.worker import NoActiveWorker, WorkerCancelled, WorkerFailed, get_current_worker

        try:
            current: Worker | None = get_current_worker()
        except NoActiveWorker:
            current = None
        stopping = [
            worker
            for worker in self.workers
            if worker.group in (TURN_GROUP, BACKEND_GROUP) and worker.is_running and worker is not current
        ]
        for worker in stopping:
            worker.cancel()
        for worker in stopping:
            try:
                await worker.wait()
            except (WorkerCancelled, WorkerFailed):
                pass

    async def on_unmount(self) -> None:
        await self._close_backend()

    async def _close_backend(self) -> None:
        backend, self.backend = self.backend, None
        if backend is not None:
            await backend.close()

    async def wait_until_loaded(self) -> None:
        """Wait until the database is open (or failed to open) and the first conversation is shown."""
        await self._chat_ready.wait()

    @property
    def log_view(self) -> ChatLog:
        return self.query_one(ChatLog)

    @property
    def chat_input(self) -> ChatInput:
        return self.query_one(ChatInput)

    # --- Sending a message -------------------------------------------------------

    def on_chat_input_submitted(self, event: ChatInput.Submitted) -> None:
        try:
            request = parse_slash(event.text)
        except UnknownSlashCommand as error:
            self.notify(str(error), severity="error")
            return
        self.chat_input.load_text("")
        if request is not None:
            self._run_slash(request)
            return
        if self._turn_running():
            self.chat_input.load_text(event.text)
            self.notify("Piper is still answering the last message; Esc cancels it.", severity="warning")
            return

        text = unescape_message(event.text)
        self.chat_input.sent.add(text)
        self.run_worker(self._turn(text), group=TURN_GROUP, exit_on_error=False)

    def _turn_running(self) -> bool:
        return any(worker.group == TURN_GROUP and worker.is_running for worker in self.workers)

    async def _turn(self, text: str) -> None:
        from piper.errors import PiperError

        await self.log_view.add(text, "user")
        self._set_busy(True)
        streamed: list[MessageView] = []

        async def on_token(delta: str) -> None:
            if not streamed:
                streamed.append(await self.log_view.add("", "assistant"))
            streamed[0].append(delta)
            self.log_view.scroll_end(animate=False)

        try:
            await self.wait_until_loaded()
            if self.backend is None:
                await self.log_view.add("Piper is not connected to a database, so the message was not sent.", "note")
                return
            reply = await self.backend.send(
                text, conversation_id=self.conversation_id, confirm=self._confirm, on_token=on_token
            )
        except PiperError as error:
            hint = f" {error.hint}" if error.hint else ""
            await self.log_view.add(f"{error.message}{hint}", "note")
            return
        finally:
            self._set_busy(False)

        await self._show_reply(reply, streamed[0] if streamed else None)

    async def _show_reply(self, reply: Reply, streamed: MessageView | None) -> None:
        question = "clarification" in reply.result
        if streamed is not None:
            streamed.finish(reply.message, question=question)
        else:
            await self.log_view.add(reply.message, "assistant", question=question)
        self.log_view.scroll_end(animate=False)
        self.query_one(StatusBar).classifier = str(reply.intent.get("classifier", "-"))
        if reply.conversation_id != self.conversation_id:
            self.conversation_id = reply.conversation_id
        await self._refresh_conversations()

    async def _confirm(self, question: str) -> bool:
        """Show ``question`` in a modal dialog and wait for Yes or No; cancelling the turn closes it."""
        answered: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

        def record(approved: bool | None) -> None:
            if not answered.done():
                answered.set_result(bool(approved))

        screen = ConfirmScreen(question)
        self._set_busy(False)
        await self.push_screen(screen, callback=record)
        try:
            return await answered
        finally:
            if not answered.done():
                # The turn was cancelled while the dialog was open.
                screen.dismiss(False)
            self._set_busy(True)

    def _set_busy(self, busy: bool) -> None:
        self.query_one("#spinner").visible = busy
        self.query_one(StatusBar).busy = busy

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != TURN_GROUP or self._quitting:
            return
        if event.state is WorkerState.CANCELLED:
            self._set_busy(False)
            self.run_worker(self.log_view.add("Cancelled. Piper stopped working on that message.", "note"))
        elif event.state is WorkerState.ERROR:
            self._set_busy(False)
            logger.error("A chat turn failed: %r", worker.error)
            self.run_worker(self.log_view.add(f"Something went wrong: {worker.error}", "note"))

    # --- Conversations -----------------------------------------------------------

    async def _open_conversation(self, conversation_id: str) -> None:
        from piper.domain.conversation import Role
        from piper.errors import NotFoundError

        assert self.backend is not None
        try:
            turns = await self.backend.turns(conversation_id)
        except NotFoundError as error:
            self.notify(f"{error.message} {error.hint or ''}".strip(), severity="error")
            await self._refresh_conversations()
            return
        self.conversation_id = conversation_id
        await self.log_view.show([(turn.text, _speaker(turn)) for turn in turns])
        self.chat_input.sent.entries = [turn.text for turn in turns if turn.role is Role.USER]
        self.chat_input.sent.position = None
        await self._refresh_conversations()

    async def _refresh_conversations(self) -> None:
        if self.backend is None:
            return
        conversations = await self.backend.conversations()
        self.query_one(ConversationList).show(conversations, self.conversation_id)

    def on_conversation_list_selected(self, event: ConversationList.Selected) -> None:
        if self._turn_running():
            self.notify("Wait for the reply, or press Esc to cancel it, before switching conversations.", severity="warning")
            return
        self.run_worker(self._open_conversation(event.conversation_id), group=BACKEND_GROUP)
        self.chat_input.focus()

    # --- Actions (keys, slash commands and the palette) ------------------------------

    def _run_slash(self, request: SlashRequest) -> None:
        if request.command.name == "rename":
            self.run_worker(self._rename(request.argument or None))
        elif request.command.name == "export":
            self.run_worker(self._export(request.argument or None))
        else:
            self.run_worker(self.run_action(request.command.action))

    def action_cancel(self) -> None:
        if isinstance(self.screen, ConfirmScreen):
            # Esc on a confirmation means No, so the core records the action as not confirmed.
            self.screen.dismiss(False)
            return
        cancelled = False
        for worker in self.workers:
            if worker.group == TURN_GROUP and worker.is_running:
                worker.cancel()
                cancelled = True
        if not cancelled and self.screen.is_modal:
            self.screen.dismiss(None)

    def action_toggle_conversations(self) -> None:
        self.query_one(ConversationList).toggle_class("-hidden")

    async def action_new_conversation(self) -> None:
        if self._turn_running():
            self.notify("Wait for the reply, or press Esc to cancel it, before starting a new conversation.", severity="warning")
            return
        self.conversation_id = None
        await self.log_view.show([])
        self.chat_input.sent.entries = []
        await self._refresh_conversations()
        self.notify("New conversation: your next message starts it.")

    def action_standup(self) -> None:
        self.run_worker(self._show_standup(), group=BACKEND_GROUP)

    async def _show_standup(self) -> None:
        if not await self._backend_ready():
            return
        assert self.backend is not None
        self._set_busy(True)
        try:
            markdown = await self.backend.standup_markdown()
        finally:
            self._set_busy(False)
        await self.push_screen(MarkdownPanel("Standup", markdown, panel_id="standup-panel"))

    def action_todos(self) -> None:
        self.run_worker(self._show_todos(), group=BACKEND_GROUP)

    async def _show_todos(self) -> None:
        if not await self._backend_ready():
            return
        assert self.backend is not None
        todos = await self.backend.open_todos()
        await self.push_screen(TodoPanel(todos, complete=self._complete_todo, complete_key=self.keys["complete_todo"]))

    async def _complete_todo(self, todo_id: int) -> list[Todo]:
        assert self.backend is not None
        todo = await self.backend.complete_todo(todo_id)
        self.notify(f"Marked todo {todo.id} done: {todo.text}")
        return await self.backend.open_todos()

    def action_copy_message(self) -> None:
        focused = self.focused
        view = focused if isinstance(focused, MessageView) else self.log_view.latest_reply()
        if view is None:
            self.notify("There is no message to copy yet.", severity="warning")
            return
        self.copy_to_clipboard(view.raw)
        self.notify("Copied the message's markdown to the clipboard.")

    def action_export(self) -> None:
        self.run_worker(self._export(None))

    async def _export(self, target: str | None) -> None:
        from piper.errors import PiperError
        from piper.tui.export import conversation_markdown, default_export_path, write_export

        if not await self._backend_ready():
            return
        assert self.backend is not None
        if self.conversation_id is None:
            self.notify("This conversation is empty, so there is nothing to export.", severity="warning")
            return
        conversation = await self.backend.piper.conversations.get(self.conversation_id)
        turns = await self.backend.turns(self.conversation_id)
        path = Path(target) if target else default_export_path(self.conversation_id)
        try:
            written = write_export(path, conversation_markdown(conversation, turns))
        except PiperError as error:
            self.notify(f"{error.message} {error.hint or ''}".strip(), severity="error")
            return
        self.notify(f"Exported the conversation to {written}.")

    def action_rename(self) -> None:
        self.run_worker(self._rename(None))

    async def _rename(self, title: str | None) -> None:
        from piper.errors import PiperError

        if not await self._backend_ready():
            return
        assert self.backend is not None
        if self.conversation_id is None:
            self.notify("This conversation has no messages yet; send one before renaming it.", severity="warning")
            return
        if title is None:
            current = await self.backend.piper.conversations.get(self.conversation_id)
            title = await self.push_screen_wait(RenameScreen(current.title))
            if title is None:
                return
        try:
            renamed = await self.backend.rename(self.conversation_id, title)
        except PiperError as error:
            self.notify(error.message, severity="error")
            return
        await self._refresh_conversations()
        self.notify(f"Renamed the conversation to {renamed.title}.")

    def action_help(self) -> None:
        self.push_screen(MarkdownPanel("Help", help_markdown(self.keys), panel_id="help-panel"))

    async def _backend_ready(self) -> bool:
        await self.wait_until_loaded()
        if self.backend is None:
            self.notify("Piper could not open its database; see the message in the log.", severity="error")
            return False
        return True


def _chosen_keys(settings: Settings | None) -> dict[str, str]:
    configured = settings.chat.keys if settings is not None else {}
    return {action: configured.get(action, default.key) for action, default in ACTIONS.items()}


def _speaker(turn: Turn) -> Speaker:
    return "user" if turn.role.value == "user" else "assistant"


def _home_relative(label: str) -> str:
    """Shorten a path below the home folder to ``~/...`` so the status bar fits; other labels stay as they are."""
    home = str(Path.home())
    if label.startswith(home + "/"):
        return "~" + label[len(home):]
    return label


def run_chat(*, settings: Settings, conversation_id: str | None, new: bool, **backend_options: Any) -> None:
    """Run the chat on this terminal until the user quits."""
    from piper.tui.backend import BackendOptions, ChatBackend

    options = BackendOptions(settings=settings, **backend_options)
    app = PiperChatApp(
        backend_factory=lambda: ChatBackend(options), settings=settings, conversation_id=conversation_id, new=new
    )
    app.run()

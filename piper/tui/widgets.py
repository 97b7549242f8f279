"""The chat's widgets: the message log, the input with its history, the conversation list and the status bar."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from rich.text import Text
from textual import events
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from rich.console import RenderableType

    from piper.domain.conversation import Conversation

Speaker = Literal["user", "assistant", "note"]

_SPEAKER_LABELS = {"user": "You", "assistant": "Piper", "note": "Piper"}


class MessageView(Vertical, can_focus=True):
    """One message in the log: who spoke and the markdown body. Focus it to copy its raw markdown."""

    DEFAULT_CSS = """
    MessageView { height: auto; padding: 0 1; margin: 0 0 1 0; }
    MessageView > .speaker { text-style: bold; color: $text-muted; }
    MessageView.-user > .speaker { color: $accent; }
    MessageView.-question { border-left: thick $warning; }
    MessageView.-note { color: $text-muted; }
    MessageView:focus { background: $boost; }
    MessageView > .body { width: 100%; }
    """

    def __init__(self, text: str, speaker: Speaker, *, question: bool = False) -> None:
        super().__init__(classes=f"-{speaker}" + (" -question" if question else ""))
        self.raw = text
        """The message's markdown as Piper stored it; this is what copying puts on the clipboard."""

        self.speaker: Speaker = speaker

    def compose(self):  # noqa: ANN201 - Textual's ComposeResult
        yield Label(_SPEAKER_LABELS[self.speaker], classes="speaker")
        yield Static(self._renderable(), classes="body")

    def _renderable(self) -> RenderableType:
        # Piper's replies are markdown; the user's words and Piper's notes are shown as typed.
        # Rich's Markdown renders into one widget, where Textual's Markdown widget mounts
        # several widgets per paragraph and list item, and every layout pass visits each of them.
        if self.speaker == "assistant":
            from rich.markdown import Markdown  # markdown-it loads with it, after the first paint

            return Markdown(self.raw, hyperlinks=True)
        return Text(self.raw)

    @property
    def body(self) -> Static:
        return self.query_one(".body", Static)

    def append(self, delta: str) -> None:
        """Add a streamed delta to the body; :meth:`finish` replaces it with the whole reply."""
        self.raw += delta
        self.body.update(self._renderable())

    def finish(self, text: str, *, question: bool = False) -> None:
        """Show ``text``, the reply as the core returned it, in place of the streamed text."""
        self.raw = text
        self.set_class(question, "-question")
        self.body.update(self._renderable())


MAX_SHOWN_MESSAGES = 60
"""Messages the log keeps on screen; older ones leave the log but stay in the conversation and its export.

Every layout pass visits every widget in the log, so a turn's cost grows with the log's length.
"""


class ChatLog(VerticalScroll):
    """The latest messages of the open conversation, oldest first, scrolled to the newest."""

    DEFAULT_CSS = """
    ChatLog { height: 1fr; padding: 1 1 0 1; }
    """

    async def add(self, text: str, speaker: Speaker, *, question: bool = False) -> MessageView:
        view = MessageView(text, speaker, question=question)
        await self.mount(view)
        shown = self.query(MessageView)
        if len(shown) > MAX_SHOWN_MESSAGES:
            await self.remove_children(list(shown)[: len(shown) - MAX_SHOWN_MESSAGES])
        self.scroll_end(animate=False)
        return view

    async def show(self, messages: Sequence[tuple[str, Speaker]]) -> None:
        """Replace the log with the last ``MAX_SHOWN_MESSAGES`` of ``messages``, saying how many are left out."""
        await self.remove_children()
        views = [MessageView(text, speaker) for text, speaker in messages[-MAX_SHOWN_MESSAGES:]]
        hidden = len(messages) - len(views)
        if hidden > 0:
            views.insert(0, MessageView(f"{hidden} earlier messages are not shown; /export writes the whole conversation.", "note"))
        await self.mount_all(views)
        self.scroll_end(animate=False)

    def latest_reply(self) -> MessageView | None:
        replies = [view for view in self.query(MessageView) if view.speaker == "assistant"]
        return replies[-1] if replies else None


@dataclass(slots=True)
class InputHistory:
    """The user's earlier messages in one conversation, browsed with Up and Down like a shell's history."""

    entries: list[str]
    position: int | None = None
    """Index into ``entries`` being shown, or None when the input contains a new message."""

    draft: str = ""
    """The text typed before browsing, restored after the newest entry."""

    def previous(self, current: str) -> str | None:
        if not self.entries:
            return None
        if self.position is None:
            self.draft = current
            self.position = len(self.entries) - 1
        elif self.position > 0:
            self.position -= 1
        return self.entries[self.position]

    def next(self) -> str | None:
        if self.position is None:
            return None
        if self.position < len(self.entries) - 1:
            self.position += 1
            return self.entries[self.position]
        self.position = None
        return self.draft

    def add(self, text: str) -> None:
        self.entries.append(text)
        self.position = None
        self.draft = ""


class ChatInput(TextArea):
    """The message input: Enter sends, Shift+Enter or Ctrl+J adds a newline, Up and Down browse the history.

    Terminals send Ctrl+J as a line feed, which Textual reports as ``ctrl+j``;
    Shift+Enter arrives as ``shift+enter`` only in terminals with the kitty
    keyboard protocol, so Ctrl+J is the newline key that works everywhere.
    """

    DEFAULT_CSS = """
    ChatInput { height: auto; max-height: 8; min-height: 3; border: tall $border-blurred; }
    ChatInput:focus { border: tall $border; }
    """

    class Submitted(Message):
        """Posted when the user presses Enter on a message that is not blank."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id, soft_wrap=True, show_line_numbers=False, tab_behavior="focus", compact=False)
        self.sent = InputHistory([])
        self.placeholder = "Message Piper (Enter sends, Ctrl+J adds a line, / for commands)"

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            self._stop(event)
            text = self.text.strip()
            if text:
                self.post_message(self.Submitted(text))
            return
        if event.key in ("shift+enter", "ctrl+j"):
            self._stop(event)
            self.insert("\n")
            return
        if event.key == "up" and self.cursor_location[0] == 0:
            recalled = self.sent.previous(self.text)
            if recalled is not None:
                self._stop(event)
                self._show(recalled)
            return
        if event.key == "down" and self.cursor_location[0] == self.document.line_count - 1:
            recalled = self.sent.next()
            if recalled is not None:
                self._stop(event)
                self._show(recalled)
            return
        await super()._on_key(event)

    def _show(self, text: str) -> None:
        self.load_text(text)
        self.move_cursor(self.document.end)

    @staticmethod
    def _stop(event: events.Key) -> None:
        event.stop()
        event.prevent_default()


class ConversationList(Vertical):
    """The stored conversations, the most recently active first; selecting one opens it."""

    DEFAULT_CSS = """
    ConversationList { width: 30; dock: left; border-right: vkey $border-blurred; }
    ConversationList.-hidden { display: none; }
    ConversationList > Label { padding: 0 1; text-style: bold; width: 100%; background: $panel; }
    ConversationList > OptionList { height: 1fr; border: none; }
    """

    class Selected(Message):
        def __init__(self, conversation_id: str) -> None:
            super().__init__()
            self.conversation_id = conversation_id

    def compose(self):  # noqa: ANN201 - Textual's ComposeResult
        yield Label("Conversations")
        yield OptionList(id="conversation-options")

    def show(self, conversations: Sequence[Conversation], current: str | None) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(
            Option(_conversation_label(conversation), id=conversation.id) for conversation in conversations
        )
        if current is not None:
            for index, conversation in enumerate(conversations):
                if conversation.id == current:
                    options.highlighted = index

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Selected(event.option.id))


def _conversation_label(conversation: Conversation) -> str:
    title = conversation.title or "Untitled"
    return f"{title}\n[dim]{conversation.turn_count} messages[/dim]"


class StatusBar(Static):
    """One line: which classifier read the last message, the conversation model and the database."""

    DEFAULT_CSS = """
    StatusBar { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    """

    classifier: reactive[str] = reactive("-")
    llm: reactive[str] = reactive("loading")
    database: reactive[str] = reactive("loading")
    busy: reactive[bool] = reactive(False)

    def render(self) -> str:
        state = "working, Esc cancels | " if self.busy else ""
        return f"{state}classifier: {self.classifier} | LLM: {self.llm} | db: {self.database}"

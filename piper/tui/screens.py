"""The chat's modal screens: confirmation, the standup and help panels, the todo panel and the rename prompt."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from piper.domain.todo import Todo

MODAL_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 90%; max-width: 100; height: auto; max-height: 90%;
    border: thick $primary; background: $surface; padding: 1 2;
}}
{name} .title {{ text-style: bold; width: 100%; margin-bottom: 1; }}
{name} .hint {{ color: $text-muted; margin-top: 1; }}
"""


class ConfirmScreen(ModalScreen[bool]):
    """Ask before an action that reaches other people or deletes something; dismisses with True for Yes."""

    DEFAULT_CSS = MODAL_CSS.format(name="ConfirmScreen") + """
    ConfirmScreen Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    ConfirmScreen Button { margin-left: 2; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self):  # noqa: ANN201 - Textual's ComposeResult
        with Vertical():
            yield Label("Please confirm", classes="title")
            yield Static(self.question, markup=False)
            with Horizontal():
                yield Button("No", id="no", variant="default")
                yield Button("Yes", id="yes", variant="warning")

    def on_mount(self) -> None:
        # "No" has the focus, so a stray Enter declines rather than approves.
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, approved: bool) -> None:
        self.dismiss(approved)


class MarkdownPanel(ModalScreen[None]):
    """A scrolling markdown document with a title, such as the standup or the help; Esc closes it."""

    DEFAULT_CSS = MODAL_CSS.format(name="MarkdownPanel") + """
    MarkdownPanel VerticalScroll { height: auto; max-height: 1fr; }
    """
    BINDINGS = [Binding("escape", "dismiss", "Close"), Binding("q", "dismiss", "Close", show=False)]

    def __init__(self, title: str, markdown: str, *, panel_id: str) -> None:
        super().__init__(id=panel_id)
        self.title_text = title
        self.markdown = markdown

    def compose(self):  # noqa: ANN201 - Textual's ComposeResult
        # Imported here because markdown-it costs about 0.1 s, which the first paint does not need.
        from textual.widgets import Markdown

        with Vertical():
            yield Label(self.title_text, classes="title")
            with VerticalScroll():
                yield Markdown(self.markdown)
            yield Label("Esc closes", classes="hint")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


class TodoPanel(ModalScreen[None]):
    """The open todos, most urgent first; the ``complete_todo`` key marks the highlighted one done."""

    DEFAULT_CSS = MODAL_CSS.format(name="TodoPanel") + """
    TodoPanel OptionList { height: auto; max-height: 16; border: none; }
    """
    BINDINGS = [Binding("escape", "dismiss", "Close")]

    def __init__(
        self,
        todos: Sequence[Todo],
        *,
        complete: Callable[[int], Awaitable[Sequence[Todo]]],
        complete_key: str,
    ) -> None:
        super().__init__(id="todo-panel")
        self.todos = list(todos)
        self._complete = complete
        self.complete_key = complete_key
        self._bindings.bind(complete_key, "complete", "Done")

    def compose(self):  # noqa: ANN201 - Textual's ComposeResult
        with Vertical():
            yield Label("Open todos", classes="title")
            yield OptionList(id="todo-options")
            yield Label(f"{self.complete_key} marks the highlighted todo done, Esc closes", classes="hint")

    def on_mount(self) -> None:
        self._show(self.todos)

    def _show(self, todos: Sequence[Todo]) -> None:
        self.todos = list(todos)
        options = self.query_one(OptionList)
        options.clear_options()
        if not todos:
            options.add_option(Option("No open todos.", disabled=True))
            return
        options.add_options(Option(_todo_line(todo), id=str(todo.id)) for todo in todos)
        options.highlighted = 0
        options.focus()

    async def action_complete(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None or not self.todos:
            return
        option = options.get_option_at_index(options.highlighted)
        if option.id is None:
            return
        index = options.highlighted
        remaining = await self._complete(int(option.id))
        self._show(remaining)
        if remaining:
            options.highlighted = min(index, len(remaining) - 1)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


def _todo_line(todo: Todo) -> str:
    due = f", due {todo.due.isoformat()}" if todo.due else ""
    project = f" [{todo.project}]" if todo.project else ""
    return f"#{todo.id} {todo.text}{project} ({todo.priority.value}{due})"


class RenameScreen(ModalScreen[str | None]):
    """Ask for a new conversation title; dismisses with it, or None on Esc."""

    DEFAULT_CSS = MODAL_CSS.format(name="RenameScreen")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: str | None) -> None:
        super().__init__()
        self.current = current or ""

    def compose(self):  # noqa: ANN201 - Textual's ComposeResult
        with Vertical():
            yield Label("Rename the conversation", classes="title")
            yield Input(value=self.current, placeholder="New title")
            yield Label("Enter saves, Esc cancels", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)

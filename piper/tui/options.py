"""The chat's configurable actions, their default keys and the theme names, without importing Textual.

``piper.config`` validates the ``chat:`` section against these, so they
must stay cheap to import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ChatAction:
    """An action that a key runs in the chat."""

    key: str
    """The default key, in Textual's notation (``ctrl+n``, ``f1``, ``escape``)."""

    description: str
    """The label in the footer and the command palette."""


ACTIONS: dict[str, ChatAction] = {
    "new_conversation": ChatAction("ctrl+n", "New chat"),
    "toggle_conversations": ChatAction("ctrl+b", "Chats"),
    "standup": ChatAction("ctrl+s", "Standup"),
    "todos": ChatAction("ctrl+t", "Todos"),
    "copy_message": ChatAction("ctrl+o", "Copy"),
    "export": ChatAction("ctrl+r", "Export"),
    "cancel": ChatAction("escape", "Cancel"),
    "help": ChatAction("f1", "Help"),
    "quit": ChatAction("ctrl+q", "Quit"),
    "complete_todo": ChatAction("d", "Done"),
}
"""Every action that ``chat.keys`` may rebind.

The defaults avoid the keys that Textual's TextArea binds (ctrl+a, ctrl+e,
ctrl+y and others), because the input has the focus most of the time.
"""

PANEL_ACTIONS = frozenset({"complete_todo"})
"""Actions that work only inside the todo panel, so their keys may repeat a chat key."""

THEMES = (
    "ansi-dark", "ansi-light", "atom-one-dark", "atom-one-light", "catppuccin-frappe", "catppuccin-latte",
    "catppuccin-macchiato", "catppuccin-mocha", "dracula", "flexoki", "gruvbox", "monokai", "nord", "rose-pine",
    "rose-pine-dawn", "rose-pine-moon", "solarized-dark", "solarized-light", "textual-dark", "textual-light",
    "tokyo-night",
)
"""Textual 8.2's built-in themes; a test compares this list with ``textual.theme.BUILTIN_THEMES``."""

DEFAULT_THEME = "textual-dark"

_MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
_KEY = re.compile(rf"^(?:(?:{'|'.join(_MODIFIERS)})\+)*(?:[a-z0-9]|f[1-9]|f1[0-9]|f2[0-4]|[a-z_]{{2,}})$")


def key_problem(key: str) -> str | None:
    """Return why ``key`` is not a key in Textual's notation, or None when it is one."""
    if key != key.strip() or not key:
        return f"{key!r} is not a key."
    if key.casefold() != key:
        return f"{key!r} has capital letters; Textual writes keys in lower case, such as {key.casefold()!r}."
    if _KEY.match(key) is None:
        return f"{key!r} is not a key in Textual's notation."
    return None

"""Slash commands and the help text that lists them with the keys; this module imports nothing from Textual."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from piper.tui.options import ACTIONS


@dataclass(frozen=True, slots=True)
class SlashCommand:
    name: str
    usage: str
    help: str
    palette_title: str
    action: str
    """The app action it runs, as Textual writes it (``new_conversation``, ``export``)."""


SLASH_COMMANDS: dict[str, SlashCommand] = {
    command.name: command
    for command in (
        SlashCommand("standup", "/standup", "Show today's standup.", "Show the standup", "standup"),
        SlashCommand("todo", "/todo", "List the open todos; mark one done in the panel.", "Show the open todos", "todos"),
        SlashCommand("new", "/new", "Start a new conversation.", "Start a new conversation", "new_conversation"),
        SlashCommand("rename", "/rename TITLE", "Rename this conversation; without TITLE, ask for it.", "Rename the conversation", "rename"),
        SlashCommand("export", "/export [FILE]", "Write this conversation to a markdown file (default: piper-chat-ID.md here).", "Export the conversation to markdown", "export"),
        SlashCommand("help", "/help", "List the commands and keys.", "Show the help", "help"),
        SlashCommand("quit", "/quit", "Leave the chat.", "Quit", "quit"),
    )
}


@dataclass(frozen=True, slots=True)
class SlashRequest:
    command: SlashCommand
    argument: str
    """The text after the command name, stripped; empty when there is none."""


class UnknownSlashCommand(ValueError):
    """A message that starts with / but names no command."""

    def __init__(self, name: str) -> None:
        names = ", ".join(f"/{known}" for known in SLASH_COMMANDS)
        super().__init__(f"Unknown command /{name}. Commands are {names}; a message that starts with // is sent as /.")
        self.name = name


def parse_slash(text: str) -> SlashRequest | None:
    """Read ``text`` as a slash command; return None for an ordinary message.

    A message that starts with ``//`` is an ordinary message that starts with one ``/``.

    Raises:
        UnknownSlashCommand: for ``/name`` that is no command.
    """
    stripped = text.strip()
    if not stripped.startswith("/") or stripped.startswith("//"):
        return None
    name, _, argument = stripped[1:].partition(" ")
    command = SLASH_COMMANDS.get(name.casefold())
    if command is None:
        raise UnknownSlashCommand(name)
    return SlashRequest(command, argument.strip())


def unescape_message(text: str) -> str:
    """Return an ordinary message with its leading ``//`` turned back into ``/``."""
    stripped = text.strip()
    return stripped[1:] if stripped.startswith("//") else stripped


def help_markdown(keys: Mapping[str, str]) -> str:
    """Return the help panel's markdown: the slash commands, then each action with its key from ``keys``."""
    lines = ["## Commands", "", "| Command | What it does |", "|---|---|"]
    lines += [f"| `{command.usage}` | {command.help} |" for command in SLASH_COMMANDS.values()]
    lines += ["", "## Keys", "", "| Key | Action |", "|---|---|"]
    lines += ["| `enter` | Send the message |", "| `ctrl+j` or `shift+enter` | Add a newline |"]
    lines += ["| `up` / `down` | Earlier messages of this conversation |", "| `ctrl+p` | Command palette |"]
    lines += [f"| `{keys[action]}` | {ACTIONS[action].description} |" for action in ACTIONS]
    lines += [
        "",
        "Keys are set under `chat.keys` in PIPER.user.md; the theme under `chat.theme` or with the palette's theme command.",
        "A clarifying question stays open until your next message, which answers it.",
    ]
    return "\n".join(lines)

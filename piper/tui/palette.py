"""The command palette entries: the same actions as the slash commands.

The app registers :func:`chat_commands_provider` rather than the class, so
Textual's command module loads when the palette first opens, not before the
first paint.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from piper.tui.commands import SLASH_COMMANDS

if TYPE_CHECKING:
    from piper.tui.app import PiperChatApp


class ChatCommands(Provider):
    """The command palette entries: the same actions as the slash commands."""

    @property
    def chat(self) -> PiperChatApp:
        return self.app  # type: ignore[return-value]

    async def discover(self) -> Hits:
        for command in SLASH_COMMANDS.values():
            yield DiscoveryHit(command.palette_title, partial(self.chat.run_action, command.action), help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in SLASH_COMMANDS.values():
            score = matcher.match(command.palette_title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.palette_title), partial(self.chat.run_action, command.action), help=command.help)


def chat_commands_provider() -> type[ChatCommands]:
    return ChatCommands

"""`piper ask`: one turn of a conversation with Piper, through the same core as the TUI.

Without --conversation or --new, a message continues the most recent
conversation when its last turn was less than an hour ago, and starts a new
one otherwise.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Optional

import typer

from piper.cli import output
from piper.errors import UsageError

if TYPE_CHECKING:
    from piper.core import Reply


def ask(
    text: Optional[str] = typer.Argument(
        None, help="The message, in quotes, or - to read it from standard input (also read when stdin is piped)."
    ),
    conversation_id: Optional[str] = typer.Option(
        None, "--conversation", "-c", metavar="ID", help="Continue this conversation (ids: piper history list)."
    ),
    new: bool = typer.Option(False, "--new", help="Start a new conversation."),
    yes: bool = typer.Option(
        False, "--yes", "-y", help="Confirm actions that reach other people or delete something without asking."
    ),
    json_flag: bool = typer.Option(False, "--json", help="Print the reply as JSON."),
) -> None:
    """Ask Piper something or tell it to do something, such as "add a todo to call Grace".

    Without --conversation or --new, the message continues the latest
    conversation if it was active in the last hour, else starts a new one.
    """
    output.set_json_mode(json_flag)
    message = _message(text)
    if new and conversation_id:
        raise UsageError("--new and --conversation contradict each other; pass one of them.")

    import asyncio

    reply = asyncio.run(_ask(message, conversation_id=conversation_id, new=new, assume_yes=yes))
    if json_flag:
        output.print_success(reply.to_json())
        return
    typer.echo(reply.message)


def _message(text: str | None) -> str:
    if text is None or text == "-":
        if text is None and sys.stdin.isatty():
            raise UsageError('Missing TEXT.', hint='Run piper ask "what\'s on my todo list", or pipe the message in.')
        text = sys.stdin.read()
    if not text.strip():
        raise UsageError("TEXT is empty; give a message such as \"what's on my todo list\".")
    return text.strip()


def _confirm_on_terminal(question: str) -> bool:
    return typer.confirm(question, default=False, err=True)


async def _ask(message: str, *, conversation_id: str | None, new: bool, assume_yes: bool) -> Reply:
    from piper.core import Piper
    from piper.storage import open_database

    # Confirmation needs someone to answer: both stdin and stderr must be a terminal.
    confirm = _confirm_on_terminal if sys.stdin.isatty() and sys.stderr.isatty() else None
    async with open_database() as db:
        piper = Piper(db)
        return await piper.handle_message(
            message, conversation_id=conversation_id, new=new, confirm=confirm, assume_yes=assume_yes
        )

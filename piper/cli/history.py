"""`piper history`: the conversations of ``piper ask`` and the TUI, to list, read and export."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer

from piper.cli import output
from piper.errors import UsageError

if TYPE_CHECKING:
    from piper.domain.conversation import Conversation, Turn

app = typer.Typer(help="List, show and export conversations with Piper.", no_args_is_help=True, rich_markup_mode=None)

JSON_HELP = "Print the result as JSON."


class ExportFormat(str, enum.Enum):
    MARKDOWN = "markdown"
    JSON = "json"


def _run(coroutine: Any) -> Any:
    import asyncio

    return asyncio.run(coroutine)


@app.command("list")
def list_conversations(json_flag: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """List conversations, the most recently active first."""
    output.set_json_mode(json_flag)
    conversations = _run(_list())

    if json_flag:
        output.print_success({"conversations": [conversation.to_json() for conversation in conversations]})
        return
    if not conversations:
        typer.echo("No conversations yet.", err=True)
        return
    for conversation in conversations:
        fields = [
            conversation.id,
            conversation.updated_at.isoformat(timespec="seconds"),
            f"{conversation.turn_count} turns",
            conversation.title or "(empty)",
        ]
        sys.stdout.write("\t".join(fields) + "\n")


async def _list() -> list[Conversation]:
    from piper.storage import open_database
    from piper.storage.repositories.conversations import ConversationRepository

    async with open_database() as db:
        return await ConversationRepository(db).list()


@app.command("show")
def show(
    conversation_id: str = typer.Argument(..., metavar="ID", help="Conversation id, as in piper history list."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Show every turn of a conversation."""
    output.set_json_mode(json_flag)
    conversation, turns = _run(_get(conversation_id))

    if json_flag:
        output.print_success(_document(conversation, turns))
        return
    typer.echo(_markdown(conversation, turns), nl=False)


@app.command("export")
def export(
    conversation_id: str = typer.Argument(..., metavar="ID", help="Conversation id, as in piper history list."),
    export_format: ExportFormat = typer.Option(
        ExportFormat.MARKDOWN, "--format", "-f", case_sensitive=False, help="markdown or json."
    ),
    output_file: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
) -> None:
    """Export a conversation as Markdown or as a JSON document (the data of show --json)."""
    conversation, turns = _run(_get(conversation_id))
    if export_format is ExportFormat.JSON:
        text = output.dumps(_document(conversation, turns)) + "\n"
    else:
        text = _markdown(conversation, turns)

    if output_file is None:
        sys.stdout.write(text)
        return
    try:
        output_file.expanduser().write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"Cannot write {output_file}: {error.strerror}.", details={"output": str(output_file)}) from None
    typer.echo(f"Wrote conversation {conversation.id} to {output_file}.", err=True)


async def _get(conversation_id: str) -> tuple[Conversation, list[Turn]]:
    from piper.storage import open_database
    from piper.storage.repositories.conversations import ConversationRepository

    async with open_database() as db:
        conversations = ConversationRepository(db)
        return await conversations.get(conversation_id), await conversations.turns(conversation_id)


def _document(conversation: Conversation, turns: list[Turn]) -> dict[str, Any]:
    return {**conversation.to_json(), "turns": [turn.to_json() for turn in turns]}


_SPEAKERS = {"user": "You", "assistant": "Piper"}


def _markdown(conversation: Conversation, turns: list[Turn]) -> str:
    lines = [
        f"# {conversation.title or 'Conversation ' + conversation.id}",
        "",
        f"Conversation `{conversation.id}`, started {conversation.created_at.isoformat(timespec='seconds')}.",
        "",
    ]
    for turn in turns:
        heading = f"## {_SPEAKERS[turn.role.value]} ({turn.created_at.isoformat(timespec='seconds')})"
        lines.extend([heading, "", turn.text.rstrip(), ""])
        if turn.intent:
            lines.extend([f"_Intent: {turn.intent.get('action', '?')}_", ""])
        if turn.workflow_id:
            lines.extend([f"_Workflow: `{turn.workflow_id}`_", ""])
    return "\n".join(lines)

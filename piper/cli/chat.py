"""``piper chat``: the Textual chat TUI on the shared conversation core."""

from __future__ import annotations

import typer


def chat() -> None:
    """Open the chat TUI."""
    typer.echo("piper chat is not built yet.", err=True)
    raise typer.Exit(1)

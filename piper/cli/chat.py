"""``piper chat``: the Textual chat on the shared conversation core.

Textual is imported inside the command, so ``piper --help`` does not pay for it.
"""

from __future__ import annotations

import sys
from typing import Optional

import typer

from piper.errors import UsageError


def chat(
    conversation_id: Optional[str] = typer.Option(
        None, "--conversation", "-c", metavar="ID", help="Open this conversation (ids: piper history list)."
    ),
    new: bool = typer.Option(False, "--new", help="Start with a new conversation instead of the latest one."),
) -> None:
    """Chat with Piper in a full-screen terminal app (Ctrl+Q quits, F1 lists the keys)."""
    if new and conversation_id:
        raise UsageError("--new and --conversation contradict each other; pass one of them.")
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            "piper chat needs an interactive terminal, but standard input or output is redirected.",
            hint='Use piper ask "..." in scripts and pipes.',
        )
    open_chat(conversation_id=conversation_id, new=new)


def open_chat(*, conversation_id: str | None = None, new: bool = False) -> None:
    from piper.config import load_settings
    from piper.tui.app import run_chat

    run_chat(settings=load_settings(), conversation_id=conversation_id, new=new)

"""`piper standup`."""

from __future__ import annotations

import typer


def standup() -> None:
    """Report the previous working day."""

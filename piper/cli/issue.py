"""``piper issue``: create, list, show, close and comment on GitHub issues."""

from __future__ import annotations

import typer

app = typer.Typer(help="Create, list, show, close and comment on GitHub issues.", no_args_is_help=True, rich_markup_mode=None)

"""``piper notion``: publish markdown to Notion and search Notion pages."""

from __future__ import annotations

import typer

app = typer.Typer(help="Publish markdown to Notion and search Notion pages.", no_args_is_help=True, rich_markup_mode=None)

"""``piper docs``: add documents to the knowledge base, then search, ask and summarize them offline."""

from __future__ import annotations

import typer

app = typer.Typer(help="Add documents to the knowledge base, then search, ask and summarize them offline.", no_args_is_help=True, rich_markup_mode=None)

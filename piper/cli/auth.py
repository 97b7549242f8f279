"""``piper auth``: store, check and remove the tokens and API keys Piper uses."""

from __future__ import annotations

import typer

app = typer.Typer(help="Store, check and remove the tokens and API keys Piper uses.", no_args_is_help=True, rich_markup_mode=None)

"""``piper slack``: post messages to Slack channels."""

from __future__ import annotations

import typer

app = typer.Typer(help="Post messages to Slack channels.", no_args_is_help=True, rich_markup_mode=None)

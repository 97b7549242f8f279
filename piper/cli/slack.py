"""``piper slack``: post messages to Slack channels."""

from __future__ import annotations

import sys

import typer

from piper.cli import output
from piper.errors import UsageError

app = typer.Typer(help="Post messages to Slack channels.", no_args_is_help=True, rich_markup_mode=None)


@app.command("post")
def post(
    channel: str = typer.Argument(..., metavar="CHANNEL", help="Channel name such as general or '#general' (quoted, because a shell reads # as a comment), or a channel id such as C0123ABCD."),
    text: str = typer.Argument(..., metavar="TEXT|-", help="The message in markdown, or - to read it from standard input."),
    mrkdwn: bool = typer.Option(False, "--mrkdwn", help="Send TEXT as Slack mrkdwn as it is, without converting it from markdown."),
    json_flag: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Post a message to a channel; text longer than 3,000 characters goes out as several messages."""
    import asyncio

    from piper.config import load_settings
    from piper.integrations.slack.post import post_text

    output.set_json_mode(json_flag)
    if text == "-":
        # sys.stdin is None when the process starts with standard input closed (`<&-`).
        if sys.stdin is None:
            raise UsageError("TEXT is '-' but standard input is closed, so there is no message to read.", hint="Pipe the message in, or give it in quotes.")
        text = sys.stdin.read()
    if not text.strip():
        raise UsageError("The message is empty, so nothing was posted.", hint="Give the text in quotes, or pipe it in with '-'.")

    result = asyncio.run(post_text(channel, text, load_settings(), markdown=not mrkdwn))

    if json_flag:
        output.print_success(result.to_json())
        return
    where = f"#{result.channel_name}" if result.channel_name else result.channel
    count = len(result.messages)
    typer.echo(f"Posted to {where} ({count} message{'' if count == 1 else 's'}, ts {result.messages[0].ts}).")

"""The root ``piper`` command: global options and the command groups.

Each command group lives in its own module. Those modules import only typer
and rich at top level and load the heavy parts (SQLAlchemy, git plumbing)
inside the command functions, which keeps ``piper --help`` fast.
"""

from __future__ import annotations

import logging
import sys

import typer

from piper import __version__
from piper.cli import ask as ask_commands
from piper.cli import auth as auth_commands
from piper.cli import calendar as calendar_commands
from piper.cli import chat as chat_commands
from piper.cli import classify as classify_commands
from piper.cli import config as config_commands
from piper.cli import db as db_commands
from piper.cli import docs as docs_commands
from piper.cli import history as history_commands
from piper.cli import issue as issue_commands
from piper.cli import notion as notion_commands
from piper.cli import output
from piper.cli import personality as personality_commands
from piper.cli import project as project_commands
from piper.cli import slack as slack_commands
from piper.cli import standup as standup_commands
from piper.cli import todo as todo_commands
from piper.cli import workflow as workflow_commands

app = typer.Typer(
    name="piper",
    help="Piper, a product manager's assistant in the terminal.",
    # With no command, the root callback opens the chat on a terminal and prints this help elsewhere.
    no_args_is_help=False,
    invoke_without_command=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    # Plain help, like git's: Typer's rich panels label every flag with its type (<bool>).
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"piper {__version__}")
        raise typer.Exit()


def _configure_logging(verbosity: int, debug: bool) -> None:
    """Send log records to stderr: warnings by default, more with -v, everything with --debug."""
    level = logging.WARNING
    if verbosity == 1:
        level = logging.INFO
    if verbosity >= 2 or debug:
        level = logging.DEBUG

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("piper")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


@app.callback()
def root(
    context: typer.Context,
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
    ),
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, help="Log more to stderr (-vv for debug logs)."),
    debug: bool = typer.Option(False, "--debug", help="Log everything and show tracebacks of failures."),
) -> None:
    """Piper, a product manager's assistant in the terminal."""
    output.session.debug = debug
    _configure_logging(verbose, debug)
    if context.invoked_subcommand is None:
        if sys.stdin.isatty() and sys.stdout.isatty():
            chat_commands.open_chat()
            return
        typer.echo(context.get_help())
        raise typer.Exit()


app.command("standup")(standup_commands.standup)
app.command("classify")(classify_commands.classify)
app.command("ask")(ask_commands.ask)
app.add_typer(todo_commands.app, name="todo")
app.add_typer(config_commands.app, name="config")
app.add_typer(db_commands.app, name="db")
app.add_typer(project_commands.app, name="project")
app.add_typer(workflow_commands.app, name="workflow")
app.add_typer(history_commands.app, name="history")
app.add_typer(personality_commands.app, name="personality")
app.command("chat")(chat_commands.chat)
app.add_typer(auth_commands.app, name="auth")
app.add_typer(issue_commands.app, name="issue")
app.add_typer(slack_commands.app, name="slack")
app.add_typer(notion_commands.app, name="notion")
app.add_typer(docs_commands.app, name="docs")
app.add_typer(calendar_commands.app, name="calendar")

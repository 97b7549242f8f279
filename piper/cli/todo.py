"""`piper todo`: the user's own todo list, kept in Piper's database."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, TypeVar

import typer

from piper.cli import output
from piper.domain.todo import Priority, Todo, normalize_text, parse_due_date
from piper.errors import ConfigError, UsageError

if TYPE_CHECKING:
    from piper.domain.project import Project

app = typer.Typer(help="Keep a list of things to do: add, list, finish, block and remove todos.", no_args_is_help=True, rich_markup_mode=None)

T = TypeVar("T")

DUE_HELP = "Due date: YYYY-MM-DD, today, tomorrow or a weekday name such as friday (the next one after today)."
PROJECT_HELP = "Project the todo belongs to; a new name creates the project."
JSON_HELP = "Print the result as JSON."


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    # asyncio is imported here because importing it costs start-up time that --help does not need.
    import asyncio

    return asyncio.run(coroutine)


def _local_today() -> dt.date:
    """Return today's date in the configured time zone, else the system's."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from piper.config import load_settings

    name = load_settings().identity.timezone
    if not name:
        return dt.date.today()
    try:
        return dt.datetime.now(ZoneInfo(name)).date()
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"Unknown time zone {name!r} in identity.timezone.", hint="Use an IANA name such as Europe/Berlin."
        ) from None


def _parse_due(due: str | None) -> dt.date | None:
    return parse_due_date(due, today=_local_today()) if due is not None else None


def _say(message: str) -> None:
    """Print a confirmation: on stdout normally, on stderr in JSON mode so stdout stays one document."""
    typer.echo(message, err=output.session.json_mode)


@app.command("add")
def add(
    text: str = typer.Argument(..., help="What to do, in quotes."),
    priority: Priority = typer.Option(Priority.MEDIUM, "--priority", "-p", case_sensitive=False, help="How urgent it is."),
    due: Optional[str] = typer.Option(None, "--due", "-d", help=DUE_HELP),
    project: Optional[str] = typer.Option(None, "--project", help=PROJECT_HELP),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Add a todo."""
    output.set_json_mode(json_flag)
    text = normalize_text(text)
    due_date = _parse_due(due)

    todo, created_project = _run(_add(text, priority=priority, due=due_date, project_name=project))

    if created_project is not None:
        _say(f"Created project {created_project.name!r}.")
    if json_flag:
        output.print_success(todo.to_json())
        return
    typer.echo(f"Added todo {todo.id}: {todo.text}")


async def _add(
    text: str, *, priority: Priority, due: dt.date | None, project_name: str | None
) -> tuple[Todo, Project | None]:
    from piper.storage import ProjectRepository, TodoRepository, open_database

    async with open_database() as db, db.session() as session:
        project, created = None, False
        if project_name is not None:
            project, created = await ProjectRepository(session).get_or_create(project_name)
        todo = await TodoRepository(session).add(
            text, priority=priority, due=due, project_id=project.id if project else None
        )
    return todo, project if created else None


@app.command("import")
def import_todos(
    file: str = typer.Argument(..., help="Text file with one todo per line, or - for standard input."),
    priority: Priority = typer.Option(Priority.MEDIUM, "--priority", "-p", case_sensitive=False, help="Priority of every todo."),
    due: Optional[str] = typer.Option(None, "--due", "-d", help=DUE_HELP),
    project: Optional[str] = typer.Option(None, "--project", help=PROJECT_HELP),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Add one todo per line of a file (blank lines skipped), in one transaction: all or none."""
    output.set_json_mode(json_flag)
    lines = _read_lines(file)
    due_date = _parse_due(due)

    with _Spinner("Importing todos"):
        count, target, created = _run(_import(lines, priority=priority, due=due_date, project_name=project))

    if created:
        _say(f"Created project {target.name!r}.")
    if json_flag:
        output.print_success({"imported": count, "project": target.name if target else None})
        return
    typer.echo(f"Imported {count} todo{'' if count == 1 else 's'}.")


def _read_lines(file: str) -> list[str]:
    if file == "-":
        return sys.stdin.read().splitlines()
    path = Path(file).expanduser()
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise UsageError(f"File not found: {file}.") from None
    except IsADirectoryError:
        raise UsageError(f"{file} is a folder; give a text file with one todo per line.") from None
    except UnicodeDecodeError as error:
        raise UsageError(f"{file} is not UTF-8 text (invalid byte at offset {error.start}).") from None
    except OSError as error:
        raise UsageError(f"Cannot read {file}: {error.strerror}.") from None


async def _import(
    lines: list[str], *, priority: Priority, due: dt.date | None, project_name: str | None
) -> tuple[int, Project | None, bool]:
    from piper.storage import ProjectRepository, TodoRepository, open_database

    import signal

    async with open_database() as db:
        async with db.session() as session:
            project, created = None, False
            if project_name is not None:
                project, created = await ProjectRepository(session).get_or_create(project_name)
            count = await TodoRepository(session).add_many(
                lines, priority=priority, due=due, project_id=project.id if project else None
            )
        # Committed: a Ctrl-C from here on would report "Interrupted." for an import that
        # happened, and a user who runs it again gets every todo twice.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    return count, project, created


@app.command("list")
def list_todos(
    show_all: bool = typer.Option(False, "--all", "-a", help="Include done todos."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """List open and blocked todos, most urgent first (by priority, then due date)."""
    output.set_json_mode(json_flag)
    todos = _run(_list(show_all))

    if json_flag:
        output.print_success({"todos": [todo.to_json() for todo in todos]})
        return
    if not todos:
        typer.echo("No todos." if show_all else "No open todos.", err=True)
        return
    if sys.stdout.isatty():
        _print_table(todos)
    else:
        _print_plain(todos)


async def _list(show_all: bool) -> list[Todo]:
    from piper.domain.todo import TodoStatus
    from piper.storage import open_database

    async with open_database() as db:
        if show_all:
            return await db.todos.list(statuses=list(TodoStatus))
        return await db.todos.list()


def _describe(todo: Todo) -> str:
    if todo.blocked_reason:
        return f"{todo.text} (blocked: {todo.blocked_reason})"
    return todo.text


def _print_plain(todos: list[Todo]) -> None:
    """Print one tab-separated line per todo: id, status, priority, due, project, text (``-`` when empty)."""
    for todo in todos:
        fields = [
            str(todo.id),
            todo.status.value,
            todo.priority.value,
            todo.due.isoformat() if todo.due else "-",
            todo.project or "-",
            _describe(todo).replace("\t", " ").replace("\n", " "),
        ]
        sys.stdout.write("\t".join(fields) + "\n")


_PRIORITY_STYLES = {Priority.URGENT: "bold red", Priority.HIGH: "yellow", Priority.MEDIUM: "", Priority.LOW: "dim"}


def _print_table(todos: list[Todo]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("ID", justify="right")
    table.add_column("Priority")
    table.add_column("Status")
    table.add_column("Due")
    table.add_column("Project")
    table.add_column("Todo", overflow="fold")

    today = _local_today()
    for todo in todos:
        overdue = todo.due is not None and todo.due < today and todo.status.value != "done"
        table.add_row(
            str(todo.id),
            Text(todo.priority.value, style=_PRIORITY_STYLES[todo.priority]),
            todo.status.value,
            Text(todo.due.isoformat() if todo.due else "", style="red" if overdue else ""),
            Text(todo.project or ""),
            Text(_describe(todo), style="dim" if todo.status.value == "done" else ""),
        )
    Console().print(table)


@app.command("done")
def done(
    todo_id: int = typer.Argument(..., metavar="ID", help="The todo's id, as in piper todo list."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Mark a todo done."""
    output.set_json_mode(json_flag)
    todo = _run(_change(todo_id, "complete"))
    _report(todo, json_flag, f"Marked todo {todo.id} done: {todo.text}")


@app.command("block")
def block(
    todo_id: int = typer.Argument(..., metavar="ID", help="The todo's id, as in piper todo list."),
    reason: Optional[str] = typer.Option(None, "--reason", "-r", help="What it waits for; shown in the standup."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Mark a todo blocked; blocking it again replaces the reason."""
    output.set_json_mode(json_flag)
    todo = _run(_change(todo_id, "block", reason=reason))
    because = f" ({todo.blocked_reason})" if todo.blocked_reason else ""
    _report(todo, json_flag, f"Marked todo {todo.id} blocked: {todo.text}{because}")


@app.command("reopen")
def reopen(
    todo_id: int = typer.Argument(..., metavar="ID", help="The todo's id, as in piper todo list --all."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Open a done or blocked todo again."""
    output.set_json_mode(json_flag)
    todo = _run(_change(todo_id, "reopen"))
    _report(todo, json_flag, f"Reopened todo {todo.id}: {todo.text}")


@app.command("rm")
def remove(
    todo_id: int = typer.Argument(..., metavar="ID", help="The todo's id, as in piper todo list --all."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Delete a todo for good."""
    output.set_json_mode(json_flag)
    todo = _run(_change(todo_id, "remove"))
    _report(todo, json_flag, f"Removed todo {todo.id}: {todo.text}")


async def _change(todo_id: int, method: str, **arguments: Any) -> Todo:
    """Call the :class:`~piper.storage.TodoRepository` method ``method`` on one todo."""
    from piper.storage import open_database

    async with open_database() as db:
        return await getattr(db.todos, method)(todo_id, **arguments)


def _report(todo: Todo, json_flag: bool, message: str) -> None:
    if json_flag:
        output.print_success(todo.to_json())
    else:
        typer.echo(message)


class _Spinner:
    """A rich spinner on stderr while the block runs, only when stderr is a terminal."""

    def __init__(self, message: str) -> None:
        self._message = message
        self._status: Any = None

    def __enter__(self) -> None:
        if sys.stderr.isatty():
            from rich.console import Console

            self._status = Console(stderr=True).status(self._message)
            self._status.__enter__()

    def __exit__(self, *exc_info: object) -> None:
        if self._status is not None:
            self._status.__exit__(*exc_info)

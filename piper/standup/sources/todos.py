"""The ``todos`` standup source: todos done in the window, open todos and blocked ones.

Yesterday's accomplishments are the todos marked done inside the window.
Today's priorities are the open todos, most urgent first (priority, then
due date). Blockers are the blocked todos, each with its reason. Todos
created after the window are left out, so a standup for a past day does
not list later work. The status is today's: a todo done after a past
day's window is not listed as open for that day.

:func:`piper.domain.todo.select_window_todos` applies these rules to the
fetched todos. They are fetched with sqlite3 when
:mod:`piper.storage.fast_sqlite` can read the database, else through
SQLAlchemy.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from piper.domain.todo import Priority, Todo, TodoStatus, select_window_todos
from piper.errors import PiperError
from piper.standup.model import Item, SourceResult

if TYPE_CHECKING:
    import datetime as dt

    from piper.standup.model import StandupRequest
    from piper.standup.progress import Progress

logger = logging.getLogger(__name__)

_NOTED_PRIORITIES = (Priority.URGENT, Priority.HIGH)
"""Priorities written into an item's title; medium and low are left out."""


class TodoSource:
    """Reads the user's todos from Piper's database."""

    name = "todos"

    def __init__(self, database_url: str | None = None) -> None:
        self._database_url = database_url
        """Database to read; None means ``PIPER_DATABASE_URL``, else the default SQLite file."""

    async def collect(self, request: StandupRequest, progress: Progress) -> SourceResult:
        """Read the todos for the request's window; a database failure becomes an ``error`` result."""
        task = progress.add_task("Reading todos", total=1)
        try:
            fetched = await self._read(request)
        except PiperError as error:
            logger.warning("todos source failed: %s", error.message)
            reason = f"{error.message} {error.hint}" if error.hint else error.message
            return SourceResult.failed(self.name, reason)
        finally:
            progress.advance(task)

        window = select_window_todos(fetched, since=request.since, until=request.until)
        return SourceResult(
            name=self.name,
            yesterday=[_item(todo, request.timezone, moment=todo.completed_at) for todo in window.done],
            today=[_item(todo, request.timezone, moment=todo.created_at) for todo in window.open],
            blockers=[_item(todo, request.timezone, moment=todo.created_at) for todo in window.blocked],
            details={"done": len(window.done), "open": len(window.open), "blocked": len(window.blocked)},
        )

    async def _read(self, request: StandupRequest) -> list[Todo]:
        """Fetch the todos the window may list, with sqlite3 when possible, else through SQLAlchemy."""
        from piper.storage import fast_sqlite

        fetched = await fast_sqlite.read_todos(self._database_url, since=request.since, until=request.until)
        if fetched is not None:
            return fetched
        return await self._read_with_sqlalchemy(request)

    async def _read_with_sqlalchemy(self, request: StandupRequest) -> list[Todo]:
        # Importing SQLAlchemy takes a few hundred milliseconds; a thread keeps the
        # other sources running meanwhile.
        open_database, todo_repository = await asyncio.to_thread(_import_storage)

        async with open_database(self._database_url) as db, db.session(readonly=True) as session:
            todos = todo_repository(session)
            done = await todos.completed_between(request.since, request.until)
            active = await todos.list(created_before=request.until)
        return done + active


def _import_storage() -> tuple[Any, Any]:
    from piper.storage import TodoRepository, open_database

    return open_database, TodoRepository


def _item(todo: Todo, timezone: dt.tzinfo, *, moment: dt.datetime | None) -> Item:
    return Item(
        source="todos",
        kind="todo",
        id=str(todo.id),
        title=_title(todo),
        repo=None,
        url=None,
        timestamp=moment.astimezone(timezone) if moment else None,
    )


def _title(todo: Todo) -> str:
    """Return the todo's text followed by what matters about it: ``Ship it (urgent, due 2026-03-10)``."""
    notes: list[str] = []
    if todo.status is TodoStatus.BLOCKED:
        notes.append(f"blocked: {todo.blocked_reason}" if todo.blocked_reason else "blocked")
    if todo.status is not TodoStatus.DONE:
        if todo.priority in _NOTED_PRIORITIES:
            notes.append(todo.priority.value)
        if todo.due is not None:
            notes.append(f"due {todo.due.isoformat()}")
    if todo.project:
        notes.append(f"project {todo.project}")
    return f"{todo.text} ({', '.join(notes)})" if notes else todo.text

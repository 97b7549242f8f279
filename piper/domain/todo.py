"""Todos: the user's own list of things to do, with priority, due date and status.

A todo is open, blocked or done. Open and blocked todos can be marked done,
an open todo can be blocked, and done or blocked todos can be reopened.
:func:`check_transition` contains these rules, so every face rejects the
same changes.
"""

from __future__ import annotations

import datetime as dt
import enum
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from piper.errors import PiperError, UsageError


class Priority(str, enum.Enum):
    """Urgency of a todo; lists show ``urgent`` first."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        """Sort key: 0 for ``urgent`` up to 3 for ``low``."""
        return _PRIORITY_RANKS[self]


_PRIORITY_RANKS = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.MEDIUM: 2, Priority.LOW: 3}


class TodoStatus(str, enum.Enum):
    """Status of a todo."""

    OPEN = "open"
    BLOCKED = "blocked"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class Todo:
    """A todo as stored in the database."""

    id: int
    text: str
    priority: Priority
    status: TodoStatus
    due: dt.date | None
    project: str | None
    """Name of the project the todo belongs to, or None."""

    blocked_reason: str | None
    """Reason the todo is blocked; None when none was given or the todo is not blocked."""

    created_at: dt.datetime
    updated_at: dt.datetime
    completed_at: dt.datetime | None
    """When the todo was marked done (aware, UTC); None unless ``status`` is ``done``."""

    def to_json(self) -> dict[str, Any]:
        """Return the public JSON object of ``piper todo ... --json``; these keys are fixed."""
        return {
            "id": self.id,
            "text": self.text,
            "priority": self.priority.value,
            "status": self.status.value,
            "due": self.due.isoformat() if self.due else None,
            "project": self.project,
            "created_at": self.created_at.isoformat(),
            "completed_at": self.completed_at.isoformat() if self.completed_at else None,
        }


def urgency_key(todo: Todo) -> tuple[bool, int, bool, dt.date, dt.datetime, int]:
    """Return the sort key that puts the most urgent todo first.

    Order: done todos last, then priority (urgent first), then due date
    (soonest first, none last), then creation time and id. This is the
    order of ``TodoRepository.list``, which sorts by the same columns in SQL.
    """
    return (
        todo.status is TodoStatus.DONE,
        todo.priority.rank,
        todo.due is None,
        todo.due or dt.date.min,
        todo.created_at,
        todo.id,
    )


@dataclass(frozen=True, slots=True)
class WindowTodos:
    """The todos a standup lists for its window, by section, each in the order shown."""

    done: list[Todo]
    """Todos marked done in ``[since, until)``, oldest completion first."""

    open: list[Todo]
    """Open todos created before ``until``, most urgent first (:func:`urgency_key`)."""

    blocked: list[Todo]
    """Blocked todos created before ``until``, most urgent first."""


def select_window_todos(todos: Iterable[Todo], *, since: dt.datetime, until: dt.datetime) -> WindowTodos:
    """Pick and order the todos that a standup for the window ``[since, until)`` lists.

    ``todos`` may contain any todos in any order, and those outside these
    rules are dropped. Todos created after the window are left out, so a
    standup for a past day does not list later work. The status is
    today's, so a todo done after a past day's window is not listed as open
    for that day.
    """
    done: list[Todo] = []
    open_todos: list[Todo] = []
    blocked: list[Todo] = []
    for todo in todos:
        if todo.status is TodoStatus.DONE:
            if todo.completed_at is not None and since <= todo.completed_at < until:
                done.append(todo)
        elif todo.created_at >= until:
            continue
        elif todo.status is TodoStatus.OPEN:
            open_todos.append(todo)
        else:
            blocked.append(todo)

    done.sort(key=lambda todo: (todo.completed_at, todo.id))
    open_todos.sort(key=urgency_key)
    blocked.sort(key=urgency_key)
    return WindowTodos(done=done, open=open_todos, blocked=blocked)


class TodoStateError(PiperError):
    """A status change that the todo's current status does not allow (done twice, ...)."""


def check_transition(todo: Todo, target: TodoStatus) -> None:
    """Raise :class:`TodoStateError` unless ``todo`` may move to ``target``.

    Allowed: open or blocked to done, open to blocked, blocked to blocked (a
    new reason), and done or blocked back to open.
    """
    current = todo.status
    details = {"id": todo.id, "status": current.value, "requested_status": target.value}

    if target is TodoStatus.DONE and current is TodoStatus.DONE:
        raise TodoStateError(
            f"Todo {todo.id} is already done.",
            hint=f"Reopen it first if it needs more work: piper todo reopen {todo.id}",
            details=details,
        )
    if target is TodoStatus.BLOCKED and current is TodoStatus.DONE:
        raise TodoStateError(
            f"Todo {todo.id} is done, so it cannot be blocked.",
            hint=f"Reopen it first: piper todo reopen {todo.id}",
            details=details,
        )
    if target is TodoStatus.OPEN and current is TodoStatus.OPEN:
        raise TodoStateError(f"Todo {todo.id} is already open.", details=details)


MAX_TODO_TEXT = 1000
"""Longest todo text in characters: a todo is one line in lists and standups."""


def normalize_text(text: str) -> str:
    """Return the todo text on one line: a leading byte-order mark dropped, runs of
    whitespace and control characters (tabs, newlines) turned into one space.

    A todo is one line in every list and standup, so a pasted newline must not break the layout.

    Raises:
        UsageError: when nothing but whitespace is left.
    """
    without_controls = "".join(" " if character.isspace() or unicodedata.category(character) == "Cc" else character
                               for character in text.lstrip("\ufeff"))
    cleaned = " ".join(without_controls.split())
    if len(cleaned) > MAX_TODO_TEXT:
        raise UsageError(
            f"The todo text is {len(cleaned)} characters long; the limit is {MAX_TODO_TEXT}.",
            hint="Keep the todo to one line and put the details in a document.",
        )
    if not cleaned:
        raise UsageError("The todo text is empty.", hint='Give the text in quotes: piper todo add "Write the spec"')
    return cleaned


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_due_date(text: str, *, today: dt.date) -> dt.date:
    """Parse a due date given by the user.

    Accepts ``YYYY-MM-DD``, ``today``, ``tomorrow`` and weekday names
    (``friday`` or ``fri``), case-insensitively. A weekday name means the
    next such day after ``today``, so ``friday`` on a Friday is a week later.

    Raises:
        UsageError: naming the value and the accepted forms.
    """
    word = text.strip().lower()
    if word == "today":
        return today
    if word == "tomorrow":
        return today + dt.timedelta(days=1)

    for index, weekday in enumerate(_WEEKDAYS):
        if len(word) >= 3 and weekday.startswith(word):
            days_ahead = (index - today.weekday() - 1) % 7 + 1
            return today + dt.timedelta(days=days_ahead)

    try:
        return dt.date.fromisoformat(word)
    except ValueError:
        raise UsageError(
            f"Invalid due date {text!r}.",
            hint="Use YYYY-MM-DD, today, tomorrow or a weekday name such as friday.",
            details={"due": text},
        ) from None

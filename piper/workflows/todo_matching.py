"""Finding the todo a user means by a few words, such as "the roadmap todo"."""

from __future__ import annotations

import re
from collections.abc import Sequence

from piper.domain.todo import Todo

FILLER_WORDS = frozenset({"the", "a", "an", "my", "todo", "todos", "task", "item", "one", "that", "this", "about"})
"""Words that name the todo rather than describe it, ignored when matching ("the roadmap todo" matches by "roadmap")."""

_ID_PATTERN = re.compile(r"#?(\d+)")


def todo_id_in(query: str) -> int | None:
    """Return the id when ``query`` is only a todo id such as ``7`` or ``#7``, else None."""
    found = _ID_PATTERN.fullmatch(query.strip())
    return int(found.group(1)) if found else None


def match_todos(query: str, todos: Sequence[Todo]) -> list[Todo]:
    """Return the todos that ``query`` describes, in the order given.

    A todo whose whole text equals the query (ignoring case and spacing)
    wins alone. Otherwise a todo matches when its text contains every word
    of the query that is not a filler word.
    """
    wanted = _normalize(query)
    exact = [todo for todo in todos if _normalize(todo.text) == wanted]
    if exact:
        return exact

    words = [word for word in re.findall(r"\w+", wanted) if word not in FILLER_WORDS]
    if not words:
        return []
    return [todo for todo in todos if all(word in _normalize(todo.text) for word in words)]


def _normalize(text: str) -> str:
    return " ".join(text.casefold().split())

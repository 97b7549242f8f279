"""Queries on todos: the open list."""

from __future__ import annotations

from typing import Any

from piper.domain.todo import Todo, TodoStatus
from piper.queries.model import QueryAnswer, QueryContext


def todo_line(todo: Todo) -> str:
    """Return one markdown list line such as ``- #3 Call Grace (high, due 2026-03-09, project Atlas)``."""
    details = [todo.priority.value]
    if todo.due is not None:
        details.append(f"due {todo.due.isoformat()}")
    if todo.project:
        details.append(f"project {todo.project}")
    if todo.status is TodoStatus.BLOCKED:
        details.append(f"blocked: {todo.blocked_reason}" if todo.blocked_reason else "blocked")
    return f"- #{todo.id} {todo.text} ({', '.join(details)})"


async def list_todos(context: QueryContext, entities: dict[str, Any]) -> QueryAnswer:
    """List open and blocked todos, most urgent first; a ``project`` entity narrows the list."""
    todos = await context.database.todos.list()
    project = entities.get("project")
    if project:
        todos = [todo for todo in todos if todo.project and todo.project.casefold() == str(project).casefold()]

    result = {"todos": [todo.to_json() for todo in todos], "count": len(todos)}
    scope = f" in project {project}" if project else ""
    if not todos:
        return QueryAnswer(f"You have no open todos{scope}.", result)

    noun = "todo" if len(todos) == 1 else "todos"
    lines = [f"You have {len(todos)} open {noun}{scope}:", "", *(todo_line(todo) for todo in todos)]
    return QueryAnswer("\n".join(lines), result)

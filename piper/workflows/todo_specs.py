"""Workflow types for todos: what each needs and how a todo named in words is found."""

from __future__ import annotations

from piper.domain.todo import Priority, Todo, TodoStatus, parse_due_date
from piper.errors import UsageError
from piper.workflows.todo_matching import match_todos, todo_id_in
from piper.workflows.validation import Clarify, PlannedTask, ValidationRegistry, ValidationScope, WorkflowSpec

MAX_LISTED_CANDIDATES = 5
"""Todos listed in a clarifying question; more are summarised as a count."""

_PRIORITY_WORDS = {priority.value: priority for priority in Priority}


async def _create_todo(scope: ValidationScope) -> list[PlannedTask]:
    text = scope.text("todo") or scope.text("title")
    if text is None:
        raise Clarify("todo", "What should the todo say?")

    task_input: dict[str, object] = {"text": text, "priority": _priority(scope, required=False).value}
    due = scope.text("due") or scope.text("date")
    if due is not None:
        task_input["due"] = _due(due, scope)
    project = scope.text("project")
    if project is not None:
        task_input["project"] = project
    return [PlannedTask("todo.create", task_input)]


def _priority(scope: ValidationScope, *, required: bool) -> Priority:
    word = scope.text("priority")
    if word is None:
        if required:
            raise Clarify("priority", "Which priority: low, medium, high or urgent?")
        return Priority.MEDIUM
    priority = _PRIORITY_WORDS.get(word.casefold())
    if priority is None:
        raise Clarify("priority", f"{word!r} is not a priority. Which one: low, medium, high or urgent?")
    return priority


def _due(text: str, scope: ValidationScope) -> str:
    try:
        return parse_due_date(text, today=scope.today).isoformat()
    except UsageError:
        raise Clarify("due", f"{text!r} is not a date I can read. When is it due (YYYY-MM-DD, tomorrow, friday)?") from None


async def resolve_todo(scope: ValidationScope, statuses: tuple[TodoStatus, ...], verb: str) -> int:
    """Return the id of the one todo that the ``todo`` entity names among todos with ``statuses``.

    An id (``7``, ``#7``) is returned as given, so the handler reports a
    todo that does not exist or has the wrong status. Words are matched with
    :func:`match_todos`.

    Raises:
        Clarify: when the entity is missing, matches no todo, or matches several.
    """
    query = scope.text("todo") or scope.text("title")
    if query is None:
        raise Clarify("todo", f"Which todo should I {verb}? Give its id or a few words of its text.")

    todo_id = todo_id_in(query)
    if todo_id is not None:
        return todo_id
    if scope.database is None:
        raise Clarify("todo", f"Which todo should I {verb}? Give its id.")

    from piper.storage import TodoRepository

    todos = await TodoRepository(scope.database).list(statuses=statuses)
    if scope.candidate_ids:
        todos = [todo for todo in todos if todo.id in scope.candidate_ids]
    matches = match_todos(query, todos)

    kind = " or ".join(status.value for status in statuses)
    if not matches:
        raise Clarify("todo", f"No {kind} todo matches {query!r}. Which todo should I {verb}?{_listing(todos)}")
    if len(matches) > 1:
        raise Clarify(
            "todo",
            f"Several {kind} todos match {query!r}. Which one should I {verb}?{_listing(matches)}",
            candidates=tuple({"id": todo.id, "text": todo.text} for todo in matches),
        )
    return matches[0].id


def _listing(todos: list[Todo]) -> str:
    if not todos:
        return ""
    lines = [f"\n- {todo.id}: {todo.text}" for todo in todos[:MAX_LISTED_CANDIDATES]]
    more = len(todos) - MAX_LISTED_CANDIDATES
    if more > 0:
        lines.append(f"\n- and {more} more")
    return "".join(lines)


_ACTIVE = (TodoStatus.OPEN, TodoStatus.BLOCKED)


async def _complete_todo(scope: ValidationScope) -> list[PlannedTask]:
    return [PlannedTask("todo.complete", {"id": await resolve_todo(scope, _ACTIVE, "mark done")})]


async def _block_todo(scope: ValidationScope) -> list[PlannedTask]:
    todo_id = await resolve_todo(scope, (TodoStatus.OPEN, TodoStatus.BLOCKED), "block")
    return [PlannedTask("todo.block", {"id": todo_id, "reason": scope.text("reason")})]


async def _reopen_todo(scope: ValidationScope) -> list[PlannedTask]:
    todo_id = await resolve_todo(scope, (TodoStatus.DONE, TodoStatus.BLOCKED), "reopen")
    return [PlannedTask("todo.reopen", {"id": todo_id})]


async def _delete_todo(scope: ValidationScope) -> list[PlannedTask]:
    return [PlannedTask("todo.delete", {"id": await resolve_todo(scope, tuple(TodoStatus), "delete")})]


async def _update_todo_priority(scope: ValidationScope) -> list[PlannedTask]:
    todo_id = await resolve_todo(scope, _ACTIVE, "change")
    priority = _priority(scope, required=True)
    return [PlannedTask("todo.update_priority", {"id": todo_id, "priority": priority.value})]


def register_todo_specs(registry: ValidationRegistry) -> None:
    registry.register(WorkflowSpec("create_todo", _create_todo, "add a todo"))
    registry.register(WorkflowSpec("complete_todo", _complete_todo, "mark a todo done"))
    registry.register(WorkflowSpec("block_todo", _block_todo, "mark a todo blocked"))
    registry.register(WorkflowSpec("reopen_todo", _reopen_todo, "reopen a todo"))
    registry.register(WorkflowSpec("delete_todo", _delete_todo, "delete a todo"))
    registry.register(WorkflowSpec("update_todo_priority", _update_todo_priority, "change a todo's priority"))

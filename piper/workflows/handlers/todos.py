"""Task handlers for todos: create, complete, block, reopen, delete and change priority."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from piper.domain.todo import Priority, Todo
from piper.domain.workflow import Task
from piper.errors import PiperError
from piper.workflows.handlers.registry import HandlerContext, HandlerRegistry, TaskOutcome

if TYPE_CHECKING:
    from piper.storage import Database


def _database(context: HandlerContext) -> Database:
    if context.database is None:
        raise PiperError("Todo tasks need Piper's database, and this engine has none.")
    return context.database


def _outcome(todo: Todo, message: str) -> TaskOutcome:
    return TaskOutcome.done(message, {"todo": todo.to_json()})


async def create_todo(task: Task, context: HandlerContext) -> TaskOutcome:
    """Add a todo; a project named in the input is created when it does not exist."""
    from piper.storage import ProjectRepository, TodoRepository

    due = task.input.get("due")
    project_name = task.input.get("project")
    async with _database(context).session() as session:
        project = None
        if project_name:
            project, _ = await ProjectRepository(session).get_or_create(project_name)
        todo = await TodoRepository(session).add(
            task.input["text"],
            priority=Priority(task.input.get("priority", Priority.MEDIUM.value)),
            due=dt.date.fromisoformat(due) if due else None,
            project_id=project.id if project else None,
        )
    return _outcome(todo, f"Added todo {todo.id}: {todo.text}")


async def complete_todo(task: Task, context: HandlerContext) -> TaskOutcome:
    from piper.storage import TodoRepository

    todo = await TodoRepository(_database(context)).complete(int(task.input["id"]))
    return _outcome(todo, f"Marked todo {todo.id} done: {todo.text}")


async def block_todo(task: Task, context: HandlerContext) -> TaskOutcome:
    from piper.storage import TodoRepository

    todo = await TodoRepository(_database(context)).block(int(task.input["id"]), reason=task.input.get("reason"))
    because = f" ({todo.blocked_reason})" if todo.blocked_reason else ""
    return _outcome(todo, f"Marked todo {todo.id} blocked: {todo.text}{because}")


async def reopen_todo(task: Task, context: HandlerContext) -> TaskOutcome:
    from piper.storage import TodoRepository

    todo = await TodoRepository(_database(context)).reopen(int(task.input["id"]))
    return _outcome(todo, f"Reopened todo {todo.id}: {todo.text}")


async def delete_todo(task: Task, context: HandlerContext) -> TaskOutcome:
    from piper.storage import TodoRepository

    todo = await TodoRepository(_database(context)).remove(int(task.input["id"]))
    return _outcome(todo, f"Removed todo {todo.id}: {todo.text}")


async def update_todo_priority(task: Task, context: HandlerContext) -> TaskOutcome:
    from piper.storage import TodoRepository

    priority = Priority(task.input["priority"])
    todo = await TodoRepository(_database(context)).set_priority(int(task.input["id"]), priority)
    return _outcome(todo, f"Set todo {todo.id} to {priority.value} priority: {todo.text}")


def register_todo_handlers(registry: HandlerRegistry) -> None:
    registry.register("todo.create", create_todo)
    registry.register("todo.complete", complete_todo)
    registry.register("todo.block", block_todo)
    registry.register("todo.reopen", reopen_todo)
    registry.register("todo.delete", delete_todo)
    registry.register("todo.update_priority", update_todo_priority)

"""Queries on projects: the list, one project, and its status from its todos."""

from __future__ import annotations

from typing import Any

from piper.domain.project import Project
from piper.domain.todo import TodoStatus
from piper.queries.model import QueryAnswer, QueryContext
from piper.queries.todos import todo_line


async def list_projects(context: QueryContext, entities: dict[str, Any]) -> QueryAnswer:
    projects = await context.database.projects.list()
    result = {"projects": [project.to_json() for project in projects], "count": len(projects)}
    if not projects:
        return QueryAnswer("You have no projects yet. Add one with `piper project add NAME`.", result)

    lines = [f"You have {len(projects)} project{'s' if len(projects) != 1 else ''}:", ""]
    for project in projects:
        default = " (default)" if project.is_default else ""
        description = f": {project.description}" if project.description else ""
        lines.append(f"- {project.name}{default}{description}")
    return QueryAnswer("\n".join(lines), result)


async def _named_project(context: QueryContext, entities: dict[str, Any]) -> Project | QueryAnswer:
    """Return the project that the ``project`` entity names (else the default one), or the answer that none was found."""
    name = entities.get("project")
    if name:
        project = await context.database.projects.find(str(name))
        if project is None:
            return QueryAnswer(f"I found no project named {name!r}. `piper project list` shows them.", {"project": None})
        return project

    project = await context.database.projects.default()
    if project is None:
        return QueryAnswer(
            "Which project? Name it, or set a default with `piper project add NAME --default`.", {"project": None}
        )
    return project


async def get_project(context: QueryContext, entities: dict[str, Any]) -> QueryAnswer:
    found = await _named_project(context, entities)
    if isinstance(found, QueryAnswer):
        return found

    lines = [f"**{found.name}**" + (" (default)" if found.is_default else "")]
    if found.description:
        lines.append(found.description)
    if found.archived:
        lines.append("This project is archived.")
    return QueryAnswer("\n".join(lines), {"project": found.to_json()})


async def get_project_status(context: QueryContext, entities: dict[str, Any]) -> QueryAnswer:
    """Summarise a project from its todos: how many are open, blocked and done, and what is blocked."""
    found = await _named_project(context, entities)
    if isinstance(found, QueryAnswer):
        return found

    todos = await context.database.todos.list(statuses=tuple(TodoStatus))
    mine = [todo for todo in todos if todo.project and todo.project.casefold() == found.name.casefold()]
    counts = {status.value: sum(1 for todo in mine if todo.status is status) for status in TodoStatus}
    result = {"project": found.to_json(), "todo_counts": counts}

    if not mine:
        return QueryAnswer(f"{found.name} has no todos yet, so I have nothing to report on it.", result)

    summary = ", ".join(f"{count} {status}" for status, count in counts.items())
    lines = [f"**{found.name}**: {summary}."]
    blocked = [todo for todo in mine if todo.status is TodoStatus.BLOCKED]
    if blocked:
        lines.extend(["", "Blocked:", *(todo_line(todo) for todo in blocked)])
    return QueryAnswer("\n".join(lines), result)

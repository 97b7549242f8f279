"""What is blocking: blocked todos and stopped git operations, answered offline from Piper's own data."""

from __future__ import annotations

from typing import Any

from piper.domain.todo import TodoStatus
from piper.errors import PiperError
from piper.queries.model import QueryAnswer, QueryContext
from piper.queries.todos import todo_line


async def analyze_blockers(context: QueryContext, entities: dict[str, Any]) -> QueryAnswer:
    """List blocked todos (of one project when the message names it) and the git blockers of the standup.

    The git part reads the configured repositories, else the current one, as ``piper standup`` does.
    """
    project = entities.get("project")
    todos = await context.database.todos.list()
    blocked = [todo for todo in todos if todo.status is TodoStatus.BLOCKED]
    if project:
        blocked = [todo for todo in blocked if (todo.project or "").casefold() == str(project).casefold()]

    git_blockers, git_problem = await _git_blockers(context)

    scope = f" in {project}" if project else ""
    lines: list[str] = []
    if blocked:
        lines.append(f"{len(blocked)} blocked todo{'s' if len(blocked) != 1 else ''}{scope}:")
        lines.extend(todo_line(todo) for todo in blocked)
    else:
        lines.append(f"No blocked todos{scope}.")
    if git_blockers:
        lines.append("")
        lines.append("Stopped in git:")
        lines.extend(f"- {item['title']} ({item['repo']})" for item in git_blockers)
    elif git_problem:
        lines.append("")
        lines.append(f"I could not check git: {git_problem}")

    result = {
        "blocked_todos": [todo.to_json() for todo in blocked],
        "git_blockers": git_blockers,
        "project": project,
    }
    return QueryAnswer("\n".join(lines), result)


async def _git_blockers(context: QueryContext) -> tuple[list[dict[str, Any]], str | None]:
    from piper.standup.request import StandupOptions, build_request
    from piper.standup.service import run_standup

    try:
        request = build_request(StandupOptions(sources=["git"]), context.settings)
        outcome = await run_standup(request, save=False)
    except PiperError as error:
        return [], error.message
    return [item.to_json() for item in outcome.report.blockers], None

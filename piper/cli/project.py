"""`piper project`: projects that group todos, with linked repositories and one default project."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Optional

import typer

from piper.cli import output

if TYPE_CHECKING:
    from piper.domain.project import Project
    from piper.storage import Database

app = typer.Typer(help="Create, list, show and archive projects.", no_args_is_help=True, rich_markup_mode=None)

JSON_HELP = "Print the result as JSON."


def _run(coroutine: Any) -> Any:
    import asyncio

    return asyncio.run(coroutine)


def _say(message: str) -> None:
    """Print a confirmation: on stdout normally, on stderr in JSON mode so stdout stays one document."""
    typer.echo(message, err=output.session.json_mode)


@app.command("add")
def add(
    name: str = typer.Argument(..., help="Project name; unique regardless of case."),
    description: Optional[str] = typer.Option(None, "--description", help="One line about the project."),
    repositories: list[str] = typer.Option(
        [], "--repo", help="Repository to link: OWNER/NAME on GitHub or the path of a local clone. Repeatable."
    ),
    make_default: bool = typer.Option(False, "--default", help="Make it the default project for new todos."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Create a project, optionally linking repositories and making it the default."""
    output.set_json_mode(json_flag)
    from piper.storage.repositories.projects import check_project_name
    from piper.workflows.project_specs import normalize_repository

    name = check_project_name(name)
    linked = [normalize_repository(repository) for repository in repositories]
    entities = {"project": name, "description": description, "repositories": linked, "default": make_default}

    data, messages = _run(_run_workflow("create_project", entities))
    for message in messages:
        _say(message)
    if json_flag:
        output.print_success(data)


@app.command("archive")
def archive(
    name: str = typer.Argument(..., help="Project name."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Archive a project: it leaves the list and stops being the default; its todos keep it."""
    output.set_json_mode(json_flag)
    data, messages = _run(_run_workflow("archive_project", {"project": name}))
    for message in messages:
        _say(message)
    if json_flag:
        output.print_success(data)


async def _run_workflow(action: str, entities: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Run the project workflow and return the project's JSON and the task messages.

    Raises:
        NotFoundError: when the project named for archiving does not exist.
        PiperError: with the failed task's message when the workflow failed.
    """
    from piper.errors import NotFoundError, PiperError
    from piper.storage import open_database
    from piper.workflows.engine import build_engine
    from piper.workflows.factory import WorkflowFactory
    from piper.workflows.validation import ClarificationNeeded

    async with open_database() as db:
        planned = await WorkflowFactory(db).create(action, entities)
        if isinstance(planned, ClarificationNeeded):
            raise NotFoundError(
                f"No project named {entities['project']!r}.",
                hint="List the projects with: piper project list --all",
                details={"project": entities["project"]},
            )
        workflow = await build_engine(db).run(planned)
        messages = [task.message for task in workflow.tasks if task.message and task.status.value == "completed"]
        if not workflow.succeeded:
            raise PiperError(
                workflow.error or f"The {action} workflow ended {workflow.status.value}.",
                details={"workflow_id": workflow.id, "status": workflow.status.value, "done": messages},
            )
        data = await _project_data(db, (await _find_project(db, entities["project"])))
    return data, messages


async def _find_project(db: Database, name: str) -> Project:
    from piper.errors import NotFoundError
    from piper.storage import ProjectRepository

    project = await ProjectRepository(db).find(name)
    if project is None:
        raise NotFoundError(
            f"No project named {name!r}.",
            hint="List the projects with: piper project list --all",
            details={"project": name},
        )
    return project


async def _project_data(db: Database, project: Project) -> dict[str, Any]:
    from piper.storage.repositories.project_links import ProjectLinkRepository

    return {**project.to_json(), "repositories": await ProjectLinkRepository(db).repositories(project.id)}


@app.command("list")
def list_projects(
    show_all: bool = typer.Option(False, "--all", "-a", help="Include archived projects."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """List projects by name; the default project is marked with *."""
    output.set_json_mode(json_flag)
    projects = _run(_list(show_all))

    if json_flag:
        output.print_success({"projects": projects})
        return
    if not projects:
        typer.echo("No projects." if show_all else "No active projects.", err=True)
        return
    for project in projects:
        default_mark = "*" if project["is_default"] else " "
        archived_note = " (archived)" if project["archived"] else ""
        repositories = ", ".join(project["repositories"]) or "-"
        sys.stdout.write(f"{default_mark} {project['name']}{archived_note}\t{repositories}\n")


async def _list(show_all: bool) -> list[dict[str, Any]]:
    from piper.storage import ProjectRepository, open_database
    from piper.storage.repositories.project_links import ProjectLinkRepository

    async with open_database() as db:
        projects = await ProjectRepository(db).list(include_archived=show_all)
        links = await ProjectLinkRepository(db).repositories_by_project()
    return [{**project.to_json(), "repositories": links.get(project.id, [])} for project in projects]


@app.command("show")
def show(
    name: str = typer.Argument(..., help="Project name, in any case."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Show a project: description, status, repositories and its open and blocked todos."""
    output.set_json_mode(json_flag)
    data = _run(_show(name))

    if json_flag:
        output.print_success(data)
        return
    status = "archived" if data["archived"] else "active"
    lines = [
        f"Project:      {data['name']}{' (default)' if data['is_default'] else ''}",
        f"Status:       {status}",
        f"Description:  {data['description'] or '-'}",
        f"Repositories: {', '.join(data['repositories']) or '-'}",
        f"Todos:        {len(data['todos'])} open or blocked",
    ]
    lines.extend(f"  {todo['id']}\t{todo['status']}\t{todo['priority']}\t{todo['text']}" for todo in data["todos"])
    typer.echo("\n".join(lines))


async def _show(name: str) -> dict[str, Any]:
    from piper.storage import TodoRepository, open_database

    async with open_database() as db:
        project = await _find_project(db, name)
        data = await _project_data(db, project)
        todos = await TodoRepository(db).list()
    data["todos"] = [todo.to_json() for todo in todos if todo.project == project.name]
    return data

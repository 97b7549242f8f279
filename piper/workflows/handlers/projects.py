"""Task handlers for projects: create, archive, set the default and link repositories."""

from __future__ import annotations

from typing import TYPE_CHECKING

from piper.domain.workflow import Task
from piper.errors import PiperError
from piper.workflows.handlers.registry import HandlerContext, HandlerRegistry, TaskOutcome

if TYPE_CHECKING:
    from piper.storage import Database


def _database(context: HandlerContext) -> Database:
    if context.database is None:
        raise PiperError("Project tasks need Piper's database, and this engine has none.")
    return context.database


async def create_project(task: Task, context: HandlerContext) -> TaskOutcome:
    from piper.storage import ProjectRepository

    project = await ProjectRepository(_database(context)).add(
        task.input["name"], description=task.input.get("description")
    )
    return TaskOutcome.done(f"Created project {project.name!r}.", {"project": project.to_json()})


async def archive_project(task: Task, context: HandlerContext) -> TaskOutcome:
    from piper.storage import ProjectRepository

    project = await ProjectRepository(_database(context)).archive(task.input["name"])
    return TaskOutcome.done(f"Archived project {project.name!r}.", {"project": project.to_json()})


async def set_default_project(task: Task, context: HandlerContext) -> TaskOutcome:
    from piper.storage import ProjectRepository

    project = await ProjectRepository(_database(context)).set_default(task.input["name"])
    return TaskOutcome.done(f"Project {project.name!r} is now the default.", {"project": project.to_json()})


async def link_repository(task: Task, context: HandlerContext) -> TaskOutcome:
    from piper.storage.repositories.project_links import ProjectLinkRepository

    project, repository = task.input["project"], task.input["repository"]
    added = await ProjectLinkRepository(_database(context)).link(project, repository)
    message = f"Linked {repository} to project {project!r}." if added else f"{repository} was already linked to {project!r}."
    return TaskOutcome.done(message, {"project": project, "repository": repository, "added": added})


def register_project_handlers(registry: HandlerRegistry) -> None:
    registry.register("project.create", create_project)
    registry.register("project.archive", archive_project)
    registry.register("project.set_default", set_default_project)
    registry.register("project.link_repository", link_repository)

"""Workflow types for projects, and the form of a linked repository."""

from __future__ import annotations

import re
from pathlib import Path

from piper.errors import UsageError
from piper.workflows.validation import Clarify, PlannedTask, ValidationRegistry, ValidationScope, WorkflowSpec

GITHUB_REPOSITORY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")
"""``owner/name`` as GitHub allows them: an owner of up to 39 letters, digits and hyphens, a name of up to 100 characters."""


def normalize_repository(value: str, *, base: Path | None = None) -> str:
    """Return a repository to link: ``owner/name`` as given, or an absolute path to an existing folder.

    A value is a path when it names an existing folder (relative to ``base``,
    default the current folder) or starts with ``/``, ``.`` or ``~``. Any
    other value must be ``owner/name``.

    Raises:
        UsageError: for a path that is not an existing folder, or a value of neither form.
    """
    cleaned = value.strip()
    if not cleaned:
        raise UsageError("The repository is empty.", hint="Give OWNER/NAME or the path of a local clone.")

    path = Path(cleaned).expanduser()
    if not path.is_absolute():
        path = (base or Path.cwd()) / path
    looks_like_path = cleaned.startswith(("/", ".", "~"))
    if path.is_dir():
        return str(path.resolve())
    if looks_like_path:
        raise UsageError(
            f"The repository path {cleaned} is not an existing folder.",
            hint="Give the path of a local clone, or OWNER/NAME for a GitHub repository.",
            details={"repository": cleaned},
        )
    if not GITHUB_REPOSITORY.fullmatch(cleaned):
        raise UsageError(
            f"Invalid repository {cleaned!r}: expected OWNER/NAME or the path of a local clone.",
            details={"repository": cleaned},
        )
    return cleaned


async def _check_project_exists(scope: ValidationScope, name: str, verb: str) -> None:
    if scope.database is None:
        return
    from piper.storage import ProjectRepository

    projects = ProjectRepository(scope.database)
    if await projects.find(name) is not None:
        return
    names = [project.name for project in await projects.list()]
    listing = f" Projects: {', '.join(names)}." if names else " There are no projects yet."
    raise Clarify("project", f"There is no project named {name!r}. Which project should I {verb}?{listing}")


async def _create_project(scope: ValidationScope) -> list[PlannedTask]:
    from piper.storage.repositories.projects import check_project_name

    name = check_project_name(scope.require_text("project", "What should the project be called?"))
    tasks = [PlannedTask("project.create", {"name": name, "description": scope.text("description")})]

    repositories = scope.entities.get("repositories") or []
    if scope.text("repository"):
        repositories = [*repositories, scope.text("repository")]
    for repository in repositories:
        tasks.append(PlannedTask("project.link_repository", {"project": name, "repository": normalize_repository(repository)}))

    if scope.entities.get("default"):
        tasks.append(PlannedTask("project.set_default", {"name": name}))
    return tasks


async def _archive_project(scope: ValidationScope) -> list[PlannedTask]:
    name = scope.require_text("project", "Which project should I archive?")
    await _check_project_exists(scope, name, "archive")
    return [PlannedTask("project.archive", {"name": name})]


async def _set_default_project(scope: ValidationScope) -> list[PlannedTask]:
    name = scope.require_text("project", "Which project should be the default?")
    await _check_project_exists(scope, name, "make the default")
    return [PlannedTask("project.set_default", {"name": name})]


async def _link_repository(scope: ValidationScope) -> list[PlannedTask]:
    name = scope.require_text("project", "Which project should the repository belong to?")
    repository = scope.require_text("repository", "Which repository: OWNER/NAME or the path of a local clone?")
    await _check_project_exists(scope, name, "link it to")
    try:
        normalized = normalize_repository(repository)
    except UsageError as error:
        raise Clarify("repository", f"{error.message} Which repository should I link?") from None
    return [PlannedTask("project.link_repository", {"project": name, "repository": normalized})]


def register_project_specs(registry: ValidationRegistry) -> None:
    registry.register(WorkflowSpec("create_project", _create_project, "create a project"))
    registry.register(WorkflowSpec("archive_project", _archive_project, "archive a project"))
    registry.register(WorkflowSpec("set_default_project", _set_default_project, "set the default project"))
    registry.register(WorkflowSpec("link_repository", _link_repository, "link a repository to a project"))

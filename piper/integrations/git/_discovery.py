"""Find git repositories below a folder.

Working trees, linked worktrees and submodules (where ``.git`` is a file) and
bare repositories all count. Folders that hold tools' files rather than
projects are skipped.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from piper.integrations.git._repository import NotARepositoryError, Repository, repository_at

logger = logging.getLogger(__name__)

SKIPPED_FOLDER_NAMES = frozenset(
    {
        ".git",
        "node_modules",
        "bower_components",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        ".nox",
        ".cache",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
        ".eggs",
        "site-packages",
        ".gradle",
        ".terraform",
        ".direnv",
    }
)
"""Folders never searched: dependencies, virtualenvs, caches and git's own internals."""


@dataclass(slots=True)
class DiscoveryResult:
    """Repositories found below a folder, and the folders that looked like repositories but are broken."""

    repositories: list[Repository] = field(default_factory=list)
    errors: list[tuple[Path, str]] = field(default_factory=list)
    """Each broken folder with the reason, such as a ``.git`` file that points nowhere."""


def discover_repositories(
    root: Path, depth: int, *, follow_links: bool = False, include_nested: bool = False
) -> DiscoveryResult:
    """Find repositories in ``root`` and up to ``depth`` folder levels below it, sorted by path.

    A found working tree is not searched further unless ``include_nested``.
    Symbolic links to folders are followed only with ``follow_links``, and each
    real folder is searched once, so a link loop ends.
    """
    result = DiscoveryResult()
    visited: set[tuple[int, int]] = set()
    pending: list[tuple[Path, int]] = [(Path(root).expanduser().resolve(), 0)]

    while pending:
        folder, level = pending.pop()
        if not _first_visit(folder, visited):
            continue

        try:
            repository = repository_at(folder)
        except NotARepositoryError as error:
            result.errors.append((folder, error.message))
            continue
        if repository is not None:
            result.repositories.append(repository)
            if repository.bare or not include_nested:
                continue

        if level >= depth:
            continue
        pending.extend((child, level + 1) for child in reversed(_child_folders(folder, follow_links)))

    result.repositories.sort(key=lambda repository: str(repository.path))
    return result


def _first_visit(folder: Path, visited: set[tuple[int, int]]) -> bool:
    try:
        status = folder.stat()
    except OSError as error:
        logger.debug("skipped %s: %s", folder, error)
        return False
    key = (status.st_dev, status.st_ino)
    if key in visited:
        return False
    visited.add(key)
    return True


def _child_folders(folder: Path, follow_links: bool) -> list[Path]:
    """List the sub-folders worth searching, sorted by name."""
    try:
        with os.scandir(folder) as iterator:
            entries = sorted(iterator, key=lambda entry: entry.name)
    except OSError as error:
        # NOTE: the caller sees no error entry for this folder, only this log line (-v shows it).
        logger.warning("cannot list %s while scanning: %s", folder, error.strerror or error)
        return []

    children = []
    for entry in entries:
        if entry.name in SKIPPED_FOLDER_NAMES:
            continue
        try:
            if entry.is_symlink() and not follow_links:
                continue
            if not entry.is_dir(follow_symlinks=True):
                continue
        except OSError:
            continue

        path = Path(entry.path)
        if _is_virtualenv(path):
            continue
        # Report repositories reached through a link by their real path, as --repo does.
        children.append(path.resolve() if entry.is_symlink() else path)
    return children


def _is_virtualenv(path: Path) -> bool:
    """Return True for a virtualenv under any name: it has ``pyvenv.cfg``."""
    try:
        return (path / "pyvenv.cfg").is_file()
    except OSError:
        return False

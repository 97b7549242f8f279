"""Locate git repositories on disk without running git.

A path can reach a repository in four ways. It can be a working tree with a
``.git`` folder (or a folder inside one), a linked worktree or submodule whose
``.git`` is a file containing ``gitdir: <path>``, a bare repository, or the
``.git`` folder itself. A folder is a git dir under the same rule as git's
``is_git_directory()`` in setup.c: a valid ``HEAD``, and ``objects/`` and
``refs/`` in the common git dir.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from piper.errors import UsageError

_OBJECT_ID = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
"""A SHA-1 (40 hex digits) or SHA-256 (64 hex digits) object id."""

_GITFILE_PREFIX = "gitdir:"


class RepositoryNotFoundError(UsageError):
    """The path given for a repository does not exist."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} does not exist.", hint="Check the path, or pass a folder inside a git repository.")
        self.path = path


class NotARepositoryError(UsageError):
    """The path exists but neither it nor any folder above it is a git repository."""

    def __init__(self, path: Path, reason: str | None = None) -> None:
        message = f"{path} is not a git repository"
        super().__init__(
            f"{message}: {reason}." if reason else f"{message}.",
            hint="Pass a working tree, a folder inside one or a bare repository.",
        )
        self.path = path


@dataclass(frozen=True, slots=True)
class Repository:
    """One checkout of a git repository: a working tree, a linked worktree or a bare repository."""

    path: Path
    """The working tree's root, or the git dir of a bare repository. Absolute, symbolic links resolved."""

    git_dir: Path
    """The per-checkout git dir, where ``HEAD``, the index and ``MERGE_HEAD`` live."""

    common_dir: Path
    """The git dir shared by all worktrees, with objects, refs and config. Identifies the repository."""

    bare: bool = False

    @property
    def is_linked_worktree(self) -> bool:
        return self.git_dir != self.common_dir


@dataclass(frozen=True, slots=True)
class Head:
    """The target of a checkout's ``HEAD``: a branch, or a commit when detached."""

    branch: str | None
    """The short branch name (``feature/export``), or None when ``HEAD`` is detached."""

    commit: str | None
    """The commit id when ``HEAD`` is detached, else None."""

    def describe(self) -> str:
        """Name the branch, or the commit of a detached ``HEAD``, for a title."""
        if self.branch is not None:
            return self.branch
        if self.commit is not None:
            return f"detached HEAD at {self.commit[:7]}"
        return "an unknown HEAD"


def find_repository(path: Path) -> Repository:
    """Find the repository that contains ``path``, searching upwards like git does.

    Raises:
        RepositoryNotFoundError: ``path`` does not exist.
        NotARepositoryError: no folder from ``path`` up to the root is a repository,
            or a ``.git`` file points to a git dir that is gone.
    """
    expanded = Path(path).expanduser()
    try:
        folder = expanded.resolve(strict=True)
    except FileNotFoundError:
        raise RepositoryNotFoundError(expanded) from None
    except (OSError, RuntimeError) as error:  # RuntimeError: a symbolic link loop
        raise NotARepositoryError(expanded, str(error)) from None

    if not _is_dir(folder):
        folder = folder.parent
    if not os.access(folder, os.R_OK | os.X_OK):
        raise NotARepositoryError(expanded, "permission denied: Piper cannot read this folder")

    for candidate in (folder, *folder.parents):
        repository = repository_at(candidate)
        if repository is not None:
            return repository
    raise NotARepositoryError(expanded)


def resolve_repository(path: Path) -> Path:
    """Return the root of the repository that contains ``path`` (see :func:`find_repository`)."""
    return find_repository(path).path


def repository_at(folder: Path) -> Repository | None:
    """Return the repository whose root is exactly ``folder``, or None.

    Raises:
        NotARepositoryError: ``folder/.git`` is a file that does not point to a git dir.
    """
    dot_git = folder / ".git"
    if _is_dir(dot_git) and is_git_dir(dot_git):
        return Repository(path=folder, git_dir=dot_git, common_dir=common_dir_of(dot_git))

    if _is_file(dot_git):
        git_dir = _read_gitfile(dot_git)
        if git_dir is None or not is_git_dir(git_dir):
            raise NotARepositoryError(
                folder,
                f"{dot_git} points to {git_dir or 'nothing'}, which is not a git dir "
                f"(if the main working tree moved, run 'git worktree repair {folder}' in it)",
            )
        return Repository(path=folder, git_dir=git_dir, common_dir=common_dir_of(git_dir))

    if is_git_dir(folder):
        # The `.git` folder of a working tree, named directly.
        if folder.name == ".git":
            return Repository(path=folder.parent, git_dir=folder, common_dir=common_dir_of(folder))
        return Repository(path=folder, git_dir=folder, common_dir=common_dir_of(folder), bare=True)
    return None


def is_git_dir(folder: Path) -> bool:
    """Check ``folder`` the way git does: a valid ``HEAD`` and the common dir's ``objects/`` and ``refs/``."""
    if read_head(folder) is None:
        return False
    common = common_dir_of(folder)
    return _is_dir(common / "objects") and _is_dir(common / "refs")


def common_dir_of(git_dir: Path) -> Path:
    """Return the common git dir: the target of ``git_dir/commondir`` for a linked worktree, else ``git_dir``."""
    text = _read_text(git_dir / "commondir")
    if not text:
        return git_dir
    return _resolve(git_dir, text.strip())


def read_head(git_dir: Path) -> Head | None:
    """Read ``git_dir/HEAD``. Return None when it is missing or is neither a symbolic ref nor an object id."""
    text = _read_text(git_dir / "HEAD")
    if text is None:
        return None
    text = text.strip()

    if text.startswith("ref:"):
        target = text[len("ref:"):].strip()
        if not target.startswith("refs/"):
            return None
        return Head(branch=target.removeprefix("refs/heads/"), commit=None)
    if _OBJECT_ID.match(text):
        return Head(branch=None, commit=text)
    return None


def _read_gitfile(dot_git: Path) -> Path | None:
    text = _read_text(dot_git)
    if text is None or not text.startswith(_GITFILE_PREFIX):
        return None
    target = text[len(_GITFILE_PREFIX):].strip()
    if not target:
        return None
    return _resolve(dot_git.parent, target)


def _resolve(base: Path, target: str) -> Path:
    """Resolve a path read from a git file: relative paths are relative to the file's folder."""
    joined = Path(os.path.join(base, target))
    try:
        return joined.resolve()
    except (OSError, RuntimeError):
        return joined


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _is_dir(path: Path) -> bool:
    # Path.is_dir() raises PermissionError on Python 3.11 instead of returning False.
    try:
        return path.is_dir()
    except OSError:
        return False


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False

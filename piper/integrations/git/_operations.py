"""Detect a merge, rebase, cherry-pick, revert or ``git am`` that stopped half way.

Git records an operation in progress as files in the checkout's own git dir
(``.git/worktrees/<name>`` for a linked worktree). The tests check each
marker below against what git 2.39 writes.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from piper.integrations.git._repository import read_head

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class GitOperation:
    """An operation that waits for the user to continue or abort it."""

    name: str
    """``rebase``, ``am``, ``merge``, ``cherry-pick`` or ``revert``."""

    branch: str
    """The branch being worked on, or ``detached HEAD at <sha>``."""

    started_at: dt.datetime | None
    """When git wrote the marker file (its modification time), in UTC."""


def find_operation(git_dir: Path) -> GitOperation | None:
    """Return the operation in progress in the checkout whose git dir is ``git_dir``, or None."""
    try:
        return _find_operation(git_dir)
    except OSError as error:
        logger.warning("cannot check %s for a merge or rebase in progress: %s", git_dir, error)
        return None


def _find_operation(git_dir: Path) -> GitOperation | None:
    for marker in ("rebase-merge", "rebase-apply"):
        folder = git_dir / marker
        if folder.is_dir():
            # `git am` also uses rebase-apply/, and marks it with an `applying` file.
            name = "am" if (folder / "applying").exists() else "rebase"
            return GitOperation(name=name, branch=_rebased_branch(git_dir, folder), started_at=_modified_at(folder))

    for marker, name in (("MERGE_HEAD", "merge"), ("CHERRY_PICK_HEAD", "cherry-pick"), ("REVERT_HEAD", "revert")):
        path = git_dir / marker
        if path.is_file():
            return GitOperation(name=name, branch=_current_branch(git_dir), started_at=_modified_at(path))

    # A cherry-pick or revert of several commits keeps sequencer/ between
    # commits, also after the user committed a resolved conflict by hand.
    todo = git_dir / "sequencer" / "todo"
    if todo.is_file():
        first_word = (todo.read_text(encoding="utf-8", errors="replace").split() or ["pick"])[0]
        name = "revert" if first_word in ("revert", "r") else "cherry-pick"
        return GitOperation(name=name, branch=_current_branch(git_dir), started_at=_modified_at(todo))
    return None


def _rebased_branch(git_dir: Path, folder: Path) -> str:
    """Return the branch a rebase works on: HEAD is detached during a rebase, so read ``head-name``."""
    try:
        head_name = (folder / "head-name").read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        head_name = ""
    if head_name.startswith("refs/heads/"):
        return head_name.removeprefix("refs/heads/")
    return _current_branch(git_dir)


def _current_branch(git_dir: Path) -> str:
    head = read_head(git_dir)
    return head.describe() if head is not None else "an unknown HEAD"


def _modified_at(path: Path) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.timezone.utc)
    except OSError:
        return None

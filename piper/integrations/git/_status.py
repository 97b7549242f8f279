"""Count uncommitted changes with ``git status --porcelain=v2 -z``."""

from __future__ import annotations

from dataclasses import dataclass

STATUS_ARGUMENTS = ["status", "--porcelain=v2", "-z"]
"""Porcelain v2 is git's stable machine format, and ``-z`` keeps file names with newlines intact."""


@dataclass(frozen=True, slots=True)
class WorkingTreeChanges:
    """Uncommitted changes in one working tree, counted by file."""

    changed: int
    """Tracked files with staged or unstaged changes, conflicted ones included."""

    untracked: int
    conflicted: int

    @property
    def is_clean(self) -> bool:
        return self.changed == 0 and self.untracked == 0

    def describe(self) -> str:
        """Summarise the changes, such as ``3 files changed, 1 untracked`` or ``2 untracked files``."""
        parts = []
        if self.changed:
            parts.append(f"{self.changed} {_files(self.changed)} changed")
        if self.untracked:
            parts.append(f"{self.untracked} untracked" if self.changed else f"{self.untracked} untracked {_files(self.untracked)}")
        if self.conflicted:
            parts.append(f"{self.conflicted} conflicted")
        return ", ".join(parts) or "no changes"


def parse_status(output: bytes) -> WorkingTreeChanges:
    """Count the entries of ``git status --porcelain=v2 -z`` output.

    Entry kinds: ``1`` changed, ``2`` renamed or copied (followed by one more
    NUL-terminated field, the original path), ``u`` unmerged, ``?`` untracked,
    ``!`` ignored and ``#`` headers.
    """
    changed = untracked = conflicted = 0
    fields = iter(output.split(b"\0"))
    for field in fields:
        kind = field[:2]
        if kind == b"1 ":
            changed += 1
        elif kind == b"2 ":
            changed += 1
            next(fields, None)
        elif kind == b"u ":
            changed += 1
            conflicted += 1
        elif kind == b"? ":
            untracked += 1
    return WorkingTreeChanges(changed=changed, untracked=untracked, conflicted=conflicted)


def _files(count: int) -> str:
    return "file" if count == 1 else "files"

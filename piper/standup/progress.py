"""Progress reporting for long standup work, shown on stderr only on a terminal."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Receives progress from sources; the engine decides how (and whether) to show it."""

    def add_task(self, description: str, total: int | None) -> int:
        """Start a unit of work with ``total`` steps (None when unknown); return its id."""
        ...

    def advance(self, task_id: int, steps: int = 1) -> None:
        """Mark ``steps`` more steps of the task as done."""
        ...

    def update_total(self, task_id: int, total: int) -> None:
        """Set the total once it is known (after a scan has found repositories)."""
        ...


class NoProgress:
    """A :class:`Progress` that shows nothing (not a terminal, or in tests)."""

    def add_task(self, description: str, total: int | None) -> int:
        return 0

    def advance(self, task_id: int, steps: int = 1) -> None:
        return None

    def update_total(self, task_id: int, total: int) -> None:
        return None

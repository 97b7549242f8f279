"""A rich progress display on stderr, shown only when stderr is a terminal."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from piper.standup.progress import NoProgress, Progress

if TYPE_CHECKING:
    import rich.progress


class RichProgress:
    """Adapts :class:`rich.progress.Progress` to the engine's :class:`Progress` protocol."""

    def __init__(self, display: rich.progress.Progress) -> None:
        self._display = display

    def add_task(self, description: str, total: int | None) -> int:
        return int(self._display.add_task(description, total=total))

    def advance(self, task_id: int, steps: int = 1) -> None:
        self._display.advance(task_id, steps)  # type: ignore[arg-type]

    def update_total(self, task_id: int, total: int) -> None:
        self._display.update(task_id, total=total)  # type: ignore[arg-type]


@contextlib.contextmanager
def progress_for_terminal() -> Iterator[Progress]:
    """Yield a live progress display on a terminal, or one that shows nothing elsewhere.

    ``NO_COLOR`` turns the animation off too, as Piper's other output does.
    """
    if not sys.stderr.isatty() or os.environ.get("TERM") == "dumb" or os.environ.get("NO_COLOR"):
        yield NoProgress()
        return

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichDisplay, SpinnerColumn, TextColumn

    console = Console(stderr=True)
    display = RichDisplay(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
    )
    with display:
        yield RichProgress(display)

"""Standup sources: plug-ins that each return a :class:`~piper.standup.model.SourceResult`.

A source is an object with a ``name`` and an ``async collect(request,
progress)`` method. The registry maps names to import paths so that a
source's dependencies load only when it runs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from piper.standup.model import SourceResult, StandupRequest
    from piper.standup.progress import Progress


class Source(Protocol):
    """A standup source plug-in."""

    name: str

    async def collect(self, request: StandupRequest, progress: Progress) -> SourceResult:
        """Return this source's items for the request's window, or a skipped/error result."""
        ...


REGISTRY: dict[str, str] = {
    "git": "piper.standup.sources.git:GitSource",
    "github": "piper.standup.sources.github:GitHubSource",
    "todos": "piper.standup.sources.todos:TodoSource",
    "calendar": "piper.standup.sources.calendar:CalendarSource",
}
"""Source name to ``module:class``. Names missing here are reported as skipped."""


def load_source(name: str) -> Source:
    """Import and instantiate the source registered under ``name``."""
    module_name, class_name = REGISTRY[name].split(":")
    module = importlib.import_module(module_name)
    return getattr(module, class_name)()

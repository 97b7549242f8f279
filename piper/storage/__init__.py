"""Piper's database: SQLite in the data folder by default, PostgreSQL for a team server.

Public API: :func:`open_database` and the :class:`Database` it yields, the
repositories (:class:`TodoRepository`, :class:`ProjectRepository`,
:class:`StandupRunRepository`), and :func:`database_status` and
:func:`upgrade_database` for ``piper db``. These names import SQLAlchemy
on first access, so command modules use them inside their functions.
Importing the package itself imports nothing heavy, which lets
:mod:`piper.storage.fast_sqlite` run without SQLAlchemy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from piper.storage.database import Database, DatabaseStatus, database_status, open_database, upgrade_database
    from piper.storage.repositories.projects import ProjectRepository
    from piper.storage.repositories.standup_runs import StandupRun, StandupRunRepository, StandupRunSummary
    from piper.storage.repositories.todos import TodoRepository

_EXPORTS = {
    "Database": "piper.storage.database",
    "DatabaseStatus": "piper.storage.database",
    "database_status": "piper.storage.database",
    "open_database": "piper.storage.database",
    "upgrade_database": "piper.storage.database",
    "ProjectRepository": "piper.storage.repositories.projects",
    "StandupRun": "piper.storage.repositories.standup_runs",
    "StandupRunRepository": "piper.storage.repositories.standup_runs",
    "StandupRunSummary": "piper.storage.repositories.standup_runs",
    "TodoRepository": "piper.storage.repositories.todos",
}
"""Public name to the module that defines it."""

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import a public name's module on first access (PEP 562) and cache the name here."""
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value

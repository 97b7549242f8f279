"""Piper's database: SQLite in the data folder by default, PostgreSQL for a team server.

Public API: :func:`open_database` and the :class:`Database` it yields, the
repositories (:class:`TodoRepository`, :class:`ProjectRepository`,
:class:`StandupRunRepository`), and :func:`database_status` and
:func:`upgrade_database` for ``piper db``. Importing this package imports
SQLAlchemy, so command modules import it inside their functions.
"""

from piper.storage.database import Database, DatabaseStatus, database_status, open_database, upgrade_database
from piper.storage.repositories.projects import ProjectRepository
from piper.storage.repositories.standup_runs import StandupRun, StandupRunRepository, StandupRunSummary
from piper.storage.repositories.todos import TodoRepository

__all__ = [
    "Database",
    "DatabaseStatus",
    "ProjectRepository",
    "StandupRun",
    "StandupRunRepository",
    "StandupRunSummary",
    "TodoRepository",
    "database_status",
    "open_database",
    "upgrade_database",
]

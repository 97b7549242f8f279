"""Alembic migrations of Piper's database, run by :mod:`piper.storage.migrate`.

Opening a database compares its stored revision with :data:`HEAD_REVISION`
and imports Alembic only when they differ, because importing Alembic costs
start-up time on every command.

To add a migration: copy the latest file in ``versions/`` to
``NNNN_what_it_does.py`` with the next number, set ``revision`` to that
number and ``down_revision`` to the previous one, write ``upgrade()``, then
append the number to :data:`REVISIONS`. ``tests/unit/storage/test_migrations.py``
checks that this list matches the files and that the migrated schema
matches :mod:`piper.storage.models`.
"""

from __future__ import annotations

REVISIONS: tuple[str, ...] = ("0001", "0002", "0003")
"""Every revision this Piper knows, oldest first."""

HEAD_REVISION = REVISIONS[-1]
"""The revision a database must be at for this Piper to use it."""

"""Alembic environment: runs migrations on the connection that :mod:`piper.storage.migrate` passes in.

Piper has no ``alembic.ini``. The runner builds the Alembic configuration
in code and hands over an open connection in
``config.attributes["connection"]``, already inside the transaction that
the runner commits.
"""

from __future__ import annotations

from alembic import context

from piper.storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Piper's migrations run through piper.storage.migrate (piper db upgrade), not the alembic command")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite changes most constraints only by rebuilding the table; batch mode does that.
    render_as_batch=connection.dialect.name == "sqlite",
)

with context.begin_transaction():
    context.run_migrations()

"""The database tables, as SQLAlchemy ORM classes.

The migrations in ``piper/storage/migrations/versions`` create these
tables. A change here needs a new migration, and
``tests/unit/storage/test_migrations.py`` fails while the two disagree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from piper.storage.types import JSONDocument, UTCDateTime

# Named constraints let later migrations drop or alter them by name, which
# SQLite needs because Alembic rebuilds its tables to change a constraint.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PRIORITIES = ("low", "medium", "high", "urgent")
TODO_STATUSES = ("open", "blocked", "done")
RUN_STATUSES = ("pending", "running", "completed", "failed", "cancelled", "skipped")
ROLES = ("user", "assistant")
DOCUMENT_STATUSES = ("indexing", "ready")

# SQLite reuses the largest rowid after a delete unless the table is
# AUTOINCREMENT; a removed todo's id must never name a new todo.
AUTOINCREMENT = {"sqlite_autoincrement": True}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ProjectRow(Base):
    __tablename__ = "projects"
    __table_args__ = (
        # At most one default project: a partial unique index over the rows flagged default.
        Index(
            "uq_projects_default",
            "is_default",
            unique=True,
            sqlite_where=text("is_default"),
            postgresql_where=text("is_default"),
        ),
        AUTOINCREMENT,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    """``name`` case-folded, so "Atlas" and "atlas" are one project."""

    description: Mapped[str | None] = mapped_column(Text)
    archived: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    is_default: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    todos: Mapped[list[TodoRow]] = relationship(back_populates="project_row", passive_deletes=True)


class TodoRow(Base):
    __tablename__ = "todos"
    __table_args__ = (
        CheckConstraint(f"priority IN {PRIORITIES!r}", name="priority"),
        CheckConstraint(f"status IN {TODO_STATUSES!r}", name="status"),
        CheckConstraint("(status = 'done') = (completed_at IS NOT NULL)", name="completed_when_done"),
        AUTOINCREMENT,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(String(10), server_default="medium")
    status: Mapped[str] = mapped_column(String(10), server_default="open", index=True)
    due: Mapped[dt.date | None] = mapped_column(Date)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"), index=True)
    blocked_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)

    project_row: Mapped[ProjectRow | None] = relationship(back_populates="todos", lazy="joined")


class StandupRunRow(Base):
    __tablename__ = "standup_runs"
    __table_args__ = (AUTOINCREMENT,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    """The day the standup was for."""

    window_since: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    window_until: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    authors: Mapped[list[str]] = mapped_column(JSONDocument)
    yesterday_count: Mapped[int] = mapped_column(Integer)
    today_count: Mapped[int] = mapped_column(Integer)
    blockers_count: Mapped[int] = mapped_column(Integer)
    report: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    """The ``data`` object of ``piper standup --json``, as generated."""

    generated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)


class ProjectRepositoryRow(Base):
    """A repository linked to a project: ``owner/name`` on GitHub, or an absolute path to a local clone."""

    __tablename__ = "project_repositories"
    __table_args__ = (UniqueConstraint("project_id", "repository"), AUTOINCREMENT)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    repository: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ConversationRow(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)


class WorkflowRow(Base):
    __tablename__ = "workflows"
    __table_args__ = (CheckConstraint(f"status IN {RUN_STATUSES!r}", name="status"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10), index=True)
    context: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    error: Mapped[str | None] = mapped_column(Text)
    conversation_id: Mapped[str | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), index=True
    )
    turn_id: Mapped[int | None] = mapped_column(Integer)
    """Id of the user turn that started the workflow. No foreign key, because turns refer to workflows."""

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class TaskRow(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint(f"status IN {RUN_STATUSES!r}", name="status"),
        UniqueConstraint("workflow_id", "position"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    workflow_id: Mapped[str] = mapped_column(ForeignKey("workflows.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10))
    input: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    output: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    error: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    timeout_seconds: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class TurnRow(Base):
    __tablename__ = "turns"
    __table_args__ = (
        CheckConstraint(f"role IN {ROLES!r}", name="role"),
        UniqueConstraint("conversation_id", "position"),
        AUTOINCREMENT,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    """The turn's index in its conversation, from 0."""

    role: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    intent: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    workflow_id: Mapped[str | None] = mapped_column(ForeignKey("workflows.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class DocumentRow(Base):
    """A file in the knowledge base. Its passages live in the knowledge index, keyed by ``path``."""

    __tablename__ = "documents"
    __table_args__ = (CheckConstraint(f"status IN {DOCUMENT_STATUSES!r}", name="status"), AUTOINCREMENT)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(String(4096), unique=True)
    """Absolute path, symbolic links not resolved."""

    display_path: Mapped[str] = mapped_column(String(4096))
    """The path as the user added it, shown in results."""

    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10))
    sha256: Mapped[str] = mapped_column(String(64))
    """Hex sha256 of the file's bytes when it was indexed."""

    size: Mapped[int] = mapped_column(BigInteger)
    """Size in bytes."""

    mtime: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    """The file's modification time when it was indexed."""

    passage_count: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), index=True)
    """``indexing`` while its passages are being replaced, ``ready`` once the index holds them all."""

    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

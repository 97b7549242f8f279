"""Create projects, todos and standup_runs.

Revision ID: 0001
Revises: none, this is the first revision
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Copies of the column types in piper.storage.models, frozen here so that a
# later change to the models cannot change what this migration creates.
UTC_DATETIME = sa.DateTime(timezone=True)
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
AUTOINCREMENT = {"sqlite_autoincrement": True}

# Names are wrapped in op.f() to mark them final: otherwise the naming
# convention of the models' metadata would prefix them a second time.


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("archived", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("is_default", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("name_key", name=op.f("uq_projects_name_key")),
        **AUTOINCREMENT,
    )
    op.create_index(
        op.f("uq_projects_default"),
        "projects",
        ["is_default"],
        unique=True,
        sqlite_where=sa.text("is_default"),
        postgresql_where=sa.text("is_default"),
    )

    op.create_table(
        "todos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("priority", sa.String(10), server_default="medium", nullable=False),
        sa.Column("status", sa.String(10), server_default="open", nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("blocked_reason", sa.Text(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.Column("completed_at", UTC_DATETIME, nullable=True),
        sa.CheckConstraint("priority IN ('low', 'medium', 'high', 'urgent')", name=op.f("ck_todos_priority")),
        sa.CheckConstraint("status IN ('open', 'blocked', 'done')", name=op.f("ck_todos_status")),
        sa.CheckConstraint("(status = 'done') = (completed_at IS NOT NULL)", name=op.f("ck_todos_completed_when_done")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_todos_project_id_projects"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_todos")),
        **AUTOINCREMENT,
    )
    op.create_index(op.f("ix_todos_status"), "todos", ["status"])
    op.create_index(op.f("ix_todos_project_id"), "todos", ["project_id"])
    op.create_index(op.f("ix_todos_completed_at"), "todos", ["completed_at"])

    op.create_table(
        "standup_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("window_since", UTC_DATETIME, nullable=False),
        sa.Column("window_until", UTC_DATETIME, nullable=False),
        sa.Column("authors", JSON_DOCUMENT, nullable=False),
        sa.Column("yesterday_count", sa.Integer(), nullable=False),
        sa.Column("today_count", sa.Integer(), nullable=False),
        sa.Column("blockers_count", sa.Integer(), nullable=False),
        sa.Column("report", JSON_DOCUMENT, nullable=False),
        sa.Column("generated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standup_runs")),
        **AUTOINCREMENT,
    )
    op.create_index(op.f("ix_standup_runs_date"), "standup_runs", ["date"])
    op.create_index(op.f("ix_standup_runs_generated_at"), "standup_runs", ["generated_at"])


def downgrade() -> None:
    op.drop_table("standup_runs")
    op.drop_table("todos")
    op.drop_table("projects")

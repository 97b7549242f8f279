"""Create workflows, tasks, conversations, turns and project_repositories.

Revision ID: 0002
Revises: 0001

Only new tables, so an existing database keeps every row, and SQLite needs
no table rebuild.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Frozen copies of the column types in piper.storage.models, as in 0001.
UTC_DATETIME = sa.DateTime(timezone=True)
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
AUTOINCREMENT = {"sqlite_autoincrement": True}
RUN_STATUS_CHECK = "status IN ('pending', 'running', 'completed', 'failed', 'cancelled', 'skipped')"


def upgrade() -> None:
    op.create_table(
        "project_repositories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("repository", sa.String(1000), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_project_repositories_project_id_projects"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_repositories")),
        sa.UniqueConstraint("project_id", "repository", name=op.f("uq_project_repositories_project_id_repository")),
        **AUTOINCREMENT,
    )
    op.create_index(op.f("ix_project_repositories_project_id"), "project_repositories", ["project_id"])

    op.create_table(
        "conversations",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
    )
    op.create_index(op.f("ix_conversations_updated_at"), "conversations", ["updated_at"])

    op.create_table(
        "workflows",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("context", JSON_DOCUMENT, nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("conversation_id", sa.String(36), nullable=True),
        sa.Column("turn_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("started_at", UTC_DATETIME, nullable=True),
        sa.Column("completed_at", UTC_DATETIME, nullable=True),
        sa.CheckConstraint(RUN_STATUS_CHECK, name=op.f("ck_workflows_status")),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_workflows_conversation_id_conversations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflows")),
    )
    op.create_index(op.f("ix_workflows_status"), "workflows", ["status"])
    op.create_index(op.f("ix_workflows_conversation_id"), "workflows", ["conversation_id"])
    op.create_index(op.f("ix_workflows_created_at"), "workflows", ["created_at"])

    op.create_table(
        "tasks",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("workflow_id", sa.String(36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("input", JSON_DOCUMENT, nullable=False),
        sa.Column("output", JSON_DOCUMENT, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("timeout_seconds", sa.Float(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("started_at", UTC_DATETIME, nullable=True),
        sa.Column("completed_at", UTC_DATETIME, nullable=True),
        sa.CheckConstraint(RUN_STATUS_CHECK, name=op.f("ck_tasks_status")),
        sa.ForeignKeyConstraint(
            ["workflow_id"], ["workflows.id"], name=op.f("fk_tasks_workflow_id_workflows"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint("workflow_id", "position", name=op.f("uq_tasks_workflow_id_position")),
    )
    op.create_index(op.f("ix_tasks_workflow_id"), "tasks", ["workflow_id"])

    op.create_table(
        "turns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("intent", JSON_DOCUMENT, nullable=True),
        sa.Column("workflow_id", sa.String(36), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.CheckConstraint("role IN ('user', 'assistant')", name=op.f("ck_turns_role")),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_turns_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workflow_id"], ["workflows.id"], name=op.f("fk_turns_workflow_id_workflows"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_turns")),
        sa.UniqueConstraint("conversation_id", "position", name=op.f("uq_turns_conversation_id_position")),
        **AUTOINCREMENT,
    )
    op.create_index(op.f("ix_turns_conversation_id"), "turns", ["conversation_id"])
    op.create_index(op.f("ix_turns_workflow_id"), "turns", ["workflow_id"])


def downgrade() -> None:
    op.drop_table("turns")
    op.drop_table("tasks")
    op.drop_table("workflows")
    op.drop_table("conversations")
    op.drop_table("project_repositories")

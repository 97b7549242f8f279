"""Create documents: the files in the knowledge base.

Revision ID: 0003
Revises: 0002

Only a new table, so an existing database keeps every row, and SQLite needs
no table rebuild.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Frozen copies of the column types in piper.storage.models, as in 0001.
UTC_DATETIME = sa.DateTime(timezone=True)
AUTOINCREMENT = {"sqlite_autoincrement": True}


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(4096), nullable=False),
        sa.Column("display_path", sa.String(4096), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mtime", UTC_DATETIME, nullable=False),
        sa.Column("passage_count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("added_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.CheckConstraint("status IN ('indexing', 'ready')", name=op.f("ck_documents_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("path", name=op.f("uq_documents_path")),
        **AUTOINCREMENT,
    )
    op.create_index(op.f("ix_documents_status"), "documents", ["status"])


def downgrade() -> None:
    op.drop_table("documents")

"""The tables of what users write: reports, rate counts, editor accounts and session generations, orientation
counts. Each is created only if missing: a database made earlier by create_all keeps its tables and rows.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fiche_id", sa.String(), nullable=False),
        sa.Column("contact", sa.String(), nullable=True),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("content_version", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    for column in ("fiche_id", "created_at", "status"):
        op.create_index(f"ix_report_{column}", "report", [column], if_not_exists=True)
    op.create_table(
        "rate_count",
        sa.Column("bucket", sa.String(), nullable=False),
        sa.Column("client", sa.String(), nullable=False),
        sa.Column("window_start", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "client", "window_start"),
        if_not_exists=True,
    )
    op.create_table(
        "editor_account",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
        if_not_exists=True,
    )
    op.create_table(
        "editor_session_generation",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
        if_not_exists=True,
    )
    op.create_table(
        "orientation_count",
        sa.Column("tree", sa.String(), nullable=False),
        sa.Column("node", sa.String(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tree", "node"),
        if_not_exists=True,
    )


def downgrade() -> None:
    for table in ("orientation_count", "editor_session_generation", "editor_account", "rate_count", "report"):
        op.drop_table(table)

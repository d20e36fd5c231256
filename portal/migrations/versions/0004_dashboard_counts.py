"""The dashboard's anonymous counts: orientation results by month with their étape and statut, and the dictionary
words of searches that found nothing.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "orientation_month",
        sa.Column("month", sa.String(), nullable=False),
        sa.Column("tree", sa.String(), nullable=False),
        sa.Column("node", sa.String(), nullable=False),
        sa.Column("etape", sa.String(), nullable=False),
        sa.Column("statut", sa.String(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "tree", "node", "etape", "statut"),
        if_not_exists=True,
    )
    op.create_table(
        "search_miss",
        sa.Column("word", sa.String(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("word"),
        if_not_exists=True,
    )


def downgrade() -> None:
    op.drop_table("search_miss")
    op.drop_table("orientation_month")

"""Territory editors: an account's scope, one-time invitations, the history of contact changes made on the web,
where a report on a contact belongs and how it ended, and the anonymous demand for contacts by département.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _missing(table: str, columns: list[sa.Column]) -> list[sa.Column]:
    # A base made by create_all from these models already has them: only what it lacks is added.
    present = {column["name"] for column in sa.inspect(op.get_bind()).get_columns(table)}
    return [column for column in columns if column.name not in present]


def upgrade() -> None:
    # Accounts created before scopes keep every right they had: national.
    scope = sa.Column("scope", sa.String(), nullable=False, server_default="national")
    with op.batch_alter_table("editor_account") as table:
        for column in _missing("editor_account", [scope]):
            table.add_column(column)
    places = [sa.Column(name, sa.String(), nullable=True) for name in ("place_kind", "place_code")]
    endings = [sa.Column(name, sa.String(), nullable=True) for name in ("resolution", "resolution_note")]
    with op.batch_alter_table("report") as table:
        for column in _missing("report", places + endings):
            table.add_column(column)
    op.create_index("ix_report_place_code", "report", ["place_code"], if_not_exists=True)
    op.create_table(
        "editor_invitation",
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("scope", sa.String(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_table(
        "contact_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("before", sa.String(), nullable=True),
        sa.Column("after", sa.String(), nullable=True),
        sa.Column("undoes", sa.Integer(), nullable=True),
        sa.Column("commit", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_contact_change_code", "contact_change", ["kind", "code"])
    op.create_table(
        "contact_demand",
        sa.Column("departement", sa.String(), nullable=False),
        sa.Column("acteur", sa.String(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("departement", "acteur"),
    )


def downgrade() -> None:
    op.drop_table("contact_demand")
    op.drop_index("ix_contact_change_code", "contact_change")
    op.drop_table("contact_change")
    op.drop_table("editor_invitation")
    op.drop_index("ix_report_place_code", "report")
    with op.batch_alter_table("report") as table:
        for column in ("resolution_note", "resolution", "place_code", "place_kind"):
            table.drop_column(column)
    with op.batch_alter_table("editor_account") as table:
        table.drop_column("scope")

"""Drop the tables earlier versions derived from the content (fiches, their étapes and publics, local contacts,
the content version they held): the content is read from its files, the database keeps only what users write.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The tables that point at « fiche » first.
    for table in ("fiche_etape", "fiche_public", "contact", "fiche", "contentmeta"):
        op.drop_table(table, if_exists=True)


def downgrade() -> None:
    """Nothing to restore: the versions that used these tables create and fill them themselves."""

"""reserved for issue 14 (documents that reconcile)

Revision ID: 0015
Revises: 0014

Reserved so that work on several issues at once keeps one straight chain of revisions; it changes
nothing until that work fills it in.
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
